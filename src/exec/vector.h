/*
 * Column vectors and batches, in the Arrow columnar layout (see base/types.h for the
 * physical layout of each type). A batch holds up to WEIR_BATCH_ROWS rows; every buffer of
 * a batch and of its vectors lives in the batch's arena and is freed when that arena is
 * reset. Vectors are written front to back by one producer, then read-only.
 *
 * Validity: `valid` is an Arrow bitmap (bit i set = row i not NULL) or NULL when every row
 * is valid. Kernels test `v->valid == NULL` once per batch and take a fast path.
 */
#ifndef WEIR_EXEC_VECTOR_H
#define WEIR_EXEC_VECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/types.h"

#define WEIR_BATCH_ROWS 4096

typedef struct weir_vec weir_vec;
struct weir_vec {
    const weir_type *type;
    int32_t len;      /* rows written */
    int32_t cap;      /* rows the fixed buffers (valid, data or offsets) can hold */
    uint8_t *valid;   /* Arrow validity bitmap; NULL = all valid */
    void *data;       /* fixed-width values, or the bytes of STRING/BINARY */
    int32_t *offsets; /* STRING, BINARY, ARRAY, MAP: cap + 1 entries, offsets[0] = 0 */
    int64_t data_cap; /* bytes allocated for data (STRING/BINARY) */
    int32_t nchild;   /* STRUCT: nfields; ARRAY: 1; MAP: 2 */
    weir_vec **child;
    weir_arena *arena; /* owner of every buffer */
};

typedef struct weir_batch {
    int32_t nrows;
    int32_t ncols;
    weir_vec **cols;
    weir_arena *arena; /* owner of cols and their buffers */
} weir_batch;

/* ---- validity bitmap ------------------------------------------------------------- */

static inline bool weir_bit_get(const uint8_t *bits, int64_t i)
{
    return (bits[i >> 3] >> (i & 7)) & 1;
}
static inline void weir_bit_set(uint8_t *bits, int64_t i)
{
    bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}
static inline void weir_bit_clear(uint8_t *bits, int64_t i)
{
    bits[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}
static inline bool weir_vec_is_null(const weir_vec *v, int64_t i)
{
    return v->valid && !weir_bit_get(v->valid, i);
}

/* ---- construction ------------------------------------------------------------------ */

/* A new empty vector able to hold cap rows (children of STRUCT sized alike; ARRAY/MAP
 * children start at cap and grow). NULL on out of memory. */
weir_vec *weir_vec_new(weir_arena *a, const weir_type *t, int32_t cap);
/* Grows fixed buffers to hold at least cap rows (keeps contents). */
int weir_vec_reserve(weir_vec *v, int32_t cap);
/* Ensures the STRING/BINARY byte buffer can hold `more` bytes beyond offsets[len]. */
int weir_vec_reserve_bytes(weir_vec *v, int64_t more);
/* Allocates the validity bitmap (all valid) if absent. */
int weir_vec_make_valid(weir_vec *v);
/* Marks row i NULL (allocating the bitmap if needed); the value slot is zeroed for fixed
 * width, and for var-width offsets[i+1] = offsets[i] must be kept by the caller. */
int weir_vec_set_null(weir_vec *v, int32_t i);

/* Appends one NULL row (any type; for STRUCT appends NULL to every child too). */
int weir_vec_append_null(weir_vec *v);
/* Appends a STRING/BINARY value. */
int weir_vec_append_str(weir_vec *v, const char *s, int32_t n);
/* Appends a fixed-width value given as its raw bytes (width of the type). */
int weir_vec_append_fixed(weir_vec *v, const void *value);

/* Raw typed accessors. */
#define WEIR_VEC_DATA(v, T) ((T *)(v)->data)
static inline const char *weir_vec_str(const weir_vec *v, int32_t i, int32_t *len)
{
    *len = v->offsets[i + 1] - v->offsets[i];
    return (const char *)v->data + v->offsets[i];
}

/* ---- whole-vector operations --------------------------------------------------------- */

/* Copies rows sel[0..n) of src (any type, deep) into a new vector in arena a. sel may be
 * NULL for rows 0..n. A negative sel entry produces a NULL row (used by outer joins). */
weir_vec *weir_vec_gather(weir_arena *a, const weir_vec *src, const int32_t *sel, int32_t n);
/* Appends rows [from, from+n) of src to dst (same type; deep copy into dst's arena). */
int weir_vec_append_range(weir_vec *dst, const weir_vec *src, int32_t from, int32_t n);
/* A vector of n NULLs of type t. */
weir_vec *weir_vec_nulls(weir_arena *a, const weir_type *t, int32_t n);
/* Counts NULL rows. */
int32_t weir_vec_null_count(const weir_vec *v);

/* ---- batches --------------------------------------------------------------------------- */

/* A batch with ncols empty column slots (cols[i] NULL) in arena a. */
weir_batch *weir_batch_new(weir_arena *a, int32_t ncols);
/* A batch of empty vectors for the fields of a STRUCT schema, each with cap rows. */
weir_batch *weir_batch_for_schema(weir_arena *a, const weir_type *schema, int32_t cap);

/* ---- scalar values ----------------------------------------------------------------------- */

/* One value of any type: literals, aggregate results, row-at-a-time paths (printing,
 * sort keys). Nested values point into a vector row. */
typedef struct weir_value {
    const weir_type *type;
    bool is_null;
    union {
        int64_t i;    /* BOOLEAN, integral, DATE, TIMESTAMP, INTERVAL */
        double d;     /* FLOAT (widened), DOUBLE */
        __int128 dec; /* DECIMAL unscaled */
        struct {
            const char *p;
            int32_t len;
        } s; /* STRING, BINARY */
        struct {
            const weir_vec *vec;
            int32_t row;
        } nested; /* STRUCT, ARRAY, MAP: the row in vec */
    } u;
} weir_value;

/* Reads row i of v. Nested types reference v (no copy). */
void weir_vec_get(const weir_vec *v, int32_t i, weir_value *out);
/* Appends a value (deep copy; value type must equal the vector type, or be NULL type). */
int weir_vec_append_value(weir_vec *v, const weir_value *val);

#endif
