/*
 * Operator, math and conditional kernels (exec/func_ops.c, func_math.c, func_cond.c) through
 * bind + exec on hand-built expression trees. Expected values follow Spark 3.5 non-ANSI
 * results (ArithmeticExpressionSuite, PredicateSuite, MathExpressionsSuite, operators.sql.out).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plan/coerce.h"

extern const weir_func weir_funcs_ops[], weir_funcs_math[], weir_funcs_conditional[];

static weir_arena A;
static weir_error ERR;
static weir_conf_view CONF;

static int arena_up(void **st)
{
    (void)st;
    weir_arena_init(&A, 0);
    memset(&ERR, 0, sizeof ERR);
    CONF.tz = weir_tz_get("UTC", NULL);
    return 0;
}

static int arena_down(void **st)
{
    (void)st;
    weir_arena_free(&A);
    return 0;
}

static const weir_func *fn(const char *name)
{
    const weir_func *tabs[] = {weir_funcs_ops, weir_funcs_math, weir_funcs_conditional};
    for (int t = 0; t < 3; t++)
        for (const weir_func *f = tabs[t]; f->name; f++)
            if (strcmp(f->name, name) == 0) return f;
    fail_msg("no function %s", name);
    return NULL;
}

/* ---- inputs --------------------------------------------------------------------------------- */

#define N 4
static weir_vec *IN[32];
static int NIN;

/* A column from values; `nulls` marks NULL rows with 'n'. */
static weir_expr *col_vec(weir_vec *v)
{
    weir_expr *e = weir_expr_new(&A, WEIR_EX_COLUMN, v->type);
    e->col = NIN;
    e->pretty = weir_arena_sprintf(&A, "c%d", NIN);
    IN[NIN++] = v;
    return e;
}

static weir_expr *c_i32(const weir_type *t, const int64_t *v, const char *nulls)
{
    weir_vec *x = weir_vec_new(&A, t, N);
    for (int i = 0; i < N; i++) {
        if (nulls && nulls[i] == 'n') {
            weir_vec_append_null(x);
            continue;
        }
        weir_value val = {.type = t};
        val.u.i = v[i];
        weir_vec_append_value(x, &val);
    }
    return col_vec(x);
}

static weir_expr *c_dbl(const double *v, const char *nulls)
{
    weir_vec *x = weir_vec_new(&A, WEIR_TYPE_DOUBLE, N);
    for (int i = 0; i < N; i++) {
        if (nulls && nulls[i] == 'n')
            weir_vec_append_null(x);
        else
            weir_vec_append_fixed(x, &v[i]);
    }
    return col_vec(x);
}

static weir_expr *c_str(const char *const *v)
{
    weir_vec *x = weir_vec_new(&A, WEIR_TYPE_STRING, N);
    for (int i = 0; i < N; i++) {
        if (!v[i])
            weir_vec_append_null(x);
        else
            weir_vec_append_str(x, v[i], (int32_t)strlen(v[i]));
    }
    return col_vec(x);
}

static weir_expr *c_dec(const weir_type *t, const int64_t *v)
{
    weir_vec *x = weir_vec_new(&A, t, N);
    for (int i = 0; i < N; i++) {
        __int128 d = v[i];
        weir_vec_append_fixed(x, &d);
    }
    return col_vec(x);
}

static weir_expr *lit(const weir_type *t, int64_t v)
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

static weir_expr *bind(const char *name, int n, ...)
{
    const weir_func *f = fn(name);
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
    weir_bind_ctx bc = {&A, &CONF};
    if (f->bind(&bc, e, &ERR) != WEIR_OK) fail_msg("bind %s: %s", name, ERR.msg);
    return e;
}

