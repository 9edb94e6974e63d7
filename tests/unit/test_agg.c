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
    weir_arena state2; /* where saved states are loaded: nothing may point back */
    weir_conf_view conf;
    weir_error err, err2;
    weir_agg_ctx ctx, ctx2;
    weir_bind_ctx bc;
} fx;

static int fx_setup(void **st)
{
    fx *f = calloc(1, sizeof *f);
    weir_arena_init(&f->plan, 0);
    weir_arena_init(&f->state, 0);
    weir_arena_init(&f->batch, 0);
    weir_arena_init(&f->state2, 0);
    f->ctx = (weir_agg_ctx){&f->state, &f->conf, &f->err};
    f->ctx2 = (weir_agg_ctx){&f->state2, &f->conf, &f->err2};
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
    weir_arena_free(&f->state2);
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

/* ---- streaming state: agg_save / agg_load ---------------------------------------------
 * For every function: states of several groups (one of them still empty) are updated,
 * saved one after another into one buffer, loaded into fresh states in another arena and
 * the buffer is wiped. The loaded states must then behave exactly like the originals:
 * further updates, merge(loaded, other), merge(other, loaded) and final give bit-identical
 * results, and saving them again gives the same bytes. Every proper prefix of a saved
 * state is rejected as corrupt, and random or bit-flipped input never reads out of bounds
 * (the ASan build checks that). */

#define RT_MAXG    4
#define RT_MAXROWS 512

static uint32_t rng(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Appends a non-NULL pseudo-random value of v's type (few distinct values, so that
 * collect_set and min/max see duplicates and ties). */
static void gen_value(weir_vec *v, uint32_t r, uint32_t *s)
{
    const weir_type *t = v->type;
    switch (t->id) {
    case WEIR_T_BOOLEAN: {
        uint8_t b = r & 1;
        assert_int_equal(weir_vec_append_fixed(v, &b), WEIR_OK);
        break;
    }
    case WEIR_T_TINYINT: {
        int8_t x = (int8_t)((int)(r % 50) - 25);
        assert_int_equal(weir_vec_append_fixed(v, &x), WEIR_OK);
        break;
    }
    case WEIR_T_SMALLINT: {
        int16_t x = (int16_t)((int)(r % 2000) - 1000);
        assert_int_equal(weir_vec_append_fixed(v, &x), WEIR_OK);
        break;
    }
    case WEIR_T_INT:
    case WEIR_T_DATE: {
        int32_t x = (int32_t)(r % 40) - 10;
        assert_int_equal(weir_vec_append_fixed(v, &x), WEIR_OK);
        break;
    }
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: {
        int64_t x = (int64_t)(r % 1000) * 1000003 - 300;
        assert_int_equal(weir_vec_append_fixed(v, &x), WEIR_OK);
        break;
    }
    case WEIR_T_FLOAT: {
        float x = r % 9 == 0 ? NAN : r % 9 == 1 ? -0.0f : r % 9 == 2 ? 0.0f : (float)(r % 100) / 3;
        assert_int_equal(weir_vec_append_fixed(v, &x), WEIR_OK);
        break;
    }
    case WEIR_T_DOUBLE: {
        double x = r % 9 == 0   ? NAN
                   : r % 9 == 1 ? -0.0
                   : r % 9 == 2 ? 0.0
                                : (double)(r % 1000) / 7.0 - 50;
        assert_int_equal(weir_vec_append_fixed(v, &x), WEIR_OK);
        break;
    }
    case WEIR_T_DECIMAL: {
        __int128 x = (__int128)(r % 100000) - 50000; /* fits DECIMAL(5 + ...) */
        if (t->precision >= 16) x *= 1000000007;
        assert_int_equal(weir_vec_append_fixed(v, &x), WEIR_OK);
        break;
    }
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        char buf[64];
        int len =
            snprintf(buf, sizeof buf, "%.*s%u", (int)(r % 4) * 5, "abcdefghijklmnopqrst", r % 25);
        if (r % 25 == 7) len = 0;
        assert_int_equal(weir_vec_append_str(v, buf, len), WEIR_OK);
        break;
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < v->nchild; c++) {
            uint32_t r2 = rng(s);
            if (r2 % 6 == 0)
                assert_int_equal(weir_vec_append_null(v->child[c]), WEIR_OK);
            else
                gen_value(v->child[c], r2 % 7, s); /* few distinct structs */
        }
        assert_int_equal(weir_vec_reserve(v, v->len + 1), WEIR_OK);
        v->len++;
        break;
    case WEIR_T_ARRAY: {
        int cnt = (int)(r % 4);
        for (int k = 0; k < cnt; k++) {
            uint32_t r2 = rng(s);
            if (r2 % 7 == 0)
                assert_int_equal(weir_vec_append_null(v->child[0]), WEIR_OK);
            else
                gen_value(v->child[0], r2 % 5, s);
        }
        assert_int_equal(weir_vec_reserve(v, v->len + 1), WEIR_OK);
        v->offsets[v->len + 1] = v->offsets[v->len] + cnt;
        v->len++;
        break;
    }
    default: fail_msg("gen_value: unexpected type %d", (int)t->id);
    }
}

