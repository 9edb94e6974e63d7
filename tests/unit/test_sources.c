/*
 * Streaming sources (src/connectors: files/, socket/, rate/, sources.c). Expected behaviour
 * follows Spark 3.5's FileStreamSource / FileStreamSourceLog / FileStreamOptions,
 * TextSocketMicroBatchStream and RateStreamMicroBatchStream (and their suites): offsets
 * as Spark writes them, files taken exactly once and remembered across restarts, rate rows
 * computed from the clock with valueAtSecond, socket lines split as BufferedReader.readLine.
 * Time is driven by a manual clock and file modification times are set explicitly; the
 * socket test talks to a listener thread on 127.0.0.1 and never sleeps.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "stream/stream.h"

static weir_arena A;
static char tmp[256];  /* per-test temporary directory */
static char data[300]; /* tmp/data: the source path */
static char meta[300]; /* tmp/meta: the source's metadata dir */
static weir_clock clk;

static int rm_rf(const char *p)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p);
    return system(cmd);
}

static int setup(void **state)
{
    weir_arena_init(&A, 0);
    snprintf(tmp, sizeof(tmp), "/tmp/weir_src_XXXXXX");
    if (!mkdtemp(tmp)) return -1;
    snprintf(data, sizeof(data), "%s/data", tmp);
    snprintf(meta, sizeof(meta), "%s/meta", tmp);
    mkdir(data, 0777);
    weir_clock_init(&clk, true, 1600000000000LL);
    return 0;
}