/* A tiny evaluator for the test trees: columns, literals, implicit casts, calls. */
static weir_vec *eval(const weir_expr *e)
{
    weir_eval_ctx ctx = {&A, &CONF, 0, &ERR};
    switch (e->kind) {
    case WEIR_EX_COLUMN: return IN[e->col];
    case WEIR_EX_LITERAL: {
        weir_vec *v = weir_vec_new(&A, e->type, N);
        for (int i = 0; i < N; i++)
            weir_vec_append_value(v, &e->lit);
        if (e->type->id == WEIR_T_NULL) v->len = N;
        return v;
    }
    case WEIR_EX_CAST: {
        weir_vec *out;
        if (weir_cast_vec(&ctx, eval(e->args[0]), e->type, false, &out) != WEIR_OK)
            fail_msg("cast: %s", ERR.msg);
        return out;
    }
    default: {
        weir_vec *args[8];
        for (int i = 0; i < e->nargs; i++)
            args[i] = eval(e->args[i]);
        weir_vec *out;
        if (e->fn->exec(&ctx, e, args, N, &out) != WEIR_OK) fail_msg("exec: %s", ERR.msg);
        assert_true(weir_type_equal(out->type, e->type));
        return out;
    }
    }
}

static bool isnull(const weir_vec *v, int i)
{
    return v->type->id == WEIR_T_NULL || weir_vec_is_null(v, i);
}

/* "1,0,n,1": expected booleans per row. */
static void expect_bool(const weir_vec *v, const char *want)
{
    for (int i = 0; i < N; i++) {
        char w = want[2 * i];
        if (w == 'n') {
            assert_true(isnull(v, i));
        } else {
            assert_false(isnull(v, i));
            assert_int_equal(((const uint8_t *)v->data)[i], w == '1');
        }
    }
}

static int64_t ival(const weir_vec *v, int i)
{
    weir_value x;
    weir_vec_get(v, i, &x);
    assert_false(x.is_null);
    return x.u.i;
}

static double dval(const weir_vec *v, int i)
{
    weir_value x;
    weir_vec_get(v, i, &x);
    assert_false(x.is_null);
    return x.u.d;
}

static int64_t decval(const weir_vec *v, int i)
{
    weir_value x;
    weir_vec_get(v, i, &x);
    assert_false(x.is_null);
    return (int64_t)x.u.dec;
}

/* ---- arithmetic --------------------------------------------------------------------------- */

