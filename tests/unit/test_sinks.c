/*
 * Streaming sinks (src/connectors/) and memory tables (src/stream/memtable.c), checked
 * against what Spark 3.5 produces: the console's banner and Dataset.show() text byte for
 * byte (ConsoleWrite), MemorySink's append / complete / replay rules, and the file sink's
 * on-disk protocol (part-00000-<uuid>-c000.json data files, _spark_metadata/N manifests
 * with "v1" and SinkFileStatus lines, N.compact every 10 batches, skip of a committed
 * batch, invisibility of files no manifest names), plus the option and mode errors of
 * DataSource.createSink / CaseInsensitiveStringMap.
 */
#include <dirent.h>
#include <pthread.h>
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

#include "stream/stream.h"

static weir_arena A;
static weir_strbuf OUT;
static char TMP[256];
static const weir_conf_view *CONF;
static weir_conf_view CONFV;

static void capture(void *user, const char *text)
{
    (void)user;
    weir_sb_puts(&OUT, text);
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", path, de->d_name);
            rm_rf(p);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int setup(void **state)
{
    (void)state;
    weir_arena_init(&A, 0);
    weir_sb_reset(&OUT);
    CONFV.tz = weir_tz_get("UTC", NULL);
    CONF = &CONFV;
    snprintf(TMP, sizeof TMP, "/tmp/weir_sinks_XXXXXX");
    assert_non_null(mkdtemp(TMP));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    weir_arena_free(&A);
    weir_sb_free(&OUT);
    rm_rf(TMP);
    return 0;
}

/* ---- builders --------------------------------------------------------------------------- */

static const weir_type *schema_ab(void)
{
    weir_field f[2] = {{"a", WEIR_TYPE_INT, true}, {"b", WEIR_TYPE_STRING, true}};
    return weir_type_struct(&A, f, 2);
}

/* A batch of (a INT, b STRING); b[i] NULL = NULL. */
static weir_batch *batch_ab(int n, const int *a, const char *const *b)
{
    weir_batch *bt = weir_batch_for_schema(&A, schema_ab(), n ? n : 1);
    for (int i = 0; i < n; i++) {
        int32_t v = a[i];
        assert_int_equal(weir_vec_append_fixed(bt->cols[0], &v), 0);
        if (b[i])
            assert_int_equal(weir_vec_append_str(bt->cols[1], b[i], (int32_t)strlen(b[i])), 0);
        else
            assert_int_equal(weir_vec_append_null(bt->cols[1]), 0);
    }
    bt->nrows = n;
    return bt;
}

static weir_sink_args args_for(const char *format, weir_output_mode mode, const weir_kv *opts,
                               int nopts, const weir_type *schema)
{
    weir_sink_args a;
    memset(&a, 0, sizeof a);
    a.format = format;
    a.opts = opts;
    a.nopts = nopts;
    a.schema = schema;
    a.query_name = "q";
    a.mode = mode;
    a.conf = CONF;
    a.print = capture;
    return a;
}

/* Runs one batch through a sink: begin, write each non-empty batch, commit. */
static int64_t run_batch(weir_sink *k, int64_t id, weir_batch *const *bs, int nb, bool *skipped)
{
    weir_error err;
    bool skip = true;
    assert_int_equal(k->vt->begin(k, id, &skip, &err), 0);
    for (int i = 0; i < nb && !skip; i++)
        if (bs[i]->nrows) assert_int_equal(k->vt->write(k, bs[i], &err), 0);
    int64_t rows = -2;
    assert_int_equal(k->vt->commit(k, id, &rows, &err), 0);
    if (skipped) *skipped = skip;
    return rows;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        weir_sb_append(&sb, buf, k);
    fclose(f);
    if (!sb.p) return calloc(1, 1);
    return weir_sb_take(&sb);
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- console ----------------------------------------------------------------------------- */

#define BANNER(n)                                                                                  \
    "-------------------------------------------\n"                                                \
    "Batch: " #n "\n"                                                                              \
    "-------------------------------------------\n"

static void test_console_batches(void **state)
{
    (void)state;
    weir_error err;
    weir_sink_args a = args_for("console", WEIR_OUTPUT_APPEND, NULL, 0, schema_ab());
    assert_int_equal(weir_sink_check(&a, &err), 0);
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    int av[] = {1, 2};
    const char *bv[] = {"hello", NULL};
    weir_batch *b = batch_ab(2, av, bv);
    assert_int_equal(run_batch(k, 0, &b, 1, NULL), 2);
    weir_batch *e = batch_ab(0, NULL, NULL);
    assert_int_equal(run_batch(k, 1, &e, 1, NULL), 0);
    assert_string_equal(OUT.p, BANNER(0) "+---+-----+\n"
                                         "|  a|    b|\n"
                                         "+---+-----+\n"
                                         "|  1|hello|\n"
                                         "|  2| NULL|\n"
                                         "+---+-----+\n"
                                         "\n" BANNER(1) "+---+---+\n"
                                                        "|  a|  b|\n"
                                                        "+---+---+\n"
                                                        "+---+---+\n"
                                                        "\n");
    assert_true(strncmp(k->vt->describe(k),
                        "org.apache.spark.sql.execution.streaming.ConsoleTable$@", 55) == 0);
    k->vt->destroy(k);
}

static void test_console_num_rows_truncate(void **state)
{
    (void)state;
    weir_error err;
    weir_kv o[] = {{"NUMROWS", "2"}, {"truncate", "false"}};
    weir_sink_args a = args_for("Console", WEIR_OUTPUT_COMPLETE, o, 2, schema_ab());
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    int a1[] = {1}, a2[] = {2, 3};
    const char *b1[] = {"a string longer than twenty chars"}, *b2[] = {"x", "y"};
    weir_batch *bs[] = {batch_ab(1, a1, b1), batch_ab(2, a2, b2)};
    assert_int_equal(run_batch(k, 7, bs, 2, NULL), 3);
    assert_string_equal(OUT.p, BANNER(7) "+---+---------------------------------+\n"
                                         "|a  |b                                |\n"
                                         "+---+---------------------------------+\n"
                                         "|1  |a string longer than twenty chars|\n"
                                         "|2  |x                                |\n"
                                         "+---+---------------------------------+\n"
                                         "only showing top 2 rows\n"
                                         "\n");
    k->vt->destroy(k);

    /* default truncate: 20 characters, right-aligned */
    weir_sb_reset(&OUT);
    weir_sink_args d = args_for("console", WEIR_OUTPUT_UPDATE, NULL, 0, schema_ab());
    assert_int_equal(weir_sink_create(&d, &k, &err), 0);
    weir_batch *one = batch_ab(1, a1, b1);
    assert_int_equal(run_batch(k, 0, &one, 1, NULL), 1);
    assert_string_equal(OUT.p, BANNER(0) "+---+--------------------+\n"
                                         "|  a|                   b|\n"
                                         "+---+--------------------+\n"
                                         "|  1|a string longer t...|\n"
                                         "+---+--------------------+\n"
                                         "\n");
    k->vt->destroy(k);

    /* numRows 0: an empty table and the "only showing" line, as show(0) */
    weir_sb_reset(&OUT);
    weir_kv z[] = {{"numRows", "0"}};
    weir_sink_args zz = args_for("console", WEIR_OUTPUT_APPEND, z, 1, schema_ab());
    assert_int_equal(weir_sink_create(&zz, &k, &err), 0);
    assert_int_equal(run_batch(k, 3, &one, 1, NULL), 1);
    assert_string_equal(OUT.p, BANNER(3) "+---+---+\n"
                                         "|  a|  b|\n"
                                         "+---+---+\n"
                                         "+---+---+\n"
                                         "only showing top 0 rows\n"
                                         "\n");
    k->vt->destroy(k);
}

static void test_console_bad_options(void **state)
{
    (void)state;
    weir_error err;
    weir_kv n[] = {{"numRows", "ten"}};
    weir_sink_args a = args_for("console", WEIR_OUTPUT_APPEND, n, 1, schema_ab());
    assert_int_not_equal(weir_sink_check(&a, &err), 0);
    assert_string_equal(err.msg, "For input string: \"ten\"");
    weir_kv big[] = {{"numRows", "2147483648"}};
    a.opts = big;
    assert_int_not_equal(weir_sink_check(&a, &err), 0);
    assert_string_equal(err.msg, "For input string: \"2147483648\"");
    weir_kv t[] = {{"truncate", "yes"}};
    a.opts = t;
    assert_int_not_equal(weir_sink_check(&a, &err), 0);
    assert_string_equal(err.msg, "yes is not a boolean string.");
    weir_kv ok[] = {{"numRows", "+5"}, {"truncate", "TRUE"}};
    a.opts = ok;
    a.nopts = 2;
    assert_int_equal(weir_sink_check(&a, &err), 0);
}

/* ---- memory ------------------------------------------------------------------------------- */

static void expect_rows(weir_memtable *t, int n, const int *av, const char *const *bv)
{
    weir_batch *s;
    assert_int_equal(weir_memtable_snapshot(t, &A, &s), 0);
    assert_int_equal(s->nrows, n);
    assert_int_equal(s->ncols, 2);
    for (int i = 0; i < n; i++) {
        assert_int_equal(WEIR_VEC_DATA(s->cols[0], int32_t)[i], av[i]);
        if (!bv[i]) {
            assert_true(weir_vec_is_null(s->cols[1], i));
        } else {
            int32_t len;
            const char *p = weir_vec_str(s->cols[1], i, &len);
            assert_false(weir_vec_is_null(s->cols[1], i));
            assert_int_equal(len, (int)strlen(bv[i]));
            assert_memory_equal(p, bv[i], (size_t)len);
        }
    }
}

static void test_memory_append_and_replay(void **state)
{
    (void)state;
    weir_error err;
    weir_memtable *t = weir_memtable_new(schema_ab());
    assert_non_null(t);
    assert_string_equal(weir_memtable_schema(t)->fields[1].name, "b");
    weir_sink_args a = args_for("memory", WEIR_OUTPUT_APPEND, NULL, 0, schema_ab());
    a.memtable = t;
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    assert_string_equal(k->vt->describe(k), "MemorySink");
    expect_rows(t, 0, NULL, NULL);

    int a0[] = {1, 2}, a1[] = {3};
    const char *b0[] = {"x", NULL}, *b1[] = {"zz"};
    weir_batch *x = batch_ab(2, a0, b0), *y = batch_ab(1, a1, b1);
    assert_int_equal(run_batch(k, 0, &x, 1, NULL), 2);
    /* rows are visible only after commit */
    bool skip;
    assert_int_equal(k->vt->begin(k, 1, &skip, &err), 0);
    assert_false(skip);
    assert_int_equal(k->vt->write(k, y, &err), 0);
    expect_rows(t, 2, a0, b0);
    int64_t rows;
    assert_int_equal(k->vt->commit(k, 1, &rows, &err), 0);
    assert_int_equal(rows, 1);
    int all[] = {1, 2, 3};
    const char *ball[] = {"x", NULL, "zz"};
    expect_rows(t, 3, all, ball);
    /* a replayed batch id (restart) is ignored */
    assert_int_equal(run_batch(k, 1, &y, 1, NULL), 1);
    assert_int_equal(run_batch(k, 0, &y, 1, NULL), 1);
    expect_rows(t, 3, all, ball);
    /* an aborted batch publishes nothing */
    assert_int_equal(k->vt->begin(k, 2, &skip, &err), 0);
    assert_int_equal(k->vt->write(k, y, &err), 0);
    k->vt->abort(k);
    expect_rows(t, 3, all, ball);
    k->vt->destroy(k);
    weir_memtable_free(t);
}

static void test_memory_complete(void **state)
{
    (void)state;
    weir_error err;
    weir_memtable *t = weir_memtable_new(schema_ab());
    weir_sink_args a = args_for("memory", WEIR_OUTPUT_COMPLETE, NULL, 0, schema_ab());
    a.memtable = t;
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    int a0[] = {1, 2}, a1[] = {5};
    const char *b0[] = {"x", "y"}, *b1[] = {NULL};
    weir_batch *x = batch_ab(2, a0, b0), *y = batch_ab(1, a1, b1);
    run_batch(k, 0, &x, 1, NULL);
    expect_rows(t, 2, a0, b0);
    run_batch(k, 1, &y, 1, NULL);
    expect_rows(t, 1, a1, b1);
    run_batch(k, 1, &x, 1, NULL); /* replay: ignored */
    expect_rows(t, 1, a1, b1);
    weir_batch *e = batch_ab(0, NULL, NULL);
    run_batch(k, 2, &e, 1, NULL); /* an empty complete result empties the table */
    expect_rows(t, 0, NULL, NULL);
    k->vt->destroy(k);
    weir_memtable_free(t);
}

/* Nested values survive the compact copies, and many small appends are merged. */
static void test_memtable_nested_and_merge(void **state)
{
    (void)state;
    weir_field sf[2] = {{"x", WEIR_TYPE_INT, true}, {"y", WEIR_TYPE_STRING, true}};
    const weir_type *st = weir_type_struct(&A, sf, 2);
    const weir_type *at = weir_type_array(&A, WEIR_TYPE_STRING);
    weir_field f[2] = {{"s", st, true}, {"l", at, true}};
    const weir_type *schema = weir_type_struct(&A, f, 2);
    weir_memtable *t = weir_memtable_new(schema);
    assert_non_null(t);
    for (int i = 0; i < 300; i++) {
        weir_batch *b = weir_batch_for_schema(&A, schema, 2);
        for (int r = 0; r < 2; r++) {
            int row = i * 2 + r;
            weir_vec *s = b->cols[0], *l = b->cols[1];
            if (row % 7 == 3) {
                assert_int_equal(weir_vec_append_null(s), 0);
            } else {
                int32_t x = row;
                char y[16];
                snprintf(y, sizeof y, "y%d", row);
                assert_int_equal(weir_vec_append_fixed(s->child[0], &x), 0);
                assert_int_equal(weir_vec_append_str(s->child[1], y, (int32_t)strlen(y)), 0);
                s->len++;
            }
            /* l = [row, NULL] */
            char e[16];
            snprintf(e, sizeof e, "%d", row);
            assert_int_equal(weir_vec_append_str(l->child[0], e, (int32_t)strlen(e)), 0);
            assert_int_equal(weir_vec_append_null(l->child[0]), 0);
            assert_int_equal(weir_vec_reserve(l, l->len + 1), 0);
            l->offsets[l->len + 1] = l->child[0]->len;
            l->len++;
        }
        b->nrows = 2;
        const weir_batch *bb = b;
        assert_int_equal(weir_memtable_put(t, i, false, &bb, 1), 0);
    }
    weir_batch *out;
    assert_int_equal(weir_memtable_snapshot(t, &A, &out), 0);
    assert_int_equal(out->nrows, 600);
    for (int row = 0; row < 600; row++) {
        const weir_vec *s = out->cols[0], *l = out->cols[1];
        if (row % 7 == 3) {
            assert_true(weir_vec_is_null(s, row));
        } else {
            assert_false(weir_vec_is_null(s, row));
            assert_int_equal(WEIR_VEC_DATA(s->child[0], int32_t)[row], row);
            char y[16];
            snprintf(y, sizeof y, "y%d", row);
            int32_t n;
            const char *p = weir_vec_str(s->child[1], row, &n);
            assert_int_equal(n, (int)strlen(y));
            assert_memory_equal(p, y, (size_t)n);
        }
        assert_int_equal(l->offsets[row + 1] - l->offsets[row], 2);
        int32_t e0 = l->offsets[row], n;
        char e[16];
        snprintf(e, sizeof e, "%d", row);
        const char *p = weir_vec_str(l->child[0], e0, &n);
        assert_memory_equal(p, e, strlen(e));
        assert_true(weir_vec_is_null(l->child[0], e0 + 1));
    }
    weir_memtable_free(t);
}

/* A writer thread appends while the session thread takes snapshots: every snapshot is a
 * whole number of published batches, in order. */
static void *append_many(void *arg)
{
    weir_memtable *t = arg;
    weir_arena a;
    weir_arena_init(&a, 0);
    for (int i = 0; i < 600; i++) {
        weir_batch *b = weir_batch_for_schema(&a, weir_memtable_schema(t), 3);
        for (int r = 0; r < 3; r++) {
            int32_t v = i * 3 + r;
            char s[16];
            snprintf(s, sizeof s, "v%d", v);
            weir_vec_append_fixed(b->cols[0], &v);
            weir_vec_append_str(b->cols[1], s, (int32_t)strlen(s));
        }
        b->nrows = 3;
        const weir_batch *bb = b;
        if (weir_memtable_put(t, i, false, &bb, 1) != WEIR_OK) abort();
        weir_arena_reset(&a);
    }
    weir_arena_free(&a);
    return NULL;
}

static void test_memtable_concurrent(void **state)
{
    (void)state;
    weir_memtable *t = weir_memtable_new(schema_ab());
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, append_many, t), 0);
    int32_t seen = 0;
    while (seen < 1800) {
        weir_arena a;
        weir_arena_init(&a, 0);
        weir_batch *s;
        assert_int_equal(weir_memtable_snapshot(t, &a, &s), 0);
        assert_int_equal(s->nrows % 3, 0);
        assert_true(s->nrows >= seen);
        for (int32_t i = 0; i < s->nrows; i++) {
            assert_int_equal(WEIR_VEC_DATA(s->cols[0], int32_t)[i], i);
            int32_t n;
            const char *p = weir_vec_str(s->cols[1], i, &n);
            char want[16];
            snprintf(want, sizeof want, "v%d", i);
            assert_int_equal(n, (int)strlen(want));
            assert_memory_equal(p, want, (size_t)n);
        }
        seen = s->nrows;
        weir_arena_free(&a);
    }
    pthread_join(th, NULL);
    weir_memtable_free(t);
}

