/*
 * Joins for batch queries. The right input is materialized and, when the condition has
 * equi-keys, indexed by a keymap over its encoded keys (rows chained per key); each left
 * batch probes it. Without equi-keys every pair is tried (nested loop). A residual
 * condition is evaluated on the candidate pairs. Outer joins pad with NULLs: left rows
 * without a match as they are probed, right rows without a match after the left input ends.
 * SQL equality: a NULL key never matches, except for <=> keys.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/keymap.h"
#include "exec/op.h"

typedef struct {
    weir_op base;
    weir_arena state;
    weir_batch *right;     /* all right rows */
    weir_keymap map;       /* key -> id; heads[id] = first right row */
    int32_t *heads, *next; /* chains of right rows per key */
    uint8_t *rmatched;     /* per right row: matched (RIGHT/FULL) */
    bool built, left_done, tail_done;
} join_op;

static bool key_has_null(const weir_lplan *p, weir_vec **kv, int32_t i)
{
    for (int k = 0; k < p->nkeys_eq; k++)
        if (!p->null_safe[k] && (kv[k]->type->id == WEIR_T_NULL || weir_vec_is_null(kv[k], i)))
            return true;
    return false;
}

static int join_build(join_op *j)
{
    weir_op *op = &j->base;
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    const weir_type *rs = p->children[1]->schema;
    j->right = weir_batch_for_schema(&j->state, rs, WEIR_BATCH_ROWS);
    if (!j->right) return weir_err_nomem(err);
    for (;;) {
        weir_batch *in;
        int rc = weir_op_next(op->children[1], &in);
        if (rc != WEIR_OK) return rc;
        if (!in) break;
        for (int c = 0; c < rs->nfields; c++)
            if (in->cols[c] &&
                weir_vec_append_range(j->right->cols[c], in->cols[c], 0, in->nrows) != WEIR_OK)
                return weir_err_nomem(err);
        j->right->nrows += in->nrows;
    }
    int32_t n = j->right->nrows;
    for (int c = 0; c < rs->nfields; c++) {
        /* unread (NULL) columns were not appended: give them NULLs of the right length */
        if (j->right->cols[c]->len != n &&
            !(j->right->cols[c] = weir_vec_nulls(&j->state, rs->fields[c].type, n)))
            return weir_err_nomem(err);
    }
    j->rmatched = weir_arena_calloc(&j->state, (size_t)(n ? n : 1));
    if (!j->rmatched) return weir_err_nomem(err);
    if (p->nkeys_eq == 0) return WEIR_OK;
    weir_eval_ctx ec = {&j->state, op->ctx->conf, op->ctx->now_us, err};
    weir_vec **kv = WEIR_ARENA_NEWN(&j->state, weir_vec *, p->nkeys_eq);
    if (!kv) return weir_err_nomem(err);
    for (int k = 0; k < p->nkeys_eq; k++) {
        int rc = weir_expr_eval(&ec, p->rkeys[k], j->right->cols, n, &kv[k]);
        if (rc != WEIR_OK) return rc;
    }
    const uint8_t **kp;
    uint32_t *kl;
    uint64_t *kh;
    if (weir_keys_encode_batch(&j->state, kv, p->nkeys_eq, n, &kp, &kl, &kh) != WEIR_OK ||
        weir_keymap_init(&j->map, &j->state) != WEIR_OK)
        return weir_err_nomem(err);
    j->heads = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
    j->next = malloc(sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!j->heads || !j->next) return weir_err_nomem(err);
    /* insert in reverse so chains list rows in input order */
    for (int32_t i = n - 1; i >= 0; i--) {
        j->next[i] = -1;
        if (key_has_null(p, kv, i)) continue;
        uint32_t id;
        int ins;
        if (weir_keymap_upsert(&j->map, kp[i], kl[i], kh[i], &id, &ins) != WEIR_OK)
            return weir_err_nomem(err);
        if (!ins) j->next[i] = j->heads[id];
        j->heads[id] = i;
    }
    size_t mem = j->state.total + weir_keymap_bytes(&j->map);
    if (mem > op->ctx->peak_mem) op->ctx->peak_mem = mem;
    return WEIR_OK;
}

