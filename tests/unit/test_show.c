/*
 * Unit tests for exec/show.c: Java's number formatting and Dataset.show() byte for byte.
 * The tables are Spark's own expectations (DataFrameShowSuite, DatasetSuite SPARK-25108)
 * with Spark 3.5's "NULL" cells, plus the console output of the seed word-count job.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "exec/show.h"

static weir_arena arena;
static const weir_tz *utc;

static int setup(void **state)
{
    (void)state;
    weir_arena_init(&arena, 0);
    utc = weir_tz_get("UTC", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    weir_arena_free(&arena);
    return 0;
}

/* ---- builders -------------------------------------------------------------------------------- */

static weir_vec *str_col(const weir_type *t, const char *const *v, int n)
{
    weir_vec *o = weir_vec_new(&arena, t, n);
    for (int i = 0; i < n; i++) {
        if (v[i])
            weir_vec_append_str(o, v[i], (int32_t)strlen(v[i]));
        else
            weir_vec_append_null(o);
    }
    return o;
}

static weir_vec *int_col(const int32_t *v, int n)
{
    weir_vec *o = weir_vec_new(&arena, WEIR_TYPE_INT, n);
    for (int i = 0; i < n; i++)
        weir_vec_append_fixed(o, &v[i]);
    return o;
}

static weir_batch *batch_of(int ncols, weir_vec **cols)
{
    weir_batch *b = weir_batch_new(&arena, ncols);
    for (int c = 0; c < ncols; c++)
        b->cols[c] = cols[c];
    b->nrows = ncols ? cols[0]->len : 0;
    return b;
}

/* Runs weir_show over the given batches and compares with `expected`. */
static void expect_show(int ncols, const char *const *names, weir_batch **batches, int nb,
                        int64_t num_rows, int truncate, bool vertical, const char *expected)
{
    weir_result_view r = {ncols, names, (weir_batch *const *)batches, nb};
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_show(&r, num_rows, truncate, vertical, utc, &sb);
    const char *got = sb.p ? sb.p : "";
    if (strcmp(got, expected) != 0) fail_msg("got:\n%s\nexpected:\n%s", got, expected);
    weir_sb_free(&sb);
}

/* The "value" column of DataFrameShowSuite: "1" and twenty-one "1"s. */
static weir_batch *long_string_batch(void)
{
    const char *v[] = {"1", "111111111111111111111"};
    weir_vec *c = str_col(WEIR_TYPE_STRING, v, 2);
    return batch_of(1, &c);
}

/* testData: key INT, value STRING with rows (1, "1"), (2, "2"), ... */
static weir_batch *test_data(int n)
{
    int32_t k[100];
    const char *s[100];
    static char bufs[100][12];
    for (int i = 0; i < n; i++) {
        k[i] = i + 1;
        snprintf(bufs[i], sizeof bufs[i], "%d", i + 1);
        s[i] = bufs[i];
    }
    weir_vec *cols[2] = {int_col(k, n), str_col(WEIR_TYPE_STRING, s, n)};
    return batch_of(2, cols);
}

static const char *const value_name[] = {"value"};
static const char *const kv_names[] = {"key", "value"};

/* ---- number formatting ------------------------------------------------------------------------
 */

static void check_double(double d, const char *exp)
{
    char buf[40];
    weir_format_double(d, buf);
    if (strcmp(buf, exp) != 0) fail_msg("Double.toString: got %s, expected %s", buf, exp);
}

static void check_float(float f, const char *exp)
{
    char buf[40];
    weir_format_float(f, buf);
    if (strcmp(buf, exp) != 0) fail_msg("Float.toString: got %s, expected %s", buf, exp);
}