static void test_int_arith(void **st)
{
    (void)st;
    NIN = 0;
    int64_t a[N] = {2147483647, -7, 5, 1}, b[N] = {1, 3, 0, 9};
    weir_expr *x = c_i32(WEIR_TYPE_INT, a, "...n"), *y = c_i32(WEIR_TYPE_INT, b, NULL);
    weir_vec *r = eval(bind("+", 2, x, y));
    assert_int_equal(ival(r, 0), INT32_MIN); /* wraps */
    assert_int_equal(ival(r, 1), -4);
    assert_true(isnull(r, 3)); /* NULL propagates */
    r = eval(bind("*", 2, x, y));
    assert_int_equal(ival(r, 0), 2147483647);
    r = eval(bind("%", 2, x, y));
    assert_int_equal(ival(r, 1), -1);
    assert_true(isnull(r, 2)); /* % 0 is NULL */
    r = eval(bind("pmod", 2, x, y));
    assert_int_equal(ival(r, 1), 2);
    assert_true(isnull(r, 2));
    r = eval(bind("/", 2, x, y));
    assert_int_equal(r->type->id, WEIR_T_DOUBLE);
    assert_true(dval(r, 1) == -7.0 / 3.0);
    assert_true(isnull(r, 2)); /* / 0 is NULL */
    r = eval(bind("div", 2, x, y));
    assert_int_equal(r->type->id, WEIR_T_BIGINT);
    assert_int_equal(ival(r, 1), -2);
    assert_true(isnull(r, 2));
    /* the edges that are undefined in C */
    int64_t m[N] = {INT32_MIN, INT32_MIN, -128, 7}, m1[N] = {-1, -1, -1, -1};
    x = c_i32(WEIR_TYPE_INT, m, NULL);
    y = c_i32(WEIR_TYPE_INT, m1, NULL);
    assert_int_equal(ival(eval(bind("%", 2, x, y)), 0), 0);
    assert_int_equal(ival(eval(bind("div", 2, x, y)), 0), (int64_t)2147483648LL);
    assert_int_equal(ival(eval(bind("negative", 1, x)), 0), INT32_MIN);
    assert_int_equal(ival(eval(bind("abs", 1, x)), 0), INT32_MIN);
    int64_t l[N] = {INT64_MIN, 5, 0, 0};
    weir_expr *xl = c_i32(WEIR_TYPE_BIGINT, l, NULL), *yl = c_i32(WEIR_TYPE_BIGINT, m1, NULL);
    assert_int_equal(ival(eval(bind("div", 2, xl, yl)), 0), INT64_MIN);
    /* tinyint arithmetic stays tinyint and wraps */
    int64_t t1[N] = {127, -128, 100, 0}, t2[N] = {1, -1, 100, 0};
    weir_vec *tr =
        eval(bind("+", 2, c_i32(WEIR_TYPE_TINYINT, t1, NULL), c_i32(WEIR_TYPE_TINYINT, t2, NULL)));
    assert_int_equal(tr->type->id, WEIR_T_TINYINT);
    assert_int_equal(ival(tr, 0), -128);
    assert_int_equal(ival(tr, 1), 127);
    assert_int_equal(ival(tr, 2), -56);
    /* bitwise */
    int64_t b1[N] = {12, 5, -1, 0}, b2[N] = {10, 3, 1, 0};
    weir_expr *p = c_i32(WEIR_TYPE_INT, b1, NULL), *q = c_i32(WEIR_TYPE_INT, b2, NULL);
    assert_int_equal(ival(eval(bind("&", 2, p, q)), 0), 8);
    assert_int_equal(ival(eval(bind("|", 2, p, q)), 0), 14);
    assert_int_equal(ival(eval(bind("^", 2, p, q)), 0), 6);
    assert_int_equal(ival(eval(bind("~", 1, p)), 0), -13);
}

static void test_double_arith(void **st)
{
    (void)st;
    NIN = 0;
    double a[N] = {NAN, 1.0, -7.5, 0.0}, b[N] = {1.0, 0.0, 2.0, 0.0};
    weir_expr *x = c_dbl(a, NULL), *y = c_dbl(b, NULL);
    weir_vec *r = eval(bind("/", 2, x, y));
    assert_true(isnan(dval(r, 0)));
    assert_true(isnull(r, 1)); /* 1.0 / 0.0 is NULL, not Infinity */
    assert_true(isnull(r, 3)); /* 0.0 / 0.0 is NULL, not NaN */
    r = eval(bind("%", 2, x, y));
    assert_true(dval(r, 2) == -1.5);
    r = eval(bind("pmod", 2, x, y));
    assert_true(dval(r, 2) == 0.5);
    /* strings in arithmetic are doubles */
    const char *s[N] = {"1.5", "abc", NULL, " 2 "};
    int64_t one[N] = {1, 1, 1, 1};
    weir_expr *e = bind("+", 2, c_str(s), c_i32(WEIR_TYPE_INT, one, NULL));
    assert_int_equal(e->type->id, WEIR_T_DOUBLE);
    r = eval(e);
    assert_true(dval(r, 0) == 2.5);
    assert_true(isnull(r, 1));
    assert_true(isnull(r, 2));
    assert_true(dval(r, 3) == 3.0);
}

