/*
 * Unit tests for src/state (the state store): the map operations against a reference
 * model, commit and reopen at every version (across snapshots and on-demand snapshots),
 * re-running a version that was written but never committed by the stream, partition
 * count mismatch, corrupt / truncated / missing files (every byte of a file flipped and
 * every truncation length must fail cleanly, naming the file), retention of the last 100
 * versions, abort, and memory that stays flat under 1,000,000 insert/remove cycles.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <xxhash.h>

#include "state/state.h"
#include "state/state_ext.h"

static char base[256]; /* a fresh directory per test */
static char sdir[320]; /* the store's directory inside it */

static int rm_cb(const char *p, const struct stat *st, int f, struct FTW *w)
{
    (void)st;
    (void)f;
    (void)w;
    return remove(p);
}

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof(base), "/tmp/weir_state_test_XXXXXX");
    if (!mkdtemp(base)) return -1;
    snprintf(sdir, sizeof sdir, "%s/state/0", base);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nftw(base, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static uint64_t hash_of(const void *k, size_t n)
{
    return XXH3_64bits(k, n);
}

/* ---- a reference model: NKEYS keys "key<i>", each absent or holding a byte string ---- */

#define NKEYS 400
#define MAXV  64

typedef struct model {
    bool present[NKEYS];
    uint8_t val[NKEYS][MAXV];
    uint32_t vlen[NKEYS];
} model;

static uint32_t key_of(int i, char *buf)
{
    return (uint32_t)snprintf(buf, 32, "key%d", i);
}

static void m_put(weir_state_store *s, model *m, int i, const uint8_t *v, uint32_t vl)
{
    char k[32];
    uint32_t kl = key_of(i, k);
    weir_error err;
    assert_int_equal(weir_state_put(s, (const uint8_t *)k, kl, hash_of(k, kl), v, vl, &err),
                     WEIR_OK);
    m->present[i] = true;
    if (vl) memcpy(m->val[i], v, vl);
    m->vlen[i] = vl;
}

static void m_remove(weir_state_store *s, model *m, int i)
{
    char k[32];
    uint32_t kl = key_of(i, k);
    weir_error err;
    assert_int_equal(weir_state_remove(s, (const uint8_t *)k, kl, hash_of(k, kl), &err), WEIR_OK);
    m->present[i] = false;
}

static bool count_cb(void *user, const uint8_t *key, uint32_t klen, const uint8_t *val,
                     uint32_t vlen)
{
    (void)key;
    (void)klen;
    (void)val;
    (void)vlen;
    (*(int64_t *)user)++;
    return true;
}

static int64_t scan_count(weir_state_store *s)
{
    int64_t n = 0;
    assert_int_equal(weir_state_scan(s, count_cb, &n), WEIR_OK);
    return n;
}

static void m_check(weir_state_store *s, const model *m)
{
    int64_t n = 0;
    for (int i = 0; i < NKEYS; i++) {
        char k[32];
        uint32_t kl = key_of(i, k);
        const uint8_t *v = NULL;
        uint32_t vl = 0;
        bool found = weir_state_get(s, (const uint8_t *)k, kl, hash_of(k, kl), &v, &vl);
        assert_int_equal(found, m->present[i]);
        if (found) {
            n++;
            assert_int_equal(vl, m->vlen[i]);
            if (vl) assert_memory_equal(v, m->val[i], vl);
        }
    }
    assert_int_equal(scan_count(s), n);
}

/* A deterministic random step: puts (with sizes that shrink and grow) and removes. */
static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void random_ops(weir_state_store *s, model *m, int nops, int key_range)
{
    for (int j = 0; j < nops; j++) {
        int i = (int)(next_rand() % (uint64_t)key_range);
        if (next_rand() % 4 == 0) {
            m_remove(s, m, i);
        } else {
            uint8_t v[MAXV];
            uint32_t vl = (uint32_t)(next_rand() % MAXV);
            for (uint32_t b = 0; b < vl; b++)
                v[b] = (uint8_t)next_rand();
            m_put(s, m, i, v, vl);
        }
    }
}

static weir_state_store *open_ok(int nparts, int64_t version)
{
    weir_state_store *s = NULL;
    weir_error err;
    int rc = weir_state_open(sdir, nparts, version, &s, &err);
    if (rc != WEIR_OK) fail_msg("open failed: %s", err.msg);
    return s;
}

static void commit_ok(weir_state_store *s, int64_t v)
{
    weir_error err;
    int rc = weir_state_commit(s, v, &err);
    if (rc != WEIR_OK) fail_msg("commit %lld failed: %s", (long long)v, err.msg);
}

static void no_sync(weir_state_store *s)
{
    weir_state_options o;
    weir_state_default_options(&o);
    o.sync = WEIR_STATE_SYNC_NONE;
    weir_state_set_options(s, &o);
}

static void file_in(char *buf, size_t n, int part, int64_t v, const char *kind)
{
    snprintf(buf, n, "%s/%d/%lld.%s", sdir, part, (long long)v, kind);
}

static void write_bytes(const char *path, const uint8_t *b, size_t n);

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_empty_store(void **state)
{
    (void)state;
    weir_state_store *s = open_ok(200, -1);
    weir_state_stats st;
    weir_state_get_stats(s, &st);
    assert_int_equal(st.num_rows_total, 0);
    assert_int_equal(st.num_rows_updated, 0);
    assert_int_equal(st.num_rows_removed, 0);
    assert_true(st.memory_used_bytes > 0 && st.memory_used_bytes < 64 * 1024);
    const uint8_t *v;
    uint32_t vl;
    assert_false(weir_state_get(s, (const uint8_t *)"x", 1, 7, &v, &vl));
    assert_int_equal(scan_count(s), 0);
    weir_error err;
    assert_int_equal(weir_state_remove(s, (const uint8_t *)"x", 1, 7, &err), WEIR_OK);
    commit_ok(s, 0);
    commit_ok(s, 1);
    weir_state_close(s);
    /* an empty version is still a version: it loads, and writes no partition file */
    s = open_ok(200, 1);
    assert_int_equal(scan_count(s), 0);
    weir_state_close(s);
    char p[512];
    snprintf(p, sizeof p, "%s/0", sdir);
    assert_false(exists(p));
    snprintf(p, sizeof p, "%s/_manifests/1.manifest", sdir);
    assert_true(exists(p));
}

static void test_put_get_remove_scan(void **state)
{
    (void)state;
    weir_state_store *s = open_ok(7, -1);
    model *m = calloc(1, sizeof(model));
    uint8_t big[MAXV];
    memset(big, 'b', sizeof big);
    m_put(s, m, 1, (const uint8_t *)"one", 3);
    m_put(s, m, 2, (const uint8_t *)"", 0); /* empty value */
    m_put(s, m, 3, big, 16);
    m_check(s, m);
    m_put(s, m, 3, (const uint8_t *)"sm", 2); /* shrink in place */
    m_check(s, m);
    m_put(s, m, 3, big, MAXV); /* grow: appended */
    m_check(s, m);
    m_remove(s, m, 1);
    m_remove(s, m, 1); /* absent: no-op */
    m_remove(s, m, 99);
    m_check(s, m);
    /* the empty key */
    weir_error err;
    assert_int_equal(weir_state_put(s, NULL, 0, 5, (const uint8_t *)"e", 1, &err), WEIR_OK);
    const uint8_t *v;
    uint32_t vl;
    assert_true(weir_state_get(s, (const uint8_t *)"", 0, 5, &v, &vl));
    assert_int_equal(vl, 1);
    assert_int_equal(v[0], 'e');
    assert_int_equal(weir_state_remove(s, NULL, 0, 5, &err), WEIR_OK);
    /* a value taken from the store itself, stored under another key while memory moves */
    m_put(s, m, 10, big, 40);
    assert_true(weir_state_get(s, (const uint8_t *)"key10", 5, hash_of("key10", 5), &v, &vl));
    for (int i = 100; i < 300; i++) {
        char k[32];
        uint32_t kl = key_of(i, k);
        const uint8_t *v2;
        uint32_t vl2;
        assert_true(weir_state_get(s, (const uint8_t *)"key10", 5, hash_of("key10", 5), &v2, &vl2));
        assert_int_equal(weir_state_put(s, (const uint8_t *)k, kl, hash_of(k, kl), v2, vl2, &err),
                         WEIR_OK);
        m->present[i] = true;
        memcpy(m->val[i], big, 40);
        m->vlen[i] = 40;
    }
    /* many random operations */
    random_ops(s, m, 20000, NKEYS);
    m_check(s, m);
    /* stop a scan early */
    int64_t n = 0;
    assert_int_equal(weir_state_scan(s, count_cb, &n), WEIR_OK);
    assert_true(n > 0);
    commit_ok(s, 0);
    weir_state_stats st;
    weir_state_get_stats(s, &st);
    assert_int_equal(st.num_rows_total, n);
    weir_state_close(s);
    s = open_ok(7, 0);
    m_check(s, m);
    weir_state_close(s);
    free(m);
}

/* sweep: every entry is visited exactly once while the visitor removes some of them (the
 * backward shift moves later entries into visited slots), removals are logged like
 * weir_state_remove, and STOP ends the walk. */
typedef struct sweep_ctx {
    model *m;
    int visits[NKEYS];
    int mod; /* remove keys whose number is divisible by mod */
    int stop_after;
} sweep_ctx;

static weir_state_verdict sweep_cb(void *user, const uint8_t *key, uint32_t klen,
                                   const uint8_t *val, uint32_t vlen, uint64_t *hash)
{
    sweep_ctx *c = user;
    char k[32];
    assert_true(klen > 3 && klen < sizeof k);
    memcpy(k, key, klen);
    k[klen] = 0;
    int i = atoi(k + 3);
    assert_true(c->m->present[i]);
    assert_int_equal(vlen, c->m->vlen[i]);
    if (vlen) assert_memory_equal(val, c->m->val[i], vlen);
    c->visits[i]++;
    if (c->stop_after && --c->stop_after == 0) return WEIR_STATE_STOP;
    if (i % c->mod) return WEIR_STATE_KEEP;
    c->m->present[i] = false;
    *hash = hash_of(key, klen);
    return WEIR_STATE_REMOVE;
}

static void test_sweep(void **state)
{
    (void)state;
    weir_error err;
    for (int nparts = 1; nparts <= 5; nparts += 4) {
        teardown(NULL);
        setup(NULL);
        weir_state_store *s = open_ok(nparts, -1);
        model *m = calloc(1, sizeof(model));
        for (int round = 0; round < 6; round++) {
            random_ops(s, m, 3000, NKEYS);
            sweep_ctx *c = calloc(1, sizeof(*c));
            bool before[NKEYS];
            for (int i = 0; i < NKEYS; i++)
                before[i] = m->present[i];
            c->m = m;
            c->mod = 2 + round % 3;
            assert_int_equal(weir_state_sweep(s, sweep_cb, c, &err), WEIR_OK);
            int64_t left = 0;
            for (int i = 0; i < NKEYS; i++) {
                assert_int_equal(c->visits[i], before[i] ? 1 : 0);
                assert_int_equal(m->present[i], before[i] && i % c->mod != 0);
                left += m->present[i];
            }
            m_check(s, m);
            assert_int_equal(scan_count(s), left);
            commit_ok(s, round);
            weir_state_close(s);
            s = open_ok(nparts, round); /* the removals reached the delta */
            m_check(s, m);
            /* STOP after 3 visits: nothing removed beyond what was decided */
            memset(c->visits, 0, sizeof c->visits);
            c->stop_after = 3;
            c->mod = 1 << 30;
            assert_int_equal(weir_state_sweep(s, sweep_cb, c, &err), WEIR_OK);
            int seen = 0;
            for (int i = 0; i < NKEYS; i++)
                seen += c->visits[i];
            assert_true(seen <= 3);
            m_check(s, m);
            free(c);
        }
        weir_state_close(s);
        free(m);
    }
}

/* A version whose redo log outgrows the spill threshold (compressed as it grows) and
 * dead entries reused by new keys of the same size: both reopen to the same contents. */
static weir_state_verdict sweep_even(void *user, const uint8_t *key, uint32_t klen,
                                     const uint8_t *val, uint32_t vlen, uint64_t *hash)
{
    (void)val;
    (void)vlen;
    uint32_t i;
    memcpy(&i, key, 4);
    if (i % 2) return WEIR_STATE_KEEP;
    (*(int64_t *)user)++;
    *hash = hash_of(key, klen);
    return WEIR_STATE_REMOVE;
}

static void check_big(weir_state_store *s, uint32_t from, uint32_t to, bool odd_only)
{
    for (uint32_t i = from; i < to; i++) {
        uint8_t k[12] = {0};
        memcpy(k, &i, 4);
        const uint8_t *v;
        uint32_t vl;
        bool want = !odd_only || i % 2;
        assert_int_equal(weir_state_get(s, k, sizeof k, hash_of(k, sizeof k), &v, &vl), want);
        if (!want) continue;
        assert_int_equal(vl, 24);
        uint32_t got;
        memcpy(&got, v + 20, 4);
        assert_int_equal(got, i * 7);
    }
}

static void put_big(weir_state_store *s, uint32_t from, uint32_t to)
{
    weir_error err;
    for (uint32_t i = from; i < to; i++) {
        uint8_t k[12] = {0}, v[24] = {0};
        memcpy(k, &i, 4);
        uint32_t x = i * 7;
        memcpy(v + 20, &x, 4);
        assert_int_equal(weir_state_put(s, k, sizeof k, hash_of(k, sizeof k), v, sizeof v, &err),
                         WEIR_OK);
    }
}

static void test_big_version_and_reuse(void **state)
{
    (void)state;
    weir_error err;
    weir_state_store *s = open_ok(2, -1);
    put_big(s, 0, 120000); /* ~3 MB of redo records per partition: spilled */
    commit_ok(s, 0);
    weir_state_close(s);
    s = open_ok(2, 0);
    check_big(s, 0, 120000, false);
    weir_state_stats before, after;
    weir_state_get_stats(s, &before);
    int64_t removed = 0;
    assert_int_equal(weir_state_sweep(s, sweep_even, &removed, &err), WEIR_OK);
    assert_int_equal(removed, 60000);
    put_big(s, 120000, 160000); /* same-sized entries: they take the dead ones' places */
    commit_ok(s, 1);
    /* appended instead, the 40,000 entries would need 1.9 MB more; the free list of dead
     * entries takes 4 bytes each */
    weir_state_get_stats(s, &after);
    assert_true(after.memory_used_bytes <= before.memory_used_bytes + 300 * 1024);
    check_big(s, 0, 120000, true);
    check_big(s, 120000, 160000, false);
    assert_int_equal(scan_count(s), 60000 + 40000);
    weir_state_close(s);
    s = open_ok(2, 1);
    check_big(s, 0, 120000, true);
    check_big(s, 120000, 160000, false);
    assert_int_equal(scan_count(s), 60000 + 40000);
    weir_state_close(s);
}

static void test_stats(void **state)
{
    (void)state;
    weir_state_store *s = open_ok(4, -1);
    model *m = calloc(1, sizeof(model));
    for (int i = 0; i < 10; i++)
        m_put(s, m, i, (const uint8_t *)"v", 1);
    commit_ok(s, 0);
    weir_state_stats st;
    weir_state_get_stats(s, &st);
    assert_int_equal(st.num_rows_total, 10);
    assert_int_equal(st.num_rows_updated, 10);
    assert_int_equal(st.num_rows_removed, 0);
    m_put(s, m, 0, (const uint8_t *)"w", 1);
    m_remove(s, m, 1);
    m_remove(s, m, 2);
    m_remove(s, m, 50); /* absent: not counted */
    weir_state_get_stats(s, &st);
    assert_int_equal(st.num_rows_updated, 10); /* still the last committed version's */
    commit_ok(s, 1);
    weir_state_get_stats(s, &st);
    assert_int_equal(st.num_rows_total, 8);
    assert_int_equal(st.num_rows_updated, 1);
    assert_int_equal(st.num_rows_removed, 2);
    assert_true(st.commit_time_ms >= 0);
    commit_ok(s, 2);
    weir_state_get_stats(s, &st);
    assert_int_equal(st.num_rows_updated, 0);
    assert_int_equal(st.num_rows_removed, 0);
    weir_state_close(s);
    free(m);
}

/* 40 versions of random changes, a model kept per version, every version reopened. */
static void test_reopen_every_version(void **state)
{
    (void)state;
    enum { NV = 40 };
    model *ms = calloc(NV, sizeof(model));
    model *m = calloc(1, sizeof(model));
    weir_state_store *s = open_ok(5, -1);
    for (int v = 0; v < NV; v++) {
        /* some versions change only a few keys (few partitions), one changes none */
        if (v != 17) random_ops(s, m, v % 7 == 3 ? 2 : 300, v < 20 ? NKEYS : NKEYS / 2);
        commit_ok(s, v);
        if (v == 25) {
            weir_error err;
            assert_int_equal(weir_state_snapshot(s, &err), WEIR_OK);
        }
        ms[v] = *m;
    }
    weir_state_close(s);
    /* snapshots exist after 10 deltas (at version 10 for a partition changed every time) */
    char p[512];
    file_in(p, sizeof p, 0, 10, "snapshot");
    assert_true(exists(p));
    file_in(p, sizeof p, 0, 9, "delta");
    assert_true(exists(p));
    file_in(p, sizeof p, 0, 25, "snapshot"); /* on demand */
    assert_true(exists(p));
    for (int v = 0; v < NV; v++) {
        s = open_ok(5, v);
        m_check(s, &ms[v]);
        weir_state_stats st;
        weir_state_get_stats(s, &st);
        assert_int_equal(st.num_rows_total, scan_count(s));
        weir_state_close(s);
    }
    /* continue from an older version: later versions are rewritten */
    s = open_ok(5, 30);
    *m = ms[30];
    random_ops(s, m, 50, NKEYS);
    commit_ok(s, 31);
    weir_state_close(s);
    s = open_ok(5, 31);
    m_check(s, m);
    weir_state_close(s);
    free(ms);
    free(m);
}

/* Batch 5 ran and committed its state, but the stream never wrote commits/5: it re-runs
 * from version 4 with different changes. Files of the first attempt must not leak in. */
static void test_rerun_uncommitted_version(void **state)
{
    (void)state;
    model *m = calloc(1, sizeof(model));
    weir_state_store *s = open_ok(8, -1);
    for (int v = 0; v <= 4; v++) {
        random_ops(s, m, 200, NKEYS);
        commit_ok(s, v);
    }
    model *m4 = malloc(sizeof(model));
    *m4 = *m;
    /* first attempt of batch 5: touches every partition */
    for (int i = 0; i < NKEYS; i++)
        m_put(s, m, i, (const uint8_t *)"attempt1", 8);
    commit_ok(s, 5);
    weir_state_close(s);
    /* second attempt: restored to version 4, changes a single key */
    s = open_ok(8, 4);
    m_check(s, m4);
    m_put(s, m4, 7, (const uint8_t *)"attempt2", 8);
    commit_ok(s, 5);
    random_ops(s, m4, 100, NKEYS);
    commit_ok(s, 6);
    weir_state_close(s);
    s = open_ok(8, 6);
    m_check(s, m4);
    weir_state_close(s);
    /* batch 7 ran, wrote partition files, and died before its manifest: junk files that
     * must never be read (reading them would fail: they are not valid files) */
    for (int p = 0; p < 8; p++) {
        char f[512];
        file_in(f, sizeof f, p, 7, "delta");
        write_bytes(f, (const uint8_t *)"junk", 4);
        file_in(f, sizeof f, p, 7, "snapshot");
        write_bytes(f, (const uint8_t *)"junk", 4);
    }
    s = open_ok(8, 6);
    m_check(s, m4);
    /* the re-run of batch 7 changes one key (one partition): the other partitions' junk
     * files stay on disk, unreachable */
    m_put(s, m4, 3, (const uint8_t *)"attempt2", 8);
    commit_ok(s, 7);
    weir_state_close(s);
    s = open_ok(8, 7);
    m_check(s, m4);
    random_ops(s, m4, 300, NKEYS);
    commit_ok(s, 8);
    weir_state_close(s);
    s = open_ok(8, 8);
    m_check(s, m4);
    weir_state_close(s);
    free(m);
    free(m4);
}

static void test_commit_version_order(void **state)
{
    (void)state;
    weir_state_store *s = open_ok(2, -1);
    commit_ok(s, 0);
    weir_error err;
    assert_int_equal(weir_state_commit(s, 0, &err), WEIR_EARG);
    assert_non_null(strstr(err.msg, "already at version 0"));
    commit_ok(s, 1);
    weir_state_close(s);
    /* opening a version that was never committed */
    weir_state_store *t = NULL;
    assert_int_equal(weir_state_open(sdir, 2, 5, &t, &err), WEIR_EIO);
    assert_null(t);
    assert_non_null(strstr(err.msg, "CANNOT_READ_STREAMING_STATE_FILE"));
    assert_non_null(strstr(err.msg, "5.manifest does not exist"));
}

static void test_partition_count_mismatch(void **state)
{
    (void)state;
    weir_state_store *s = open_ok(4, -1);
    commit_ok(s, 0);
    weir_state_close(s);
    weir_error err;
    weir_state_store *t = NULL;
    assert_int_equal(weir_state_open(sdir, 8, 0, &t, &err), WEIR_EANALYSIS);
    assert_null(t);
    char want[1024];
    snprintf(want, sizeof want,
             "The number of state partitions (4) in the checkpoint differs from "
             "spark.sql.shuffle.partitions (8): the state in %s has 4 partitions but the query "
             "has 8, and the partition count cannot change for the life of a checkpoint.",
             sdir);
    assert_string_equal(err.msg, want);
    /* also when starting over at version -1 */
    assert_int_equal(weir_state_open(sdir, 3, -1, &t, &err), WEIR_EANALYSIS);
    s = open_ok(4, 0);
    weir_state_close(s);
}

static void write_bytes(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n) assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

static uint8_t *read_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)sz + 1);
    assert_int_equal(fread(b, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    *n = (size_t)sz;
    return b;
}

static void expect_open_fails(int64_t v, const char *needle1, const char *needle2)
{
    weir_state_store *t = NULL;
    weir_error err;
    int rc = weir_state_open(sdir, 1, v, &t, &err);
    if (rc == WEIR_OK) {
        weir_state_close(t);
        fail_msg("open %lld should have failed", (long long)v);
    }
    assert_int_equal(rc, WEIR_EIO);
    assert_null(t);
    if (needle1 && !strstr(err.msg, needle1)) fail_msg("'%s' not in: %s", needle1, err.msg);
    if (needle2 && !strstr(err.msg, needle2)) fail_msg("'%s' not in: %s", needle2, err.msg);
}

/* Every single-byte corruption and every truncation of a delta, a snapshot and a manifest
 * fails cleanly with a message naming the file. */
static void test_corrupt_and_truncated_files(void **state)
{
    (void)state;
    model *m = calloc(1, sizeof(model));
    weir_state_store *s = open_ok(1, -1);
    no_sync(s);
    for (int v = 0; v <= 12; v++) {
        random_ops(s, m, 20, 40);
        commit_ok(s, v);
    }
    weir_state_close(s);
    s = open_ok(1, 12);
    m_check(s, m);
    weir_state_close(s);
    const char *kinds[] = {"delta", "snapshot", "manifest"};
    int64_t vers[] = {12, 10, 12};
    for (int k = 0; k < 3; k++) {
        char p[512];
        if (k == 2)
            snprintf(p, sizeof p, "%s/_manifests/12.manifest", sdir);
        else
            file_in(p, sizeof p, 0, vers[k], kinds[k]);
        size_t n;
        uint8_t *orig = read_bytes(p, &n);
        assert_true(n > 56);
        uint8_t *b = malloc(n);
        for (size_t i = 0; i < n; i++) {
            memcpy(b, orig, n);
            b[i] ^= (uint8_t)(1u << (i % 8));
            write_bytes(p, b, n);
            expect_open_fails(12, p, k == 2 ? "manifest file" : kinds[k]);
        }
        for (size_t len = 0; len < n; len++) {
            write_bytes(p, orig, len);
            expect_open_fails(12, p, NULL);
        }
        write_bytes(p, orig, n);
        s = open_ok(1, 12);
        m_check(s, m);
        weir_state_close(s);
        free(b);
        free(orig);
    }
    /* a missing delta / snapshot, named as Spark names them */
    char p[512], q[512];
    file_in(p, sizeof p, 0, 11, "delta");
    snprintf(q, sizeof q, "%s.moved", p);
    assert_int_equal(rename(p, q), 0);
    expect_open_fails(12, "[CANNOT_LOAD_STATE_STORE.CANNOT_READ_DELTA_FILE_NOT_EXISTS]",
                      "11.delta does not exist");
    assert_int_equal(rename(q, p), 0);
    file_in(p, sizeof p, 0, 10, "snapshot");
    snprintf(q, sizeof q, "%s.moved", p);
    assert_int_equal(rename(p, q), 0);
    expect_open_fails(12, "[CANNOT_LOAD_STATE_STORE.CANNOT_READ_MISSING_SNAPSHOT_FILE]",
                      "10.snapshot does not exist");
    assert_int_equal(rename(q, p), 0);
    /* a file swapped for another version's: the header names the wrong version */
    file_in(p, sizeof p, 0, 11, "delta");
    file_in(q, sizeof q, 0, 12, "delta");
    size_t n11, n12;
    uint8_t *b11 = read_bytes(p, &n11), *b12 = read_bytes(q, &n12);
    write_bytes(p, b12, n12);
    expect_open_fails(12, "11.delta", "another version");
    write_bytes(p, b11, n11);
    free(b11);
    free(b12);
    s = open_ok(1, 12);
    m_check(s, m);
    weir_state_close(s);
    /* corrupt metadata */
    snprintf(p, sizeof p, "%s/_state.json", sdir);
    write_bytes(p, (const uint8_t *)"{}", 2);
    expect_open_fails(12, "_state.json", NULL);
    free(m);
}

static int count_files(const char *dir, const char *suffix, int64_t *min_v)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *dot = strrchr(de->d_name, '.');
        if (!dot || de->d_name[0] == '.' || strcmp(dot + 1, suffix) != 0) continue;
        n++;
        int64_t v = atoll(de->d_name);
        if (min_v && v < *min_v) *min_v = v;
    }
    closedir(d);
    return n;
}

