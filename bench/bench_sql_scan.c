/*
 * End-to-end batch scan benchmark through the public API: N 100-byte JSON lines of
 * emp_id / emp_name / timestamp / time, read with a declared schema, filtered and
 * projected by SQL (SELECT emp_id, emp_name, timestamp FROM e WHERE emp_id % 2 = 0), the
 * result stepped through batch by batch. Prints rows/s per core (input rows over CPU time)
 * and peak RSS. Usage: bench_sql_scan [rows] (default 5,000,000; the data file is
 * generated once under /tmp).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "weir.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int make_data(const char *path, long rows)
{
    struct stat st;
    if (stat(path, &st) == 0) return 0;
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    for (long i = 0; i < rows; i++) {
        int id = (int)(i % 100000), mi = (int)((i / 60) % 60), s = (int)(i % 60);
        fprintf(f,
                "{\"emp_id\":%d,\"emp_name\":\"name_%d\",\"timestamp\":\"2016-03-20 12:%02d:%02d\","
                "\"time\":\"2016-03-20 12:%02d:%02d\"}\n",
                id, id, mi, s, mi, s);
    }
    if (fclose(f) != 0) return -1;
    return rename(tmp, path);
}

static int run(weir_db *db, const char *sql, long *rows_out)
{
    weir_stmt *st;
    if (weir_prepare(db, sql, &st, NULL) != WEIR_OK) {
        fprintf(stderr, "error: %s\n", weir_errmsg(db));
        return 1;
    }
    long rows = 0;
    for (;;) {
        struct ArrowArray arr;
        int rc = weir_step(st, &arr);
        if (rc == WEIR_DONE) break;
        if (rc != WEIR_ROW) {
            fprintf(stderr, "error: %s\n", weir_errmsg(db));
            weir_finalize(st);
            return 1;
        }
        rows += arr.length;
        arr.release(&arr);
    }
    weir_finalize(st);
    if (rows_out) *rows_out = rows;
    return 0;
}

int main(int argc, char **argv)
{
    long rows = argc > 1 ? atol(argv[1]) : 5000000;
    char path[256];
    snprintf(path, sizeof path, "/tmp/weir_bench_emp_%ld.json", rows);
    if (make_data(path, rows) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    weir_db *db;
    if (weir_open(&db) != WEIR_OK) return 1;
    char sql[512];
    snprintf(sql, sizeof sql,
             "CREATE TEMPORARY VIEW e (emp_id INT, emp_name STRING, timestamp TIMESTAMP, time "
             "STRING) USING json OPTIONS (path '%s')",
             path);
    if (run(db, "SET spark.sql.session.timeZone = 'UTC'", NULL) || run(db, sql, NULL)) return 1;
    const char *queries[] = {
        "SELECT emp_id, emp_name, timestamp FROM e WHERE emp_id % 2 = 0",
        "SELECT count(*) FROM e WHERE emp_id % 2 = 0",
    };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        long out = 0;
        double t0 = now_s(), c0 = cpu_s();
        if (run(db, queries[q], &out)) return 1;
        double wall = now_s() - t0, cpu = cpu_s() - c0;
        printf("%-66s rows=%ld out=%ld wall=%.3fs cpu=%.3fs  %.2f M rows/s per core\n", queries[q],
               rows, out, wall, cpu, (double)rows / cpu / 1e6);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MiB (includes the memory-mapped input file)\n",
           (double)ru.ru_maxrss / 1024.0);
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "RssAnon:", 8) == 0)
            printf("anonymous RSS after the queries: %s", line + 8);
    if (f) fclose(f);
    weir_close(db);
    return 0;
}