/* Gathers the joined batch for pairs (li[k], ri[k]); -1 = NULL side. */
static weir_batch *pair_batch(join_op *j, weir_batch *left, const int32_t *li, const int32_t *ri,
                              int32_t n, weir_arena *a, bool left_only)
{
    const weir_lplan *p = j->base.plan;
    int nl = p->children[0]->schema->nfields, nr = p->children[1]->schema->nfields;
    weir_batch *b = weir_batch_new(a, left_only ? nl : nl + nr);
    if (!b) return NULL;
    b->nrows = n;
    for (int c = 0; c < nl; c++) {
        if (left) {
            if (left->cols[c] && !(b->cols[c] = weir_vec_gather(a, left->cols[c], li, n)))
                return NULL;
        } else if (!(b->cols[c] = weir_vec_nulls(a, p->children[0]->schema->fields[c].type, n)))
            return NULL;
    }
    if (!left_only)
        for (int c = 0; c < nr; c++)
            if (!(b->cols[nl + c] = weir_vec_gather(a, j->right->cols[c], ri, n))) return NULL;
    return b;
}

static int join_probe(join_op *j, weir_batch *in, weir_batch **out)
{
    weir_op *op = &j->base;
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    weir_arena *a = in->arena;
    int32_t n = in->nrows, nr = j->right->nrows;
    weir_eval_ctx ec = {a, op->ctx->conf, op->ctx->now_us, err};
    /* candidate pairs */
    size_t cap = (size_t)n + 16, np = 0;
    int32_t *li = malloc(sizeof(int32_t) * cap), *ri = malloc(sizeof(int32_t) * cap);
    int rc = WEIR_OK;
    if (!li || !ri) {
        rc = weir_err_nomem(err);
        goto done;
    }
#define PUSH(l, r)                                                                                 \
    do {                                                                                           \
        if (np == cap) {                                                                           \
            cap *= 2;                                                                              \
            int32_t *nl_ = realloc(li, sizeof(int32_t) * cap), *nr_ = NULL;                        \
            if (nl_) li = nl_;                                                                     \
            if (nl_) nr_ = realloc(ri, sizeof(int32_t) * cap);                                     \
            if (!nl_ || !nr_) {                                                                    \
                rc = weir_err_nomem(err);                                                          \
                goto done;                                                                         \
            }                                                                                      \
            ri = nr_;                                                                              \
        }                                                                                          \
        li[np] = (l);                                                                              \
        ri[np] = (r);                                                                              \
        np++;                                                                                      \
    } while (0)
    if (p->nkeys_eq) {
        weir_vec **kv = WEIR_ARENA_NEWN(a, weir_vec *, p->nkeys_eq);
        if (!kv) {
            rc = weir_err_nomem(err);
            goto done;
        }
        for (int k = 0; k < p->nkeys_eq; k++)
            if ((rc = weir_expr_eval(&ec, p->lkeys[k], in->cols, n, &kv[k])) != WEIR_OK) goto done;
        const uint8_t **kp;
        uint32_t *kl;
        uint64_t *kh;
        if (weir_keys_encode_batch(a, kv, p->nkeys_eq, n, &kp, &kl, &kh) != WEIR_OK) {
            rc = weir_err_nomem(err);
            goto done;
        }
        for (int32_t i = 0; i < n; i++) {
            if (key_has_null(p, kv, i)) continue;
            int64_t id = weir_keymap_find(&j->map, kp[i], kl[i], kh[i]);
            if (id < 0) continue;
            for (int32_t r = j->heads[id]; r >= 0; r = j->next[r])
                PUSH(i, r);
        }
    } else {
        for (int32_t i = 0; i < n; i++)
            for (int32_t r = 0; r < nr; r++)
                PUSH(i, r);
    }
    /* residual condition */
    if (p->cond && np) {
        weir_batch *pb = pair_batch(j, in, li, ri, (int32_t)np, a, false);
        weir_vec *c;
        if (!pb) {
            rc = weir_err_nomem(err);
            goto done;
        }
        if ((rc = weir_expr_eval(&ec, p->cond, pb->cols, (int32_t)np, &c)) != WEIR_OK) goto done;
        size_t m = 0;
        for (size_t k = 0; k < np; k++)
            if (c->type->id != WEIR_T_NULL && !weir_vec_is_null(c, (int32_t)k) &&
                ((const uint8_t *)c->data)[k]) {
                li[m] = li[k];
                ri[m] = ri[k];
                m++;
            }
        np = m;
    }
    weir_join_type jt = p->join_type;
    if (jt == WEIR_JOIN_LEFT_SEMI || jt == WEIR_JOIN_LEFT_ANTI) {
        uint8_t *hit = weir_arena_calloc(a, (size_t)(n ? n : 1));
        int32_t *sel = weir_arena_alloc(a, sizeof(int32_t) * (size_t)(n ? n : 1));
        if (!hit || !sel) {
            rc = weir_err_nomem(err);
            goto done;
        }
        for (size_t k = 0; k < np; k++)
            hit[li[k]] = 1;
        int32_t m = 0;
        for (int32_t i = 0; i < n; i++)
            if (hit[i] == (jt == WEIR_JOIN_LEFT_SEMI)) sel[m++] = i;
        *out = pair_batch(j, in, sel, NULL, m, a, true);
        if (!*out) rc = weir_err_nomem(err);
        goto done;
    }
    if (jt == WEIR_JOIN_RIGHT || jt == WEIR_JOIN_FULL)
        for (size_t k = 0; k < np; k++)
            j->rmatched[ri[k]] = 1;
    if (jt == WEIR_JOIN_LEFT || jt == WEIR_JOIN_FULL) {
        /* pairs are grouped by left row in order; add unmatched left rows in place */
        uint8_t *hit = weir_arena_calloc(a, (size_t)(n ? n : 1));
        if (!hit) {
            rc = weir_err_nomem(err);
            goto done;
        }
        for (size_t k = 0; k < np; k++)
            hit[li[k]] = 1;
        size_t extra = 0;
        for (int32_t i = 0; i < n; i++)
            extra += !hit[i];
        int32_t *l2 = weir_arena_alloc(a, sizeof(int32_t) * (np + extra + 1));
        int32_t *r2 = weir_arena_alloc(a, sizeof(int32_t) * (np + extra + 1));
        if (!l2 || !r2) {
            rc = weir_err_nomem(err);
            goto done;
        }
        size_t k = 0, m = 0;
        for (int32_t i = 0; i < n; i++) {
            if (!hit[i]) {
                l2[m] = i;
                r2[m++] = -1;
                continue;
            }
            while (k < np && li[k] == i) {
                l2[m] = li[k];
                r2[m++] = ri[k];
                k++;
            }
        }
        *out = pair_batch(j, in, l2, r2, (int32_t)m, a, false);
    } else {
        *out = pair_batch(j, in, li, ri, (int32_t)np, a, false);
    }
    if (!*out) rc = weir_err_nomem(err);
done:
    free(li);
    free(ri);
    return rc;
#undef PUSH
}

