/*
 * CSV and text formats (src/formats/fmt_csv.c, fmt_text.c): tokenizing with Spark's
 * defaults (sep ',', quote '"', escape '\\'), nullValue/emptyValue, header handling,
 * conversions with partial results and the corrupt-record column, parse modes,
 * CSVInferSchema's type chain, and UnivocityGenerator's quoting when writing. Expected
 * values follow Spark 3.5's CSVSuite / CSVInferSchemaSuite and the CSV option docs.
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

#include "formats/formats.h"

static weir_arena A;
static const weir_tz *UTC;

static int setup(void **state)
{
    weir_arena_init(&A, 0);
    UTC = weir_tz_get("UTC", NULL);
    return 0;
}

static int teardown(void **state)
{
    weir_arena_free(&A);
    return 0;
}

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

static int read_fmt(const char *fmt, const weir_type *schema, const bool *want, const weir_kv *o,
                    int no, const char *data, weir_batch **out, weir_error *err)
{
    weir_reader *r;
    int rc = weir_reader_open(weir_format_lookup(fmt), schema, want, o, no, UTC, &r, err);
    if (rc) return rc;
    weir_reader_set_input(r, data, strlen(data));
    rc = weir_reader_next(r, &A, out, err);
    weir_batch *more = NULL;
    if (!rc && *out) rc = weir_reader_next(r, &A, &more, err);
    assert_null(more);
    weir_reader_close(r);
    return rc;
}

static weir_batch *read_ok(const char *fmt, const weir_type *schema, const weir_kv *o, int no,
                           const char *data)
{
    weir_error err = {0};
    weir_batch *b = NULL;
    if (read_fmt(fmt, schema, NULL, o, no, data, &b, &err)) fail_msg("read: %s", err.msg);
    assert_non_null(b);
    return b;
}

static void assert_str(const weir_vec *v, int32_t r, const char *want)
{
    if (weir_vec_is_null(v, r)) fail_msg("row %d: NULL, want '%s'", r, want);
    int32_t n;
    const char *s = weir_vec_str(v, r, &n);
    if ((size_t)n != strlen(want) || memcmp(s, want, (size_t)n) != 0)
        fail_msg("row %d: got '%.*s' want '%s'", r, n, s, want);
}

/* ---- reading ------------------------------------------------------------------------------ */

static void test_csv_tokens(void **state)
{
    const weir_type *s = st(3, "a", WEIR_TYPE_STRING, "b", WEIR_TYPE_STRING, "c", WEIR_TYPE_STRING);
    weir_kv o[] = {{"header", "true"}};
    const char *data = "a,b,c\n"
                       "x,\"y,z\",\"q\\\"uote\"\n"
                       ",\"\",  sp  \r\n"
                       "\"p\"\"q\",\"multi\",last\n"
                       "\n"
                       "only\n";
    weir_batch *b = read_ok("csv", s, o, 1, data);
    assert_int_equal(b->nrows, 4);
    assert_str(b->cols[0], 0, "x");
    assert_str(b->cols[1], 0, "y,z");
    assert_str(b->cols[2], 0, "q\"uote");
    /* empty and "" both read as NULL with the default nullValue ""; blanks are kept */
    assert_true(weir_vec_is_null(b->cols[0], 1));
    assert_true(weir_vec_is_null(b->cols[1], 1));
    assert_str(b->cols[2], 1, "  sp  ");
    assert_str(b->cols[0], 2, "p\"q");
    assert_str(b->cols[2], 2, "last");
    /* a short row pads with NULL */
    assert_str(b->cols[0], 3, "only");
    assert_true(weir_vec_is_null(b->cols[1], 3));

    /* nullValue / emptyValue, another separator, whitespace trimming */
    weir_kv o2[] = {{"nullValue", "NA"},
                    {"emptyValue", "EMPTY"},
                    {"sep", "\\t"},
                    {"ignoreLeadingWhiteSpace", "true"},
                    {"ignoreTrailingWhiteSpace", "true"}};
    b = read_ok("csv", s, o2, 5, "NA\t\"\"\t  v  \n");
    assert_true(weir_vec_is_null(b->cols[0], 0));
    assert_str(b->cols[1], 0, "EMPTY");
    assert_str(b->cols[2], 0, "v");
}

