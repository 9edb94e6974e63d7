/*
 * Spark 3.5 type coercion and automatic names (plan/coerce.c). Expected values follow
 * TypeCoercionSuite, DecimalPrecisionSuite and the sql-tests golden files (operators.sql.out,
 * with Spark 3.4+'s hidden implicit casts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plan/coerce.h"

extern const weir_func weir_funcs_ops[], weir_funcs_math[], weir_funcs_conditional[];

static weir_arena A;

static const weir_func *fn(const char *name)
{
    const weir_func *tabs[] = {weir_funcs_ops, weir_funcs_math, weir_funcs_conditional};
    for (int t = 0; t < 3; t++)
        for (const weir_func *f = tabs[t]; f->name; f++)
            if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

static const weir_type *dec(int p, int s)
{
    return weir_type_decimal(&A, p, s);
}

static const char *tname(const weir_type *t)
{
    static char buf[8][128];
    static int k;
    if (!t) return "(none)";
    k = (k + 1) % 8;
    return weir_type_name(t, buf[k], sizeof buf[k]);
}

static weir_expr *col(const char *name, const weir_type *t)
{
    weir_expr *e = weir_expr_new(&A, WEIR_EX_COLUMN, t);
    e->pretty = name;
    e->col = 0;
    return e;
}

static weir_expr *lit_int(int64_t v, const weir_type *t)
{
    weir_value x = {.type = t};
    x.u.i = v;
    return weir_expr_literal(&A, &x);
}

static weir_expr *lit_null(void)
{
    weir_value x = {.type = WEIR_TYPE_NULL, .is_null = true};
    return weir_expr_literal(&A, &x);
}

static weir_expr *lit_str(const char *s)
{
    weir_value x = {.type = WEIR_TYPE_STRING};
    x.u.s.p = s;
    x.u.s.len = (int32_t)strlen(s);
    return weir_expr_literal(&A, &x);
}

static weir_expr *lit_dec(__int128 v, int p, int s)
{
    weir_value x = {.type = dec(p, s)};
    x.u.dec = v;
    return weir_expr_literal(&A, &x);
}

static weir_expr *lit_bool(bool b)
{
    weir_value x = {.type = WEIR_TYPE_BOOLEAN};
    x.u.i = b;
    return weir_expr_literal(&A, &x);
}

/* Builds and binds name(args...) as the binder does for operators (fname = table name). */
static int call(weir_expr **out, weir_error *err, const char *name, int n, ...)
{
    const weir_func *f = fn(name);
    assert_non_null(f);
    weir_expr *e = weir_expr_new(&A, WEIR_EX_CALL, NULL);
    e->fn = f;
    e->fname = f->name;
    e->nargs = n;
    e->args = WEIR_ARENA_NEWN(&A, weir_expr *, n ? n : 1);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        e->args[i] = va_arg(ap, weir_expr *);
    va_end(ap);
    weir_bind_ctx bc = {&A, NULL};
    int rc = f->bind(&bc, e, err);
    *out = e;
    return rc;
}

static weir_expr *ok_call(const char *name, int n, weir_expr *a, weir_expr *b)
{
    weir_expr *e;
    weir_error err = {0};
    int rc = n == 1 ? call(&e, &err, name, 1, a) : call(&e, &err, name, 2, a, b);
    if (rc) fail_msg("%s", err.msg);
    return e;
}

static void setup_arena(void) {}

static int arena_up(void **st)
{
    (void)st;
    weir_arena_init(&A, 0);
    return 0;
}

static int arena_down(void **st)
{
    (void)st;
    weir_arena_free(&A);
    return 0;
}

/* ---- common types ----------------------------------------------------------------------- */

