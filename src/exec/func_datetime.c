/*
 * Date and time SQL functions with Spark 3.5's types, implicit casts and NULL rules
 * (datetimeExpressions.scala). All calendar work happens in the session time zone
 * (ctx->conf->tz); timestamps are UTC microseconds, dates are days since the epoch.
 *
 * Datetime patterns are compiled once: a literal pattern at bind time; a pattern that comes
 * from a column is compiled when its value changes (the last one is remembered per call
 * site). Compiled patterns are interned process-wide (up to FMT_INTERN_MAX distinct
 * patterns, never freed: a handful of kilobytes), so plans need no cleanup hook; beyond that
 * bound a call site owns and frees its private compilations.
 *
 * A bad pattern is reported when the function is evaluated on at least one row, as Spark
 * does (the error is raised from the formatter, not from analysis).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/tz_internal.h"
#include "exec/func_util.h"
#include "plan/coerce.h"
#include "plan/expr.h"

#define DEFAULT_TS_PATTERN "yyyy-MM-dd HH:mm:ss"
#define FMT_INTERN_MAX     256

/* ---- pattern interning ------------------------------------------------------------------ */

typedef struct fmt_intern {
    char *pattern;
    weir_dtfmt *f;
} fmt_intern;

static pthread_mutex_t intern_mu = PTHREAD_MUTEX_INITIALIZER;
static fmt_intern interned[FMT_INTERN_MAX];
static int ninterned;

/* A compiled pattern; *owned set when the caller must free it (intern table full). */
static const weir_dtfmt *fmt_get(const char *p, size_t n, bool *owned, weir_error *err)
{
    char stack[256];
    char *pat = n < sizeof(stack) ? stack : malloc(n + 1);
    if (!pat) {
        weir_err_nomem(err);
        return NULL;
    }
    memcpy(pat, p, n);
    pat[n] = 0;
    *owned = false;
    const weir_dtfmt *res = NULL;
    pthread_mutex_lock(&intern_mu);
    for (int i = 0; i < ninterned; i++)
        if (strcmp(interned[i].pattern, pat) == 0) {
            res = interned[i].f;
            break;
        }
    if (!res) {
        weir_dtfmt *f = weir_dtfmt_compile(pat, err);
        if (f) {
            char *copy = ninterned < FMT_INTERN_MAX ? strdup(pat) : NULL;
            if (copy) {
                interned[ninterned].pattern = copy;
                interned[ninterned].f = f;
                ninterned++;
            } else {
                *owned = true;
            }
            res = f;
        }
    }
    pthread_mutex_unlock(&intern_mu);
    if (pat != stack) free(pat);
    return res;
}

/* ---- per-call state ----------------------------------------------------------------------- */

enum { IN_STRING, IN_DATE, IN_TIMESTAMP };

typedef struct dt_bind {
    int fmt_arg;         /* index of the pattern argument, -1 when the default is used */
    bool parsing;        /* the pattern parses (Spark refuses E, F, q, Q there) */
    bool fmt_const;      /* pattern known at bind (literal or default) */
    bool fmt_null;       /* literal NULL pattern: every row NULL */
    const weir_dtfmt *f; /* compiled constant pattern, NULL when it failed */
    weir_error ferr;     /* its error, raised on evaluation */
    int in_kind;         /* IN_* of the value argument */
    int level;           /* date_trunc / trunc literal level (-1 unknown, -2 invalid) */
    bool level_const;
    const weir_tz *tz; /* literal zone argument */
    bool tz_const, tz_bad;
    weir_error tzerr;
    /* non-literal pattern cache: the last pattern (its text is weir_dtfmt_pattern(last_f)) */
    pthread_mutex_t mu;
    const weir_dtfmt *last_f;
    size_t last_len;
    bool last_owned;
} dt_bind;

static dt_bind *new_bind(weir_bind_ctx *bc, weir_expr *e)
{
    dt_bind *b = WEIR_ARENA_NEW(bc->arena, dt_bind);
    if (!b) return NULL;
    b->fmt_arg = -1;
    b->level = -1;
    pthread_mutex_init(&b->mu, NULL);
    e->bind_data = b;
    return b;
}

static bool is_lit(const weir_expr *x)
{
    return x->kind == WEIR_EX_LITERAL ||
           (x->kind == WEIR_EX_CAST && x->implicit && x->args[0]->kind == WEIR_EX_LITERAL &&
            (x->args[0]->lit.is_null || x->args[0]->type->id == WEIR_T_STRING));
}

/* The literal string of argument x (through an implicit cast of a NULL literal). */
static bool lit_str(const weir_expr *x, const char **s, int32_t *n, bool *is_null)
{
    const weir_expr *l = x->kind == WEIR_EX_CAST ? x->args[0] : x;
    if (l->kind != WEIR_EX_LITERAL) return false;
    if (l->lit.is_null || l->type->id == WEIR_T_NULL) {
        *is_null = true;
        return true;
    }
    if (l->type->id != WEIR_T_STRING) return false;
    *is_null = false;
    *s = l->lit.u.s.p;
    *n = l->lit.u.s.len;
    return true;
}

static void set_const_fmt(dt_bind *b, const char *s, size_t n)
{
    bool owned;
    b->fmt_const = true;
    b->f = fmt_get(s, n, &owned, &b->ferr);
    if (b->f && b->parsing && !weir_dtfmt_check_parse(b->f, &b->ferr)) b->f = NULL;
}

/* Binds the pattern argument i (STRING) or the default. */
static int bind_fmt(weir_bind_ctx *bc, weir_expr *e, dt_bind *b, int i, bool parsing,
                    weir_error *err)
{
    b->parsing = parsing;
    if (i >= e->nargs) {
        set_const_fmt(b, DEFAULT_TS_PATTERN, strlen(DEFAULT_TS_PATTERN));
        return WEIR_OK;
    }
    int rc = weir_coerce_arg(bc, e, i, WEIR_TYPE_STRING, err);
    if (rc) return rc;
    b->fmt_arg = i;
    const char *s;
    int32_t n;
    bool isnull;
    if (is_lit(e->args[i]) && lit_str(e->args[i], &s, &n, &isnull)) {
        if (isnull) {
            b->fmt_const = true;
            b->fmt_null = true;
        } else {
            set_const_fmt(b, s, (size_t)n);
        }
    }
    return WEIR_OK;
}

