/*
 * Aggregate kernels (exec/func_agg.c) driven directly: bind, then update with several
 * groups sharing state pointers, merge of partial states, final. Expected values are
 * Spark 3.5's (the SQL reference examples of each function and AggregateFunctionsSuite /
 * DataFrameAggregateSuite behaviour: empty input, NULL skipping, overflow, n = 1).
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

#include "plan/expr.h"

extern const weir_func weir_funcs_agg[];

/* ---- fixtures ------------------------------------------------------------------------- */

typedef struct fx {
    weir_arena plan, state, batch;
    weir_conf_view conf;
    weir_error err;
    weir_agg_ctx ctx;
    weir_bind_ctx bc;
} fx;

static int fx_setup(void **st)
{
    fx *f = calloc(1, sizeof *f);
    weir_arena_init(&f->plan, 0);
    weir_arena_init(&f->state, 0);
    weir_arena_init(&f->batch, 0);
    f->ctx = (weir_agg_ctx){&f->state, &f->conf, &f->err};
    f->bc = (weir_bind_ctx){&f->plan, &f->conf};
    *st = f;
    return 0;
}

static int fx_teardown(void **st)
{
    fx *f = *st;
    weir_arena_free(&f->plan);
    weir_arena_free(&f->state);
    weir_arena_free(&f->batch);
    free(f);
    return 0;
}

static const weir_func *agg_fn(const char *name)
{
    for (const weir_func *fn = weir_funcs_agg; fn->name; fn++)
        if (!strcmp(fn->name, name)) return fn;
    return NULL;
}

static weir_expr *col(fx *f, int i, const weir_type *t)
{
    weir_expr *e = WEIR_ARENA_NEW(&f->plan, weir_expr);
    e->kind = WEIR_EX_COLUMN;
    e->type = t;
    e->nullable = true;
    e->col = i;
    e->pretty = weir_arena_sprintf(&f->plan, "c%d", i);
    return e;
}

static weir_expr *lit_bool(fx *f, bool b)
{
    weir_expr *e = WEIR_ARENA_NEW(&f->plan, weir_expr);
    e->kind = WEIR_EX_LITERAL;
    e->type = WEIR_TYPE_BOOLEAN;
    e->lit.type = WEIR_TYPE_BOOLEAN;
    e->lit.u.i = b;
    e->pretty = b ? "true" : "false";
    return e;
}

static weir_expr *lit_double(fx *f, double d)
{
    weir_expr *e = WEIR_ARENA_NEW(&f->plan, weir_expr);
    e->kind = WEIR_EX_LITERAL;
    e->type = WEIR_TYPE_DOUBLE;
    e->lit.type = WEIR_TYPE_DOUBLE;
    e->lit.u.d = d;
    e->pretty = "rsd";
    return e;
}

/* Builds and binds name(args...). Returns NULL (with f->err set) when bind fails. */
static weir_expr *agg_n(fx *f, const char *name, int nargs, weir_expr **args)
{
    weir_expr *e = WEIR_ARENA_NEW(&f->plan, weir_expr);
    e->kind = WEIR_EX_AGG;
    e->fn = agg_fn(name);
    assert_non_null(e->fn);
    e->fname = name;
    e->nargs = nargs;
    e->args = WEIR_ARENA_NEWN(&f->plan, weir_expr *, nargs ? nargs : 1);
    for (int i = 0; i < nargs; i++)
        e->args[i] = args[i];
    e->line = 1;
    weir_err_clear(&f->err);
    if (e->fn->bind(&f->bc, e, &f->err) != WEIR_OK) return NULL;
    return e;
}

static weir_expr *agg1(fx *f, const char *name, weir_expr *a)
{
    return agg_n(f, name, 1, &a);
}

static weir_expr *agg2(fx *f, const char *name, weir_expr *a, weir_expr *b)
{
    weir_expr *args[2] = {a, b};
    return agg_n(f, name, 2, args);
}

/* Vectors from C arrays; nulls[i] != 0 marks row i NULL (nulls may be NULL). */
static weir_vec *vec_fixed(fx *f, const weir_type *t, const void *vals, const int *nulls, int n)
{
    weir_vec *v = weir_vec_new(&f->batch, t, n);
    size_t w = weir_type_width(t);
    for (int i = 0; i < n; i++) {
        if (nulls && nulls[i])
            assert_int_equal(weir_vec_append_null(v), WEIR_OK);
        else
            assert_int_equal(weir_vec_append_fixed(v, (const char *)vals + w * i), WEIR_OK);
    }
    return v;
}

static weir_vec *vec_str(fx *f, const char *const *vals, int n)
{
    weir_vec *v = weir_vec_new(&f->batch, WEIR_TYPE_STRING, n);
    for (int i = 0; i < n; i++) {
        if (!vals[i])
            assert_int_equal(weir_vec_append_null(v), WEIR_OK);
        else
            assert_int_equal(weir_vec_append_str(v, vals[i], (int32_t)strlen(vals[i])), WEIR_OK);
    }
    return v;
}

/* ngroups states; group[i] is row i's group. */
typedef struct groups {
    void *st[8];
    void *rowst[64];
    int n;
} groups;

static void groups_init(fx *f, const weir_expr *e, groups *g, int ngroups)
{
    size_t sz = e->fn->state_size(e);
    assert_int_equal(sz % 16, 0);
    g->n = ngroups;
    for (int k = 0; k < ngroups; k++) {
        g->st[k] = weir_arena_calloc(&f->state, sz);
        e->fn->agg_init(e, g->st[k]);
    }
}

