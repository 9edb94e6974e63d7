/*
 * Soak test, one simulated hour in seconds of real time: does a long-running windowed
 * aggregation stay bounded? The rate source runs on the manual clock (its rows' event time
 * advances with the clock) into
 *   SELECT value % KEYS AS k, window(timestamp, '5 minutes') AS window, count(*) AS count
 *   FROM STREAM r WATERMARK timestamp DELAY OF INTERVAL 10 MINUTES GROUP BY 1, 2
 * in append mode, noop sink, checkpointed. The clock advances in fixed steps, one trigger per
 * step (plus the no-data batches the moving watermark asks for). Every 5 simulated minutes
 * it samples the state (stateOperators[0].numRowsTotal and memoryUsedBytes of the last
 * progress), the process RSS (/proc/self/statm) and the checkpoint's size on disk, prints
 * the table, and says whether each stays flat after the first 15 minutes (warm-up: the
 * first windows close at 15 minutes): the later half of the samples after warm-up may not
 * exceed the earlier half's maximum by more than a few percent. It also checks that append
 * mode emitted exactly one row per key and closed window.
 * Usage: bench_soak [step seconds] [rows per second] [keys] [shuffle partitions] [seconds]
 * (default 10 1000 1000 200 3600). Exits 1 only when the output is wrong (growth is
 * reported, so that `scripts/dev.sh bench` runs the other benchmarks).
 */
#include <ftw.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "weir.h"

#define SAMPLE_S 300 /* sample every 5 simulated minutes */
#define WARMUP_S 900 /* state reaches its steady size once the first windows close */
#define WINDOW_S 300
#define DELAY_S  600
#define MAX_ROWS 64

typedef struct sample {
    long t, batches, state_rows, state_bytes, rss_kib, disk_kib, files;
    double cpu;
} sample;

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long du_kib, du_files;

static int du_cb(const char *p, const struct stat *st, int flag, struct FTW *w)
{
    (void)p;
    (void)w;
    if (flag == FTW_F) {
        du_kib += (long)st->st_blocks / 2;
        du_files++;
    }
    return 0;
}

static int rm_cb(const char *p, const struct stat *st, int f, struct FTW *w)
{
    (void)st;
    (void)f;
    (void)w;
    return remove(p);
}

/* The number after "key" : at or after from, or -1. */
static long json_long(const char *from, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\" : ", key);
    const char *p = from ? strstr(from, pat) : NULL;
    return p ? atol(p + strlen(pat)) : -1;
}

static int exec(weir_db *db, const char *sql)
{
    if (weir_exec(db, sql, NULL, NULL) != WEIR_OK) {
        fprintf(stderr, "error: %s\n", weir_errmsg(db));
        return 1;
    }
    return 0;
}

/* Runs triggers until one runs no batch; adds the batches' output rows. */
static int drain(weir_db *db, weir_query *q, long *batches, long *out_rows, char **last)
{
    for (;;) {
        bool ran = false;
        if (weir_query_trigger(q, &ran) != WEIR_OK) {
            fprintf(stderr, "error: %s\n", weir_errmsg(db));
            return 1;
        }
        if (!ran) return 0;
        char *p = weir_query_last_progress(q);
        (*batches)++;
        long n = p ? json_long(strstr(p, "\"sink\""), "numOutputRows") : -1;
        if (n > 0) *out_rows += n;
        weir_free(*last);
        *last = p;
    }
}

/* "flat" (bounded): the samples after warm-up, split into an earlier and a later half; the
 * later half's maximum may exceed the earlier half's by at most rel (a fraction) plus abs.
 * Steady growth fails; a value settling at a plateau or oscillating passes. */
static bool flat(const sample *s, int n, size_t off, double rel, double abs)
{
    int first = 0;
    while (first < n && s[first].t < WARMUP_S)
        first++;
    int mid = first + (n - first) / 2;
    if (n - first < 2) return true;
    double a = 0, b = 0;
    for (int i = first; i < n; i++) {
        double v = (double)*(const long *)((const char *)&s[i] + off);
        if (i < mid && v > a) a = v;
        if (i >= mid && v > b) b = v;
    }
    return b <= a * (1.0 + rel) + abs;
}

