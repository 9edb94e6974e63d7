/*
 * Hash aggregate. Groups are found through a keymap over encoded group keys; each group
 * owns one block of aggregate states (the functions' fixed-size states laid out at
 * offsets). Per input batch: evaluate keys and arguments (vectors), map every row to its
 * group's state block, then call each aggregate's vectorized update once with the per-row
 * state pointers. f(DISTINCT x) first drops rows whose (group, x) was seen before.
 * Output: groups in first-seen order, keys decoded back into vectors, finals computed per
 * output batch. A global aggregate (no GROUP BY) always has exactly one group.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "exec/keymap.h"
#include "exec/op.h"

typedef struct {
    weir_op base;
    weir_arena state; /* keys, states, variable-size aggregate data */
    weir_keymap groups;
    weir_keymap *distinct; /* per aggregate: (group, args) seen, for DISTINCT */
    weir_agg_layout layout;
    char **blocks; /* per group id */
    uint32_t nblocks_cap;
    bool consumed;
    uint32_t emitted;
} agg_op;

static int new_group_block(agg_op *a, uint32_t id)
{
    const weir_lplan *p = a->base.plan;
    if (id >= a->nblocks_cap) {
        uint32_t ncap = a->nblocks_cap ? a->nblocks_cap * 2 : 1024;
        char **nb = realloc(a->blocks, sizeof(char *) * ncap);
        if (!nb) return WEIR_ENOMEM;
        a->blocks = nb;
        a->nblocks_cap = ncap;
    }
    char *blk = weir_agg_block_new(&a->layout, p, &a->state);
    if (!blk) return WEIR_ENOMEM;
    a->blocks[id] = blk;
    return WEIR_OK;
}

static int agg_consume(agg_op *a)
{
    weir_op *op = &a->base;
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    if (p->ngroups == 0) {
        uint32_t id;
        int ins;
        if (weir_keymap_upsert(&a->groups, (const uint8_t *)"", 0, 0, &id, &ins) != WEIR_OK ||
            new_group_block(a, id) != WEIR_OK)
            return weir_err_nomem(err);
    }
    for (;;) {
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK) return rc;
        if (!in) break;
        int32_t n = in->nrows;
        if (n == 0) continue;
        weir_eval_ctx ec = {in->arena, op->ctx->conf, op->ctx->now_us, err};
        /* group ids */
        uint32_t *gid = weir_arena_alloc(in->arena, sizeof(uint32_t) * (size_t)n);
        if (!gid) return weir_err_nomem(err);
        if (p->ngroups == 0) {
            memset(gid, 0, sizeof(uint32_t) * (size_t)n);
        } else {
            weir_vec **keys = WEIR_ARENA_NEWN(in->arena, weir_vec *, p->ngroups);
            if (!keys) return weir_err_nomem(err);
            for (int g = 0; g < p->ngroups; g++)
                if ((rc = weir_expr_eval(&ec, p->groups[g], in->cols, n, &keys[g])) != WEIR_OK)
                    return rc;
            const uint8_t **kp;
            uint32_t *kl;
            uint64_t *kh;
            if (weir_keys_encode_batch(in->arena, keys, p->ngroups, n, &kp, &kl, &kh) != WEIR_OK)
                return weir_err_nomem(err);
            for (int32_t i = 0; i < n; i++) {
                int ins;
                if (weir_keymap_upsert(&a->groups, kp[i], kl[i], kh[i], &gid[i], &ins) != WEIR_OK)
                    return weir_err_nomem(err);
                if (ins && new_group_block(a, gid[i]) != WEIR_OK) return weir_err_nomem(err);
            }
        }
        /* aggregates */
        void **states = weir_arena_alloc(in->arena, sizeof(void *) * (size_t)n);
        int32_t *sel = weir_arena_alloc(in->arena, sizeof(int32_t) * (size_t)n);
        if (!states || !sel) return weir_err_nomem(err);
        weir_agg_ctx ac = {&a->state, op->ctx->conf, err};
        for (int j = 0; j < p->naggs; j++) {
            const weir_expr *e = p->aggs[j];
            weir_vec *argv[8];
            weir_vec **args = argv;
            if (e->nargs > 8 && !(args = WEIR_ARENA_NEWN(in->arena, weir_vec *, e->nargs)))
                return weir_err_nomem(err);
            for (int k = 0; k < e->nargs; k++)
                if ((rc = weir_expr_eval(&ec, e->args[k], in->cols, n, &args[k])) != WEIR_OK)
                    return rc;
            int32_t m = n;
            if (e->distinct) {
                /* keep the first row of each (group, args) */
                weir_vec **kv = WEIR_ARENA_NEWN(in->arena, weir_vec *, e->nargs + 1);
                weir_vec *gv = weir_vec_new(in->arena, WEIR_TYPE_INT, n);
                if (!kv || !gv) return weir_err_nomem(err);
                memcpy(gv->data, gid, sizeof(int32_t) * (size_t)n);
                gv->len = n;
                kv[0] = gv;
                for (int k = 0; k < e->nargs; k++)
                    kv[k + 1] = args[k];
                const uint8_t **kp;
                uint32_t *kl;
                uint64_t *kh;
                if (weir_keys_encode_batch(in->arena, kv, e->nargs + 1, n, &kp, &kl, &kh) !=
                    WEIR_OK)
                    return weir_err_nomem(err);
                m = 0;
                for (int32_t i = 0; i < n; i++) {
                    uint32_t id;
                    int ins;
                    if (weir_keymap_upsert(&a->distinct[j], kp[i], kl[i], kh[i], &id, &ins) !=
                        WEIR_OK)
                        return weir_err_nomem(err);
                    if (ins) sel[m++] = i;
                }
                if (m < n) {
                    for (int k = 0; k < e->nargs; k++)
                        if (!(args[k] = weir_vec_gather(in->arena, args[k], sel, m)))
                            return weir_err_nomem(err);
                    for (int32_t i = 0; i < m; i++)
                        states[i] = a->blocks[gid[sel[i]]] + a->layout.offs[j];
                } else {
                    for (int32_t i = 0; i < n; i++)
                        states[i] = a->blocks[gid[i]] + a->layout.offs[j];
                }
            } else {
                for (int32_t i = 0; i < n; i++)
                    states[i] = a->blocks[gid[i]] + a->layout.offs[j];
            }
            if (m && (rc = e->fn->agg_update(&ac, e, states, args, m)) != WEIR_OK) return rc;
        }
    }
    size_t mem = a->state.total + weir_keymap_bytes(&a->groups);
    if (mem > op->ctx->peak_mem) op->ctx->peak_mem = mem;
    return WEIR_OK;
}