static int update(fx *f, const weir_expr *e, groups *g, const int *group, weir_vec **args, int n)
{
    for (int i = 0; i < n; i++)
        g->rowst[i] = g->st[group ? group[i] : 0];
    return e->fn->agg_update(&f->ctx, e, g->rowst, args, n);
}

static weir_vec * final(fx *f, const weir_expr *e, groups *g)
{
    weir_vec *out = weir_vec_new(&f->batch, e->type, 1);
    assert_int_equal(e->fn->agg_final(&f->ctx, e, g->st, g->n, out), WEIR_OK);
    assert_int_equal(out->len, g->n);
    return out;
}

static int64_t i64_at(const weir_vec *v, int i)
{
    assert_false(weir_vec_is_null(v, i));
    return WEIR_VEC_DATA(v, int64_t)[i];
}

static double f64_at(const weir_vec *v, int i)
{
    assert_false(weir_vec_is_null(v, i));
    return WEIR_VEC_DATA(v, double)[i];
}

/* ---- count --------------------------------------------------------------------------- */

static void test_count(void **st)
{
    fx *f = *st;
    int32_t vals[] = {1, 2, 3, 4, 5, 6};
    int nulls[] = {0, 1, 0, 0, 1, 0};
    int group[] = {0, 0, 1, 0, 1, 1};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_INT, vals, nulls, 6);
    weir_vec *w = vec_fixed(f, WEIR_TYPE_INT, vals, NULL, 6);

    /* count(*) as zero arguments: every row; a group with no rows counts 0 */
    weir_expr *star = agg_n(f, "count", 0, NULL);
    assert_non_null(star);
    assert_int_equal(star->type->id, WEIR_T_BIGINT);
    assert_false(star->nullable);
    assert_string_equal(star->fn->pretty(&f->plan, star), "count(1)");
    groups g;
    groups_init(f, star, &g, 3);
    assert_int_equal(update(f, star, &g, group, NULL, 6), WEIR_OK);
    weir_vec *out = final(f, star, &g);
    assert_int_equal(i64_at(out, 0), 3);
    assert_int_equal(i64_at(out, 1), 3);
    assert_int_equal(i64_at(out, 2), 0);

    /* count(c0) skips NULLs */
    weir_expr *c = agg1(f, "count", col(f, 0, WEIR_TYPE_INT));
    groups_init(f, c, &g, 2);
    assert_int_equal(update(f, c, &g, group, &v, 6), WEIR_OK);
    out = final(f, c, &g);
    assert_int_equal(i64_at(out, 0), 2);
    assert_int_equal(i64_at(out, 1), 2);

    /* count(c0, c1): rows where every argument is non-NULL */
    weir_expr *c2 = agg2(f, "count", col(f, 0, WEIR_TYPE_INT), col(f, 1, WEIR_TYPE_INT));
    assert_string_equal(c2->fn->pretty(&f->plan, c2), "count(c0, c1)");
    weir_vec *args[2] = {w, v};
    groups_init(f, c2, &g, 1);
    assert_int_equal(update(f, c2, &g, NULL, args, 6), WEIR_OK);
    out = final(f, c2, &g);
    assert_int_equal(i64_at(out, 0), 4);

    /* count(NULL) = 0 */
    weir_vec *nv = weir_vec_nulls(&f->batch, WEIR_TYPE_NULL, 3);
    weir_expr *cn = agg1(f, "count", col(f, 0, WEIR_TYPE_NULL));
    groups_init(f, cn, &g, 1);
    assert_int_equal(update(f, cn, &g, NULL, &nv, 3), WEIR_OK);
    assert_int_equal(i64_at(final(f, cn, &g), 0), 0);
}

static void test_count_if(void **st)
{
    fx *f = *st;
    uint8_t b[] = {1, 0, 1, 1, 0};
    int nulls[] = {0, 0, 1, 0, 0};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_BOOLEAN, b, nulls, 5);
    weir_expr *e = agg1(f, "count_if", col(f, 0, WEIR_TYPE_BOOLEAN));
    assert_int_equal(e->type->id, WEIR_T_BIGINT);
    groups g;
    groups_init(f, e, &g, 2);
    int group[] = {0, 0, 0, 1, 1};
    assert_int_equal(update(f, e, &g, group, &v, 5), WEIR_OK);
    weir_vec *out = final(f, e, &g);
    assert_int_equal(i64_at(out, 0), 1);
    assert_int_equal(i64_at(out, 1), 1);
    /* count_if(int) is a type error */
    assert_null(agg1(f, "count_if", col(f, 0, WEIR_TYPE_INT)));
    assert_int_equal(f->err.code, WEIR_EANALYSIS);
}

/* ---- sum / avg ----------------------------------------------------------------------- */

static void test_sum_int(void **st)
{
    fx *f = *st;
    int32_t vals[] = {1, 2, 3, 4, 5};
    int nulls[] = {0, 0, 1, 0, 0};
    int group[] = {0, 1, 0, 0, 1};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_INT, vals, nulls, 5);
    weir_expr *e = agg1(f, "sum", col(f, 0, WEIR_TYPE_INT));
    assert_int_equal(e->type->id, WEIR_T_BIGINT);
    groups g;
    groups_init(f, e, &g, 3);
    assert_int_equal(update(f, e, &g, group, &v, 5), WEIR_OK);
    weir_vec *out = final(f, e, &g);
    assert_int_equal(i64_at(out, 0), 5);
    assert_int_equal(i64_at(out, 1), 7);
    assert_true(weir_vec_is_null(out, 2)); /* no input: NULL */

    /* only NULL inputs: NULL */
    int allnull[] = {1, 1};
    weir_vec *nv = vec_fixed(f, WEIR_TYPE_INT, vals, allnull, 2);
    groups_init(f, e, &g, 1);
    assert_int_equal(update(f, e, &g, NULL, &nv, 2), WEIR_OK);
    assert_true(weir_vec_is_null(final(f, e, &g), 0));
}

