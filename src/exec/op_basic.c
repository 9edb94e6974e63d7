/*
 * Simple operators: inline rows (VALUES), range(), the one-row source of SELECT without
 * FROM, projection, filter, limit/offset, UNION ALL and the EXPAND of grouping sets.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/op.h"

/* ---- VALUES / EMPTY -------------------------------------------------------------- */

typedef struct {
    weir_op base;
    bool done;
} once_op;

static int values_next(weir_op *op, weir_batch **out)
{
    once_op *o = (once_op *)op;
    if (o->done) {
        *out = NULL;
        return WEIR_OK;
    }
    o->done = true;
    *out = op->plan->values;
    return WEIR_OK;
}

static const weir_op_vtab values_vt = {"LocalTableScan", values_next, NULL};

int weir_op_values_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out)
{
    *out = weir_op_alloc(sizeof(once_op), &values_vt, p, ctx, 0);
    return *out ? WEIR_OK : weir_err_nomem(ctx->err);
}

static int empty_next(weir_op *op, weir_batch **out)
{
    once_op *o = (once_op *)op;
    if (o->done) {
        *out = NULL;
        return WEIR_OK;
    }
    o->done = true;
    weir_batch *b = weir_batch_new(&op->out, 0);
    if (!b) return weir_err_nomem(op->ctx->err);
    b->nrows = 1;
    *out = b;
    return WEIR_OK;
}

static const weir_op_vtab empty_vt = {"OneRowRelation", empty_next, NULL};

int weir_op_empty_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out)
{
    *out = weir_op_alloc(sizeof(once_op), &empty_vt, p, ctx, 0);
    return *out ? WEIR_OK : weir_err_nomem(ctx->err);
}

/* ---- RANGE ------------------------------------------------------------------------- */

typedef struct {
    weir_op base;
    int64_t next;
    bool done;
} range_op;

static int range_next(weir_op *op, weir_batch **out)
{
    range_op *r = (range_op *)op;
    const weir_lplan *p = op->plan;
    *out = NULL;
    if (r->done) return WEIR_OK;
    weir_arena_reset(&op->out);
    int64_t step = p->range_step;
    weir_vec *v = weir_vec_new(&op->out, WEIR_TYPE_BIGINT, WEIR_BATCH_ROWS);
    weir_batch *b = weir_batch_new(&op->out, 1);
    if (!v || !b) return weir_err_nomem(op->ctx->err);
    int64_t *d = v->data;
    int32_t n = 0;
    int64_t x = r->next;
    while (n < WEIR_BATCH_ROWS && (step > 0 ? x < p->range_end : x > p->range_end)) {
        d[n++] = x;
        if (__builtin_add_overflow(x, step, &x)) {
            r->done = true;
            break;
        }
    }
    r->next = x;
    if (n == 0) {
        r->done = true;
        return WEIR_OK;
    }
    v->len = n;
    b->cols[0] = v;
    b->nrows = n;
    *out = b;
    return WEIR_OK;
}

static const weir_op_vtab range_vt = {"Range", range_next, NULL};

int weir_op_range_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out)
{
    range_op *r = (range_op *)weir_op_alloc(sizeof(range_op), &range_vt, p, ctx, 0);
    if (!r) return weir_err_nomem(ctx->err);
    r->next = p->range_start;
    *out = &r->base;
    return WEIR_OK;
}

/* ---- PROJECT ------------------------------------------------------------------------ */

static int project_next(weir_op *op, weir_batch **out)
{
    weir_batch *in;
    int rc = weir_op_next(op->children[0], &in);
    if (rc != WEIR_OK || !in) {
        *out = NULL;
        return rc;
    }
    const weir_lplan *p = op->plan;
    weir_batch *b = weir_batch_new(in->arena, p->nexprs);
    if (!b) return weir_err_nomem(op->ctx->err);
    b->nrows = in->nrows;
    weir_eval_ctx ec = {in->arena, op->ctx->conf, op->ctx->now_us, op->ctx->err};
    for (int i = 0; i < p->nexprs; i++)
        if ((rc = weir_expr_eval(&ec, p->exprs[i], in->cols, in->nrows, &b->cols[i])) != WEIR_OK)
            return rc;
    *out = b;
    return WEIR_OK;
}

static const weir_op_vtab project_vt = {"Project", project_next, NULL};

int weir_op_project_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    *out = weir_op_alloc(sizeof(weir_op), &project_vt, p, ctx, 1);
    if (!*out) return weir_err_nomem(ctx->err);
    (*out)->children[0] = child;
    return WEIR_OK;
}

/* ---- FILTER -------------------------------------------------------------------------- */

static int filter_next(weir_op *op, weir_batch **out)
{
    for (;;) {
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK || !in) {
            *out = NULL;
            return rc;
        }
        weir_eval_ctx ec = {in->arena, op->ctx->conf, op->ctx->now_us, op->ctx->err};
        weir_vec *c;
        if ((rc = weir_expr_eval(&ec, op->plan->cond, in->cols, in->nrows, &c)) != WEIR_OK)
            return rc;
        if (c->type->id == WEIR_T_NULL) continue;
        int32_t *sel = weir_arena_alloc(in->arena, sizeof(int32_t) * (size_t)(in->nrows + 1));
        if (!sel) return weir_err_nomem(op->ctx->err);
        const uint8_t *d = c->data;
        int32_t n = 0;
        if (!c->valid)
            for (int32_t i = 0; i < in->nrows; i++) {
                sel[n] = i;
                n += d[i] != 0;
            }
        else
            for (int32_t i = 0; i < in->nrows; i++) {
                sel[n] = i;
                n += d[i] != 0 && weir_bit_get(c->valid, i);
            }
        if (n == 0) continue;
        if (n == in->nrows) {
            *out = in;
            return WEIR_OK;
        }
        if (!(*out = weir_batch_select(in, sel, n))) return weir_err_nomem(op->ctx->err);
        return WEIR_OK;
    }
}

