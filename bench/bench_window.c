/*
 * Windowed streaming aggregation throughput: the seeds' tumbling-window count
 *   SELECT emp_id, window(timestamp, '5 minutes') AS window, count(*) AS count
 *   FROM STREAM e WATERMARK timestamp DELAY OF INTERVAL 10 MINUTES
 *   GROUP BY emp_id, window(timestamp, '5 minutes')
 * in append mode over a directory of 100-byte JSON lines (emp_id / emp_name / timestamp /
 * time; event time advances one second per 1,000 rows, so every 5-minute window holds
 * 300,000 rows), trigger 'availableNow' (checkpointed micro-batches of maxFilesPerTrigger
 * files), noop sink. It runs with 1,000 distinct emp_ids and with 1,000,000 (each window
 * then holds ~300,000 groups and the state ~3 windows' worth), each under
 * spark.sql.shuffle.partitions 200 (Spark's default) and a small value, every run in a
 * forked child so CPU time and peak RSS are its own, after a baseline run without the
 * aggregation. Prints input rows/s per core (input rows over process CPU time), wall time,
 * batches, the state at the end (rows, checked against the expected count; bytes) and
 * peak RSS. Usage: bench_window [rows] [files] [files per trigger] [small partitions] [keys]
 * (default 10,000,000 100 10 4; the data is generated once under /tmp). A fifth argument
 * runs only that key count (1000 or 1000000) without the baseline — for profiling.
 */
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "weir.h"

#define ROWS_PER_SECOND 1000 /* event time advances one second per this many rows */

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

/* Row n: emp_id n % keys, event time 2016-03-20 00:00:00 + n / ROWS_PER_SECOND seconds. */
static int make_data(const char *dir, long rows, int files, long keys)
{
    struct stat st;
    char done[512];
    snprintf(done, sizeof done, "%s/.complete", dir);
    if (stat(done, &st) == 0) return 0;
    mkdir(dir, 0755);
    long per = rows / files;
    for (int f = 0; f < files; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/part-%05d.json", dir, f);
        FILE *o = fopen(path, "w");
        if (!o) return -1;
        long end = f == files - 1 ? rows : (long)(f + 1) * per;
        for (long n = (long)f * per; n < end; n++) {
            long id = n % keys, sec = n / ROWS_PER_SECOND;
            int d = 20 + (int)(sec / 86400), h = (int)(sec / 3600 % 24), mi = (int)(sec / 60 % 60),
                s = (int)(sec % 60);
            fprintf(o,
                    "{\"emp_id\":%ld,\"emp_name\":\"name_%ld\",\"timestamp\":\"2016-03-%02d "
                    "%02d:%02d:%02d\",\"time\":\"2016-03-%02d %02d:%02d:%02d\"}\n",
                    id, id, d, h, mi, s, d, h, mi, s);
        }
        if (fclose(o) != 0) return -1;
    }
    FILE *c = fopen(done, "w");
    return c && fclose(c) == 0 ? 0 : -1;
}

static int exec(weir_db *db, const char *sql)
{
    if (weir_exec(db, sql, NULL, NULL) != WEIR_OK) {
        fprintf(stderr, "error: %s\n", weir_errmsg(db));
        return 1;
    }
    return 0;
}

/* The number after "key" : in the progress JSON at or after from, or -1. */
static long json_long(const char *from, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\" : ", key);
    const char *p = from ? strstr(from, pat) : NULL;
    return p ? atol(p + strlen(pat)) : -1;
}

static long status_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') v = atol(line + n + 1);
    if (f) fclose(f);
    return v;
}

static int rm_cb(const char *p, const struct stat *st, int f, struct FTW *w)
{
    (void)st;
    (void)f;
    (void)w;
    return remove(p);
}

/* The state rows left after the last (no-data) batch: the groups of the windows the final
 * watermark (the last event time - 10 minutes) has not passed. Rows of one window are
 * consecutive n, so a window of c rows holds min(c, keys) groups. */
static long expected_state_rows(long rows, long keys)
{
    long last_s = (rows - 1) / ROWS_PER_SECOND, watermark_s = last_s - 600, total = 0;
    for (long start = last_s / 300 * 300; start + 300 > watermark_s && start >= 0; start -= 300) {
        long first = start * ROWS_PER_SECOND, end = (start + 300) * ROWS_PER_SECOND;
        if (end > rows) end = rows;
        total += end - first < keys ? end - first : keys;
    }
    return total;
}

/* One measured run, in the calling (child) process. partitions 0: the baseline, the same
 * stream and window() without the aggregation (what reading and windowing cost). */