static int teardown(void **state)
{
    rm_rf(tmp);
    weir_clock_destroy(&clk);
    weir_arena_free(&A);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------------- */

/* Writes dir/name with text and modification time mtime_s (seconds). */
static void put_file(const char *dir, const char *name, const char *text, int64_t mtime_s)
{
    char p[600];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    struct timespec ts[2] = {{(time_t)mtime_s, 0}, {(time_t)mtime_s, 0}};
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

static const weir_type *st(int n, ...)
{
    weir_field f[16];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        f[i].name = va_arg(ap, const char *);
        f[i].type = va_arg(ap, const weir_type *);
        f[i].nullable = true;
    }
    va_end(ap);
    return weir_type_struct(&A, f, n);
}

static weir_source_args args_of(const char *format, const weir_kv *opts, int nopts,
                                const weir_type *schema)
{
    weir_source_args a;
    memset(&a, 0, sizeof(a));
    a.format = format;
    a.opts = opts;
    a.nopts = nopts;
    a.schema = schema;
    a.metadata_dir = meta;
    a.clock = &clk;
    return a;
}

static weir_source *make(const char *format, const weir_kv *opts, int nopts,
                         const weir_type *schema)
{
    weir_source_args a = args_of(format, opts, nopts, schema);
    weir_source *s = NULL;
    weir_error err;
    int rc = weir_source_create(&a, &s, &err);
    if (rc != WEIR_OK) fail_msg("create: %s", err.msg);
    return s;
}

static const char *latest(weir_source *s, const char *start)
{
    const char *out = NULL;
    weir_error err;
    int rc = s->vt->latest(s, start, &A, &out, &err);
    if (rc != WEIR_OK) fail_msg("latest: %s", err.msg);
    return out;
}

/* Renders the rows of (start, end] as "a|b;c|d;" (NULL as "null", timestamps as us). */
static const char *rows(weir_source *s, const char *start, const char *end)
{
    weir_source_reader *r;
    weir_error err;
    int rc = s->vt->open(s, start, end, &r, &err);
    if (rc != WEIR_OK) fail_msg("open: %s", err.msg);
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_sb_puts(&sb, "");
    weir_arena ba;
    weir_arena_init(&ba, 0);
    for (;;) {
        weir_batch *b;
        rc = s->vt->next(r, &ba, &b, &err);
        if (rc != WEIR_OK) fail_msg("next: %s", err.msg);
        if (!b) break;
        for (int32_t i = 0; i < b->nrows; i++) {
            for (int c = 0; c < b->ncols; c++) {
                if (c) weir_sb_putc(&sb, '|');
                weir_value v;
                weir_vec_get(b->cols[c], i, &v);
                if (v.is_null)
                    weir_sb_puts(&sb, "null");
                else if (v.type->id == WEIR_T_STRING)
                    weir_sb_append(&sb, v.u.s.p, (size_t)v.u.s.len);
                else
                    weir_sb_printf(&sb, "%lld", (long long)v.u.i);
            }
            weir_sb_putc(&sb, ';');
        }
        weir_arena_reset(&ba);
    }
    s->vt->close_reader(r);
    weir_arena_free(&ba);
    char *out = weir_arena_strdup(&A, sb.p);
    weir_sb_free(&sb);
    return out;
}

static int schema_err(const char *format, const weir_kv *opts, int nopts, const weir_type *schema,
                      weir_error *err)
{
    weir_source_args a = args_of(format, opts, nopts, schema);
    const weir_type *t;
    return weir_source_schema(&a, &A, &t, err);
}

static const weir_type *emp_schema(void)
{
    return st(2, "id", WEIR_TYPE_INT, "name", WEIR_TYPE_STRING);
}

/* ---- file source ----------------------------------------------------------------------------- */

static void test_file_once_and_log(void **state)
{
    weir_kv o[] = {{"path", data}};
    put_file(data, "a.json", "{\"id\":1,\"name\":\"a\"}\n", 1000);
    put_file(data, "b.json", "{\"id\":2,\"name\":\"bb\"}\n{\"id\":3,\"name\":\"b\"}\n", 2000);
    put_file(data, "_hidden.json", "{\"id\":9}\n", 2000);
    put_file(data, ".dot.json", "{\"id\":9}\n", 2000);
    weir_source *s = make("json", o, 1, emp_schema());
    char desc[400];
    snprintf(desc, sizeof(desc), "FileStreamSource[file:%s]", data);
    assert_string_equal(s->vt->describe(s), desc);
    const char *o0 = latest(s, NULL);
    assert_string_equal(o0, "{\"logOffset\":0}");
    /* the larger file is its own, first, input partition */
    assert_string_equal(rows(s, NULL, o0), "2|bb;3|b;1|a;");
    /* nothing new: the same offset, no new log batch */
    assert_string_equal(latest(s, o0), "{\"logOffset\":0}");
    char p1[400];
    snprintf(p1, sizeof(p1), "%s/1", meta);
    assert_null(slurp(p1));
    /* the log: Spark's FileStreamSourceLog text, no trailing newline */
    char p0[400], want[2000];
    snprintf(p0, sizeof(p0), "%s/0", meta);
    snprintf(want, sizeof(want),
             "v1\n{\"path\":\"file://%s/a.json\",\"timestamp\":1000000,\"batchId\":0}\n"
             "{\"path\":\"file://%s/b.json\",\"timestamp\":2000000,\"batchId\":0}",
             data, data);
    assert_string_equal(slurp(p0), want);
    put_file(data, "c.json", "{\"id\":4,\"name\":\"c\"}\n", 3000);
    const char *o1 = latest(s, o0);
    assert_string_equal(o1, "{\"logOffset\":1}");
    assert_string_equal(rows(s, o0, o1), "4|c;");
    assert_string_equal(rows(s, NULL, o1), "2|bb;3|b;1|a;4|c;");
    weir_error err;
    assert_int_equal(s->vt->commit(s, o1, &err), WEIR_OK);
    s->vt->destroy(s);
}

static void test_file_empty_dir(void **state)
{
    weir_kv o[] = {{"path", data}};
    weir_source *s = make("json", o, 1, emp_schema());
    assert_null(latest(s, NULL));
    s->vt->destroy(s);
}

static void test_file_max_files(void **state)
{
    weir_kv o[] = {{"path", data}, {"maxFilesPerTrigger", "1"}};
    put_file(data, "x.json", "{\"id\":2}\n", 2000);
    put_file(data, "y.json", "{\"id\":1}\n", 1000);
    put_file(data, "z.json", "{\"id\":3}\n", 3000);
    weir_source *s = make("json", o, 2, emp_schema());
    const char *a = latest(s, NULL);
    assert_string_equal(rows(s, NULL, a), "1|null;");
    const char *b = latest(s, a);
    assert_string_equal(b, "{\"logOffset\":1}");
    assert_string_equal(rows(s, a, b), "2|null;");
    const char *c = latest(s, b);
    assert_string_equal(rows(s, b, c), "3|null;");
    assert_string_equal(latest(s, c), "{\"logOffset\":2}");
    s->vt->destroy(s);
}

static void test_file_latest_first(void **state)
{
    weir_kv o[] = {{"path", data}, {"maxFilesPerTrigger", "2"}, {"latestFirst", "TRUE"}};
    put_file(data, "x.json", "{\"id\":1}\n", 1000);
    put_file(data, "y.json", "{\"id\":2}\n", 2000);
    put_file(data, "z.json", "{\"id\":3}\n", 3000);
    weir_source *s = make("json", o, 3, emp_schema());
    const char *a = latest(s, NULL);
    assert_string_equal(rows(s, NULL, a), "3|null;2|null;");
    /* newest first again on the next trigger: a file newer than the rest jumps the queue */
    put_file(data, "w.json", "{\"id\":4}\n", 4000);
    const char *b = latest(s, a);
    assert_string_equal(rows(s, a, b), "4|null;1|null;");
    s->vt->destroy(s);
}

static void test_file_max_file_age(void **state)
{
    weir_kv o[] = {{"path", data}, {"maxFileAge", "1h"}};
    put_file(data, "old.json", "{\"id\":1}\n", 100000);
    put_file(data, "new.json", "{\"id\":2}\n", 100000 + 7200);
    weir_source *s = make("json", o, 2, emp_schema());
    /* the first batch takes everything, however old */
    const char *a = latest(s, NULL);
    assert_string_equal(rows(s, NULL, a), "1|null;2|null;");
    /* later, files older than (newest - 1h) are ignored */
    put_file(data, "late.json", "{\"id\":3}\n", 100000 + 7200 - 3601);
    put_file(data, "ok.json", "{\"id\":4}\n", 100000 + 7200 - 3599);
    const char *b = latest(s, a);
    assert_string_equal(b, "{\"logOffset\":1}");
    assert_string_equal(rows(s, a, b), "4|null;");
    s->vt->destroy(s);
}

static void test_file_restart(void **state)
{
    weir_kv o[] = {{"path", data}};
    put_file(data, "a.json", "{\"id\":1}\n", 1000);
    weir_source *s = make("json", o, 1, emp_schema());
    const char *a = latest(s, NULL);
    assert_string_equal(rows(s, NULL, a), "1|null;");
    /* a file arrives; latest() logs batch 1, then the driver "crashes" before offsets/1 */
    put_file(data, "b.json", "{\"id\":2}\n", 2000);
    assert_string_equal(latest(s, a), "{\"logOffset\":1}");
    s->vt->destroy(s);

    s = make("json", o, 1, emp_schema());
    /* the same files stay in the same log batches: a re-run reads the same rows */
    assert_string_equal(rows(s, NULL, "{\"logOffset\":0}"), "1|null;");
    /* the next latest() returns the already-assigned batch, deterministically */
    assert_string_equal(latest(s, "{\"logOffset\":0}"), "{\"logOffset\":1}");
    assert_string_equal(rows(s, "{\"logOffset\":0}", "{\"logOffset\":1}"), "2|null;");
    put_file(data, "c.json", "{\"id\":3}\n", 3000);
    assert_string_equal(latest(s, "{\"logOffset\":1}"), "{\"logOffset\":2}");
    /* bare numbers (old LongOffset form) are accepted too */
    assert_string_equal(rows(s, "1", "2"), "3|null;");
    s->vt->destroy(s);
}

static void test_file_compaction(void **state)
{
    weir_kv o[] = {{"path", data}, {"maxFilesPerTrigger", "1"}};
    char name[32], text[32];
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof(name), "f%02d.json", i);
        snprintf(text, sizeof(text), "{\"id\":%d}\n", i);
        put_file(data, name, text, 1000 + i);
    }
    weir_source *s = make("json", o, 2, emp_schema());
    const char *prev = NULL, *cur = NULL;
    for (int i = 0; i < 12; i++) {
        cur = latest(s, prev);
        prev = cur;
    }
    assert_string_equal(cur, "{\"logOffset\":11}");
    char p[400];
    snprintf(p, sizeof(p), "%s/9.compact", meta);
    const char *c9 = slurp(p);
    assert_non_null(c9);
    assert_non_null(strstr(c9, "f00.json\",\"timestamp\":1000000,\"batchId\":0}"));
    assert_non_null(strstr(c9, "f09.json\",\"timestamp\":1009000,\"batchId\":9}"));
    snprintf(p, sizeof(p), "%s/9", meta);
    assert_null(slurp(p));
    assert_string_equal(rows(s, "{\"logOffset\":8}", "{\"logOffset\":10}"), "10|null;9|null;");
    s->vt->destroy(s);
    /* a restart restores from the compaction + later deltas */
    s = make("json", o, 2, emp_schema());
    assert_string_equal(latest(s, cur), "{\"logOffset\":11}");
    assert_string_equal(rows(s, NULL, "{\"logOffset\":2}"), "0|null;1|null;2|null;");
    s->vt->destroy(s);
}