static void test_common_type(void **st)
{
    (void)st;
    setup_arena();
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_INT, WEIR_TYPE_BIGINT)), "bigint");
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_TINYINT, WEIR_TYPE_SMALLINT)),
                        "smallint");
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_INT, WEIR_TYPE_DOUBLE)), "double");
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_BIGINT, WEIR_TYPE_FLOAT)), "float");
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_NULL, WEIR_TYPE_DATE)), "date");
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_DATE, WEIR_TYPE_TIMESTAMP)),
                        "timestamp");
    /* string promotion (findWiderTypeForTwo) */
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_STRING, WEIR_TYPE_INT)), "string");
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_TIMESTAMP, WEIR_TYPE_STRING)),
                        "string");
    assert_null(weir_common_type(&A, WEIR_TYPE_STRING, WEIR_TYPE_BOOLEAN));
    assert_null(weir_common_type(&A, WEIR_TYPE_STRING, WEIR_TYPE_BINARY));
    assert_null(weir_common_type(&A, WEIR_TYPE_INT, WEIR_TYPE_BOOLEAN));
    assert_null(weir_common_type(&A, WEIR_TYPE_DATE, WEIR_TYPE_INT));
    /* decimals */
    assert_string_equal(tname(weir_common_type(&A, dec(10, 2), WEIR_TYPE_INT)), "decimal(12,2)");
    assert_string_equal(tname(weir_common_type(&A, dec(5, 2), dec(7, 1))), "decimal(8,2)");
    assert_string_equal(tname(weir_common_type(&A, dec(38, 0), dec(38, 38))), "decimal(38,38)");
    assert_string_equal(tname(weir_common_type(&A, dec(5, 2), WEIR_TYPE_DOUBLE)), "double");
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_FLOAT, dec(5, 2))), "double");
    assert_string_equal(tname(weir_common_type(&A, WEIR_TYPE_BIGINT, dec(3, 0))), "decimal(20,0)");
    /* tightest: the decimal must already be wider than the integral */
    assert_string_equal(tname(weir_tightest_type(&A, dec(12, 2), WEIR_TYPE_INT)), "decimal(12,2)");
    assert_null(weir_tightest_type(&A, dec(5, 0), WEIR_TYPE_INT));
    assert_null(weir_tightest_type(&A, WEIR_TYPE_STRING, WEIR_TYPE_INT));
    /* nested */
    const weir_type *ai = weir_type_array(&A, WEIR_TYPE_INT),
                    *ab = weir_type_array(&A, WEIR_TYPE_BIGINT);
    assert_string_equal(tname(weir_common_type(&A, ai, ab)), "array<bigint>");
    weir_field f1[] = {{"a", WEIR_TYPE_INT, true}}, f2[] = {{"A", WEIR_TYPE_DOUBLE, true}},
               f3[] = {{"b", WEIR_TYPE_INT, true}};
    assert_string_equal(
        tname(weir_common_type(&A, weir_type_struct(&A, f1, 1), weir_type_struct(&A, f2, 1))),
        "struct<a:double>");
    assert_null(weir_common_type(&A, weir_type_struct(&A, f1, 1), weir_type_struct(&A, f3, 1)));
    /* GREATEST / LEAST never promote to string */
    assert_null(weir_wider_type_no_string(&A, WEIR_TYPE_STRING, WEIR_TYPE_INT));
    assert_string_equal(tname(weir_wider_type_no_string(&A, dec(5, 2), WEIR_TYPE_INT)),
                        "decimal(12,2)");
}

static void test_comparison_type(void **st)
{
    (void)st;
    setup_arena();
    weir_expr *s = col("s", WEIR_TYPE_STRING), *i = col("i", WEIR_TYPE_INT);
    /* PromoteStrings: a string compared with a number takes the number's type */
    assert_string_equal(tname(weir_comparison_type(&A, s, i, false)), "int");
    assert_string_equal(tname(weir_comparison_type(&A, i, s, true)), "int");
    assert_string_equal(tname(weir_comparison_type(&A, s, col("d", dec(5, 2)), false)), "double");
    assert_string_equal(tname(weir_comparison_type(&A, s, col("d", WEIR_TYPE_DATE), false)),
                        "date");
    assert_string_equal(tname(weir_comparison_type(&A, col("t", WEIR_TYPE_TIMESTAMP), s, true)),
                        "timestamp");
    assert_string_equal(tname(weir_comparison_type(&A, s, col("b", WEIR_TYPE_BOOLEAN), true)),
                        "boolean");
    assert_string_equal(tname(weir_comparison_type(&A, s, lit_null(), true)), "string");
    assert_string_equal(tname(weir_comparison_type(&A, col("d", WEIR_TYPE_DATE),
                                                   col("t", WEIR_TYPE_TIMESTAMP), false)),
                        "timestamp");
    /* BooleanEquality only for = and <=> */
    assert_string_equal(tname(weir_comparison_type(&A, col("b", WEIR_TYPE_BOOLEAN), i, true)),
                        "int");
    assert_null(weir_comparison_type(&A, col("b", WEIR_TYPE_BOOLEAN), i, false));
    /* DecimalPrecision: integral literals need only their digits */
    assert_string_equal(
        tname(weir_comparison_type(&A, lit_int(5, WEIR_TYPE_INT), col("d", dec(3, 1)), false)),
        "decimal(3,1)");
    assert_string_equal(tname(weir_comparison_type(&A, i, col("d", dec(3, 1)), false)),
                        "decimal(11,1)");
    assert_string_equal(
        tname(weir_comparison_type(&A, col("x", WEIR_TYPE_DOUBLE), col("d", dec(3, 1)), false)),
        "double");
    assert_string_equal(tname(weir_comparison_type(&A, i, col("l", WEIR_TYPE_BIGINT), false)),
                        "bigint");
}

