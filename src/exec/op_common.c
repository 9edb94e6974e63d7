/*
 * Operator plumbing shared by every operator: allocation, building the tree from a plan,
 * row selection, key hashing/encoding for hash tables, and Spark's value ordering.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "exec/op.h"

weir_op *weir_op_alloc(size_t size, const weir_op_vtab *vt, const weir_lplan *p, weir_exec_ctx *ctx,
                       int nchildren)
{
    weir_op *op = calloc(1, size);
    if (!op) return NULL;
    op->vt = vt;
    op->plan = p;
    op->ctx = ctx;
    op->nchildren = nchildren;
    if (nchildren && !(op->children = calloc((size_t)nchildren, sizeof(weir_op *)))) {
        free(op);
        return NULL;
    }
    weir_arena_init(&op->out, 64 * 1024);
    return op;
}

void weir_op_close(weir_op *op)
{
    if (!op) return;
    for (int i = 0; i < op->nchildren; i++)
        weir_op_close(op->children[i]);
    if (op->vt->close) op->vt->close(op);
    weir_arena_free(&op->out);
    free(op->children);
    free(op);
}

int weir_op_build(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out)
{
    weir_op *kids[2] = {NULL, NULL};
    int rc = WEIR_OK;
    if (p->kind != WEIR_LP_UNION)
        for (int i = 0; i < p->nchildren && i < 2; i++)
            if ((rc = weir_op_build(ctx, p->children[i], &kids[i])) != WEIR_OK) {
                weir_op_close(kids[0]);
                return rc;
            }
    switch (p->kind) {
    case WEIR_LP_SCAN: rc = weir_op_scan_new(ctx, p, out); break;
    case WEIR_LP_VALUES: rc = weir_op_values_new(ctx, p, out); break;
    case WEIR_LP_RANGE: rc = weir_op_range_new(ctx, p, out); break;
    case WEIR_LP_EMPTY: rc = weir_op_empty_new(ctx, p, out); break;
    case WEIR_LP_PROJECT: rc = weir_op_project_new(ctx, p, kids[0], out); break;
    case WEIR_LP_FILTER: rc = weir_op_filter_new(ctx, p, kids[0], out); break;
    case WEIR_LP_LIMIT: rc = weir_op_limit_new(ctx, p, kids[0], out); break;
    case WEIR_LP_EXPAND: rc = weir_op_expand_new(ctx, p, kids[0], out); break;
    case WEIR_LP_AGG:
        rc = p->state_id >= 0 ? weir_op_stateful_agg_new(ctx, p, kids[0], out)
                              : weir_op_agg_new(ctx, p, kids[0], out);
        break;
    case WEIR_LP_WATERMARK: rc = weir_op_watermark_new(ctx, p, kids[0], out); break;
    case WEIR_LP_DEDUP: rc = weir_op_dedup_new(ctx, p, kids[0], out); break;
    case WEIR_LP_SORT: rc = weir_op_sort_new(ctx, p, kids[0], out); break;
    case WEIR_LP_JOIN: rc = weir_op_join_new(ctx, p, kids[0], kids[1], out); break;
    case WEIR_LP_GENERATE: rc = weir_op_generate_new(ctx, p, kids[0], out); break;
    case WEIR_LP_WINDOW: rc = weir_op_window_new(ctx, p, kids[0], out); break;
    case WEIR_LP_STREAM_SCAN: rc = weir_op_stream_scan_new(ctx, p, out); break;
    case WEIR_LP_MEMTABLE: rc = weir_op_memtable_new(ctx, p, out); break;
    case WEIR_LP_UNION: {
        weir_op **ch = calloc((size_t)p->nchildren, sizeof(weir_op *));
        if (!ch) return weir_err_nomem(ctx->err);
        for (int i = 0; i < p->nchildren && rc == WEIR_OK; i++)
            rc = weir_op_build(ctx, p->children[i], &ch[i]);
        if (rc == WEIR_OK) rc = weir_op_union_new(ctx, p, ch, out);
        if (rc != WEIR_OK)
            for (int i = 0; i < p->nchildren; i++)
                weir_op_close(ch[i]);
        free(ch);
        return rc;
    }
    }
    if (rc != WEIR_OK) {
        weir_op_close(kids[0]);
        weir_op_close(kids[1]);
    }
    return rc;
}

weir_batch *weir_batch_select(const weir_batch *in, const int32_t *rows, int32_t n)
{
    weir_batch *b = weir_batch_new(in->arena, in->ncols);
    if (!b) return NULL;
    b->nrows = n;
    for (int c = 0; c < in->ncols; c++) {
        if (!in->cols[c]) continue;
        if (!(b->cols[c] = weir_vec_gather(in->arena, in->cols[c], rows, n))) return NULL;
    }
    return b;
}

/* ---- keys ------------------------------------------------------------------------ */