static void test_decimal_arith(void **st)
{
    (void)st;
    NIN = 0;
    const weir_type *d11 = weir_type_decimal(&A, 1, 1);
    int64_t a[N] = {1, 9, -3, 0}, b[N] = {2, 9, 1, 0};
    weir_expr *x = c_dec(d11, a), *y = c_dec(d11, b);
    weir_expr *e = bind("+", 2, x, y);
    assert_int_equal(e->type->precision, 2);
    assert_int_equal(e->type->scale, 1);
    weir_vec *r = eval(e);
    assert_int_equal(decval(r, 0), 3);  /* 0.1 + 0.2 = 0.3 exactly */
    assert_int_equal(decval(r, 1), 18); /* 0.9 + 0.9 = 1.8 */
    e = bind("*", 2, x, y);
    assert_int_equal(e->type->precision, 3);
    assert_int_equal(e->type->scale, 2);
    r = eval(e);
    assert_int_equal(decval(r, 2), -3); /* -0.3 * 0.1 = -0.03 */
    /* 1 / 3 and 2 / 3 in DECIMAL(1,0): DECIMAL(7,6), HALF_UP */
    const weir_type *d10 = weir_type_decimal(&A, 1, 0);
    int64_t n1[N] = {1, 2, -2, 5}, n3[N] = {3, 3, 3, 0};
    e = bind("/", 2, c_dec(d10, n1), c_dec(d10, n3));
    assert_int_equal(e->type->precision, 7);
    assert_int_equal(e->type->scale, 6);
    r = eval(e);
    assert_int_equal(decval(r, 0), 333333);
    assert_int_equal(decval(r, 1), 666667);
    assert_int_equal(decval(r, 2), -666667);
    assert_true(isnull(r, 3)); /* division by zero */
    /* DECIMAL(38,18) * DECIMAL(38,18) -> DECIMAL(38,6): 1.5 * 2.25 = 3.375 */
    const weir_type *big = weir_type_decimal(&A, 38, 18);
    int64_t e18 = 1000000000000000000LL;
    int64_t p1[N] = {e18 + e18 / 2, 0, 0, 0}, p2[N] = {2 * e18 + e18 / 4, 0, 0, 0};
    e = bind("*", 2, c_dec(big, p1), c_dec(big, p2));
    r = eval(e);
    assert_int_equal(decval(r, 0), 3375000);
    /* overflow of the result precision is NULL (non-ANSI) */
    const weir_type *d20 = weir_type_decimal(&A, 2, 0);
    int64_t h[N] = {99, 50, 1, 1};
    e = bind("*", 2, c_dec(d20, h), c_dec(d20, h));
    assert_int_equal(e->type->precision, 5);
    r = eval(e);
    assert_int_equal(decval(r, 0), 9801);
    /* int column with a decimal: INT -> DECIMAL(10,0) */
    int64_t iv[N] = {2, 3, 4, 5};
    e = bind("+", 2, c_i32(WEIR_TYPE_INT, iv, NULL), c_dec(d11, a));
    assert_int_equal(e->type->precision, 12);
    r = eval(e);
    assert_int_equal(decval(r, 0), 21); /* 2 + 0.1 */
    /* % and pmod keep the sign rules of BigDecimal */
    const weir_type *d21 = weir_type_decimal(&A, 2, 1);
    int64_t ra[N] = {-75, 75, 10, 0}, rb[N] = {20, -20, 0, 0};
    r = eval(bind("%", 2, c_dec(d21, ra), c_dec(d21, rb)));
    assert_int_equal(decval(r, 0), -15); /* -7.5 % 2.0 = -1.5 */
    assert_int_equal(decval(r, 1), 15);
    assert_true(isnull(r, 2));
    r = eval(bind("pmod", 2, c_dec(d21, ra), c_dec(d21, rb)));
    assert_int_equal(decval(r, 0), 5);
    /* 51 div 2 over decimals */
    r = eval(bind("div", 2, c_dec(d21, ra), c_dec(d21, rb)));
    assert_int_equal(ival(r, 0), -3);
    assert_true(isnull(r, 2));
}

/* ---- comparisons --------------------------------------------------------------------------- */