/* ---- file sinks --------------------------------------------------------------------------- */

/* The data files of a directory as a file-sink reader lists them. */
static int listed(const char *dir, const char ***files)
{
    weir_error err;
    int n = -1;
    assert_int_equal(weir_list_files(dir, &A, files, &n, &err), 0);
    return n;
}

/* Checks one manifest entry line for `file` and returns the position after it. */
static const char *expect_entry(const char *p, const char *file)
{
    char want[1024];
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    snprintf(want, sizeof want,
             "{\"path\":\"file://%s\",\"size\":%lld,\"isDir\":false,\"modificationTime\":%lld,"
             "\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"add\"}",
             file, (long long)st.st_size,
             (long long)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000);
    assert_true(strncmp(p, want, strlen(want)) == 0);
    return p + strlen(want);
}

static bool is_part_name(const char *base, const char *ext)
{
    /* part-00000-xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx-c000<ext> */
    if (strlen(base) != 52 + strlen(ext) || strncmp(base, "part-00000-", 11) != 0) return false;
    if (base[19] != '-' || base[24] != '-' || base[25 + 4] != '-' || base[34] != '-') return false;
    if (base[25] != '4') return false;
    return strncmp(base + 47, "-c000", 5) == 0 && strcmp(base + 52, ext) == 0;
}