static void test_file_sink_metadata(void **state)
{
    weir_kv o[] = {{"path", data}};
    put_file(data, "part-0.json", "{\"id\":1}\n", 1000);
    put_file(data, "part-1.json", "{\"id\":2}\n", 1000);
    put_file(data, "part-2.json", "{\"id\":3}\n", 1000);
    char md[400];
    snprintf(md, sizeof(md), "%s/_spark_metadata", data);
    mkdir(md, 0777);
    char line[2000];
    snprintf(line, sizeof(line),
             "v1\n{\"path\":\"file://%s/part-0.json\",\"size\":9,\"isDir\":false,"
             "\"modificationTime\":5000,\"blockReplication\":1,\"blockSize\":33554432,"
             "\"action\":\"add\"}",
             data);
    put_file(md, "0", line, 1000);
    weir_source *s = make("json", o, 1, emp_schema());
    const char *a = latest(s, NULL);
    assert_string_equal(rows(s, NULL, a), "1|null;");
    /* the sink commits part-1 later */
    snprintf(line, sizeof(line),
             "v1\n{\"path\":\"file://%s/part-1.json\",\"size\":9,\"isDir\":false,"
             "\"modificationTime\":6000,\"blockReplication\":1,\"blockSize\":33554432,"
             "\"action\":\"add\"}\n",
             data);
    put_file(md, "1", line, 1000);
    const char *b = latest(s, a);
    assert_string_equal(b, "{\"logOffset\":1}");
    assert_string_equal(rows(s, a, b), "2|null;");
    /* the log records the sink's modification time */
    char p[400];
    snprintf(p, sizeof(p), "%s/1", meta);
    assert_non_null(strstr(slurp(p), "\"timestamp\":6000,"));
    s->vt->destroy(s);
}