/* The pattern of row i; NULL with *rc set on a pattern error, NULL and rc 0 for NULL. */
static const weir_dtfmt *row_fmt(weir_eval_ctx *ctx, dt_bind *b, weir_vec *fv, int32_t i, int *rc)
{
    *rc = WEIR_OK;
    if (b->fmt_const) {
        if (b->fmt_null) return NULL;
        if (!b->f) {
            *ctx->err = b->ferr;
            *rc = b->ferr.code ? b->ferr.code : WEIR_ERUNTIME;
        }
        return b->f;
    }
    if (weir_fk_null(fv, i)) return NULL;
    int32_t len;
    const char *s = weir_vec_str(fv, i, &len);
    if (b->last_f && (size_t)len == b->last_len &&
        memcmp(weir_dtfmt_pattern(b->last_f), s, (size_t)len) == 0)
        return b->last_f;
    bool owned;
    weir_error e;
    const weir_dtfmt *f = fmt_get(s, (size_t)len, &owned, &e);
    if (f && b->parsing && !weir_dtfmt_check_parse(f, &e)) {
        if (owned) weir_dtfmt_free((weir_dtfmt *)f);
        f = NULL;
    }
    if (!f) {
        *ctx->err = e;
        *rc = e.code ? e.code : WEIR_ERUNTIME;
        return NULL;
    }
    /* a private compilation (intern table full) is replaced, and freed, on the next change;
     * the last one of a call site is never freed (bounded: one per call site) */
    if (b->last_owned) weir_dtfmt_free((weir_dtfmt *)b->last_f);
    b->last_f = f;
    /* a pattern with a NUL byte compiles as its prefix: never matched again by length */
    b->last_len = strlen(weir_dtfmt_pattern(f)) == (size_t)len ? (size_t)len : SIZE_MAX;
    b->last_owned = owned;
    return f;
}

/* ---- small helpers -------------------------------------------------------------------------- */

static int nomem(weir_eval_ctx *ctx)
{
    return weir_err_nomem(ctx->err);
}

static const weir_tz *session_tz(const weir_eval_ctx *ctx)
{
    return ctx->conf && ctx->conf->tz ? ctx->conf->tz : weir_tz_default();
}

static int set_null(weir_vec *o, int32_t i)
{
    return weir_fk_set_null(o, i);
}

/* A fixed-width result with validity = AND of the arguments'. */
static weir_vec *fixed_out(weir_eval_ctx *ctx, const weir_type *t, weir_vec **args, int nargs,
                           int32_t n)
{
    weir_vec *o = weir_fk_out(ctx, t, n);
    if (!o) return NULL;
    if (nargs > 0 && weir_fk_and_valid(o, args, nargs, n) != WEIR_OK) return NULL;
    return o;
}

static int64_t local_us(const weir_tz *tz, int64_t us)
{
    return weir_tz_utc_to_local(tz, us);
}

static int32_t ts_to_days(const weir_tz *tz, int64_t us)
{
    return (int32_t)weir_floor_div(local_us(tz, us), WEIR_US_PER_DAY);
}

static int64_t days_to_ts(const weir_tz *tz, int32_t days)
{
    return weir_tz_local_to_utc(tz, (int64_t)days * WEIR_US_PER_DAY);
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mlen(int64_t y, int m)
{
    static const int ml[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return ml[m - 1] + (m == 2 && leap(y));
}

static int in_kind_of(const weir_type *t)
{
    return t->id == WEIR_T_DATE ? IN_DATE : t->id == WEIR_T_TIMESTAMP ? IN_TIMESTAMP : IN_STRING;
}

/* Coerces a value argument accepted as (STRING, DATE, TIMESTAMP): others become STRING. */
static int coerce_sdt(weir_bind_ctx *bc, weir_expr *e, int i, weir_error *err)
{
    weir_type_id id = e->args[i]->type->id;
    if (id == WEIR_T_DATE || id == WEIR_T_TIMESTAMP || id == WEIR_T_STRING) return WEIR_OK;
    return weir_coerce_arg(bc, e, i, WEIR_TYPE_STRING, err);
}

/* ---- to_timestamp / to_date / unix_timestamp / date_format / from_unixtime ------------------ */

/* to_timestamp(x) and to_date(x): CAST(x AS TIMESTAMP / DATE). */
static int bind_cast_to(weir_bind_ctx *bc, weir_expr *e, const weir_type *t, weir_error *err)
{
    const weir_type *from = e->args[0]->type;
    if (!weir_can_cast(from, t)) {
        char req[64];
        weir_sql_type_quoted(t, req, sizeof req);
        return weir_unexpected_input_type(bc, e, 0, req, err);
    }
    if (!weir_type_equal(from, t)) {
        weir_expr *c = weir_expr_cast(bc->arena, e->args[0], t);
        if (!c) return weir_err_nomem(err);
        e->args[0] = c;
    }
    e->type = t;
    e->nullable = true;
    return WEIR_OK;
}

static int bind_to_timestamp(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 1) return bind_cast_to(bc, e, WEIR_TYPE_TIMESTAMP, err);
    dt_bind *b = new_bind(bc, e);
    if (!b) return weir_err_nomem(err);
    int rc = coerce_sdt(bc, e, 0, err);
    if (rc) return rc;
    b->in_kind = in_kind_of(e->args[0]->type);
    if ((rc = bind_fmt(bc, e, b, 1, true, err))) return rc;
    e->type = WEIR_TYPE_TIMESTAMP;
    e->nullable = true;
    return WEIR_OK;
}

static int bind_to_date(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 1) return bind_cast_to(bc, e, WEIR_TYPE_DATE, err);
    int rc = bind_to_timestamp(bc, e, err);
    e->type = WEIR_TYPE_DATE;
    return rc;
}

/* Micros of row i for a STRING/DATE/TIMESTAMP input; false when NULL or unparsable. */
static bool input_micros(weir_eval_ctx *ctx, dt_bind *b, weir_vec *v, weir_vec *fv, int32_t i,
                         const weir_tz *tz, int64_t *us, int *rc)
{
    *rc = WEIR_OK;
    if (weir_fk_null(v, i)) return false;
    switch (b->in_kind) {
    case IN_TIMESTAMP: *us = WEIR_VEC_DATA(v, int64_t)[i]; return true;
    case IN_DATE: *us = days_to_ts(tz, WEIR_VEC_DATA(v, int32_t)[i]); return true;
    default: {
        const weir_dtfmt *f = row_fmt(ctx, b, fv, i, rc);
        if (!f) return false;
        int32_t len;
        const char *s = weir_vec_str(v, i, &len);
        return weir_dtfmt_parse(f, s, (size_t)len, tz, us);
    }
    }
}

static int exec_to_timestamp(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                             weir_vec **out)
{
    if (e->nargs == 1) {
        *out = args[0];
        return WEIR_OK;
    }
    dt_bind *b = e->bind_data;
    const weir_tz *tz = session_tz(ctx);
    bool date = e->type->id == WEIR_T_DATE;
    weir_vec *o = weir_fk_out(ctx, e->type, n);
    if (!o) return nomem(ctx);
    weir_vec *fv = b->fmt_arg >= 0 ? args[b->fmt_arg] : NULL;
    pthread_mutex_lock(&b->mu);
    int rc = WEIR_OK;
    for (int32_t i = 0; i < n && !rc; i++) {
        int64_t us;
        if (!input_micros(ctx, b, args[0], fv, i, tz, &us, &rc)) {
            if (!rc && set_null(o, i)) rc = nomem(ctx);
            if (date)
                WEIR_VEC_DATA(o, int32_t)[i] = 0;
            else
                WEIR_VEC_DATA(o, int64_t)[i] = 0;
            continue;
        }
        if (date)
            WEIR_VEC_DATA(o, int32_t)[i] = ts_to_days(tz, us);
        else
            WEIR_VEC_DATA(o, int64_t)[i] = us;
    }
    pthread_mutex_unlock(&b->mu);
    if (rc) return rc;
    *out = o;
    return WEIR_OK;
}