static void test_file_sink_json(void **state)
{
    (void)state;
    weir_error err;
    char dir[512], meta[600], p[700];
    snprintf(dir, sizeof dir, "%s/out", TMP);
    snprintf(meta, sizeof meta, "%s/_spark_metadata", dir);
    weir_kv o[] = {{"path", dir}};
    weir_sink_args a = args_for("json", WEIR_OUTPUT_APPEND, o, 1, schema_ab());
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    char want[600];
    snprintf(want, sizeof want, "FileSink[%s]", dir);
    assert_string_equal(k->vt->describe(k), want);
    struct stat st;
    assert_int_equal(stat(meta, &st), 0); /* made when the sink is created */
    const char **files;
    assert_int_equal(listed(dir, &files), 0);

    int av[] = {1, 2};
    const char *bv[] = {"x\"y", NULL};
    weir_batch *b = batch_ab(2, av, bv);
    bool skip = true;
    assert_int_equal(run_batch(k, 0, &b, 1, &skip), -1); /* V1 sink: no row count */
    assert_false(skip);
    assert_int_equal(listed(dir, &files), 1);
    const char *base = strrchr(files[0], '/') + 1;
    assert_true(is_part_name(base, ".json"));
    char *data = slurp(files[0]);
    assert_string_equal(data, "{\"a\":1,\"b\":\"x\\\"y\"}\n{\"a\":2}\n");
    free(data);
    snprintf(p, sizeof p, "%s/0", meta);
    char *m = slurp(p);
    assert_non_null(m);
    assert_true(strncmp(m, "v1\n", 3) == 0);
    const char *end = expect_entry(m + 3, files[0]);
    assert_string_equal(end, ""); /* no trailing newline */
    free(m);

    /* batch 0 again (a restart replays it): skipped, nothing written */
    assert_int_equal(run_batch(k, 0, &b, 1, &skip), -1);
    assert_true(skip);
    assert_int_equal(listed(dir, &files), 1);

    /* an empty batch records a manifest without files */
    weir_batch *e = batch_ab(0, NULL, NULL);
    run_batch(k, 1, &e, 1, &skip);
    snprintf(p, sizeof p, "%s/1", meta);
    m = slurp(p);
    assert_string_equal(m, "v1");
    free(m);
    assert_int_equal(listed(dir, &files), 1);

    /* a batch that fails before commit leaves nothing visible */
    assert_int_equal(k->vt->begin(k, 2, &skip, &err), 0);
    assert_int_equal(k->vt->write(k, b, &err), 0);
    k->vt->abort(k);
    DIR *d = opendir(dir);
    int nent = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        nent += de->d_name[0] != '.' || strlen(de->d_name) > 2;
    closedir(d);
    assert_int_equal(nent, 2); /* the committed part file and _spark_metadata */
    k->vt->destroy(k);
}