static void test_compare(void **st)
{
    (void)st;
    NIN = 0;
    double a[N] = {NAN, NAN, -0.0, 1.0}, b[N] = {NAN, 1e308, 0.0, 2.0};
    weir_expr *x = c_dbl(a, NULL), *y = c_dbl(b, NULL);
    expect_bool(eval(bind("=", 2, x, y)), "1,0,1,0");
    expect_bool(eval(bind(">", 2, x, y)), "0,1,0,0");
    expect_bool(eval(bind("<", 2, x, y)), "0,0,0,1");
    expect_bool(eval(bind("<>", 2, x, y)), "0,1,0,1");
    expect_bool(eval(bind("<=>", 2, x, y)), "1,0,1,0");
    /* NULLs */
    int64_t i1[N] = {1, 1, 0, 0}, i2[N] = {1, 2, 0, 0};
    weir_expr *p = c_i32(WEIR_TYPE_INT, i1, "..nn"), *q = c_i32(WEIR_TYPE_INT, i2, ".n.n");
    expect_bool(eval(bind("=", 2, p, q)), "1,n,n,n");
    expect_bool(eval(bind("<=>", 2, p, q)), "1,0,0,1");
    expect_bool(eval(bind("isnull", 1, p)), "0,0,1,1");
    expect_bool(eval(bind("isnotnull", 1, q)), "1,0,1,0");
    /* strings compare as UTF-8 bytes */
    const char *s1[N] = {"a", "abc", "\xc3\xa9", NULL}, *s2[N] = {"b", "ab", "z", "x"};
    weir_expr *u = c_str(s1), *v = c_str(s2);
    expect_bool(eval(bind("<", 2, u, v)), "1,0,0,n");
    /* string = int compares as INT: '1.5' = 1 is true in Spark */
    const char *s3[N] = {"1.5", "2", "x", " 1"};
    int64_t ones[N] = {1, 1, 1, 1};
    weir_expr *e = bind("=", 2, c_str(s3), c_i32(WEIR_TYPE_INT, ones, NULL));
    expect_bool(eval(e), "1,0,n,1");
    /* int vs bigint */
    int64_t big[N] = {4294967296LL, 1, 1, 1};
    expect_bool(
        eval(bind("<", 2, c_i32(WEIR_TYPE_INT, ones, NULL), c_i32(WEIR_TYPE_BIGINT, big, NULL))),
        "1,0,0,0");
    /* boolean = 1 */
    int64_t bo[N] = {1, 0, 1, 0};
    expect_bool(eval(bind("=", 2, c_i32(WEIR_TYPE_BOOLEAN, bo, NULL), lit(WEIR_TYPE_INT, 1))),
                "1,0,1,0");
    /* NOT */
    expect_bool(eval(bind("not", 1, c_i32(WEIR_TYPE_BOOLEAN, bo, "n..."))), "n,1,0,1");
    /* int column > decimal literal is compared with floor/ceil of the literal */
    int64_t iv[N] = {0, 1, 2, -1};
    weir_value dl = {.type = weir_type_decimal(&A, 2, 1)};
    dl.u.dec = 15; /* 1.5 */
    e = bind(">", 2, c_i32(WEIR_TYPE_INT, iv, NULL), weir_expr_literal(&A, &dl));
    expect_bool(eval(e), "0,0,1,0");
    e = bind("<=", 2, c_i32(WEIR_TYPE_INT, iv, NULL), weir_expr_literal(&A, &dl));
    expect_bool(eval(e), "1,1,0,1");
}

static void test_in(void **st)
{
    (void)st;
    NIN = 0;
    int64_t v[N] = {1, 3, 0, 2};
    weir_expr *x = c_i32(WEIR_TYPE_INT, v, "..n.");
    /* 1 IN (1, NULL) true; 3 IN (1, NULL) NULL; NULL IN (..) NULL; 2 IN (1, 2) */
    expect_bool(eval(bind("in", 3, x, lit(WEIR_TYPE_INT, 1), lit_null())), "1,n,n,n");
    expect_bool(eval(bind("in", 3, x, lit(WEIR_TYPE_INT, 1), lit(WEIR_TYPE_INT, 2))), "1,0,n,1");
    /* mixed types: INT IN (BIGINT) */
    expect_bool(eval(bind("in", 2, x, lit(WEIR_TYPE_BIGINT, 3))), "0,1,n,0");
}

/* ---- math ------------------------------------------------------------------------------------ */

