/*
 * Unit tests for exec/cast.c: Spark 3.5's CAST matrix in its three modes (legacy, ANSI,
 * try_cast). Expected values come from Spark's Cast.scala / CastSuite rules, Java's
 * Double.toString and java.math.BigDecimal, and UTF8String's number parsing.
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
#include "plan/expr.h"

static weir_arena arena;
static weir_conf_view conf;
static weir_error err;
static weir_eval_ctx ctx;

static int setup(void **state)
{
    (void)state;
    weir_arena_init(&arena, 0);
    memset(&conf, 0, sizeof conf);
    conf.tz = weir_tz_get("UTC", NULL);
    conf.ansi = false;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &arena;
    ctx.conf = &conf;
    ctx.err = &err;
    weir_err_clear(&err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    weir_arena_free(&arena);
    return 0;
}

/* ---- builders ------------------------------------------------------------------------------ */

/* Strings; NULL entries are NULL rows. */
static weir_vec *strs(const weir_type *t, const char *const *v, int n)
{
    weir_vec *o = weir_vec_new(&arena, t, n);
    for (int i = 0; i < n; i++) {
        if (v[i])
            assert_int_equal(weir_vec_append_str(o, v[i], (int32_t)strlen(v[i])), WEIR_OK);
        else
            assert_int_equal(weir_vec_append_null(o), WEIR_OK);
    }
    return o;
}
#define STRS(...)                                                                                  \
    strs(WEIR_TYPE_STRING, (const char *const[]){__VA_ARGS__},                                     \
         (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))

/* Integral-like values (int64 payload); `nullmask` bit i marks row i NULL. */
static weir_vec *ints(const weir_type *t, const int64_t *v, int n, unsigned nullmask)
{
    weir_vec *o = weir_vec_new(&arena, t, n);
    for (int i = 0; i < n; i++) {
        weir_value x = {.type = t, .is_null = (nullmask >> i) & 1};
        x.u.i = v[i];
        assert_int_equal(weir_vec_append_value(o, &x), WEIR_OK);
    }
    return o;
}
#define INTS(t, mask, ...)                                                                         \
    ints(t, (const int64_t[]){__VA_ARGS__},                                                        \
         (int)(sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), mask)

static weir_vec *dbls(const weir_type *t, const double *v, int n)
{
    weir_vec *o = weir_vec_new(&arena, t, n);
    for (int i = 0; i < n; i++) {
        weir_value x = {.type = t};
        x.u.d = v[i];
        assert_int_equal(weir_vec_append_value(o, &x), WEIR_OK);
    }
    return o;
}
#define DBLS(t, ...)                                                                               \
    dbls(t, (const double[]){__VA_ARGS__},                                                         \
         (int)(sizeof((const double[]){__VA_ARGS__}) / sizeof(double)))

static weir_vec *decs(const weir_type *t, const int64_t *unscaled, int n)
{
    weir_vec *o = weir_vec_new(&arena, t, n);
    for (int i = 0; i < n; i++) {
        weir_value x = {.type = t};
        x.u.dec = unscaled[i];
        assert_int_equal(weir_vec_append_value(o, &x), WEIR_OK);
    }
    return o;
}
#define DECS(t, ...)                                                                               \
    decs(t, (const int64_t[]){__VA_ARGS__},                                                        \
         (int)(sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)))

static const weir_type *dec_t(int p, int s)
{
    return weir_type_decimal(&arena, p, s);
}

static weir_vec *cast_ok(const weir_vec *v, const weir_type *to, bool try_cast)
{
    weir_vec *out = NULL;
    int rc = weir_cast_vec(&ctx, v, to, try_cast, &out);
    if (rc != WEIR_OK) fail_msg("cast failed: %s", err.msg);
    assert_non_null(out);
    assert_int_equal(out->len, v->len);
    assert_true(weir_type_equal(out->type, to));
    return out;
}

/* Row i as text in the CAST form ("<null>" for NULL). */
static const char *text_at(const weir_vec *v, int i)
{
    static char buf[512];
    weir_value x;
    weir_vec_get(v, i, &x);
    if (x.is_null) return "<null>";
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_value_to_text(&x, conf.tz, WEIR_TEXT_CAST, &sb);
    snprintf(buf, sizeof buf, "%s", sb.p ? sb.p : "");
    weir_sb_free(&sb);
    return buf;
}

/* Checks every row of v against expected texts. */
static void expect_rows(const weir_vec *v, const char *const *exp, int n)
{
    assert_int_equal(v->len, n);
    for (int i = 0; i < n; i++) {
        const char *got = text_at(v, i);
        if (strcmp(got, exp[i]) != 0) fail_msg("row %d: got [%s], expected [%s]", i, got, exp[i]);
    }
}
#define EXPECT(v, ...)                                                                             \
    expect_rows(v, (const char *const[]){__VA_ARGS__},                                             \
                (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))