static weir_vec *gen_col(fx *f, const weir_type *t, int n, uint32_t seed, bool nulls)
{
    if (t->id == WEIR_T_NULL) return weir_vec_nulls(&f->batch, t, n);
    weir_vec *v = weir_vec_new(&f->batch, t, n);
    uint32_t s = seed;
    for (int i = 0; i < n; i++) {
        uint32_t r = rng(&s);
        if (nulls && r % 5 == 0)
            assert_int_equal(weir_vec_append_null(v), WEIR_OK);
        else
            gen_value(v, r, &s);
    }
    return v;
}

static const weir_type *struct_type(fx *f)
{
    weir_field fl[2] = {{"a", WEIR_TYPE_INT, true}, {"b", WEIR_TYPE_STRING, true}};
    return weir_type_struct(&f->plan, fl, 2);
}

/* Deep, bitwise equality of row i of a and row j of b (same type). */
static bool row_same(const weir_vec *a, int32_t i, const weir_vec *b, int32_t j)
{
    bool an = a->type->id == WEIR_T_NULL || weir_vec_is_null(a, i);
    bool bn = b->type->id == WEIR_T_NULL || weir_vec_is_null(b, j);
    if (an || bn) return an == bn;
    size_t w = weir_type_width(a->type);
    if (w) return !memcmp((const char *)a->data + w * i, (const char *)b->data + w * j, w);
    switch (a->type->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t al, bl;
        const char *ap = weir_vec_str(a, i, &al), *bp = weir_vec_str(b, j, &bl);
        return al == bl && (!al || !memcmp(ap, bp, (size_t)al));
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < a->nchild; c++)
            if (!row_same(a->child[c], i, b->child[c], j)) return false;
        return true;
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        int32_t as = a->offsets[i], al = a->offsets[i + 1] - as;
        int32_t bs = b->offsets[j], bl = b->offsets[j + 1] - bs;
        if (al != bl) return false;
        for (int32_t k = 0; k < al; k++)
            for (int c = 0; c < a->nchild; c++)
                if (!row_same(a->child[c], as + k, b->child[c], bs + k)) return false;
        return true;
    }
    default: return true;
    }
}

static void assert_vec_same(const weir_vec *a, const weir_vec *b)
{
    assert_int_equal(a->len, b->len);
    for (int32_t i = 0; i < a->len; i++)
        if (!row_same(a, i, b, i)) fail_msg("row %d differs after save/load", (int)i);
}

/* ng fresh states in ctx's arena, updated with rows [0, n) of args (row i -> group g[i]). */
static void **st_make(weir_agg_ctx *ctx, const weir_expr *e, int ng, weir_vec **args, int n,
                      const int *g)
{
    void **st = weir_arena_calloc(ctx->arena, sizeof(void *) * RT_MAXG);
    size_t sz = e->fn->state_size(e);
    for (int k = 0; k < ng; k++) {
        st[k] = weir_arena_calloc(ctx->arena, sz);
        e->fn->agg_init(e, st[k]);
    }
    if (n) {
        void *rowst[RT_MAXROWS];
        assert_true(n <= RT_MAXROWS);
        for (int i = 0; i < n; i++)
            rowst[i] = st[g[i]];
        assert_int_equal(e->fn->agg_update(ctx, e, rowst, args, n), WEIR_OK);
    }
    return st;
}

static void st_update(weir_agg_ctx *ctx, const weir_expr *e, void **st, weir_vec **args, int n,
                      const int *g)
{
    void *rowst[RT_MAXROWS];
    assert_true(n <= RT_MAXROWS);
    for (int i = 0; i < n; i++)
        rowst[i] = st[g[i]];
    assert_int_equal(e->fn->agg_update(ctx, e, rowst, args, n), WEIR_OK);
}

static weir_vec *st_final(fx *f, weir_agg_ctx *ctx, const weir_expr *e, void **st, int ng)
{
    weir_vec *out = weir_vec_new(&f->batch, e->type, 1);
    assert_int_equal(e->fn->agg_final(ctx, e, st, ng, out), WEIR_OK);
    assert_int_equal(out->len, ng);
    return out;
}

/* Saves ng states one after another; off[k] is where state k starts, off[ng] the end. */
static void st_save(const weir_expr *e, void **st, int ng, weir_strbuf *sb, size_t *off)
{
    for (int k = 0; k < ng; k++) {
        off[k] = sb->len;
        assert_int_equal(e->fn->agg_save(e, st[k], sb), WEIR_OK);
        assert_true(sb->len > off[k]);
    }
    off[ng] = sb->len;
}