static int agg_next(weir_op *op, weir_batch **out)
{
    agg_op *a = (agg_op *)op;
    const weir_lplan *p = op->plan;
    *out = NULL;
    if (!a->consumed) {
        int rc = agg_consume(a);
        if (rc != WEIR_OK) return rc;
        a->consumed = true;
    }
    if (a->emitted >= a->groups.n) return WEIR_OK;
    weir_arena_reset(&op->out);
    uint32_t n = a->groups.n - a->emitted;
    if (n > WEIR_BATCH_ROWS) n = WEIR_BATCH_ROWS;
    int rc = weir_agg_emit(op->ctx, p, &a->layout, a->groups.keys + a->emitted,
                           a->blocks + a->emitted, (int32_t)n, &op->out, out);
    if (rc != WEIR_OK) return rc;
    a->emitted += n;
    return WEIR_OK;
}

static void agg_close(weir_op *op)
{
    agg_op *a = (agg_op *)op;
    const weir_lplan *p = op->plan;
    weir_keymap_free(&a->groups);
    if (a->distinct)
        for (int j = 0; j < p->naggs; j++)
            weir_keymap_free(&a->distinct[j]);
    free(a->distinct);
    weir_agg_layout_free(&a->layout);
    free(a->blocks);
    weir_arena_free(&a->state);
}

static const weir_op_vtab agg_vt = {"HashAggregate", agg_next, agg_close};

int weir_op_agg_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    agg_op *a = (agg_op *)weir_op_alloc(sizeof(agg_op), &agg_vt, p, ctx, 1);
    if (!a) return weir_err_nomem(ctx->err);
    a->base.children[0] = child;
    weir_arena_init(&a->state, 256 * 1024);
    *out = &a->base;
    if (weir_keymap_init(&a->groups, &a->state) != WEIR_OK) return weir_err_nomem(ctx->err);
    a->distinct = calloc((size_t)(p->naggs ? p->naggs : 1), sizeof(weir_keymap));
    if (weir_agg_layout_init(&a->layout, p) != WEIR_OK || !a->distinct)
        return weir_err_nomem(ctx->err);
    for (int j = 0; j < p->naggs; j++)
        if (p->aggs[j]->distinct && weir_keymap_init(&a->distinct[j], &a->state) != WEIR_OK)
            return weir_err_nomem(ctx->err);
    return WEIR_OK;
}