static int bind_unix_timestamp(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    dt_bind *b = new_bind(bc, e);
    if (!b) return weir_err_nomem(err);
    int rc;
    if (e->nargs >= 1) {
        if ((rc = coerce_sdt(bc, e, 0, err))) return rc;
        b->in_kind = in_kind_of(e->args[0]->type);
    } else {
        b->in_kind = -1; /* current_timestamp() */
    }
    if ((rc = bind_fmt(bc, e, b, 1, true, err))) return rc;
    e->type = WEIR_TYPE_BIGINT;
    e->nullable = true; /* ToTimestamp is nullable when not in ANSI mode */
    return WEIR_OK;
}

static int exec_unix_timestamp(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    dt_bind *b = e->bind_data;
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BIGINT, n);
    if (!o) return nomem(ctx);
    int64_t *dst = WEIR_VEC_DATA(o, int64_t);
    if (b->in_kind < 0) {
        for (int32_t i = 0; i < n; i++)
            dst[i] = weir_floor_div(ctx->now_us, WEIR_US_PER_SEC);
        *out = o;
        return WEIR_OK;
    }
    const weir_tz *tz = session_tz(ctx);
    weir_vec *fv = b->fmt_arg >= 0 ? args[b->fmt_arg] : NULL;
    int rc = WEIR_OK;
    pthread_mutex_lock(&b->mu);
    for (int32_t i = 0; i < n && !rc; i++) {
        int64_t us;
        if (!input_micros(ctx, b, args[0], fv, i, tz, &us, &rc)) {
            dst[i] = 0;
            if (!rc && set_null(o, i)) rc = nomem(ctx);
            continue;
        }
        dst[i] = weir_floor_div(us, WEIR_US_PER_SEC);
    }
    pthread_mutex_unlock(&b->mu);
    if (rc) return rc;
    *out = o;
    return WEIR_OK;
}

static const char *arg_pretty(weir_arena *a, const weir_expr *e, int i)
{
    const char *p = weir_expr_pretty(a, e->args[i]);
    return p ? p : "?";
}

/* Spark adds the default pattern as an argument, so it shows in the column name. */
static const char *pretty_with_default_fmt(weir_arena *a, const weir_expr *e)
{
    const char *first = e->nargs >= 1 ? arg_pretty(a, e, 0) : "current_timestamp()";
    if (e->nargs >= 2)
        return weir_arena_sprintf(a, "%s(%s, %s)", e->fname, first, arg_pretty(a, e, 1));
    return weir_arena_sprintf(a, "%s(%s, %s)", e->fname, first, DEFAULT_TS_PATTERN);
}

static int bind_date_format(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    dt_bind *b = new_bind(bc, e);
    if (!b) return weir_err_nomem(err);
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_TIMESTAMP, err);
    if (rc) return rc;
    if ((rc = bind_fmt(bc, e, b, 1, false, err))) return rc;
    e->type = WEIR_TYPE_STRING;
    e->nullable = true;
    return WEIR_OK;
}

static int bind_from_unixtime(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    dt_bind *b = new_bind(bc, e);
    if (!b) return weir_err_nomem(err);
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_BIGINT, err);
    if (rc) return rc;
    if ((rc = bind_fmt(bc, e, b, 1, false, err))) return rc;
    e->type = WEIR_TYPE_STRING;
    e->nullable = true;
    return WEIR_OK;
}

/* date_format (micros) and from_unixtime (seconds). */
static int exec_format(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out, bool seconds)
{
    dt_bind *b = e->bind_data;
    const weir_tz *tz = session_tz(ctx);
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    weir_vec *fv = b->fmt_arg >= 0 ? args[b->fmt_arg] : NULL;
    const int64_t *x = WEIR_VEC_DATA(args[0], int64_t);
    int rc = WEIR_OK;
    pthread_mutex_lock(&b->mu);
    for (int32_t i = 0; i < n && !rc; i++) {
        const weir_dtfmt *f = NULL;
        int64_t us = 0;
        bool ok = !weir_fk_null(args[0], i);
        if (ok) {
            us = x[i];
            if (seconds && __builtin_mul_overflow(x[i], WEIR_US_PER_SEC, &us)) ok = false;
        }
        if (ok) f = row_fmt(ctx, b, fv, i, &rc);
        if (rc) break;
        if (!ok || !f) {
            if (weir_vec_append_null(o)) rc = nomem(ctx);
            continue;
        }
        char buf[512];
        int len = weir_dtfmt_format(f, us, tz, buf, sizeof buf);
        if (weir_vec_append_str(o, buf, len)) rc = nomem(ctx);
    }
    pthread_mutex_unlock(&b->mu);
    if (rc) return rc;
    *out = o;
    return WEIR_OK;
}

static int exec_date_format(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                            weir_vec **out)
{
    return exec_format(ctx, e, args, n, out, false);
}

static int exec_from_unixtime(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                              weir_vec **out)
{
    return exec_format(ctx, e, args, n, out, true);
}

/* ---- epoch conversions ------------------------------------------------------------------------
 */

enum { EP_SECONDS, EP_MILLIS, EP_MICROS };

static int bind_timestamp_from(weir_bind_ctx *bc, weir_expr *e, weir_error *err, bool numeric)
{
    const weir_type *t = e->args[0]->type;
    int rc = WEIR_OK;
    if (numeric) {
        if (!weir_type_is_numeric(t)) rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DOUBLE, err);
    } else if (!weir_type_is_integral(t)) {
        if (t->id == WEIR_T_NULL || t->id == WEIR_T_STRING)
            rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_BIGINT, err);
        else
            rc = weir_unexpected_input_type(bc, e, 0, "\"INTEGRAL\"", err);
    }
    if (rc) return rc;
    e->type = WEIR_TYPE_TIMESTAMP;
    e->nullable = true;
    return WEIR_OK;
}

static int bind_timestamp_seconds(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_timestamp_from(bc, e, err, true);
}

static int bind_timestamp_integral(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_timestamp_from(bc, e, err, false);
}

static int overflow(weir_eval_ctx *ctx)
{
    return weir_err(ctx->err, WEIR_ERUNTIME, "long overflow");
}