static void test_sum_overflow(void **st)
{
    fx *f = *st;
    int64_t vals[] = {INT64_MAX, 1};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_BIGINT, vals, NULL, 2);
    weir_expr *e = agg1(f, "sum", col(f, 0, WEIR_TYPE_BIGINT));
    groups g;
    groups_init(f, e, &g, 1);
    assert_int_equal(update(f, e, &g, NULL, &v, 2), WEIR_OK);
    assert_int_equal(i64_at(final(f, e, &g), 0), INT64_MIN); /* wraps like a Java long */

    f->conf.ansi = true;
    groups_init(f, e, &g, 1);
    assert_int_equal(update(f, e, &g, NULL, &v, 2), WEIR_ERUNTIME);
    assert_non_null(strstr(f->err.msg, "[ARITHMETIC_OVERFLOW] long overflow"));

    /* try_sum: NULL on overflow, in ANSI mode too; the NULL survives a merge */
    weir_expr *t = agg1(f, "try_sum", col(f, 0, WEIR_TYPE_BIGINT));
    assert_int_equal(t->type->id, WEIR_T_BIGINT);
    groups_init(f, t, &g, 2);
    int group[] = {0, 0};
    assert_int_equal(update(f, t, &g, group, &v, 2), WEIR_OK);
    assert_int_equal(t->fn->agg_merge(&f->ctx, t, g.st[1], g.st[0]), WEIR_OK);
    weir_vec *out = final(f, t, &g);
    assert_true(weir_vec_is_null(out, 0));
    assert_true(weir_vec_is_null(out, 1));
    f->conf.ansi = false;
}

static void test_sum_double_string_decimal(void **st)
{
    fx *f = *st;
    double d[] = {0.1, 0.2, 0.3};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_DOUBLE, d, NULL, 3);
    weir_expr *e = agg1(f, "sum", col(f, 0, WEIR_TYPE_DOUBLE));
    assert_int_equal(e->type->id, WEIR_T_DOUBLE);
    groups g;
    groups_init(f, e, &g, 1);
    assert_int_equal(update(f, e, &g, NULL, &v, 3), WEIR_OK);
    assert_true(f64_at(final(f, e, &g), 0) == (0.1 + 0.2) + 0.3);

    /* a string argument is implicitly cast to DOUBLE */
    weir_expr *s = agg1(f, "sum", col(f, 0, WEIR_TYPE_STRING));
    assert_int_equal(s->type->id, WEIR_T_DOUBLE);
    assert_int_equal(s->args[0]->kind, WEIR_EX_CAST);
    assert_int_equal(s->args[0]->type->id, WEIR_T_DOUBLE);

    /* decimal(10,2) -> decimal(20,2) */
    const weir_type *dt = weir_type_decimal(&f->plan, 10, 2);
    __int128 dv[] = {150, 275, -25}; /* 1.50 2.75 -0.25 */
    weir_vec *vd = vec_fixed(f, dt, dv, NULL, 3);
    weir_expr *sd = agg1(f, "sum", col(f, 0, dt));
    assert_int_equal(sd->type->id, WEIR_T_DECIMAL);
    assert_int_equal(sd->type->precision, 20);
    assert_int_equal(sd->type->scale, 2);
    groups_init(f, sd, &g, 1);
    assert_int_equal(update(f, sd, &g, NULL, &vd, 3), WEIR_OK);
    weir_vec *out = final(f, sd, &g);
    assert_true(WEIR_VEC_DATA(out, __int128)[0] == 400);

    /* decimal(38,0): the sum type stays decimal(38,0); overflow gives NULL */
    const weir_type *big = weir_type_decimal(&f->plan, 38, 0);
    __int128 p37 = 1;
    for (int k = 0; k < 37; k++)
        p37 *= 10;
    __int128 bv[] = {9 * p37, 9 * p37};
    weir_vec *vb = vec_fixed(f, big, bv, NULL, 2);
    weir_expr *sb = agg1(f, "sum", col(f, 0, big));
    assert_int_equal(sb->type->precision, 38);
    groups_init(f, sb, &g, 1);
    assert_int_equal(update(f, sb, &g, NULL, &vb, 2), WEIR_OK);
    assert_true(weir_vec_is_null(final(f, sb, &g), 0));

    /* sum(boolean) is Spark's type error */
    assert_null(agg1(f, "sum", col(f, 0, WEIR_TYPE_BOOLEAN)));
    assert_int_equal(f->err.code, WEIR_EANALYSIS);
    assert_string_equal(f->err.msg,
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"sum(c0)\" due "
                        "to data type mismatch: Parameter 1 requires the (\"NUMERIC\" or "
                        "\"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\") type, however "
                        "\"c0\" has the type \"BOOLEAN\".");
}