static void **st_load(fx *f, const weir_expr *e, int ng, const uint8_t *p, size_t n,
                      const size_t *off)
{
    void **st = weir_arena_calloc(&f->state2, sizeof(void *) * RT_MAXG);
    size_t sz = e->fn->state_size(e), pos = 0;
    for (int k = 0; k < ng; k++) {
        st[k] = weir_arena_calloc(&f->state2, sz);
        e->fn->agg_init(e, st[k]);
        size_t used = 0;
        assert_int_equal(e->fn->agg_load(&f->ctx2, e, st[k], p + pos, n - pos, &used), WEIR_OK);
        assert_int_equal(pos + used, off[k + 1]);
        pos += used;
    }
    assert_int_equal(pos, n);
    return st;
}

static void assert_load_fails(fx *f, const weir_expr *e, const uint8_t *p, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1); /* exactly n bytes: ASan flags any read past them */
    if (n) memcpy(copy, p, n);
    void *st = weir_arena_calloc(&f->state2, e->fn->state_size(e));
    e->fn->agg_init(e, st);
    size_t used = 0;
    weir_err_clear(&f->err2);
    int rc = e->fn->agg_load(&f->ctx2, e, st, copy, n, &used);
    free(copy);
    if (rc != WEIR_ERUNTIME)
        fail_msg("%s: loading %zu bytes of a longer state gave %d", e->fname, n, rc);
    assert_int_equal(f->err2.code, WEIR_ERUNTIME);
    assert_non_null(strstr(f->err2.msg, "corrupt aggregate state"));
}

/* Loads arbitrary bytes; whatever is accepted must survive final and merge. */
static void load_any(fx *f, const weir_expr *e, const uint8_t *p, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (n) memcpy(copy, p, n);
    size_t sz = e->fn->state_size(e);
    void *st = weir_arena_calloc(&f->state2, sz), *other = weir_arena_calloc(&f->state2, sz);
    e->fn->agg_init(e, st);
    e->fn->agg_init(e, other);
    size_t used = 0;
    int rc = e->fn->agg_load(&f->ctx2, e, st, copy, n, &used);
    free(copy);
    if (rc != WEIR_OK) {
        assert_int_equal(rc, WEIR_ERUNTIME);
        return;
    }
    assert_true(used <= n);
    assert_int_equal(e->fn->agg_merge(&f->ctx2, e, other, st), WEIR_OK);
    weir_vec *out = weir_vec_new(&f->batch, e->type, 1);
    void *sts[2] = {st, other};
    weir_err_clear(&f->err2);
    rc = e->fn->agg_final(&f->ctx2, e, sts, 2, out);
    assert_true(rc == WEIR_OK || rc == WEIR_ERUNTIME);
}

/* The round trip described above. a1: the rows before the save (groups g1), a2: after
 * (groups g2, also the "other" side of merges). Returns the final of the originals. */