static void test_csv_types_and_modes(void **state)
{
    const weir_type *s =
        st(6, "i", WEIR_TYPE_INT, "d", WEIR_TYPE_DOUBLE, "b", WEIR_TYPE_BOOLEAN, "t",
           WEIR_TYPE_TIMESTAMP, "dt", WEIR_TYPE_DATE, "_corrupt_record", WEIR_TYPE_STRING);
    const char *data = "1,1.5,TRUE,2016-03-20 12:20:00,2016-03-20\n"
                       "+2,NaN,false,,\n"
                       "x,Inf,maybe,2016-03-20T12:20:00Z,2016-03-20\n"
                       "3,2.5\n"
                       "4,1e3,true,2016,2016-03-20,extra\n";
    weir_batch *b = read_ok("csv", s, NULL, 0, data);
    assert_int_equal(b->nrows, 5);
    weir_vec *I = b->cols[0], *D = b->cols[1], *B = b->cols[2], *T = b->cols[3], *C = b->cols[5];
    assert_int_equal(WEIR_VEC_DATA(I, int32_t)[0], 1);
    assert_true(WEIR_VEC_DATA(D, double)[0] == 1.5);
    assert_int_equal(WEIR_VEC_DATA(B, uint8_t)[0], 1);
    assert_int_equal(WEIR_VEC_DATA(T, int64_t)[0], INT64_C(1458476400) * 1000000);
    assert_int_equal(WEIR_VEC_DATA(b->cols[4], int32_t)[0], 16880);
    assert_true(weir_vec_is_null(C, 0));
    assert_int_equal(WEIR_VEC_DATA(I, int32_t)[1], 2);
    assert_true(isnan(WEIR_VEC_DATA(D, double)[1]));
    assert_true(weir_vec_is_null(T, 1));
    assert_true(weir_vec_is_null(C, 1));
    /* conversion failures: partial row + the line in the corrupt column */
    assert_true(weir_vec_is_null(I, 2));
    assert_true(WEIR_VEC_DATA(D, double)[2] == INFINITY);
    assert_true(weir_vec_is_null(B, 2));
    assert_int_equal(WEIR_VEC_DATA(T, int64_t)[2], INT64_C(1458476400) * 1000000);
    assert_str(C, 2, "x,Inf,maybe,2016-03-20T12:20:00Z,2016-03-20");
    /* too few / too many tokens: malformed, values kept */
    assert_int_equal(WEIR_VEC_DATA(I, int32_t)[3], 3);
    assert_str(C, 3, "3,2.5");
    assert_true(WEIR_VEC_DATA(D, double)[4] == 1000.0);
    assert_str(C, 4, "4,1e3,true,2016,2016-03-20,extra");

    weir_kv drop[] = {{"mode", "DROPMALFORMED"}};
    b = read_ok("csv", s, drop, 1, data);
    assert_int_equal(b->nrows, 2);

    weir_kv ff[] = {{"mode", "failfast"}};
    weir_error err = {0};
    const weir_type *s2 = st(2, "a", WEIR_TYPE_INT, "b", WEIR_TYPE_STRING);
    assert_int_equal(read_fmt("csv", s2, NULL, ff, 1, "1,x\ny,z\n", &b, &err), WEIR_ERUNTIME);
    assert_string_equal(err.msg,
                        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are "
                        "detected in record parsing: [null,z].\nParse Mode: FAILFAST. To process "
                        "malformed records as null result, try setting the option 'mode' as "
                        "'PERMISSIVE'. ");
}