static void test_file_sink_uncommitted_invisible(void **state)
{
    (void)state;
    weir_error err;
    char dir[512], p[700];
    snprintf(dir, sizeof dir, "%s/o2", TMP);
    weir_kv o[] = {{"path", dir}};
    weir_sink_args a = args_for("json", WEIR_OUTPUT_APPEND, o, 1, schema_ab());
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    int av[] = {7};
    const char *bv[] = {"q"};
    weir_batch *b = batch_ab(1, av, bv);
    run_batch(k, 0, &b, 1, NULL);
    /* a crash after the data file was renamed but before its manifest was written */
    snprintf(p, sizeof p, "%s/part-00000-0a1b2c3d-0000-4000-8000-000000000000-c000.json", dir);
    spit(p, "{\"a\":666}\n");
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s/.part-00000-0a1b2c3d-0000-4000-8000-00000000000f-c000.json.tmp",
             dir);
    spit(tmp, "{\"a\":667}\n");
    const char **files;
    assert_int_equal(listed(dir, &files), 1);
    assert_true(strstr(files[0], "0a1b2c3d") == NULL);
    /* a plain listing of another directory would see it; the manifest hides it */
    k->vt->destroy(k);
    /* restarting the sink removes the orphan and the stale temporary */
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    struct stat st;
    assert_int_not_equal(stat(p, &st), 0);
    assert_int_not_equal(stat(tmp, &st), 0);
    assert_int_equal(listed(dir, &files), 1);
    bool skip;
    run_batch(k, 0, &b, 1, &skip);
    assert_true(skip);
    run_batch(k, 1, &b, 1, &skip);
    assert_false(skip);
    assert_int_equal(listed(dir, &files), 2);
    k->vt->destroy(k);
}