static int exec_timestamp_from(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out, int unit)
{
    weir_vec *a = args[0];
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_TIMESTAMP, args, 1, n);
    if (!o) return nomem(ctx);
    int64_t *dst = WEIR_VEC_DATA(o, int64_t);
    int64_t mul = unit == EP_SECONDS ? WEIR_US_PER_SEC : unit == EP_MILLIS ? 1000 : 1;
    weir_type_id id = a->type->id;
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(a, i)) continue;
        if (id == WEIR_T_FLOAT || id == WEIR_T_DOUBLE) {
            double d = weir_fk_get_double(a, i) * (double)mul;
            if (d != d || d == 1.0 / 0.0 || d == -1.0 / 0.0) {
                if (set_null(o, i)) return nomem(ctx);
                continue;
            }
            if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) return overflow(ctx);
            dst[i] = (int64_t)d;
        } else if (id == WEIR_T_DECIMAL) {
            __int128 v = WEIR_VEC_DATA(a, __int128)[i] * mul;
            int s = a->type->scale;
            __int128 p = 1;
            for (int k = 0; k < s; k++)
                p *= 10;
            v /= p; /* longValueExact after scaling: the fraction beyond micros is dropped */
            if (v > INT64_MAX || v < INT64_MIN) return overflow(ctx);
            dst[i] = (int64_t)v;
        } else {
            int64_t v = weir_fk_get_long(a, i);
            if (__builtin_mul_overflow(v, mul, &dst[i])) return overflow(ctx);
        }
    }
    *out = o;
    return WEIR_OK;
}

static int exec_timestamp_seconds(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args,
                                  int32_t n, weir_vec **out)
{
    return exec_timestamp_from(ctx, e, args, n, out, EP_SECONDS);
}
static int exec_timestamp_millis(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                                 weir_vec **out)
{
    return exec_timestamp_from(ctx, e, args, n, out, EP_MILLIS);
}
static int exec_timestamp_micros(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                                 weir_vec **out)
{
    return exec_timestamp_from(ctx, e, args, n, out, EP_MICROS);
}

static int bind_unix_epoch(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_TIMESTAMP, err);
    if (rc) return rc;
    e->type = WEIR_TYPE_BIGINT;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_unix_epoch(weir_eval_ctx *ctx, weir_vec **args, int32_t n, weir_vec **out,
                           int64_t div)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_BIGINT, args, 1, n);
    if (!o) return nomem(ctx);
    const int64_t *x = WEIR_VEC_DATA(args[0], int64_t);
    int64_t *dst = WEIR_VEC_DATA(o, int64_t);
    if (args[0]->type->id == WEIR_T_NULL)
        memset(dst, 0, sizeof(int64_t) * (size_t)n);
    else
        for (int32_t i = 0; i < n; i++)
            dst[i] = weir_floor_div(x[i], div);
    *out = o;
    return WEIR_OK;
}

static int exec_unix_seconds(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                             weir_vec **out)
{
    return exec_unix_epoch(ctx, args, n, out, WEIR_US_PER_SEC);
}
static int exec_unix_millis(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                            weir_vec **out)
{
    return exec_unix_epoch(ctx, args, n, out, 1000);
}
static int exec_unix_micros(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                            weir_vec **out)
{
    return exec_unix_epoch(ctx, args, n, out, 1);
}

/* ---- current_* ------------------------------------------------------------------------------- */

static int bind_current(weir_bind_ctx *bc, weir_expr *e, const weir_type *t)
{
    e->type = t;
    e->nullable = false;
    return WEIR_OK;
}
static int bind_current_timestamp(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_current(bc, e, WEIR_TYPE_TIMESTAMP);
}
static int bind_current_date(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_current(bc, e, WEIR_TYPE_DATE);
}
static int bind_current_timezone(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_current(bc, e, WEIR_TYPE_STRING);
}

static int exec_current_timestamp(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args,
                                  int32_t n, weir_vec **out)
{
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_TIMESTAMP, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++)
        WEIR_VEC_DATA(o, int64_t)[i] = ctx->now_us;
    *out = o;
    return WEIR_OK;
}

static int exec_current_date(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                             weir_vec **out)
{
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_DATE, n);
    if (!o) return nomem(ctx);
    int32_t d = ts_to_days(session_tz(ctx), ctx->now_us);
    for (int32_t i = 0; i < n; i++)
        WEIR_VEC_DATA(o, int32_t)[i] = d;
    *out = o;
    return WEIR_OK;
}

static int exec_current_timezone(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                                 weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    const char *id = weir_tz_id(session_tz(ctx));
    for (int32_t i = 0; i < n; i++)
        if (weir_vec_append_str(o, id, (int32_t)strlen(id))) return nomem(ctx);
    *out = o;
    return WEIR_OK;
}

/* ---- field extraction -------------------------------------------------------------------------
 */

enum {
    X_YEAR,
    X_QUARTER,
    X_MONTH,
    X_DAY,
    X_DOW,
    X_WEEKDAY,
    X_DOY,
    X_WEEK,
    X_HOUR,
    X_MINUTE,
    X_SECOND
};

static int bind_date_part(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DATE, err);
    if (rc) return rc;
    e->type = WEIR_TYPE_INT;
    e->nullable = true;
    return WEIR_OK;
}

static int bind_time_part(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_TIMESTAMP, err);
    if (rc) return rc;
    e->type = WEIR_TYPE_INT;
    e->nullable = true;
    return WEIR_OK;
}

static int iso_week(int32_t days)
{
    int wd = (int)weir_floor_mod((int64_t)days + 3, 7); /* Monday 0 */
    int32_t thu = days - wd + 3;
    int y, m, d;
    weir_civil_from_days(thu, &y, &m, &d);
    int32_t jan1 = weir_days_from_civil(y, 1, 1);
    return (thu - jan1) / 7 + 1;
}

static int32_t date_field(int32_t days, int what)
{
    int y, m, d;
    switch (what) {
    case X_DOW: return (int32_t)weir_floor_mod((int64_t)days + 4, 7) + 1; /* Sunday 1 */
    case X_WEEKDAY: return (int32_t)weir_floor_mod((int64_t)days + 3, 7); /* Monday 0 */
    case X_WEEK: return iso_week(days);
    default: break;
    }
    weir_civil_from_days(days, &y, &m, &d);
    switch (what) {
    case X_YEAR: return y;
    case X_QUARTER: return (m - 1) / 3 + 1;
    case X_MONTH: return m;
    case X_DAY: return d;
    default: return days - weir_days_from_civil(y, 1, 1) + 1; /* X_DOY */
    }
}

static int exec_date_field(weir_eval_ctx *ctx, weir_vec **args, int32_t n, weir_vec **out, int what)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, args, 1, n);
    if (!o) return nomem(ctx);
    int32_t *dst = WEIR_VEC_DATA(o, int32_t);
    if (args[0]->type->id == WEIR_T_NULL) {
        memset(dst, 0, sizeof(int32_t) * (size_t)n);
    } else {
        const int32_t *x = WEIR_VEC_DATA(args[0], int32_t);
        for (int32_t i = 0; i < n; i++)
            dst[i] = date_field(x[i], what);
    }
    *out = o;
    return WEIR_OK;
}