static weir_vec *roundtrip(fx *f, const weir_expr *e, int ng, weir_vec **a1, int n1, const int *g1,
                           weir_vec **a2, int n2, const int *g2)
{
    assert_non_null(e);
    assert_non_null(e->fn->agg_save);
    assert_non_null(e->fn->agg_load);
    assert_true(ng <= RT_MAXG);
    weir_agg_ctx *c1 = &f->ctx, *c2 = &f->ctx2;
    void **orig = st_make(c1, e, ng, a1, n1, g1);
    void **orig_m = st_make(c1, e, ng, a1, n1, g1);
    void **orig_r = st_make(c1, e, ng, a1, n1, g1);

    weir_strbuf sb = WEIR_STRBUF_INIT;
    size_t off[RT_MAXG + 1];
    st_save(e, orig, ng, &sb, off);
    size_t len = sb.len;
    uint8_t *buf = malloc(len);
    memcpy(buf, sb.p, len);
    void **ld = st_load(f, e, ng, buf, len, off);
    void **ld_m = st_load(f, e, ng, buf, len, off);
    void **ld_r = st_load(f, e, ng, buf, len, off);
    memset(buf, 0xa5, len); /* the loaded states must own their bytes */
    free(buf);

    /* saving a loaded state gives the same bytes */
    weir_strbuf sb2 = WEIR_STRBUF_INIT;
    size_t off2[RT_MAXG + 1];
    st_save(e, ld, ng, &sb2, off2);
    assert_int_equal(sb2.len, len);
    assert_memory_equal(sb2.p, sb.p, len);
    weir_sb_free(&sb2);

    /* final right away, then after more updates */
    assert_vec_same(st_final(f, c1, e, orig, ng), st_final(f, c2, e, ld, ng));
    st_update(c1, e, orig, a2, n2, g2);
    st_update(c2, e, ld, a2, n2, g2);
    weir_vec *res = st_final(f, c1, e, orig, ng);
    assert_vec_same(res, st_final(f, c2, e, ld, ng));

    /* merge(x, other) and merge(other, x) */
    void **oth1 = st_make(c1, e, ng, a2, n2, g2), **oth2 = st_make(c2, e, ng, a2, n2, g2);
    void **oth3 = st_make(c1, e, ng, a2, n2, g2), **oth4 = st_make(c2, e, ng, a2, n2, g2);
    for (int k = 0; k < ng; k++) {
        assert_int_equal(e->fn->agg_merge(c1, e, orig_m[k], oth1[k]), WEIR_OK);
        assert_int_equal(e->fn->agg_merge(c2, e, ld_m[k], oth2[k]), WEIR_OK);
        assert_int_equal(e->fn->agg_merge(c1, e, oth3[k], orig_r[k]), WEIR_OK);
        assert_int_equal(e->fn->agg_merge(c2, e, oth4[k], ld_r[k]), WEIR_OK);
    }
    assert_vec_same(st_final(f, c1, e, orig_m, ng), st_final(f, c2, e, ld_m, ng));
    assert_vec_same(st_final(f, c1, e, oth3, ng), st_final(f, c2, e, oth4, ng));
    /* ... and the merged states round-trip too */
    weir_strbuf sb3 = WEIR_STRBUF_INIT, sb4 = WEIR_STRBUF_INIT;
    size_t off3[RT_MAXG + 1], off4[RT_MAXG + 1];
    st_save(e, orig_m, ng, &sb3, off3);
    st_save(e, ld_m, ng, &sb4, off4);
    assert_int_equal(sb3.len, sb4.len);
    assert_memory_equal(sb3.p, sb4.p, sb3.len);
    void **ld2 = st_load(f, e, ng, (const uint8_t *)sb3.p, sb3.len, off3);
    assert_vec_same(st_final(f, c1, e, orig_m, ng), st_final(f, c2, e, ld2, ng));

    /* every proper prefix of a state is corrupt */
    for (int k = 0; k < ng; k++)
        for (size_t m = 0; m < off[k + 1] - off[k]; m++)
            assert_load_fails(f, e, (const uint8_t *)sb.p + off[k], m);

    /* bit flips and random bytes */
    uint32_t s = 12345;
    for (int k = 0; k < ng; k++) {
        size_t n = off[k + 1] - off[k];
        uint8_t *mut = malloc(n);
        for (int round = 0; round < 24; round++) {
            memcpy(mut, sb.p + off[k], n);
            mut[rng(&s) % n] ^= (uint8_t)(1u << (rng(&s) % 8));
            if (round & 1) mut[rng(&s) % n] = (uint8_t)rng(&s);
            load_any(f, e, mut, n);
        }
        free(mut);
    }
    for (int round = 0; round < 40; round++) {
        uint8_t junk[96];
        size_t n = rng(&s) % sizeof junk;
        for (size_t i = 0; i < n; i++)
            junk[i] = (uint8_t)(round & 1 ? rng(&s) % 3 : rng(&s));
        load_any(f, e, junk, n);
    }
    weir_sb_free(&sb);
    weir_sb_free(&sb3);
    weir_sb_free(&sb4);
    weir_arena_reset(&f->state2);
    return res;
}

/* Groups: before the save rows go to groups 0 and 1 (group 2 stays empty), afterwards to
 * all three. */
#define RT_N1 23
#define RT_N2 31

static const int *rt_groups(int n, bool all)
{
    static int g1[RT_MAXROWS], g2[RT_MAXROWS];
    int *g = all ? g2 : g1;
    for (int i = 0; i < n; i++)
        g[i] = all ? (i * 7) % 3 : i % 2;
    return g;
}

/* name(c0 [, c1 or extra]) over generated columns of types t0 [, t1]. */
static weir_vec *rt_case(fx *f, const char *name, const weir_type *t0, const weir_type *t1,
                         weir_expr *extra, bool nulls)
{
    weir_expr *args[2] = {col(f, 0, t0), t1 ? col(f, 1, t1) : extra};
    int nargs = t1 || extra ? 2 : 1;
    weir_expr *e = agg_n(f, name, nargs, args);
    if (!e) fail_msg("%s: bind failed: %s", name, f->err.msg);
    weir_vec *a1[2] = {gen_col(f, e->args[0]->type, RT_N1, 7, nulls), NULL};
    weir_vec *a2[2] = {gen_col(f, e->args[0]->type, RT_N2, 99, nulls), NULL};
    if (t1) {
        a1[1] = gen_col(f, e->args[1]->type, RT_N1, 1234, nulls);
        a2[1] = gen_col(f, e->args[1]->type, RT_N2, 4321, nulls);
    } else if (extra) {
        a1[1] = weir_vec_const(&f->batch, &extra->lit, RT_N1);
        a2[1] = weir_vec_const(&f->batch, &extra->lit, RT_N2);
    }
    return roundtrip(f, e, 3, a1, RT_N1, rt_groups(RT_N1, false), a2, RT_N2,
                     rt_groups(RT_N2, true));
}