/* Key encoding: per key column a NULL byte, then the value: fixed width raw (doubles
 * normalized so -0.0 == 0.0 and every NaN is one NaN, as Spark's grouping does), var-len
 * as a 4-byte length + bytes; nested values recursively. */
static size_t value_size(const weir_vec *v, int32_t i)
{
    if (v->type->id == WEIR_T_NULL || weir_vec_is_null(v, i)) return 1;
    size_t w = weir_type_width(v->type);
    if (w) return 1 + w;
    switch (v->type->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: return 1 + 4 + (size_t)(v->offsets[i + 1] - v->offsets[i]);
    case WEIR_T_STRUCT: {
        size_t s = 1;
        for (int c = 0; c < v->nchild; c++)
            s += value_size(v->child[c], i);
        return s;
    }
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        size_t s = 1 + 4;
        for (int32_t k = v->offsets[i]; k < v->offsets[i + 1]; k++)
            for (int c = 0; c < v->nchild; c++)
                s += value_size(v->child[c], k);
        return s;
    }
    default: return 1;
    }
}

static uint8_t *value_encode(const weir_vec *v, int32_t i, uint8_t *p)
{
    if (v->type->id == WEIR_T_NULL || weir_vec_is_null(v, i)) {
        *p++ = 0;
        return p;
    }
    *p++ = 1;
    size_t w = weir_type_width(v->type);
    if (w) {
        const uint8_t *src = (const uint8_t *)v->data + w * (size_t)i;
        if (v->type->id == WEIR_T_DOUBLE) {
            double d = *(const double *)src;
            if (d == 0) d = 0.0;
            if (isnan(d)) d = NAN;
            memcpy(p, &d, 8);
        } else if (v->type->id == WEIR_T_FLOAT) {
            float f = *(const float *)src;
            if (f == 0) f = 0.0f;
            if (isnan(f)) f = NAN;
            memcpy(p, &f, 4);
        } else
            memcpy(p, src, w);
        return p + w;
    }
    switch (v->type->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t len = v->offsets[i + 1] - v->offsets[i];
        memcpy(p, &len, 4);
        memcpy(p + 4, (const char *)v->data + v->offsets[i], (size_t)len);
        return p + 4 + len;
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < v->nchild; c++)
            p = value_encode(v->child[c], i, p);
        return p;
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        int32_t len = v->offsets[i + 1] - v->offsets[i];
        memcpy(p, &len, 4);
        p += 4;
        for (int32_t k = v->offsets[i]; k < v->offsets[i + 1]; k++)
            for (int c = 0; c < v->nchild; c++)
                p = value_encode(v->child[c], k, p);
        return p;
    }
    default: return p;
    }
}

size_t weir_key_size(weir_vec *const *keys, int nkeys, int32_t i)
{
    size_t s = 0;
    for (int k = 0; k < nkeys; k++)
        s += value_size(keys[k], i);
    return s;
}