static int exec_time_field(weir_eval_ctx *ctx, weir_vec **args, int32_t n, weir_vec **out, int what)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, args, 1, n);
    if (!o) return nomem(ctx);
    int32_t *dst = WEIR_VEC_DATA(o, int32_t);
    const weir_tz *tz = session_tz(ctx);
    if (args[0]->type->id == WEIR_T_NULL) {
        memset(dst, 0, sizeof(int32_t) * (size_t)n);
    } else {
        const int64_t *x = WEIR_VEC_DATA(args[0], int64_t);
        int64_t div = what == X_HOUR     ? 3600 * WEIR_US_PER_SEC
                      : what == X_MINUTE ? 60 * WEIR_US_PER_SEC
                                         : WEIR_US_PER_SEC;
        int64_t mod = what == X_HOUR ? 24 : 60;
        for (int32_t i = 0; i < n; i++) {
            int64_t tod = weir_floor_mod(local_us(tz, x[i]), WEIR_US_PER_DAY);
            dst[i] = (int32_t)(tod / div % mod);
        }
    }
    *out = o;
    return WEIR_OK;
}

#define DATE_FIELD_FN(name, what)                                                                  \
    static int exec_##name(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,     \
                           weir_vec **out)                                                         \
    {                                                                                              \
        return exec_date_field(ctx, args, n, out, what);                                           \
    }
#define TIME_FIELD_FN(name, what)                                                                  \
    static int exec_##name(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,     \
                           weir_vec **out)                                                         \
    {                                                                                              \
        return exec_time_field(ctx, args, n, out, what);                                           \
    }
DATE_FIELD_FN(year, X_YEAR)
DATE_FIELD_FN(quarter, X_QUARTER)
DATE_FIELD_FN(month, X_MONTH)
DATE_FIELD_FN(day, X_DAY)
DATE_FIELD_FN(dayofweek, X_DOW)
DATE_FIELD_FN(weekday, X_WEEKDAY)
DATE_FIELD_FN(dayofyear, X_DOY)
DATE_FIELD_FN(weekofyear, X_WEEK)
TIME_FIELD_FN(hour, X_HOUR)
TIME_FIELD_FN(minute, X_MINUTE)
TIME_FIELD_FN(second, X_SECOND)

/* ---- truncation ------------------------------------------------------------------------------ */

enum {
    L_MICROSECOND,
    L_MILLISECOND,
    L_SECOND,
    L_MINUTE,
    L_HOUR,
    L_DAY,
    L_WEEK,
    L_MONTH,
    L_QUARTER,
    L_YEAR,
    L_INVALID = -2
};

/* DateTimeUtils.parseTruncLevel */
static int trunc_level(const char *s, int32_t n)
{
    static const struct {
        const char *name;
        int level;
    } names[] = {{"MICROSECOND", L_MICROSECOND},
                 {"MILLISECOND", L_MILLISECOND},
                 {"SECOND", L_SECOND},
                 {"MINUTE", L_MINUTE},
                 {"HOUR", L_HOUR},
                 {"DAY", L_DAY},
                 {"DD", L_DAY},
                 {"WEEK", L_WEEK},
                 {"MON", L_MONTH},
                 {"MONTH", L_MONTH},
                 {"MM", L_MONTH},
                 {"QUARTER", L_QUARTER},
                 {"YEAR", L_YEAR},
                 {"YYYY", L_YEAR},
                 {"YY", L_YEAR}};
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        if ((size_t)n == strlen(names[k].name) && strncasecmp(s, names[k].name, (size_t)n) == 0)
            return names[k].level;
    return L_INVALID;
}

static int32_t trunc_days(int32_t days, int level)
{
    int y, m, d;
    switch (level) {
    case L_WEEK: return days - (int32_t)weir_floor_mod((int64_t)days + 3, 7);
    case L_MONTH: weir_civil_from_days(days, &y, &m, &d); return days - d + 1;
    case L_QUARTER:
        weir_civil_from_days(days, &y, &m, &d);
        return weir_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
    case L_YEAR: weir_civil_from_days(days, &y, &m, &d); return weir_days_from_civil(y, 1, 1);
    default: return days;
    }
}

/* ZonedDateTime.truncatedTo: truncate the local time, keep the offset when still valid. */
static int64_t trunc_local(const weir_tz *tz, int64_t us, int64_t unit)
{
    int64_t off = (int64_t)weir_tz_offset_at_utc(tz, us) * WEIR_US_PER_SEC;
    int64_t local = us + off;
    int64_t t = local - weir_floor_mod(local, unit);
    int64_t cand = t - off;
    if ((int64_t)weir_tz_offset_at_utc(tz, cand) * WEIR_US_PER_SEC == off) return cand;
    return weir_tz_local_to_utc(tz, t);
}

static int64_t trunc_ts(const weir_tz *tz, int64_t us, int level)
{
    switch (level) {
    case L_MICROSECOND: return us;
    case L_MILLISECOND: return us - weir_floor_mod(us, 1000);
    case L_SECOND: return us - weir_floor_mod(us, WEIR_US_PER_SEC);
    case L_MINUTE: return trunc_local(tz, us, 60 * WEIR_US_PER_SEC);
    case L_HOUR: return trunc_local(tz, us, 3600 * WEIR_US_PER_SEC);
    case L_DAY: return trunc_local(tz, us, WEIR_US_PER_DAY);
    default: return days_to_ts(tz, trunc_days(ts_to_days(tz, us), level));
    }
}

static int bind_level(weir_bind_ctx *bc, weir_expr *e, dt_bind *b, int i, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, i, WEIR_TYPE_STRING, err);
    if (rc) return rc;
    const char *s;
    int32_t n;
    bool isnull;
    if (is_lit(e->args[i]) && lit_str(e->args[i], &s, &n, &isnull)) {
        b->level_const = true;
        b->level = isnull ? L_INVALID : trunc_level(s, n);
    }
    return WEIR_OK;
}

static int row_level(const dt_bind *b, weir_vec *lv, int32_t i)
{
    if (b->level_const) return b->level;
    if (weir_fk_null(lv, i)) return L_INVALID;
    int32_t len;
    const char *s = weir_vec_str(lv, i, &len);
    return trunc_level(s, len);
}

static int bind_date_trunc(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    dt_bind *b = new_bind(bc, e);
    if (!b) return weir_err_nomem(err);
    int rc = bind_level(bc, e, b, 0, err);
    if (rc || (rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_TIMESTAMP, err))) return rc;
    e->type = WEIR_TYPE_TIMESTAMP;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_date_trunc(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    const dt_bind *b = e->bind_data;
    const weir_tz *tz = session_tz(ctx);
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_TIMESTAMP, args, 2, n);
    if (!o) return nomem(ctx);
    int64_t *dst = WEIR_VEC_DATA(o, int64_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[1], i)) continue;
        int level = row_level(b, args[0], i);
        if (level < 0) {
            if (set_null(o, i)) return nomem(ctx);
            continue;
        }
        dst[i] = trunc_ts(tz, WEIR_VEC_DATA(args[1], int64_t)[i], level);
    }
    *out = o;
    return WEIR_OK;
}