static void test_state_count_sum_avg(void **st)
{
    fx *f = *st;
    const weir_type *dec = weir_type_decimal(&f->plan, 12, 3);
    rt_case(f, "count", WEIR_TYPE_INT, NULL, NULL, true);
    rt_case(f, "count", WEIR_TYPE_STRING, WEIR_TYPE_DOUBLE, NULL, true);
    rt_case(f, "count_if", WEIR_TYPE_BOOLEAN, NULL, NULL, true);
    /* count(*) */
    weir_expr *c0 = agg_n(f, "count", 0, NULL);
    weir_vec *none[1] = {NULL};
    weir_vec *r = roundtrip(f, c0, 3, none, RT_N1, rt_groups(RT_N1, false), none, RT_N2,
                            rt_groups(RT_N2, true));
    assert_int_equal(i64_at(r, 0), 12 + 11);
    assert_int_equal(i64_at(r, 2), 10);

    const char *sums[] = {"sum", "try_sum", "avg", "mean", "try_avg"};
    const weir_type *types[] = {
        WEIR_TYPE_TINYINT, WEIR_TYPE_SMALLINT, WEIR_TYPE_INT, WEIR_TYPE_BIGINT, WEIR_TYPE_FLOAT,
        WEIR_TYPE_DOUBLE,  WEIR_TYPE_INTERVAL, dec,           WEIR_TYPE_STRING};
    for (size_t i = 0; i < sizeof sums / sizeof *sums; i++)
        for (size_t j = 0; j < sizeof types / sizeof *types; j++)
            rt_case(f, sums[i], types[j], NULL, NULL, true);

    /* sizes: counts are 8 bytes, a sum a flags byte and its value */
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_expr *ce = agg1(f, "count", col(f, 0, WEIR_TYPE_INT));
    void *cs = weir_arena_calloc(&f->state, ce->fn->state_size(ce));
    assert_int_equal(ce->fn->agg_save(ce, cs, &sb), WEIR_OK);
    assert_int_equal(sb.len, 8);
    weir_sb_reset(&sb);
    weir_expr *e = agg1(f, "sum", col(f, 0, WEIR_TYPE_INT));
    void *s = weir_arena_calloc(&f->state, e->fn->state_size(e));
    assert_int_equal(e->fn->agg_save(e, s, &sb), WEIR_OK);
    assert_int_equal(sb.len, 1); /* empty: flags only */
    int32_t one = 1;
    weir_vec *v = vec_fixed(f, WEIR_TYPE_INT, &one, NULL, 1);
    void *rows[1] = {s};
    assert_int_equal(e->fn->agg_update(&f->ctx, e, rows, &v, 1), WEIR_OK);
    weir_sb_reset(&sb);
    assert_int_equal(e->fn->agg_save(e, s, &sb), WEIR_OK);
    assert_int_equal(sb.len, 9);
    weir_sb_free(&sb);
}

/* Overflow flags survive the round trip: the result stays NULL after more rows. */
static void test_state_overflow(void **st)
{
    fx *f = *st;
    int g1[] = {0, 0, 1, 1}, g2[] = {0, 1, 2};
    /* try_sum(bigint): overflow -> NULL; sum(bigint) wraps (non-ANSI) */
    int64_t l1[] = {INT64_MAX, 1, 5, 6}, l2[] = {-1, 2, 3};
    weir_vec *b1 = vec_fixed(f, WEIR_TYPE_BIGINT, l1, NULL, 4);
    weir_vec *b2 = vec_fixed(f, WEIR_TYPE_BIGINT, l2, NULL, 3);
    weir_expr *ts = agg1(f, "try_sum", col(f, 0, WEIR_TYPE_BIGINT));
    weir_vec *r = roundtrip(f, ts, 3, &b1, 4, g1, &b2, 3, g2);
    assert_true(weir_vec_is_null(r, 0));
    assert_int_equal(i64_at(r, 1), 13);
    assert_int_equal(i64_at(r, 2), 3);
    weir_expr *sm = agg1(f, "sum", col(f, 0, WEIR_TYPE_BIGINT));
    r = roundtrip(f, sm, 3, &b1, 4, g1, &b2, 3, g2);
    assert_int_equal(i64_at(r, 0), INT64_MAX); /* MAX + 1 wraps to MIN, - 1 back to MAX */

    /* try_sum(interval) overflow */
    weir_vec *i1 = vec_fixed(f, WEIR_TYPE_INTERVAL, l1, NULL, 4);
    weir_vec *i2 = vec_fixed(f, WEIR_TYPE_INTERVAL, l2, NULL, 3);
    weir_expr *ti = agg1(f, "try_sum", col(f, 0, WEIR_TYPE_INTERVAL));
    r = roundtrip(f, ti, 3, &i1, 4, g1, &i2, 3, g2);
    assert_true(weir_vec_is_null(r, 0));
    weir_expr *ta = agg1(f, "try_avg", col(f, 0, WEIR_TYPE_INTERVAL));
    r = roundtrip(f, ta, 3, &i1, 4, g1, &i2, 3, g2);
    assert_true(weir_vec_is_null(r, 0));

    /* decimal(38,0): the sum no longer fits -> NULL (non-ANSI) */
    const weir_type *d38 = weir_type_decimal(&f->plan, 38, 0);
    __int128 big = (__int128)6 * 1000000000000000000 * 1000000000000000000 * 10;
    __int128 d1[] = {big, big, 1, 2}, d2[] = {-big, 7, 8};
    weir_vec *v1 = vec_fixed(f, d38, d1, NULL, 4), *v2 = vec_fixed(f, d38, d2, NULL, 3);
    const char *names[] = {"sum", "try_sum", "avg", "try_avg"};
    for (int k = 0; k < 4; k++) {
        weir_expr *e = agg1(f, names[k], col(f, 0, d38));
        r = roundtrip(f, e, 3, &v1, 4, g1, &v2, 3, g2);
        assert_true(weir_vec_is_null(r, 0));
        assert_false(weir_vec_is_null(r, 1));
    }
}