static int run(const char *dir, long rows, long keys, int per_trigger, int partitions)
{
    bool base = partitions == 0;
    char ckpt[256], sql[1024];
    snprintf(ckpt, sizeof ckpt, "/tmp/weir_bench_window_ckpt_%d", (int)getpid());
    nftw(ckpt, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    weir_db *db;
    if (weir_open(&db) != WEIR_OK) return 1;
    snprintf(sql, sizeof sql,
             "SET spark.sql.session.timeZone = 'UTC';"
             "SET spark.sql.shuffle.partitions = %d;"
             "CREATE TEMPORARY VIEW e (emp_id INT, emp_name STRING, timestamp TIMESTAMP, time "
             "STRING) USING json OPTIONS (path '%s', maxFilesPerTrigger '%d');",
             base ? 200 : partitions, dir, per_trigger);
    if (exec(db, sql)) return 1;
    snprintf(sql, sizeof sql,
             "CREATE STREAMING TABLE w USING noop OPTIONS (outputMode 'append', trigger "
             "'availableNow', checkpointLocation '%s') AS %s",
             ckpt,
             base ? "SELECT emp_id, window(timestamp, '5 minutes') AS window FROM STREAM e"
                  : "SELECT emp_id, window(timestamp, '5 minutes') AS window, count(*) AS count "
                    "FROM STREAM e WATERMARK timestamp DELAY OF INTERVAL 10 MINUTES "
                    "GROUP BY emp_id, window(timestamp, '5 minutes')");
    double c0 = cpu_s(), w0 = wall_s();
    if (exec(db, sql) || exec(db, "AWAIT STREAMING TABLE w")) return 1;
    double cpu = cpu_s() - c0, wall = wall_s() - w0;
    char *progress = weir_query_last_progress(weir_query_find(db, "w"));
    const char *ops = progress ? strstr(progress, "\"stateOperators\"") : NULL;
    long state_rows = json_long(ops, "numRowsTotal"), want = expected_state_rows(rows, keys);
    if (base) {
        printf("baseline: the same scan and window(), no aggregation: rows=%ld batches=%ld "
               "wall=%.2fs cpu=%.2fs  %.2f M rows/s per core  peak RSS %.0f MiB\n",
               rows, json_long(progress, "batchId") + 1, wall, cpu, (double)rows / cpu / 1e6,
               (double)status_kib("VmHWM") / 1024.0);
        state_rows = want = 0;
    } else {
        printf("keys=%-8ld partitions=%-4d rows=%ld batches=%ld wall=%.2fs cpu=%.2fs  %.2f M "
               "rows/s per core  state rows=%ld%s (%.1f MiB)  peak RSS %.0f MiB (anon now %.0f "
               "MiB)\n",
               keys, partitions, rows, json_long(progress, "batchId") + 1, wall, cpu,
               (double)rows / cpu / 1e6, state_rows, state_rows == want ? "" : " WRONG",
               (double)json_long(ops, "memoryUsedBytes") / 1048576.0,
               (double)status_kib("VmHWM") / 1024.0, (double)status_kib("RssAnon") / 1024.0);
    }
    fflush(stdout);
    weir_free(progress);
    weir_close(db);
    nftw(ckpt, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    if (state_rows != want) fprintf(stderr, "expected %ld state rows at the end\n", want);
    return state_rows == want ? 0 : 1;
}

int main(int argc, char **argv)
{
    long rows = argc > 1 ? atol(argv[1]) : 10000000;
    int files = argc > 2 ? atoi(argv[2]) : 100;
    int per_trigger = argc > 3 ? atoi(argv[3]) : 10;
    int small = argc > 4 ? atoi(argv[4]) : 4;
    long only_keys = argc > 5 ? atol(argv[5]) : 0;
    const long key_counts[] = {1000, 1000000};
    const int partitions[] = {0, 200, small}; /* 0: the baseline, first dataset only */
    printf("windowed count (5-minute tumbling, watermark 10 minutes, append) over %ld JSON rows "
           "in %d files, %d files per trigger, availableNow, noop sink\n",
           rows, files, per_trigger);
    for (size_t k = 0; k < sizeof key_counts / sizeof key_counts[0]; k++) {
        if (only_keys && key_counts[k] != only_keys) continue;
        char dir[256];
        snprintf(dir, sizeof dir, "/tmp/weir_bench_window_%ld_k%ld_f%d", rows, key_counts[k],
                 files);
        if (make_data(dir, rows, files, key_counts[k]) != 0) {
            fprintf(stderr, "cannot write %s\n", dir);
            return 1;
        }
        for (size_t p = k == 0 && !only_keys ? 0 : 1; p < sizeof partitions / sizeof partitions[0];
             p++) {
            fflush(stdout);
            pid_t pid = fork();
            if (pid < 0) return 1;
            if (pid == 0) _exit(run(dir, rows, key_counts[k], per_trigger, partitions[p]));
            int status;
            if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return 1;
        }
    }
    return 0;
}