static int bind_trunc(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    dt_bind *b = new_bind(bc, e);
    if (!b) return weir_err_nomem(err);
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DATE, err);
    if (rc || (rc = bind_level(bc, e, b, 1, err))) return rc;
    e->type = WEIR_TYPE_DATE;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_trunc(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    const dt_bind *b = e->bind_data;
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_DATE, args, 2, n);
    if (!o) return nomem(ctx);
    int32_t *dst = WEIR_VEC_DATA(o, int32_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[0], i)) continue;
        int level = row_level(b, args[1], i);
        if (level < L_WEEK) { /* trunc accepts only levels from WEEK up */
            if (set_null(o, i)) return nomem(ctx);
            continue;
        }
        dst[i] = trunc_days(WEIR_VEC_DATA(args[0], int32_t)[i], level);
    }
    *out = o;
    return WEIR_OK;
}

/* ---- date arithmetic ----------------------------------------------------------------------------
 */

/* (DATE, INT-like): date_add, date_sub, add_months */
static int bind_date_int(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DATE, err);
    if (rc) return rc;
    weir_type_id id = e->args[1]->type->id;
    if (id != WEIR_T_INT && id != WEIR_T_SMALLINT && id != WEIR_T_TINYINT)
        rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_INT, err);
    if (rc) return rc;
    e->type = WEIR_TYPE_DATE;
    e->nullable = true;
    return WEIR_OK;
}

static int32_t add_months(int32_t days, int64_t months)
{
    int y, m, d;
    weir_civil_from_days(days, &y, &m, &d);
    int64_t total = (int64_t)y * 12 + (m - 1) + months;
    int64_t ny = weir_floor_div(total, 12);
    int nm = (int)weir_floor_mod(total, 12) + 1;
    int len = mlen(ny, nm);
    return weir_days_from_civil(ny, nm, d > len ? len : d);
}

static int exec_date_int(weir_eval_ctx *ctx, weir_vec **args, int32_t n, weir_vec **out, int op)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_DATE, args, 2, n);
    if (!o) return nomem(ctx);
    int32_t *dst = WEIR_VEC_DATA(o, int32_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[0], i) || weir_fk_null(args[1], i)) continue;
        int32_t d = WEIR_VEC_DATA(args[0], int32_t)[i];
        int32_t k = (int32_t)weir_fk_get_long(args[1], i);
        switch (op) {
        case 0: dst[i] = (int32_t)((uint32_t)d + (uint32_t)k); break; /* Int addition wraps */
        case 1: dst[i] = (int32_t)((uint32_t)d - (uint32_t)k); break;
        default: dst[i] = add_months(d, k); break;
        }
    }
    *out = o;
    return WEIR_OK;
}

static int exec_date_add(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    return exec_date_int(ctx, args, n, out, 0);
}
static int exec_date_sub(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    return exec_date_int(ctx, args, n, out, 1);
}
static int exec_add_months(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    return exec_date_int(ctx, args, n, out, 2);
}

static int bind_datediff(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DATE, err);
    if (rc || (rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_DATE, err))) return rc;
    e->type = WEIR_TYPE_INT;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_datediff(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, args, 2, n);
    if (!o) return nomem(ctx);
    int32_t *dst = WEIR_VEC_DATA(o, int32_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[0], i) || weir_fk_null(args[1], i)) continue;
        dst[i] = (int32_t)((uint32_t)WEIR_VEC_DATA(args[0], int32_t)[i] -
                           (uint32_t)WEIR_VEC_DATA(args[1], int32_t)[i]);
    }
    *out = o;
    return WEIR_OK;
}

static int bind_months_between(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_TIMESTAMP, err);
    if (rc || (rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_TIMESTAMP, err))) return rc;
    if (e->nargs > 2 && (rc = weir_coerce_arg(bc, e, 2, WEIR_TYPE_BOOLEAN, err))) return rc;
    e->type = WEIR_TYPE_DOUBLE;
    e->nullable = true;
    return WEIR_OK;
}

/* DateTimeUtils.monthsBetween */
static double months_between(const weir_tz *tz, int64_t t1, int64_t t2, bool round_off)
{
    int64_t l1 = local_us(tz, t1), l2 = local_us(tz, t2);
    int32_t d1 = (int32_t)weir_floor_div(l1, WEIR_US_PER_DAY);
    int32_t d2 = (int32_t)weir_floor_div(l2, WEIR_US_PER_DAY);
    int y1, m1, dd1, y2, m2, dd2;
    weir_civil_from_days(d1, &y1, &m1, &dd1);
    weir_civil_from_days(d2, &y2, &m2, &dd2);
    double month_diff = (double)(((int64_t)y1 * 12 + m1) - ((int64_t)y2 * 12 + m2));
    if (dd1 == dd2 || (dd1 == mlen(y1, m1) && dd2 == mlen(y2, m2))) return month_diff;
    int64_t s1 = (l1 - (int64_t)d1 * WEIR_US_PER_DAY) / WEIR_US_PER_SEC;
    int64_t s2 = (l2 - (int64_t)d2 * WEIR_US_PER_DAY) / WEIR_US_PER_SEC;
    int64_t sdiff = (int64_t)(dd1 - dd2) * 86400 + s1 - s2;
    double diff = month_diff + (double)sdiff / (31.0 * 86400.0);
    return round_off ? weir_round_double(diff, 8, 0) : diff;
}

static int exec_months_between(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    const weir_tz *tz = session_tz(ctx);
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_DOUBLE, args, e->nargs, n);
    if (!o) return nomem(ctx);
    double *dst = WEIR_VEC_DATA(o, double);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[0], i) || weir_fk_null(args[1], i)) continue;
        bool r = true;
        if (e->nargs > 2) {
            if (weir_fk_null(args[2], i)) continue;
            r = WEIR_VEC_DATA(args[2], uint8_t)[i] != 0;
        }
        dst[i] = months_between(tz, WEIR_VEC_DATA(args[0], int64_t)[i],
                                WEIR_VEC_DATA(args[1], int64_t)[i], r);
    }
    *out = o;
    return WEIR_OK;
}

static const char *pretty_months_between(weir_arena *a, const weir_expr *e)
{
    return weir_arena_sprintf(a, "months_between(%s, %s, %s)", arg_pretty(a, e, 0),
                              arg_pretty(a, e, 1), e->nargs > 2 ? arg_pretty(a, e, 2) : "true");
}

static int bind_date1(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DATE, err);
    if (rc) return rc;
    e->type = WEIR_TYPE_DATE;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_last_day(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_DATE, args, 1, n);
    if (!o) return nomem(ctx);
    int32_t *dst = WEIR_VEC_DATA(o, int32_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[0], i)) continue;
        int32_t d = WEIR_VEC_DATA(args[0], int32_t)[i];
        int y, m, dd;
        weir_civil_from_days(d, &y, &m, &dd);
        dst[i] = d - dd + mlen(y, m);
    }
    *out = o;
    return WEIR_OK;
}