static void test_math(void **st)
{
    (void)st;
    NIN = 0;
    double a[N] = {2.5, -2.5, 2.675, 1234.5678};
    weir_expr *x = c_dbl(a, NULL);
    weir_vec *r = eval(bind("round", 1, x));
    assert_true(dval(r, 0) == 3.0);
    assert_true(dval(r, 1) == -3.0);
    r = eval(bind("bround", 1, x));
    assert_true(dval(r, 0) == 2.0);
    assert_true(dval(r, 1) == -2.0);
    r = eval(bind("round", 2, x, lit(WEIR_TYPE_INT, 2)));
    assert_true(dval(r, 2) == 2.68); /* BigDecimal of "2.675", not the binary value */
    r = eval(bind("round", 2, x, lit(WEIR_TYPE_INT, -2)));
    assert_true(dval(r, 3) == 1200.0);
    int64_t iv[N] = {1250, 1350, -1250, 127};
    weir_expr *xi = c_i32(WEIR_TYPE_INT, iv, NULL);
    r = eval(bind("round", 2, xi, lit(WEIR_TYPE_INT, -2)));
    assert_int_equal(ival(r, 0), 1300);
    assert_int_equal(ival(r, 2), -1300);
    r = eval(bind("bround", 2, xi, lit(WEIR_TYPE_INT, -2)));
    assert_int_equal(ival(r, 0), 1200);
    assert_int_equal(ival(r, 1), 1400);
    /* decimals: round(2.5) = 3 as DECIMAL(2,0), floor(-0.10) = -1, ceil(0.01) = 1 */
    int64_t dv[N] = {25, -25, 24, 0};
    r = eval(bind("round", 1, c_dec(weir_type_decimal(&A, 2, 1), dv)));
    assert_int_equal(decval(r, 0), 3);
    assert_int_equal(decval(r, 1), -3);
    assert_int_equal(decval(r, 2), 2);
    int64_t fv[N] = {-10, 1, 0, 99};
    const weir_type *d22 = weir_type_decimal(&A, 2, 2);
    r = eval(bind("floor", 1, c_dec(d22, fv)));
    assert_int_equal(r->type->precision, 1);
    assert_int_equal(decval(r, 0), -1);
    assert_int_equal(decval(r, 1), 0);
    r = eval(bind("ceil", 1, c_dec(d22, fv)));
    assert_int_equal(decval(r, 0), 0);
    assert_int_equal(decval(r, 1), 1);
    /* ceil/floor of doubles are BIGINT */
    double c[N] = {-0.1, 0.1, 1e300, NAN};
    weir_expr *xc = c_dbl(c, NULL);
    r = eval(bind("ceil", 1, xc));
    assert_int_equal(r->type->id, WEIR_T_BIGINT);
    assert_int_equal(ival(r, 0), 0);
    assert_int_equal(ival(r, 2), INT64_MAX); /* Java's saturating (long) */
    assert_int_equal(ival(r, 3), 0);
    r = eval(bind("floor", 1, xc));
    assert_int_equal(ival(r, 0), -1);
    /* logs: NULL at or below the asymptote; sqrt(-1) is NaN */
    double l[N] = {0.0, -1.0, 100.0, 8.0};
    weir_expr *xl = c_dbl(l, NULL);
    r = eval(bind("ln", 1, xl));
    assert_true(isnull(r, 0) && isnull(r, 1));
    r = eval(bind("log10", 1, xl));
    assert_true(dval(r, 2) == 2.0);
    r = eval(bind("log2", 1, xl));
    assert_true(dval(r, 3) == 3.0);
    r = eval(bind("log", 2, lit(WEIR_TYPE_INT, 10), xl));
    assert_true(isnull(r, 0));
    assert_true(dval(r, 2) == 2.0);
    r = eval(bind("sqrt", 1, xl));
    assert_true(isnan(dval(r, 1)));
    r = eval(bind("pow", 2, lit(WEIR_TYPE_INT, 2), lit(WEIR_TYPE_INT, 3)));
    assert_true(dval(r, 0) == 8.0);
    r = eval(bind("sign", 1, xl));
    assert_true(dval(r, 1) == -1.0 && dval(r, 0) == 0.0);
    /* pmod(-7, 2) = 1; factorial; hex; bin; shifts */
    int64_t m7[N] = {-7, 0, 7, 5}, two[N] = {2, 2, 0, 2};
    r = eval(bind("pmod", 2, c_i32(WEIR_TYPE_INT, m7, NULL), c_i32(WEIR_TYPE_INT, two, NULL)));
    assert_int_equal(ival(r, 0), 1);
    assert_int_equal(ival(r, 1), 0);
    assert_true(isnull(r, 2));
    int64_t fa[N] = {5, 20, 21, -1};
    r = eval(bind("factorial", 1, c_i32(WEIR_TYPE_INT, fa, NULL)));
    assert_int_equal(ival(r, 0), 120);
    assert_int_equal(ival(r, 1), 2432902008176640000LL);
    assert_true(isnull(r, 2) && isnull(r, 3));
    int64_t hx[N] = {17, -1, 0, 13};
    weir_expr *xh = c_i32(WEIR_TYPE_INT, hx, NULL);
    r = eval(bind("hex", 1, xh));
    int32_t len;
    assert_memory_equal(weir_vec_str(r, 0, &len), "11", 2);
    assert_int_equal(len, 2);
    assert_memory_equal(weir_vec_str(r, 1, &len), "FFFFFFFFFFFFFFFF", 16);
    r = eval(bind("bin", 1, xh));
    assert_memory_equal(weir_vec_str(r, 3, &len), "1101", 4);
    assert_int_equal(len, 4);
    r = eval(bind("shiftleft", 2, xh, lit(WEIR_TYPE_INT, 1)));
    assert_int_equal(ival(r, 0), 34);
    r = eval(bind("shiftrightunsigned", 2, xh, lit(WEIR_TYPE_INT, 28)));
    assert_int_equal(ival(r, 1), 15);
    r = eval(bind("e", 0));
    assert_true(dval(r, 0) == 2.718281828459045);
}

