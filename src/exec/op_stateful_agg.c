/*
 * Streaming aggregation (Spark's StateStoreRestore/Save around a hash aggregate). Per
 * micro-batch: late rows are dropped (a key's event time — a timestamp, or the end of a
 * window — at or below the late-row watermark, append and update modes only); each group
 * the batch touches is loaded from the state store (or started), updated with the batch's
 * rows, and saved; then the output mode decides what is emitted:
 *   complete  every group of the store, nothing evicted;
 *   update    the groups this batch touched, then groups at or below the eviction
 *             watermark are dropped silently;
 *   append    the groups at or below the eviction watermark, final, then dropped.
 * The store commits the batch's version once the output is computed; a batch that re-runs
 * after a crash starts again from the previous version.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "exec/keymap.h"
#include "exec/op.h"
#include "state/state.h"

typedef struct {
    weir_op base;
    weir_arena work; /* keys, states and values of this batch */
    weir_keymap groups;
    weir_keymap late; /* late groups of this batch (numRowsDroppedByWatermark) */
    char **blocks;
    uint32_t nblocks_cap;
    weir_agg_layout layout;
    /* the key bytes before the event-time column: per group column, its width when fixed
     * (a NULL takes 1 byte, a value 1 + width), or 0 when variable (decoded then) */
    uint32_t *et_widths;
    /* output rows: encoded group keys and their state blocks */
    const uint8_t **out_keys;
    char **out_blocks;
    int64_t nrows, cap_rows, emitted;
    bool done;
} sagg_op;

static weir_state_store *store_of(weir_op *op)
{
    return op->ctx->stream->stores[op->plan->state_id];
}

static char *new_block(sagg_op *s)
{
    return weir_agg_block_new(&s->layout, s->base.plan, &s->work);
}

/* Loads the saved states of one group into a fresh block. */
static int load_block(sagg_op *s, const uint8_t *val, uint32_t vlen, char **out)
{
    const weir_lplan *p = s->base.plan;
    weir_error *err = s->base.ctx->err;
    char *blk = new_block(s);
    if (!blk) return weir_err_nomem(err);
    weir_agg_ctx ac = {&s->work, s->base.ctx->conf, err};
    size_t at = 0;
    for (int j = 0; j < p->naggs; j++) {
        const weir_expr *e = p->aggs[j];
        size_t used = 0;
        if (!e->fn->agg_load)
            return weir_err(err, WEIR_EUNSUPPORTED,
                            "%s cannot be used in a streaming aggregation yet", e->fn->name);
        int rc = e->fn->agg_load(&ac, e, blk + s->layout.offs[j], val + at, vlen - at, &used);
        if (rc != WEIR_OK) return rc;
        at += used;
    }
    *out = blk;
    return WEIR_OK;
}

static int save_block(sagg_op *s, const char *blk, weir_strbuf *sb)
{
    const weir_lplan *p = s->base.plan;
    weir_sb_reset(sb);
    for (int j = 0; j < p->naggs; j++) {
        const weir_expr *e = p->aggs[j];
        if (!e->fn->agg_save)
            return weir_err(s->base.ctx->err, WEIR_EUNSUPPORTED,
                            "%s cannot be used in a streaming aggregation yet", e->fn->name);
        int rc = e->fn->agg_save(e, blk + s->layout.offs[j], sb);
        if (rc != WEIR_OK) return rc;
    }
    return sb->oom ? weir_err_nomem(s->base.ctx->err) : WEIR_OK;
}

/* The event time of an encoded key: the group column event_time_group (a timestamp, or a
 * window whose end counts). false when the key has none or it is NULL. */
static bool key_event_time(const sagg_op *s, const uint8_t *key, int64_t *t)
{
    const weir_lplan *p = s->base.plan;
    if (p->event_time_group < 0) return false;
    const weir_type *st = p->schema;
    const uint8_t *q = key;
    for (int c = 0; c < p->event_time_group; c++)
        q = s->et_widths[c] ? q + (*q ? 1 + s->et_widths[c] : 1)
                            : weir_key_skip(q, st->fields[c].type);
    if (*q++ == 0) return false;
    if (p->event_time_is_window) {
        q = weir_key_skip(q, WEIR_TYPE_TIMESTAMP); /* start */
        if (*q++ == 0) return false;
    }
    memcpy(t, q, 8);
    return true;
}

static int push_row(sagg_op *s, const uint8_t *key, char *blk)
{
    if (s->nrows == s->cap_rows) {
        int64_t ncap = s->cap_rows ? s->cap_rows * 2 : 1024;
        const uint8_t **nk = realloc(s->out_keys, sizeof(*nk) * (size_t)ncap);
        if (nk) s->out_keys = nk;
        char **nb = nk ? realloc(s->out_blocks, sizeof(*nb) * (size_t)ncap) : NULL;
        if (!nk || !nb) return weir_err_nomem(s->base.ctx->err);
        s->out_blocks = nb;
        s->cap_rows = ncap;
    }
    s->out_keys[s->nrows] = key;
    s->out_blocks[s->nrows++] = blk;
    return WEIR_OK;
}