size_t weir_key_encode(weir_vec *const *keys, int nkeys, int32_t i, uint8_t *buf)
{
    uint8_t *p = buf;
    for (int k = 0; k < nkeys; k++)
        p = value_encode(keys[k], i, p);
    return (size_t)(p - buf);
}

static const uint8_t *value_decode(const uint8_t *p, weir_vec *v, int *rc)
{
    if (*p++ == 0) {
        if (weir_vec_append_null(v) != WEIR_OK) *rc = WEIR_ENOMEM;
        return p;
    }
    size_t w = weir_type_width(v->type);
    if (w) {
        if (weir_vec_append_fixed(v, p) != WEIR_OK) *rc = WEIR_ENOMEM;
        return p + w;
    }
    switch (v->type->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t len;
        memcpy(&len, p, 4);
        if (weir_vec_append_str(v, (const char *)p + 4, len) != WEIR_OK) *rc = WEIR_ENOMEM;
        return p + 4 + len;
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < v->nchild; c++)
            p = value_decode(p, v->child[c], rc);
        if (weir_vec_reserve(v, v->len + 1) != WEIR_OK) *rc = WEIR_ENOMEM;
        v->len++;
        return p;
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        int32_t len;
        memcpy(&len, p, 4);
        p += 4;
        for (int32_t k = 0; k < len; k++)
            for (int c = 0; c < v->nchild; c++)
                p = value_decode(p, v->child[c], rc);
        if (weir_vec_reserve(v, v->len + 1) != WEIR_OK) {
            *rc = WEIR_ENOMEM;
            return p;
        }
        v->offsets[v->len + 1] = v->offsets[v->len] + len;
        v->len++;
        return p;
    }
    default:
        if (weir_vec_append_null(v) != WEIR_OK) *rc = WEIR_ENOMEM;
        return p;
    }
}

const uint8_t *weir_key_skip(const uint8_t *p, const weir_type *t)
{
    if (*p++ == 0) return p;
    size_t w = weir_type_width(t);
    if (w) return p + w;
    switch (t->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t len;
        memcpy(&len, p, 4);
        return p + 4 + len;
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < t->nfields; c++)
            p = weir_key_skip(p, t->fields[c].type);
        return p;
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        int32_t len;
        memcpy(&len, p, 4);
        p += 4;
        for (int32_t k = 0; k < len; k++) {
            p = weir_key_skip(p, t->elem);
            if (t->id == WEIR_T_MAP) p = weir_key_skip(p, t->value);
        }
        return p;
    }
    default: return p;
    }
}

int weir_key_decode(const uint8_t *key, weir_vec **cols, int ncols)
{
    int rc = WEIR_OK;
    for (int c = 0; c < ncols; c++)
        key = value_decode(key, cols[c], &rc);
    return rc;
}

/* ---- aggregate state blocks --------------------------------------------------------- */

#define ALIGN16(n) (((n) + 15u) & ~(size_t)15u)

int weir_agg_layout_init(weir_agg_layout *l, const weir_lplan *p)
{
    l->offs = calloc((size_t)(p->naggs ? p->naggs : 1), sizeof(size_t));
    if (!l->offs) return WEIR_ENOMEM;
    size_t off = 0;
    for (int j = 0; j < p->naggs; j++) {
        l->offs[j] = off;
        off += ALIGN16(p->aggs[j]->fn->state_size ? p->aggs[j]->fn->state_size(p->aggs[j]) : 0);
    }
    l->block = off;
    return WEIR_OK;
}

void weir_agg_layout_free(weir_agg_layout *l)
{
    free(l->offs);
    l->offs = NULL;
}

char *weir_agg_block_new(const weir_agg_layout *l, const weir_lplan *p, weir_arena *a)
{
    char *blk = weir_arena_calloc(a, l->block ? l->block : 1);
    if (!blk) return NULL;
    for (int j = 0; j < p->naggs; j++)
        if (p->aggs[j]->fn->agg_init) p->aggs[j]->fn->agg_init(p->aggs[j], blk + l->offs[j]);
    return blk;
}