/* DateTimeUtils.getDayOfWeekFromString: Monday 0 .. Sunday 6, -1 invalid */
static int dow_from_string(const char *s, int32_t n)
{
    static const char *const names[7][3] = {{"MO", "MON", "MONDAY"},    {"TU", "TUE", "TUESDAY"},
                                            {"WE", "WED", "WEDNESDAY"}, {"TH", "THU", "THURSDAY"},
                                            {"FR", "FRI", "FRIDAY"},    {"SA", "SAT", "SATURDAY"},
                                            {"SU", "SUN", "SUNDAY"}};
    for (int d = 0; d < 7; d++)
        for (int k = 0; k < 3; k++)
            if ((size_t)n == strlen(names[d][k]) && strncasecmp(s, names[d][k], (size_t)n) == 0)
                return d;
    return -1;
}

static int bind_next_day(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DATE, err);
    if (rc || (rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_STRING, err))) return rc;
    e->type = WEIR_TYPE_DATE;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_next_day(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_DATE, args, 2, n);
    if (!o) return nomem(ctx);
    int32_t *dst = WEIR_VEC_DATA(o, int32_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[0], i) || weir_fk_null(args[1], i)) continue;
        int32_t len;
        const char *s = weir_vec_str(args[1], i, &len);
        int want = dow_from_string(s, len);
        if (want < 0) {
            if (set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t d = WEIR_VEC_DATA(args[0], int32_t)[i];
        int cur = (int)weir_floor_mod((int64_t)d + 3, 7);
        int delta = (want - cur + 7) % 7;
        dst[i] = d + (delta == 0 ? 7 : delta);
    }
    *out = o;
    return WEIR_OK;
}

/* ---- make_date / make_timestamp
 * ------------------------------------------------------------------ */

static int bind_make_date(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    for (int i = 0; i < 3; i++) {
        int rc = weir_coerce_arg(bc, e, i, WEIR_TYPE_INT, err);
        if (rc) return rc;
    }
    e->type = WEIR_TYPE_DATE;
    e->nullable = true;
    return WEIR_OK;
}

static bool valid_date(int64_t y, int64_t m, int64_t d)
{
    return y >= -999999999 && y <= 999999999 && m >= 1 && m <= 12 && d >= 1 && d <= mlen(y, (int)m);
}

static int exec_make_date(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                          weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_DATE, args, 3, n);
    if (!o) return nomem(ctx);
    int32_t *dst = WEIR_VEC_DATA(o, int32_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[0], i) || weir_fk_null(args[1], i) || weir_fk_null(args[2], i))
            continue;
        int64_t y = WEIR_VEC_DATA(args[0], int32_t)[i], m = WEIR_VEC_DATA(args[1], int32_t)[i],
                d = WEIR_VEC_DATA(args[2], int32_t)[i];
        if (!valid_date(y, m, d) || y > 5000000 || y < -5000000) {
            if (set_null(o, i)) return nomem(ctx);
            continue;
        }
        dst[i] = weir_days_from_civil(y, (int)m, (int)d);
    }
    *out = o;
    return WEIR_OK;
}

static int bind_make_timestamp(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    dt_bind *b = new_bind(bc, e);
    if (!b) return weir_err_nomem(err);
    for (int i = 0; i < 5; i++) {
        int rc = weir_coerce_arg(bc, e, i, WEIR_TYPE_INT, err);
        if (rc) return rc;
    }
    const weir_type *st = e->args[5]->type;
    const weir_type *d166 = weir_type_decimal(bc->arena, 16, 6);
    if (!d166) return weir_err_nomem(err);
    if (!(weir_type_is_integral(st) ||
          (st->id == WEIR_T_DECIMAL && st->scale <= 6 && st->precision - st->scale <= 10))) {
        int rc = weir_coerce_arg(bc, e, 5, d166, err);
        if (rc) return rc;
        if (e->args[5]->type->id == WEIR_T_DECIMAL && !weir_type_equal(e->args[5]->type, d166)) {
            weir_expr *c = weir_expr_cast(bc->arena, e->args[5], d166);
            if (!c) return weir_err_nomem(err);
            e->args[5] = c;
        }
    }
    if (e->nargs > 6) {
        int rc = weir_coerce_arg(bc, e, 6, WEIR_TYPE_STRING, err);
        if (rc) return rc;
    }
    e->type = WEIR_TYPE_TIMESTAMP;
    e->nullable = true;
    return WEIR_OK;
}

/* seconds argument as micros; false when it does not fit DECIMAL(16, 6) */
static bool sec_micros(const weir_vec *v, int32_t i, int64_t *out)
{
    if (v->type->id == WEIR_T_DECIMAL) {
        __int128 x = WEIR_VEC_DATA(v, __int128)[i];
        for (int k = v->type->scale; k < 6; k++)
            x *= 10;
        if (x > INT64_MAX / 2 || x < -(INT64_MAX / 2)) return false;
        *out = (int64_t)x;
        return true;
    }
    int64_t s = weir_fk_get_long(v, i);
    if (s > 9999999999 || s < -9999999999) return false;
    *out = s * WEIR_US_PER_SEC;
    return true;
}

static int exec_make_timestamp(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    const weir_tz *stz = session_tz(ctx);
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_TIMESTAMP, args, e->nargs, n);
    if (!o) return nomem(ctx);
    int64_t *dst = WEIR_VEC_DATA(o, int64_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        bool any_null = false;
        for (int k = 0; k < e->nargs; k++)
            any_null |= weir_fk_null(args[k], i);
        if (any_null) continue;
        int64_t f[5];
        for (int k = 0; k < 5; k++)
            f[k] = WEIR_VEC_DATA(args[k], int32_t)[i];
        const weir_tz *tz = stz;
        if (e->nargs > 6) {
            int32_t len;
            const char *s = weir_vec_str(args[6], i, &len);
            char id[128];
            weir_error ze;
            tz = NULL;
            if (len > 0 && (size_t)len < sizeof id) {
                memcpy(id, s, (size_t)len);
                id[len] = 0;
                tz = weir_tz_get(id, &ze);
            }
        }
        int64_t micros;
        bool ok = tz && sec_micros(args[5], i, &micros);
        int64_t secs = ok ? weir_floor_div(micros, WEIR_US_PER_SEC) : 0;
        int64_t frac = ok ? weir_floor_mod(micros, WEIR_US_PER_SEC) : 0;
        ok = ok && valid_date(f[0], f[1], f[2]) && f[0] <= 300000 && f[0] >= -300000 && f[3] >= 0 &&
             f[3] <= 23 && f[4] >= 0 && f[4] <= 59 && secs >= 0 &&
             (secs <= 59 || (secs == 60 && frac == 0));
        if (!ok) {
            if (set_null(o, i)) return nomem(ctx);
            continue;
        }
        int64_t local = ((int64_t)weir_days_from_civil(f[0], (int)f[1], (int)f[2]) * 86400 +
                         f[3] * 3600 + f[4] * 60 + secs) *
                            WEIR_US_PER_SEC +
                        frac;
        dst[i] = weir_tz_local_to_utc(tz, local);
    }
    *out = o;
    return WEIR_OK;
}