static void test_file_sink_compaction(void **state)
{
    (void)state;
    weir_error err;
    char dir[512], p[700];
    snprintf(dir, sizeof dir, "%s/o3", TMP);
    weir_kv o[] = {{"path", dir}};
    weir_sink_args a = args_for("json", WEIR_OUTPUT_APPEND, o, 1, schema_ab());
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    int av[] = {0};
    const char *bv[] = {"r"};
    for (int id = 0; id < 13; id++) {
        av[0] = id;
        weir_batch *b = batch_ab(1, av, bv);
        run_batch(k, id, &b, 1, NULL);
        const char **files;
        assert_int_equal(listed(dir, &files), id + 1);
    }
    struct stat st;
    snprintf(p, sizeof p, "%s/_spark_metadata/9", dir);
    assert_int_not_equal(stat(p, &st), 0);
    snprintf(p, sizeof p, "%s/_spark_metadata/9.compact", dir);
    char *m = slurp(p);
    assert_non_null(m);
    /* v1 + the ten files of batches 0..9, oldest first */
    int lines = 0;
    for (char *q = m; *q; q++)
        lines += *q == '\n';
    assert_int_equal(lines, 10);
    assert_true(strncmp(m, "v1\n{\"path\":\"file://", 19) == 0);
    free(m);
    /* the listing reads 9.compact, 10, 11, 12 only: batches 0..8 may go away */
    for (int id = 0; id < 9; id++) {
        snprintf(p, sizeof p, "%s/_spark_metadata/%d", dir, id);
        unlink(p);
    }
    const char **files;
    assert_int_equal(listed(dir, &files), 13);
    /* the data round-trips through the JSON reader */
    weir_reader *r;
    assert_int_equal(weir_reader_open(weir_format_lookup("json"), schema_ab(), NULL, NULL, 0,
                                      CONF->tz, &r, &err),
                     0);
    int64_t sum = 0;
    for (int i = 0; i < 13; i++) {
        char *text = slurp(files[i]);
        weir_reader_set_input(r, text, strlen(text));
        weir_batch *bt;
        assert_int_equal(weir_reader_next(r, &A, &bt, &err), 0);
        assert_int_equal(bt->nrows, 1);
        sum += WEIR_VEC_DATA(bt->cols[0], int32_t)[0];
        free(text);
    }
    weir_reader_close(r);
    assert_int_equal(sum, 78); /* 0 + 1 + ... + 12 */
    k->vt->destroy(k);
    /* a new sink on the directory continues after the latest batch */
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    bool skip;
    weir_batch *b = batch_ab(1, av, bv);
    run_batch(k, 12, &b, 1, &skip);
    assert_true(skip);
    /* compacting batch 19 needs 10..18: with 13..18 missing it fails, as Spark's does */
    assert_int_equal(k->vt->begin(k, 19, &skip, &err), 0);
    assert_false(skip);
    assert_int_equal(k->vt->write(k, b, &err), 0);
    int64_t rows;
    assert_int_equal(k->vt->commit(k, 19, &rows, &err), WEIR_EIO);
    assert_non_null(strstr(err.msg, "/_spark_metadata/13 doesn't exist when compacting batch 19 "
                                    "(compactInterval: 10)"));
    snprintf(p, sizeof p, "%s/_spark_metadata/19.compact", dir);
    assert_int_not_equal(stat(p, &st), 0);
    assert_int_equal(listed(dir, &files), 13);
    k->vt->destroy(k);
}

