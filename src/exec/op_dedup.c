/*
 * Deduplication: DISTINCT ON (keys) keeps the first row of each key (Spark's
 * dropDuplicates(keys)); WITHIN WATERMARK is dropDuplicatesWithinWatermark. In a batch
 * query the seen keys live in the operator; in a streaming query in the state store, so
 * duplicates are dropped across micro-batches:
 *   plain        the key is kept forever, or, when one key column is the watermarked
 *                event time, until the watermark passes it;
 *   within wm    the key is kept until event time + watermark delay <= watermark, and
 *                rows are compared by key only (event times may differ).
 * Late rows (event time at or below the late-row watermark) are dropped first.
 */
#include <string.h>
#include <xxhash.h>

#include "exec/keymap.h"
#include "exec/op.h"
#include "state/state.h"

typedef struct {
    weir_op base;
    weir_arena seen_arena; /* batch queries: every key; streaming: this batch's keys */
    weir_keymap seen;
    bool done;
} dedup_op;

static bool streaming(const weir_op *op)
{
    return op->plan->state_id >= 0 && op->ctx->stream;
}

/* The event time held in an encoded key's column k (timestamp), false when NULL. */
static bool key_time(const weir_lplan *p, const uint8_t *key, int64_t *t)
{
    const uint8_t *q = key;
    for (int c = 0; c < p->dedup_et_key; c++)
        q = weir_key_skip(q, p->dedup_keys[c]->type);
    if (*q++ == 0) return false;
    memcpy(t, q, 8);
    return true;
}

typedef struct evict_ctx {
    const weir_lplan *p;
    int64_t wm;
    int64_t n;
} evict_ctx;

static weir_state_verdict evict_visit(void *user, const uint8_t *key, uint32_t klen,
                                      const uint8_t *val, uint32_t vlen, uint64_t *hash)
{
    evict_ctx *c = user;
    int64_t t;
    bool expired;
    if (c->p->within_watermark) {
        expired = vlen == 8 && (memcpy(&t, val, 8), t <= c->wm);
    } else {
        expired = key_time(c->p, key, &t) && t <= c->wm;
    }
    if (!expired) return WEIR_STATE_KEEP;
    c->n++;
    *hash = XXH3_64bits(key, klen); /* as weir_keys_encode_batch hashed it */
    return WEIR_STATE_REMOVE;
}

/* End of a streaming batch: evict expired keys, commit the state version. */
static int dedup_finish(dedup_op *d)
{
    weir_op *op = &d->base;
    const weir_lplan *p = op->plan;
    weir_stream_exec *sx = op->ctx->stream;
    weir_state_store *st = sx->stores[p->state_id];
    bool evicting = (p->within_watermark || p->dedup_et_key >= 0) && sx->evict_wm_us != INT64_MIN;
    int rc = WEIR_OK;
    if (evicting) {
        evict_ctx c = {.p = p, .wm = sx->evict_wm_us};
        rc = weir_state_sweep(st, evict_visit, &c, op->ctx->err);
        sx->rows_removed[p->state_id] += c.n;
    }
    if (rc == WEIR_OK) rc = weir_state_commit(st, sx->batch_id, op->ctx->err);
    if (rc != WEIR_OK) weir_state_abort(st);
    return rc;
}

static int dedup_next(weir_op *op, weir_batch **out)
{
    dedup_op *d = (dedup_op *)op;
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    weir_stream_exec *sx = streaming(op) ? op->ctx->stream : NULL;
    weir_state_store *st = sx ? sx->stores[p->state_id] : NULL;
    *out = NULL;
    if (d->done) return WEIR_OK;
    for (;;) {
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK) return rc;
        if (!in) {
            d->done = true;
            return sx ? dedup_finish(d) : WEIR_OK;
        }
        int32_t n = in->nrows;
        weir_eval_ctx ec = {in->arena, op->ctx->conf, op->ctx->now_us, err};
        weir_vec **keys = WEIR_ARENA_NEWN(in->arena, weir_vec *, p->ndedup_keys);
        int32_t *sel = weir_arena_alloc(in->arena, sizeof(int32_t) * (size_t)(n ? n : 1));
        if (!keys || !sel) return weir_err_nomem(err);
        for (int k = 0; k < p->ndedup_keys; k++)
            if ((rc = weir_expr_eval(&ec, p->dedup_keys[k], in->cols, n, &keys[k])) != WEIR_OK)
                return rc;
        const uint8_t **kp;
        uint32_t *kl;
        uint64_t *kh;
        if (weir_keys_encode_batch(in->arena, keys, p->ndedup_keys, n, &kp, &kl, &kh) != WEIR_OK)
            return weir_err_nomem(err);
        /* the event time of each row, for late rows and the within-watermark expiry */
        const weir_vec *tv = NULL;
        if (sx && p->within_watermark)
            tv = in->cols[p->dedup_et_col];
        else if (sx && p->dedup_et_key >= 0)
            tv = keys[p->dedup_et_key];
        bool filter_late = tv && sx->late_wm_us != INT64_MIN;
        int32_t m = 0;
        int64_t dropped = 0;
        for (int32_t i = 0; i < n; i++) {
            int64_t t = 0;
            bool has_t = tv && !weir_vec_is_null(tv, i);
            if (has_t) t = ((const int64_t *)tv->data)[i];
            if (filter_late && has_t && t <= sx->late_wm_us) {
                dropped++;
                continue;
            }
            uint32_t id;
            int ins;
            if (weir_keymap_upsert(&d->seen, kp[i], kl[i], kh[i], &id, &ins) != WEIR_OK)
                return weir_err_nomem(err);
            if (!ins) continue;
            if (st) {
                const uint8_t *v;
                uint32_t vl;
                if (weir_state_get(st, kp[i], kl[i], kh[i], &v, &vl)) continue;
                int64_t expiry = t + p->dedup_delay_us;
                if (weir_state_put(st, kp[i], kl[i], kh[i], (const uint8_t *)&expiry,
                                   p->within_watermark ? 8 : 0, err) != WEIR_OK) {
                    weir_state_abort(st);
                    return err->code;
                }
                sx->rows_updated[p->state_id]++;
            }
            sel[m++] = i;
        }
        if (sx) sx->rows_dropped[p->state_id] += dropped;
        if (m == 0) continue;
        if (m == n) {
            *out = in;
            return WEIR_OK;
        }
        if (!(*out = weir_batch_select(in, sel, m))) return weir_err_nomem(err);
        return WEIR_OK;
    }
}

static void dedup_close(weir_op *op)
{
    dedup_op *d = (dedup_op *)op;
    weir_keymap_free(&d->seen);
    weir_arena_free(&d->seen_arena);
}

static const weir_op_vtab dedup_vt = {"Deduplicate", dedup_next, dedup_close};

int weir_op_dedup_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    dedup_op *d = (dedup_op *)weir_op_alloc(sizeof(dedup_op), &dedup_vt, p, ctx, 1);
    if (!d) return weir_err_nomem(ctx->err);
    d->base.children[0] = child;
    *out = &d->base;
    weir_arena_init(&d->seen_arena, 64 * 1024);
    return weir_keymap_init(&d->seen, &d->seen_arena) == WEIR_OK ? WEIR_OK
                                                                 : weir_err_nomem(ctx->err);
}
