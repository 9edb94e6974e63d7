/*
 * Memory tables: the rows a memory sink publishes (Spark's MemorySink), read by SELECT in
 * the session's thread while the query's thread keeps writing.
 *
 * Storage: the table owns its rows. Each put copies the batch's rows into segments of
 * exactly sized column vectors (no spare capacity, validity bitmaps only where a NULL
 * exists) in the table's own arena; the schema is deep-copied too, so the table outlives
 * the query plan that created it. Arenas cannot free pieces, so complete mode (replace)
 * builds the new rows in a fresh arena and swaps it in, and when appends have produced
 * many small segments they are merged the same way into one.
 *
 * Concurrency: one writer (the query thread) and any number of readers. The mutex guards
 * the segment list, the row count and the last batch id. The writer fills new vectors
 * without the lock (readers never touch arena bookkeeping or unpublished vectors) and
 * takes it only to publish; a snapshot copies every row into the reader's arena under the
 * lock, so readers never hold pointers into the table.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stream/stream.h"

/* Append segments kept before they are merged into one. */
#define MEMTABLE_MAX_SEGS 256

typedef struct mt_seg {
    int32_t nrows;
    weir_vec **cols;
} mt_seg;

struct weir_memtable {
    pthread_mutex_t mu;
    weir_arena meta; /* the schema copy */
    const weir_type *schema;
    weir_arena *rows; /* every segment's vectors */
    mt_seg *segs;     /* malloc'd */
    int nsegs, capsegs;
    int64_t nrows;
    int64_t last_batch; /* -1: nothing written yet */
};

/* ---- deep copies --------------------------------------------------------------------- */

static const weir_type *type_copy(weir_arena *a, const weir_type *t)
{
    switch (t->id) {
    case WEIR_T_STRUCT: {
        weir_field *f = WEIR_ARENA_NEWN(a, weir_field, t->nfields ? t->nfields : 1);
        if (!f) return NULL;
        for (int i = 0; i < t->nfields; i++) {
            f[i] = t->fields[i];
            if (!(f[i].type = type_copy(a, t->fields[i].type))) return NULL;
        }
        return weir_type_struct(a, f, t->nfields);
    }
    case WEIR_T_ARRAY: {
        const weir_type *e = type_copy(a, t->elem);
        return e ? weir_type_array(a, e) : NULL;
    }
    case WEIR_T_MAP: {
        const weir_type *k = type_copy(a, t->elem), *v = k ? type_copy(a, t->value) : NULL;
        return v ? weir_type_map(a, k, v) : NULL;
    }
    case WEIR_T_DECIMAL: return weir_type_decimal(a, t->precision, t->scale);
    default: {
        const weir_type *p = weir_type_primitive(t->id);
        return p ? p : t;
    }
    }
}

/* A run of rows [from, from + n) of one source vector. */
typedef struct piece {
    const weir_vec *v;
    int32_t from, n;
} piece;

static size_t bitmap_bytes(int32_t n)
{
    return ((size_t)n + 7) / 8;
}

/* Concatenates the pieces (all of type t's shape) into one new vector of type t whose
 * buffers are exactly as large as the rows need. NULL on out of memory. */
