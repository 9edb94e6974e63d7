/*
 * Generate: one output row per element of the generator's array/map argument (explode,
 * posexplode, inline), the input row's columns repeated. _outer keeps rows whose
 * collection is NULL or empty, with NULL generated columns.
 */
#include <stdlib.h>

#include "exec/op.h"

static int generate_next(weir_op *op, weir_batch **out)
{
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    for (;;) {
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK || !in) {
            *out = NULL;
            return rc;
        }
        weir_arena *a = in->arena;
        weir_eval_ctx ec = {a, op->ctx->conf, op->ctx->now_us, err};
        weir_vec *v;
        if ((rc = weir_expr_eval(&ec, p->gen_arg, in->cols, in->nrows, &v)) != WEIR_OK) return rc;
        int32_t n = in->nrows;
        bool isnull_type = v->type->id == WEIR_T_NULL;
        int64_t total = 0;
        for (int32_t i = 0; i < n; i++) {
            int32_t k =
                (isnull_type || weir_vec_is_null(v, i)) ? 0 : v->offsets[i + 1] - v->offsets[i];
            total += k ? k : (p->gen_outer ? 1 : 0);
        }
        if (total == 0) continue;
        if (total > INT32_MAX) return weir_err(err, WEIR_ERUNTIME, "generate: too many rows");
        int32_t *parent = weir_arena_alloc(a, sizeof(int32_t) * (size_t)total);
        int32_t *elem = weir_arena_alloc(a, sizeof(int32_t) * (size_t)total);
        weir_vec *posv =
            p->gen == WEIR_GEN_POSEXPLODE ? weir_vec_new(a, WEIR_TYPE_INT, (int32_t)total) : NULL;
        if (!parent || !elem || (p->gen == WEIR_GEN_POSEXPLODE && !posv))
            return weir_err_nomem(err);
        int32_t m = 0;
        for (int32_t i = 0; i < n; i++) {
            bool nul = isnull_type || weir_vec_is_null(v, i);
            int32_t s = nul ? 0 : v->offsets[i], k = nul ? 0 : v->offsets[i + 1] - s;
            if (k == 0 && p->gen_outer) {
                parent[m] = i;
                elem[m] = -1;
                if (posv && weir_vec_append_null(posv) != WEIR_OK) return weir_err_nomem(err);
                m++;
            }
            for (int32_t j = 0; j < k; j++) {
                parent[m] = i;
                elem[m] = s + j;
                if (posv) {
                    int32_t pj = j;
                    if (weir_vec_append_fixed(posv, &pj) != WEIR_OK) return weir_err_nomem(err);
                }
                m++;
            }
        }
        int nc = in->ncols;
        int ngen = p->schema->nfields - nc;
        weir_batch *b = weir_batch_new(a, nc + ngen);
        if (!b) return weir_err_nomem(err);
        b->nrows = m;
        for (int c = 0; c < nc; c++)
            if (in->cols[c] && !(b->cols[c] = weir_vec_gather(a, in->cols[c], parent, m)))
                return weir_err_nomem(err);
        int g = nc;
        if (posv) b->cols[g++] = posv;
        if (isnull_type) {
            for (; g < nc + ngen; g++)
                if (!(b->cols[g] = weir_vec_nulls(a, p->schema->fields[g].type, m)))
                    return weir_err_nomem(err);
        } else if (p->gen == WEIR_GEN_INLINE) {
            weir_vec *st = v->child[0];
            weir_vec *sv = weir_vec_gather(a, st, elem, m);
            if (!sv) return weir_err_nomem(err);
            for (int f = 0; f < sv->nchild; f++) {
                if (!sv->valid)
                    b->cols[g + f] = sv->child[f];
                else {
                    int32_t *sel = weir_arena_alloc(a, sizeof(int32_t) * (size_t)(m ? m : 1));
                    if (!sel) return weir_err_nomem(err);
                    for (int32_t r = 0; r < m; r++)
                        sel[r] = weir_vec_is_null(sv, r) ? -1 : r;
                    if (!(b->cols[g + f] = weir_vec_gather(a, sv->child[f], sel, m)))
                        return weir_err_nomem(err);
                }
            }
        } else {
            for (int c = 0; c < v->nchild; c++)
                if (!(b->cols[g + c] = weir_vec_gather(a, v->child[c], elem, m)))
                    return weir_err_nomem(err);
        }
        *out = b;
        return WEIR_OK;
    }
}

static const weir_op_vtab generate_vt = {"Generate", generate_next, NULL};

int weir_op_generate_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    *out = weir_op_alloc(sizeof(weir_op), &generate_vt, p, ctx, 1);
    if (!*out) return weir_err_nomem(ctx->err);
    (*out)->children[0] = child;
    return WEIR_OK;
}