static void test_java_double(void **state)
{
    (void)state;
    check_double(0.1, "0.1");
    check_double(1e7, "1.0E7");
    check_double(123456789.0, "1.23456789E8");
    check_double(1e-4, "1.0E-4");
    check_double(100.0, "100.0");
    check_double(1.0 / 3.0, "0.3333333333333333");
    check_double(0.001, "0.001");
    check_double(1234567.0, "1234567.0");
    check_double(9999999.999, "9999999.999");
    check_double(-1.0, "-1.0");
    check_double(-1e10, "-1.0E10");
    check_double(1.234e-5, "1.234E-5");
    check_double(0.0, "0.0");
    check_double(-0.0, "-0.0");
    check_double(NAN, "NaN");
    check_double(INFINITY, "Infinity");
    check_double(-INFINITY, "-Infinity");
    check_double(4.9e-324, "4.9E-324");
    check_double(1.7976931348623157e308, "1.7976931348623157E308");
    check_double(2.2250738585072014e-308, "2.2250738585072014E-308");
    check_double(0.30000000000000004, "0.30000000000000004");
    check_double(1e23, "1.0E23");
    check_double(12.5, "12.5");
    check_double(9.99e-4, "9.99E-4");
}

static void test_java_float(void **state)
{
    (void)state;
    check_float(0.1f, "0.1");
    check_float(1.0f, "1.0");
    check_float(1.0e10f, "1.0E10");
    check_float(3.4028235e38f, "3.4028235E38");
    check_float(1.4e-45f, "1.4E-45");
    check_float(16777216.0f, "1.6777216E7");
    check_float(0.33333334f, "0.33333334");
    check_float(-2.5f, "-2.5");
    check_float(1234567.0f, "1234567.0");
    check_float(NAN, "NaN");
    check_float(-INFINITY, "-Infinity");
}

static void test_decimal_and_interval_text(void **state)
{
    (void)state;
    char buf[64];
    weir_format_decimal(150, 2, buf);
    assert_string_equal(buf, "1.50");
    weir_format_decimal(-5, 3, buf);
    assert_string_equal(buf, "-0.005");
    weir_format_decimal(0, 2, buf);
    assert_string_equal(buf, "0.00");
    weir_format_decimal(12345, 0, buf);
    assert_string_equal(buf, "12345");
    __int128 big = (__int128)10000000000000000000ULL * 10000000000000000000ULL - 1; /* 38 9s */
    weir_format_decimal(-big, 10, buf);
    assert_string_equal(buf, "-9999999999999999999999999999.9999999999");
    weir_format_decimal_java(10, 8, buf);
    assert_string_equal(buf, "1.0E-7");
    weir_format_decimal_java(0, 10, buf);
    assert_string_equal(buf, "0E-10");
    weir_format_decimal_java(1, 6, buf);
    assert_string_equal(buf, "0.000001");
    weir_format_decimal_java(-123, 9, buf);
    assert_string_equal(buf, "-1.23E-7");
    weir_format_interval(600 * WEIR_US_PER_SEC, buf);
    assert_string_equal(buf, "INTERVAL '0 00:10:00' DAY TO SECOND");
    weir_format_interval(-(2 * WEIR_US_PER_DAY + 5 * WEIR_US_PER_SEC + 120), buf);
    assert_string_equal(buf, "INTERVAL '-2 00:00:05.00012' DAY TO SECOND");
    weir_format_interval(INT64_MIN, buf);
    assert_string_equal(buf, "INTERVAL '-106751991 04:00:54.775808' DAY TO SECOND");
}

