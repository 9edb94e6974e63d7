/*
 * State store throughput and footprint: what a stateful aggregation pays per group per
 * micro-batch and per commit. With N keys (8-byte keys, 16-byte values) in P partitions:
 * insert / get / in-place update / remove rates, bytes per key (index + entries, from
 * memory_used_bytes), the commit time of a batch that changes every partition and of one
 * that changes nothing, under each durability mode (one syncfs per batch, an fsync per file
 * and directory, none), the cost of the batches that write snapshots, the time to reload
 * the last version, insert+evict churn, and peak RSS.
 * Usage: bench_state [keys] [partitions] [dir]   (default 1000000 200 /tmp/weir_bench_state)
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "state/state.h"
#include "state/state_ext.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int rm_cb(const char *p, const struct stat *st, int f, struct FTW *w)
{
    (void)st;
    (void)f;
    (void)w;
    return remove(p);
}

static void die(const char *what, const weir_error *err)
{
    fprintf(stderr, "%s: %s\n", what, err ? err->msg : "");
    exit(1);
}

static uint64_t h64(uint64_t k)
{
    return XXH3_64bits(&k, sizeof k);
}

static void set_sync(weir_state_store *s, weir_state_sync mode)
{
    weir_state_options o;
    weir_state_default_options(&o);
    o.sync = mode;
    weir_state_set_options(s, &o);
}

static const char *mode_name(weir_state_sync m)
{
    return m == WEIR_STATE_SYNC_AUTO    ? "auto"
           : m == WEIR_STATE_SYNC_FILES ? "fsync each file+dir"
           : m == WEIR_STATE_SYNC_FS    ? "one syncfs"
                                        : "no sync";
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    int nparts = argc > 2 ? atoi(argv[2]) : 200;
    const char *dir = argc > 3 ? argv[3] : "/tmp/weir_bench_state";
    nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    weir_error err;
    weir_state_store *s;
    if (weir_state_open(dir, nparts, -1, &s, &err)) die("open", &err);
    printf("state store: %llu keys (8-byte keys, 16-byte values), %d partitions, %s\n",
           (unsigned long long)n, nparts, dir);
    uint8_t val[16] = {0};
    int64_t ver = 0;

    double t = now_s();
    for (uint64_t k = 0; k < n; k++) {
        memcpy(val, &k, 8);
        if (weir_state_put(s, (const uint8_t *)&k, 8, h64(k), val, 16, &err)) die("put", &err);
    }
    double dt = now_s() - t;
    printf("insert:            %8.2f M puts/s\n", (double)n / dt / 1e6);
    t = now_s();
    if (weir_state_commit(s, ver++, &err)) die("commit", &err);
    printf("commit of the load: %7.1f ms (%d delta files)\n", (now_s() - t) * 1e3, nparts);
    weir_state_stats st;
    weir_state_get_stats(s, &st);
    printf("bytes per key:     %8.1f (memory_used_bytes %lld for %lld keys)\n",
           (double)st.memory_used_bytes / (double)st.num_rows_total,
           (long long)st.memory_used_bytes, (long long)st.num_rows_total);

    uint64_t x = 12345, found = 0;
    t = now_s();
    for (uint64_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t k = (x >> 11) % n;
        const uint8_t *v;
        uint32_t vl;
        found += weir_state_get(s, (const uint8_t *)&k, 8, h64(k), &v, &vl);
    }
    dt = now_s() - t;
    printf("get (random):      %8.2f M gets/s (%llu found)\n", (double)n / dt / 1e6,
           (unsigned long long)found);

    t = now_s();
    for (uint64_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t k = (x >> 11) % n;
        const uint8_t *v;
        uint32_t vl;
        if (weir_state_get(s, (const uint8_t *)&k, 8, h64(k), &v, &vl)) {
            memcpy(val, v, 16);
            val[8]++;
            if (weir_state_put(s, (const uint8_t *)&k, 8, h64(k), val, 16, &err)) die("put", &err);
        }
    }
    dt = now_s() - t;
    printf("get+update:        %8.2f M ops/s (in place, random keys)\n", (double)n / dt / 1e6);
    t = now_s();
    if (weir_state_commit(s, ver++, &err)) die("commit", &err);
    printf("commit of 1 update per key: %.1f ms\n", (now_s() - t) * 1e3);

    /* per-batch commits: 10,000 groups updated (every partition changes), or nothing */
    weir_state_sync modes[] = {WEIR_STATE_SYNC_AUTO, WEIR_STATE_SYNC_FS, WEIR_STATE_SYNC_FILES,
                               WEIR_STATE_SYNC_NONE};
    enum { NB = 22 };
    for (int mi = 0; mi < 4; mi++) {
        set_sync(s, modes[mi]);
        double c[NB], e[NB];
        for (int b = 0; b < NB; b++) {
            for (int i = 0; i < 10000; i++) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                uint64_t k = (x >> 11) % n;
                memcpy(val, &k, 8);
                val[9] = (uint8_t)b;
                if (weir_state_put(s, (const uint8_t *)&k, 8, h64(k), val, 16, &err))
                    die("put", &err);
            }
            t = now_s();
            if (weir_state_commit(s, ver++, &err)) die("commit", &err);
            c[b] = (now_s() - t) * 1e3;
            if (getenv("BENCH_TRACE")) printf("  batch %d: %.1f ms\n", b, c[b]);
            t = now_s();
            if (weir_state_commit(s, ver++, &err)) die("commit", &err);
            e[b] = (now_s() - t) * 1e3;
        }
        qsort(c, NB, sizeof(double), cmp_d);
        qsort(e, NB, sizeof(double), cmp_d);
        printf("commit, %-20s: 10k updates in %d partitions: median %6.1f ms, max %6.1f ms "
               "(snapshot batches); no change: median %5.2f ms\n",
               mode_name(modes[mi]), nparts, c[NB / 2], c[NB - 1], e[NB / 2]);
    }
    /* a batch that changes a handful of partitions */
    set_sync(s, WEIR_STATE_SYNC_AUTO);
    {
        double c[NB];
        for (int b = 0; b < NB; b++) {
            for (int i = 0; i < 4; i++) {
                uint64_t k = (uint64_t)(b * 4 + i) % n;
                if (weir_state_put(s, (const uint8_t *)&k, 8, h64(k), val, 16, &err))
                    die("put", &err);
            }
            t = now_s();
            if (weir_state_commit(s, ver++, &err)) die("commit", &err);
            c[b] = (now_s() - t) * 1e3;
        }
        qsort(c, NB, sizeof(double), cmp_d);
        printf("commit, auto: 4 updates (<= 4 partitions, fsync each): median %.2f ms\n",
               c[NB / 2]);
    }
    weir_state_get_stats(s, &st);
    printf("bytes per key after the batches: %.1f\n",
           (double)st.memory_used_bytes / (double)st.num_rows_total);
    int64_t last = ver - 1;
    weir_state_close(s);

    t = now_s();
    if (weir_state_open(dir, nparts, last, &s, &err)) die("reopen", &err);
    printf("reopen at version %lld: %.0f ms (%.2f M keys/s)\n", (long long)last,
           (now_s() - t) * 1e3, (double)n / (now_s() - t) / 1e6);
    weir_state_get_stats(s, &st);
    printf("bytes per key after reopen: %.1f\n",
           (double)st.memory_used_bytes / (double)st.num_rows_total);

    t = now_s();
    for (uint64_t k = 0; k < n; k++)
        if (weir_state_remove(s, (const uint8_t *)&k, 8, h64(k), &err)) die("remove", &err);
    dt = now_s() - t;
    printf("remove:            %8.2f M removes/s\n", (double)n / dt / 1e6);
    set_sync(s, WEIR_STATE_SYNC_AUTO);
    if (weir_state_commit(s, ++last, &err)) die("commit", &err);

    /* churn: 10,000 live keys, insert one and evict one, a commit every 10,000 */
    set_sync(s, WEIR_STATE_SYNC_NONE);
    uint64_t cyc = n;
    t = now_s();
    int64_t mem_lo = INT64_MAX, mem_hi = 0;
    for (uint64_t i = 0; i < cyc + 10000; i++) {
        uint64_t k = (1ull << 40) + i;
        if (weir_state_put(s, (const uint8_t *)&k, 8, h64(k), val, 16, &err)) die("put", &err);
        if (i >= 10000) {
            uint64_t o = k - 10000;
            if (weir_state_remove(s, (const uint8_t *)&o, 8, h64(o), &err)) die("remove", &err);
        }
        if (i % 10000 == 9999) {
            if (weir_state_commit(s, ++last, &err)) die("commit", &err);
            weir_state_get_stats(s, &st);
            if (i > 100000) {
                mem_lo = st.memory_used_bytes < mem_lo ? st.memory_used_bytes : mem_lo;
                mem_hi = st.memory_used_bytes > mem_hi ? st.memory_used_bytes : mem_hi;
            }
        }
    }
    dt = now_s() - t;
    printf("churn (insert+evict, 10k live, commit every 10k, no sync): %.2f M cycles/s, "
           "memory %lld..%lld bytes\n",
           (double)cyc / dt / 1e6, (long long)mem_lo, (long long)mem_hi);
    weir_state_close(s);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
