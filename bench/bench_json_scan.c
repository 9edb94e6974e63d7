/*
 * Benchmark of weir's hottest path: parsing JSON lines into column vectors (the seed's
 * 4-field employee records, ~100 bytes a line), then a trivial filter (emp_id % 2 = 0) so
 * the decoded values are really used. Generates its input once into /tmp. Reports rows/s
 * per core (process CPU time) and peak RSS, for all four fields and for two of them
 * (projection push-down).
 *
 *   bench_json_scan [N]     N lines, default 5,000,000
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "formats/formats.h"

static double now(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int generate(const char *path, long n)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    /* timestamps advance one second per line from 2016-03-20 12:20:00 */
    time_t base = 1458476400; /* 2016-03-20 12:20:00 UTC (the text carries no zone) */
    for (long i = 0; i < n; i++) {
        time_t t = base + i;
        struct tm tm;
        gmtime_r(&t, &tm);
        char ts[32];
        strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
        fprintf(f,
                "{\"emp_id\":%ld,\"emp_name\":\"name_%ld\",\"timestamp\":\"%s\",\"time\":\"%s\"}\n",
                i, i, ts, ts);
    }
    return fclose(f);
}

static void run(const char *label, const char *data, size_t len, const weir_type *schema,
                const bool *want, const weir_tz *tz)
{
    weir_error err = {0};
    weir_reader *r;
    if (weir_reader_open(weir_format_lookup("json"), schema, want, NULL, 0, tz, &r, &err)) {
        fprintf(stderr, "open: %s\n", err.msg);
        exit(1);
    }
    weir_arena a;
    weir_arena_init(&a, 1 << 20);
    weir_reader_set_input(r, data, len);
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    long rows = 0, even = 0;
    for (;;) {
        weir_batch *b;
        if (weir_reader_next(r, &a, &b, &err)) {
            fprintf(stderr, "next: %s\n", err.msg);
            exit(1);
        }
        if (!b) break;
        const int32_t *id = WEIR_VEC_DATA(b->cols[0], int32_t);
        for (int32_t i = 0; i < b->nrows; i++)
            even += (id[i] % 2 == 0);
        rows += b->nrows;
        weir_arena_reset(&a);
    }
    double w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    weir_reader_close(r);
    weir_arena_free(&a);
    double cpu = c1 - c0, wall = w1 - w0;
    printf("%-28s rows=%ld even=%ld cpu=%.3fs wall=%.3fs  %.2f M rows/s/core  %.0f MB/s/core\n",
           label, rows, even, cpu, wall, (double)rows / cpu / 1e6, (double)len / cpu / 1e6);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 5000000;
    char path[256];
    snprintf(path, sizeof(path), "/tmp/weir_bench_json_%ld.json", n);
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "generating %s ...\n", path);
        if (generate(path, n) != 0) {
            perror(path);
            return 1;
        }
        stat(path, &st);
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    size_t len = (size_t)st.st_size;
    char *data = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (data == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    printf("input: %s, %ld lines, %.1f MB, %.1f bytes/line\n", path, n, (double)len / 1e6,
           (double)len / (double)n);

    weir_arena sa;
    weir_arena_init(&sa, 0);
    weir_field f[4] = {{"emp_id", WEIR_TYPE_INT, true},
                       {"emp_name", WEIR_TYPE_STRING, true},
                       {"timestamp", WEIR_TYPE_TIMESTAMP, true},
                       {"time", WEIR_TYPE_STRING, true}};
    const weir_type *schema = weir_type_struct(&sa, f, 4);
    weir_error err;
    const weir_tz *tz = weir_tz_get("Asia/Seoul", &err);
    if (!tz) tz = weir_tz_default();

    bool all[4] = {true, true, true, true};
    bool two[4] = {true, false, true, false};
    for (int rep = 0; rep < 2; rep++) {
        run("all 4 fields", data, len, schema, all, tz);
        run("emp_id + timestamp", data, len, schema, two, tz);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* The mapped input counts in RSS; RssAnon is what the reader itself holds. */
    long anon_kb = -1;
    FILE *sf = fopen("/proc/self/status", "r");
    if (sf) {
        char line[256];
        while (fgets(line, sizeof(line), sf))
            if (sscanf(line, "RssAnon: %ld kB", &anon_kb) == 1) break;
        fclose(sf);
    }
    printf("peak RSS: %.1f MB (of which the mapped input: %.1f MB); anonymous RSS now: %.1f MB\n",
           (double)ru.ru_maxrss / 1024.0, (double)len / 1e6, (double)anon_kb / 1024.0);
    munmap(data, len);
    close(fd);
    weir_arena_free(&sa);
    return 0;
}