static void test_value_to_text(void **state)
{
    (void)state;
    /* struct<a:int, b:binary, c:array<string>> with NULLs inside */
    weir_field f[3] = {{"a", WEIR_TYPE_INT, true},
                       {"b", WEIR_TYPE_BINARY, true},
                       {"c", weir_type_array(&arena, WEIR_TYPE_STRING), true}};
    const weir_type *st = weir_type_struct(&arena, f, 3);
    weir_vec *s = weir_vec_new(&arena, st, 1);
    weir_vec_append_null(s->child[0]);
    weir_vec_append_str(s->child[1], "\x0a\xff", 2);
    weir_vec *arr = s->child[2];
    weir_vec_append_str(arr->child[0], "x", 1);
    weir_vec_append_null(arr->child[0]);
    arr->offsets[1] = 2;
    arr->len = 1;
    s->len = 1;
    weir_value v;
    weir_vec_get(s, 0, &v);
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_value_to_text(&v, utc, WEIR_TEXT_SHOW, &sb);
    assert_string_equal(sb.p, "{NULL, [0A FF], [x, NULL]}");
    weir_sb_reset(&sb);
    weir_value_to_text(&v, utc, WEIR_TEXT_CAST, &sb);
    assert_string_equal(sb.p, "{null, \n\xff, [x, null]}");
    weir_sb_reset(&sb);
    weir_value nul = {.type = WEIR_TYPE_STRING, .is_null = true};
    weir_value_to_text(&nul, utc, WEIR_TEXT_SHOW, &sb);
    assert_string_equal(sb.p, "NULL");
    weir_sb_reset(&sb);
    weir_value bin = {.type = WEIR_TYPE_BINARY};
    bin.u.s.p = "";
    bin.u.s.len = 0;
    weir_value_to_text(&bin, utc, WEIR_TEXT_SHOW, &sb);
    assert_string_equal(sb.p, "[]");
    weir_sb_reset(&sb);
    weir_value ts = {.type = WEIR_TYPE_TIMESTAMP};
    ts.u.i =
        (int64_t)weir_days_from_civil(2016, 12, 1) * WEIR_US_PER_DAY + 8 * 3600 * WEIR_US_PER_SEC;
    weir_value_to_text(&ts, utc, WEIR_TEXT_SHOW, &sb);
    assert_string_equal(sb.p, "2016-12-01 08:00:00");
    weir_sb_reset(&sb);
    weir_value dec = {.type = weir_type_decimal(&arena, 10, 8)};
    dec.u.dec = 10;
    weir_value_to_text(&dec, utc, WEIR_TEXT_SHOW, &sb);
    assert_string_equal(sb.p, "0.00000010");
    weir_sb_reset(&sb);
    weir_value_to_text(&dec, utc, WEIR_TEXT_CAST, &sb);
    assert_string_equal(sb.p, "1.0E-7");
    weir_sb_free(&sb);
}

/* ---- Dataset.show ------------------------------------------------------------------------------
 */

static void test_truncate_0_20(void **state)
{
    (void)state;
    weir_batch *b = long_string_batch();
    expect_show(1, value_name, &b, 1, 10, 0, false,
                "+---------------------+\n"
                "|value                |\n"
                "+---------------------+\n"
                "|1                    |\n"
                "|111111111111111111111|\n"
                "+---------------------+\n");
    expect_show(1, value_name, &b, 1, 10, 20, false,
                "+--------------------+\n"
                "|               value|\n"
                "+--------------------+\n"
                "|                   1|\n"
                "|11111111111111111...|\n"
                "+--------------------+\n");
    expect_show(1, value_name, &b, 1, 10, 0, true,
                "-RECORD 0----------------------\n"
                " value | 1                     \n"
                "-RECORD 1----------------------\n"
                " value | 111111111111111111111 \n");
    expect_show(1, value_name, &b, 1, 10, 20, true,
                "-RECORD 0---------------------\n"
                " value | 1                    \n"
                "-RECORD 1---------------------\n"
                " value | 11111111111111111... \n");
}

static void test_truncate_3_17(void **state)
{
    (void)state;
    weir_batch *b = long_string_batch();
    expect_show(1, value_name, &b, 1, 10, 3, false,
                "+-----+\n"
                "|value|\n"
                "+-----+\n"
                "|    1|\n"
                "|  111|\n"
                "+-----+\n");
    expect_show(1, value_name, &b, 1, 10, 17, false,
                "+-----------------+\n"
                "|            value|\n"
                "+-----------------+\n"
                "|                1|\n"
                "|11111111111111...|\n"
                "+-----------------+\n");
    expect_show(1, value_name, &b, 1, 10, 3, true,
                "-RECORD 0----\n"
                " value | 1   \n"
                "-RECORD 1----\n"
                " value | 111 \n");
    expect_show(1, value_name, &b, 1, 10, 17, true,
                "-RECORD 0------------------\n"
                " value | 1                 \n"
                "-RECORD 1------------------\n"
                " value | 11111111111111... \n");
}