static void test_retention(void **state)
{
    (void)state;
    enum { NV = 260 };
    model *m = calloc(1, sizeof(model));
    model *keep = calloc(NV, sizeof(model));
    weir_state_store *s = open_ok(3, -1);
    no_sync(s);
    for (int v = 0; v < NV; v++) {
        random_ops(s, m, 30, 60);
        commit_ok(s, v);
        keep[v] = *m;
        if (v == 130) { /* cleanup state survives a restart */
            weir_state_close(s);
            s = open_ok(3, v);
            no_sync(s);
        }
    }
    weir_state_close(s);
    char d[512];
    snprintf(d, sizeof d, "%s/_manifests", sdir);
    int64_t minv = INT64_MAX;
    int nm = count_files(d, "manifest", &minv);
    /* versions 159 .. 259 stay loadable, older manifests are gone */
    assert_true(nm >= 101 && nm <= 102);
    assert_true(minv >= NV - 1 - 100 - 1);
    for (int p = 0; p < 3; p++) {
        snprintf(d, sizeof d, "%s/%d", sdir, p);
        int64_t mind = INT64_MAX, mins = INT64_MAX;
        int nd = count_files(d, "delta", &mind), ns = count_files(d, "snapshot", &mins);
        /* the snapshot the oldest retained version starts from, and what follows */
        assert_true(mins >= NV - 1 - 100 - 11);
        assert_true(mind >= mins);
        assert_true(nd + ns <= 112);
    }
    for (int v = NV - 101; v < NV; v += 7) {
        s = open_ok(3, v);
        m_check(s, &keep[v]);
        weir_state_close(s);
    }
    s = open_ok(3, NV - 101);
    m_check(s, &keep[NV - 101]);
    weir_state_close(s);
    weir_state_store *t = NULL;
    weir_error err;
    assert_int_equal(weir_state_open(sdir, 3, 20, &t, &err), WEIR_EIO);
    free(m);
    free(keep);
}