static void test_state_min_max(void **st)
{
    fx *f = *st;
    const weir_type *types[] = {
        WEIR_TYPE_BOOLEAN,
        WEIR_TYPE_TINYINT,
        WEIR_TYPE_SMALLINT,
        WEIR_TYPE_INT,
        WEIR_TYPE_BIGINT,
        WEIR_TYPE_FLOAT,
        WEIR_TYPE_DOUBLE,
        WEIR_TYPE_STRING,
        WEIR_TYPE_BINARY,
        WEIR_TYPE_DATE,
        WEIR_TYPE_TIMESTAMP,
        WEIR_TYPE_INTERVAL,
        WEIR_TYPE_NULL,
        weir_type_decimal(&f->plan, 38, 2),
        struct_type(f),
        weir_type_array(&f->plan, WEIR_TYPE_INT),
        weir_type_array(&f->plan, struct_type(f)),
    };
    for (size_t j = 0; j < sizeof types / sizeof *types; j++) {
        rt_case(f, "min", types[j], NULL, NULL, true);
        rt_case(f, "max", types[j], NULL, NULL, j % 2 == 0);
    }
    const char *bools[] = {"bool_and", "every", "bool_or", "some", "any"};
    for (size_t i = 0; i < sizeof bools / sizeof *bools; i++) {
        rt_case(f, bools[i], WEIR_TYPE_BOOLEAN, NULL, NULL, true);
        rt_case(f, bools[i], WEIR_TYPE_BOOLEAN, NULL, NULL, false);
    }

    /* a string max keeps its own copy and is compared by bytes after loading */
    const char *s1[] = {"m", "b"}, *s2[] = {"n", "l", "z"};
    int g1[] = {0, 1}, g2[] = {0, 0, 1};
    weir_vec *v1 = vec_str(f, s1, 2), *v2 = vec_str(f, s2, 3);
    weir_expr *mx = agg1(f, "max", col(f, 0, WEIR_TYPE_STRING));
    weir_vec *r = roundtrip(f, mx, 2, &v1, 2, g1, &v2, 3, g2);
    int32_t len;
    assert_memory_equal(weir_vec_str(r, 0, &len), "n", 1);
    assert_memory_equal(weir_vec_str(r, 1, &len), "z", 1);
}

static void test_state_moments(void **st)
{
    fx *f = *st;
    const char *names[] = {"stddev",   "std",     "stddev_samp", "stddev_pop", "variance",
                           "var_samp", "var_pop", "skewness",    "kurtosis"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        rt_case(f, names[i], WEIR_TYPE_INT, NULL, NULL, true);
        rt_case(f, names[i], WEIR_TYPE_BIGINT, NULL, NULL, false);
    }
    /* doubles without NaN: results are numbers, compared bit for bit */
    double d1[] = {1.5, 2.25, 3.125, 10, 0.1}, d2[] = {7.75, 1e-3, 2e5};
    int g1[] = {0, 0, 0, 1, 1}, g2[] = {0, 1, 2};
    weir_vec *v1 = vec_fixed(f, WEIR_TYPE_DOUBLE, d1, NULL, 5);
    weir_vec *v2 = vec_fixed(f, WEIR_TYPE_DOUBLE, d2, NULL, 3);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        weir_expr *e = agg1(f, names[i], col(f, 0, WEIR_TYPE_DOUBLE));
        weir_vec *r = roundtrip(f, e, 3, &v1, 5, g1, &v2, 3, g2);
        assert_false(weir_vec_is_null(r, 0));
    }
}

