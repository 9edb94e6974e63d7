/*
 * Sort: materializes its input into one set of column vectors (in its own arena), sorts
 * a row index by the keys in Spark's order (ASC NULLS FIRST / DESC NULLS LAST by default,
 * NaN greater than every number), then emits gathered batches.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/op.h"

typedef struct {
    weir_op base;
    weir_arena state;
    weir_batch *all;
    weir_vec **keyv;
    int32_t *order;
    int32_t emitted;
    bool sorted;
} sort_op;

typedef struct {
    const weir_lplan *p;
    weir_vec **keyv;
} sort_cmp_ctx;

static int sort_cmp(const void *x, const void *y, void *arg)
{
    const sort_cmp_ctx *c = arg;
    int32_t i = *(const int32_t *)x, j = *(const int32_t *)y;
    for (int k = 0; k < c->p->nkeys; k++) {
        weir_value a, b;
        weir_vec_get(c->keyv[k], i, &a);
        weir_vec_get(c->keyv[k], j, &b);
        const weir_sort_key *sk = &c->p->keys[k];
        int r;
        if (a.is_null || b.is_null) {
            if (a.is_null && b.is_null) continue;
            r = a.is_null ? -1 : 1;
            if (!sk->nulls_first) r = -r;
            return r;
        }
        r = weir_value_cmp(&a, &b);
        if (r) return sk->desc ? -r : r;
    }
    return i < j ? -1 : i > j;
}

static int sort_consume(sort_op *s)
{
    weir_op *op = &s->base;
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    int nc = p->schema->nfields;
    s->all = weir_batch_new(&s->state, nc);
    if (!s->all) return weir_err_nomem(err);
    for (;;) {
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK) return rc;
        if (!in) break;
        for (int c = 0; c < nc; c++) {
            if (!in->cols[c]) continue;
            if (!s->all->cols[c] &&
                !(s->all->cols[c] = weir_vec_new(&s->state, in->cols[c]->type, WEIR_BATCH_ROWS)))
                return weir_err_nomem(err);
            if (weir_vec_append_range(s->all->cols[c], in->cols[c], 0, in->nrows) != WEIR_OK)
                return weir_err_nomem(err);
        }
        s->all->nrows += in->nrows;
    }
    if (s->state.total > op->ctx->peak_mem) op->ctx->peak_mem = s->state.total;
    int32_t n = s->all->nrows;
    weir_eval_ctx ec = {&s->state, op->ctx->conf, op->ctx->now_us, err};
    s->keyv = WEIR_ARENA_NEWN(&s->state, weir_vec *, p->nkeys ? p->nkeys : 1);
    s->order = weir_arena_alloc(&s->state, sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!s->keyv || !s->order) return weir_err_nomem(err);
    if (n == 0) return WEIR_OK;
    for (int k = 0; k < p->nkeys; k++) {
        int rc = weir_expr_eval(&ec, p->keys[k].expr, s->all->cols, n, &s->keyv[k]);
        if (rc != WEIR_OK) return rc;
    }
    for (int32_t i = 0; i < n; i++)
        s->order[i] = i;
    sort_cmp_ctx cc = {p, s->keyv};
    qsort_r(s->order, (size_t)n, sizeof(int32_t), sort_cmp, &cc);
    return WEIR_OK;
}

static int sort_next(weir_op *op, weir_batch **out)
{
    sort_op *s = (sort_op *)op;
    *out = NULL;
    if (!s->sorted) {
        int rc = sort_consume(s);
        if (rc != WEIR_OK) return rc;
        s->sorted = true;
    }
    if (s->emitted >= s->all->nrows) return WEIR_OK;
    weir_arena_reset(&op->out);
    int32_t n = s->all->nrows - s->emitted;
    if (n > WEIR_BATCH_ROWS) n = WEIR_BATCH_ROWS;
    weir_batch *b = weir_batch_new(&op->out, s->all->ncols);
    if (!b) return weir_err_nomem(op->ctx->err);
    b->nrows = n;
    for (int c = 0; c < s->all->ncols; c++)
        if (s->all->cols[c] &&
            !(b->cols[c] = weir_vec_gather(&op->out, s->all->cols[c], s->order + s->emitted, n)))
            return weir_err_nomem(op->ctx->err);
    s->emitted += n;
    *out = b;
    return WEIR_OK;
}

static void sort_close(weir_op *op)
{
    weir_arena_free(&((sort_op *)op)->state);
}

static const weir_op_vtab sort_vt = {"Sort", sort_next, sort_close};

int weir_op_sort_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    sort_op *s = (sort_op *)weir_op_alloc(sizeof(sort_op), &sort_vt, p, ctx, 1);
    if (!s) return weir_err_nomem(ctx->err);
    s->base.children[0] = child;
    weir_arena_init(&s->state, 1024 * 1024);
    *out = &s->base;
    return WEIR_OK;
}