static weir_vec *concat_exact(weir_arena *a, const weir_type *t, const piece *ps, int k)
{
    int64_t total = 0;
    bool any_null = t->id == WEIR_T_NULL;
    for (int i = 0; i < k; i++) {
        total += ps[i].n;
        const weir_vec *v = ps[i].v;
        for (int32_t r = 0; !any_null && v->valid && r < ps[i].n; r++)
            any_null = !weir_bit_get(v->valid, ps[i].from + r);
    }
    if (total > INT32_MAX) return NULL;
    int32_t n = (int32_t)total, cap = n ? n : 1;
    weir_vec *out = WEIR_ARENA_NEW(a, weir_vec);
    if (!out) return NULL;
    out->type = t;
    out->arena = a;
    out->len = n;
    out->cap = cap;
    if (any_null) {
        if (!(out->valid = weir_arena_alloc(a, bitmap_bytes(cap)))) return NULL;
        memset(out->valid, 0xff, bitmap_bytes(cap));
        int32_t at = 0;
        for (int i = 0; i < k; i++) {
            const weir_vec *v = ps[i].v;
            for (int32_t r = 0; r < ps[i].n; r++, at++)
                if (t->id == WEIR_T_NULL || (v->valid && !weir_bit_get(v->valid, ps[i].from + r)))
                    weir_bit_clear(out->valid, at);
        }
    }
    size_t w = weir_type_width(t);
    switch (t->id) {
    case WEIR_T_NULL: break;
    case WEIR_T_STRING:
    case WEIR_T_BINARY:
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        if (!(out->offsets = weir_arena_alloc(a, sizeof(int32_t) * ((size_t)cap + 1)))) return NULL;
        int64_t inner = 0;
        int32_t at = 0;
        out->offsets[0] = 0;
        for (int i = 0; i < k; i++) {
            const int32_t *so = ps[i].v->offsets;
            int32_t b0 = so[ps[i].from];
            for (int32_t r = 1; r <= ps[i].n; r++)
                out->offsets[at + r] = (int32_t)(inner + (so[ps[i].from + r] - b0));
            at += ps[i].n;
            inner += so[ps[i].from + ps[i].n] - b0;
        }
        if (inner > INT32_MAX) return NULL;
        if (t->id == WEIR_T_STRING || t->id == WEIR_T_BINARY) {
            out->data_cap = inner ? inner : 1;
            if (!(out->data = weir_arena_alloc(a, (size_t)out->data_cap))) return NULL;
            char *d = out->data;
            for (int i = 0; i < k; i++) {
                const int32_t *so = ps[i].v->offsets;
                int32_t b0 = so[ps[i].from], b1 = so[ps[i].from + ps[i].n];
                memcpy(d, (const char *)ps[i].v->data + b0, (size_t)(b1 - b0));
                d += b1 - b0;
            }
            break;
        }
        /* ARRAY / MAP: the children's rows covered by the pieces */
        out->nchild = t->id == WEIR_T_ARRAY ? 1 : 2;
        if (!(out->child = WEIR_ARENA_NEWN(a, weir_vec *, out->nchild))) return NULL;
        piece *cp = malloc(sizeof(*cp) * (size_t)(k ? k : 1));
        if (!cp) return NULL;
        for (int c = 0; c < out->nchild; c++) {
            for (int i = 0; i < k; i++) {
                const int32_t *so = ps[i].v->offsets;
                cp[i].v = ps[i].v->child[c];
                cp[i].from = so[ps[i].from];
                cp[i].n = so[ps[i].from + ps[i].n] - so[ps[i].from];
            }
            const weir_type *ct = c == 0 ? t->elem : t->value;
            if (!(out->child[c] = concat_exact(a, ct, cp, k))) {
                free(cp);
                return NULL;
            }
        }
        free(cp);
        break;
    }
    case WEIR_T_STRUCT: {
        out->nchild = t->nfields;
        if (!(out->child = WEIR_ARENA_NEWN(a, weir_vec *, t->nfields ? t->nfields : 1)))
            return NULL;
        piece *cp = malloc(sizeof(*cp) * (size_t)(k ? k : 1));
        if (!cp) return NULL;
        for (int c = 0; c < t->nfields; c++) {
            for (int i = 0; i < k; i++)
                cp[i] = (piece){ps[i].v->child[c], ps[i].from, ps[i].n};
            if (!(out->child[c] = concat_exact(a, t->fields[c].type, cp, k))) {
                free(cp);
                return NULL;
            }
        }
        free(cp);
        break;
    }
    default: {
        if (!(out->data = weir_arena_alloc(a, w * (size_t)cap))) return NULL;
        char *d = out->data;
        for (int i = 0; i < k; i++) {
            memcpy(d, (const char *)ps[i].v->data + w * (size_t)ps[i].from, w * (size_t)ps[i].n);
            d += w * (size_t)ps[i].n;
        }
        break;
    }
    }
    return out;
}