int weir_agg_emit(weir_exec_ctx *ctx, const weir_lplan *p, const weir_agg_layout *l,
                  const uint8_t *const *keys, char *const *blocks, int32_t n, weir_arena *a,
                  weir_batch **out)
{
    weir_batch *b = weir_batch_for_schema(a, p->schema, n);
    void **states = weir_arena_alloc(a, sizeof(void *) * (size_t)(n ? n : 1));
    if (!b || !states) return weir_err_nomem(ctx->err);
    b->nrows = n;
    for (int32_t i = 0; i < n; i++)
        if (p->ngroups && weir_key_decode(keys[i], b->cols, p->ngroups) != WEIR_OK)
            return weir_err_nomem(ctx->err);
    weir_agg_ctx ac = {a, ctx->conf, ctx->err};
    for (int j = 0; j < p->naggs; j++) {
        for (int32_t i = 0; i < n; i++)
            states[i] = blocks[i] + l->offs[j];
        int rc = p->aggs[j]->fn->agg_final(&ac, p->aggs[j], states, n, b->cols[p->ngroups + j]);
        if (rc != WEIR_OK) return rc;
    }
    *out = b;
    return WEIR_OK;
}

/* ---- ordering ------------------------------------------------------------------- */

static int cmp_double(double x, double y)
{
    bool xn = isnan(x), yn = isnan(y);
    if (xn || yn) return xn && yn ? 0 : xn ? 1 : -1;
    return x < y ? -1 : x > y ? 1 : 0;
}

int weir_value_cmp(const weir_value *x, const weir_value *y)
{
    if (x->is_null || y->is_null) return x->is_null == y->is_null ? 0 : x->is_null ? -1 : 1;
    switch (x->type->id) {
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: return cmp_double(x->u.d, y->u.d);
    case WEIR_T_DECIMAL: return x->u.dec < y->u.dec ? -1 : x->u.dec > y->u.dec ? 1 : 0;
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t n = x->u.s.len < y->u.s.len ? x->u.s.len : y->u.s.len;
        int c = n ? memcmp(x->u.s.p, y->u.s.p, (size_t)n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return x->u.s.len < y->u.s.len ? -1 : x->u.s.len > y->u.s.len ? 1 : 0;
    }
    case WEIR_T_STRUCT: {
        const weir_vec *a = x->u.nested.vec, *b = y->u.nested.vec;
        for (int c = 0; c < a->nchild; c++) {
            weir_value va, vb;
            weir_vec_get(a->child[c], x->u.nested.row, &va);
            weir_vec_get(b->child[c], y->u.nested.row, &vb);
            int r = weir_value_cmp(&va, &vb);
            if (r) return r;
        }
        return 0;
    }
    case WEIR_T_ARRAY: {
        const weir_vec *a = x->u.nested.vec, *b = y->u.nested.vec;
        int32_t ai = a->offsets[x->u.nested.row], an = a->offsets[x->u.nested.row + 1] - ai;
        int32_t bi = b->offsets[y->u.nested.row], bn = b->offsets[y->u.nested.row + 1] - bi;
        for (int32_t k = 0; k < an && k < bn; k++) {
            weir_value va, vb;
            weir_vec_get(a->child[0], ai + k, &va);
            weir_vec_get(b->child[0], bi + k, &vb);
            int r = weir_value_cmp(&va, &vb);
            if (r) return r;
        }
        return an < bn ? -1 : an > bn ? 1 : 0;
    }
    case WEIR_T_MAP: return 0;
    default: return x->u.i < y->u.i ? -1 : x->u.i > y->u.i ? 1 : 0;
    }
}

/* Column-at-a-time key encoding (the same bytes as weir_key_encode row by row): one pass
 * per key column adds its sizes, one writes its bytes at each row's cursor. Fixed-width and
 * string columns and NULL-free structs of them take type-specific loops; anything else is
 * encoded value by value. */