static void test_csv_and_text_sinks(void **state)
{
    (void)state;
    weir_error err;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/csv", TMP);
    weir_kv o[] = {{"path", dir}, {"header", "true"}, {"sep", ";"}, {"nullValue", "-"}};
    weir_sink_args a = args_for("csv", WEIR_OUTPUT_APPEND, o, 4, schema_ab());
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    int av[] = {1, 2};
    const char *bv[] = {"a;b", NULL};
    weir_batch *b = batch_ab(2, av, bv);
    run_batch(k, 0, &b, 1, NULL);
    run_batch(k, 1, &b, 1, NULL);
    const char **files;
    assert_int_equal(listed(dir, &files), 2);
    for (int i = 0; i < 2; i++) {
        assert_true(is_part_name(strrchr(files[i], '/') + 1, ".csv"));
        char *t = slurp(files[i]);
        assert_string_equal(t, "a;b\n1;\"a;b\"\n2;-\n"); /* a header in every file */
        free(t);
    }
    k->vt->destroy(k);

    snprintf(dir, sizeof dir, "%s/txt", TMP);
    weir_field f[1] = {{"value", WEIR_TYPE_STRING, true}};
    const weir_type *vs = weir_type_struct(&A, f, 1);
    weir_kv to[] = {{"path", dir}};
    weir_sink_args t = args_for("text", WEIR_OUTPUT_APPEND, to, 1, vs);
    assert_int_equal(weir_sink_create(&t, &k, &err), 0);
    weir_batch *tb = weir_batch_for_schema(&A, vs, 2);
    weir_vec_append_str(tb->cols[0], "line one", 8);
    weir_vec_append_null(tb->cols[0]);
    tb->nrows = 2;
    run_batch(k, 0, &tb, 1, NULL);
    assert_int_equal(listed(dir, &files), 1);
    assert_true(is_part_name(strrchr(files[0], '/') + 1, ".txt"));
    char *txt = slurp(files[0]);
    assert_string_equal(txt, "line one\n\n");
    free(txt);
    k->vt->destroy(k);

    /* text needs a single string column (checked when the sink is created) */
    weir_sink_args t2 = args_for("text", WEIR_OUTPUT_APPEND, to, 1, schema_ab());
    assert_int_not_equal(weir_sink_create(&t2, &k, &err), 0);
    assert_string_equal(err.msg,
                        "Text data source supports only a single column, and you have 2 columns.");
}