static void test_abort(void **state)
{
    (void)state;
    model *m = calloc(1, sizeof(model));
    weir_state_store *s = open_ok(4, -1);
    random_ops(s, m, 300, NKEYS);
    commit_ok(s, 0);
    model *m0 = malloc(sizeof(model));
    *m0 = *m;
    random_ops(s, m, 300, NKEYS);
    weir_state_abort(s);
    m_check(s, m0);
    *m = *m0;
    random_ops(s, m, 300, NKEYS);
    commit_ok(s, 1);
    m_check(s, m);
    weir_state_close(s);
    s = open_ok(4, 1);
    m_check(s, m);
    weir_state_close(s);
    /* abort before anything was committed empties the store */
    s = open_ok(4, -1);
    random_ops(s, m, 300, NKEYS);
    weir_state_abort(s);
    assert_int_equal(scan_count(s), 0);
    weir_state_close(s);
    free(m);
    free(m0);
}

/* Values bigger than a compressed block, and many keys, survive a reopen. */
static void test_large_values(void **state)
{
    (void)state;
    weir_state_store *s = open_ok(2, -1);
    no_sync(s);
    weir_error err;
    size_t big = 700 * 1024;
    uint8_t *v = malloc(big);
    for (size_t i = 0; i < big; i++)
        v[i] = (uint8_t)(i * 31 + i / 977);
    for (uint64_t k = 0; k < 4; k++)
        assert_int_equal(
            weir_state_put(s, (const uint8_t *)&k, 8, hash_of(&k, 8), v, (uint32_t)(big - k), &err),
            WEIR_OK);
    for (uint64_t k = 100; k < 50100; k++)
        assert_int_equal(
            weir_state_put(s, (const uint8_t *)&k, 8, hash_of(&k, 8), (const uint8_t *)&k, 8, &err),
            WEIR_OK);
    commit_ok(s, 0);
    weir_state_snapshot(s, &err);
    weir_state_close(s);
    s = open_ok(2, 0);
    for (uint64_t k = 0; k < 4; k++) {
        const uint8_t *g;
        uint32_t gl;
        assert_true(weir_state_get(s, (const uint8_t *)&k, 8, hash_of(&k, 8), &g, &gl));
        assert_int_equal(gl, big - k);
        assert_memory_equal(g, v, gl);
    }
    assert_int_equal(scan_count(s), 50004);
    weir_state_close(s);
    free(v);
}