static void test_state_first_last_by(void **st)
{
    fx *f = *st;
    const char *names[] = {"first", "first_value", "any_value", "last", "last_value"};
    const weir_type *types[] = {WEIR_TYPE_INT,    WEIR_TYPE_STRING,
                                WEIR_TYPE_DOUBLE, WEIR_TYPE_FLOAT,
                                WEIR_TYPE_NULL,   weir_type_decimal(&f->plan, 9, 2),
                                struct_type(f),   weir_type_array(&f->plan, WEIR_TYPE_STRING)};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        for (size_t j = 0; j < sizeof types / sizeof *types; j++) {
            rt_case(f, names[i], types[j], NULL, NULL, true);
            rt_case(f, names[i], types[j], NULL, lit_bool(f, true), true);
            rt_case(f, names[i], types[j], NULL, lit_bool(f, false), j & 1);
        }

    /* first: a NULL first value is kept (and stays) after the round trip */
    const char *x1[] = {NULL, "b"}, *x2[] = {"c", "d"};
    int g1[] = {0, 1}, g2[] = {0, 1};
    weir_vec *v1 = vec_str(f, x1, 2), *v2 = vec_str(f, x2, 2);
    weir_expr *fe = agg1(f, "first", col(f, 0, WEIR_TYPE_STRING));
    weir_vec *r = roundtrip(f, fe, 2, &v1, 2, g1, &v2, 2, g2);
    assert_true(weir_vec_is_null(r, 0));
    int32_t len;
    assert_memory_equal(weir_vec_str(r, 1, &len), "b", 1);
    weir_expr *fi = agg2(f, "first", col(f, 0, WEIR_TYPE_STRING), lit_bool(f, true));
    weir_vec *v1b[2] = {v1, weir_vec_const(&f->batch, &fi->args[1]->lit, 2)};
    weir_vec *v2b[2] = {v2, weir_vec_const(&f->batch, &fi->args[1]->lit, 2)};
    r = roundtrip(f, fi, 2, v1b, 2, g1, v2b, 2, g2);
    assert_memory_equal(weir_vec_str(r, 0, &len), "c", 1);

    const weir_type *byt[] = {WEIR_TYPE_INT,
                              WEIR_TYPE_STRING,
                              WEIR_TYPE_DOUBLE,
                              struct_type(f),
                              weir_type_array(&f->plan, WEIR_TYPE_INT),
                              WEIR_TYPE_NULL};
    for (size_t a = 0; a < sizeof byt / sizeof *byt; a++)
        for (size_t b = 0; b < sizeof byt / sizeof *byt; b++) {
            rt_case(f, "max_by", byt[a], byt[b], NULL, true);
            rt_case(f, "min_by", byt[a], byt[b], NULL, (a + b) & 1);
        }
}