static void expect_error(const weir_vec *v, const weir_type *to, const char *msg)
{
    weir_vec *out = NULL;
    weir_err_clear(&err);
    int rc = weir_cast_vec(&ctx, v, to, false, &out);
    assert_int_equal(rc, WEIR_ERUNTIME);
    if (strcmp(err.msg, msg) != 0) fail_msg("got error [%s]\nexpected   [%s]", err.msg, msg);
}

/* ---- string -> numbers --------------------------------------------------------------------- */

static void test_string_to_int_legacy(void **state)
{
    (void)state;
    weir_vec *v = STRS("123", " 45 ", "1.5", "-1.9", "abc", NULL, "", "2147483648", "-2147483648",
                       ".", "+", "1e3", "\t7\n", "1.x", "+12");
    EXPECT(cast_ok(v, WEIR_TYPE_INT, false), "123", "45", "1", "-1", "<null>", "<null>", "<null>",
           "<null>", "-2147483648", "0", "<null>", "<null>", "7", "<null>", "12");
    weir_vec *b = STRS("127", "128", "-128", "-129", "300", "99.99");
    EXPECT(cast_ok(b, WEIR_TYPE_TINYINT, false), "127", "<null>", "-128", "<null>", "<null>", "99");
    weir_vec *l = STRS("9223372036854775807", "9223372036854775808", "-9223372036854775808",
                       "-9223372036854775809", "00012");
    EXPECT(cast_ok(l, WEIR_TYPE_BIGINT, false), "9223372036854775807", "<null>",
           "-9223372036854775808", "<null>", "12");
    EXPECT(cast_ok(STRS("32767", "32768"), WEIR_TYPE_SMALLINT, false), "32767", "<null>");
}

