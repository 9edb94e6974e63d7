/*
 * The JSON side of the formats layer (src/formats) and the JSON SQL functions
 * (exec/func_json.c). Expected values follow Spark 3.5: JacksonParser's conversion rules,
 * FailureSafeParser's parse modes and messages, JsonInferSchema, JacksonGenerator's
 * output (to_json / json sink), GetJsonObject and SchemaOfJson, as read from Spark's code
 * and its JsonSuite / JsonExpressionsSuite / JsonFunctionsSuite.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/formats.h"
#include "plan/expr.h"

extern const weir_func weir_funcs_json[];

static weir_arena A;
static const weir_tz *SEOUL, *UTC;

static int setup(void **state)
{
    weir_arena_init(&A, 0);
    SEOUL = weir_tz_get("Asia/Seoul", NULL);
    UTC = weir_tz_get("UTC", NULL);
    return 0;
}

static int teardown(void **state)
{
    weir_arena_free(&A);
    return 0;
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* st(n, "a", T, "b", T, ...) */
static const weir_type *st(int n, ...)
{
    weir_field f[32];
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

static const weir_type *emp_schema(void)
{
    return st(4, "emp_id", WEIR_TYPE_INT, "emp_name", WEIR_TYPE_STRING, "timestamp",
              WEIR_TYPE_TIMESTAMP, "time", WEIR_TYPE_STRING);
}

/* Reads all of data into one batch (asserts a single batch). */
static int read_all(const weir_type *schema, const bool *want, const weir_kv *opts, int nopts,
                    const weir_tz *tz, const char *data, weir_batch **out, weir_error *err)
{
    weir_reader *r;
    int rc = weir_reader_open(weir_format_lookup("json"), schema, want, opts, nopts, tz, &r, err);
    if (rc) return rc;
    weir_reader_set_input(r, data, strlen(data));
    weir_batch *b = NULL, *next = NULL;
    rc = weir_reader_next(r, &A, &b, err);
    if (!rc && b) {
        rc = weir_reader_next(r, &A, &next, err);
        assert_null(next);
    }
    weir_reader_close(r);
    *out = b;
    return rc;
}

static weir_batch *read_ok(const weir_type *schema, const bool *want, const weir_kv *opts,
                           int nopts, const char *data)
{
    weir_error err = {0};
    weir_batch *b = NULL;
    int rc = read_all(schema, want, opts, nopts, SEOUL, data, &b, &err);
    if (rc) fail_msg("read failed: %s", err.msg);
    if (!b) {
        b = weir_batch_new(&A, 0);
        b->nrows = 0;
    }
    return b;
}

static bool isnull(const weir_vec *v, int32_t r)
{
    return weir_vec_is_null(v, r);
}

static void assert_str(const weir_vec *v, int32_t r, const char *want)
{
    assert_false(isnull(v, r));
    int32_t n;
    const char *s = weir_vec_str(v, r, &n);
    if ((size_t)n != strlen(want) || memcmp(s, want, (size_t)n) != 0)
        fail_msg("row %d: got '%.*s' want '%s'", r, n, s, want);
}

static int32_t I32(const weir_vec *v, int32_t r)
{
    assert_false(isnull(v, r));
    return WEIR_VEC_DATA(v, int32_t)[r];
}

static int64_t I64(const weir_vec *v, int32_t r)
{
    assert_false(isnull(v, r));
    return WEIR_VEC_DATA(v, int64_t)[r];
}

static double DBL(const weir_vec *v, int32_t r)
{
    assert_false(isnull(v, r));
    return WEIR_VEC_DATA(v, double)[r];
}

/* ---- reader: the seed's record ---------------------------------------------------------- */

static void test_read_basic(void **state)
{
    const char *data =
        "{\"emp_id\":3,\"emp_name\":\"name_3\",\"timestamp\":\"2016-03-20 12:20:00\",\"time\":"
        "\"2016-03-20 12:20:00\"}\n"
        "{\"time\":\"t\",\"emp_id\":-7,\"emp_name\":\"x\"}\r\n"
        "\n"
        "   \n"
        "{\"emp_name\":\"dup\",\"emp_name\":\"last\",\"extra\":[1,{\"a\":2}],\"emp_id\":1}";
    weir_batch *b = read_ok(emp_schema(), NULL, NULL, 0, data);
    assert_int_equal(b->nrows, 3);
    assert_int_equal(b->ncols, 4);
    assert_int_equal(I32(b->cols[0], 0), 3);
    assert_str(b->cols[1], 0, "name_3");
    /* 12:20 in Asia/Seoul is 03:20 UTC */
    assert_int_equal(I64(b->cols[2], 0), INT64_C(1458444000) * 1000000);
    assert_str(b->cols[3], 0, "2016-03-20 12:20:00");
    assert_int_equal(I32(b->cols[0], 1), -7);
    assert_true(isnull(b->cols[2], 1));
    assert_str(b->cols[3], 1, "t");
    /* duplicate keys: the last one wins; unknown keys are skipped */
    assert_str(b->cols[1], 2, "last");
    assert_int_equal(I32(b->cols[0], 2), 1);
    assert_true(isnull(b->cols[3], 2));
}

static void test_read_many_batches(void **state)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    for (int i = 0; i < 5000; i++)
        weir_sb_printf(&sb,
                       "{\"emp_id\":%d,\"emp_name\":\"name_%d\",\"timestamp\":\"2016-03-20 "
                       "12:20:00\",\"time\":\"2016-03-20 12:20:00\"}\n",
                       i, i);
    weir_error err = {0};
    weir_reader *r;
    assert_int_equal(
        weir_reader_open(weir_format_lookup("JSON"), emp_schema(), NULL, NULL, 0, SEOUL, &r, &err),
        0);
    weir_reader_set_input(r, sb.p, sb.len);
    weir_batch *b;
    int total = 0, batches = 0;
    for (;;) {
        assert_int_equal(weir_reader_next(r, &A, &b, &err), 0);
        if (!b) break;
        assert_true(b->nrows <= WEIR_BATCH_ROWS);
        for (int32_t i = 0; i < b->nrows; i++)
            assert_int_equal(I32(b->cols[0], i), total + i);
        char want[32];
        snprintf(want, sizeof(want), "name_%d", total + b->nrows - 1);
        assert_str(b->cols[1], b->nrows - 1, want);
        total += b->nrows;
        batches++;
    }
    assert_int_equal(total, 5000);
    assert_int_equal(batches, 2);
    weir_reader_close(r);
    weir_sb_free(&sb);
}