static int join_next(weir_op *op, weir_batch **out)
{
    join_op *j = (join_op *)op;
    const weir_lplan *p = op->plan;
    *out = NULL;
    if (!j->built) {
        int rc = join_build(j);
        if (rc != WEIR_OK) return rc;
        j->built = true;
    }
    while (!j->left_done) {
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK) return rc;
        if (!in) {
            j->left_done = true;
            break;
        }
        if ((rc = join_probe(j, in, out)) != WEIR_OK) return rc;
        if ((*out)->nrows) return WEIR_OK;
        *out = NULL; /* lives in the left batch's arena, which the next pull resets */
    }
    if (!j->tail_done && (p->join_type == WEIR_JOIN_RIGHT || p->join_type == WEIR_JOIN_FULL)) {
        j->tail_done = true;
        weir_arena_reset(&op->out);
        int32_t nr = j->right->nrows, m = 0;
        int32_t *ri = weir_arena_alloc(&op->out, sizeof(int32_t) * (size_t)(nr ? nr : 1));
        if (!ri) return weir_err_nomem(op->ctx->err);
        for (int32_t r = 0; r < nr; r++)
            if (!j->rmatched[r]) ri[m++] = r;
        if (m) {
            *out = pair_batch(j, NULL, NULL, ri, m, &op->out, false);
            if (!*out) return weir_err_nomem(op->ctx->err);
        }
    }
    return WEIR_OK;
}

static void join_close(weir_op *op)
{
    join_op *j = (join_op *)op;
    weir_keymap_free(&j->map);
    free(j->heads);
    free(j->next);
    weir_arena_free(&j->state);
}

static const weir_op_vtab join_vt = {"Join", join_next, join_close};

int weir_op_join_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *l, weir_op *r, weir_op **out)
{
    join_op *j = (join_op *)weir_op_alloc(sizeof(join_op), &join_vt, p, ctx, 2);
    if (!j) return weir_err_nomem(ctx->err);
    j->base.children[0] = l;
    j->base.children[1] = r;
    weir_arena_init(&j->state, 256 * 1024);
    *out = &j->base;
    return WEIR_OK;
}