/* One batch of schema `t` built from the column pieces of `k` sources: src_cols(i, c). */
typedef const weir_vec *(*col_of_fn)(const void *src, int i, int c, int32_t *nrows);

static weir_vec **concat_columns(weir_arena *a, const weir_type *schema, const void *src, int k,
                                 col_of_fn col_of)
{
    int nf = schema->nfields;
    weir_vec **cols = WEIR_ARENA_NEWN(a, weir_vec *, nf ? nf : 1);
    piece *ps = malloc(sizeof(*ps) * (size_t)(k ? k : 1));
    if (!cols || !ps) {
        free(ps);
        return NULL;
    }
    for (int c = 0; c < nf; c++) {
        int np = 0;
        for (int i = 0; i < k; i++) {
            int32_t n;
            const weir_vec *v = col_of(src, i, c, &n);
            if (n > 0) ps[np++] = (piece){v, 0, n};
        }
        if (!(cols[c] = concat_exact(a, schema->fields[c].type, ps, np))) {
            free(ps);
            return NULL;
        }
    }
    free(ps);
    return cols;
}

static const weir_vec *batch_col(const void *src, int i, int c, int32_t *nrows)
{
    const weir_batch *b = ((const weir_batch *const *)src)[i];
    *nrows = b ? b->nrows : 0;
    return b && b->nrows ? b->cols[c] : NULL;
}

static const weir_vec *seg_col(const void *src, int i, int c, int32_t *nrows)
{
    const mt_seg *s = &((const mt_seg *)src)[i];
    *nrows = s->nrows;
    return s->nrows ? s->cols[c] : NULL;
}

/* ---- API ------------------------------------------------------------------------------- */

weir_memtable *weir_memtable_new(const weir_type *schema)
{
    if (!schema || schema->id != WEIR_T_STRUCT) return NULL;
    weir_memtable *t = calloc(1, sizeof(*t));
    if (!t) return NULL;
    weir_arena_init(&t->meta, 4096);
    t->last_batch = -1;
    t->schema = type_copy(&t->meta, schema);
    t->rows = weir_arena_new(0);
    if (!t->schema || !t->rows || pthread_mutex_init(&t->mu, NULL) != 0) {
        weir_arena_destroy(t->rows);
        weir_arena_free(&t->meta);
        free(t);
        return NULL;
    }
    return t;
}

void weir_memtable_free(weir_memtable *t)
{
    if (!t) return;
    pthread_mutex_destroy(&t->mu);
    weir_arena_destroy(t->rows);
    weir_arena_free(&t->meta);
    free(t->segs);
    free(t);
}

const weir_type *weir_memtable_schema(const weir_memtable *t)
{
    return t ? t->schema : NULL;
}

/* Replaces every segment by `seg` (built in `rows`) and frees the old arena. */
static void publish_replace(weir_memtable *t, weir_arena *rows, const mt_seg *seg, int64_t batch_id)
{
    pthread_mutex_lock(&t->mu);
    weir_arena *old = t->rows;
    t->rows = rows;
    t->nsegs = 0;
    t->nrows = 0;
    if (seg && seg->nrows) {
        t->segs[0] = *seg; /* capsegs >= 1 guaranteed by the caller */
        t->nsegs = 1;
        t->nrows = seg->nrows;
    }
    t->last_batch = batch_id;
    pthread_mutex_unlock(&t->mu);
    weir_arena_destroy(old);
}