static void test_string_to_int_try_and_ansi(void **state)
{
    (void)state;
    weir_vec *v = STRS("123", "1.5", "abc", " 7 ");
    /* try_cast follows ANSI rules: no decimal point allowed, failures are NULL */
    EXPECT(cast_ok(v, WEIR_TYPE_INT, true), "123", "<null>", "<null>", "7");
    conf.ansi = true;
    expect_error(STRS("1", "1.5"), WEIR_TYPE_INT,
                 "[CAST_INVALID_INPUT] The value '1.5' of the type \"STRING\" cannot be cast to "
                 "\"INT\" because it is malformed. Correct the value as per the syntax, or change "
                 "its target type. Use `try_cast` to tolerate malformed input and return NULL "
                 "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                 "this error.");
    expect_error(STRS("128"), WEIR_TYPE_TINYINT,
                 "[CAST_INVALID_INPUT] The value '128' of the type \"STRING\" cannot be cast to "
                 "\"TINYINT\" because it is malformed. Correct the value as per the syntax, or "
                 "change its target type. Use `try_cast` to tolerate malformed input and return "
                 "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                 "this error.");
    /* try_cast never raises, even with ANSI on */
    EXPECT(cast_ok(STRS("x"), WEIR_TYPE_INT, true), "<null>");
    conf.ansi = false;
}

static void test_string_to_double(void **state)
{
    (void)state;
    weir_vec *v = STRS("1.5", " 2 ", "1e3", "inf", "-Infinity", "NaN", "nan", "+INF", "1d", "0x1p3",
                       "abc", "1.5.5", "", ".5", "5.", "-0", "1e400", NULL, "1_0");
    EXPECT(cast_ok(v, WEIR_TYPE_DOUBLE, false), "1.5", "2.0", "1000.0", "Infinity", "-Infinity",
           "NaN", "NaN", "Infinity", "1.0", "8.0", "<null>", "<null>", "<null>", "0.5", "5.0",
           "-0.0", "Infinity", "<null>", "<null>");
    EXPECT(cast_ok(STRS("0.1", "3.4028236e38", "1.5f"), WEIR_TYPE_FLOAT, false), "0.1", "Infinity",
           "1.5");
    conf.ansi = true;
    expect_error(STRS("1x"), WEIR_TYPE_DOUBLE,
                 "[CAST_INVALID_INPUT] The value '1x' of the type \"STRING\" cannot be cast to "
                 "\"DOUBLE\" because it is malformed. Correct the value as per the syntax, or "
                 "change its target type. Use `try_cast` to tolerate malformed input and return "
                 "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                 "this error.");
    conf.ansi = false;
}

static void test_string_to_decimal(void **state)
{
    (void)state;
    weir_vec *v = STRS(" 12.345 ", "-0.005", "1e3", "123.4", "abc", "0.0001", "-99.995", "1E-2",
                       ".5", "99.995");
    EXPECT(cast_ok(v, dec_t(5, 2), false), "12.35", "-0.01", "<null>", "123.40", "<null>", "0.00",
           "-100.00", "0.01", "0.50", "100.00");
    EXPECT(cast_ok(STRS("1e3", "1.5e1", "12345678901234567890123456789012345678"), dec_t(38, 0),
                   false),
           "1000", "15", "12345678901234567890123456789012345678");
    EXPECT(cast_ok(STRS("0.123456789012345678901234567890123456789"), dec_t(38, 38), false),
           "0.12345678901234567890123456789012345679");
    conf.ansi = true;
    expect_error(STRS("123.4"), dec_t(3, 1),
                 "[NUMERIC_VALUE_OUT_OF_RANGE] 123.4 cannot be represented as Decimal(3, 1). If "
                 "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and "
                 "return NULL instead.");
    conf.ansi = false;
}

static void test_string_to_boolean(void **state)
{
    (void)state;
    weir_vec *v = STRS("true", "T", "yes", "Y", "1", " TrUe ", "false", "f", "NO", "n", "0", "abc",
                       "", NULL, "2", "tru");
    EXPECT(cast_ok(v, WEIR_TYPE_BOOLEAN, false), "true", "true", "true", "true", "true", "true",
           "false", "false", "false", "false", "false", "<null>", "<null>", "<null>", "<null>",
           "<null>");
    conf.ansi = true;
    expect_error(STRS("maybe"), WEIR_TYPE_BOOLEAN,
                 "[CAST_INVALID_INPUT] The value 'maybe' of the type \"STRING\" cannot be cast to "
                 "\"BOOLEAN\" because it is malformed. Correct the value as per the syntax, or "
                 "change its target type. Use `try_cast` to tolerate malformed input and return "
                 "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                 "this error.");
    conf.ansi = false;
}

/* ---- numeric <-> numeric ------------------------------------------------------------------- */

static void test_integral_narrowing(void **state)
{
    (void)state;
    weir_vec *v = INTS(WEIR_TYPE_INT, 0x4, 300, -129, 0, 127);
    /* legacy: two's complement wrap-around (Scala's .toByte) */
    EXPECT(cast_ok(v, WEIR_TYPE_TINYINT, false), "44", "127", "<null>", "127");
    weir_vec *l = INTS(WEIR_TYPE_BIGINT, 0, 2147483648LL, -2147483649LL, 4294967297LL);
    EXPECT(cast_ok(l, WEIR_TYPE_INT, false), "-2147483648", "2147483647", "1");
    /* try_cast: overflow -> NULL */
    EXPECT(cast_ok(v, WEIR_TYPE_TINYINT, true), "<null>", "<null>", "<null>", "127");
    conf.ansi = true;
    expect_error(INTS(WEIR_TYPE_INT, 0, 300), WEIR_TYPE_TINYINT,
                 "[CAST_OVERFLOW] The value 300 of the type \"INT\" cannot be cast to \"TINYINT\" "
                 "due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. "
                 "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
    expect_error(INTS(WEIR_TYPE_BIGINT, 0, 2147483648LL), WEIR_TYPE_INT,
                 "[CAST_OVERFLOW] The value 2147483648L of the type \"BIGINT\" cannot be cast to "
                 "\"INT\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL "
                 "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
                 "error.");
    conf.ansi = false;
    /* widening */
    EXPECT(cast_ok(INTS(WEIR_TYPE_TINYINT, 0, -5, 100), WEIR_TYPE_BIGINT, false), "-5", "100");
}

static void test_fractional_to_integral(void **state)
{
    (void)state;
    weir_vec *d = DBLS(WEIR_TYPE_DOUBLE, 1.9, -1.9, 1e10, -1e10, NAN, INFINITY, 300.5, 1e20);
    /* Java's (int): truncation, saturation, NaN -> 0 */
    EXPECT(cast_ok(d, WEIR_TYPE_INT, false), "1", "-1", "2147483647", "-2147483648", "0",
           "2147483647", "300", "2147483647");
    /* byte: (int) first, then wrap (x.toInt.toByte) */
    EXPECT(cast_ok(d, WEIR_TYPE_TINYINT, false), "1", "-1", "-1", "0", "0", "-1", "44", "-1");
    EXPECT(cast_ok(d, WEIR_TYPE_BIGINT, false), "1", "-1", "10000000000", "-10000000000", "0",
           "9223372036854775807", "300", "9223372036854775807");
    /* ANSI / try: out of range (NaN too) fails */
    EXPECT(cast_ok(d, WEIR_TYPE_INT, true), "1", "-1", "<null>", "<null>", "<null>", "<null>",
           "300", "<null>");
    EXPECT(cast_ok(DBLS(WEIR_TYPE_DOUBLE, 127.9, 128.0, -128.9), WEIR_TYPE_TINYINT, true), "127",
           "<null>", "-128");
    conf.ansi = true;
    expect_error(DBLS(WEIR_TYPE_DOUBLE, 1e10), WEIR_TYPE_INT,
                 "[CAST_OVERFLOW] The value 1.0E10D of the type \"DOUBLE\" cannot be cast to "
                 "\"INT\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL "
                 "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
                 "error.");
    conf.ansi = false;
    EXPECT(cast_ok(DBLS(WEIR_TYPE_FLOAT, 2.5, -3.75), WEIR_TYPE_SMALLINT, false), "2", "-3");
}

static void test_decimal_conversions(void **state)
{
    (void)state;
    const weir_type *d52 = dec_t(5, 2);
    weir_vec *v = DECS(d52, 12345, -12345, 150, 0, -5);
    EXPECT(cast_ok(v, WEIR_TYPE_INT, false), "123", "-123", "1", "0", "0");
    EXPECT(cast_ok(v, WEIR_TYPE_DOUBLE, false), "123.45", "-123.45", "1.5", "0.0", "-0.05");
    EXPECT(cast_ok(v, WEIR_TYPE_FLOAT, false), "123.45", "-123.45", "1.5", "0.0", "-0.05");
    EXPECT(cast_ok(v, WEIR_TYPE_BOOLEAN, false), "true", "true", "true", "false", "true");
    /* rescale: HALF_UP, overflow -> NULL */
    EXPECT(cast_ok(v, dec_t(4, 1), false), "123.5", "-123.5", "1.5", "0.0", "-0.1");
    EXPECT(cast_ok(v, dec_t(3, 0), false), "123", "-123", "2", "0", "0");
    EXPECT(cast_ok(v, dec_t(2, 0), false), "<null>", "<null>", "2", "0", "0");
    EXPECT(cast_ok(v, dec_t(7, 4), false), "123.4500", "-123.4500", "1.5000", "0.0000", "-0.0500");
    /* legacy decimal -> tinyint wraps (Decimal.toByte = toLong.toByte) */
    EXPECT(cast_ok(DECS(dec_t(10, 1), 3009), WEIR_TYPE_TINYINT, false), "44");
    EXPECT(cast_ok(DECS(dec_t(10, 1), 3009), WEIR_TYPE_TINYINT, true), "<null>");
    /* numbers -> decimal */
    EXPECT(cast_ok(INTS(WEIR_TYPE_INT, 0, 12, -12, 1000), dec_t(4, 1), false), "12.0", "-12.0",
           "<null>");
    EXPECT(cast_ok(DBLS(WEIR_TYPE_DOUBLE, 123.456, 1.005, 0.125, 12345.6, NAN, 1e-3, -2.5), d52,
                   false),
           "123.46", "1.01", "0.13", "<null>", "<null>", "0.00", "-2.50");
    /* float widens to double first: 0.1f -> 0.10000000149011612 */
    EXPECT(cast_ok(DBLS(WEIR_TYPE_FLOAT, 0.1), dec_t(20, 18), false), "0.100000001490116120");
    EXPECT(cast_ok(INTS(WEIR_TYPE_BOOLEAN, 0, 1, 0), dec_t(1, 0), false), "1", "0");
    conf.ansi = true;
    expect_error(DECS(d52, 12345), dec_t(3, 1),
                 "[NUMERIC_VALUE_OUT_OF_RANGE] 123.45 cannot be represented as Decimal(3, 1). If "
                 "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and "
                 "return NULL instead.");
    expect_error(
        DECS(dec_t(10, 1), 3009), WEIR_TYPE_TINYINT,
        "[CAST_OVERFLOW] The value 300.9BD of the type \"DECIMAL(10,1)\" cannot be cast "
        "to \"TINYINT\" due to an overflow. Use `try_cast` to tolerate overflow and return "
        "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
        "this error.");
    conf.ansi = false;
}

static void test_fractional_widen_narrow(void **state)
{
    (void)state;
    EXPECT(cast_ok(DBLS(WEIR_TYPE_FLOAT, 0.1, 1.0e10, -0.0), WEIR_TYPE_DOUBLE, false),
           "0.10000000149011612", "1.0E10", "-0.0");
    EXPECT(cast_ok(DBLS(WEIR_TYPE_DOUBLE, 0.1, 1e300, 16777217.0), WEIR_TYPE_FLOAT, false), "0.1",
           "Infinity", "1.6777216E7");
    EXPECT(
        cast_ok(INTS(WEIR_TYPE_BIGINT, 0, 9007199254740993LL, 16777217), WEIR_TYPE_DOUBLE, false),
        "9.007199254740992E15", "1.6777217E7");
    EXPECT(cast_ok(INTS(WEIR_TYPE_BIGINT, 0, 16777217), WEIR_TYPE_FLOAT, false), "1.6777216E7");
    EXPECT(cast_ok(DBLS(WEIR_TYPE_DOUBLE, 0.0, -0.0, 2.0, NAN), WEIR_TYPE_BOOLEAN, false), "false",
           "false", "true", "true");
    EXPECT(cast_ok(INTS(WEIR_TYPE_BOOLEAN, 0, 1, 0), WEIR_TYPE_DOUBLE, false), "1.0", "0.0");
    EXPECT(cast_ok(INTS(WEIR_TYPE_INT, 0, 0, 7, -1), WEIR_TYPE_BOOLEAN, false), "false", "true",
           "true");
}

/* ---- -> string ----------------------------------------------------------------------------- */

static void test_numbers_to_string(void **state)
{
    (void)state;
    weir_vec *d = DBLS(WEIR_TYPE_DOUBLE, 0.1, 1e7, 123456789.0, 1e-4, 100.0, 1.0 / 3, -0.0, NAN,
                       INFINITY, -INFINITY, 0.001, 1234567.0, 4.9e-324, 1.7976931348623157e308,
                       9999999.0, 1e21, 0.1 + 0.2, -1.5e-10, 1.0);
    EXPECT(cast_ok(d, WEIR_TYPE_STRING, false), "0.1", "1.0E7", "1.23456789E8", "1.0E-4", "100.0",
           "0.3333333333333333", "-0.0", "NaN", "Infinity", "-Infinity", "0.001", "1234567.0",
           "4.9E-324", "1.7976931348623157E308", "9999999.0", "1.0E21", "0.30000000000000004",
           "-1.5E-10", "1.0");
    weir_vec *f =
        DBLS(WEIR_TYPE_FLOAT, 0.1f, 1.0e10f, 3.4028235e38f, 1.4e-45f, 16777216.0f, 1.1f, 0.3f);
    EXPECT(cast_ok(f, WEIR_TYPE_STRING, false), "0.1", "1.0E10", "3.4028235E38", "1.4E-45",
           "1.6777216E7", "1.1", "0.3");
    weir_vec *i = INTS(WEIR_TYPE_BIGINT, 0x2, INT64_MIN, 0, 42, INT64_MAX);
    EXPECT(cast_ok(i, WEIR_TYPE_STRING, false), "-9223372036854775808", "<null>", "42",
           "9223372036854775807");
    EXPECT(cast_ok(INTS(WEIR_TYPE_BOOLEAN, 0, 1, 0), WEIR_TYPE_STRING, false), "true", "false");
}

static void test_decimal_to_string(void **state)
{
    (void)state;
    weir_vec *v = DECS(dec_t(10, 8), 10, 150000000, -1, 0);
    /* legacy CAST uses BigDecimal.toString: scientific below 1E-6 */
    EXPECT(cast_ok(v, WEIR_TYPE_STRING, false), "1.0E-7", "1.50000000", "-1E-8", "0E-8");
    /* ANSI (and try_cast) use the plain form */
    EXPECT(cast_ok(v, WEIR_TYPE_STRING, true), "0.00000010", "1.50000000", "-0.00000001",
           "0.00000000");
    EXPECT(cast_ok(DECS(dec_t(4, 2), 150, -5), WEIR_TYPE_STRING, false), "1.50", "-0.05");
    EXPECT(cast_ok(DECS(dec_t(5, 0), 12345), WEIR_TYPE_STRING, false), "12345");
}

static void test_datetime_casts(void **state)
{
    (void)state;
    weir_vec *s = STRS("2021-01-01 12:34:56.5", "2021-01-01", "not a time", NULL);
    weir_vec *ts = cast_ok(s, WEIR_TYPE_TIMESTAMP, false);
    EXPECT(ts, "2021-01-01 12:34:56.5", "2021-01-01 00:00:00", "<null>", "<null>");
    EXPECT(cast_ok(ts, WEIR_TYPE_STRING, false), "2021-01-01 12:34:56.5", "2021-01-01 00:00:00",
           "<null>", "<null>");
    EXPECT(cast_ok(ts, WEIR_TYPE_DATE, false), "2021-01-01", "2021-01-01", "<null>", "<null>");
    EXPECT(cast_ok(ts, WEIR_TYPE_BIGINT, false), "1609504496", "1609459200", "<null>", "<null>");
    EXPECT(cast_ok(ts, WEIR_TYPE_DOUBLE, false), "1.6095044965E9", "1.6094592E9", "<null>",
           "<null>");
    /* floorDiv for times before the epoch */
    weir_vec *neg = INTS(WEIR_TYPE_TIMESTAMP, 0, -1, -1500000, 0);
    EXPECT(cast_ok(neg, WEIR_TYPE_BIGINT, false), "-1", "-2", "0");
    EXPECT(cast_ok(neg, WEIR_TYPE_DOUBLE, false), "-1.0E-6", "-1.5", "0.0");
    EXPECT(cast_ok(neg, WEIR_TYPE_BOOLEAN, false), "true", "true", "false");
    /* numbers -> timestamp: seconds; booleans: microseconds */
    EXPECT(cast_ok(INTS(WEIR_TYPE_INT, 0, 1, -1), WEIR_TYPE_TIMESTAMP, false),
           "1970-01-01 00:00:01", "1969-12-31 23:59:59");
    EXPECT(cast_ok(DBLS(WEIR_TYPE_DOUBLE, 1.5, NAN, -0.25), WEIR_TYPE_TIMESTAMP, false),
           "1970-01-01 00:00:01.5", "<null>", "1969-12-31 23:59:59.75");
    EXPECT(cast_ok(INTS(WEIR_TYPE_BOOLEAN, 0, 1, 0), WEIR_TYPE_TIMESTAMP, false),
           "1970-01-01 00:00:00.000001", "1970-01-01 00:00:00");
    EXPECT(cast_ok(DECS(dec_t(10, 3), 1500), WEIR_TYPE_TIMESTAMP, false), "1970-01-01 00:00:01.5");
    /* dates carry no numeric value */
    weir_vec *d = cast_ok(STRS("2016-12-01", "bad"), WEIR_TYPE_DATE, false);
    EXPECT(d, "2016-12-01", "<null>");
    EXPECT(cast_ok(d, WEIR_TYPE_INT, false), "<null>", "<null>");
    EXPECT(cast_ok(d, WEIR_TYPE_BOOLEAN, false), "<null>", "<null>");
    EXPECT(cast_ok(d, WEIR_TYPE_STRING, false), "2016-12-01", "<null>");
    /* session time zone: DATE <-> TIMESTAMP at local midnight */
    conf.tz = weir_tz_get("Asia/Seoul", NULL);
    weir_vec *dt = cast_ok(d, WEIR_TYPE_TIMESTAMP, false);
    assert_int_equal(WEIR_VEC_DATA(dt, int64_t)[0],
                     (int64_t)weir_days_from_civil(2016, 11, 30) * WEIR_US_PER_DAY +
                         15 * 3600 * WEIR_US_PER_SEC);
    EXPECT(cast_ok(dt, WEIR_TYPE_STRING, false), "2016-12-01 00:00:00", "<null>");
    weir_vec *late = INTS(WEIR_TYPE_TIMESTAMP, 0,
                          (int64_t)weir_days_from_civil(2020, 12, 31) * WEIR_US_PER_DAY +
                              16 * 3600 * WEIR_US_PER_SEC);
    EXPECT(cast_ok(late, WEIR_TYPE_DATE, false), "2021-01-01");
    conf.tz = weir_tz_get("UTC", NULL);
    EXPECT(cast_ok(late, WEIR_TYPE_DATE, false), "2020-12-31");
    conf.ansi = true;
    expect_error(DBLS(WEIR_TYPE_DOUBLE, NAN), WEIR_TYPE_TIMESTAMP,
                 "[CAST_INVALID_INPUT] The value NaN of the type \"DOUBLE\" cannot be cast to "
                 "\"TIMESTAMP\" because it is malformed. Correct the value as per the syntax, or "
                 "change its target type. Use `try_cast` to tolerate malformed input and return "
                 "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                 "this error.");
    expect_error(STRS("x"), WEIR_TYPE_DATE,
                 "[CAST_INVALID_INPUT] The value 'x' of the type \"STRING\" cannot be cast to "
                 "\"DATE\" because it is malformed. Correct the value as per the syntax, or change "
                 "its target type. Use `try_cast` to tolerate malformed input and return NULL "
                 "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                 "this error.");
    conf.ansi = false;
}

static void test_binary(void **state)
{
    (void)state;
    weir_vec *b = cast_ok(STRS("AB", "", NULL), WEIR_TYPE_BINARY, false);
    int32_t len;
    const char *p = weir_vec_str(b, 0, &len);
    assert_int_equal(len, 2);
    assert_memory_equal(p, "AB", 2);
    EXPECT(cast_ok(b, WEIR_TYPE_STRING, false), "AB", "", "<null>");
    weir_vec *i = cast_ok(INTS(WEIR_TYPE_INT, 0, 1, -2), WEIR_TYPE_BINARY, false);
    p = weir_vec_str(i, 0, &len);
    assert_int_equal(len, 4);
    assert_memory_equal(p, "\x00\x00\x00\x01", 4);
    p = weir_vec_str(i, 1, &len);
    assert_memory_equal(p, "\xFF\xFF\xFF\xFE", 4);
    weir_vec *t = cast_ok(INTS(WEIR_TYPE_TINYINT, 0, -1), WEIR_TYPE_BINARY, false);
    p = weir_vec_str(t, 0, &len);
    assert_int_equal(len, 1);
    assert_memory_equal(p, "\xFF", 1);
}

static void test_interval(void **state)
{
    (void)state;
    int64_t m10 = 600 * WEIR_US_PER_SEC;
    int64_t neg = -(WEIR_US_PER_DAY + (2 * 3600 + 3 * 60 + 4) * WEIR_US_PER_SEC + 500000);
    weir_vec *v = INTS(WEIR_TYPE_INTERVAL, 0, m10, neg, 0, 12 * WEIR_US_PER_SEC);
    EXPECT(cast_ok(v, WEIR_TYPE_STRING, false), "INTERVAL '0 00:10:00' DAY TO SECOND",
           "INTERVAL '-1 02:03:04.5' DAY TO SECOND", "INTERVAL '0 00:00:00' DAY TO SECOND",
           "INTERVAL '0 00:00:12' DAY TO SECOND");
    weir_vec *s = STRS("INTERVAL '0 00:10:00' DAY TO SECOND", "-1 02:03:04.5",
                       "interval -'1 02:03:04.5' day to second", " 3 4:5:6 ");
    weir_vec *iv = cast_ok(s, WEIR_TYPE_INTERVAL, false);
    assert_int_equal(WEIR_VEC_DATA(iv, int64_t)[0], m10);
    assert_int_equal(WEIR_VEC_DATA(iv, int64_t)[1], neg);
    assert_int_equal(WEIR_VEC_DATA(iv, int64_t)[2], neg);
    EXPECT(cast_ok(iv, WEIR_TYPE_STRING, false), "INTERVAL '0 00:10:00' DAY TO SECOND",
           "INTERVAL '-1 02:03:04.5' DAY TO SECOND", "INTERVAL '-1 02:03:04.5' DAY TO SECOND",
           "INTERVAL '3 04:05:06' DAY TO SECOND");
    /* malformed interval strings fail even outside ANSI; try_cast gives NULL */
    weir_vec *out = NULL;
    assert_int_equal(weir_cast_vec(&ctx, STRS("10 minutes"), WEIR_TYPE_INTERVAL, false, &out),
                     WEIR_ERUNTIME);
    EXPECT(cast_ok(STRS("10 minutes"), WEIR_TYPE_INTERVAL, true), "<null>");
    /* interval <-> numbers count seconds */
    EXPECT(cast_ok(v, WEIR_TYPE_BIGINT, false), "600", "-93784", "0", "12");
    EXPECT(cast_ok(v, dec_t(12, 6), false), "600.000000", "-93784.500000", "0.000000", "12.000000");
    /* interval -> decimal overflow raises even outside ANSI (nullOnOverflow = false) */
    assert_int_equal(weir_cast_vec(&ctx, v, dec_t(10, 6), false, &out), WEIR_ERUNTIME);
    EXPECT(cast_ok(v, dec_t(10, 6), true), "600.000000", "<null>", "0.000000", "12.000000");
    weir_vec *back = cast_ok(INTS(WEIR_TYPE_INT, 0, 600), WEIR_TYPE_INTERVAL, false);
    assert_int_equal(WEIR_VEC_DATA(back, int64_t)[0], m10);
}

/* ---- nested ------------------------------------------------------------------------------- */

static weir_vec *int_array_vec(void)
{
    /* [[1, NULL, 3], [], NULL, [4]] */
    const weir_type *t = weir_type_array(&arena, WEIR_TYPE_INT);
    weir_vec *v = weir_vec_new(&arena, t, 4);
    weir_vec *e = v->child[0];
    int32_t vals[] = {1, 0, 3, 4};
    for (int k = 0; k < 4; k++) {
        if (k == 1)
            weir_vec_append_null(e);
        else
            weir_vec_append_fixed(e, &vals[k]);
    }
    v->offsets[1] = 3;
    v->offsets[2] = 3;
    v->offsets[3] = 3;
    v->offsets[4] = 4;
    v->len = 4;
    weir_vec_set_null(v, 2);
    return v;
}

static void test_nested(void **state)
{
    (void)state;
    weir_vec *a = int_array_vec();
    EXPECT(cast_ok(a, WEIR_TYPE_STRING, false), "[1, null, 3]", "[]", "<null>", "[4]");
    weir_vec *as = cast_ok(a, weir_type_array(&arena, WEIR_TYPE_STRING), false);
    EXPECT(as, "[1, null, 3]", "[]", "<null>", "[4]");
    weir_vec *ad = cast_ok(a, weir_type_array(&arena, WEIR_TYPE_DOUBLE), false);
    EXPECT(ad, "[1.0, null, 3.0]", "[]", "<null>", "[4.0]");

    /* struct<a:int, b:string> -> string / struct<x:bigint, y:int> */
    weir_field f[2] = {{"a", WEIR_TYPE_INT, true}, {"b", WEIR_TYPE_STRING, true}};
    const weir_type *st = weir_type_struct(&arena, f, 2);
    weir_vec *s = weir_vec_new(&arena, st, 3);
    int32_t one = 1, two = 2;
    weir_vec_append_fixed(s->child[0], &one);
    weir_vec_append_str(s->child[1], "a", 1);
    weir_vec_append_fixed(s->child[0], &two);
    weir_vec_append_null(s->child[1]);
    s->len = 2;
    weir_vec_append_null(s);
    EXPECT(cast_ok(s, WEIR_TYPE_STRING, false), "{1, a}", "{2, null}", "<null>");
    weir_field g[2] = {{"x", WEIR_TYPE_BIGINT, true}, {"y", WEIR_TYPE_INT, true}};
    weir_vec *s2 = cast_ok(s, weir_type_struct(&arena, g, 2), false);
    EXPECT(s2, "{1, null}", "{2, null}", "<null>");

    /* map<string,int> */
    const weir_type *mt = weir_type_map(&arena, WEIR_TYPE_STRING, WEIR_TYPE_INT);
    weir_vec *m = weir_vec_new(&arena, mt, 1);
    weir_vec_append_str(m->child[0], "a", 1);
    weir_vec_append_fixed(m->child[1], &one);
    weir_vec_append_str(m->child[0], "b", 1);
    weir_vec_append_null(m->child[1]);
    m->offsets[1] = 2;
    m->len = 1;
    EXPECT(cast_ok(m, WEIR_TYPE_STRING, false), "{a -> 1, b -> null}");
    weir_vec *m2 = cast_ok(m, weir_type_map(&arena, WEIR_TYPE_STRING, WEIR_TYPE_STRING), false);
    EXPECT(m2, "{a -> 1, b -> null}");
}

static void test_null_type_and_identity(void **state)
{
    (void)state;
    weir_vec *n = weir_vec_nulls(&arena, WEIR_TYPE_NULL, 3);
    EXPECT(cast_ok(n, WEIR_TYPE_INT, false), "<null>", "<null>", "<null>");
    EXPECT(cast_ok(n, weir_type_array(&arena, WEIR_TYPE_INT), false), "<null>", "<null>", "<null>");
    weir_vec *v = INTS(WEIR_TYPE_INT, 0, 1, 2);
    assert_ptr_equal(cast_ok(v, WEIR_TYPE_INT, false), v);
}

static void test_vec_const(void **state)
{
    (void)state;
    weir_value v = {.type = WEIR_TYPE_STRING};
    v.u.s.p = "hi";
    v.u.s.len = 2;
    weir_vec *c = weir_vec_const(&arena, &v, 3);
    EXPECT(c, "hi", "hi", "hi");
    weir_value d = {.type = WEIR_TYPE_DOUBLE};
    d.u.d = 2.5;
    EXPECT(weir_vec_const(&arena, &d, 2), "2.5", "2.5");
    weir_value dc = {.type = dec_t(6, 3)};
    dc.u.dec = -1234;
    EXPECT(weir_vec_const(&arena, &dc, 2), "-1.234", "-1.234");
    weir_value nl = {.type = WEIR_TYPE_INT, .is_null = true};
    weir_vec *cn = weir_vec_const(&arena, &nl, 2);
    assert_int_equal(weir_vec_null_count(cn), 2);
    weir_value b = {.type = WEIR_TYPE_BOOLEAN};
    b.u.i = 1;
    EXPECT(weir_vec_const(&arena, &b, 2), "true", "true");
    weir_value ar = {.type = int_array_vec()->type};
    ar.u.nested.vec = int_array_vec();
    ar.u.nested.row = 0;
    EXPECT(weir_vec_const(&arena, &ar, 2), "[1, null, 3]", "[1, null, 3]");
    weir_vec *z = weir_vec_const(&arena, &v, 0);
    assert_int_equal(z->len, 0);
}

static void test_large_vector(void **state)
{
    (void)state;
    /* a full batch with NULLs: validity carried over bit for bit */
    int n = WEIR_BATCH_ROWS;
    weir_vec *v = weir_vec_new(&arena, WEIR_TYPE_INT, n);
    for (int i = 0; i < n; i++) {
        int32_t x = i * 7 - 5000;
        if (i % 13 == 0)
            weir_vec_append_null(v);
        else
            weir_vec_append_fixed(v, &x);
    }
    weir_vec *s = cast_ok(v, WEIR_TYPE_STRING, false);
    weir_vec *back = cast_ok(s, WEIR_TYPE_INT, false);
    weir_vec *t = cast_ok(v, WEIR_TYPE_TINYINT, false);
    for (int i = 0; i < n; i++) {
        assert_int_equal(weir_vec_is_null(back, i), i % 13 == 0);
        if (i % 13) {
            assert_int_equal(WEIR_VEC_DATA(back, int32_t)[i], i * 7 - 5000);
            assert_int_equal(WEIR_VEC_DATA(t, int8_t)[i], (int8_t)(i * 7 - 5000));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_string_to_int_legacy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_to_int_try_and_ansi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_to_double, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_to_decimal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_to_boolean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integral_narrowing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fractional_to_integral, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_conversions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fractional_widen_narrow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_to_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decimal_to_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_datetime_casts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_type_and_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vec_const, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_vector, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