static void test_state_collect(void **st)
{
    fx *f = *st;
    const char *names[] = {"collect_list", "array_agg", "collect_set"};
    const weir_type *types[] = {
        WEIR_TYPE_BOOLEAN,
        WEIR_TYPE_INT,
        WEIR_TYPE_BIGINT,
        WEIR_TYPE_FLOAT,
        WEIR_TYPE_DOUBLE,
        WEIR_TYPE_STRING,
        WEIR_TYPE_BINARY,
        WEIR_TYPE_DATE,
        WEIR_TYPE_NULL,
        weir_type_decimal(&f->plan, 20, 4),
        struct_type(f),
        weir_type_array(&f->plan, WEIR_TYPE_INT),
        weir_type_array(&f->plan, weir_type_array(&f->plan, WEIR_TYPE_STRING)),
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        for (size_t j = 0; j < sizeof types / sizeof *types; j++)
            rt_case(f, names[i], types[j], NULL, NULL, true);

    /* collect_set after loading still deduplicates (NaN = NaN, -0.0 != 0.0) and keeps
     * first-seen order; its index grows past the loaded size */
    double d1[] = {NAN, 0.0, -0.0, 1.0}, d2[] = {NAN, -0.0, 2.0, 0.0, 1.0};
    int g1[] = {0, 0, 0, 0}, g2[] = {0, 0, 0, 0, 0};
    weir_vec *v1 = vec_fixed(f, WEIR_TYPE_DOUBLE, d1, NULL, 4);
    weir_vec *v2 = vec_fixed(f, WEIR_TYPE_DOUBLE, d2, NULL, 5);
    weir_expr *cs = agg1(f, "collect_set", col(f, 0, WEIR_TYPE_DOUBLE));
    weir_vec *r = roundtrip(f, cs, 1, &v1, 4, g1, &v2, 5, g2);
    assert_int_equal(r->offsets[1], 5);
    assert_true(isnan(WEIR_VEC_DATA(r->child[0], double)[0]));
    assert_true(signbit(WEIR_VEC_DATA(r->child[0], double)[2]));
    assert_true(WEIR_VEC_DATA(r->child[0], double)[4] == 2.0);

    int32_t many1[200], many2[300];
    int gm1[200], gm2[300];
    for (int i = 0; i < 200; i++) {
        many1[i] = i % 150;
        gm1[i] = i % 3;
    }
    for (int i = 0; i < 300; i++) {
        many2[i] = 300 - i;
        gm2[i] = i % 3;
    }
    weir_vec *m1 = vec_fixed(f, WEIR_TYPE_INT, many1, NULL, 200);
    weir_vec *m2 = vec_fixed(f, WEIR_TYPE_INT, many2, NULL, 300);
    r = roundtrip(f, cs = agg1(f, "collect_set", col(f, 0, WEIR_TYPE_INT)), 3, &m1, 200, gm1, &m2,
                  300, gm2);
    /* group 0: 50 + 100 values with 49 in common; groups 1, 2: 50 + 100 apart */
    assert_int_equal(r->offsets[1], 101);
    assert_int_equal(r->offsets[3], 401);

    /* a repeated element is corrupt input; a list may repeat */
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_expr *cl = agg1(f, "collect_list", col(f, 0, WEIR_TYPE_INT));
    static const int zeros[200];
    void **l = st_make(&f->ctx, cl, 1, &m1, 200, zeros);
    assert_int_equal(cl->fn->agg_save(cl, l[0], &sb), WEIR_OK);
    size_t used = 0;
    void *s2 = weir_arena_calloc(&f->state2, cs->fn->state_size(cs));
    assert_int_equal(cs->fn->agg_load(&f->ctx2, cs, s2, (const uint8_t *)sb.p, sb.len, &used),
                     WEIR_ERUNTIME);
    assert_non_null(strstr(f->err2.msg, "corrupt aggregate state"));
    weir_sb_free(&sb);
}

static void test_state_hll(void **st)
{
    fx *f = *st;
    const weir_type *types[] = {WEIR_TYPE_INT,    WEIR_TYPE_BIGINT,
                                WEIR_TYPE_STRING, WEIR_TYPE_DOUBLE,
                                struct_type(f),   weir_type_array(&f->plan, WEIR_TYPE_INT)};
    for (size_t j = 0; j < sizeof types / sizeof *types; j++) {
        rt_case(f, "approx_count_distinct", types[j], NULL, NULL, true);
        rt_case(f, "approx_count_distinct", types[j], NULL, lit_double(f, 0.3), true);
        rt_case(f, "approx_count_distinct", types[j], NULL, lit_double(f, 0.01), false);
    }

    /* sparse (few values) and dense (many) forms */
    weir_expr *e = agg1(f, "approx_count_distinct", col(f, 0, WEIR_TYPE_INT));
    int32_t many[500];
    int g[500];
    for (int i = 0; i < 500; i++) {
        many[i] = i * 7919;
        g[i] = 0;
    }
    weir_vec *v = vec_fixed(f, WEIR_TYPE_INT, many, NULL, 500);
    void **few = st_make(&f->ctx, e, 1, &v, 3, g), **lots = st_make(&f->ctx, e, 1, &v, 500, g);
    weir_strbuf sb = WEIR_STRBUF_INIT;
    assert_int_equal(e->fn->agg_save(e, few[0], &sb), WEIR_OK);
    assert_int_equal(sb.p[0] & 1, 1);
    assert_true(sb.len <= 2 + 3 * 9);
    weir_sb_reset(&sb);
    assert_int_equal(e->fn->agg_save(e, lots[0], &sb), WEIR_OK);
    assert_int_equal(sb.p[0] & 1, 0);
    assert_int_equal(sb.len, 1 + 8 * ((1 << 9) / 10 + 1)); /* p = 9: 52 words */
    weir_sb_free(&sb);
    int32_t more[60];
    for (int i = 0; i < 60; i++)
        more[i] = i * 31 + 1;
    weir_vec *vm = vec_fixed(f, WEIR_TYPE_INT, more, NULL, 60);
    weir_vec *r = roundtrip(f, e, 1, &v, 500, g, &vm, 60, g);
    assert_true(i64_at(r, 0) > 450 && i64_at(r, 0) < 650);
    r = roundtrip(f, e, 1, &v, 3, g, &vm, 60, g);

    /* a state saved with another relativeSD is rejected */
    weir_expr *e2 = agg2(f, "approx_count_distinct", col(f, 0, WEIR_TYPE_INT), lit_double(f, 0.3));
    weir_strbuf sb2 = WEIR_STRBUF_INIT;
    assert_int_equal(e->fn->agg_save(e, few[0], &sb2), WEIR_OK);
    assert_load_fails(f, e2, (const uint8_t *)sb2.p, sb2.len);
    weir_sb_free(&sb2);
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
        cmocka_unit_test_setup_teardown(test_state_count_sum_avg, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_state_overflow, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_state_min_max, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_state_moments, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_state_first_last_by, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_state_collect, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_state_hll, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