static void test_avg(void **st)
{
    fx *f = *st;
    int32_t vals[] = {1, 2, 3, 4, 7};
    int nulls[] = {0, 0, 0, 0, 1};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_INT, vals, nulls, 5);
    weir_expr *e = agg1(f, "avg", col(f, 0, WEIR_TYPE_INT));
    assert_int_equal(e->type->id, WEIR_T_DOUBLE);
    groups g;
    groups_init(f, e, &g, 2);
    int group[] = {0, 0, 0, 0, 1};
    assert_int_equal(update(f, e, &g, group, &v, 5), WEIR_OK);
    weir_vec *out = final(f, e, &g);
    assert_true(f64_at(out, 0) == 2.5);
    assert_true(weir_vec_is_null(out, 1)); /* only a NULL: NULL */

    /* mean is an alias; avg of decimal(3,2) is decimal(7,6), rounded HALF_UP */
    const weir_type *dt = weir_type_decimal(&f->plan, 3, 2);
    __int128 dv[] = {100, 200, 200}; /* 1.00 2.00 2.00 -> 1.666667 */
    weir_vec *vd = vec_fixed(f, dt, dv, NULL, 3);
    weir_expr *m = agg1(f, "mean", col(f, 0, dt));
    assert_int_equal(m->type->precision, 7);
    assert_int_equal(m->type->scale, 6);
    groups_init(f, m, &g, 1);
    assert_int_equal(update(f, m, &g, NULL, &vd, 3), WEIR_OK);
    out = final(f, m, &g);
    assert_true(WEIR_VEC_DATA(out, __int128)[0] == 1666667);

    /* negative decimals round away from zero: (-1.00 + -2.00 + -2.00) / 3 */
    __int128 nd[] = {-100, -200, -200};
    weir_vec *vn = vec_fixed(f, dt, nd, NULL, 3);
    groups_init(f, m, &g, 1);
    assert_int_equal(update(f, m, &g, NULL, &vn, 3), WEIR_OK);
    out = final(f, m, &g);
    assert_true(WEIR_VEC_DATA(out, __int128)[0] == -1666667);

    /* avg of intervals: HALF_UP division of the microseconds */
    int64_t iv[] = {1, 2};
    weir_vec *vi = vec_fixed(f, WEIR_TYPE_INTERVAL, iv, NULL, 2);
    weir_expr *ai = agg1(f, "avg", col(f, 0, WEIR_TYPE_INTERVAL));
    assert_int_equal(ai->type->id, WEIR_T_INTERVAL);
    groups_init(f, ai, &g, 1);
    assert_int_equal(update(f, ai, &g, NULL, &vi, 2), WEIR_OK);
    assert_int_equal(i64_at(final(f, ai, &g), 0), 2);
}

/* ---- central moments --------------------------------------------------------------- */

static double moment1(fx *f, const char *name, const double *x, int n)
{
    weir_vec *v = vec_fixed(f, WEIR_TYPE_DOUBLE, x, NULL, n);
    weir_expr *e = agg1(f, name, col(f, 0, WEIR_TYPE_DOUBLE));
    assert_int_equal(e->type->id, WEIR_T_DOUBLE);
    groups g;
    groups_init(f, e, &g, 1);
    assert_int_equal(update(f, e, &g, NULL, &v, n), WEIR_OK);
    weir_vec *out = final(f, e, &g);
    return weir_vec_is_null(out, 0) ? NAN : WEIR_VEC_DATA(out, double)[0];
}

/* As Spark runs it over two partitions: rows [0, split) and [split, n) are partial
 * aggregates merged, in order, into an empty final buffer. Spark's documented examples for
 * skewness/kurtosis were produced this way (two input partitions). */
static double moment2(fx *f, const char *name, const double *x, int n, int split)
{
    weir_vec *v = vec_fixed(f, WEIR_TYPE_DOUBLE, x, NULL, n);
    weir_expr *e = agg1(f, name, col(f, 0, WEIR_TYPE_DOUBLE));
    groups g;
    groups_init(f, e, &g, 3);
    int group[16];
    for (int i = 0; i < n; i++)
        group[i] = i < split ? 0 : 1;
    assert_int_equal(update(f, e, &g, group, &v, n), WEIR_OK);
    assert_int_equal(e->fn->agg_merge(&f->ctx, e, g.st[2], g.st[0]), WEIR_OK);
    assert_int_equal(e->fn->agg_merge(&f->ctx, e, g.st[2], g.st[1]), WEIR_OK);
    g.st[0] = g.st[2];
    g.n = 1;
    return f64_at(final(f, e, &g), 0);
}

static void test_moments(void **st)
{
    fx *f = *st;
    double x123[] = {1, 2, 3};
    /* Spark's documented results */
    assert_true(moment1(f, "stddev_pop", x123, 3) == 0.816496580927726);
    assert_true(moment1(f, "stddev_samp", x123, 3) == 1.0);
    assert_true(moment1(f, "stddev", x123, 3) == 1.0);
    assert_true(moment1(f, "std", x123, 3) == 1.0);
    assert_true(moment1(f, "var_pop", x123, 3) == 0.6666666666666666);
    assert_true(moment1(f, "var_samp", x123, 3) == 1.0);
    assert_true(moment1(f, "variance", x123, 3) == 1.0);
    double sk[] = {-10, -20, 100, 1000};
    double sk2[] = {-1000, -100, 10, 20};
    double ku[] = {1, 10, 100, 10, 1};
    assert_true(moment2(f, "skewness", sk, 4, 2) == 1.1135657469022011);
    assert_true(moment2(f, "skewness", sk2, 4, 2) == -1.1135657469022011);
    assert_true(moment2(f, "kurtosis", sk, 4, 2) == -0.7014368047529627);
    assert_true(moment2(f, "kurtosis", ku, 5, 2) == 0.19432323191699075);
    /* a single pass (one partition) */
    assert_true(moment1(f, "skewness", sk, 4) == 1.1135657469022011);
    assert_true(moment1(f, "kurtosis", ku, 5) == 0.19432323191698986);

    /* one row: sample statistics are NULL (legacy.statisticalAggregate=false), population 0 */
    double one[] = {5};
    assert_true(isnan(moment1(f, "stddev_samp", one, 1)));
    assert_true(isnan(moment1(f, "var_samp", one, 1)));
    assert_true(moment1(f, "stddev_pop", one, 1) == 0.0);
    assert_true(moment1(f, "var_pop", one, 1) == 0.0);
    assert_true(isnan(moment1(f, "skewness", one, 1)));
    /* no rows: NULL */
    assert_true(isnan(moment1(f, "var_pop", one, 0)));

    /* ints are cast to DOUBLE; booleans are an error */
    weir_expr *e = agg1(f, "stddev", col(f, 0, WEIR_TYPE_INT));
    assert_int_equal(e->args[0]->kind, WEIR_EX_CAST);
    assert_null(agg1(f, "variance", col(f, 0, WEIR_TYPE_BOOLEAN)));
    assert_non_null(strstr(f->err.msg, "Parameter 1 requires the \"DOUBLE\" type"));
}