static void test_implicit_cast(void **st)
{
    (void)st;
    setup_arena();
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_STRING, WEIR_TYPE_DOUBLE)),
                        "double");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_STRING, WEIR_TYPE_DATE)), "date");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_STRING, WEIR_TYPE_TIMESTAMP)),
                        "timestamp");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_INT, WEIR_TYPE_BIGINT)), "bigint");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_BIGINT, WEIR_TYPE_INT)), "int");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_INT, dec(38, 18))), "decimal(10,0)");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_STRING, dec(10, 0))),
                        "decimal(38,18)");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_NULL, WEIR_TYPE_DATE)), "date");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_INT, WEIR_TYPE_STRING)), "string");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_DATE, WEIR_TYPE_TIMESTAMP)),
                        "timestamp");
    assert_string_equal(tname(weir_implicit_cast(&A, WEIR_TYPE_BOOLEAN, WEIR_TYPE_STRING)),
                        "string");
    assert_null(weir_implicit_cast(&A, WEIR_TYPE_BOOLEAN, WEIR_TYPE_DOUBLE));
    assert_null(weir_implicit_cast(&A, WEIR_TYPE_STRING, WEIR_TYPE_BOOLEAN));
    assert_null(weir_implicit_cast(&A, WEIR_TYPE_DATE, WEIR_TYPE_INT));
    assert_string_equal(tname(weir_implicit_cast(&A, weir_type_array(&A, WEIR_TYPE_INT),
                                                 weir_type_array(&A, WEIR_TYPE_STRING))),
                        "array<string>");
    /* Cast.canCast */
    assert_true(weir_can_cast(WEIR_TYPE_INT, WEIR_TYPE_STRING));
    assert_true(weir_can_cast(WEIR_TYPE_STRING, WEIR_TYPE_INT));
    assert_true(weir_can_cast(WEIR_TYPE_BOOLEAN, WEIR_TYPE_TIMESTAMP));
    assert_true(weir_can_cast(WEIR_TYPE_TIMESTAMP, WEIR_TYPE_DATE));
    assert_true(weir_can_cast(WEIR_TYPE_STRING, WEIR_TYPE_BINARY));
    assert_false(weir_can_cast(WEIR_TYPE_BINARY, WEIR_TYPE_INT));
    assert_false(weir_can_cast(WEIR_TYPE_DATE, WEIR_TYPE_INTERVAL));
    assert_true(
        weir_can_cast(weir_type_array(&A, WEIR_TYPE_INT), weir_type_array(&A, WEIR_TYPE_STRING)));
    assert_false(weir_can_cast(weir_type_map(&A, WEIR_TYPE_INT, WEIR_TYPE_INT), WEIR_TYPE_INT));
}

