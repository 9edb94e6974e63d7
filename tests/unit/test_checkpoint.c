/*
 * Unit tests for stream/checkpoint.c: Spark's checkpoint layout byte for byte (offsets/N,
 * commits/N, metadata as OffsetSeqLog, CommitLog and StreamMetadata write them), reading
 * files Spark wrote, latest ids with gaps and temporary files, refusal to replace a log
 * entry, corrupt files, and temporary checkpoints.
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

#include "stream/checkpoint.h"
#include "stream/stream.h"

static char base[256]; /* a fresh directory per test */
static weir_arena arena;

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
    snprintf(base, sizeof(base), "/tmp/weir_ckpt_test_XXXXXX");
    if (!mkdtemp(base)) return -1;
    weir_arena_init(&arena, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nftw(base, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    weir_arena_free(&arena);
    return 0;
}

static char *path_in(const char *dir, const char *name)
{
    return weir_arena_sprintf(&arena, "%s/%s", dir, name);
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
}

static char *get_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    return weir_arena_strdup(&arena, buf);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Names in dir that start with '.' (temporary files left behind). */
static int hidden_files(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void open_cp(const char *name, weir_checkpoint *cp)
{
    weir_error err;
    int rc = weir_checkpoint_open(path_in(base, name), cp, &err);
    if (rc != WEIR_OK) print_error("%s\n", err.msg);
    assert_int_equal(rc, WEIR_OK);
}

/* ---- metadata ----------------------------------------------------------------------------- */

static void test_metadata_created_and_stable(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("q/cp", &cp); /* parents created */
    assert_false(cp.temporary);
    assert_string_equal(cp.dir, path_in(base, "q/cp"));
    /* UUID v4, lower case, in {"id":"..."} with nothing else (StreamMetadata.json) */
    const char *id = cp.query_id;
    assert_int_equal(strlen(id), 36);
    assert_int_equal(id[14], '4');
    assert_non_null(strchr("89ab", id[19]));
    char want[64];
    snprintf(want, sizeof(want), "{\"id\":\"%s\"}", id);
    assert_string_equal(get_file(path_in(cp.dir, "metadata")), want);
    assert_true(exists(path_in(cp.dir, "offsets")));
    assert_true(exists(path_in(cp.dir, "commits")));
    assert_int_equal(hidden_files(cp.dir), 0);
    char *keep = weir_arena_strdup(&arena, id);
    weir_checkpoint_close(&cp, true); /* not temporary: stays */
    assert_true(exists(path_in(base, "q/cp/metadata")));

    /* reopening (trailing slash too) keeps the id */
    weir_error err;
    assert_int_equal(weir_checkpoint_open(path_in(base, "q/cp/"), &cp, &err), WEIR_OK);
    assert_string_equal(cp.query_id, keep);
    assert_string_equal(cp.dir, path_in(base, "q/cp"));
    weir_checkpoint_close(&cp, true);
}

static void test_metadata_written_by_spark(void **state)
{
    (void)state;
    char *dir = path_in(base, "spark");
    mkdir(dir, 0755);
    put_file(path_in(dir, "metadata"), "{\"id\":\"ce011fdc-8762-4dcb-84eb-a77333e28109\"}\n");
    weir_checkpoint cp;
    open_cp("spark", &cp);
    assert_string_equal(cp.query_id, "ce011fdc-8762-4dcb-84eb-a77333e28109");
    weir_checkpoint_close(&cp, true);
}

static void test_metadata_corrupt(void **state)
{
    (void)state;
    static const char *bad[] = {"",           "{\"id\":\"ce011fdc-87", "{\"other\":1}", "[1]",
                                "{\"id\":5}", "\x01\x02garbage"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *dir = weir_arena_sprintf(&arena, "%s/bad%zu", base, i);
        mkdir(dir, 0755);
        put_file(path_in(dir, "metadata"), bad[i]);
        weir_checkpoint cp;
        weir_error err;
        assert_int_not_equal(weir_checkpoint_open(dir, &cp, &err), WEIR_OK);
        assert_non_null(strstr(err.msg, "Error reading stream metadata from"));
        assert_non_null(strstr(err.msg, path_in(dir, "metadata")));
        assert_non_null(strstr(err.msg, "corrupt"));
        assert_null(cp.dir);
    }
    char *dir = path_in(base, "baduuid");
    mkdir(dir, 0755);
    put_file(path_in(dir, "metadata"), "{\"id\":\"not-a-uuid\"}");
    weir_checkpoint cp;
    weir_error err;
    assert_int_not_equal(weir_checkpoint_open(dir, &cp, &err), WEIR_OK);
    assert_string_equal(err.msg, "Invalid UUID string: not-a-uuid");
}

static void test_open_errors(void **state)
{
    (void)state;
    weir_checkpoint cp;
    weir_error err;
    assert_int_equal(weir_checkpoint_open("", &cp, &err), WEIR_EARG);
    char *file = path_in(base, "plainfile");
    put_file(file, "x");
    assert_int_equal(weir_checkpoint_open(file, &cp, &err), WEIR_EIO);
    assert_non_null(strstr(err.msg, file));
    assert_non_null(strstr(err.msg, strerror(ENOTDIR)));
}

static void test_relative_dir(void **state)
{
    (void)state;
    char *cwd = getcwd(NULL, 0);
    assert_int_equal(chdir(base), 0);
    weir_checkpoint cp;
    weir_error err;
    int rc = weir_checkpoint_open("rel/cp", &cp, &err);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    assert_int_equal(rc, WEIR_OK);
    assert_string_equal(cp.dir, path_in(base, "rel/cp"));
    weir_checkpoint_close(&cp, true);
}

/* ---- offsets ------------------------------------------------------------------------------ */

/* What Spark 3.5 writes for a Kafka query with the default session conf (a real file). */
static const char spark_offsets_0[] =
    "v1\n"
    "{\"batchWatermarkMs\":0,\"batchTimestampMs\":1744887126959,\"conf\":{"
    "\"spark.sql.streaming.stateStore.providerClass\":"
    "\"org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider\","
    "\"spark.sql.streaming.join.stateFormatVersion\":\"2\","
    "\"spark.sql.streaming.stateStore.compression.codec\":\"lz4\","
    "\"spark.sql.streaming.stateStore.rocksdb.formatVersion\":\"5\","
    "\"spark.sql.streaming.statefulOperator.useStrictDistribution\":\"true\","
    "\"spark.sql.streaming.flatMapGroupsWithState.stateFormatVersion\":\"2\","
    "\"spark.sql.streaming.multipleWatermarkPolicy\":\"min\","
    "\"spark.sql.streaming.aggregation.stateFormatVersion\":\"2\","
    "\"spark.sql.shuffle.partitions\":\"200\"}}\n"
    "{\"users_input\":{\"0\":30}}";

static void test_offsets_spark_bytes(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("cp", &cp);
    const char *keys[16], *vals[16];
    for (int i = 0; i < weir_spark35_offset_nconf; i++) {
        keys[i] = weir_spark35_offset_conf[i].key;
        vals[i] = weir_spark35_offset_conf[i].value;
    }
    const char *offs[] = {"{\"users_input\":{\"0\":30}}"};
    weir_offset_entry e = {.batch_id = 0,
                           .batch_watermark_ms = 0,
                           .batch_timestamp_ms = 1744887126959,
                           .conf_keys = keys,
                           .conf_values = vals,
                           .nconf = weir_spark35_offset_nconf,
                           .offsets = offs,
                           .nsources = 1};
    weir_error err;
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &e, &err), WEIR_OK);
    assert_string_equal(get_file(path_in(cp.dir, "offsets/0")), spark_offsets_0);
    assert_int_equal(hidden_files(path_in(cp.dir, "offsets")), 0);

    weir_offset_entry r;
    assert_int_equal(weir_checkpoint_read_offsets(&cp, 0, &arena, &r, &err), WEIR_OK);
    assert_int_equal(r.batch_id, 0);
    assert_int_equal(r.batch_watermark_ms, 0);
    assert_int_equal(r.batch_timestamp_ms, 1744887126959);
    assert_int_equal(r.nconf, 9);
    for (int i = 0; i < 9; i++) {
        assert_string_equal(r.conf_keys[i], keys[i]);
        assert_string_equal(r.conf_values[i], vals[i]);
    }
    assert_int_equal(r.nsources, 1);
    assert_string_equal(r.offsets[0], offs[0]);
    weir_checkpoint_close(&cp, true);
}