static void test_num_rows(void **state)
{
    (void)state;
    weir_batch *b = test_data(100);
    const char *zero = "+---+-----+\n"
                       "|key|value|\n"
                       "+---+-----+\n"
                       "+---+-----+\n"
                       "only showing top 0 rows\n";
    expect_show(2, kv_names, &b, 1, -1, 20, false, zero);
    expect_show(2, kv_names, &b, 1, 0, 20, false, zero);
    expect_show(2, kv_names, &b, 1, -1, 20, true, "(0 rows)\n");
    expect_show(2, kv_names, &b, 1, 0, 20, true, "(0 rows)\n");
    expect_show(2, kv_names, &b, 1, 1, 20, false,
                "+---+-----+\n"
                "|key|value|\n"
                "+---+-----+\n"
                "|  1|    1|\n"
                "+---+-----+\n"
                "only showing top 1 row\n");
    expect_show(2, kv_names, &b, 1, 1, 20, true,
                "-RECORD 0----\n"
                " key   | 1   \n"
                " value | 1   \n"
                "only showing top 1 row\n");
    /* Int.MaxValue: everything, no footer */
    int32_t a[] = {1, 3}, c[] = {2, 4};
    weir_vec *cols[2] = {int_col(a, 2), int_col(c, 2)};
    weir_batch *ab = batch_of(2, cols);
    const char *names[] = {"a", "b"};
    expect_show(2, names, &ab, 1, INT32_MAX, 20, false,
                "+---+---+\n"
                "|  a|  b|\n"
                "+---+---+\n"
                "|  1|  2|\n"
                "|  3|  4|\n"
                "+---+---+\n");
}

static void test_empty_result(void **state)
{
    (void)state;
    weir_batch *b = test_data(0);
    expect_show(2, kv_names, &b, 1, 1, 20, false,
                "+---+-----+\n"
                "|key|value|\n"
                "+---+-----+\n"
                "+---+-----+\n");
    expect_show(2, kv_names, &b, 1, 1, 20, true, "(0 rows)\n");
    /* no batches at all */
    expect_show(2, kv_names, NULL, 0, 20, 20, false,
                "+---+-----+\n"
                "|key|value|\n"
                "+---+-----+\n"
                "+---+-----+\n");
}

static void test_many_batches_cut(void **state)
{
    (void)state;
    /* 25 rows over three batches; show(20) cuts inside the second one */
    weir_batch *bs[3];
    int32_t k[10];
    for (int bi = 0; bi < 3; bi++) {
        int n = bi == 2 ? 5 : 10;
        for (int i = 0; i < n; i++)
            k[i] = bi * 10 + i;
        weir_vec *c = int_col(k, n);
        bs[bi] = batch_of(1, &c);
    }
    const char *names[] = {"n"};
    weir_strbuf exp = WEIR_STRBUF_INIT;
    weir_sb_puts(&exp, "+---+\n|  n|\n+---+\n");
    for (int i = 0; i < 20; i++)
        weir_sb_printf(&exp, "|%3d|\n", i);
    weir_sb_puts(&exp, "+---+\nonly showing top 20 rows\n");
    expect_show(1, names, bs, 3, 20, 20, false, exp.p);
    weir_sb_free(&exp);
}

