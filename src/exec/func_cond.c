/*
 * Conditional functions: coalesce, nvl, ifnull, nvl2, nullif, if, greatest, least, isnan,
 * nanvl. (CASE WHEN, AND and OR are the evaluator's.)
 *
 * Why a row-selection core: every function here picks, per row, which input supplies the
 * result (or NULL). Kernels compute that choice in a tight loop and then copy values in one
 * pass per type, instead of branching on the type for every row. Types follow Spark's
 * findWiderCommonType (coalesce, if), findWiderTypeWithoutStringPromotion (greatest,
 * least) and the comparison rules (nullif).
 */
#include <math.h>
#include <string.h>

#include "exec/func_util.h"
#include "plan/coerce.h"

/* ---- row selection ---------------------------------------------------------------------- */

/* out[i] = srcs[idx[i]][i], or NULL when idx[i] < 0. All srcs have type t. */
static int select_rows(weir_eval_ctx *ctx, const weir_type *t, weir_vec **srcs, const int16_t *idx,
                       int32_t n, weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, t, n);
    if (!o) return weir_err_nomem(ctx->err);
    size_t w = weir_type_width(t);
    bool any_null = false;
    for (int32_t i = 0; i < n; i++)
        any_null |= idx[i] < 0 || weir_fk_null(srcs[idx[i]], i);
    if (w) {
        char *d = o->data;
        switch (w) {
        case 1:
            for (int32_t i = 0; i < n; i++)
                d[i] = idx[i] >= 0 ? ((const char *)srcs[idx[i]]->data)[i] : 0;
            break;
        case 2:
            for (int32_t i = 0; i < n; i++)
                ((int16_t *)d)[i] = idx[i] >= 0 ? ((const int16_t *)srcs[idx[i]]->data)[i] : 0;
            break;
        case 4:
            for (int32_t i = 0; i < n; i++)
                ((int32_t *)d)[i] = idx[i] >= 0 ? ((const int32_t *)srcs[idx[i]]->data)[i] : 0;
            break;
        case 8:
            for (int32_t i = 0; i < n; i++)
                ((int64_t *)d)[i] = idx[i] >= 0 ? ((const int64_t *)srcs[idx[i]]->data)[i] : 0;
            break;
        default:
            for (int32_t i = 0; i < n; i++) {
                if (idx[i] >= 0)
                    memcpy(d + 16 * (size_t)i, (const char *)srcs[idx[i]]->data + 16 * (size_t)i,
                           16);
                else
                    memset(d + 16 * (size_t)i, 0, 16);
            }
            break;
        }
        o->len = n;
    } else if (t->id == WEIR_T_STRING || t->id == WEIR_T_BINARY) {
        int64_t total = 0;
        for (int32_t i = 0; i < n; i++)
            if (idx[i] >= 0 && !weir_fk_null(srcs[idx[i]], i))
                total += srcs[idx[i]]->offsets[i + 1] - srcs[idx[i]]->offsets[i];
        if (weir_vec_reserve_bytes(o, total) != WEIR_OK) return weir_err_nomem(ctx->err);
        char *d = o->data;
        int32_t off = 0;
        for (int32_t i = 0; i < n; i++) {
            if (idx[i] >= 0 && !weir_fk_null(srcs[idx[i]], i)) {
                const weir_vec *s = srcs[idx[i]];
                int32_t len = s->offsets[i + 1] - s->offsets[i];
                memcpy(d + off, (const char *)s->data + s->offsets[i], (size_t)len);
                off += len;
            }
            o->offsets[i + 1] = off;
        }
        o->len = n;
    } else if (t->id == WEIR_T_NULL) {
        o->len = n;
        any_null = true;
    } else {
        for (int32_t i = 0; i < n; i++) {
            int rc =
                idx[i] < 0 ? weir_vec_append_null(o) : weir_vec_append_range(o, srcs[idx[i]], i, 1);
            if (rc != WEIR_OK) return weir_err_nomem(ctx->err);
        }
        *out = o;
        return WEIR_OK;
    }
    if (any_null) {
        if (weir_vec_make_valid(o) != WEIR_OK) return weir_err_nomem(ctx->err);
        for (int32_t i = 0; i < n; i++)
            if (idx[i] < 0 || weir_fk_null(srcs[idx[i]], i)) weir_bit_clear(o->valid, i);
    }
    *out = o;
    return WEIR_OK;
}