static void test_offsets_round_trip_void_and_escapes(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("cp", &cp);
    const char *keys[] = {"spark.sql.shuffle.partitions", "weird\"key\\"};
    const char *vals[] = {"4", "tab\there"};
    const char *offs[] = {"{\"logOffset\":3}", NULL, "100"};
    weir_offset_entry e = {.batch_id = 12,
                           .batch_watermark_ms = 1700000005000,
                           .batch_timestamp_ms = 1700000010000,
                           .conf_keys = keys,
                           .conf_values = vals,
                           .nconf = 2,
                           .offsets = offs,
                           .nsources = 3};
    weir_error err;
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &e, &err), WEIR_OK);
    assert_string_equal(
        get_file(path_in(cp.dir, "offsets/12")),
        "v1\n{\"batchWatermarkMs\":1700000005000,\"batchTimestampMs\":1700000010000,"
        "\"conf\":{\"spark.sql.shuffle.partitions\":\"4\","
        "\"weird\\\"key\\\\\":\"tab\\there\"}}\n"
        "{\"logOffset\":3}\n-\n100");
    weir_offset_entry r;
    assert_int_equal(weir_checkpoint_read_offsets(&cp, 12, &arena, &r, &err), WEIR_OK);
    assert_int_equal(r.batch_watermark_ms, 1700000005000);
    assert_int_equal(r.batch_timestamp_ms, 1700000010000);
    assert_int_equal(r.nconf, 2);
    assert_string_equal(r.conf_keys[1], "weird\"key\\");
    assert_string_equal(r.conf_values[1], "tab\there");
    assert_int_equal(r.nsources, 3);
    assert_string_equal(r.offsets[0], "{\"logOffset\":3}");
    assert_null(r.offsets[1]);
    assert_string_equal(r.offsets[2], "100");

    /* no conf, no source: still Spark's shape */
    weir_offset_entry z = {.batch_id = 13};
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &z, &err), WEIR_OK);
    assert_string_equal(get_file(path_in(cp.dir, "offsets/13")),
                        "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":0,\"conf\":{}}");
    assert_int_equal(weir_checkpoint_read_offsets(&cp, 13, &arena, &r, &err), WEIR_OK);
    assert_int_equal(r.nsources, 0);
    assert_int_equal(r.nconf, 0);

    /* an offset that would break the line format is refused */
    const char *badoffs[] = {"{\"a\":\n1}"};
    weir_offset_entry b = {.batch_id = 14, .offsets = badoffs, .nsources = 1};
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &b, &err), WEIR_EARG);
    assert_false(exists(path_in(cp.dir, "offsets/14")));
    weir_checkpoint_close(&cp, true);
}