static void test_csv_projection(void **state)
{
    const weir_type *s = st(3, "a", WEIR_TYPE_INT, "b", WEIR_TYPE_STRING, "c", WEIR_TYPE_INT);
    bool want[] = {false, true, true};
    weir_batch *b = NULL;
    weir_error err = {0};
    assert_int_equal(read_fmt("csv", s, want, NULL, 0, "x,hello,3\n", &b, &err), 0);
    assert_int_equal(b->ncols, 2);
    assert_str(b->cols[0], 0, "hello");
    assert_int_equal(WEIR_VEC_DATA(b->cols[1], int32_t)[0], 3);
}

static void test_csv_options(void **state)
{
    weir_error err = {0};
    const weir_format *f = weir_format_lookup("csv");
    weir_kv e1[] = {{"sep", ""}};
    assert_int_equal(weir_format_check_options(f, e1, 1, &err), WEIR_EARG);
    assert_string_equal(err.msg, "Delimiter cannot be empty string");
    weir_kv e2[] = {{"quote", "ab"}};
    assert_int_equal(weir_format_check_options(f, e2, 1, &err), WEIR_EARG);
    assert_string_equal(err.msg, "quote cannot be more than one character");
    weir_kv e3[] = {{"header", "yes"}};
    assert_int_equal(weir_format_check_options(f, e3, 1, &err), WEIR_EARG);
    weir_kv e4[] = {{"delimiter", "\\"}};
    assert_int_equal(weir_format_check_options(f, e4, 1, &err), WEIR_EARG);
    assert_non_null(strstr(err.msg, "Single backslash is prohibited."));
    weir_kv ok[] = {{"sep", "||"}};
    assert_int_equal(weir_format_check_options(f, ok, 1, &err), 0);
    const weir_type *s = st(2, "a", WEIR_TYPE_STRING, "b", WEIR_TYPE_STRING);
    weir_batch *b = read_ok("csv", s, ok, 1, "x||y\n");
    assert_str(b->cols[1], 0, "y");
}

/* ---- inference ------------------------------------------------------------------------------ */

static const char *infer(const char *data, const weir_kv *o, int n)
{
    const weir_type *t;
    weir_error err = {0};
    if (weir_format_infer_buffer(weir_format_lookup("csv"), data, strlen(data), o, n, UTC, &A, &t,
                                 &err))
        return weir_arena_sprintf(&A, "error: %s", err.msg);
    static char buf[512];
    return weir_type_name(t, buf, sizeof(buf));
}

static void test_csv_infer(void **state)
{
    weir_kv hi[] = {{"header", "true"}, {"inferSchema", "true"}};
    assert_string_equal(
        infer("i,l,d,b,ts,dt,s,n,mix\n"
              "1,3000000000,1.5,true,2016-03-20 12:20:00,2016-03-20,x,,1\n"
              "2,4,2,FALSE,2016-03-20T12:20:00,2016-03-21,1,,2.5\n",
              hi, 2),
        "struct<i:int,l:bigint,d:double,b:boolean,ts:timestamp,dt:date,s:string,n:string,"
        "mix:double>");
    assert_string_equal(infer("a,b\n1,x\ntrue,2\n", hi, 2), "struct<a:string,b:string>");
    assert_string_equal(infer("a\n123456789012345678901234\n", hi, 2), "struct<a:decimal(24,0)>");
    /* names: _cN without a header (or for empty names), duplicates get their index */
    assert_string_equal(infer("1,2,3\n", NULL, 0), "struct<_c0:string,_c1:string,_c2:string>");
    weir_kv h[] = {{"header", "true"}};
    assert_string_equal(infer("a,,A,b\n1,2,3,4\n", h, 1),
                        "struct<a0:string,_c1:string,A2:string,b:string>");
    assert_string_equal(infer("", h, 1), "struct<>");
}

/* ---- writing ------------------------------------------------------------------------------------
 */

