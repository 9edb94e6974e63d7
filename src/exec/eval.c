/*
 * Expression evaluation over a batch: one vector per node, bottom-up. Column references
 * return the input vector itself (no copy); functions run their whole-vector kernels.
 * AND/OR/CASE/field access are evaluated here since they are not plain functions
 * (three-valued logic, branch selection, parent NULLs).
 */
#include <string.h>

#include "plan/expr.h"

static int eval_logic(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **in, int32_t n,
                      weir_vec **out)
{
    weir_vec *x, *y;
    int rc = weir_expr_eval(ctx, e->args[0], in, n, &x);
    if (rc == WEIR_OK) rc = weir_expr_eval(ctx, e->args[1], in, n, &y);
    if (rc != WEIR_OK) return rc;
    weir_vec *r = weir_vec_new(ctx->arena, WEIR_TYPE_BOOLEAN, n);
    if (!r) return weir_err_nomem(ctx->err);
    const uint8_t *a = x->data, *b = y->data;
    uint8_t *o = r->data;
    bool is_and = e->kind == WEIR_EX_AND;
    if (!x->valid && !y->valid && x->type->id != WEIR_T_NULL && y->type->id != WEIR_T_NULL) {
        if (is_and)
            for (int32_t i = 0; i < n; i++)
                o[i] = a[i] & b[i];
        else
            for (int32_t i = 0; i < n; i++)
                o[i] = a[i] | b[i];
    } else {
        if (weir_vec_make_valid(r) != WEIR_OK) return weir_err_nomem(ctx->err);
        for (int32_t i = 0; i < n; i++) {
            bool xn = x->type->id == WEIR_T_NULL || weir_vec_is_null(x, i);
            bool yn = y->type->id == WEIR_T_NULL || weir_vec_is_null(y, i);
            bool xv = !xn && a[i], yv = !yn && b[i];
            if (is_and) {
                if ((!xn && !xv) || (!yn && !yv))
                    o[i] = 0;
                else if (xn || yn) {
                    o[i] = 0;
                    weir_bit_clear(r->valid, i);
                } else
                    o[i] = 1;
            } else {
                if (xv || yv)
                    o[i] = 1;
                else if (xn || yn) {
                    o[i] = 0;
                    weir_bit_clear(r->valid, i);
                } else
                    o[i] = 0;
            }
        }
    }
    r->len = n;
    *out = r;
    return WEIR_OK;
}

static int eval_case(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **in, int32_t n,
                     weir_vec **out)
{
    int nw = e->nargs / 2;
    weir_vec **vals = WEIR_ARENA_NEWN(ctx->arena, weir_vec *, e->nargs);
    int32_t *choice = weir_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!vals || !choice) return weir_err_nomem(ctx->err);
    for (int32_t i = 0; i < n; i++)
        choice[i] = -1;
    int32_t undecided = n;
    for (int w = 0; w < nw && undecided; w++) {
        weir_vec *c;
        int rc = weir_expr_eval(ctx, e->args[2 * w], in, n, &c);
        if (rc != WEIR_OK) return rc;
        const uint8_t *cv = c->data;
        bool cnull = c->type->id == WEIR_T_NULL;
        for (int32_t i = 0; i < n; i++)
            if (choice[i] < 0 && !cnull && !weir_vec_is_null(c, i) && cv[i]) {
                choice[i] = w;
                undecided--;
            }
    }
    weir_vec *r = weir_vec_new(ctx->arena, e->type, n);
    if (!r) return weir_err_nomem(ctx->err);
    for (int w = 0; w < nw; w++)
        vals[w] = NULL;
    weir_vec *els = NULL;
    for (int32_t i = 0; i < n; i++) {
        int w = choice[i];
        weir_vec *src;
        if (w >= 0) {
            if (!vals[w]) {
                int rc = weir_expr_eval(ctx, e->args[2 * w + 1], in, n, &vals[w]);
                if (rc != WEIR_OK) return rc;
            }
            src = vals[w];
        } else if (e->has_else) {
            if (!els) {
                int rc = weir_expr_eval(ctx, e->args[e->nargs - 1], in, n, &els);
                if (rc != WEIR_OK) return rc;
            }
            src = els;
        } else
            src = NULL;
        int rc = (src && src->type->id != WEIR_T_NULL) ? weir_vec_append_range(r, src, i, 1)
                                                       : weir_vec_append_null(r);
        if (rc != WEIR_OK) return weir_err_nomem(ctx->err);
    }
    *out = r;
    return WEIR_OK;
}

static int eval_field(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **in, int32_t n,
                      weir_vec **out)
{
    weir_vec *s;
    int rc = weir_expr_eval(ctx, e->args[0], in, n, &s);
    if (rc != WEIR_OK) return rc;
    if (s->type->id == WEIR_T_NULL) {
        *out = weir_vec_nulls(ctx->arena, e->type, n);
        return *out ? WEIR_OK : weir_err_nomem(ctx->err);
    }
    weir_vec *f = s->child[e->field];
    if (!s->valid) {
        *out = f;
        return WEIR_OK;
    }
    int32_t *sel = weir_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!sel) return weir_err_nomem(ctx->err);
    for (int32_t i = 0; i < n; i++)
        sel[i] = weir_vec_is_null(s, i) ? -1 : i;
    *out = weir_vec_gather(ctx->arena, f, sel, n);
    return *out ? WEIR_OK : weir_err_nomem(ctx->err);
}

int weir_expr_eval(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **in, int32_t n, weir_vec **out)
{
    switch (e->kind) {
    case WEIR_EX_COLUMN: *out = in[e->col]; return WEIR_OK;
    case WEIR_EX_LITERAL:
        *out = weir_vec_const(ctx->arena, &e->lit, n);
        return *out ? WEIR_OK : weir_err_nomem(ctx->err);
    case WEIR_EX_CALL: {
        weir_vec *argv[16];
        weir_vec **args = argv;
        if (e->nargs > 16 && !(args = WEIR_ARENA_NEWN(ctx->arena, weir_vec *, e->nargs)))
            return weir_err_nomem(ctx->err);
        for (int i = 0; i < e->nargs; i++) {
            int rc = weir_expr_eval(ctx, e->args[i], in, n, &args[i]);
            if (rc != WEIR_OK) return rc;
        }
        return e->fn->exec(ctx, e, args, n, out);
    }
    case WEIR_EX_CAST: {
        weir_vec *x;
        int rc = weir_expr_eval(ctx, e->args[0], in, n, &x);
        if (rc != WEIR_OK) return rc;
        if (weir_type_equal(x->type, e->type)) {
            *out = x;
            return WEIR_OK;
        }
        return weir_cast_vec(ctx, x, e->type, e->try_cast, out);
    }
    case WEIR_EX_AND:
    case WEIR_EX_OR: return eval_logic(ctx, e, in, n, out);
    case WEIR_EX_CASE: return eval_case(ctx, e, in, n, out);
    case WEIR_EX_FIELD: return eval_field(ctx, e, in, n, out);
    default:
        return weir_err(ctx->err, WEIR_ERUNTIME, "expression kind %d cannot be evaluated here",
                        (int)e->kind);
    }
}