/* Files other Spark versions wrote: unknown conf keys and fields, no conf (2.1), an empty
 * metadata line, CRLF line ends, a final newline. */
static void test_offsets_read_spark_variants(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("cp", &cp);
    put_file(path_in(cp.dir, "offsets/0"),
             "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1784280404424,\"conf\":{"
             "\"spark.sql.streaming.stateStore.encodingFormat\":\"unsaferow\","
             "\"spark.sql.shuffle.partitions\":\"200\"},\"sourceMetadataInfo\":{}}\n"
             "{\"transactions\":{\"0\":165639,\"1\":170428}}\n");
    put_file(path_in(cp.dir, "offsets/1"),
             "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1480732570644}\n"
             "{\"logOffset\":345}\n{\"topic-0\":{\"0\":1}}");
    put_file(path_in(cp.dir, "offsets/2"), "v1\n\n{\"logOffset\":7}\n-");
    put_file(path_in(cp.dir, "offsets/3"),
             "v1\r\n{ \"batchWatermarkMs\" : 5 , \"batchTimestampMs\" : 6 }\r\n5\r\n");

    weir_offset_entry r;
    weir_error err;
    assert_int_equal(weir_checkpoint_read_offsets(&cp, 0, &arena, &r, &err), WEIR_OK);
    assert_int_equal(r.batch_timestamp_ms, 1784280404424);
    assert_int_equal(r.nconf, 2);
    assert_string_equal(r.conf_keys[0], "spark.sql.streaming.stateStore.encodingFormat");
    assert_string_equal(r.conf_values[1], "200");
    assert_int_equal(r.nsources, 1);
    assert_string_equal(r.offsets[0], "{\"transactions\":{\"0\":165639,\"1\":170428}}");

    assert_int_equal(weir_checkpoint_read_offsets(&cp, 1, &arena, &r, &err), WEIR_OK);
    assert_int_equal(r.batch_timestamp_ms, 1480732570644);
    assert_int_equal(r.nconf, 0);
    assert_int_equal(r.nsources, 2);
    assert_string_equal(r.offsets[1], "{\"topic-0\":{\"0\":1}}");

    assert_int_equal(weir_checkpoint_read_offsets(&cp, 2, &arena, &r, &err), WEIR_OK);
    assert_int_equal(r.batch_timestamp_ms, 0);
    assert_int_equal(r.nsources, 2);
    assert_string_equal(r.offsets[0], "{\"logOffset\":7}");
    assert_null(r.offsets[1]);

    assert_int_equal(weir_checkpoint_read_offsets(&cp, 3, &arena, &r, &err), WEIR_OK);
    assert_int_equal(r.batch_watermark_ms, 5);
    assert_int_equal(r.batch_timestamp_ms, 6);
    assert_int_equal(r.nsources, 1);
    assert_string_equal(r.offsets[0], "5");
    weir_checkpoint_close(&cp, true);
}