static void col_sizes(const weir_vec *v, uint32_t *len, int32_t n)
{
    size_t w = weir_type_width(v->type);
    if (v->type->id == WEIR_T_NULL) {
        for (int32_t i = 0; i < n; i++)
            len[i] += 1;
    } else if (w && !v->valid) {
        for (int32_t i = 0; i < n; i++)
            len[i] += 1 + (uint32_t)w;
    } else if (w) {
        for (int32_t i = 0; i < n; i++)
            len[i] += weir_vec_is_null(v, i) ? 1 : 1 + (uint32_t)w;
    } else if (v->type->id == WEIR_T_STRING || v->type->id == WEIR_T_BINARY) {
        for (int32_t i = 0; i < n; i++)
            len[i] +=
                weir_vec_is_null(v, i) ? 1 : 5 + (uint32_t)(v->offsets[i + 1] - v->offsets[i]);
    } else if (v->type->id == WEIR_T_STRUCT && !v->valid) {
        for (int32_t i = 0; i < n; i++)
            len[i] += 1;
        for (int c = 0; c < v->nchild; c++)
            col_sizes(v->child[c], len, n);
    } else {
        for (int32_t i = 0; i < n; i++)
            len[i] += (uint32_t)value_size(v, i);
    }
}

static void col_encode(const weir_vec *v, uint8_t **pos, int32_t n)
{
    size_t w = weir_type_width(v->type);
    weir_type_id id = v->type->id;
    if (w && id != WEIR_T_DOUBLE && id != WEIR_T_FLOAT) {
        const uint8_t *src = v->data;
        for (int32_t i = 0; i < n; i++) {
            uint8_t *p = pos[i];
            if (v->valid && !weir_bit_get(v->valid, i)) {
                *p = 0;
                pos[i] = p + 1;
                continue;
            }
            *p = 1;
            memcpy(p + 1, src + w * (size_t)i, w);
            pos[i] = p + 1 + w;
        }
    } else if (id == WEIR_T_STRUCT && !v->valid) {
        for (int32_t i = 0; i < n; i++)
            *pos[i]++ = 1;
        for (int c = 0; c < v->nchild; c++)
            col_encode(v->child[c], pos, n);
    } else {
        for (int32_t i = 0; i < n; i++)
            pos[i] = value_encode(v, i, pos[i]);
    }
}

int weir_keys_encode_batch(weir_arena *a, weir_vec *const *keys, int nkeys, int32_t n,
                           const uint8_t ***ptrs, uint32_t **lens, uint64_t **hashes)
{
    size_t nn = (size_t)(n ? n : 1);
    uint32_t *l = weir_arena_calloc(a, sizeof(uint32_t) * nn);
    uint8_t **p = weir_arena_alloc(a, sizeof(uint8_t *) * nn);
    uint64_t *h = weir_arena_alloc(a, sizeof(uint64_t) * nn);
    if (!l || !p || !h) return WEIR_ENOMEM;
    for (int k = 0; k < nkeys; k++)
        col_sizes(keys[k], l, n);
    size_t total = 0;
    for (int32_t i = 0; i < n; i++)
        total += l[i];
    uint8_t *buf = weir_arena_alloc(a, total ? total : 1);
    if (!buf) return WEIR_ENOMEM;
    for (int32_t i = 0; i < n; i++) {
        p[i] = buf;
        buf += l[i];
    }
    for (int k = 0; k < nkeys; k++)
        col_encode(keys[k], p, n);
    for (int32_t i = 0; i < n; i++) {
        p[i] -= l[i]; /* back from the end to the start of each row's key */
        h[i] = XXH3_64bits(p[i], l[i]);
    }
    *ptrs = (const uint8_t **)p;
    *lens = l;
    *hashes = h;
    return WEIR_OK;
}