static void test_nested_cells(void **state)
{
    (void)state;
    /* arrays: Seq((Array(1, 2, 3), Array(1, 2, 3)), (Array(2, 3, 4), Array(2, 3, 4))) */
    const weir_type *at = weir_type_array(&arena, WEIR_TYPE_INT);
    weir_vec *cols[2];
    for (int c = 0; c < 2; c++) {
        weir_vec *v = weir_vec_new(&arena, at, 2);
        for (int32_t x = 1; x <= 3; x++)
            weir_vec_append_fixed(v->child[0], &x);
        for (int32_t x = 2; x <= 4; x++)
            weir_vec_append_fixed(v->child[0], &x);
        v->offsets[1] = 3;
        v->offsets[2] = 6;
        v->len = 2;
        cols[c] = v;
    }
    weir_batch *b = batch_of(2, cols);
    const char *names[] = {"_1", "_2"};
    expect_show(2, names, &b, 1, 10, 20, false,
                "+---------+---------+\n"
                "|       _1|       _2|\n"
                "+---------+---------+\n"
                "|[1, 2, 3]|[1, 2, 3]|\n"
                "|[2, 3, 4]|[2, 3, 4]|\n"
                "+---------+---------+\n");
    expect_show(2, names, &b, 1, 10, 20, true,
                "-RECORD 0--------\n"
                " _1  | [1, 2, 3] \n"
                " _2  | [1, 2, 3] \n"
                "-RECORD 1--------\n"
                " _1  | [2, 3, 4] \n"
                " _2  | [2, 3, 4] \n");

    /* binary: ("12", "ABC."), ("34", "12346") */
    const char *b1[] = {"12", "34"}, *b2[] = {"ABC.", "12346"};
    weir_vec *bc[2] = {str_col(WEIR_TYPE_BINARY, b1, 2), str_col(WEIR_TYPE_BINARY, b2, 2)};
    weir_batch *bb = batch_of(2, bc);
    expect_show(2, names, &bb, 1, 10, 20, false,
                "+-------+----------------+\n"
                "|     _1|              _2|\n"
                "+-------+----------------+\n"
                "|[31 32]|   [41 42 43 2E]|\n"
                "|[33 34]|[31 32 33 34 36]|\n"
                "+-------+----------------+\n");
    expect_show(2, names, &bb, 1, 10, 20, true,
                "-RECORD 0---------------\n"
                " _1  | [31 32]          \n"
                " _2  | [41 42 43 2E]    \n"
                "-RECORD 1---------------\n"
                " _1  | [33 34]          \n"
                " _2  | [31 32 33 34 36] \n");

    /* map<int,string> {1 -> a, 2 -> b}; struct {1, a}, {2, b} */
    const weir_type *mt = weir_type_map(&arena, WEIR_TYPE_INT, WEIR_TYPE_STRING);
    weir_vec *m = weir_vec_new(&arena, mt, 1);
    int32_t one = 1, two = 2;
    weir_vec_append_fixed(m->child[0], &one);
    weir_vec_append_str(m->child[1], "a", 1);
    weir_vec_append_fixed(m->child[0], &two);
    weir_vec_append_str(m->child[1], "b", 1);
    m->offsets[1] = 2;
    m->len = 1;
    weir_batch *mb = batch_of(1, &m);
    const char *an[] = {"a"};
    expect_show(1, an, &mb, 1, 10, 20, false,
                "+----------------+\n"
                "|               a|\n"
                "+----------------+\n"
                "|{1 -> a, 2 -> b}|\n"
                "+----------------+\n");
    weir_field f[2] = {{"_1", WEIR_TYPE_INT, true}, {"_2", WEIR_TYPE_STRING, true}};
    weir_vec *s = weir_vec_new(&arena, weir_type_struct(&arena, f, 2), 2);
    weir_vec_append_fixed(s->child[0], &one);
    weir_vec_append_str(s->child[1], "a", 1);
    weir_vec_append_fixed(s->child[0], &two);
    weir_vec_append_str(s->child[1], "b", 1);
    s->len = 2;
    int32_t zeros[] = {0, 0};
    weir_vec *sc[2] = {s, int_col(zeros, 2)};
    weir_batch *sb = batch_of(2, sc);
    const char *sn[] = {"a", "b"};
    expect_show(2, sn, &sb, 1, 10, 20, false,
                "+------+---+\n"
                "|     a|  b|\n"
                "+------+---+\n"
                "|{1, a}|  0|\n"
                "|{2, b}|  0|\n"
                "+------+---+\n");
}