/* A log entry is never replaced: the same bytes again are a replay, other bytes an error. */
static void test_offsets_no_overwrite(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("cp", &cp);
    const char *offs[] = {"{\"logOffset\":1}"};
    weir_offset_entry e = {.batch_id = 4, .batch_timestamp_ms = 10, .offsets = offs, .nsources = 1};
    weir_error err;
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &e, &err), WEIR_OK);
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &e, &err), WEIR_OK);
    const char *other[] = {"{\"logOffset\":2}"};
    e.offsets = other;
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &e, &err), WEIR_ERUNTIME);
    assert_string_equal(err.msg,
                        "[CONCURRENT_STREAM_LOG_UPDATE] Concurrent update to the log. Multiple "
                        "streaming jobs detected for 4.\nPlease make sure only one streaming job "
                        "runs on a specific checkpoint location at a time.");
    assert_string_equal(get_file(path_in(cp.dir, "offsets/4")),
                        "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":10,\"conf\":{}}\n"
                        "{\"logOffset\":1}");
    assert_int_equal(hidden_files(path_in(cp.dir, "offsets")), 0);

    assert_int_equal(weir_checkpoint_write_commit(&cp, 4, 100, &err), WEIR_OK);
    assert_int_equal(weir_checkpoint_write_commit(&cp, 4, 100, &err), WEIR_OK);
    assert_int_equal(weir_checkpoint_write_commit(&cp, 4, 200, &err), WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "CONCURRENT_STREAM_LOG_UPDATE"));
    assert_int_equal(hidden_files(path_in(cp.dir, "commits")), 0);
    weir_checkpoint_close(&cp, true);
}

/* ---- commits ------------------------------------------------------------------------------ */