/* merge of partial states equals a single pass */
static void test_merge(void **st)
{
    fx *f = *st;
    double x[] = {3, 1, 4, 1, 5, 9, 2, 6};
    int32_t xi[] = {3, 1, 4, 1, 5, 9, 2, 6};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_DOUBLE, x, NULL, 8);
    weir_vec *vi = vec_fixed(f, WEIR_TYPE_INT, xi, NULL, 8);
    const char *dnames[] = {"var_samp", "stddev_pop", "skewness", "kurtosis", "avg", "sum"};
    for (size_t k = 0; k < sizeof dnames / sizeof *dnames; k++) {
        weir_expr *e = agg1(f, dnames[k], col(f, 0, WEIR_TYPE_DOUBLE));
        groups one, parts;
        groups_init(f, e, &one, 1);
        assert_int_equal(update(f, e, &one, NULL, &v, 8), WEIR_OK);
        groups_init(f, e, &parts, 3);
        int group[] = {0, 0, 0, 1, 1, 1, 1, 1};
        assert_int_equal(update(f, e, &parts, group, &v, 8), WEIR_OK);
        /* parts[2] is empty: merging it changes nothing */
        assert_int_equal(e->fn->agg_merge(&f->ctx, e, parts.st[2], parts.st[0]), WEIR_OK);
        assert_int_equal(e->fn->agg_merge(&f->ctx, e, parts.st[2], parts.st[1]), WEIR_OK);
        parts.st[0] = parts.st[2];
        parts.n = 1;
        double a = f64_at(final(f, e, &one), 0), b = f64_at(final(f, e, &parts), 0);
        assert_true(fabs(a - b) <= 1e-12 * fabs(a));
    }
    const char *inames[] = {"count", "sum", "min", "max"};
    for (size_t k = 0; k < sizeof inames / sizeof *inames; k++) {
        weir_expr *e = agg1(f, inames[k], col(f, 0, WEIR_TYPE_INT));
        groups one, parts;
        groups_init(f, e, &one, 1);
        assert_int_equal(update(f, e, &one, NULL, &vi, 8), WEIR_OK);
        groups_init(f, e, &parts, 2);
        int group[] = {1, 0, 1, 0, 1, 0, 1, 0};
        assert_int_equal(update(f, e, &parts, group, &vi, 8), WEIR_OK);
        assert_int_equal(e->fn->agg_merge(&f->ctx, e, parts.st[0], parts.st[1]), WEIR_OK);
        parts.n = 1;
        weir_vec *a = final(f, e, &one), *b = final(f, e, &parts);
        if (e->type->id == WEIR_T_INT)
            assert_int_equal(WEIR_VEC_DATA(a, int32_t)[0], WEIR_VEC_DATA(b, int32_t)[0]);
        else
            assert_int_equal(i64_at(a, 0), i64_at(b, 0));
    }
}

/* ---- min / max ------------------------------------------------------------------------ */