static int16_t *idx_new(weir_eval_ctx *ctx, int32_t n)
{
    return weir_arena_alloc(ctx->arena, sizeof(int16_t) * ((size_t)n + 1));
}

/* ---- coalesce / nvl / ifnull ------------------------------------------------------------- */

static int bind_coalesce(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_args_common(bc, e, 0, e->nargs, err);
    if (rc) return rc;
    e->type = e->args[0]->type;
    e->nullable = true;
    for (int i = 0; i < e->nargs; i++)
        if (!e->args[i]->nullable) e->nullable = false;
    return WEIR_OK;
}

static int exec_coalesce(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    int16_t *idx = idx_new(ctx, n);
    if (!idx) return weir_err_nomem(ctx->err);
    for (int32_t i = 0; i < n; i++)
        idx[i] = -1;
    for (int k = e->nargs - 1; k >= 0; k--) {
        const weir_vec *a = args[k];
        if (a->type->id == WEIR_T_NULL) continue;
        if (!a->valid) {
            for (int32_t i = 0; i < n; i++)
                idx[i] = (int16_t)k;
        } else {
            for (int32_t i = 0; i < n; i++)
                if (weir_bit_get(a->valid, i)) idx[i] = (int16_t)k;
        }
    }
    return select_rows(ctx, e->type, args, idx, n, out);
}

/* ---- if / nvl2 ----------------------------------------------------------------------------- */

static const char *if_pretty(weir_arena *a, const weir_expr *ec)
{
    weir_expr *e = (weir_expr *)ec;
    const char *c = weir_expr_pretty(a, e->args[0]);
    const char *x = weir_expr_pretty(a, e->args[1]);
    const char *y = weir_expr_pretty(a, e->args[2]);
    if (!c || !x || !y) return NULL;
    return weir_arena_sprintf(a, "(IF(%s, %s, %s))", c, x, y);
}

static int bind_if(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *ct = e->args[0]->type;
    int rc;
    if (ct->id == WEIR_T_NULL) {
        weir_expr *c = weir_expr_cast(bc->arena, e->args[0], WEIR_TYPE_BOOLEAN);
        if (!c) return weir_err_nomem(err);
        e->args[0] = c;
    } else if (ct->id != WEIR_T_BOOLEAN) {
        return weir_unexpected_input_type(bc, e, 0, "\"BOOLEAN\"", err);
    }
    const weir_type *t = weir_common_type(bc->arena, e->args[1]->type, e->args[2]->type);
    if (!t) return weir_data_diff_types(bc, e, 1, 3, err);
    if ((rc = weir_coerce_args_common(bc, e, 1, 3, err))) return rc;
    e->type = e->args[1]->type;
    e->nullable = e->args[1]->nullable || e->args[2]->nullable;
    return WEIR_OK;
}

static int exec_if(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                   weir_vec **out)
{
    int16_t *idx = idx_new(ctx, n);
    if (!idx) return weir_err_nomem(ctx->err);
    const weir_vec *c = args[0];
    if (c->type->id == WEIR_T_NULL) {
        for (int32_t i = 0; i < n; i++)
            idx[i] = 2;
    } else {
        const uint8_t *b = c->data;
        for (int32_t i = 0; i < n; i++)
            idx[i] = (int16_t)(b[i] && !weir_fk_null(c, i) ? 1 : 2);
    }
    return select_rows(ctx, e->type, args, idx, n, out);
}

static int bind_nvl2(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_args_common(bc, e, 1, 3, err);
    if (rc) return rc;
    e->type = e->args[1]->type;
    e->nullable = e->args[1]->nullable || e->args[2]->nullable;
    return WEIR_OK;
}

static int exec_nvl2(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                     weir_vec **out)
{
    int16_t *idx = idx_new(ctx, n);
    if (!idx) return weir_err_nomem(ctx->err);
    for (int32_t i = 0; i < n; i++)
        idx[i] = (int16_t)(weir_fk_null(args[0], i) ? 2 : 1);
    return select_rows(ctx, e->type, args, idx, n, out);
}

/* ---- nullif ---------------------------------------------------------------------------------- */