int main(int argc, char **argv)
{
    long step = argc > 1 ? atol(argv[1]) : 10;
    long rate = argc > 2 ? atol(argv[2]) : 1000;
    long keys = argc > 3 ? atol(argv[3]) : 1000;
    int partitions = argc > 4 ? atoi(argv[4]) : 200;
    long seconds = argc > 5 ? atol(argv[5]) : 3600;
    if (step <= 0 || rate <= 0 || keys <= 0 || partitions <= 0 || seconds <= 0 ||
        SAMPLE_S % step != 0) {
        fprintf(stderr, "usage: bench_soak [step seconds dividing 300] [rows per second] "
                        "[keys] [shuffle partitions] [seconds]\n");
        return 2;
    }
    char ckpt[256], sql[1024];
    snprintf(ckpt, sizeof ckpt, "/tmp/weir_bench_soak_ckpt_%d", (int)getpid());
    weir_db *db;
    if (weir_open(&db) != WEIR_OK) return 1;
    snprintf(sql, sizeof sql,
             "SET spark.sql.session.timeZone = 'UTC';"
             "SET spark.sql.shuffle.partitions = %d;"
             "SET weir.streaming.manualClock = true;"
             "SET weir.streaming.manualTrigger = true;"
             "CREATE TEMPORARY VIEW r USING rate OPTIONS (rowsPerSecond '%ld');"
             "CREATE STREAMING TABLE soak USING noop OPTIONS (outputMode 'append', "
             "checkpointLocation '%s') AS "
             "SELECT value %% %ld AS k, window(timestamp, '5 minutes') AS window, count(*) AS "
             "count FROM STREAM r WATERMARK timestamp DELAY OF INTERVAL 10 MINUTES "
             "GROUP BY 1, 2",
             partitions, rate, ckpt, keys);
    if (exec(db, sql)) return 1;
    weir_query *q = weir_query_find(db, "soak");
    printf("soak: rate source %ld rows/s on the manual clock, key = value %% %ld, 5-minute "
           "windows, watermark 10 minutes, append, noop, %d shuffle partitions; %ld simulated "
           "seconds in %ld-second steps\n",
           rate, keys, partitions, seconds, step);
    printf("%8s %8s %10s %12s %10s %10s %9s %8s %9s\n", "sim_min", "batches", "state_rows",
           "state_bytes", "rss_MiB", "ckpt_MiB", "ckpt_files", "cpu_s", "Mrows/s");

    sample s[MAX_ROWS];
    int ns = 0;
    long batches = 0, out_rows = 0;
    char *last = NULL;
    double c0 = cpu_s(), w0 = wall_s();
    for (long t = 0; t <= seconds; t += step) {
        if (t > 0) weir_advance_clock(db, step * 1000);
        if (drain(db, q, &batches, &out_rows, &last)) return 1;
        if (t % SAMPLE_S != 0 || ns == MAX_ROWS) continue;
        const char *ops = last ? strstr(last, "\"stateOperators\"") : NULL;
        du_kib = du_files = 0;
        nftw(ckpt, du_cb, 16, FTW_PHYS);
        sample *x = &s[ns++];
        *x = (sample){t,
                      batches,
                      json_long(ops, "numRowsTotal"),
                      json_long(ops, "memoryUsedBytes"),
                      rss_kib(),
                      du_kib,
                      du_files,
                      cpu_s() - c0};
        printf("%8ld %8ld %10ld %12ld %10.1f %10.1f %9ld %8.2f %9.2f\n", t / 60, x->batches,
               x->state_rows, x->state_bytes, (double)x->rss_kib / 1024.0,
               (double)x->disk_kib / 1024.0, x->files, x->cpu,
               x->cpu > 0 ? (double)t * (double)rate / x->cpu / 1e6 : 0.0);
        fflush(stdout);
    }
    double wall = wall_s() - w0;
    weir_free(last);

    /* Append mode emits each (key, window) once, when the watermark passes the window's
     * end. The last row's event time is seconds - 1/rate, so the final watermark is
     * seconds - 10 minutes - 1/rate: the windows ending before seconds - 10 minutes. */
    long closed = 0;
    for (long end = WINDOW_S; end < seconds - DELAY_S; end += WINDOW_S)
        closed++;
    long want = closed * (keys < rate * WINDOW_S ? keys : rate * WINDOW_S);
    bool rows_flat = flat(s, ns, offsetof(sample, state_rows), 0.0, 0);
    bool bytes_flat = flat(s, ns, offsetof(sample, state_bytes), 0.05, 64 * 1024);
    bool rss_flat = flat(s, ns, offsetof(sample, rss_kib), 0.05, 4096);
    bool disk_flat = flat(s, ns, offsetof(sample, disk_kib), 0.25, 1024);
    bool out_ok = out_rows == want;
    printf("wall %.1fs for %ld simulated seconds (%.0fx real time), %ld batches, %ld input "
           "rows\n",
           wall, seconds, (double)seconds / wall, batches, seconds * rate);
    printf("after warm-up (%d min): state rows %s, state bytes %s, RSS %s, checkpoint on disk "
           "%s\n",
           WARMUP_S / 60, rows_flat ? "flat" : "GROWS", bytes_flat ? "flat" : "GROWS",
           rss_flat ? "flat" : "GROWS", disk_flat ? "flat" : "GROWS");
    printf("rows emitted: %ld (expected %ld: one per key and closed window) %s\n", out_rows, want,
           out_ok ? "ok" : "WRONG");
    /* Spark purges offsets/ and commits/ after each batch down to the last
     * spark.sql.streaming.minBatchesToRetain (100) entries; the state store keeps 100
     * versions. */
    printf("checkpoint at the end:");
    const char *subdirs[] = {"offsets", "commits", "sources", "state"};
    long log_files = 0;
    for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
        char sub[300];
        snprintf(sub, sizeof sub, "%s/%s", ckpt, subdirs[i]);
        du_kib = du_files = 0;
        nftw(sub, du_cb, 16, FTW_PHYS);
        if (i < 2 && du_files > log_files) log_files = du_files;
        printf(" %s %ld files %.1f MiB%s", subdirs[i], du_files, (double)du_kib / 1024.0,
               i + 1 < sizeof subdirs / sizeof subdirs[0] ? "," : "\n");
    }
    bool logs_ok = log_files <= 102;
    printf("offsets/commits logs: %ld entries %s\n", log_files,
           logs_ok ? "(purged to minBatchesToRetain = 100, as Spark)"
                   : "GROWS (Spark keeps the last minBatchesToRetain = 100)");
    weir_close(db);
    nftw(ckpt, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    bool bounded = rows_flat && bytes_flat && rss_flat && disk_flat && logs_ok;
    printf("verdict: %s\n", bounded ? "bounded" : "NOT BOUNDED (see GROWS above)");
    return out_ok ? 0 : 1;
}