static void test_escape_meta_characters(void **state)
{
    (void)state;
    const char *raw = "aaa\nbbb\tccc\rddd\feee\bfff\vggg\ahhh";
    weir_vec *c = str_col(WEIR_TYPE_STRING, &raw, 1);
    weir_batch *b = batch_of(1, &c);
    expect_show(1, &raw, &b, 1, 1, 0, false,
                "+--------------------------------------+\n"
                "|aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh|\n"
                "+--------------------------------------+\n"
                "|aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh|\n"
                "+--------------------------------------+\n");
    /* inside an array */
    weir_vec *a = weir_vec_new(&arena, weir_type_array(&arena, WEIR_TYPE_STRING), 1);
    weir_vec_append_str(a->child[0], raw, (int32_t)strlen(raw));
    a->offsets[1] = 1;
    a->len = 1;
    weir_batch *ab = batch_of(1, &a);
    const char *name = "array(aaa\nbbb\tccc\rddd\feee\bfff\vggg\ahhh)";
    expect_show(1, &name, &ab, 1, 1, 0, false,
                "+---------------------------------------------+\n"
                "|array(aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh)|\n"
                "+---------------------------------------------+\n"
                "|[aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh]     |\n"
                "+---------------------------------------------+\n");
}

static void test_full_width(void **state)
{
    (void)state;
    /* DatasetSuite SPARK-25108 (Spark 3.5 prints NULL) */
    const char *a[] = {NULL,           "",
                       "ab c",         "1098",
                       "m\u00f8",      "\u03b3\u03cd\u03c1",
                       "p\u00ea",      "\u30fc",
                       "\u6d4b",       "\u304b",
                       "\uac78",       "\u00e0",
                       "\u713c",       "\u7f8d\u3080",
                       "\ubead\u1f98", "\u0967\u0968\u0969"};
    int n = 16;
    int32_t zeros[16] = {0}, ones[16];
    for (int i = 0; i < n; i++)
        ones[i] = 1;
    weir_vec *cols[3] = {int_col(zeros, n), str_col(WEIR_TYPE_STRING, a, n), int_col(ones, n)};
    weir_batch *b = batch_of(3, cols);
    const char *names[] = {"b", "a", "c"};
    expect_show(3, names, &b, 1, 20, 20, false,
                "+---+----+---+\n"
                "|  b|   a|  c|\n"
                "+---+----+---+\n"
                "|  0|NULL|  1|\n"
                "|  0|    |  1|\n"
                "|  0|ab c|  1|\n"
                "|  0|1098|  1|\n"
                "|  0|  m\u00f8|  1|\n"
                "|  0| \u03b3\u03cd\u03c1|  1|\n"
                "|  0|  p\u00ea|  1|\n"
                "|  0|  \u30fc|  1|\n"
                "|  0|  \u6d4b|  1|\n"
                "|  0|  \u304b|  1|\n"
                "|  0|  \uac78|  1|\n"
                "|  0|   \u00e0|  1|\n"
                "|  0|  \u713c|  1|\n"
                "|  0|\u7f8d\u3080|  1|\n"
                "|  0| \ubead\u1f98|  1|\n"
                "|  0| \u0967\u0968\u0969|  1|\n"
                "+---+----+---+\n");
    /* truncation counts characters, not bytes: 22 CJK characters -> 17 + "..." */
    const char *wide = "\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b"
                       "\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b";
    weir_vec *w = str_col(WEIR_TYPE_STRING, &wide, 1);
    weir_batch *wb = batch_of(1, &w);
    const char *wn[] = {"w"};
    expect_show(1, wn, &wb, 1, 20, 20, false,
                "+-------------------------------------+\n"
                "|                                    w|\n"
                "+-------------------------------------+\n"
                "|\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b\u6d4b"
                "\u6d4b\u6d4b\u6d4b\u6d4b...|\n"
                "+-------------------------------------+\n");
}