typedef struct sweep_ctx {
    sagg_op *s;
    int64_t wm;
    bool evict; /* append and update: remove groups at or below the watermark */
    bool all;   /* complete mode: output every entry */
    bool emit;  /* append mode: output the expired entries */
    int64_t nremoved;
    int rc;
} sweep_ctx;

static uint8_t *copy_key(sagg_op *s, const uint8_t *key, uint32_t klen)
{
    uint8_t *k = weir_arena_alloc(&s->work, klen ? klen : 1);
    if (k) memcpy(k, key, klen);
    return k;
}

static weir_state_verdict sweep_visit(void *user, const uint8_t *key, uint32_t klen,
                                      const uint8_t *val, uint32_t vlen, uint64_t *hash)
{
    sweep_ctx *c = user;
    sagg_op *s = c->s;
    int64_t t;
    bool expired = c->evict && key_event_time(s, key, &t) && t <= c->wm;
    if (c->all || (expired && c->emit)) {
        uint8_t *k = copy_key(s, key, klen);
        char *blk;
        if (!k) c->rc = weir_err_nomem(s->base.ctx->err);
        if (c->rc == WEIR_OK) c->rc = load_block(s, val, vlen, &blk);
        if (c->rc == WEIR_OK) c->rc = push_row(s, k, blk);
        if (c->rc != WEIR_OK) return WEIR_STATE_STOP;
    }
    if (!expired) return WEIR_STATE_KEEP;
    c->nremoved++;
    *hash = XXH3_64bits(key, klen); /* as weir_keys_encode_batch hashed it */
    return WEIR_STATE_REMOVE;
}

/* numRowsDroppedByWatermark counts late groups, not rows: Spark drops them after the
 * partial aggregation (StateStoreSaveExec's input holds one row per group). */
static int count_late_groups(sagg_op *s, weir_arena *a, weir_vec **keys, const int32_t *rows,
                             int32_t n)
{
    const weir_lplan *p = s->base.plan;
    weir_vec **lk = WEIR_ARENA_NEWN(a, weir_vec *, p->ngroups ? p->ngroups : 1);
    if (!lk) return weir_err_nomem(s->base.ctx->err);
    for (int g = 0; g < p->ngroups; g++)
        if (!(lk[g] = weir_vec_gather(a, keys[g], rows, n)))
            return weir_err_nomem(s->base.ctx->err);
    const uint8_t **kp;
    uint32_t *kl;
    uint64_t *kh;
    if (weir_keys_encode_batch(a, lk, p->ngroups, n, &kp, &kl, &kh) != WEIR_OK)
        return weir_err_nomem(s->base.ctx->err);
    for (int32_t i = 0; i < n; i++) {
        uint32_t id;
        int ins;
        if (weir_keymap_upsert(&s->late, kp[i], kl[i], kh[i], &id, &ins) != WEIR_OK)
            return weir_err_nomem(s->base.ctx->err);
        s->base.ctx->stream->rows_dropped[p->state_id] += ins;
    }
    return WEIR_OK;
}

#define PREFETCH_AHEAD 16

/* The groups from id `first` on are new in this batch: each starts from its saved state or
 * empty. The store lookups are issued ahead of use so their cache misses overlap. */
static int start_groups(sagg_op *s, weir_state_store *st, uint32_t first)
{
    const weir_keymap *g = &s->groups;
    if (g->n > s->nblocks_cap) {
        uint32_t ncap = s->nblocks_cap ? s->nblocks_cap : 1024;
        while (ncap < g->n)
            ncap *= 2;
        char **nb = realloc(s->blocks, sizeof(char *) * ncap);
        if (!nb) return weir_err_nomem(s->base.ctx->err);
        s->blocks = nb;
        s->nblocks_cap = ncap;
    }
    for (uint32_t id = first; id < g->n && id < first + PREFETCH_AHEAD; id++)
        weir_state_prefetch(st, g->hashes[id]);
    for (uint32_t id = first; id < g->n; id++) {
        if (id + PREFETCH_AHEAD < g->n) weir_state_prefetch(st, g->hashes[id + PREFETCH_AHEAD]);
        const uint8_t *val;
        uint32_t vlen;
        int rc = WEIR_OK;
        if (weir_state_get(st, g->keys[id], g->lens[id], g->hashes[id], &val, &vlen))
            rc = load_block(s, val, vlen, &s->blocks[id]);
        else if (!(s->blocks[id] = new_block(s)))
            rc = weir_err_nomem(s->base.ctx->err);
        if (rc != WEIR_OK) return rc;
    }
    return WEIR_OK;
}