/* Paths are URIs in the manifest: "file://" + the percent-encoded absolute path. */
static void test_manifest_uri_encoding(void **state)
{
    (void)state;
    weir_error err;
    char dir[512], p[700];
    snprintf(dir, sizeof dir, "%s/with space%%", TMP);
    weir_kv o[] = {{"path", dir}};
    weir_sink_args a = args_for("json", WEIR_OUTPUT_APPEND, o, 1, schema_ab());
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    int av[] = {1};
    const char *bv[] = {"x"};
    weir_batch *b = batch_ab(1, av, bv);
    run_batch(k, 0, &b, 1, NULL);
    snprintf(p, sizeof p, "%s/_spark_metadata/0", dir);
    char *m = slurp(p);
    char want[700];
    snprintf(want, sizeof want, "v1\n{\"path\":\"file://%s/with%%20space%%25/part-00000-", TMP);
    assert_true(strncmp(m, want, strlen(want)) == 0);
    free(m);
    const char **files;
    assert_int_equal(listed(dir, &files), 1);
    struct stat st;
    assert_int_equal(stat(files[0], &st), 0);
    k->vt->destroy(k);
}

/* A manifest as an older Spark wrote it ("file:/" URIs, a deleted file) lists as Spark's
 * MetadataLogFileIndex would; other directories keep the plain listing. */