static void test_file_glob_and_url(void **state)
{
    char sub[400], pat[400];
    snprintf(sub, sizeof(sub), "%s/my dir", data);
    mkdir(sub, 0777);
    put_file(sub, "a b.json", "{\"id\":1}\n", 1000);
    put_file(sub, "c.txt", "{\"id\":2}\n", 1000);
    snprintf(pat, sizeof(pat), "%s/*/*.json", data);
    weir_kv o[] = {{"path", pat}};
    weir_source *s = make("json", o, 1, emp_schema());
    const char *a = latest(s, NULL);
    assert_string_equal(rows(s, NULL, a), "1|null;");
    char p[400], want[800];
    snprintf(p, sizeof(p), "%s/0", meta);
    snprintf(want, sizeof(want), "v1\n{\"path\":\"file://%s/my%%20dir/a%%20b.json\",", data);
    assert_memory_equal(slurp(p), want, strlen(want));
    s->vt->destroy(s);
}

static void test_file_csv_text_corrupt(void **state)
{
    put_file(data, "a.csv", "id,name\n1,x\n2,y\n", 1000);
    weir_kv oc[] = {{"path", data}, {"header", "true"}};
    weir_source *s = make("csv", oc, 2, emp_schema());
    assert_string_equal(rows(s, NULL, latest(s, NULL)), "1|x;2|y;");
    s->vt->destroy(s);
    rm_rf(meta);

    weir_kv ot[] = {{"path", data}};
    weir_source_args a = args_of("text", ot, 1, NULL);
    const weir_type *t;
    weir_error err;
    assert_int_equal(weir_source_schema(&a, &A, &t, &err), WEIR_OK);
    assert_int_equal(t->nfields, 1);
    assert_string_equal(t->fields[0].name, "value");
    s = make("text", ot, 1, NULL);
    assert_string_equal(rows(s, NULL, latest(s, NULL)), "id,name;1,x;2,y;");
    s->vt->destroy(s);
    rm_rf(meta);

    /* PERMISSIVE keeps the malformed line in the corrupt-record column */
    put_file(data, "a.csv", "", 1000);
    put_file(data, "b.json", "{\"id\":1,\"name\":\"ok\"}\n{\"id\":oops\n", 1000);
    weir_kv oj[] = {{"path", data}, {"mode", "PERMISSIVE"}};
    const weir_type *js =
        st(3, "id", WEIR_TYPE_INT, "name", WEIR_TYPE_STRING, "_corrupt_record", WEIR_TYPE_STRING);
    s = make("json", oj, 2, js);
    assert_string_equal(rows(s, NULL, latest(s, NULL)), "1|ok|null;null|null|{\"id\":oops;");
    s->vt->destroy(s);
    rm_rf(meta);

    /* FAILFAST stops the batch with an error */
    weir_kv of[] = {{"path", data}, {"mode", "FAILFAST"}};
    s = make("json", of, 2, emp_schema());
    const char *off = latest(s, NULL);
    weir_source_reader *r;
    assert_int_equal(s->vt->open(s, NULL, off, &r, &err), WEIR_OK);
    weir_batch *b;
    int rc = WEIR_OK;
    while ((rc = s->vt->next(r, &A, &b, &err)) == WEIR_OK && b)
        ;
    assert_int_not_equal(rc, WEIR_OK);
    assert_non_null(strstr(err.msg, "Malformed records are detected in record parsing"));
    s->vt->close_reader(r);
    s->vt->destroy(s);
}