static void test_decimal_precision(void **st)
{
    (void)st;
    setup_arena();
    /* DecimalPrecisionSuite / decimalArithmeticOperations.sql results */
    weir_expr *a = col("a", dec(38, 18)), *b = col("b", dec(38, 18));
    assert_string_equal(tname(ok_call("*", 2, a, b)->type), "decimal(38,6)");
    assert_string_equal(tname(ok_call("/", 2, col("a", dec(38, 18)), col("b", dec(38, 18)))->type),
                        "decimal(38,6)");
    assert_string_equal(tname(ok_call("+", 2, col("a", dec(38, 18)), col("b", dec(38, 18)))->type),
                        "decimal(38,17)");
    assert_string_equal(tname(ok_call("+", 2, col("a", dec(5, 2)), col("b", dec(7, 1)))->type),
                        "decimal(9,2)");
    assert_string_equal(tname(ok_call("*", 2, col("a", dec(5, 2)), col("b", dec(7, 1)))->type),
                        "decimal(13,3)");
    assert_string_equal(tname(ok_call("/", 2, col("a", dec(5, 2)), col("b", dec(7, 1)))->type),
                        "decimal(14,10)");
    assert_string_equal(tname(ok_call("%", 2, col("a", dec(5, 2)), col("b", dec(7, 1)))->type),
                        "decimal(5,2)");
    /* 1 / 2.0: the literal 1 becomes DECIMAL(1,0) -> DECIMAL(8,6) */
    assert_string_equal(tname(ok_call("/", 2, lit_int(1, WEIR_TYPE_INT), lit_dec(20, 2, 1))->type),
                        "decimal(8,6)");
    /* a column of INT is DECIMAL(10,0) */
    assert_string_equal(tname(ok_call("+", 2, col("i", WEIR_TYPE_INT), col("d", dec(3, 1)))->type),
                        "decimal(12,1)");
    /* decimal with double -> double */
    assert_string_equal(
        tname(ok_call("+", 2, col("d", dec(3, 1)), col("x", WEIR_TYPE_DOUBLE))->type), "double");
    assert_string_equal(tname(weir_decimal_adjust(&A, 39, 10)), "decimal(38,9)");
    assert_string_equal(tname(weir_decimal_adjust(&A, 40, 2)), "decimal(38,2)");
    assert_string_equal(tname(weir_decimal_adjust(&A, 20, 2)), "decimal(20,2)");
    /* div is always BIGINT */
    assert_string_equal(tname(ok_call("div", 2, col("a", dec(10, 0)), col("b", dec(2, 0)))->type),
                        "bigint");
}

static void test_operator_types(void **st)
{
    (void)st;
    setup_arena();
    weir_expr *e = ok_call("/", 2, lit_int(5, WEIR_TYPE_INT), lit_int(2, WEIR_TYPE_INT));
    assert_string_equal(tname(e->type), "double");
    assert_int_equal(e->args[0]->kind, WEIR_EX_CAST);
    assert_true(e->args[0]->implicit);
    e = ok_call("div", 2, lit_int(5, WEIR_TYPE_INT), lit_int(2, WEIR_TYPE_INT));
    assert_string_equal(tname(e->type), "bigint");
    assert_string_equal(tname(e->args[0]->type), "bigint");
    e = ok_call("+", 2, col("s", WEIR_TYPE_STRING), lit_int(1, WEIR_TYPE_INT));
    assert_string_equal(tname(e->type), "double");
    e = ok_call("+", 2, col("i", WEIR_TYPE_INT), col("l", WEIR_TYPE_BIGINT));
    assert_string_equal(tname(e->type), "bigint");
    e = ok_call("+", 2, col("b", WEIR_TYPE_TINYINT), col("b2", WEIR_TYPE_TINYINT));
    assert_string_equal(tname(e->type), "tinyint");
    e = ok_call("-", 2, col("d", WEIR_TYPE_DATE), lit_int(1, WEIR_TYPE_INT));
    assert_string_equal(tname(e->type), "date");
    e = ok_call("+", 2, lit_int(1, WEIR_TYPE_INT), col("d", WEIR_TYPE_DATE));
    assert_string_equal(tname(e->type), "date");
    assert_string_equal(weir_expr_pretty(&A, e), "date_add(d, 1)");
    e = ok_call("-", 2, col("d", WEIR_TYPE_DATE), col("d2", WEIR_TYPE_DATE));
    assert_string_equal(tname(e->type), "interval day to second");
    e = ok_call("-", 2, col("t", WEIR_TYPE_TIMESTAMP), col("t2", WEIR_TYPE_TIMESTAMP));
    assert_string_equal(tname(e->type), "interval day to second");
    e = ok_call("+", 2, col("t", WEIR_TYPE_TIMESTAMP), col("iv", WEIR_TYPE_INTERVAL));
    assert_string_equal(tname(e->type), "timestamp");
    e = ok_call("-", 1, col("s", WEIR_TYPE_STRING), NULL);
    assert_string_equal(tname(e->type), "double");
    e = ok_call("=", 2, col("s", WEIR_TYPE_STRING), lit_int(1, WEIR_TYPE_INT));
    assert_string_equal(tname(e->args[0]->type), "int");
    e = ok_call("in", 2, col("i", WEIR_TYPE_INT), lit_str("x"));
    assert_string_equal(tname(e->args[0]->type), "string");
    e = ok_call("coalesce", 2, col("i", WEIR_TYPE_INT), col("l", WEIR_TYPE_BIGINT));
    assert_string_equal(tname(e->type), "bigint");
    e = ok_call("ceil", 1, col("i", WEIR_TYPE_INT), NULL);
    assert_string_equal(tname(e->type), "bigint");
    e = ok_call("floor", 1, lit_dec(-10, 2, 2), NULL);
    assert_string_equal(tname(e->type), "decimal(1,0)");
    e = ok_call("round", 1, lit_dec(25, 2, 1), NULL);
    assert_string_equal(tname(e->type), "decimal(2,0)");
    e = ok_call("abs", 1, col("s", WEIR_TYPE_STRING), NULL);
    assert_string_equal(tname(e->type), "double");
    e = ok_call("pmod", 2, col("a", WEIR_TYPE_SMALLINT), col("b", WEIR_TYPE_SMALLINT));
    assert_string_equal(tname(e->type), "smallint");
}

