/*
 * Physical operators: the execution state of a logical plan, one operator per plan node
 * (PostgreSQL style: the plan is read-only, operators hold the state). Pull-based over
 * batches: next() returns the next batch or NULL at the end.
 *
 * Lifetime rule: a batch returned by next() stays valid until the next call of next() on
 * the same operator (or close). Pipelined operators (project, filter, limit) allocate their
 * output in the arena of their input batch; sources and blocking operators (aggregate,
 * sort, join build) own an output arena they reset at each next().
 */
#ifndef WEIR_EXEC_OP_H
#define WEIR_EXEC_OP_H

#include "plan/logical.h"

typedef struct weir_op weir_op;
struct weir_state_store;

/* What a streaming micro-batch tells its stateful operators, and what they report back. */
typedef struct weir_stream_exec {
    weir_output_mode mode;
    int64_t late_wm_us;  /* rows at or below it are late (INT64_MIN: no watermark yet) */
    int64_t evict_wm_us; /* state at or below it is evicted (INT64_MIN: none) */
    /* per WATERMARK node: the largest event time seen in this batch (INT64_MIN: none) */
    int64_t *wm_max_us;
    int nwm;
    /* eventTime statistics over the watermarked columns' rows */
    int64_t et_min_us, et_max_us, et_count;
    double et_sum_us;
    /* per stateful operator (state_id) */
    int64_t batch_id; /* the state version this batch commits */
    struct weir_state_store **stores;
    int64_t *rows_dropped; /* numRowsDroppedByWatermark */
    int64_t *rows_updated, *rows_removed;
    int nstates;
} weir_stream_exec;

typedef struct weir_exec_ctx {
    const weir_conf_view *conf;
    int64_t now_us; /* current_timestamp() of the query */
    weir_error *err;
    size_t peak_mem; /* high-water mark of operator state, bytes (statistics) */
    /* Streaming: the rows of source `source` in the current micro-batch (set by the
     * driver; NULL for batch queries). */
    int (*stream_next)(void *user, int source, weir_arena *a, weir_batch **out, weir_error *err);
    void *stream_user;
    weir_stream_exec *stream; /* stateful streaming: watermarks and state stores */
} weir_exec_ctx;

typedef struct weir_op_vtab {
    const char *name;
    int (*next)(weir_op *op, weir_batch **out);
    void (*close)(weir_op *op);
} weir_op_vtab;

struct weir_op {
    const weir_op_vtab *vt;
    const weir_lplan *plan;
    weir_exec_ctx *ctx;
    weir_op **children;
    int nchildren;
    weir_arena out; /* output arena for sources and blocking operators */
};

/* Builds the operator tree of a plan. */
int weir_op_build(weir_exec_ctx *ctx, const weir_lplan *plan, weir_op **out);
/* Next batch (NULL at the end). */
static inline int weir_op_next(weir_op *op, weir_batch **out)
{
    return op->vt->next(op, out);
}
/* Closes the tree and frees its memory. Safe on NULL. */
void weir_op_close(weir_op *op);

/* Constructors, one per file. */
int weir_op_scan_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out);
int weir_op_values_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out);
int weir_op_range_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out);
int weir_op_empty_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out);
int weir_op_project_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_filter_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_limit_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_union_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **children, weir_op **out);
int weir_op_expand_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_agg_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_sort_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_join_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *l, weir_op *r,
                     weir_op **out);
int weir_op_window_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_stream_scan_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out);
int weir_op_memtable_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out);
int weir_op_watermark_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_stateful_agg_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child,
                             weir_op **out);
int weir_op_dedup_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);
int weir_op_generate_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out);

/* Shared helpers (op_common.c). */
/* Allocates an operator with room for nchildren children. */
weir_op *weir_op_alloc(size_t size, const weir_op_vtab *vt, const weir_lplan *p, weir_exec_ctx *ctx,
                       int nchildren);
/* Keeps rows where sel is set: a new batch in the input batch's arena (NULL columns stay
 * NULL, they are unused). */
weir_batch *weir_batch_select(const weir_batch *in, const int32_t *rows, int32_t n);
/* Serializes row i of the key vectors into a compact byte key (NULL flags + values);
 * returns its length. buf must hold weir_key_size() bytes. */
size_t weir_key_size(weir_vec *const *keys, int nkeys, int32_t i);
size_t weir_key_encode(weir_vec *const *keys, int nkeys, int32_t i, uint8_t *buf);
/* Encodes and hashes the keys of n rows into arena a (one buffer for the batch). */
int weir_keys_encode_batch(weir_arena *a, weir_vec *const *keys, int nkeys, int32_t n,
                           const uint8_t ***ptrs, uint32_t **lens, uint64_t **hashes);
/* Appends the values of an encoded key to the vectors (inverse of weir_key_encode). */
int weir_key_decode(const uint8_t *key, weir_vec **cols, int ncols);
/* Skips one encoded value of type t (weir_key_encode's format). */
const uint8_t *weir_key_skip(const uint8_t *p, const weir_type *t);
/* The per-group states of an aggregate: one block per group holding each function's
 * state at its offset (16-byte aligned). Shared by the batch and streaming aggregates. */
typedef struct weir_agg_layout {
    size_t *offs; /* per aggregate */
    size_t block; /* bytes per group */
} weir_agg_layout;
int weir_agg_layout_init(weir_agg_layout *l, const weir_lplan *p);
void weir_agg_layout_free(weir_agg_layout *l);
/* A zeroed block in arena a with every function's agg_init applied; NULL on out of memory. */
char *weir_agg_block_new(const weir_agg_layout *l, const weir_lplan *p, weir_arena *a);
/* An output batch (in arena a) of n groups: group columns decoded from the encoded keys,
 * then each aggregate's final value from the blocks. */
int weir_agg_emit(weir_exec_ctx *ctx, const weir_lplan *p, const weir_agg_layout *l,
                  const uint8_t *const *keys, char *const *blocks, int32_t n, weir_arena *a,
                  weir_batch **out);
/* Three-way comparison of two values of the same type in Spark's ordering (NULLs handled
 * by the caller; NaN largest; strings bytewise). */
int weir_value_cmp(const weir_value *x, const weir_value *y);

#endif