/* ---- reader: conversions (JacksonParser.makeConverter) ------------------------------------ */

static void test_read_conversions(void **state)
{
    const weir_type *s = st(7, "i", WEIR_TYPE_INT, "l", WEIR_TYPE_BIGINT, "d", WEIR_TYPE_DOUBLE,
                            "s", WEIR_TYPE_STRING, "b", WEIR_TYPE_BOOLEAN, "t", WEIR_TYPE_TIMESTAMP,
                            "_corrupt_record", WEIR_TYPE_STRING);
    const char *data =
        /* 0: all fine */
        "{\"i\":1,\"l\":9223372036854775807,\"d\":1.5,\"s\":\"x\",\"b\":true,\"t\":0}\n"
        /* 1: numbers into STRING keep Jackson's text; ints into DOUBLE */
        "{\"d\":3,\"s\":1.50}\n"
        /* 2: INT from a string is a conversion failure: the others are kept (partial) */
        "{\"i\":\"5\",\"l\":7}\n"
        /* 3: INT overflow and a float for INT */
        "{\"i\":2147483648}\n"
        "{\"i\":1.0}\n"
        /* 5: NaN / Infinity strings into DOUBLE; nested values into STRING as compact JSON */
        "{\"d\":\"NaN\",\"s\":{\"x\": [1, 2.0, \"a\\u0041\"],  \"y\":null}}\n"
        "{\"d\":\"-Infinity\",\"s\":true}\n"
        /* 7: boolean from a string fails, empty string for a timestamp fails */
        "{\"b\":\"true\"}\n"
        "{\"t\":\"\"}\n"
        /* 9: unquoted NaN, timestamp with zone */
        "{\"d\":NaN,\"t\":\"2016-03-20T12:20:00Z\"}\n";
    weir_batch *b = read_ok(s, NULL, NULL, 0, data);
    assert_int_equal(b->nrows, 10);
    weir_vec *I = b->cols[0], *L = b->cols[1], *D = b->cols[2], *S = b->cols[3], *B = b->cols[4],
             *T = b->cols[5], *C = b->cols[6];
    assert_int_equal(I32(I, 0), 1);
    assert_true(I64(L, 0) == INT64_MAX);
    assert_true(DBL(D, 0) == 1.5);
    assert_true(WEIR_VEC_DATA(B, uint8_t)[0] == 1);
    assert_int_equal(I64(T, 0), 0);
    assert_true(isnull(C, 0));

    assert_true(DBL(D, 1) == 3.0);
    assert_str(S, 1, "1.5");
    assert_true(isnull(C, 1));

    assert_true(isnull(I, 2));
    assert_int_equal(I64(L, 2), 7);
    assert_str(C, 2, "{\"i\":\"5\",\"l\":7}");

    assert_true(isnull(I, 3));
    assert_str(C, 3, "{\"i\":2147483648}");
    assert_true(isnull(I, 4));
    assert_false(isnull(C, 4));

    assert_true(isnan(DBL(D, 5)));
    assert_str(S, 5, "{\"x\":[1,2.0,\"aA\"],\"y\":null}");
    assert_true(isnull(C, 5));
    assert_true(DBL(D, 6) == -INFINITY);
    assert_str(S, 6, "true");

    assert_true(isnull(B, 7));
    assert_str(C, 7, "{\"b\":\"true\"}");
    assert_true(isnull(T, 8));
    assert_false(isnull(C, 8));

    assert_true(isnan(DBL(D, 9)));
    assert_int_equal(I64(T, 9), INT64_C(1458476400) * 1000000);
    assert_true(isnull(C, 9));
}

static void test_read_decimal_date_types(void **state)
{
    const weir_type *s = st(4, "dec", weir_type_decimal(&A, 5, 2), "dt", WEIR_TYPE_DATE, "sm",
                            WEIR_TYPE_SMALLINT, "f", WEIR_TYPE_FLOAT);
    const char *data = "{\"dec\":1.005,\"dt\":\"2016-03-20\",\"sm\":-32768,\"f\":0.1}\n"
                       "{\"dec\":\"1,000.5\",\"dt\":\"x\",\"sm\":32768}\n"
                       "{\"dec\":123456}\n";
    weir_batch *b = read_ok(s, NULL, NULL, 0, data);
    assert_int_equal(b->nrows, 3);
    __int128 d;
    memcpy(&d, b->cols[0]->data, 16);
    assert_true(d == 101); /* 1.005 rounded HALF_UP to 1.01 */
    assert_int_equal(WEIR_VEC_DATA(b->cols[1], int32_t)[0], 16880);
    assert_int_equal(WEIR_VEC_DATA(b->cols[2], int16_t)[0], -32768);
    assert_true(WEIR_VEC_DATA(b->cols[3], float)[0] == 0.1f);
    memcpy(&d, (char *)b->cols[0]->data + 16, 16);
    assert_true(isnull(b->cols[0], 1) || d == 100050); /* "1,000.5": precision 6 > 5 */
    assert_true(isnull(b->cols[0], 1));
    assert_true(isnull(b->cols[1], 1));
    assert_true(isnull(b->cols[2], 1));
    assert_true(isnull(b->cols[0], 2)); /* 123456.00 does not fit DECIMAL(5,2) */
}