static void test_min_max(void **st)
{
    fx *f = *st;
    int32_t vals[] = {5, -3, 9, 7, 2};
    int nulls[] = {0, 0, 1, 0, 0};
    int group[] = {0, 0, 0, 1, 1};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_INT, vals, nulls, 5);
    weir_expr *mx = agg1(f, "max", col(f, 0, WEIR_TYPE_INT));
    weir_expr *mn = agg1(f, "min", col(f, 0, WEIR_TYPE_INT));
    assert_int_equal(mx->type->id, WEIR_T_INT);
    groups gx, gn;
    groups_init(f, mx, &gx, 3);
    groups_init(f, mn, &gn, 3);
    assert_int_equal(update(f, mx, &gx, group, &v, 5), WEIR_OK);
    assert_int_equal(update(f, mn, &gn, group, &v, 5), WEIR_OK);
    weir_vec *ox = final(f, mx, &gx), *on = final(f, mn, &gn);
    assert_int_equal(WEIR_VEC_DATA(ox, int32_t)[0], 5);
    assert_int_equal(WEIR_VEC_DATA(ox, int32_t)[1], 7);
    assert_true(weir_vec_is_null(ox, 2));
    assert_int_equal(WEIR_VEC_DATA(on, int32_t)[0], -3);
    assert_int_equal(WEIR_VEC_DATA(on, int32_t)[1], 2);

    /* doubles: NaN is the largest value */
    double d[] = {1.5, NAN, -2.0};
    weir_vec *vd = vec_fixed(f, WEIR_TYPE_DOUBLE, d, NULL, 3);
    weir_expr *dx = agg1(f, "max", col(f, 0, WEIR_TYPE_DOUBLE));
    weir_expr *dn = agg1(f, "min", col(f, 0, WEIR_TYPE_DOUBLE));
    groups_init(f, dx, &gx, 1);
    groups_init(f, dn, &gn, 1);
    assert_int_equal(update(f, dx, &gx, NULL, &vd, 3), WEIR_OK);
    assert_int_equal(update(f, dn, &gn, NULL, &vd, 3), WEIR_OK);
    assert_true(isnan(f64_at(final(f, dx, &gx), 0)));
    assert_true(f64_at(final(f, dn, &gn), 0) == -2.0);

    /* strings: binary (UTF-8 byte) order; values survive the input batch's arena */
    const char *s[] = {"banana", "apple", NULL, "cherry", "Zebra", "äpfel"};
    weir_arena in;
    weir_arena_init(&in, 0);
    weir_vec *vs = weir_vec_new(&in, WEIR_TYPE_STRING, 6);
    for (int i = 0; i < 6; i++)
        if (s[i])
            weir_vec_append_str(vs, s[i], (int32_t)strlen(s[i]));
        else
            weir_vec_append_null(vs);
    weir_expr *sx = agg1(f, "max", col(f, 0, WEIR_TYPE_STRING));
    weir_expr *sn = agg1(f, "min", col(f, 0, WEIR_TYPE_STRING));
    groups_init(f, sx, &gx, 2);
    groups_init(f, sn, &gn, 2);
    int sg[] = {0, 0, 0, 1, 1, 1};
    assert_int_equal(update(f, sx, &gx, sg, &vs, 6), WEIR_OK);
    assert_int_equal(update(f, sn, &gn, sg, &vs, 6), WEIR_OK);
    memset(vs->data, 'x', (size_t)vs->offsets[6]); /* clobber the input */
    weir_arena_free(&in);
    weir_vec *sox = final(f, sx, &gx), *son = final(f, sn, &gn);
    int32_t len;
    const char *p = weir_vec_str(sox, 0, &len);
    assert_int_equal(len, 6);
    assert_memory_equal(p, "banana", 6);
    p = weir_vec_str(sox, 1, &len);
    assert_memory_equal(p, "äpfel", (size_t)len);
    p = weir_vec_str(son, 0, &len);
    assert_memory_equal(p, "apple", 5);
    p = weir_vec_str(son, 1, &len);
    assert_memory_equal(p, "Zebra", 5);

    /* max(NULL) is NULL of NULL type */
    weir_expr *mnull = agg1(f, "max", col(f, 0, WEIR_TYPE_NULL));
    assert_int_equal(mnull->type->id, WEIR_T_NULL);
}

static void test_bool_aggs(void **st)
{
    fx *f = *st;
    uint8_t b[] = {1, 1, 0, 1, 0, 0};
    int nulls[] = {0, 0, 0, 0, 1, 0};
    int group[] = {0, 0, 1, 1, 2, 2};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_BOOLEAN, b, nulls, 6);
    weir_expr *band = agg1(f, "bool_and", col(f, 0, WEIR_TYPE_BOOLEAN));
    weir_expr *bor = agg1(f, "bool_or", col(f, 0, WEIR_TYPE_BOOLEAN));
    assert_int_equal(band->type->id, WEIR_T_BOOLEAN);
    groups ga, go;
    groups_init(f, band, &ga, 4);
    groups_init(f, bor, &go, 4);
    assert_int_equal(update(f, band, &ga, group, &v, 6), WEIR_OK);
    assert_int_equal(update(f, bor, &go, group, &v, 6), WEIR_OK);
    weir_vec *oa = final(f, band, &ga), *oo = final(f, bor, &go);
    const uint8_t *a = oa->data, *o = oo->data;
    assert_int_equal(a[0], 1);
    assert_int_equal(a[1], 0);
    assert_int_equal(a[2], 0);
    assert_true(weir_vec_is_null(oa, 3));
    assert_int_equal(o[0], 1);
    assert_int_equal(o[1], 1);
    assert_int_equal(o[2], 0);
    assert_true(weir_vec_is_null(oo, 3));
}

/* ---- first / last ------------------------------------------------------------------- */

static void test_first_last(void **st)
{
    fx *f = *st;
    int32_t vals[] = {0, 10, 20, 0};
    int nulls[] = {1, 0, 0, 1};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_INT, vals, nulls, 4);
    struct {
        const char *name;
        bool ignore;
        bool null;
        int32_t want;
    } cases[] = {
        {"first", false, true, 0},        {"first", true, false, 10},
        {"last", false, true, 0},         {"last", true, false, 20},
        {"first_value", true, false, 10}, {"any_value", false, true, 0},
        {"last_value", true, false, 20},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        weir_expr *e = cases[k].ignore
                           ? agg2(f, cases[k].name, col(f, 0, WEIR_TYPE_INT), lit_bool(f, true))
                           : agg1(f, cases[k].name, col(f, 0, WEIR_TYPE_INT));
        assert_non_null(e);
        assert_int_equal(e->type->id, WEIR_T_INT);
        groups g;
        groups_init(f, e, &g, 2); /* group 1 gets no rows: NULL */
        assert_int_equal(update(f, e, &g, NULL, &v, 4), WEIR_OK);
        weir_vec *out = final(f, e, &g);
        if (cases[k].null)
            assert_true(weir_vec_is_null(out, 0));
        else
            assert_int_equal(WEIR_VEC_DATA(out, int32_t)[0], cases[k].want);
        assert_true(weir_vec_is_null(out, 1));
    }
    /* first(x, true) is named first(x) */
    weir_expr *e = agg2(f, "first", col(f, 0, WEIR_TYPE_INT), lit_bool(f, true));
    assert_string_equal(e->fn->pretty(&f->plan, e), "first(c0)");
    /* the second argument must be a boolean literal */
    assert_null(agg2(f, "last", col(f, 0, WEIR_TYPE_INT), col(f, 1, WEIR_TYPE_BOOLEAN)));
    assert_string_equal(f->err.msg, "The second argument in last should be a boolean literal.");

    /* merge: first keeps the earlier partial, last takes the later one */
    const char *s[] = {"a", "b", "c", "d"};
    weir_vec *vs = vec_str(f, s, 4);
    weir_expr *fe = agg1(f, "first", col(f, 0, WEIR_TYPE_STRING));
    weir_expr *le = agg1(f, "last", col(f, 0, WEIR_TYPE_STRING));
    int group[] = {0, 0, 1, 1};
    groups gf, gl;
    groups_init(f, fe, &gf, 2);
    groups_init(f, le, &gl, 2);
    assert_int_equal(update(f, fe, &gf, group, &vs, 4), WEIR_OK);
    assert_int_equal(update(f, le, &gl, group, &vs, 4), WEIR_OK);
    assert_int_equal(fe->fn->agg_merge(&f->ctx, fe, gf.st[0], gf.st[1]), WEIR_OK);
    assert_int_equal(le->fn->agg_merge(&f->ctx, le, gl.st[0], gl.st[1]), WEIR_OK);
    gf.n = gl.n = 1;
    int32_t len;
    assert_memory_equal(weir_vec_str(final(f, fe, &gf), 0, &len), "a", 1);
    assert_memory_equal(weir_vec_str(final(f, le, &gl), 0, &len), "d", 1);
}