static void test_console_word_count(void **state)
{
    (void)state;
    /* seed 001: word counts, default show() (20 rows, truncate) */
    const char *w[] = {"3", "ef", "vi=vmi", " alias", "", "2"};
    int64_t cnt[] = {1, 1, 1, 1, 5, 1};
    weir_vec *words = str_col(WEIR_TYPE_STRING, w, 6);
    weir_vec *counts = weir_vec_new(&arena, WEIR_TYPE_BIGINT, 6);
    for (int i = 0; i < 6; i++)
        weir_vec_append_fixed(counts, &cnt[i]);
    weir_vec *cols[2] = {words, counts};
    weir_batch *b = batch_of(2, cols);
    const char *names[] = {"word", "count"};
    expect_show(2, names, &b, 1, 20, 20, false,
                "+------+-----+\n"
                "|  word|count|\n"
                "+------+-----+\n"
                "|     3|    1|\n"
                "|    ef|    1|\n"
                "|vi=vmi|    1|\n"
                "| alias|    1|\n"
                "|      |    5|\n"
                "|     2|    1|\n"
                "+------+-----+\n");
}

static void test_session_time_zone(void **state)
{
    (void)state;
    int32_t d = weir_days_from_civil(2016, 12, 1);
    int64_t ts = (int64_t)d * WEIR_US_PER_DAY + 8 * 3600 * WEIR_US_PER_SEC;
    weir_vec *dc = weir_vec_new(&arena, WEIR_TYPE_DATE, 1);
    weir_vec_append_fixed(dc, &d);
    weir_vec *tc = weir_vec_new(&arena, WEIR_TYPE_TIMESTAMP, 1);
    weir_vec_append_fixed(tc, &ts);
    weir_vec *cols[2] = {dc, tc};
    weir_batch *b = batch_of(2, cols);
    const char *names[] = {"d", "ts"};
    expect_show(2, names, &b, 1, 1, 0, false,
                "+----------+-------------------+\n"
                "|d         |ts                 |\n"
                "+----------+-------------------+\n"
                "|2016-12-01|2016-12-01 08:00:00|\n"
                "+----------+-------------------+\n");
    expect_show(2, names, &b, 1, 1, 0, true,
                "-RECORD 0------------------\n"
                " d   | 2016-12-01          \n"
                " ts  | 2016-12-01 08:00:00 \n");
}

static void test_numbers_in_cells(void **state)
{
    (void)state;
    double dv[] = {1.0, 1e7, 0.1, NAN};
    weir_vec *d = weir_vec_new(&arena, WEIR_TYPE_DOUBLE, 4);
    for (int i = 0; i < 4; i++)
        weir_vec_append_fixed(d, &dv[i]);
    const weir_type *dt = weir_type_decimal(&arena, 20, 10);
    weir_vec *dec = weir_vec_new(&arena, dt, 4);
    __int128 u[] = {0, 15000000000LL, -1, 123};
    for (int i = 0; i < 4; i++)
        weir_vec_append_fixed(dec, &u[i]);
    weir_vec *cols[2] = {d, dec};
    weir_batch *b = batch_of(2, cols);
    const char *names[] = {"d", "dec"};
    /* show() prints decimals plain (ToPrettyString), doubles as Double.toString */
    expect_show(2, names, &b, 1, 20, 20, false,
                "+-----+-------------+\n"
                "|    d|          dec|\n"
                "+-----+-------------+\n"
                "|  1.0| 0.0000000000|\n"
                "|1.0E7| 1.5000000000|\n"
                "|  0.1|-0.0000000001|\n"
                "|  NaN| 0.0000000123|\n"
                "+-----+-------------+\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_java_double, setup, teardown),
        cmocka_unit_test_setup_teardown(test_java_float, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_and_interval_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_to_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncate_0_20, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncate_3_17, setup, teardown),
        cmocka_unit_test_setup_teardown(test_num_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_result, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_batches_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_meta_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_width, setup, teardown),
        cmocka_unit_test_setup_teardown(test_console_word_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_time_zone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_in_cells, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