static int bind_nullif(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    /* If(EqualTo(a, b), NULL, a): the comparison is coerced, the result keeps a's type */
    const weir_type *t = weir_comparison_type(bc->arena, e->args[0], e->args[1], true);
    if (!t) {
        char l[256], r[256];
        const char *p = weir_expr_pretty(bc->arena, e);
        return weir_bind_error(err, e,
                               "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"%s\" "
                               "due to data type mismatch: the left and right operands of the "
                               "binary operator have incompatible types (%s and %s).",
                               p ? p : "?", weir_sql_type_quoted(e->args[0]->type, l, sizeof l),
                               weir_sql_type_quoted(e->args[1]->type, r, sizeof r));
    }
    e->bind_data = (void *)t;
    e->type = e->args[0]->type;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_nullif(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    const weir_type *t = e->bind_data;
    weir_vec *a = args[0], *b = args[1];
    if (!weir_type_equal(a->type, t) && weir_cast_vec(ctx, args[0], t, false, &a) != WEIR_OK)
        return ctx->err->code ? ctx->err->code : WEIR_ERUNTIME;
    if (!weir_type_equal(b->type, t) && weir_cast_vec(ctx, args[1], t, false, &b) != WEIR_OK)
        return ctx->err->code ? ctx->err->code : WEIR_ERUNTIME;
    int16_t *idx = idx_new(ctx, n);
    if (!idx) return weir_err_nomem(ctx->err);
    for (int32_t i = 0; i < n; i++) {
        bool eq = !weir_fk_null(a, i) && !weir_fk_null(b, i) && weir_fk_row_cmp(a, i, b, i) == 0;
        idx[i] = (int16_t)(eq ? -1 : 0);
    }
    return select_rows(ctx, e->type, args, idx, n, out);
}

/* ---- greatest / least --------------------------------------------------------------------------
 */

static bool orderable(const weir_type *t)
{
    if (t->id == WEIR_T_MAP) return false;
    if (t->id == WEIR_T_ARRAY) return orderable(t->elem);
    if (t->id == WEIR_T_STRUCT)
        for (int i = 0; i < t->nfields; i++)
            if (!orderable(t->fields[i].type)) return false;
    return true;
}

static int bind_greatest(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = WEIR_TYPE_NULL;
    for (int i = 0; i < e->nargs && t; i++)
        t = weir_wider_type_no_string(bc->arena, t, e->args[i]->type);
    if (!t) return weir_data_diff_types(bc, e, 0, e->nargs, err);
    for (int i = 0; i < e->nargs; i++) {
        weir_expr *c = weir_expr_cast(bc->arena, e->args[i], t);
        if (!c) return weir_err_nomem(err);
        e->args[i] = c;
    }
    if (!orderable(t)) {
        char tb[256];
        const char *p = weir_expr_pretty(bc->arena, e);
        return weir_bind_error(err, e,
                               "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve \"%s\" "
                               "due to data type mismatch: The `%s` does not support ordering on "
                               "type %s.",
                               p ? p : "?", e->fname ? e->fname : e->fn->name,
                               weir_sql_type_quoted(t, tb, sizeof tb));
    }
    e->type = t;
    e->nullable = true;
    for (int i = 0; i < e->nargs; i++)
        if (!e->args[i]->nullable) e->nullable = false;
    return WEIR_OK;
}

static int exec_greatest(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    bool greatest = strcmp(e->fn->name, "greatest") == 0;
    int16_t *idx = idx_new(ctx, n);
    if (!idx) return weir_err_nomem(ctx->err);
    for (int32_t i = 0; i < n; i++)
        idx[i] = -1;
    for (int k = 0; k < e->nargs; k++) {
        const weir_vec *a = args[k];
        if (a->type->id == WEIR_T_NULL) continue;
        switch (a->type->id) {
        case WEIR_T_DOUBLE: {
            /* fast path for the common numeric case */
            for (int32_t i = 0; i < n; i++) {
                if (weir_fk_null(a, i)) continue;
                if (idx[i] < 0) {
                    idx[i] = (int16_t)k;
                    continue;
                }
                int c = weir_fk_dcmp(((const double *)a->data)[i],
                                     ((const double *)args[idx[i]]->data)[i]);
                if (greatest ? c > 0 : c < 0) idx[i] = (int16_t)k;
            }
            break;
        }
        default:
            for (int32_t i = 0; i < n; i++) {
                if (weir_fk_null(a, i)) continue;
                if (idx[i] < 0) {
                    idx[i] = (int16_t)k;
                    continue;
                }
                int c = weir_fk_row_cmp(a, i, args[idx[i]], i);
                if (greatest ? c > 0 : c < 0) idx[i] = (int16_t)k;
            }
            break;
        }
    }
    return select_rows(ctx, e->type, args, idx, n, out);
}

/* ---- isnan / nanvl ------------------------------------------------------------------------------
 */

static int bind_isnan(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    if (t->id != WEIR_T_DOUBLE && t->id != WEIR_T_FLOAT) {
        if (!weir_implicit_cast(bc->arena, t, WEIR_TYPE_DOUBLE))
            return weir_unexpected_input_type(bc, e, 0, "(\"DOUBLE\" or \"FLOAT\")", err);
        int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DOUBLE, err);
        if (rc) return rc;
    }
    e->type = WEIR_TYPE_BOOLEAN;
    e->nullable = false;
    return WEIR_OK;
}