static void test_csv_write(void **state)
{
    const weir_type *s = st(4, "a", WEIR_TYPE_STRING, "n", WEIR_TYPE_INT, "t", WEIR_TYPE_TIMESTAMP,
                            "d", WEIR_TYPE_DOUBLE);
    weir_kv ro[] = {{"nullValue", "NA"}};
    weir_batch *b = read_ok("csv", s, ro, 1,
                            "plain,1,2016-03-20 12:20:00,1.0\n"
                            "\"with,comma\",NA,NA,1e20\n"
                            "\"q\\\"uote\",2,NA,NA\n"
                            "\"  pad  \",3,NA,NA\n"
                            "\"\",4,NA,NA\n"
                            "\"line\nbreak\",5,NA,NA\n");
    weir_writer *w;
    weir_error err = {0};
    weir_kv wo[] = {{"header", "true"}};
    assert_int_equal(weir_writer_open(weir_format_lookup("csv"), s, wo, 1, UTC, &w, &err), 0);
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_writer_begin(w, &sb);
    assert_int_equal(weir_writer_write(w, b, &sb, &err), 0);
    weir_writer_close(w);
    /* the multiLine-less reader splits "line\nbreak" into two records */
    assert_string_equal(sb.p, "a,n,t,d\n"
                              "plain,1,2016-03-20T12:20:00.000Z,1.0\n"
                              "\"with,comma\",,,1.0E20\n"
                              "\"q\\\"uote\",2,,\n"
                              "pad,3,,\n"
                              "\"\",4,,\n"
                              "line,,,\n"
                              "\"break\\\"\",5,,\n");
    weir_sb_free(&sb);
}

/* ---- text -------------------------------------------------------------------------------------
 */

static void test_text(void **state)
{
    const weir_type *s = st(1, "value", WEIR_TYPE_STRING);
    weir_batch *b = read_ok("text", s, NULL, 0, "a b\r\n\nc\rd");
    assert_int_equal(b->nrows, 4);
    assert_str(b->cols[0], 0, "a b");
    assert_str(b->cols[0], 1, "");
    assert_str(b->cols[0], 2, "c");
    assert_str(b->cols[0], 3, "d");
    weir_kv whole[] = {{"wholetext", "true"}};
    b = read_ok("text", s, whole, 1, "x\ny\n");
    assert_int_equal(b->nrows, 1);
    assert_str(b->cols[0], 0, "x\ny\n");
    weir_kv sep[] = {{"lineSep", ";"}};
    b = read_ok("text", s, sep, 1, "p;q;");
    assert_int_equal(b->nrows, 2);
    assert_str(b->cols[0], 1, "q");

    const weir_type *t;
    weir_error err = {0};
    assert_int_equal(
        weir_format_infer_buffer(weir_format_lookup("text"), "", 0, NULL, 0, UTC, &A, &t, &err), 0);
    char buf[64];
    assert_string_equal(weir_type_name(t, buf, sizeof(buf)), "struct<value:string>");

    weir_writer *w;
    assert_int_equal(weir_writer_open(weir_format_lookup("text"), s, NULL, 0, UTC, &w, &err), 0);
    b = read_ok("text", s, NULL, 0, "one\ntwo\n");
    weir_vec_set_null(b->cols[0], 1);
    weir_strbuf sb = WEIR_STRBUF_INIT;
    assert_int_equal(weir_writer_write(w, b, &sb, &err), 0);
    assert_string_equal(sb.p, "one\n\n");
    weir_writer_close(w);
    weir_sb_free(&sb);
    const weir_type *two = st(2, "a", WEIR_TYPE_STRING, "b", WEIR_TYPE_STRING);
    assert_int_equal(weir_writer_open(weir_format_lookup("text"), two, NULL, 0, UTC, &w, &err),
                     WEIR_EANALYSIS);
    assert_string_equal(err.msg,
                        "Text data source supports only a single column, and you have 2 columns.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_tokens),     cmocka_unit_test(test_csv_types_and_modes),
        cmocka_unit_test(test_csv_projection), cmocka_unit_test(test_csv_options),
        cmocka_unit_test(test_csv_infer),      cmocka_unit_test(test_csv_write),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