/* ---- names ----------------------------------------------------------------------------------- */

static void test_pretty(void **st)
{
    (void)st;
    setup_arena();
    weir_expr *a = col("a", WEIR_TYPE_INT), *b = col("b", WEIR_TYPE_INT);
    assert_string_equal(weir_expr_pretty(&A, ok_call("+", 2, a, lit_int(1, WEIR_TYPE_INT))),
                        "(a + 1)");
    /* implicit casts are invisible: 5 / 2 */
    assert_string_equal(
        weir_expr_pretty(&A, ok_call("/", 2, lit_int(5, WEIR_TYPE_INT), lit_int(2, WEIR_TYPE_INT))),
        "(5 / 2)");
    assert_string_equal(
        weir_expr_pretty(&A, ok_call("div", 2, lit_int(5, WEIR_TYPE_INT), lit_null())),
        "(5 div NULL)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("=", 2, a, b)), "(a = b)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("==", 2, a, b)), "(a = b)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("<>", 2, a, b)), "(NOT (a = b))");
    assert_string_equal(weir_expr_pretty(&A, ok_call("<=>", 2, a, b)), "(a <=> b)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("negative", 1, a, NULL)), "(- a)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("positive", 1, a, NULL)), "(+ a)");
    assert_string_equal(
        weir_expr_pretty(&A, ok_call("-", 1, ok_call("+", 2, a, lit_int(1, WEIR_TYPE_INT)), NULL)),
        "(- (a + 1))");
    assert_string_equal(weir_expr_pretty(&A, ok_call("~", 1, a, NULL)), "~a");
    assert_string_equal(weir_expr_pretty(&A, ok_call("not", 1, col("c", WEIR_TYPE_BOOLEAN), NULL)),
                        "(NOT c)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("isnull", 1, a, NULL)), "(a IS NULL)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("isnotnull", 1, a, NULL)), "(a IS NOT NULL)");
    weir_expr *in;
    weir_error err = {0};
    assert_int_equal(
        call(&in, &err, "in", 3, a, lit_int(1, WEIR_TYPE_INT), lit_int(2, WEIR_TYPE_INT)), 0);
    assert_string_equal(weir_expr_pretty(&A, in), "(a IN (1, 2))");
    /* user-called negative(x) keeps its function name; mod() too */
    weir_expr *neg = ok_call("negative", 1, a, NULL);
    neg->fname = weir_arena_strdup(&A, "negative");
    neg->pretty = NULL;
    assert_string_equal(weir_expr_pretty(&A, neg), "negative(a)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("mod", 2, lit_int(7, WEIR_TYPE_INT),
                                                     lit_int(2, WEIR_TYPE_INT))),
                        "mod(7, 2)");
    assert_string_equal(
        weir_expr_pretty(&A, ok_call("%", 2, lit_int(5, WEIR_TYPE_INT), lit_int(3, WEIR_TYPE_INT))),
        "(5 % 3)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("pmod", 2, lit_int(-7, WEIR_TYPE_INT),
                                                     lit_int(3, WEIR_TYPE_INT))),
                        "pmod(-7, 3)");
    /* 1 > 0.00001 is compared as (CAST(1 AS BIGINT) > 0) */
    assert_string_equal(
        weir_expr_pretty(&A, ok_call(">", 2, lit_int(1, WEIR_TYPE_INT), lit_dec(1, 5, 5))),
        "(1 > 0)");
    /* literals: strings unquoted, decimals as written, NULL, booleans, dates */
    assert_string_equal(weir_expr_pretty(&A, ok_call("abs", 1, lit_dec(-313, 3, 2), NULL)),
                        "abs(-3.13)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("abs", 1, lit_str("-2.19"), NULL)),
                        "abs(-2.19)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("coalesce", 2, lit_null(), lit_bool(true))),
                        "coalesce(NULL, true)");
    weir_value dv = {.type = WEIR_TYPE_DATE};
    dv.u.i = 18262; /* 2020-01-01 */
    assert_string_equal(weir_expr_pretty(&A, weir_expr_literal(&A, &dv)), "DATE '2020-01-01'");
    weir_value iv = {.type = WEIR_TYPE_INTERVAL};
    iv.u.i = 600000000;
    assert_string_equal(weir_expr_pretty(&A, weir_expr_literal(&A, &iv)),
                        "INTERVAL '0 00:10:00' DAY TO SECOND");
    assert_string_equal(weir_literal_pretty(&A, &(weir_value){.type = dec(8, 7), .u.dec = 1}),
                        "1E-7");
    weir_value dbl = {.type = WEIR_TYPE_DOUBLE};
    dbl.u.d = 1e10;
    assert_string_equal(weir_literal_pretty(&A, &dbl), "1.0E10");
    /* math names */
    assert_string_equal(weir_expr_pretty(&A, ok_call("sqrt", 1, lit_int(4, WEIR_TYPE_INT), NULL)),
                        "SQRT(4)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("ceil", 1, lit_dec(1, 3, 2), NULL)),
                        "CEIL(0.01)");
    assert_string_equal(
        weir_expr_pretty(&A, ok_call("ceiling", 1, lit_int(0, WEIR_TYPE_INT), NULL)), "ceiling(0)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("floor", 1, lit_dec(-10, 2, 2), NULL)),
                        "FLOOR(-0.10)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("log", 1, lit_int(10, WEIR_TYPE_INT), NULL)),
                        "LOG(E(), 10)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("ln", 1, lit_int(1, WEIR_TYPE_INT), NULL)),
                        "ln(1)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("round", 1, lit_dec(25, 2, 1), NULL)),
                        "round(2.5, 0)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("pow", 2, a, b)), "pow(a, b)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("power", 2, a, b)), "POWER(a, b)");
    assert_string_equal(weir_expr_pretty(&A, ok_call("cot", 1, lit_int(1, WEIR_TYPE_INT), NULL)),
                        "COT(1)");
    weir_expr *pi;
    assert_int_equal(call(&pi, &err, "pi", 0), 0);
    assert_string_equal(weir_expr_pretty(&A, pi), "PI()");
    weir_expr *iff;
    assert_int_equal(call(&iff, &err, "if", 3, ok_call(">", 2, a, lit_int(1, WEIR_TYPE_INT)),
                          lit_str("x"), lit_str("y")),
                     0);
    assert_string_equal(weir_expr_pretty(&A, iff), "(IF((a > 1), x, y))");
    /* explicit casts show, implicit ones do not */
    weir_expr *c = weir_expr_new(&A, WEIR_EX_CAST, WEIR_TYPE_INT);
    c->args = WEIR_ARENA_NEWN(&A, weir_expr *, 1);
    c->args[0] = col("s", WEIR_TYPE_STRING);
    c->nargs = 1;
    assert_string_equal(weir_expr_pretty(&A, c), "CAST(s AS INT)");
    assert_string_equal(
        weir_expr_pretty(&A, weir_expr_cast(&A, col("s", WEIR_TYPE_STRING), WEIR_TYPE_INT)), "s");
    /* CASE, AND, struct fields, aggregates */
    weir_expr *cw = weir_expr_new(&A, WEIR_EX_CASE, WEIR_TYPE_STRING);
    cw->args = WEIR_ARENA_NEWN(&A, weir_expr *, 3);
    cw->args[0] = ok_call(">", 2, a, lit_int(1, WEIR_TYPE_INT));
    cw->args[1] = lit_str("x");
    cw->args[2] = lit_str("y");
    cw->nargs = 3;
    cw->has_else = true;
    assert_string_equal(weir_expr_pretty(&A, cw), "CASE WHEN (a > 1) THEN x ELSE y END");
    weir_expr *and = weir_expr_new(&A, WEIR_EX_AND, WEIR_TYPE_BOOLEAN);
    and->args = WEIR_ARENA_NEWN(&A, weir_expr *, 2);
    and->args[0] = col("p", WEIR_TYPE_BOOLEAN);
    and->args[1] = col("q", WEIR_TYPE_BOOLEAN);
    and->nargs = 2;
    assert_string_equal(weir_expr_pretty(&A, and), "(p AND q)");
    weir_field fs[] = {{"emp_id", WEIR_TYPE_INT, true}};
    weir_expr *fe = weir_expr_new(&A, WEIR_EX_FIELD, WEIR_TYPE_INT);
    fe->args = WEIR_ARENA_NEWN(&A, weir_expr *, 1);
    fe->args[0] = col("x", weir_type_struct(&A, fs, 1));
    fe->nargs = 1;
    fe->field = 0;
    assert_string_equal(weir_expr_pretty(&A, fe), "x.emp_id");
    weir_expr *agg = weir_expr_new(&A, WEIR_EX_AGG, WEIR_TYPE_BIGINT);
    agg->fname = "count";
    agg->distinct = true;
    agg->args = WEIR_ARENA_NEWN(&A, weir_expr *, 1);
    agg->args[0] = a;
    agg->nargs = 1;
    assert_string_equal(weir_expr_pretty(&A, agg), "count(DISTINCT a)");
}