static void test_file_clean_source(void **state)
{
    weir_kv o[] = {{"path", data}, {"cleanSource", "delete"}};
    put_file(data, "a.json", "{\"id\":1}\n", 1000);
    weir_source *s = make("json", o, 2, emp_schema());
    const char *a = latest(s, NULL);
    assert_string_equal(rows(s, NULL, a), "1|null;");
    weir_error err;
    assert_int_equal(s->vt->commit(s, a, &err), WEIR_OK);
    char p[400];
    snprintf(p, sizeof(p), "%s/a.json", data);
    assert_int_not_equal(access(p, F_OK), 0);
    s->vt->destroy(s);
}

static void test_file_schema_errors(void **state)
{
    weir_error err;
    weir_kv o[] = {{"path", data}};
    assert_int_equal(schema_err("json", o, 1, NULL, &err), WEIR_EARG);
    assert_string_equal(err.msg,
                        "Schema must be specified when creating a streaming source DataFrame. If "
                        "some files already exist in the directory, then depending on the file "
                        "format you may be able to create a static DataFrame on that directory "
                        "with 'spark.read.load(directory)' and infer schema from it.");
    assert_int_equal(schema_err("csv", NULL, 0, emp_schema(), &err), WEIR_EARG);
    assert_string_equal(err.msg, "'path' is not specified");
    weir_kv nx[] = {{"path", "/no/such/dir"}};
    assert_int_equal(schema_err("json", nx, 1, emp_schema(), &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "[PATH_NOT_FOUND] Path does not exist: /no/such/dir.");
    /* a glob need not match anything yet */
    weir_kv gl[] = {{"path", "/no/such/*.json"}};
    assert_int_equal(schema_err("json", gl, 1, emp_schema(), &err), WEIR_OK);
    weir_kv m0[] = {{"path", data}, {"maxFilesPerTrigger", "0"}};
    assert_int_equal(schema_err("json", m0, 2, emp_schema(), &err), WEIR_EARG);
    assert_string_equal(
        err.msg, "Invalid value '0' for option 'maxFilesPerTrigger', must be a positive integer");
    weir_kv m1[] = {{"path", data}, {"maxfilespertrigger", "x1"}};
    assert_int_equal(schema_err("json", m1, 2, emp_schema(), &err), WEIR_EARG);
    assert_string_equal(err.msg,
                        "Invalid value 'x1' for option 'maxFilesPerTrigger', must be a positive "
                        "integer");
    weir_kv lf[] = {{"path", data}, {"latestFirst", "yes"}};
    assert_int_equal(schema_err("json", lf, 2, emp_schema(), &err), WEIR_EARG);
    assert_string_equal(err.msg,
                        "Invalid value 'yes' for option 'latestFirst', must be 'true' or 'false'");
    weir_kv ma[] = {{"path", data}, {"maxFileAge", "7 days"}};
    assert_int_equal(schema_err("json", ma, 2, emp_schema(), &err), WEIR_EARG);
    assert_string_equal(err.msg,
                        "Time must be specified as seconds (s), milliseconds (ms), microseconds "
                        "(us), minutes (m or min), hour (h), or day (d). E.g. 50s, 100ms, or "
                        "250us.\nFailed to parse time string: 7 days");
    weir_kv cs[] = {{"path", data}, {"cleanSource", "archive"}};
    assert_int_equal(schema_err("json", cs, 2, emp_schema(), &err), WEIR_EARG);
    assert_string_equal(err.msg, "Archive mode must be used with 'sourceArchiveDir' option.");
}

/* ---- registry errors ----------------------------------------------------------------------------
 */

static void test_registry_errors(void **state)
{
    weir_error err;
    assert_int_equal(schema_err("parquetx", NULL, 0, NULL, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg,
                        "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: parquetx. Please "
                        "find packages at `https://spark.apache.org/third-party-projects.html`.");
    assert_int_equal(schema_err("console", NULL, 0, NULL, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "Data source console does not support streamed reading");
    weir_kv so[] = {{"host", "localhost"}, {"port", "5000"}};
    assert_int_equal(schema_err("socket", so, 2, emp_schema(), &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg,
                        "TextSocketSourceProvider source does not support user-specified schema.");
    assert_int_equal(schema_err("RATE", NULL, 0, emp_schema(), &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg,
                        "RateStreamProvider source does not support user-specified schema.");
    weir_kv nh[] = {{"port", "5000"}};
    assert_int_equal(schema_err("socket", nh, 1, NULL, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "Set a host to read from with option(\"host\", ...).");
    weir_kv np[] = {{"HOST", "localhost"}};
    assert_int_equal(schema_err("socket", np, 1, NULL, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "Set a port to read from with option(\"port\", ...).");
    weir_kv it[] = {{"host", "localhost"}, {"port", "5000"}, {"includeTimestamp", "1"}};
    assert_int_equal(schema_err("socket", it, 3, NULL, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "includeTimestamp must be set to either \"true\" or \"false\"");
    weir_kv bp[] = {{"host", "localhost"}, {"port", "50x"}};
    assert_int_equal(schema_err("socket", bp, 2, NULL, &err), WEIR_EARG);
    assert_string_equal(err.msg, "For input string: \"50x\"");
    weir_kv ts[] = {{"host", "localhost"}, {"port", "5000"}, {"includeTimestamp", "True"}};
    weir_source_args a = args_of("socket", ts, 3, NULL);
    const weir_type *t;
    assert_int_equal(weir_source_schema(&a, &A, &t, &err), WEIR_OK);
    assert_int_equal(t->nfields, 2);
    assert_string_equal(t->fields[1].name, "timestamp");
    assert_int_equal(t->fields[1].type->id, WEIR_T_TIMESTAMP);
    weir_kv r0[] = {{"rowsPerSecond", "0"}};
    assert_int_equal(schema_err("rate", r0, 1, NULL, &err), WEIR_EARG);
    assert_string_equal(err.msg, "Invalid value '0'. The option 'rowsPerSecond' must be positive");
    weir_kv r1[] = {{"rowsPerSecond", "ten"}};
    assert_int_equal(schema_err("rate", r1, 1, NULL, &err), WEIR_EARG);
    assert_string_equal(err.msg, "For input string: \"ten\"");
    weir_kv r2[] = {{"rampUpTime", "-5s"}};
    assert_int_equal(schema_err("rate", r2, 1, NULL, &err), WEIR_EARG);
    assert_string_equal(err.msg,
                        "Invalid value '-5'. The option 'rampUpTime' must not be negative");
    weir_kv r3[] = {{"numPartitions", "-1"}};
    assert_int_equal(schema_err("rate", r3, 1, NULL, &err), WEIR_EARG);
    assert_string_equal(err.msg, "Invalid value '-1'. The option 'numPartitions' must be positive");
}

/* ---- rate source --------------------------------------------------------------------------------
 */

static void test_rate_rows(void **state)
{
    int64_t t0 = weir_clock_now_ms(&clk);
    weir_kv o[] = {{"rowsPerSecond", "10"}};
    weir_source *s = make("rate", o, 1, NULL);
    assert_string_equal(
        s->vt->describe(s),
        "RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=0, numPartitions=default");
    /* the creation time is logged as a LongOffset */
    char p[400], want[64];
    snprintf(p, sizeof(p), "%s/0", meta);
    snprintf(want, sizeof(want), "v1\n%lld", (long long)t0);
    assert_string_equal(slurp(p), want);
    /* first trigger: offset 0, an empty batch (0, 0] */
    assert_string_equal(latest(s, NULL), "0");
    assert_string_equal(rows(s, NULL, "0"), "");
    weir_clock_advance(&clk, 1500);
    assert_string_equal(latest(s, "0"), "1");
    weir_strbuf sb = WEIR_STRBUF_INIT;
    for (int i = 0; i < 10; i++)
        weir_sb_printf(&sb, "%lld|%d;", (long long)(t0 + i * 100) * 1000, i);
    assert_string_equal(rows(s, "0", "1"), sb.p);
    weir_clock_advance(&clk, 1500);
    assert_string_equal(latest(s, "1"), "3");
    weir_sb_reset(&sb);
    for (int i = 10; i < 30; i++)
        weir_sb_printf(&sb, "%lld|%d;", (long long)(t0 + 1000 + (i - 10) * 100) * 1000, i);
    assert_string_equal(rows(s, "1", "3"), sb.p);
    s->vt->destroy(s);
    /* restart: the logged creation time gives the same rows for the same offsets */
    weir_clock_advance(&clk, 60000);
    s = make("rate", o, 1, NULL);
    assert_string_equal(rows(s, "1", "3"), sb.p);
    assert_string_equal(latest(s, "3"), "63");
    weir_sb_free(&sb);
    s->vt->destroy(s);
}

static void test_rate_ramp_up(void **state)
{
    int64_t t0 = weir_clock_now_ms(&clk);
    weir_kv o[] = {{"rowsPerSecond", "10"}, {"rampUpTime", "4s"}};
    weir_source *s = make("rate", o, 2, NULL);
    assert_string_equal(
        s->vt->describe(s),
        "RateStreamV2[rowsPerSecond=10, rampUpTimeSeconds=4, numPartitions=default");
    weir_clock_advance(&clk, 2000);
    assert_string_equal(latest(s, NULL), "2");
    /* valueAtSecond(2) = 6: rows 0..5 spread over 2000 ms (333.33 ms apart, rounded) */
    static const int64_t rel[] = {0, 333, 667, 1000, 1333, 1667};
    weir_strbuf sb = WEIR_STRBUF_INIT;
    for (int i = 0; i < 6; i++)
        weir_sb_printf(&sb, "%lld|%d;", (long long)(t0 + rel[i]) * 1000, i);
    assert_string_equal(rows(s, NULL, "2"), sb.p);
    /* seconds 4..6: valueAtSecond 20 -> 40 */
    weir_clock_advance(&clk, 4000);
    assert_string_equal(latest(s, "2"), "6");
    const char *r = rows(s, "4", "6");
    weir_sb_reset(&sb);
    for (int i = 20; i < 40; i++)
        weir_sb_printf(&sb, "%lld|%d;", (long long)(t0 + 4000 + (i - 20) * 100) * 1000, i);
    assert_string_equal(r, sb.p);
    weir_sb_free(&sb);
    s->vt->destroy(s);
}

static void test_rate_partitions(void **state)
{
    weir_kv o[] = {{"rowsPerSecond", "5"}, {"numPartitions", "2"}};
    weir_source *s = make("rate", o, 2, NULL);
    assert_string_equal(s->vt->describe(s),
                        "RateStreamV2[rowsPerSecond=5, rampUpTimeSeconds=0, numPartitions=2");
    weir_clock_advance(&clk, 1000);
    const char *r = rows(s, "0", latest(s, "0"));
    /* partition 0 holds 0, 2, 4; partition 1 holds 1, 3 */
    int64_t t0 = weir_clock_now_ms(&clk) - 1000;
    char want[400];
    snprintf(want, sizeof(want), "%lld|0;%lld|2;%lld|4;%lld|1;%lld|3;", (long long)t0 * 1000,
             (long long)(t0 + 400) * 1000, (long long)(t0 + 800) * 1000,
             (long long)(t0 + 200) * 1000, (long long)(t0 + 600) * 1000);
    assert_string_equal(r, want);
    s->vt->destroy(s);
}

/* ---- socket source ------------------------------------------------------------------------------
 */

typedef struct server {
    int lfd;
    int port;
    const char *payload;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool go; /* send when set */
} server;

static void *server_main(void *arg)
{
    server *sv = arg;
    int c = accept(sv->lfd, NULL, NULL);
    if (c < 0) return NULL;
    pthread_mutex_lock(&sv->mu);
    while (!sv->go)
        pthread_cond_wait(&sv->cv, &sv->mu);
    pthread_mutex_unlock(&sv->mu);
    size_t n = strlen(sv->payload), off = 0;
    while (off < n) {
        ssize_t w = send(c, sv->payload + off, n - off, 0);
        if (w <= 0) break;
        off += (size_t)w;
    }
    close(c);
    return NULL;
}

static int listen_local(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t l = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &l);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Waits (yielding, bounded) until latest() reports `want`. */
static void wait_latest(weir_source *s, const char *want)
{
    time_t deadline = time(NULL) + 20;
    while (strcmp(latest(s, NULL), want) != 0) {
        if (time(NULL) > deadline) fail_msg("socket source never reached offset %s", want);
        sched_yield();
    }
}

static void test_socket_lines(void **state)
{
    server sv;
    memset(&sv, 0, sizeof(sv));
    sv.lfd = listen_local(&sv.port);
    assert_int_equal(listen(sv.lfd, 1), 0);
    sv.payload = "hello world\nfoo\r\nbar\rbaz";
    pthread_mutex_init(&sv.mu, NULL);
    pthread_cond_init(&sv.cv, NULL);
    pthread_t th;
    pthread_create(&th, NULL, server_main, &sv);

    char port[16];
    snprintf(port, sizeof(port), "%d", sv.port);
    weir_kv o[] = {{"host", "127.0.0.1"}, {"port", port}, {"includeTimestamp", "true"}};
    weir_source *s = make("socket", o, 3, NULL);
    char desc[100];
    snprintf(desc, sizeof(desc), "TextSocketV2[host: 127.0.0.1, port: %d]", sv.port);
    assert_string_equal(s->vt->describe(s), desc);
    /* Spark's initial offset is -1 and batch 0 (-1, -1] connects and reads nothing */
    assert_string_equal(latest(s, NULL), "-1");
    assert_string_equal(rows(s, NULL, "-1"), "");
    weir_error err;
    assert_int_equal(s->vt->commit(s, "-1", &err), WEIR_OK);

    weir_clock_advance(&clk, 1000);
    int64_t ts = weir_clock_now_ms(&clk) * 1000;
    pthread_mutex_lock(&sv.mu);
    sv.go = true;
    pthread_cond_signal(&sv.cv);
    pthread_mutex_unlock(&sv.mu);
    /* four lines: "\n", "\r\n" and "\r" end lines; the last one ends with the stream */
    wait_latest(s, "3");
    char want[200];
    snprintf(want, sizeof(want), "hello world|%lld;foo|%lld;", (long long)ts, (long long)ts);
    assert_string_equal(rows(s, "-1", "1"), want);
    assert_int_equal(s->vt->commit(s, "1", &err), WEIR_OK);
    snprintf(want, sizeof(want), "bar|%lld;baz|%lld;", (long long)ts, (long long)ts);
    assert_string_equal(rows(s, "1", "3"), want);
    assert_int_equal(s->vt->commit(s, "3", &err), WEIR_OK);
    assert_string_equal(rows(s, "3", "3"), "");
    assert_int_not_equal(s->vt->commit(s, "2", &err), WEIR_OK);
    assert_string_equal(err.msg, "Offsets committed out of order: 3 followed by 2");
    pthread_join(th, NULL);
    close(sv.lfd);
    s->vt->destroy(s);
    pthread_mutex_destroy(&sv.mu);
    pthread_cond_destroy(&sv.cv);
}

static void test_socket_refused(void **state)
{
    int port;
    int fd = listen_local(&port);
    close(fd); /* nothing listens there now */
    char ps[16];
    snprintf(ps, sizeof(ps), "%d", port);
    weir_kv o[] = {{"host", "127.0.0.1"}, {"port", ps}};
    weir_source *s = make("socket", o, 2, NULL);
    assert_string_equal(latest(s, NULL), "-1");
    weir_source_reader *r = NULL;
    weir_error err;
    assert_int_equal(s->vt->open(s, NULL, "-1", &r, &err), WEIR_EIO);
    assert_null(r);
    assert_non_null(strstr(err.msg, "Connection refused"));
    s->vt->destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_once_and_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_empty_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_max_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_latest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_max_file_age, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_compaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_sink_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_glob_and_url, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_csv_text_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_clean_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_schema_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registry_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_ramp_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_partitions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