/* ---- conditional -------------------------------------------------------------------------------
 */

static void test_conditional(void **st)
{
    (void)st;
    NIN = 0;
    int64_t a[N] = {1, 2, 3, 4}, b[N] = {10, 20, 30, 40};
    weir_expr *x = c_i32(WEIR_TYPE_INT, a, "n.n."), *y = c_i32(WEIR_TYPE_BIGINT, b, "nn..");
    weir_expr *e = bind("coalesce", 3, x, y, lit(WEIR_TYPE_INT, 7));
    assert_int_equal(e->type->id, WEIR_T_BIGINT);
    weir_vec *r = eval(e);
    assert_int_equal(ival(r, 0), 7);
    assert_int_equal(ival(r, 1), 2);
    assert_int_equal(ival(r, 2), 30);
    assert_int_equal(ival(r, 3), 4);
    r = eval(bind("nvl", 2, x, y));
    assert_true(isnull(r, 0));
    const char *s1[N] = {NULL, "x", NULL, "z"}, *s2[N] = {"a", "b", NULL, "d"};
    r = eval(bind("coalesce", 2, c_str(s1), c_str(s2)));
    assert_memory_equal(weir_vec_str(r, 0, &(int32_t){0}), "a", 1);
    assert_memory_equal(weir_vec_str(r, 1, &(int32_t){0}), "x", 1);
    assert_true(isnull(r, 2));
    /* if: NULL condition takes the else branch */
    int64_t c[N] = {1, 0, 0, 1};
    r = eval(bind("if", 3, c_i32(WEIR_TYPE_BOOLEAN, c, "..n."), lit(WEIR_TYPE_INT, 1),
                  lit(WEIR_TYPE_BIGINT, 2)));
    assert_int_equal(r->type->id, WEIR_T_BIGINT);
    assert_int_equal(ival(r, 0), 1);
    assert_int_equal(ival(r, 1), 2);
    assert_int_equal(ival(r, 2), 2);
    r = eval(bind("nvl2", 3, x, lit(WEIR_TYPE_INT, 1), lit(WEIR_TYPE_INT, 0)));
    assert_int_equal(ival(r, 0), 0);
    assert_int_equal(ival(r, 1), 1);
    int64_t n1[N] = {1, 2, 3, 4}, n2[N] = {1, 0, 3, 0};
    r = eval(bind("nullif", 2, c_i32(WEIR_TYPE_INT, n1, NULL), c_i32(WEIR_TYPE_INT, n2, NULL)));
    assert_true(isnull(r, 0));
    assert_int_equal(ival(r, 1), 2);
    /* greatest / least skip NULLs; NaN is the greatest double */
    double d1[N] = {1.0, NAN, 0.0, 5.0}, d2[N] = {2.0, 1.0, 0.0, 3.0};
    weir_expr *p = c_dbl(d1, "..n."), *q = c_dbl(d2, "...n");
    r = eval(bind("greatest", 2, p, q));
    assert_true(dval(r, 0) == 2.0);
    assert_true(isnan(dval(r, 1)));
    assert_true(dval(r, 2) == 0.0);
    assert_true(dval(r, 3) == 5.0);
    r = eval(bind("least", 3, p, q, lit(WEIR_TYPE_INT, 4)));
    assert_true(dval(r, 0) == 1.0);
    assert_true(dval(r, 1) == 1.0);
    assert_true(dval(r, 3) == 4.0);
    expect_bool(eval(bind("isnan", 1, p)), "0,1,0,0");
    r = eval(bind("nanvl", 2, p, lit(WEIR_TYPE_INT, 9)));
    assert_true(dval(r, 1) == 9.0);
    assert_true(isnull(r, 2));
}