/* ---- errors ---------------------------------------------------------------------------------- */

static void test_errors(void **st)
{
    (void)st;
    setup_arena();
    weir_expr *e;
    weir_error err = {0};
    assert_int_equal(call(&e, &err, "+", 2, lit_int(1, WEIR_TYPE_INT), lit_bool(true)),
                     WEIR_EANALYSIS);
    assert_string_equal(
        err.msg, "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(1 + true)\" due "
                 "to data type mismatch: the left and right operands of the binary operator "
                 "have incompatible types (\"INT\" and \"BOOLEAN\").");
    assert_int_equal(call(&e, &err, "+", 2, lit_bool(true), lit_bool(false)), WEIR_EANALYSIS);
    assert_string_equal(
        err.msg, "[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] Cannot resolve \"(true + false)\" "
                 "due to data type mismatch: the binary operator requires the input type "
                 "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or "
                 "\"INTERVAL\"), not \"BOOLEAN\".");
    assert_int_equal(call(&e, &err, "sqrt", 1, lit_bool(true)), WEIR_EANALYSIS);
    assert_string_equal(
        err.msg, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"SQRT(true)\" due "
                 "to data type mismatch: The first parameter requires the \"DOUBLE\" type, "
                 "however \"true\" has the type \"BOOLEAN\".");
    assert_int_equal(call(&e, &err, "coalesce", 2, lit_int(1, WEIR_TYPE_INT), lit_bool(true)),
                     WEIR_EANALYSIS);
    assert_string_equal(
        err.msg, "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"coalesce(1, true)\" due "
                 "to data type mismatch: Input to `coalesce` should all be the same type, but "
                 "it's [\"INT\", \"BOOLEAN\"].");
    assert_int_equal(call(&e, &err, "not", 1, lit_int(1, WEIR_TYPE_INT)), WEIR_EANALYSIS);
    assert_string_equal(
        err.msg, "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"(NOT 1)\" due to "
                 "data type mismatch: The first parameter requires the \"BOOLEAN\" type, "
                 "however \"1\" has the type \"INT\".");
    assert_int_equal(call(&e, &err, "<", 2, col("i", WEIR_TYPE_INT), col("b", WEIR_TYPE_BOOLEAN)),
                     WEIR_EANALYSIS);
    assert_non_null(strstr(err.msg, "BINARY_OP_DIFF_TYPES"));
    assert_int_equal(call(&e, &err, "greatest", 2, lit_int(1, WEIR_TYPE_INT), lit_str("a")),
                     WEIR_EANALYSIS);
    assert_non_null(strstr(err.msg, "Input to `greatest` should all be the same type"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_common_type, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_comparison_type, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_implicit_cast, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_decimal_precision, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_operator_types, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_pretty, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_errors, arena_up, arena_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
