/*
 * Time windows (Spark's TimeWindowing): for window(ts, length, slide, start) each input
 * row is emitted once per window [start, end) that contains its timestamp, with the window
 * appended as a STRUCT<start, end> column; rows whose timestamp is NULL are dropped.
 * Window starts follow Spark's alignment: lastStart = ts - ((ts - start) mod slide), then
 * lastStart - i * slide for i < ceil(length / slide), keeping windows with start <= ts < end.
 */
#include "exec/op.h"

static int window_next(weir_op *op, weir_batch **out)
{
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    int64_t len = p->win_len, slide = p->win_slide, off = p->win_start;
    int64_t per_row = (len + slide - 1) / slide;
    for (;;) {
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK || !in) {
            *out = NULL;
            return rc;
        }
        weir_arena *a = in->arena;
        weir_eval_ctx ec = {a, op->ctx->conf, op->ctx->now_us, err};
        weir_vec *tv;
        if ((rc = weir_expr_eval(&ec, p->win_time, in->cols, in->nrows, &tv)) != WEIR_OK) return rc;
        int64_t cap = (int64_t)in->nrows * per_row;
        if (cap > INT32_MAX)
            return weir_err(err, WEIR_ERUNTIME, "window: too many windows per batch");
        int32_t *parent = weir_arena_alloc(a, sizeof(int32_t) * (size_t)(cap ? cap : 1));
        weir_vec *wv = weir_vec_new(a, p->schema->fields[p->schema->nfields - 1].type,
                                    (int32_t)(cap ? cap : 1));
        if (!parent || !wv) return weir_err_nomem(err);
        int64_t *ws = wv->child[0]->data, *we = wv->child[1]->data;
        const int64_t *ts = tv->data;
        bool null_type = tv->type->id == WEIR_T_NULL;
        int32_t m = 0;
        bool identity = true; /* row i has exactly window i so far: no gather needed */
        for (int32_t i = 0; i < in->nrows; i++) {
            identity = identity && m == i;
            if (null_type || weir_vec_is_null(tv, i)) continue;
            int64_t t = ts[i];
            int64_t last = t - weir_floor_mod(t - off, slide);
            for (int64_t k = 0; k < per_row; k++) {
                int64_t s = last - k * slide, e = s + len;
                if (s <= t && t < e) {
                    parent[m] = i;
                    ws[m] = s;
                    we[m] = e;
                    m++;
                }
            }
        }
        if (m == 0) continue;
        identity = identity && m == in->nrows;
        wv->len = wv->child[0]->len = wv->child[1]->len = m;
        weir_batch *b = weir_batch_new(a, in->ncols + 1);
        if (!b) return weir_err_nomem(err);
        b->nrows = m;
        for (int c = 0; c < in->ncols; c++) {
            if (!in->cols[c]) continue;
            b->cols[c] = identity ? in->cols[c] : weir_vec_gather(a, in->cols[c], parent, m);
            if (!b->cols[c]) return weir_err_nomem(err);
        }
        b->cols[in->ncols] = wv;
        *out = b;
        return WEIR_OK;
    }
}

static const weir_op_vtab window_vt = {"Window", window_next, NULL};

int weir_op_window_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    *out = weir_op_alloc(sizeof(weir_op), &window_vt, p, ctx, 1);
    if (!*out) return weir_err_nomem(ctx->err);
    (*out)->children[0] = child;
    return WEIR_OK;
}