/* Phase 1: the batch's rows into the touched groups' states. */
static int sagg_consume(sagg_op *s)
{
    weir_op *op = &s->base;
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    weir_stream_exec *sx = op->ctx->stream;
    weir_state_store *st = store_of(op);
    bool filter_late =
        sx->mode != WEIR_OUTPUT_COMPLETE && p->event_time_group >= 0 && sx->late_wm_us != INT64_MIN;
    for (;;) {
        weir_batch *in;
        int rc = weir_op_next(op->children[0], &in);
        if (rc != WEIR_OK) return rc;
        if (!in) break;
        int32_t n = in->nrows;
        if (n == 0) continue;
        weir_eval_ctx ec = {in->arena, op->ctx->conf, op->ctx->now_us, err};
        weir_vec **keys = WEIR_ARENA_NEWN(in->arena, weir_vec *, p->ngroups ? p->ngroups : 1);
        int32_t *sel = weir_arena_alloc(in->arena, sizeof(int32_t) * (size_t)n);
        if (!keys || !sel) return weir_err_nomem(err);
        for (int g = 0; g < p->ngroups; g++)
            if ((rc = weir_expr_eval(&ec, p->groups[g], in->cols, n, &keys[g])) != WEIR_OK)
                return rc;
        /* late rows: event time (or window end) at or below the late-row watermark */
        int32_t m = n;
        if (filter_late) {
            const weir_vec *ev = keys[p->event_time_group];
            const weir_vec *tv = p->event_time_is_window ? ev->child[1] : ev;
            const int64_t *t = tv->data;
            m = 0;
            int32_t *late_rows = NULL, nlate = 0;
            for (int32_t i = 0; i < n; i++) {
                bool late =
                    !weir_vec_is_null(ev, i) && !weir_vec_is_null(tv, i) && t[i] <= sx->late_wm_us;
                if (late) {
                    if (!late_rows &&
                        !(late_rows = weir_arena_alloc(in->arena, sizeof(int32_t) * (size_t)n)))
                        return weir_err_nomem(err);
                    late_rows[nlate++] = i;
                }
                sel[m] = i;
                m += !late;
            }
            if (nlate && (rc = count_late_groups(s, in->arena, keys, late_rows, nlate)) != WEIR_OK)
                return rc;
        }
        if (m == 0) continue;
        weir_vec **cols = in->cols;
        if (m < n) {
            weir_batch *kept = weir_batch_select(in, sel, m);
            if (!kept) return weir_err_nomem(err);
            cols = kept->cols;
            for (int g = 0; g < p->ngroups; g++)
                if (!(keys[g] = weir_vec_gather(in->arena, keys[g], sel, m)))
                    return weir_err_nomem(err);
        }
        const uint8_t **kp;
        uint32_t *kl;
        uint64_t *kh;
        uint32_t *gid = weir_arena_alloc(in->arena, sizeof(uint32_t) * (size_t)m);
        if (!gid ||
            weir_keys_encode_batch(in->arena, keys, p->ngroups, m, &kp, &kl, &kh) != WEIR_OK)
            return weir_err_nomem(err);
        uint32_t first_new = s->groups.n;
        if (weir_keymap_upsert_batch(&s->groups, kp, kl, kh, m, gid) != WEIR_OK)
            return weir_err_nomem(err);
        if ((rc = start_groups(s, st, first_new)) != WEIR_OK) return rc;
        void **states = weir_arena_alloc(in->arena, sizeof(void *) * (size_t)m);
        if (!states) return weir_err_nomem(err);
        weir_agg_ctx ac = {&s->work, op->ctx->conf, err};
        for (int j = 0; j < p->naggs; j++) {
            const weir_expr *e = p->aggs[j];
            weir_vec *argv[8];
            weir_vec **args = argv;
            if (e->nargs > 8 && !(args = WEIR_ARENA_NEWN(in->arena, weir_vec *, e->nargs)))
                return weir_err_nomem(err);
            for (int k = 0; k < e->nargs; k++)
                if ((rc = weir_expr_eval(&ec, e->args[k], cols, m, &args[k])) != WEIR_OK) return rc;
            for (int32_t i = 0; i < m; i++)
                states[i] = s->blocks[gid[i]] + s->layout.offs[j];
            if ((rc = e->fn->agg_update(&ac, e, states, args, m)) != WEIR_OK) return rc;
        }
    }
    return WEIR_OK;
}