static int exec_isnan(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BOOLEAN, n);
    if (!o) return weir_err_nomem(ctx->err);
    uint8_t *r = o->data;
    const weir_vec *x = args[0];
    if (x->type->id == WEIR_T_FLOAT)
        for (int32_t i = 0; i < n; i++)
            r[i] = !weir_fk_null(x, i) && isnan(((const float *)x->data)[i]);
    else
        for (int32_t i = 0; i < n; i++)
            r[i] = !weir_fk_null(x, i) && isnan(((const double *)x->data)[i]);
    *out = o;
    return WEIR_OK;
}

static int bind_nanvl(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *l = e->args[0]->type, *r = e->args[1]->type;
    const weir_type *t = l->id == WEIR_T_FLOAT && (r->id == WEIR_T_FLOAT || r->id == WEIR_T_NULL)
                             ? WEIR_TYPE_FLOAT
                             : WEIR_TYPE_DOUBLE;
    for (int i = 0; i < 2; i++) {
        const weir_type *a = e->args[i]->type;
        if (a->id != WEIR_T_DOUBLE && a->id != WEIR_T_FLOAT && !weir_implicit_cast(bc->arena, a, t))
            return weir_unexpected_input_type(bc, e, i, "(\"DOUBLE\" or \"FLOAT\")", err);
        int rc = weir_coerce_arg(bc, e, i, t, err);
        if (rc) return rc;
    }
    e->type = t;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_nanvl(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    int16_t *idx = idx_new(ctx, n);
    if (!idx) return weir_err_nomem(ctx->err);
    const weir_vec *x = args[0];
    for (int32_t i = 0; i < n; i++) {
        if (weir_fk_null(x, i)) {
            idx[i] = -1;
            continue;
        }
        bool nan = x->type->id == WEIR_T_FLOAT ? isnan(((const float *)x->data)[i])
                                               : isnan(((const double *)x->data)[i]);
        idx[i] = (int16_t)(nan ? 1 : 0);
    }
    return select_rows(ctx, e->type, args, idx, n, out);
}

/* ---- table --------------------------------------------------------------------------------------
 */

#define FN(nm, lo, hi, b, x)                                                                       \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = lo, .max_args = hi, .bind = b, .exec = x   \
    }

const weir_func weir_funcs_conditional[] = {
    FN("coalesce", 1, -1, bind_coalesce, exec_coalesce),
    FN("nvl", 2, 2, bind_coalesce, exec_coalesce),
    FN("ifnull", 2, 2, bind_coalesce, exec_coalesce),
    FN("nvl2", 3, 3, bind_nvl2, exec_nvl2),
    FN("nullif", 2, 2, bind_nullif, exec_nullif),
    {.name = "if",
     .kind = WEIR_FN_SCALAR,
     .min_args = 3,
     .max_args = 3,
     .bind = bind_if,
     .exec = exec_if,
     .pretty = if_pretty},
    {.name = "iff",
     .kind = WEIR_FN_SCALAR,
     .min_args = 3,
     .max_args = 3,
     .bind = bind_if,
     .exec = exec_if},
    FN("greatest", 2, -1, bind_greatest, exec_greatest),
    FN("least", 2, -1, bind_greatest, exec_greatest),
    FN("isnan", 1, 1, bind_isnan, exec_isnan),
    FN("nanvl", 2, 2, bind_nanvl, exec_nanvl),
    {0},
};