static void test_commits(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("cp", &cp);
    weir_error err;
    assert_int_equal(weir_checkpoint_write_commit(&cp, 0, 0, &err), WEIR_OK);
    assert_int_equal(weir_checkpoint_write_commit(&cp, 1, 1700000000000, &err), WEIR_OK);
    assert_string_equal(get_file(path_in(cp.dir, "commits/0")), "v1\n{\"nextBatchWatermarkMs\":0}");
    assert_string_equal(get_file(path_in(cp.dir, "commits/1")),
                        "v1\n{\"nextBatchWatermarkMs\":1700000000000}");
    int64_t w = -1;
    assert_int_equal(weir_checkpoint_read_commit(&cp, 1, &w, &err), WEIR_OK);
    assert_int_equal(w, 1700000000000);
    /* Spark: only the version line -> "{}" -> 0; unknown fields ignored */
    put_file(path_in(cp.dir, "commits/2"), "v1");
    assert_int_equal(weir_checkpoint_read_commit(&cp, 2, &w, &err), WEIR_OK);
    assert_int_equal(w, 0);
    put_file(path_in(cp.dir, "commits/3"),
             "v1\n{\"nextBatchWatermarkMs\":42,\"stateUniqueIds\":{}}\n");
    assert_int_equal(weir_checkpoint_read_commit(&cp, 3, &w, &err), WEIR_OK);
    assert_int_equal(w, 42);
    put_file(path_in(cp.dir, "commits/4"), "v1\n{\"nextBatchWatermarkMs\":4");
    assert_int_equal(weir_checkpoint_read_commit(&cp, 4, &w, &err), WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "commits/4"));
    assert_non_null(strstr(err.msg, "corrupt"));
    assert_int_equal(weir_checkpoint_read_commit(&cp, 9, &w, &err), WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "[BATCH_METADATA_NOT_FOUND] Unable to find batch file:"));
    weir_checkpoint_close(&cp, true);
}

/* ---- latest ids --------------------------------------------------------------------------- */

static void test_latest(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("cp", &cp);
    weir_error err;
    int64_t lo = 99, lc = 99;
    assert_int_equal(weir_checkpoint_latest(&cp, &lo, &lc, &err), WEIR_OK);
    assert_int_equal(lo, -1);
    assert_int_equal(lc, -1);

    const char *offs[] = {"1"};
    for (int64_t b = 0; b < 3; b++) {
        weir_offset_entry e = {.batch_id = b, .offsets = offs, .nsources = 1};
        assert_int_equal(weir_checkpoint_write_offsets(&cp, &e, &err), WEIR_OK);
    }
    weir_offset_entry e5 = {.batch_id = 5, .offsets = offs, .nsources = 1}; /* a gap */
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &e5, &err), WEIR_OK);
    assert_int_equal(weir_checkpoint_write_commit(&cp, 0, 0, &err), WEIR_OK);
    assert_int_equal(weir_checkpoint_write_commit(&cp, 1, 0, &err), WEIR_OK);
    /* what a crash or Hadoop leaves around: temp files, checksums, other names */
    put_file(path_in(cp.dir, "offsets/.9.0b1c2d3e-0000-4000-8000-000000000000.tmp"), "v1");
    put_file(path_in(cp.dir, "offsets/.5.crc"), "x");
    put_file(path_in(cp.dir, "offsets/8.tmp"), "x");
    put_file(path_in(cp.dir, "offsets/abc"), "x");
    put_file(path_in(cp.dir, "offsets/-7"), "x");
    mkdir(path_in(cp.dir, "offsets/x12"), 0755);
    put_file(path_in(cp.dir, "commits/.2.crc"), "x");
    assert_int_equal(weir_checkpoint_latest(&cp, &lo, &lc, &err), WEIR_OK);
    assert_int_equal(lo, 5);
    assert_int_equal(lc, 1);
    /* multi-digit ids compare as numbers */
    weir_offset_entry e10 = {.batch_id = 10, .offsets = offs, .nsources = 1};
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &e10, &err), WEIR_OK);
    assert_int_equal(weir_checkpoint_latest(&cp, &lo, NULL, &err), WEIR_OK);
    assert_int_equal(lo, 10);
    weir_checkpoint_close(&cp, true);
}

/* ---- corrupt offsets files ----------------------------------------------------------------- */