/* Phase 2: save the touched groups, pick the output by mode, evict, commit the version. */
static int sagg_finish(sagg_op *s)
{
    weir_op *op = &s->base;
    const weir_lplan *p = op->plan;
    weir_error *err = op->ctx->err;
    weir_stream_exec *sx = op->ctx->stream;
    weir_state_store *st = store_of(op);
    weir_strbuf sb = WEIR_STRBUF_INIT;
    int rc = WEIR_OK;
    for (uint32_t g = 0; g < s->groups.n && rc == WEIR_OK; g++) {
        if (g + PREFETCH_AHEAD < s->groups.n)
            weir_state_prefetch(st, s->groups.hashes[g + PREFETCH_AHEAD]);
        rc = save_block(s, s->blocks[g], &sb);
        if (rc == WEIR_OK)
            rc = weir_state_put(st, s->groups.keys[g], s->groups.lens[g], s->groups.hashes[g],
                                (const uint8_t *)sb.p, (uint32_t)sb.len, err);
    }
    weir_sb_free(&sb);
    if (rc != WEIR_OK) return rc;
    sx->rows_updated[p->state_id] += s->groups.n;
    bool evicting = sx->mode != WEIR_OUTPUT_COMPLETE && p->event_time_group >= 0 &&
                    sx->evict_wm_us != INT64_MIN;
    sweep_ctx c = {.s = s, .wm = sx->evict_wm_us, .evict = evicting};
    if (sx->mode == WEIR_OUTPUT_COMPLETE) {
        c.all = true;
    } else if (sx->mode == WEIR_OUTPUT_UPDATE) {
        for (uint32_t g = 0; g < s->groups.n && rc == WEIR_OK; g++)
            rc = push_row(s, s->groups.keys[g], s->blocks[g]);
    } else {
        c.emit = true;
    }
    if (rc == WEIR_OK && (c.all || evicting)) {
        rc = weir_state_sweep(st, sweep_visit, &c, err);
        if (rc == WEIR_OK) rc = c.rc;
        sx->rows_removed[p->state_id] += c.nremoved;
    }
    if (rc == WEIR_OK) rc = weir_state_commit(st, sx->batch_id, err);
    return rc;
}

static int sagg_next(weir_op *op, weir_batch **out)
{
    sagg_op *s = (sagg_op *)op;
    const weir_lplan *p = op->plan;
    *out = NULL;
    if (!s->done) {
        int rc = sagg_consume(s);
        if (rc == WEIR_OK) rc = sagg_finish(s);
        if (rc != WEIR_OK) {
            weir_state_abort(store_of(op));
            return rc;
        }
        s->done = true;
    }
    if (s->emitted >= s->nrows) return WEIR_OK;
    weir_arena_reset(&op->out);
    int64_t n = s->nrows - s->emitted;
    if (n > WEIR_BATCH_ROWS) n = WEIR_BATCH_ROWS;
    int rc = weir_agg_emit(op->ctx, p, &s->layout, s->out_keys + s->emitted,
                           s->out_blocks + s->emitted, (int32_t)n, &op->out, out);
    if (rc != WEIR_OK) return rc;
    s->emitted += n;
    return WEIR_OK;
}

static void sagg_close(weir_op *op)
{
    sagg_op *s = (sagg_op *)op;
    weir_keymap_free(&s->groups);
    weir_keymap_free(&s->late);
    free(s->blocks);
    free(s->et_widths);
    weir_agg_layout_free(&s->layout);
    free(s->out_keys);
    free(s->out_blocks);
    weir_arena_free(&s->work);
}

static const weir_op_vtab sagg_vt = {"StatefulAggregate", sagg_next, sagg_close};

int weir_op_stateful_agg_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    if (!ctx->stream || p->state_id < 0 || p->state_id >= ctx->stream->nstates)
        return weir_err(ctx->err, WEIR_ERUNTIME, "a streaming aggregation without a state store");
    sagg_op *s = (sagg_op *)weir_op_alloc(sizeof(sagg_op), &sagg_vt, p, ctx, 1);
    if (!s) return weir_err_nomem(ctx->err);
    s->base.children[0] = child;
    *out = &s->base;
    weir_arena_init(&s->work, 256 * 1024);
    s->et_widths = calloc((size_t)(p->ngroups ? p->ngroups : 1), sizeof(uint32_t));
    if (!s->et_widths) return weir_err_nomem(ctx->err);
    for (int g = 0; g < p->ngroups; g++)
        s->et_widths[g] = (uint32_t)weir_type_width(p->schema->fields[g].type);
    if (weir_agg_layout_init(&s->layout, p) != WEIR_OK ||
        weir_keymap_init(&s->groups, &s->work) != WEIR_OK ||
        weir_keymap_init(&s->late, &s->work) != WEIR_OK)
        return weir_err_nomem(ctx->err);
    return WEIR_OK;
}