static const weir_op_vtab filter_vt = {"Filter", filter_next, NULL};

int weir_op_filter_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    *out = weir_op_alloc(sizeof(weir_op), &filter_vt, p, ctx, 1);
    if (!*out) return weir_err_nomem(ctx->err);
    (*out)->children[0] = child;
    return WEIR_OK;
}

/* ---- LIMIT ----------------------------------------------------------------------------- */

typedef struct {
    weir_op base;
    int64_t skipped, emitted;
} limit_op;

static int limit_next(weir_op *op, weir_batch **out)
{
    limit_op *l = (limit_op *)op;
    const weir_lplan *p = op->plan;
    *out = NULL;
    for (;;) {
        if (p->limit >= 0 && l->emitted >= p->limit) return WEIR_OK;
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK || !in) return rc;
        int32_t from = 0, n = in->nrows;
        if (l->skipped < p->offset) {
            int64_t skip = p->offset - l->skipped;
            if (skip >= n) {
                l->skipped += n;
                continue;
            }
            from = (int32_t)skip;
            l->skipped = p->offset;
            n -= from;
        }
        if (p->limit >= 0 && l->emitted + n > p->limit) n = (int32_t)(p->limit - l->emitted);
        l->emitted += n;
        if (from == 0 && n == in->nrows) {
            *out = in;
            return WEIR_OK;
        }
        int32_t *sel = weir_arena_alloc(in->arena, sizeof(int32_t) * (size_t)(n + 1));
        if (!sel) return weir_err_nomem(op->ctx->err);
        for (int32_t i = 0; i < n; i++)
            sel[i] = from + i;
        if (!(*out = weir_batch_select(in, sel, n))) return weir_err_nomem(op->ctx->err);
        return WEIR_OK;
    }
}

static const weir_op_vtab limit_vt = {"Limit", limit_next, NULL};

int weir_op_limit_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    *out = weir_op_alloc(sizeof(limit_op), &limit_vt, p, ctx, 1);
    if (!*out) return weir_err_nomem(ctx->err);
    (*out)->children[0] = child;
    return WEIR_OK;
}

/* ---- UNION ALL ------------------------------------------------------------------------ */

typedef struct {
    weir_op base;
    int cur;
} union_op;

static int union_next(weir_op *op, weir_batch **out)
{
    union_op *u = (union_op *)op;
    while (u->cur < op->nchildren) {
        int rc = weir_op_next(op->children[u->cur], out);
        if (rc != WEIR_OK) return rc;
        if (*out) return WEIR_OK;
        u->cur++;
    }
    *out = NULL;
    return WEIR_OK;
}

static const weir_op_vtab union_vt = {"Union", union_next, NULL};

int weir_op_union_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **children, weir_op **out)
{
    *out = weir_op_alloc(sizeof(union_op), &union_vt, p, ctx, p->nchildren);
    if (!*out) return weir_err_nomem(ctx->err);
    memcpy((*out)->children, children, sizeof(weir_op *) * (size_t)p->nchildren);
    return WEIR_OK;
}

/* ---- EXPAND (grouping sets) ------------------------------------------------------------ */

typedef struct {
    weir_op base;
    weir_batch *in;
    int set;
} expand_op;

static int expand_next(weir_op *op, weir_batch **out)
{
    expand_op *x = (expand_op *)op;
    const weir_lplan *p = op->plan;
    if (!x->in || x->set >= p->nsets) {
        int rc = weir_op_next(op->children[0], &x->in);
        if (rc != WEIR_OK || !x->in) {
            *out = NULL;
            return rc;
        }
        x->set = 0;
    }
    weir_batch *in = x->in;
    int ng = p->ngroups, nin = in->ncols - ng;
    weir_batch *b = weir_batch_new(in->arena, in->ncols + 1);
    if (!b) return weir_err_nomem(op->ctx->err);
    b->nrows = in->nrows;
    for (int c = 0; c < nin; c++)
        b->cols[c] = in->cols[c];
    int64_t gid = 0;
    for (int g = 0; g < ng; g++) {
        bool keep = p->sets[x->set][g];
        gid = (gid << 1) | (keep ? 0 : 1);
        b->cols[nin + g] = keep ? in->cols[nin + g]
                                : weir_vec_nulls(in->arena, in->cols[nin + g]->type, in->nrows);
        if (!b->cols[nin + g]) return weir_err_nomem(op->ctx->err);
    }
    weir_vec *gv = weir_vec_new(in->arena, WEIR_TYPE_BIGINT, in->nrows);
    if (!gv) return weir_err_nomem(op->ctx->err);
    for (int32_t i = 0; i < in->nrows; i++)
        WEIR_VEC_DATA(gv, int64_t)[i] = gid;
    gv->len = in->nrows;
    b->cols[in->ncols] = gv;
    x->set++;
    *out = b;
    return WEIR_OK;
}

static const weir_op_vtab expand_vt = {"Expand", expand_next, NULL};

int weir_op_expand_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    *out = weir_op_alloc(sizeof(expand_op), &expand_vt, p, ctx, 1);
    if (!*out) return weir_err_nomem(ctx->err);
    (*out)->children[0] = child;
    return WEIR_OK;
}