/* ---- max_by / min_by ------------------------------------------------------------------ */

static void test_max_by(void **st)
{
    fx *f = *st;
    /* Spark's example: VALUES ('a', 10), ('b', 50), ('c', 20) -> max_by b, min_by a */
    const char *x[] = {"a", "b", "c", "d", "e"};
    int32_t y[] = {10, 50, 20, 50, 0};
    int ynull[] = {0, 0, 0, 0, 1};
    weir_vec *args[2] = {vec_str(f, x, 5), vec_fixed(f, WEIR_TYPE_INT, y, ynull, 5)};
    weir_expr *mx = agg2(f, "max_by", col(f, 0, WEIR_TYPE_STRING), col(f, 1, WEIR_TYPE_INT));
    weir_expr *mn = agg2(f, "min_by", col(f, 0, WEIR_TYPE_STRING), col(f, 1, WEIR_TYPE_INT));
    assert_int_equal(mx->type->id, WEIR_T_STRING);
    groups gx, gn;
    groups_init(f, mx, &gx, 2);
    groups_init(f, mn, &gn, 2);
    assert_int_equal(update(f, mx, &gx, NULL, args, 3), WEIR_OK);
    assert_int_equal(update(f, mn, &gn, NULL, args, 3), WEIR_OK);
    int32_t len;
    weir_vec *ox = final(f, mx, &gx), *on = final(f, mn, &gn);
    assert_memory_equal(weir_vec_str(ox, 0, &len), "b", 1);
    assert_memory_equal(weir_vec_str(on, 0, &len), "a", 1);
    assert_true(weir_vec_is_null(ox, 1));

    /* a tie on the ordering takes the later row; a NULL ordering is skipped */
    groups_init(f, mx, &gx, 1);
    assert_int_equal(update(f, mx, &gx, NULL, args, 5), WEIR_OK);
    assert_memory_equal(weir_vec_str(final(f, mx, &gx), 0, &len), "d", 1);
}

/* ---- collect_list / collect_set --------------------------------------------------------- */

static void test_collect(void **st)
{
    fx *f = *st;
    int32_t vals[] = {3, 1, 3, 0, 2, 1, 5};
    int nulls[] = {0, 0, 0, 1, 0, 0, 0};
    int group[] = {0, 0, 0, 0, 0, 0, 1};
    weir_vec *v = vec_fixed(f, WEIR_TYPE_INT, vals, nulls, 7);
    weir_expr *cl = agg1(f, "collect_list", col(f, 0, WEIR_TYPE_INT));
    weir_expr *cs = agg1(f, "collect_set", col(f, 0, WEIR_TYPE_INT));
    assert_int_equal(cl->type->id, WEIR_T_ARRAY);
    assert_int_equal(cl->type->elem->id, WEIR_T_INT);
    assert_false(cl->nullable);
    groups gl, gs;
    groups_init(f, cl, &gl, 3);
    groups_init(f, cs, &gs, 3);
    assert_int_equal(update(f, cl, &gl, group, &v, 7), WEIR_OK);
    assert_int_equal(update(f, cs, &gs, group, &v, 7), WEIR_OK);
    weir_vec *ol = final(f, cl, &gl), *os = final(f, cs, &gs);
    const int32_t *le = ol->child[0]->data, *se = os->child[0]->data;
    /* list: arrival order, NULLs skipped; a group without rows is [] (not NULL) */
    int32_t want_l[] = {3, 1, 3, 2, 1, 5};
    assert_int_equal(ol->offsets[1], 5);
    assert_int_equal(ol->offsets[2], 6);
    assert_int_equal(ol->offsets[3], 6);
    assert_memory_equal(le, want_l, sizeof want_l);
    assert_false(weir_vec_is_null(ol, 2));
    /* set: first-seen order */
    int32_t want_s[] = {3, 1, 2, 5};
    assert_int_equal(os->offsets[1], 3);
    assert_int_equal(os->offsets[2], 4);
    assert_int_equal(os->offsets[3], 4);
    assert_memory_equal(se, want_s, sizeof want_s);

    /* merge: list appends, set unions */
    assert_int_equal(cl->fn->agg_merge(&f->ctx, cl, gl.st[1], gl.st[0]), WEIR_OK);
    assert_int_equal(cs->fn->agg_merge(&f->ctx, cs, gs.st[1], gs.st[0]), WEIR_OK);
    gl.st[0] = gl.st[1];
    gs.st[0] = gs.st[1];
    gl.n = gs.n = 1;
    ol = final(f, cl, &gl);
    os = final(f, cs, &gs);
    int32_t want_ml[] = {5, 3, 1, 3, 2, 1};
    int32_t want_ms[] = {5, 3, 1, 2};
    assert_int_equal(ol->offsets[1], 6);
    assert_memory_equal(ol->child[0]->data, want_ml, sizeof want_ml);
    assert_int_equal(os->offsets[1], 4);
    assert_memory_equal(os->child[0]->data, want_ms, sizeof want_ms);

    /* strings, many values (table growth) */
    const char *s[40];
    char buf[40][8];
    for (int i = 0; i < 40; i++) {
        snprintf(buf[i], sizeof buf[i], "v%d", i % 13);
        s[i] = buf[i];
    }
    weir_vec *vs = vec_str(f, s, 40);
    weir_expr *css = agg1(f, "collect_set", col(f, 0, WEIR_TYPE_STRING));
    groups g;
    groups_init(f, css, &g, 1);
    assert_int_equal(update(f, css, &g, NULL, &vs, 40), WEIR_OK);
    weir_vec *o = final(f, css, &g);
    assert_int_equal(o->offsets[1], 13);
    int32_t len;
    assert_memory_equal(weir_vec_str(o->child[0], 12, &len), "v12", 3);

    /* doubles: NaN equals NaN, -0.0 differs from 0.0 (Java equals) */
    double d[] = {NAN, 0.0, -0.0, NAN, 0.0};
    weir_vec *vd = vec_fixed(f, WEIR_TYPE_DOUBLE, d, NULL, 5);
    weir_expr *csd = agg1(f, "collect_set", col(f, 0, WEIR_TYPE_DOUBLE));
    groups_init(f, csd, &g, 1);
    assert_int_equal(update(f, csd, &g, NULL, &vd, 5), WEIR_OK);
    assert_int_equal(final(f, csd, &g)->offsets[1], 3);
}