static void test_read_unicode(void **state)
{
    const weir_type *s = st(1, "s", WEIR_TYPE_STRING);
    const char *data = "{\"s\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\\t\"}\n"
                       "{\"s\":\"lone \\ud800!\"}\n"
                       "{'s':'single \\'quoted\\''}\n"
                       "{\"s\":\"r\u00e9el\"}\n";
    weir_batch *b = read_ok(s, NULL, NULL, 0, data);
    assert_int_equal(b->nrows, 4);
    assert_str(b->cols[0], 0, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \n\t");
    assert_str(b->cols[0], 1, "lone ?!");
    assert_str(b->cols[0], 2, "single 'quoted'");
    assert_str(b->cols[0], 3,
               "r\xc3\xa9"
               "el");
}

static void test_read_nested(void **state)
{
    const weir_type *inner = st(2, "x", WEIR_TYPE_BIGINT, "y", weir_type_array(&A, WEIR_TYPE_INT));
    const weir_type *s =
        st(3, "s", inner, "m", weir_type_map(&A, WEIR_TYPE_STRING, WEIR_TYPE_DOUBLE), "a",
           weir_type_array(&A, st(1, "k", WEIR_TYPE_STRING)));
    const char *data = "{\"s\":{\"y\":[1,null,3],\"x\":10},\"m\":{\"p\":1,\"q\":null},"
                       "\"a\":[{\"k\":\"v1\"},null,{\"z\":0}]}\n"
                       "{\"s\":{\"x\":\"bad\",\"y\":[4]},\"m\":{},\"a\":[]}\n"
                       "{\"s\":{\"y\":[1,\"x\"]},\"a\":{\"k\":\"v\"}}\n"
                       "{\"s\":null,\"m\":{\"a\":1,\"b\":\"x\"}}\n"
                       "{\"s\":{\"y\":[7,8]},\"m\":{\"c\":2}}\n";
    weir_batch *b = read_ok(s, NULL, NULL, 0, data);
    assert_int_equal(b->nrows, 5);
    weir_vec *S = b->cols[0], *M = b->cols[1], *Ar = b->cols[2];
    weir_vec *X = S->child[0], *Y = S->child[1];
    assert_false(isnull(S, 0));
    assert_int_equal(I64(X, 0), 10);
    assert_int_equal(Y->offsets[0], 0);
    assert_int_equal(Y->offsets[1], 3);
    assert_int_equal(I32(Y->child[0], 0), 1);
    assert_true(isnull(Y->child[0], 1));
    assert_int_equal(I32(Y->child[0], 2), 3);
    assert_int_equal(M->offsets[1], 2);
    assert_str(M->child[0], 0, "p");
    assert_true(DBL(M->child[1], 0) == 1.0);
    assert_str(M->child[0], 1, "q");
    assert_true(isnull(M->child[1], 1));
    assert_int_equal(Ar->offsets[1], 3);
    assert_str(Ar->child[0]->child[0], 0, "v1");
    assert_true(isnull(Ar->child[0], 1));
    assert_true(isnull(Ar->child[0]->child[0], 2));
    /* row 1: a bad nested field is NULL, its sibling kept (partial results) */
    assert_false(isnull(S, 1));
    assert_true(isnull(X, 1));
    assert_int_equal(Y->offsets[2] - Y->offsets[1], 1);
    assert_int_equal(M->offsets[2] - M->offsets[1], 0);
    assert_int_equal(Ar->offsets[2] - Ar->offsets[1], 0);
    /* row 2: a bad element voids the array; an object for an array field is NULL */
    assert_false(isnull(S, 2));
    assert_true(isnull(Y, 2));
    assert_true(isnull(Ar, 2));
    assert_true(isnull(S, 3));
    assert_true(isnull(M, 3)); /* a bad map value voids the map */
    /* the failed values left nothing behind in the element vectors */
    assert_int_equal(Y->offsets[5] - Y->offsets[4], 2);
    assert_int_equal(I32(Y->child[0], Y->offsets[4]), 7);
    assert_int_equal(Y->child[0]->len, Y->offsets[5]);
    assert_int_equal(M->offsets[5] - M->offsets[4], 1);
    assert_str(M->child[0], M->offsets[4], "c");
    assert_int_equal(M->child[0]->len, M->offsets[5]);
    assert_int_equal(M->child[1]->len, M->offsets[5]);
}

/* ---- reader: parse modes (FailureSafeParser) ---------------------------------------------- */

static const char *modes_data = "{\"a\":1,\"b\":\"x\"}\n"
                                "{\"a\":2,\"b\":\n"
                                "{\"a\":\"three\",\"b\":\"y\"}\n"
                                "[1,2]\n"
                                "{\"a\":4}\n";

static void test_mode_permissive(void **state)
{
    const weir_type *s =
        st(3, "a", WEIR_TYPE_INT, "b", WEIR_TYPE_STRING, "_corrupt_record", WEIR_TYPE_STRING);
    weir_batch *b = read_ok(s, NULL, NULL, 0, modes_data);
    assert_int_equal(b->nrows, 5);
    assert_int_equal(I32(b->cols[0], 0), 1);
    assert_true(isnull(b->cols[2], 0));
    /* syntax error: every field NULL, the line in _corrupt_record */
    assert_true(isnull(b->cols[0], 1));
    assert_true(isnull(b->cols[1], 1));
    assert_str(b->cols[2], 1, "{\"a\":2,\"b\":");
    /* conversion failure: partial row */
    assert_true(isnull(b->cols[0], 2));
    assert_str(b->cols[1], 2, "y");
    assert_str(b->cols[2], 2, "{\"a\":\"three\",\"b\":\"y\"}");
    /* an array of non-objects is a bad record */
    assert_true(isnull(b->cols[0], 3));
    assert_str(b->cols[2], 3, "[1,2]");
    assert_int_equal(I32(b->cols[0], 4), 4);
    assert_true(isnull(b->cols[1], 4));

    /* without the corrupt column the bad rows are all-NULL (or partial) rows */
    const weir_type *s2 = st(2, "a", WEIR_TYPE_INT, "b", WEIR_TYPE_STRING);
    b = read_ok(s2, NULL, NULL, 0, modes_data);
    assert_int_equal(b->nrows, 5);
    assert_str(b->cols[1], 2, "y");

    /* an unknown mode falls back to PERMISSIVE; a renamed corrupt column */
    weir_kv o[] = {{"MODE", "whatever"}, {"columnNameOfCorruptRecord", "bad"}};
    const weir_type *s3 = st(3, "a", WEIR_TYPE_INT, "bad", WEIR_TYPE_STRING, "b", WEIR_TYPE_STRING);
    b = read_ok(s3, NULL, o, 2, modes_data);
    assert_int_equal(b->nrows, 5);
    assert_str(b->cols[1], 1, "{\"a\":2,\"b\":");
}

static void test_mode_dropmalformed(void **state)
{
    const weir_type *s =
        st(3, "a", WEIR_TYPE_INT, "b", WEIR_TYPE_STRING, "_corrupt_record", WEIR_TYPE_STRING);
    weir_kv o[] = {{"mode", "dropMalformed"}};
    weir_batch *b = read_ok(s, NULL, o, 1, modes_data);
    assert_int_equal(b->nrows, 2);
    assert_int_equal(I32(b->cols[0], 0), 1);
    assert_int_equal(I32(b->cols[0], 1), 4);
    assert_true(isnull(b->cols[2], 1));
}

static void test_mode_failfast(void **state)
{
    const weir_type *s = st(2, "a", WEIR_TYPE_INT, "b", WEIR_TYPE_STRING);
    weir_kv o[] = {{"mode", "FAILFAST"}};
    weir_error err = {0};
    weir_batch *b;
    int rc = read_all(s, NULL, o, 1, UTC, modes_data, &b, &err);
    assert_int_equal(rc, WEIR_ERUNTIME);
    assert_string_equal(err.msg,
                        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are "
                        "detected in record parsing: [null,null].\nParse Mode: FAILFAST. To "
                        "process malformed records as null result, try setting the option 'mode' "
                        "as 'PERMISSIVE'. ");
    /* a partial row shows its parsed values and the record in the corrupt column */
    const weir_type *s2 =
        st(3, "a", WEIR_TYPE_INT, "b", WEIR_TYPE_STRING, "_corrupt_record", WEIR_TYPE_STRING);
    rc = read_all(s2, NULL, o, 1, UTC, "{\"a\":\"three\",\"b\":\"y\"}\n", &b, &err);
    assert_int_equal(rc, WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "record parsing: [null,y,{\"a\":\"three\",\"b\":\"y\"}].\n"));
}