static void test_offsets_corrupt(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("cp", &cp);
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "The log file is corrupt: the file is empty."},
        {"v1", "The log file is corrupt: the metadata line is missing."},
        {"v1\n{\"batchWatermarkMs\":0,\"batchTi", "The log file is corrupt: bad metadata line"},
        {"v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1}\n{\"logOffset\":",
         "The log file is corrupt: the offset of source 0 is not JSON"},
        {"v1\n{\"batchWatermarkMs\":\"x\"}", "batchWatermarkMs is not a long"},
        {"v1\n{\"batchWatermarkMs\":1,\"conf\":{\"a\":[1]}}", "a conf value is not a string"},
        {"v1\n[1,2]", "the metadata line is not an object"},
        {"v1\n{\"batchWatermarkMs\":99999999999999999999}", "batchWatermarkMs is not a long"},
        {"v1\n{}\n\n", "the offset of source 0 is not JSON"},
        {"x1\n{}", "Log file was malformed: failed to read correct log version from x1."},
        {"v0\n{}", "Log file was malformed: failed to read correct log version from v0."},
        {"v1.5\n{}", "Log file was malformed: failed to read correct log version from v1.5."},
        {"v99999",
         "UnsupportedLogVersion: maximum supported log version is v1, but encountered v99999. "
         "The log file was produced by a newer version of Spark and cannot be read by this "
         "version. Please upgrade."},
        {"v1\n{\"batchWatermarkMs\":0}\n{\"a\":1}\x01\xff", "the offset of source 0 is not JSON"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char name[32];
        snprintf(name, sizeof(name), "offsets/%zu", i);
        put_file(path_in(cp.dir, name), cases[i].text);
        weir_offset_entry r;
        weir_error err;
        int rc = weir_checkpoint_read_offsets(&cp, (int64_t)i, &arena, &r, &err);
        if (rc == WEIR_OK || !strstr(err.msg, cases[i].want))
            print_error("case %zu: %s\n", i, rc == WEIR_OK ? "(ok)" : err.msg);
        assert_int_equal(rc, WEIR_ERUNTIME);
        char *prefix =
            weir_arena_sprintf(&arena, "Failed to read log file file:%s/%s. ", cp.dir, name);
        assert_memory_equal(err.msg, prefix, strlen(prefix));
        assert_non_null(strstr(err.msg, cases[i].want));
        assert_int_equal(r.nsources, 0);
    }
    /* binary junk with NUL bytes */
    FILE *f = fopen(path_in(cp.dir, "offsets/50"), "wb");
    assert_non_null(f);
    fwrite("v1\n\0\0\xff", 1, 6, f);
    fclose(f);
    weir_offset_entry r;
    weir_error err;
    assert_int_equal(weir_checkpoint_read_offsets(&cp, 50, &arena, &r, &err), WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "is corrupt"));
    /* a directory where a file should be */
    mkdir(path_in(cp.dir, "offsets/51"), 0755);
    assert_int_not_equal(weir_checkpoint_read_offsets(&cp, 51, &arena, &r, &err), WEIR_OK);
    assert_non_null(strstr(err.msg, "offsets/51"));
    /* missing */
    assert_int_equal(weir_checkpoint_read_offsets(&cp, 77, &arena, &r, &err), WEIR_ERUNTIME);
    char *want = weir_arena_sprintf(
        &arena, "[BATCH_METADATA_NOT_FOUND] Unable to find batch file:%s/offsets/77.", cp.dir);
    assert_string_equal(err.msg, want);
    weir_checkpoint_close(&cp, true);
}

/* ---- temporary checkpoints ---------------------------------------------------------------- */