/* ---- from_utc_timestamp / to_utc_timestamp
 * ------------------------------------------------------- */

static int bind_utc_conv(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    dt_bind *b = new_bind(bc, e);
    if (!b) return weir_err_nomem(err);
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_TIMESTAMP, err);
    if (rc || (rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_STRING, err))) return rc;
    const char *s;
    int32_t n;
    bool isnull;
    if (is_lit(e->args[1]) && lit_str(e->args[1], &s, &n, &isnull)) {
        b->tz_const = true;
        if (isnull) {
            b->tz = NULL;
        } else {
            char *id = weir_arena_strndup(bc->arena, s, (size_t)n);
            if (!id) return weir_err_nomem(err);
            b->tz = weir_tz_get(id, &b->tzerr);
            b->tz_bad = b->tz == NULL;
        }
    }
    e->type = WEIR_TYPE_TIMESTAMP;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_utc_conv(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out, bool from)
{
    const dt_bind *b = e->bind_data;
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_TIMESTAMP, args, 2, n);
    if (!o) return nomem(ctx);
    int64_t *dst = WEIR_VEC_DATA(o, int64_t);
    for (int32_t i = 0; i < n; i++) {
        dst[i] = 0;
        if (weir_fk_null(args[0], i) || weir_fk_null(args[1], i)) continue;
        const weir_tz *tz = b->tz;
        if (b->tz_const && b->tz_bad) {
            *ctx->err = b->tzerr;
            return WEIR_ERUNTIME;
        }
        if (!b->tz_const) {
            int32_t len;
            const char *s = weir_vec_str(args[1], i, &len);
            char id[128];
            weir_error ze;
            if (len <= 0 || (size_t)len >= sizeof id)
                return weir_err(ctx->err, WEIR_ERUNTIME, "Unknown time-zone ID: %.*s", len, s);
            memcpy(id, s, (size_t)len);
            id[len] = 0;
            tz = weir_tz_get(id, &ze);
            if (!tz) return weir_err(ctx->err, WEIR_ERUNTIME, "%s", ze.msg);
        }
        int64_t us = WEIR_VEC_DATA(args[0], int64_t)[i];
        dst[i] = from ? weir_tz_utc_to_local(tz, us) : weir_tz_local_to_utc(tz, us);
    }
    *out = o;
    return WEIR_OK;
}

static int exec_from_utc(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    return exec_utc_conv(ctx, e, args, n, out, true);
}
static int exec_to_utc(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    return exec_utc_conv(ctx, e, args, n, out, false);
}

/* ---- the table
 * ------------------------------------------------------------------------------------- */

#define SCALAR(nm, mn, mx, b, x)                                                                   \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = mn, .max_args = mx, .bind = b, .exec = x   \
    }
#define SCALARP(nm, mn, mx, b, x, p)                                                               \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = mn, .max_args = mx, .bind = b, .exec = x,  \
        .pretty = p                                                                                \
    }

const weir_func weir_funcs_datetime[] = {
    SCALAR("to_timestamp", 1, 2, bind_to_timestamp, exec_to_timestamp),
    SCALAR("to_date", 1, 2, bind_to_date, exec_to_timestamp),
    SCALAR("date_format", 2, 2, bind_date_format, exec_date_format),
    SCALARP("unix_timestamp", 0, 2, bind_unix_timestamp, exec_unix_timestamp,
            pretty_with_default_fmt),
    SCALARP("to_unix_timestamp", 1, 2, bind_unix_timestamp, exec_unix_timestamp,
            pretty_with_default_fmt),
    SCALARP("from_unixtime", 1, 2, bind_from_unixtime, exec_from_unixtime, pretty_with_default_fmt),
    SCALAR("timestamp_seconds", 1, 1, bind_timestamp_seconds, exec_timestamp_seconds),
    SCALAR("timestamp_millis", 1, 1, bind_timestamp_integral, exec_timestamp_millis),
    SCALAR("timestamp_micros", 1, 1, bind_timestamp_integral, exec_timestamp_micros),
    SCALAR("unix_seconds", 1, 1, bind_unix_epoch, exec_unix_seconds),
    SCALAR("unix_millis", 1, 1, bind_unix_epoch, exec_unix_millis),
    SCALAR("unix_micros", 1, 1, bind_unix_epoch, exec_unix_micros),
    SCALAR("current_timestamp", 0, 0, bind_current_timestamp, exec_current_timestamp),
    SCALAR("now", 0, 0, bind_current_timestamp, exec_current_timestamp),
    SCALAR("current_date", 0, 0, bind_current_date, exec_current_date),
    SCALAR("current_timezone", 0, 0, bind_current_timezone, exec_current_timezone),
    SCALAR("year", 1, 1, bind_date_part, exec_year),
    SCALAR("quarter", 1, 1, bind_date_part, exec_quarter),
    SCALAR("month", 1, 1, bind_date_part, exec_month),
    SCALAR("day", 1, 1, bind_date_part, exec_day),
    SCALAR("dayofmonth", 1, 1, bind_date_part, exec_day),
    SCALAR("dayofweek", 1, 1, bind_date_part, exec_dayofweek),
    SCALAR("weekday", 1, 1, bind_date_part, exec_weekday),
    SCALAR("dayofyear", 1, 1, bind_date_part, exec_dayofyear),
    SCALAR("weekofyear", 1, 1, bind_date_part, exec_weekofyear),
    SCALAR("hour", 1, 1, bind_time_part, exec_hour),
    SCALAR("minute", 1, 1, bind_time_part, exec_minute),
    SCALAR("second", 1, 1, bind_time_part, exec_second),
    SCALAR("date_trunc", 2, 2, bind_date_trunc, exec_date_trunc),
    SCALAR("trunc", 2, 2, bind_trunc, exec_trunc),
    SCALAR("date_add", 2, 2, bind_date_int, exec_date_add),
    SCALAR("date_sub", 2, 2, bind_date_int, exec_date_sub),
    SCALAR("datediff", 2, 2, bind_datediff, exec_datediff),
    SCALAR("add_months", 2, 2, bind_date_int, exec_add_months),
    SCALARP("months_between", 2, 3, bind_months_between, exec_months_between,
            pretty_months_between),
    SCALAR("last_day", 1, 1, bind_date1, exec_last_day),
    SCALAR("next_day", 2, 2, bind_next_day, exec_next_day),
    SCALAR("make_date", 3, 3, bind_make_date, exec_make_date),
    SCALAR("make_timestamp", 6, 7, bind_make_timestamp, exec_make_timestamp),
    SCALAR("from_utc_timestamp", 2, 2, bind_utc_conv, exec_from_utc),
    SCALAR("to_utc_timestamp", 2, 2, bind_utc_conv, exec_to_utc),
    {0},
};