static void test_datetime_ops(void **st)
{
    (void)st;
    NIN = 0;
    int64_t d[N] = {18262, 0, 1, 2}, k[N] = {1, -1, 30, 0};
    weir_vec *r = eval(bind("+", 2, c_i32(WEIR_TYPE_DATE, d, NULL), c_i32(WEIR_TYPE_INT, k, NULL)));
    assert_int_equal(r->type->id, WEIR_T_DATE);
    assert_int_equal(ival(r, 0), 18263);
    assert_int_equal(ival(r, 1), -1);
    r = eval(bind("-", 2, c_i32(WEIR_TYPE_DATE, d, NULL), c_i32(WEIR_TYPE_DATE, k, NULL)));
    assert_int_equal(r->type->id, WEIR_T_INTERVAL);
    assert_int_equal(ival(r, 0), (int64_t)18261 * 86400000000LL);
    int64_t t1[N] = {1000000, 0, 0, 0}, t2[N] = {250000, 0, 0, 0}, iv[N] = {600000000, 0, 0, 0};
    r = eval(
        bind("-", 2, c_i32(WEIR_TYPE_TIMESTAMP, t1, NULL), c_i32(WEIR_TYPE_TIMESTAMP, t2, NULL)));
    assert_int_equal(ival(r, 0), 750000);
    weir_expr *ts = c_i32(WEIR_TYPE_TIMESTAMP, t1, NULL);
    weir_expr *ivc = c_i32(WEIR_TYPE_INTERVAL, iv, NULL);
    weir_expr *e = bind("+", 2, ts, ivc);
    r = eval(e);
    assert_int_equal(r->type->id, WEIR_T_TIMESTAMP);
    assert_int_equal(ival(r, 0), 601000000);
    assert_string_equal(weir_expr_pretty(&A, e), "c6 + c7");
    r = eval(bind("*", 2, c_i32(WEIR_TYPE_INTERVAL, iv, NULL), lit(WEIR_TYPE_INT, 3)));
    assert_int_equal(ival(r, 0), 1800000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_int_arith, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_double_arith, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_decimal_arith, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_compare, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_in, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_math, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_conditional, arena_up, arena_down),
        cmocka_unit_test_setup_teardown(test_datetime_ops, arena_up, arena_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