/* A windowed aggregation's life: keys inserted and evicted forever, 10,000 alive. */
static void test_memory_flat_under_churn(void **state)
{
    (void)state;
    weir_state_store *s = open_ok(8, -1);
    no_sync(s);
    weir_error err;
    enum { LIVE = 10000, CYCLES = 1000000, PER_BATCH = 10000 };
    uint8_t val[16] = {0};
    int64_t ver = 0, first = 0, second = 0;
    for (uint64_t i = 0; i < CYCLES + LIVE; i++) {
        uint64_t k = i;
        memcpy(val, &i, 8);
        /* values change size now and then: in-place shrink and appended growth */
        uint32_t vl = 8 + (uint32_t)(i % 3) * 4;
        assert_int_equal(weir_state_put(s, (const uint8_t *)&k, 8, hash_of(&k, 8), val, vl, &err),
                         WEIR_OK);
        if (i >= LIVE) {
            uint64_t old = i - LIVE;
            assert_int_equal(weir_state_remove(s, (const uint8_t *)&old, 8, hash_of(&old, 8), &err),
                             WEIR_OK);
            /* and an update of a live key with a bigger value */
            uint64_t upd = i - LIVE / 2;
            assert_int_equal(
                weir_state_put(s, (const uint8_t *)&upd, 8, hash_of(&upd, 8), val, 16, &err),
                WEIR_OK);
        }
        if (i % PER_BATCH == PER_BATCH - 1) {
            commit_ok(s, ver++);
            weir_state_stats st;
            weir_state_get_stats(s, &st);
            if (i >= LIVE) assert_int_equal(st.num_rows_total, LIVE);
            int64_t b = st.memory_used_bytes;
            if (i >= 100000 && i < 550000) first = b > first ? b : first;
            if (i >= 550000) second = b > second ? b : second;
        }
    }
    /* flat: buffers breathe between compactions, but the last 450,000 cycles never need
     * more than the 450,000 before them did (a leak of even one byte per cycle would add
     * 450 KB here) */
    if (second > first + first / 10)
        fail_msg("memory grew: %lld, before %lld", (long long)second, (long long)first);
    /* bounded: index + entries + the redo logs of 30,000 changes per batch */
    assert_true(second < LIVE * 256);
    weir_state_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_get_remove_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_every_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_uncommitted_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_version_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partition_count_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_and_truncated_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_flat_under_churn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_version_and_reuse, setup, teardown),
        /* last: it draws from rand(), whose sequence the tests above depend on */
        cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