/* ---- approx_count_distinct ----------------------------------------------------------- */

static int64_t acd(fx *f, weir_vec *v, int n, weir_expr *rsd)
{
    weir_expr *e = rsd ? agg2(f, "approx_count_distinct", col(f, 0, v->type), rsd)
                       : agg1(f, "approx_count_distinct", col(f, 0, v->type));
    assert_non_null(e);
    assert_int_equal(e->type->id, WEIR_T_BIGINT);
    groups g;
    groups_init(f, e, &g, 1);
    assert_int_equal(update(f, e, &g, NULL, &v, n), WEIR_OK);
    return i64_at(final(f, e, &g), 0);
}

static void test_approx_count_distinct(void **st)
{
    fx *f = *st;
    int32_t ten[10];
    for (int i = 0; i < 10; i++)
        ten[i] = i;
    assert_int_equal(acd(f, vec_fixed(f, WEIR_TYPE_INT, ten, NULL, 10), 10, NULL), 10);
    /* Spark's example: VALUES (1), (1), (2), (2), (3) -> 3 */
    int32_t ex[] = {1, 1, 2, 2, 3};
    assert_int_equal(acd(f, vec_fixed(f, WEIR_TYPE_INT, ex, NULL, 5), 5, NULL), 3);
    int64_t l[] = {1, 2, 2, 3, 4, 4, 4};
    int ln[] = {0, 0, 0, 0, 0, 1, 0};
    assert_int_equal(acd(f, vec_fixed(f, WEIR_TYPE_BIGINT, l, ln, 7), 7, NULL), 4);
    const char *s[] = {"a", "b", "a", NULL, "c", "ab"};
    assert_int_equal(acd(f, vec_str(f, s, 6), 6, NULL), 4);
    /* empty input: 0, never NULL */
    assert_int_equal(acd(f, vec_fixed(f, WEIR_TYPE_INT, ten, NULL, 0), 0, NULL), 0);
    /* relativeSD literal */
    assert_int_equal(acd(f, vec_fixed(f, WEIR_TYPE_INT, ten, NULL, 10), 10, lit_double(f, 0.01)),
                     10);
    weir_expr *bad = agg2(f, "approx_count_distinct", col(f, 0, WEIR_TYPE_INT), lit_double(f, 0.5));
    assert_null(bad);
    assert_non_null(strstr(f->err.msg, "HLL++ requires at least 4 bits"));

    /* merge of two halves equals one pass */
    int32_t many[64];
    for (int i = 0; i < 64; i++)
        many[i] = i * 7919;
    weir_vec *vm = vec_fixed(f, WEIR_TYPE_INT, many, NULL, 64);
    weir_expr *e = agg1(f, "approx_count_distinct", col(f, 0, WEIR_TYPE_INT));
    groups one, parts;
    groups_init(f, e, &one, 1);
    groups_init(f, e, &parts, 2);
    int group[64];
    for (int i = 0; i < 64; i++)
        group[i] = i & 1;
    assert_int_equal(update(f, e, &one, NULL, &vm, 64), WEIR_OK);
    assert_int_equal(update(f, e, &parts, group, &vm, 64), WEIR_OK);
    assert_int_equal(e->fn->agg_merge(&f->ctx, e, parts.st[0], parts.st[1]), WEIR_OK);
    parts.n = 1;
    int64_t a = i64_at(final(f, e, &one), 0);
    assert_int_equal(a, i64_at(final(f, e, &parts), 0));
    assert_true(a >= 60 && a <= 68);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_count, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_count_if, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_sum_int, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_sum_overflow, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_sum_double_string_decimal, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_avg, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_moments, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_merge, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_min_max, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bool_aggs, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_first_last, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_max_by, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_collect, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_approx_count_distinct, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