int weir_memtable_put(weir_memtable *t, int64_t batch_id, bool replace,
                      const weir_batch *const *batches, int nbatches)
{
    pthread_mutex_lock(&t->mu);
    bool done = batch_id <= t->last_batch;
    pthread_mutex_unlock(&t->mu);
    if (done) return WEIR_OK; /* replay of a batch already published */

    int64_t add = 0;
    for (int i = 0; i < nbatches; i++)
        if (batches[i]) add += batches[i]->nrows;
    if (add > INT32_MAX) return WEIR_ENOMEM;
    if (t->capsegs == 0) {
        if (!(t->segs = malloc(sizeof(*t->segs) * 4))) return WEIR_ENOMEM;
        t->capsegs = 4;
    }

    /* Only this (writer) thread changes the segments, so reading them unlocked is safe. */
    bool merge =
        !replace && add > 0 && t->nsegs + 1 > MEMTABLE_MAX_SEGS && t->nrows + add <= INT32_MAX;
    if (replace || merge) {
        weir_arena *rows = weir_arena_new(0);
        if (!rows) return WEIR_ENOMEM;
        mt_seg seg = {0, NULL};
        if (merge) {
            /* old segments then the new batches, as one segment */
            mt_seg *all = malloc(sizeof(*all) * (size_t)(t->nsegs + nbatches));
            if (!all) {
                weir_arena_destroy(rows);
                return WEIR_ENOMEM;
            }
            int k = t->nsegs;
            memcpy(all, t->segs, sizeof(*all) * (size_t)k);
            for (int i = 0; i < nbatches; i++)
                if (batches[i] && batches[i]->nrows)
                    all[k++] = (mt_seg){batches[i]->nrows, batches[i]->cols};
            seg.nrows = (int32_t)(t->nrows + add);
            seg.cols = concat_columns(rows, t->schema, all, k, seg_col);
            free(all);
        } else {
            seg.nrows = (int32_t)add;
            seg.cols = add ? concat_columns(rows, t->schema, batches, nbatches, batch_col) : NULL;
        }
        if (seg.nrows && !seg.cols) {
            weir_arena_destroy(rows);
            return WEIR_ENOMEM;
        }
        publish_replace(t, rows, &seg, batch_id);
        return WEIR_OK;
    }

    mt_seg seg = {(int32_t)add, NULL};
    if (add) {
        if (t->nrows + add > INT32_MAX) return WEIR_ENOMEM; /* snapshots are one batch */
        seg.cols = concat_columns(t->rows, t->schema, batches, nbatches, batch_col);
        if (!seg.cols) return WEIR_ENOMEM;
    }
    pthread_mutex_lock(&t->mu);
    int rc = WEIR_OK;
    if (add && t->nsegs == t->capsegs) {
        mt_seg *ns = realloc(t->segs, sizeof(*ns) * (size_t)t->capsegs * 2);
        if (ns) {
            t->segs = ns;
            t->capsegs *= 2;
        } else {
            rc = WEIR_ENOMEM;
        }
    }
    if (rc == WEIR_OK) {
        if (add) {
            t->segs[t->nsegs++] = seg;
            t->nrows += add;
        }
        t->last_batch = batch_id;
    }
    pthread_mutex_unlock(&t->mu);
    return rc;
}

int weir_memtable_snapshot(weir_memtable *t, weir_arena *a, weir_batch **out)
{
    *out = NULL;
    const weir_type *schema = type_copy(a, t->schema);
    if (!schema) return WEIR_ENOMEM;
    int nf = schema->nfields;
    weir_batch *b = weir_batch_new(a, nf);
    if (!b) return WEIR_ENOMEM;
    pthread_mutex_lock(&t->mu);
    int rc = WEIR_OK;
    if (t->nrows == 0) {
        for (int c = 0; c < nf && rc == WEIR_OK; c++)
            if (!(b->cols[c] = weir_vec_new(a, schema->fields[c].type, 1))) rc = WEIR_ENOMEM;
    } else {
        weir_vec **cols = concat_columns(a, schema, t->segs, t->nsegs, seg_col);
        if (cols)
            memcpy(b->cols, cols, sizeof(*cols) * (size_t)nf);
        else
            rc = WEIR_ENOMEM;
    }
    b->nrows = (int32_t)t->nrows;
    pthread_mutex_unlock(&t->mu);
    if (rc != WEIR_OK) return rc;
    *out = b;
    return WEIR_OK;
}
