/*
 * Stateless streaming throughput: a directory of JSON files (100-byte lines of
 * emp_id / emp_name / timestamp / time) read as a stream, filtered and projected, written
 * to the noop sink with trigger 'availableNow' (checkpointed micro-batches, one per
 * maxFilesPerTrigger files). Prints input rows/s per core (over process CPU time), the
 * number of batches and peak RSS. Usage: bench_stream [files] [rows per file]
 * (default 50 x 100,000; the data is generated once under /tmp).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "weir.h"

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

static int make_data(const char *dir, int files, long rows)
{
    struct stat st;
    char done[512];
    snprintf(done, sizeof done, "%s/.complete", dir);
    if (stat(done, &st) == 0) return 0;
    mkdir(dir, 0755);
    for (int f = 0; f < files; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/part-%05d.json", dir, f);
        FILE *o = fopen(path, "w");
        if (!o) return -1;
        for (long i = 0; i < rows; i++) {
            long n = (long)f * rows + i;
            int id = (int)(n % 100000), mi = (int)((n / 60) % 60), s = (int)(n % 60);
            fprintf(o,
                    "{\"emp_id\":%d,\"emp_name\":\"name_%d\",\"timestamp\":\"2016-03-20 "
                    "12:%02d:%02d\",\"time\":\"2016-03-20 12:%02d:%02d\"}\n",
                    id, id, mi, s, mi, s);
        }
        if (fclose(o) != 0) return -1;
    }
    FILE *d = fopen(done, "w");
    return d && fclose(d) == 0 ? 0 : -1;
}

static int exec(weir_db *db, const char *sql)
{
    if (weir_exec(db, sql, NULL, NULL) != WEIR_OK) {
        fprintf(stderr, "error: %s\n", weir_errmsg(db));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int files = argc > 1 ? atoi(argv[1]) : 50;
    long rows = argc > 2 ? atol(argv[2]) : 100000;
    char dir[256], ckpt[256], sql[1024];
    snprintf(dir, sizeof dir, "/tmp/weir_bench_stream_%dx%ld", files, rows);
    snprintf(ckpt, sizeof ckpt, "/tmp/weir_bench_stream_ckpt_%d", (int)getpid());
    if (make_data(dir, files, rows) != 0) {
        fprintf(stderr, "cannot write %s\n", dir);
        return 1;
    }
    weir_db *db;
    if (weir_open(&db) != WEIR_OK) return 1;
    snprintf(sql, sizeof sql,
             "SET spark.sql.session.timeZone = 'UTC';"
             "CREATE TEMPORARY VIEW e (emp_id INT, emp_name STRING, timestamp TIMESTAMP, time "
             "STRING) USING json OPTIONS (path '%s', maxFilesPerTrigger '5');",
             dir);
    if (exec(db, sql)) return 1;
    snprintf(sql, sizeof sql,
             "CREATE STREAMING TABLE b USING noop OPTIONS (trigger 'availableNow', "
             "checkpointLocation '%s') AS SELECT emp_id, emp_name, timestamp FROM STREAM e "
             "WHERE emp_id %% 2 = 0",
             ckpt);
    double c0 = cpu_s(), w0 = wall_s();
    if (exec(db, sql) || exec(db, "AWAIT STREAMING TABLE b")) return 1;
    double cpu = cpu_s() - c0, wall = wall_s() - w0;
    long total = (long)files * rows;
    char *progress = weir_query_last_progress(weir_query_find(db, "b"));
    const char *bid = progress ? strstr(progress, "\"batchId\" : ") : NULL;
    printf("json files -> filter/project -> noop, availableNow: rows=%ld files=%d batches=%ld "
           "wall=%.3fs cpu=%.3fs  %.2f M rows/s per core\n",
           total, files, bid ? atol(bid + 12) + 1 : -1, wall, cpu, (double)total / cpu / 1e6);
    weir_free(progress);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MiB (includes memory-mapped input files)\n",
           (double)ru.ru_maxrss / 1024.0);
    weir_close(db);
    snprintf(sql, sizeof sql, "rm -rf '%s'", ckpt);
    return system(sql) == 0 ? 0 : 1;
}