static void test_list_files_spark_manifest(void **state)
{
    (void)state;
    char dir[512], p[700], t[2048];
    snprintf(dir, sizeof dir, "%s/sp", TMP);
    mkdir(dir, 0777);
    snprintf(p, sizeof p, "%s/_spark_metadata", dir);
    mkdir(p, 0777);
    const char *names[] = {"a.json", "b.json", "c.json", "d.json"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        spit(p, "{}\n");
    }
    snprintf(p, sizeof p, "%s/_spark_metadata/0", dir);
    snprintf(t, sizeof t,
             "v1\n{\"path\":\"file:%s/a.json\",\"size\":3,\"isDir\":false,\"modificationTime\":1,"
             "\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"add\"}\n"
             "{\"path\":\"file://%s/b.json\",\"size\":3,\"isDir\":false,\"modificationTime\":1,"
             "\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"add\"}",
             dir, dir);
    spit(p, t);
    snprintf(p, sizeof p, "%s/_spark_metadata/1", dir);
    snprintf(t, sizeof t,
             "v1\n{\"path\":\"file:%s/c.json\",\"size\":3,\"isDir\":false,\"modificationTime\":2,"
             "\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"add\"}\n"
             "{\"path\":\"file:%s/a.json\",\"size\":3,\"isDir\":false,\"modificationTime\":2,"
             "\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"delete\"}\n",
             dir, dir);
    spit(p, t);
    snprintf(p, sizeof p, "%s/_spark_metadata/.1.0000.tmp", dir); /* ignored */
    spit(p, "garbage");
    const char **files;
    assert_int_equal(listed(dir, &files), 2);
    snprintf(p, sizeof p, "%s/b.json", dir);
    assert_string_equal(files[0], p);
    snprintf(p, sizeof p, "%s/c.json", dir);
    assert_string_equal(files[1], p);

    /* an unsupported log version */
    snprintf(p, sizeof p, "%s/_spark_metadata/2", dir);
    spit(p, "v2\n");
    weir_error err;
    int n;
    assert_int_not_equal(weir_list_files(dir, &A, &files, &n, &err), 0);
    assert_non_null(strstr(err.msg, "maximum supported log version is v1, but encountered v2"));

    /* an empty metadata directory: no files at all */
    snprintf(dir, sizeof dir, "%s/sp2", TMP);
    mkdir(dir, 0777);
    snprintf(p, sizeof p, "%s/_spark_metadata", dir);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/x.json", dir);
    spit(p, "{}\n");
    assert_int_equal(listed(dir, &files), 0);
}

/* ---- noop and the registry's errors ------------------------------------------------------ */

static void test_noop(void **state)
{
    (void)state;
    weir_error err;
    weir_sink_args a = args_for("noop", WEIR_OUTPUT_COMPLETE, NULL, 0, schema_ab());
    weir_sink *k;
    assert_int_equal(weir_sink_create(&a, &k, &err), 0);
    int av[] = {1, 2};
    const char *bv[] = {"a", "b"};
    weir_batch *b[] = {batch_ab(2, av, bv), batch_ab(2, av, bv)};
    assert_int_equal(run_batch(k, 0, b, 2, NULL), 4);
    assert_true(strncmp(k->vt->describe(k),
                        "org.apache.spark.sql.execution.datasources.noop.NoopTable$@", 59) == 0);
    k->vt->destroy(k);
}

static void test_errors(void **state)
{
    (void)state;
    weir_error err;
    weir_sink_args a = args_for("json", WEIR_OUTPUT_APPEND, NULL, 0, schema_ab());
    assert_int_equal(weir_sink_check(&a, &err), WEIR_EARG);
    assert_string_equal(err.msg, "'path' is not specified.");
    weir_kv o[] = {{"Path", "/tmp/x"}};
    a = args_for("json", WEIR_OUTPUT_UPDATE, o, 1, schema_ab());
    assert_int_equal(weir_sink_check(&a, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "Data source json does not support Update output mode.");
    a = args_for("CSV", WEIR_OUTPUT_COMPLETE, o, 1, schema_ab());
    assert_int_equal(weir_sink_check(&a, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "Data source CSV does not support Complete output mode.");
    a = args_for("text", WEIR_OUTPUT_APPEND, o, 1, schema_ab());
    assert_int_equal(weir_sink_check(&a, &err), 0);
    a = args_for("parquetx", WEIR_OUTPUT_APPEND, o, 1, schema_ab());
    assert_int_equal(weir_sink_check(&a, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg,
                        "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: parquetx. Please "
                        "find packages at `https://spark.apache.org/third-party-projects.html`.");
    a = args_for("rate", WEIR_OUTPUT_APPEND, NULL, 0, schema_ab());
    assert_int_equal(weir_sink_check(&a, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "Data source rate does not support streamed writing.");
    const char *all_modes[] = {"console", "memory", "noop"};
    for (int i = 0; i < 3; i++)
        for (int m = WEIR_OUTPUT_APPEND; m <= WEIR_OUTPUT_COMPLETE; m++) {
            a = args_for(all_modes[i], (weir_output_mode)m, NULL, 0, schema_ab());
            assert_int_equal(weir_sink_check(&a, &err), 0);
        }
    a = args_for("memory", WEIR_OUTPUT_APPEND, NULL, 0, schema_ab());
    a.query_name = NULL;
    assert_int_equal(weir_sink_check(&a, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "queryName must be specified for memory sink");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_console_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_console_num_rows_truncate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_console_bad_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_append_and_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_complete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memtable_nested_and_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memtable_concurrent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_sink_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_sink_uncommitted_invisible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_sink_compaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_and_text_sinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifest_uri_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_files_spark_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_noop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