static void test_temporary(void **state)
{
    (void)state;
    char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", base, 1);
    weir_checkpoint cp;
    weir_error err;
    assert_int_equal(weir_checkpoint_open(NULL, &cp, &err), WEIR_OK);
    assert_true(cp.temporary);
    char *prefix = path_in(base, "temporary-");
    assert_memory_equal(cp.dir, prefix, strlen(prefix));
    assert_int_equal(strlen(cp.dir), strlen(prefix) + 36);
    const char *offs[] = {"0"};
    weir_offset_entry e = {.batch_id = 0, .offsets = offs, .nsources = 1};
    assert_int_equal(weir_checkpoint_write_offsets(&cp, &e, &err), WEIR_OK);
    char *src = weir_checkpoint_subdir(&cp, "sources/0", &err);
    assert_non_null(src);
    put_file(path_in(src, "0"), "v1\n{}");
    free(src);
    char *dir = weir_arena_strdup(&arena, cp.dir);
    weir_checkpoint_close(&cp, true);
    assert_false(exists(dir));

    /* a failed query keeps its temporary checkpoint (Spark deletes it only on a clean stop) */
    assert_int_equal(weir_checkpoint_open(NULL, &cp, &err), WEIR_OK);
    dir = weir_arena_strdup(&arena, cp.dir);
    weir_checkpoint_close(&cp, false);
    assert_true(exists(path_in(dir, "metadata")));

    /* two temporary checkpoints never collide */
    weir_checkpoint a, b;
    assert_int_equal(weir_checkpoint_open(NULL, &a, &err), WEIR_OK);
    assert_int_equal(weir_checkpoint_open(NULL, &b, &err), WEIR_OK);
    assert_string_not_equal(a.dir, b.dir);
    assert_string_not_equal(a.query_id, b.query_id);
    weir_checkpoint_close(&a, true);
    weir_checkpoint_close(&b, true);
    if (old) {
        setenv("TMPDIR", old, 1);
        free(old);
    } else {
        unsetenv("TMPDIR");
    }
}

/* ---- helpers ------------------------------------------------------------------------------ */

static void test_subdir(void **state)
{
    (void)state;
    weir_checkpoint cp;
    open_cp("cp", &cp);
    weir_error err;
    char *p = weir_checkpoint_subdir(&cp, "sources/1/", &err);
    assert_non_null(p);
    assert_string_equal(p, path_in(cp.dir, "sources/1"));
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    free(p);
    put_file(path_in(cp.dir, "blocker"), "x");
    assert_null(weir_checkpoint_subdir(&cp, "blocker/x", &err));
    assert_int_equal(err.code, WEIR_EIO);
    weir_checkpoint_close(&cp, true);
}

static void test_write_file_atomic(void **state)
{
    (void)state;
    char *p = path_in(base, "f.json");
    weir_error err;
    assert_int_equal(weir_write_file_atomic(p, "first", 5, &err), WEIR_OK);
    assert_string_equal(get_file(p), "first");
    assert_int_equal(weir_write_file_atomic(p, "second!", 7, &err), WEIR_OK);
    assert_string_equal(get_file(p), "second!");
    assert_int_equal(weir_write_file_atomic(p, "", 0, &err), WEIR_OK);
    assert_string_equal(get_file(p), "");
    assert_int_equal(hidden_files(base), 0);
    char *missing = path_in(base, "nodir/f");
    assert_int_equal(weir_write_file_atomic(missing, "x", 1, &err), WEIR_EIO);
    assert_non_null(strstr(err.msg, missing));
    assert_non_null(strstr(err.msg, strerror(ENOENT)));
}

static void test_conf_defaults(void **state)
{
    (void)state;
    assert_int_equal(weir_spark35_offset_nconf, 9);
    assert_string_equal(weir_spark35_offset_conf[8].key, "spark.sql.shuffle.partitions");
    assert_string_equal(
        weir_checkpoint_legacy_conf_default("spark.sql.streaming.aggregation.stateFormatVersion"),
        "1");
    assert_string_equal(weir_checkpoint_legacy_conf_default(
                            "spark.sql.streaming.statefulOperator.useStrictDistribution"),
                        "false");
    assert_null(weir_checkpoint_legacy_conf_default("spark.sql.shuffle.partitions"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_metadata_created_and_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_written_by_spark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_spark_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_round_trip_void_and_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_read_spark_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_no_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offsets_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_temporary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subdir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_file_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_defaults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