static void test_projection(void **state)
{
    /* only emp_name and time are wanted: emp_id's bad value does not make the record bad */
    bool want[] = {false, true, false, true, true};
    const weir_type *s =
        st(5, "emp_id", WEIR_TYPE_INT, "emp_name", WEIR_TYPE_STRING, "timestamp",
           WEIR_TYPE_TIMESTAMP, "time", WEIR_TYPE_STRING, "_corrupt_record", WEIR_TYPE_STRING);
    const char *data =
        "{\"emp_id\":\"x\",\"emp_name\":\"n\",\"timestamp\":{\"deep\":[1]},\"time\":\"t\"}\n"
        "{\"emp_id\":1,\"emp_name\":\"m\",\"timestamp\":[1,}\n";
    weir_batch *b = read_ok(s, want, NULL, 0, data);
    assert_int_equal(b->ncols, 3);
    assert_int_equal(b->nrows, 2);
    assert_str(b->cols[0], 0, "n");
    assert_str(b->cols[1], 0, "t");
    assert_true(isnull(b->cols[2], 0));
    /* a syntax error inside a skipped field still makes the record malformed */
    assert_true(isnull(b->cols[0], 1));
    assert_str(b->cols[2], 1, "{\"emp_id\":1,\"emp_name\":\"m\",\"timestamp\":[1,}");

    /* no column wanted at all (count(*)): rows are still counted */
    bool none[] = {false, false, false, false, false};
    b = read_ok(s, none, NULL, 0, "{}\n{\"a\":1}\n\n{}\n");
    assert_int_equal(b->ncols, 0);
    assert_int_equal(b->nrows, 3);
}

static void test_read_root_array_multiline(void **state)
{
    const weir_type *s = st(1, "a", WEIR_TYPE_BIGINT);
    weir_batch *b = read_ok(s, NULL, NULL, 0, "[{\"a\":1},{\"a\":2}]\n[]\n{\"a\":3}\n");
    assert_int_equal(b->nrows, 3);
    assert_int_equal(I64(b->cols[0], 1), 2);
    assert_int_equal(I64(b->cols[0], 2), 3);
    weir_kv o[] = {{"multiLine", "true"}};
    b = read_ok(s, NULL, o, 1, "[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n");
    assert_int_equal(b->nrows, 2);
    assert_int_equal(I64(b->cols[0], 0), 1);
}

