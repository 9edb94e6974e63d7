/*
 * count(DISTINCT ...) for streaming aggregation — a weir extension (Spark refuses distinct
 * aggregates on streams). A batch aggregate deduplicates (group, value) pairs itself, but
 * a streaming aggregate must carry the seen values from batch to batch in the state store,
 * so there the binder's count(DISTINCT x, ...) is executed by this function, whose state
 * is the set of the distinct argument tuples (in weir's key encoding, which groups -0.0
 * with 0.0 and every NaN together, as Spark's DISTINCT does). Rows with a NULL argument do
 * not count, as count(DISTINCT) in Spark.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "exec/op.h"
#include "plan/expr.h"

typedef struct dset {
    uint64_t *hashes;
    const uint8_t **keys;
    uint32_t *lens;
    uint32_t *slots; /* index + 1, 0 = empty */
    uint32_t n, cap, nslots;
} dset;

typedef struct dstate {
    dset *set;
} dstate;

static size_t cd_size(const weir_expr *e)
{
    (void)e;
    return sizeof(dstate);
}

static void cd_init(const weir_expr *e, void *state)
{
    (void)e;
    memset(state, 0, sizeof(dstate));
}

static int set_grow(weir_arena *a, dset *s)
{
    uint32_t ncap = s->cap ? s->cap * 2 : 8;
    uint64_t *h = weir_arena_alloc(a, sizeof(uint64_t) * ncap);
    const uint8_t **k = weir_arena_alloc(a, sizeof(uint8_t *) * ncap);
    uint32_t *l = weir_arena_alloc(a, sizeof(uint32_t) * ncap);
    uint32_t *slots = weir_arena_calloc(a, sizeof(uint32_t) * ncap * 2);
    if (!h || !k || !l || !slots) return WEIR_ENOMEM;
    if (s->n) {
        memcpy(h, s->hashes, sizeof(uint64_t) * s->n);
        memcpy(k, s->keys, sizeof(uint8_t *) * s->n);
        memcpy(l, s->lens, sizeof(uint32_t) * s->n);
    }
    for (uint32_t i = 0; i < s->n; i++) {
        uint32_t j = (uint32_t)h[i] & (ncap * 2 - 1);
        while (slots[j])
            j = (j + 1) & (ncap * 2 - 1);
        slots[j] = i + 1;
    }
    s->hashes = h;
    s->keys = k;
    s->lens = l;
    s->slots = slots;
    s->cap = ncap;
    s->nslots = ncap * 2;
    return WEIR_OK;
}

/* Adds key (copied) unless present. */
static int set_add(weir_arena *a, dset *s, const uint8_t *key, uint32_t len, uint64_t h)
{
    if (s->n == s->cap && set_grow(a, s) != WEIR_OK) return WEIR_ENOMEM;
    uint32_t j = (uint32_t)h & (s->nslots - 1);
    while (s->slots[j]) {
        uint32_t i = s->slots[j] - 1;
        if (s->hashes[i] == h && s->lens[i] == len && memcmp(s->keys[i], key, len) == 0)
            return WEIR_OK;
        j = (j + 1) & (s->nslots - 1);
    }
    uint8_t *copy = weir_arena_alloc(a, len ? len : 1);
    if (!copy) return WEIR_ENOMEM;
    memcpy(copy, key, len);
    s->hashes[s->n] = h;
    s->keys[s->n] = copy;
    s->lens[s->n] = len;
    s->slots[j] = ++s->n;
    return WEIR_OK;
}

static int cd_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                     int32_t n)
{
    uint8_t small[256];
    for (int32_t i = 0; i < n; i++) {
        bool null = false;
        for (int k = 0; k < e->nargs; k++)
            null |= weir_vec_is_null(args[k], i) || args[k]->type->id == WEIR_T_NULL;
        if (null) continue;
        size_t sz = weir_key_size(args, e->nargs, i);
        uint8_t *buf = sz <= sizeof small ? small : weir_arena_alloc(ctx->arena, sz);
        if (!buf) return weir_err_nomem(ctx->err);
        weir_key_encode(args, e->nargs, i, buf);
        dstate *st = states[i];
        if (!st->set && !(st->set = WEIR_ARENA_NEW(ctx->arena, dset)))
            return weir_err_nomem(ctx->err);
        if (set_add(ctx->arena, st->set, buf, (uint32_t)sz, XXH3_64bits(buf, sz)) != WEIR_OK)
            return weir_err_nomem(ctx->err);
    }
    return WEIR_OK;
}

static int cd_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    (void)e;
    dstate *d = dst;
    const dstate *s = src;
    if (!s->set) return WEIR_OK;
    if (!d->set && !(d->set = WEIR_ARENA_NEW(ctx->arena, dset))) return weir_err_nomem(ctx->err);
    for (uint32_t i = 0; i < s->set->n; i++)
        if (set_add(ctx->arena, d->set, s->set->keys[i], s->set->lens[i], s->set->hashes[i]) !=
            WEIR_OK)
            return weir_err_nomem(ctx->err);
    return WEIR_OK;
}

static int cd_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n, weir_vec *out)
{
    (void)e;
    for (int32_t i = 0; i < n; i++) {
        const dstate *st = states[i];
        int64_t c = st->set ? st->set->n : 0;
        if (weir_vec_append_fixed(out, &c) != WEIR_OK) return weir_err_nomem(ctx->err);
    }
    return WEIR_OK;
}

static int cd_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    (void)e;
    const dstate *st = state;
    uint32_t n = st->set ? st->set->n : 0;
    weir_sb_append(out, (const char *)&n, 4);
    for (uint32_t i = 0; i < n; i++) {
        weir_sb_append(out, (const char *)&st->set->lens[i], 4);
        weir_sb_append(out, (const char *)st->set->keys[i], st->set->lens[i]);
    }
    return out->oom ? WEIR_ENOMEM : WEIR_OK;
}

static int cd_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p, size_t n,
                   size_t *used)
{
    (void)e;
    dstate *st = state;
    uint32_t cnt;
    size_t at = 4;
    if (n < 4) goto corrupt;
    memcpy(&cnt, p, 4);
    if (cnt && !(st->set = WEIR_ARENA_NEW(ctx->arena, dset))) return weir_err_nomem(ctx->err);
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t len;
        if (n - at < 4) goto corrupt;
        memcpy(&len, p + at, 4);
        at += 4;
        if (n - at < len) goto corrupt;
        if (set_add(ctx->arena, st->set, p + at, len, XXH3_64bits(p + at, len)) != WEIR_OK)
            return weir_err_nomem(ctx->err);
        at += len;
    }
    *used = at;
    return WEIR_OK;
corrupt:
    return weir_err(ctx->err, WEIR_ERUNTIME, "corrupt aggregate state (count(DISTINCT))");
}

/* Internal: the streaming form of count(DISTINCT ...), not callable by name from SQL (the
 * name cannot be written as an identifier). */
const weir_func weir_func_count_distinct = {
    .name = "count(distinct)",
    .kind = WEIR_FN_AGG,
    .min_args = 1,
    .max_args = -1,
    .state_size = cd_size,
    .agg_init = cd_init,
    .agg_update = cd_update,
    .agg_merge = cd_merge,
    .agg_final = cd_final,
    .agg_save = cd_save,
    .agg_load = cd_load,
};