static void test_reader_options_and_errors(void **state)
{
    weir_error err = {0};
    const weir_format *f = weir_format_lookup("json");
    assert_non_null(f);
    assert_null(weir_format_lookup("parquet"));
    weir_kv bad[] = {{"multiLine", "yes"}};
    assert_int_equal(weir_format_check_options(f, bad, 1, &err), WEIR_EARG);
    assert_string_equal(err.msg, "For input string: \"yes\"");
    weir_kv ok[] = {{"mode", "bogus"}};
    assert_int_equal(weir_format_check_options(f, ok, 1, &err), 0);
    /* the corrupt column must be a STRING */
    weir_reader *r;
    const weir_type *s = st(2, "a", WEIR_TYPE_INT, "_corrupt_record", WEIR_TYPE_INT);
    assert_int_equal(weir_reader_open(f, s, NULL, NULL, 0, UTC, &r, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "The field for corrupt records must be string type and nullable");
    /* allowSingleQuotes=false makes single quotes a syntax error */
    weir_kv sq[] = {{"allowSingleQuotes", "false"}};
    weir_batch *b = read_ok(st(1, "a", WEIR_TYPE_STRING), NULL, sq, 1, "{'a':'x'}\n");
    assert_int_equal(b->nrows, 1);
    assert_true(isnull(b->cols[0], 0));
    /* leading zeros are malformed by default; trailing garbage after the object is ignored */
    b = read_ok(st(2, "a", WEIR_TYPE_INT, "_corrupt_record", WEIR_TYPE_STRING), NULL, NULL, 0,
                "{\"a\":01}\n{\"a\":1} trailing\n");
    assert_true(isnull(b->cols[0], 0));
    assert_int_equal(I32(b->cols[0], 1), 1);
    assert_true(isnull(b->cols[1], 1));
}

/* ---- inference (JsonInferSchema) -------------------------------------------------------- */

static const char *tsql(const weir_type *t)
{
    static char buf[512];
    return weir_type_name(t, buf, sizeof(buf));
}

static const char *infer(const char *data, const weir_kv *o, int n)
{
    const weir_type *t;
    weir_error err = {0};
    int rc = weir_format_infer_buffer(weir_format_lookup("json"), data, strlen(data), o, n, UTC, &A,
                                      &t, &err);
    if (rc) return weir_arena_sprintf(&A, "error: %s", err.msg);
    return tsql(t);
}

static void test_infer(void **state)
{
    assert_string_equal(infer("{\"emp_id\":3,\"emp_name\":\"name_3\",\"timestamp\":\"2016-03-20 "
                              "12:20:00\",\"time\":\"2016-03-20 12:20:00\"}\n",
                              NULL, 0),
                        "struct<emp_id:bigint,emp_name:string,time:string,timestamp:string>");
    /* widening: BIGINT+DOUBLE -> DOUBLE, anything+STRING -> STRING, null-only -> STRING */
    assert_string_equal(infer("{\"b\":1,\"a\":\"x\",\"n\":null}\n{\"b\":2.5,\"a\":{\"z\":1}}\n"
                              "{\"c\":true,\"e\":\"\"}\n",
                              NULL, 0),
                        "struct<a:string,b:double,c:boolean,e:string,n:string>");
    /* structs merge field by field; arrays merge element types; empty arrays -> STRING */
    assert_string_equal(infer("{\"s\":{\"y\":1},\"arr\":[1,2],\"e\":[]}\n"
                              "{\"s\":{\"x\":\"a\"},\"arr\":[1.5]}\n",
                              NULL, 0),
                        "struct<arr:array<double>,e:array<string>,s:struct<x:string,y:bigint>>");
    /* integers beyond 64 bits are DECIMAL; empty structs are dropped */
    assert_string_equal(infer("{\"big\":12345678901234567890,\"empty\":{}}\n", NULL, 0),
                        "struct<big:decimal(20,0)>");
    assert_string_equal(infer("{\"big\":12345678901234567890}\n{\"big\":1}\n", NULL, 0),
                        "struct<big:decimal(20,0)>");
    assert_string_equal(infer("{\"x\":1}\n{\"x\":false}\n", NULL, 0), "struct<x:string>");
    /* malformed lines and non-object roots add the corrupt column (PERMISSIVE) */
    assert_string_equal(infer("{\"a\":1}\n{\"a\":\n5\n", NULL, 0),
                        "struct<_corrupt_record:string,a:bigint>");
    weir_kv drop[] = {{"mode", "DROPMALFORMED"}};
    assert_string_equal(infer("{\"a\":1}\n{\"a\":\n5\n", drop, 1), "struct<a:bigint>");
    weir_kv ff[] = {{"mode", "FAILFAST"}};
    assert_non_null(strstr(infer("{\"a\":1}\n{\"a\":\n", ff, 1),
                           "error: [MALFORMED_RECORD_IN_SCHEMA_INFERENCE]"));
    /* root arrays contribute their elements; prefersDecimal; primitivesAsString */
    assert_string_equal(infer("[{\"a\":1},{\"b\":2}]\n", NULL, 0), "struct<a:bigint,b:bigint>");
    weir_kv pd[] = {{"prefersDecimal", "true"}};
    assert_string_equal(infer("{\"a\":1.25}\n{\"a\":10.5}\n", pd, 1), "struct<a:decimal(4,2)>");
    weir_kv ps[] = {{"primitivesAsString", "true"}};
    assert_string_equal(infer("{\"a\":1,\"b\":[true]}\n", ps, 1),
                        "struct<a:string,b:array<string>>");
    assert_string_equal(infer("", NULL, 0), "struct<>");
}

/* ---- writer (JacksonGenerator) ------------------------------------------------------------ */

static void test_write(void **state)
{
    const weir_type *inner = st(2, "x", WEIR_TYPE_INT, "y", WEIR_TYPE_STRING);
    const weir_type *s = st(9, "i", WEIR_TYPE_INT, "s", WEIR_TYPE_STRING, "n", WEIR_TYPE_STRING,
                            "d", WEIR_TYPE_DOUBLE, "t", WEIR_TYPE_TIMESTAMP, "dt", WEIR_TYPE_DATE,
                            "a", weir_type_array(&A, WEIR_TYPE_BIGINT), "m",
                            weir_type_map(&A, WEIR_TYPE_STRING, WEIR_TYPE_BOOLEAN), "st", inner);
    /* build the rows by reading JSON (the reader is tested above) */
    const char *data =
        "{\"i\":1,\"s\":\"q\\\"b\\\\s\\n\\u0001\\u00e9/\",\"d\":1.0,\"t\":\"2016-03-20 12:20:00\","
        "\"dt\":\"2016-03-20\",\"a\":[1,null],\"m\":{\"k\":true,\"z\":null},\"st\":{\"x\":2}}\n"
        "{\"d\":1e20}\n"
        "{\"d\":\"NaN\",\"t\":\"2016-03-20 12:20:00.123456\"}\n";
    weir_batch *b = read_ok(s, NULL, NULL, 0, data);
    weir_json_wopts o = {.tz = SEOUL, .ignore_null_fields = true};
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_json_write_batch_row(b, s, 0, &o, &sb);
    assert_string_equal(sb.p, "{\"i\":1,\"s\":\"q\\\"b\\\\s\\n\\u0001\xc3\xa9/\",\"d\":1.0,"
                              "\"t\":\"2016-03-20T12:20:00.000+09:00\",\"dt\":\"2016-03-20\","
                              "\"a\":[1,null],\"m\":{\"k\":true,\"z\":null},\"st\":{\"x\":2}}");
    weir_sb_reset(&sb);
    weir_json_write_batch_row(b, s, 1, &o, &sb);
    assert_string_equal(sb.p, "{\"d\":1.0E20}");
    weir_sb_reset(&sb);
    o.tz = UTC;
    weir_json_write_batch_row(b, s, 2, &o, &sb);
    assert_string_equal(sb.p, "{\"d\":\"NaN\",\"t\":\"2016-03-20T03:20:00.123Z\"}");
    weir_sb_reset(&sb);
    o.ignore_null_fields = false;
    weir_json_write_batch_row(b, s, 1, &o, &sb);
    assert_string_equal(sb.p, "{\"i\":null,\"s\":null,\"n\":null,\"d\":1.0E20,\"t\":null,"
                              "\"dt\":null,\"a\":null,\"m\":null,\"st\":null}");
    weir_sb_reset(&sb);
    /* single vectors: a struct row, an array row */
    o.ignore_null_fields = true;
    weir_json_write_row(b->cols[8], 0, &o, &sb);
    assert_string_equal(sb.p, "{\"x\":2}");
    weir_sb_reset(&sb);
    weir_json_write_row(b->cols[6], 0, &o, &sb);
    assert_string_equal(sb.p, "[1,null]");

    /* the json sink: one object per line */
    weir_writer *w;
    weir_error err = {0};
    const weir_type *s2 = st(2, "a", WEIR_TYPE_BIGINT, "b", WEIR_TYPE_STRING);
    weir_batch *b2 = read_ok(s2, NULL, NULL, 0, "{\"a\":1,\"b\":\"x\"}\n{\"b\":\"y\"}\n");
    assert_int_equal(weir_writer_open(weir_format_lookup("json"), s2, NULL, 0, UTC, &w, &err), 0);
    weir_sb_reset(&sb);
    weir_writer_begin(w, &sb);
    assert_int_equal(weir_writer_write(w, b2, &sb, &err), 0);
    assert_string_equal(sb.p, "{\"a\":1,\"b\":\"x\"}\n{\"b\":\"y\"}\n");
    weir_writer_close(w);
    weir_sb_free(&sb);
}

/* ---- get_json_object / schema_of_json -----------------------------------------------------------
 */

static const char *gjo(const char *json, const char *path)
{
    static weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_arena scratch;
    weir_arena_init(&scratch, 0);
    weir_json_path *p = weir_json_path_compile(path, strlen(path), &A);
    bool ok = weir_json_path_eval(p, json, strlen(json), &scratch, &sb);
    weir_arena_free(&scratch);
    return ok ? weir_arena_strndup(&A, sb.p ? sb.p : "", sb.len) : "<null>";
}

static void test_get_json_object(void **state)
{
    assert_string_equal(gjo("{\"a\":\"b\"}", "$.a"), "b");
    assert_string_equal(gjo("{\"a\":\"b\"}", "$['a']"), "b");
    assert_string_equal(gjo("{\"a\":\"b\"}", "$"), "{\"a\":\"b\"}");
    assert_string_equal(gjo("{\"a\":{\"b\":[1, 2, 3]}}", "$.a.b"), "[1,2,3]");
    assert_string_equal(gjo("{\"a\":{\"b\":[1, 2, 3]}}", "$.a.b[1]"), "2");
    assert_string_equal(gjo("{\"a\":{\"b\":[1, 2, 3]}}", "$.a.b[*]"), "[1,2,3]");
    assert_string_equal(gjo("{\"a\":{\"b\":[1, 2, 3]}}", "$.a.b[5]"), "<null>");
    assert_string_equal(gjo("[{\"a\":1},{\"a\":2}]", "$[*].a"), "[1,2]");
    assert_string_equal(gjo("[{\"a\":1},{\"b\":2}]", "$[*].a"), "1");
    assert_string_equal(gjo("{\"a\":[\"x\",\"y\"]}", "$.a[0]"), "x");
    assert_string_equal(gjo("{\"a\":[\"x\",\"y\"]}", "$.a[*]"), "[\"x\",\"y\"]");
    assert_string_equal(gjo("{\"a\":[[1,2],[3]]}", "$.a[*][*]"), "[1,2,3]");
    assert_string_equal(gjo("{\"a\":null}", "$.a"), "<null>");
    assert_string_equal(gjo("{\"a\":1.50}", "$.a"), "1.5");
    assert_string_equal(gjo("{\"a\":\"b\"}", "a"), "<null>");
    assert_string_equal(gjo("{\"a\":\"b\"}", "$.c"), "<null>");
    assert_string_equal(gjo("{\"a\":", "$.a"), "<null>");
    assert_string_equal(gjo("{'a':1}", "$.a"), "<null>"); /* no single quotes here */
    assert_string_equal(gjo("{\"a\":{\"x\":1},\"a\":{\"b\":2}}", "$.a.b"), "2");
    assert_string_equal(gjo("{\"a b\":\"\\u00e9\"}", "$.a b"), "\xc3\xa9");
}

static void test_schema_of_json(void **state)
{
    const char *ddl;
    weir_error err = {0};
    const char *j = "{\"a\":1,\"b\":[{\"c\":\"x\",\"d e\":null}],\"f\":1.5}";
    assert_int_equal(weir_json_schema_of(j, strlen(j), NULL, 0, &A, &ddl, &err), 0);
    assert_string_equal(ddl,
                        "STRUCT<a: BIGINT, b: ARRAY<STRUCT<c: STRING, `d e`: STRING>>, f: DOUBLE>");
    assert_int_equal(weir_json_schema_of("[1.5]", 5, NULL, 0, &A, &ddl, &err), 0);
    assert_string_equal(ddl, "ARRAY<DOUBLE>");
    assert_int_equal(weir_json_schema_of("{\"a\":", 5, NULL, 0, &A, &ddl, &err), WEIR_ERUNTIME);
}

/* ---- SQL functions through bind + exec
 * ------------------------------------------------------------ */

static const weir_func *fn(const char *name)
{
    for (const weir_func *f = weir_funcs_json; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

static weir_expr *col(int i, const weir_type *t)
{
    weir_expr *e = WEIR_ARENA_NEW(&A, weir_expr);
    e->kind = WEIR_EX_COLUMN;
    e->type = t;
    e->col = i;
    e->nullable = true;
    e->pretty = weir_arena_sprintf(&A, "c%d", i);
    return e;
}

static weir_expr *lit_s(const char *s)
{
    weir_value v = {.type = WEIR_TYPE_STRING};
    v.u.s.p = weir_arena_strdup(&A, s);
    v.u.s.len = (int32_t)strlen(s);
    return weir_expr_literal(&A, &v);
}

static weir_expr *call(const char *name, int n, ...)
{
    weir_expr *e = weir_expr_new(&A, WEIR_EX_CALL, NULL);
    e->fn = fn(name);
    e->fname = name;
    e->nargs = n;
    e->args = WEIR_ARENA_NEWN(&A, weir_expr *, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        e->args[i] = va_arg(ap, weir_expr *);
    va_end(ap);
    return e;
}

static weir_vec *svec(int n, const char *const *s)
{
    weir_vec *v = weir_vec_new(&A, WEIR_TYPE_STRING, n);
    for (int i = 0; i < n; i++) {
        if (s[i])
            weir_vec_append_str(v, s[i], (int32_t)strlen(s[i]));
        else
            weir_vec_append_null(v);
    }
    return v;
}

static int run(weir_expr *e, weir_vec **args, int32_t n, weir_vec **out, weir_error *err)
{
    weir_conf_view conf = {.tz = SEOUL};
    weir_bind_ctx bc = {.arena = &A, .conf = &conf};
    int rc = e->fn->bind(&bc, e, err);
    if (rc) return rc;
    weir_eval_ctx ctx = {.arena = &A, .conf = &conf, .err = err};
    return e->fn->exec(&ctx, e, args, n, out);
}

static void test_from_json(void **state)
{
    weir_error err = {0};
    weir_expr *e = call("from_json", 2, col(0, WEIR_TYPE_STRING),
                        lit_s("emp_id INT, emp_name STRING, timestamp TIMESTAMP, time STRING"));
    const char *in[] = {"{\"emp_id\":3,\"emp_name\":\"name_3\",\"timestamp\":\"2016-03-20 "
                        "12:20:00\",\"time\":\"2016-03-20 12:20:00\"}",
                        NULL,
                        "{\"emp_id\":",
                        "",
                        "[{\"emp_id\":1}]",
                        "{\"emp_id\":\"x\",\"time\":\"t\"}"};
    weir_vec *args[] = {svec(6, in)};
    weir_vec *out;
    assert_int_equal(run(e, args, 6, &out, &err), 0);
    assert_int_equal(e->type->id, WEIR_T_STRUCT);
    assert_int_equal(out->len, 6);
    assert_int_equal(I32(out->child[0], 0), 3);
    assert_str(out->child[1], 0, "name_3");
    assert_int_equal(I64(out->child[2], 0), INT64_C(1458444000) * 1000000);
    assert_true(isnull(out, 1));  /* NULL input -> NULL */
    assert_false(isnull(out, 2)); /* malformed -> a struct of NULLs */
    assert_true(isnull(out->child[0], 2));
    assert_true(isnull(out, 3));  /* blank -> NULL */
    assert_false(isnull(out, 4)); /* array for a struct schema: malformed */
    assert_true(isnull(out->child[0], 4));
    assert_true(isnull(out->child[0], 5)); /* partial result */
    assert_str(out->child[3], 5, "t");
    assert_string_equal(e->fn->pretty(&A, e), "from_json(c0)");

    /* FAILFAST through the options map, DROPMALFORMED rejected */
    weir_value mv = {.type = weir_type_map(&A, WEIR_TYPE_STRING, WEIR_TYPE_STRING)};
    weir_vec *m = weir_vec_new(&A, mv.type, 1);
    weir_vec_append_str(m->child[0], "mode", 4);
    weir_vec_append_str(m->child[1], "FAILFAST", 8);
    m->offsets[1] = 1;
    m->len = 1;
    mv.u.nested.vec = m;
    mv.u.nested.row = 0;
    e = call("from_json", 3, col(0, WEIR_TYPE_STRING), lit_s("a INT"), weir_expr_literal(&A, &mv));
    const char *bad[] = {"{\"a\":1}", "{\"a\":true}"};
    weir_vec *args2[] = {svec(2, bad)};
    assert_int_equal(run(e, args2, 2, &out, &err), WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed "
                                    "records are detected in record parsing: [null]."));
    weir_vec *m2 = weir_vec_new(&A, mv.type, 1);
    weir_vec_append_str(m2->child[0], "mode", 4);
    weir_vec_append_str(m2->child[1], "DROPMALFORMED", 13);
    m2->offsets[1] = 1;
    m2->len = 1;
    mv.u.nested.vec = m2;
    e = call("from_json", 3, col(0, WEIR_TYPE_STRING), lit_s("a INT"), weir_expr_literal(&A, &mv));
    assert_int_equal(run(e, args2, 2, &out, &err), WEIR_EANALYSIS);
    assert_string_equal(err.msg, "from_json() doesn't support the DROPMALFORMED mode. Acceptable "
                                 "modes are PERMISSIVE and FAILFAST.");
    /* the schema must be a string literal */
    e = call("from_json", 2, col(0, WEIR_TYPE_STRING), col(1, WEIR_TYPE_STRING));
    assert_int_equal(run(e, args2, 2, &out, &err), WEIR_EANALYSIS);
    assert_non_null(strstr(err.msg, "[INVALID_SCHEMA.NON_STRING_LITERAL]"));
}

static void test_to_json_and_friends(void **state)
{
    weir_error err = {0};
    /* to_json(from_json(x)) round trip */
    weir_expr *fj =
        call("from_json", 2, col(0, WEIR_TYPE_STRING), lit_s("a INT, b STRING, t TIMESTAMP"));
    const char *in[] = {"{\"b\":\"x\",\"a\":1,\"t\":\"2016-03-20 12:20:00\"}", "{}", NULL};
    weir_vec *args[] = {svec(3, in)};
    weir_vec *st_out;
    assert_int_equal(run(fj, args, 3, &st_out, &err), 0);
    weir_expr *tj = call("to_json", 1, fj);
    weir_vec *targs[] = {st_out};
    weir_vec *out;
    assert_int_equal(run(tj, targs, 3, &out, &err), 0);
    assert_str(out, 0, "{\"a\":1,\"b\":\"x\",\"t\":\"2016-03-20T12:20:00.000+09:00\"}");
    assert_str(out, 1, "{}");
    assert_true(isnull(out, 2));
    weir_expr *bad = call("to_json", 1, col(0, WEIR_TYPE_INT));
    weir_conf_view conf = {.tz = SEOUL};
    weir_bind_ctx bc = {.arena = &A, .conf = &conf};
    assert_int_equal(bad->fn->bind(&bc, bad, &err), WEIR_EANALYSIS);
    assert_non_null(strstr(err.msg, "[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA]"));
    assert_non_null(strstr(err.msg, "Input schema \"INT\" must be a struct, an array or a map."));

    /* get_json_object with a literal path and with a per-row path */
    const char *js[] = {"{\"a\":{\"b\":\"c\"}}", "{\"a\":1}", NULL};
    const char *ps[] = {"$.a.b", "$.a", "$.a"};
    weir_vec *gargs[] = {svec(3, js), svec(3, ps)};
    weir_expr *g = call("get_json_object", 2, col(0, WEIR_TYPE_STRING), lit_s("$.a"));
    assert_int_equal(run(g, gargs, 3, &out, &err), 0);
    assert_str(out, 0, "{\"b\":\"c\"}");
    assert_str(out, 1, "1");
    assert_true(isnull(out, 2));
    g = call("get_json_object", 2, col(0, WEIR_TYPE_STRING), col(1, WEIR_TYPE_STRING));
    assert_int_equal(run(g, gargs, 3, &out, &err), 0);
    assert_str(out, 0, "c");
    assert_str(out, 1, "1");

    weir_expr *sj = call("schema_of_json", 1, lit_s("{\"a\":[1]}"));
    assert_int_equal(run(sj, gargs, 2, &out, &err), 0);
    assert_str(out, 1, "STRUCT<a: ARRAY<BIGINT>>");
    sj = call("schema_of_json", 1, col(0, WEIR_TYPE_STRING));
    assert_int_equal(run(sj, gargs, 2, &out, &err), WEIR_EANALYSIS);
    assert_non_null(strstr(err.msg, "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT]"));
}

/* ---- file listing
 * ------------------------------------------------------------------------------------ */

static void test_list_files(void **state)
{
    char dir[] = "/tmp/weir_fmt_XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *names[] = {"b.json", "a.json", "_SUCCESS", ".hidden", "c.txt"};
    for (int i = 0; i < 5; i++) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
        FILE *f = fopen(p, "w");
        fputs("{}\n", f);
        fclose(f);
    }
    char sub[256];
    snprintf(sub, sizeof(sub), "%s/sub", dir);
    mkdir(sub, 0700);
    const char **files;
    int n;
    weir_error err = {0};
    assert_int_equal(weir_list_files(dir, &A, &files, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_non_null(strstr(files[0], "/a.json"));
    assert_non_null(strstr(files[1], "/b.json"));
    assert_non_null(strstr(files[2], "/c.txt"));
    char pat[256];
    snprintf(pat, sizeof(pat), "%s/*.json", dir);
    assert_int_equal(weir_list_files(pat, &A, &files, &n, &err), 0);
    assert_int_equal(n, 2);
    snprintf(pat, sizeof(pat), "%s/a.json", dir);
    assert_int_equal(weir_list_files(pat, &A, &files, &n, &err), 0);
    assert_int_equal(n, 1);
    snprintf(pat, sizeof(pat), "%s/missing", dir);
    assert_int_equal(weir_list_files(pat, &A, &files, &n, &err), WEIR_EIO);
    char want[300];
    snprintf(want, sizeof(want), "[PATH_NOT_FOUND] Path does not exist: file:%s/missing.", dir);
    assert_string_equal(err.msg, want);
    /* inference over the listed files */
    snprintf(pat, sizeof(pat), "%s/*.json", dir);
    assert_int_equal(weir_list_files(pat, &A, &files, &n, &err), 0);
    const weir_type *t;
    assert_int_equal(
        weir_format_infer(weir_format_lookup("json"), files, n, NULL, 0, UTC, &A, &t, &err), 0);
    assert_string_equal(tsql(t), "struct<>");
    for (int i = 0; i < 5; i++) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
        remove(p);
    }
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_basic),
        cmocka_unit_test(test_read_many_batches),
        cmocka_unit_test(test_read_conversions),
        cmocka_unit_test(test_read_decimal_date_types),
        cmocka_unit_test(test_read_unicode),
        cmocka_unit_test(test_read_nested),
        cmocka_unit_test(test_mode_permissive),
        cmocka_unit_test(test_mode_dropmalformed),
        cmocka_unit_test(test_mode_failfast),
        cmocka_unit_test(test_projection),
        cmocka_unit_test(test_read_root_array_multiline),
        cmocka_unit_test(test_reader_options_and_errors),
        cmocka_unit_test(test_infer),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_get_json_object),
        cmocka_unit_test(test_schema_of_json),
        cmocka_unit_test(test_from_json),
        cmocka_unit_test(test_to_json_and_friends),
        cmocka_unit_test(test_list_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
