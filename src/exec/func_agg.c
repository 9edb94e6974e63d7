/*
 * Aggregate functions (Spark 3.5's count, sum/try_sum, avg/try_avg, min/max, the central-moment
 * family, first/last, collect_list/collect_set, bool_and/bool_or, count_if, max_by/min_by,
 * approx_count_distinct) as state-update kernels for the hash aggregate operator.
 *
 * Why this shape: the operator owns grouping, DISTINCT and FILTER and hands every kernel a
 * whole input vector plus, per row, a pointer to that row's group state. Kernels pick
 * their loop once per call from the argument's physical type and then run a tight loop;
 * nothing is malloc'd per row (variable-size state such as strings kept by min/max or the
 * lists of collect_list lives in the aggregation's state arena, ctx->arena).
 *
 * Numerics follow Spark's formulas operation by operation so that doubles come out
 * bit-identical: sum/avg of non-decimals accumulate in DOUBLE (avg of ints too), the
 * variance family uses Spark's CentralMomentAgg update and merge expressions, decimal
 * sums are exact (__int128) with NULL on overflow (an error in ANSI mode).
 *
 * State contract: every state is state_size(e) bytes, a multiple of 16, and must be
 * 16-byte aligned (decimal states hold __int128). States start zeroed; agg_init is a no-op
 * kept for the interface. agg_merge(dst, src) copies whatever src owns (strings, lists)
 * into ctx->arena, so src's arena may be freed afterwards.
 *
 * approx_count_distinct is Spark's HyperLogLogPlusPlus: XXH64 (seed 42) of the value as
 * Spark's XxHash64Function hashes it, p = ceil(2 log2(1.106 / rsd)), 6-bit registers packed
 * ten to a 64-bit word, linear counting below Spark's thresholds. Spark's empirical bias
 * correction tables (HLL++ paper appendix) are not reproduced: between the linear-counting
 * threshold and 5m the raw estimate is used instead, so results there can differ from
 * Spark's by the (small) bias; below the threshold and above 5m they are identical.
 *
 * Streaming queries keep states between micro-batches in the state store: agg_save writes a
 * state as compact, self-delimiting bytes (values, never pointers) and agg_load rebuilds an
 * equivalent state in the aggregation's arena, indexes included (see the section before the
 * table for the byte forms).
 *
 * collect_set keeps first-seen order (Spark's order is its hash set's iteration order,
 * which is unspecified).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "plan/expr.h"

#define ALIGN16(n) (((n) + 15) & ~(size_t)15)

/* ---- physical kinds ------------------------------------------------------------------- */

typedef enum vkind {
    K_NULL,
    K_BOOL,
    K_I8,
    K_I16,
    K_I32, /* INT, DATE */
    K_I64, /* BIGINT, TIMESTAMP, INTERVAL */
    K_F32,
    K_F64,
    K_DEC,
    K_STR, /* STRING, BINARY: unsigned byte order */
    K_NESTED,
} vkind;

static vkind kind_of(const weir_type *t)
{
    switch (t->id) {
    case WEIR_T_NULL: return K_NULL;
    case WEIR_T_BOOLEAN: return K_BOOL;
    case WEIR_T_TINYINT: return K_I8;
    case WEIR_T_SMALLINT: return K_I16;
    case WEIR_T_INT:
    case WEIR_T_DATE: return K_I32;
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: return K_I64;
    case WEIR_T_FLOAT: return K_F32;
    case WEIR_T_DOUBLE: return K_F64;
    case WEIR_T_DECIMAL: return K_DEC;
    case WEIR_T_STRING:
    case WEIR_T_BINARY: return K_STR;
    default: return K_NESTED;
    }
}

/* Per-call information prepared by bind (e->bind_data). */
typedef struct agg_info {
    vkind kind;  /* argument 0 */
    vkind kind2; /* argument 1 (max_by/min_by ordering) */
    bool ignore_nulls;
    bool interval;                /* sum/avg of INTERVAL */
    bool try_mode;                /* try_sum / try_avg: overflow gives NULL, even in ANSI mode */
    int out_precision, out_scale; /* DECIMAL results */
    int sum_precision;            /* DECIMAL sums inside avg */
    int in_scale;
    int moment; /* central moments: 2, 3 or 4 */
    int hll_p;  /* approx_count_distinct */
    int hll_words;
} agg_info;

static inline bool all_null(const weir_vec *v)
{
    return v->type->id == WEIR_T_NULL;
}

static inline bool row_null(const weir_vec *v, int32_t i)
{
    return v->type->id == WEIR_T_NULL || (v->valid && !weir_bit_get(v->valid, i));
}

/* Runs BODY for every non-NULL row i of v (a fast loop when v has no validity bitmap). */
#define EACH_VALID(v, n, i, ...)                                                                   \
    do {                                                                                           \
        if (!(v)->valid) {                                                                         \
            for (int32_t i = 0; i < (n); i++) {                                                    \
                __VA_ARGS__                                                                        \
            }                                                                                      \
        } else {                                                                                   \
            for (int32_t i = 0; i < (n); i++)                                                      \
                if (weir_bit_get((v)->valid, i)) {                                                 \
                    __VA_ARGS__                                                                    \
                }                                                                                  \
        }                                                                                          \
    } while (0)

#define CMP3(a, b) (((a) > (b)) - ((a) < (b)))

/* Spark's ordering of doubles (SQLOrderingUtil.compareDoubles): -0.0 = 0.0, NaN = NaN and
 * NaN above everything. */
static inline int cmp_double(double a, double b)
{
    if (a == b) return 0;
    bool an = isnan(a), bn = isnan(b);
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return a < b ? -1 : 1;
}

static inline int cmp_bytes(const char *a, int32_t an, const char *b, int32_t bn)
{
    int32_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, (size_t)m) : 0;
    return c ? (c < 0 ? -1 : 1) : CMP3(an, bn);
}

static inline __int128 dec_at(const weir_vec *v, int32_t i)
{
    __int128 x;
    memcpy(&x, (const char *)v->data + 16 * (size_t)i, 16);
    return x;
}

/* Spark's interpreted ordering of two rows of the same type, NULLs first (used for nested
 * values: structs field by field, arrays element by element then by length). */
static int cmp_rows(const weir_vec *a, int32_t i, const weir_vec *b, int32_t j)
{
    bool an = row_null(a, i), bn = row_null(b, j);
    if (an || bn) return an == bn ? 0 : an ? -1 : 1;
    switch (a->type->id) {
    case WEIR_T_BOOLEAN: return CMP3(((const uint8_t *)a->data)[i], ((const uint8_t *)b->data)[j]);
    case WEIR_T_TINYINT: return CMP3(((const int8_t *)a->data)[i], ((const int8_t *)b->data)[j]);
    case WEIR_T_SMALLINT: return CMP3(((const int16_t *)a->data)[i], ((const int16_t *)b->data)[j]);
    case WEIR_T_INT:
    case WEIR_T_DATE: return CMP3(((const int32_t *)a->data)[i], ((const int32_t *)b->data)[j]);
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: return CMP3(((const int64_t *)a->data)[i], ((const int64_t *)b->data)[j]);
    case WEIR_T_FLOAT: return cmp_double(((const float *)a->data)[i], ((const float *)b->data)[j]);
    case WEIR_T_DOUBLE:
        return cmp_double(((const double *)a->data)[i], ((const double *)b->data)[j]);
    case WEIR_T_DECIMAL: {
        __int128 x = dec_at(a, i), y = dec_at(b, j);
        return CMP3(x, y);
    }
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t al, bl;
        const char *ap = weir_vec_str(a, i, &al), *bp = weir_vec_str(b, j, &bl);
        return cmp_bytes(ap, al, bp, bl);
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < a->nchild; c++) {
            int r = cmp_rows(a->child[c], i, b->child[c], j);
            if (r) return r;
        }
        return 0;
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        int32_t as = a->offsets[i], al = a->offsets[i + 1] - as;
        int32_t bs = b->offsets[j], bl = b->offsets[j + 1] - bs;
        for (int32_t k = 0; k < al && k < bl; k++)
            for (int c = 0; c < a->nchild; c++) {
                int r = cmp_rows(a->child[c], as + k, b->child[c], bs + k);
                if (r) return r;
            }
        return CMP3(al, bl);
    }
    default: return 0;
    }
}

/* ---- value slots: one value of any type held by a state --------------------------------- */

typedef union slot {
    int64_t i;
    double d; /* FLOAT widened exactly */
    __int128 dec;
    struct {
        char *p;
        int32_t len, cap;
    } s;
    weir_vec *nested; /* a one-row vector in the state arena */
} slot;

/* Empties a vector so that its buffers can be reused for a new value. */
static void vec_clear(weir_vec *v)
{
    v->len = 0;
    v->valid = NULL;
    if (v->offsets) v->offsets[0] = 0;
    for (int c = 0; c < v->nchild; c++)
        vec_clear(v->child[c]);
}

static int str_store(weir_arena *a, slot *s, const char *p, int32_t len)
{
    if (len > s->s.cap || !s->s.p) {
        int32_t cap = (int32_t)ALIGN16((size_t)(len ? len : 1));
        char *np = weir_arena_alloc(a, (size_t)cap);
        if (!np) return WEIR_ENOMEM;
        s->s.p = np;
        s->s.cap = cap;
    }
    if (len) memcpy(s->s.p, p, (size_t)len);
    s->s.len = len;
    return WEIR_OK;
}

static int nested_store(weir_arena *a, slot *s, const weir_vec *v, int32_t i)
{
    if (!s->nested) {
        if (!(s->nested = weir_vec_new(a, v->type, 1))) return WEIR_ENOMEM;
    } else {
        vec_clear(s->nested);
    }
    return weir_vec_append_range(s->nested, v, i, 1) == WEIR_OK ? WEIR_OK : WEIR_ENOMEM;
}

/* Stores row i (not NULL) of v into s. */
static int slot_set(weir_arena *a, vkind k, slot *s, const weir_vec *v, int32_t i)
{
    switch (k) {
    case K_BOOL: s->i = ((const uint8_t *)v->data)[i]; break;
    case K_I8: s->i = ((const int8_t *)v->data)[i]; break;
    case K_I16: s->i = ((const int16_t *)v->data)[i]; break;
    case K_I32: s->i = ((const int32_t *)v->data)[i]; break;
    case K_I64: s->i = ((const int64_t *)v->data)[i]; break;
    case K_F32: s->d = ((const float *)v->data)[i]; break;
    case K_F64: s->d = ((const double *)v->data)[i]; break;
    case K_DEC: s->dec = dec_at(v, i); break;
    case K_STR: {
        int32_t len;
        const char *p = weir_vec_str(v, i, &len);
        return str_store(a, s, p, len);
    }
    case K_NESTED: return nested_store(a, s, v, i);
    case K_NULL: break;
    }
    return WEIR_OK;
}

/* Copies src into dst (dst keeps its own buffers). */
static int slot_copy(weir_arena *a, vkind k, slot *dst, const slot *src)
{
    if (k == K_STR) return str_store(a, dst, src->s.p, src->s.len);
    if (k == K_NESTED) return nested_store(a, dst, src->nested, 0);
    *dst = *src;
    return WEIR_OK;
}

/* Compares row i (not NULL) of v with a stored value: <0, 0, >0. */
static int slot_cmp_row(vkind k, const weir_vec *v, int32_t i, const slot *s)
{
    switch (k) {
    case K_BOOL: return CMP3((int64_t)((const uint8_t *)v->data)[i], s->i);
    case K_I8: return CMP3((int64_t)((const int8_t *)v->data)[i], s->i);
    case K_I16: return CMP3((int64_t)((const int16_t *)v->data)[i], s->i);
    case K_I32: return CMP3((int64_t)((const int32_t *)v->data)[i], s->i);
    case K_I64: return CMP3(((const int64_t *)v->data)[i], s->i);
    case K_F32: return cmp_double(((const float *)v->data)[i], s->d);
    case K_F64: return cmp_double(((const double *)v->data)[i], s->d);
    case K_DEC: {
        __int128 x = dec_at(v, i);
        return CMP3(x, s->dec);
    }
    case K_STR: {
        int32_t len;
        const char *p = weir_vec_str(v, i, &len);
        return cmp_bytes(p, len, s->s.p, s->s.len);
    }
    case K_NESTED: return cmp_rows(v, i, s->nested, 0);
    case K_NULL: return 0;
    }
    return 0;
}

static int slot_cmp(vkind k, const slot *a, const slot *b)
{
    switch (k) {
    case K_F32:
    case K_F64: return cmp_double(a->d, b->d);
    case K_DEC: return CMP3(a->dec, b->dec);
    case K_STR: return cmp_bytes(a->s.p, a->s.len, b->s.p, b->s.len);
    case K_NESTED: return cmp_rows(a->nested, 0, b->nested, 0);
    case K_NULL: return 0;
    default: return CMP3(a->i, b->i);
    }
}

/* Appends a stored value (or NULL) to out. */
static int slot_emit(weir_vec *out, vkind k, const slot *s, bool is_null)
{
    if (is_null || k == K_NULL) return weir_vec_append_null(out);
    switch (k) {
    case K_BOOL:
    case K_I8: {
        int8_t x = (int8_t)s->i;
        return weir_vec_append_fixed(out, &x);
    }
    case K_I16: {
        int16_t x = (int16_t)s->i;
        return weir_vec_append_fixed(out, &x);
    }
    case K_I32: {
        int32_t x = (int32_t)s->i;
        return weir_vec_append_fixed(out, &x);
    }
    case K_I64: return weir_vec_append_fixed(out, &s->i);
    case K_F32: {
        float x = (float)s->d;
        return weir_vec_append_fixed(out, &x);
    }
    case K_F64: return weir_vec_append_fixed(out, &s->d);
    case K_DEC: return weir_vec_append_fixed(out, &s->dec);
    case K_STR: return weir_vec_append_str(out, s->s.p, s->s.len);
    case K_NESTED: return weir_vec_append_range(out, s->nested, 0, 1);
    case K_NULL: break;
    }
    return WEIR_OK;
}

static int nomem(weir_agg_ctx *ctx)
{
    return weir_err_nomem(ctx->err);
}

/* ---- Spark's XxHash64Function (seed chaining over nested values) ----------------------- */

static inline uint64_t hash_int(int32_t x, uint64_t seed)
{
    return XXH64(&x, 4, seed); /* little-endian bytes: Spark's XXH64.hashInt */
}

static inline uint64_t hash_long(int64_t x, uint64_t seed)
{
    return XXH64(&x, 8, seed);
}

/* HLL normalizes -0.0 to 0.0 and every NaN to the canonical one before hashing;
 * floatToIntBits / doubleToLongBits canonicalize NaN as well. */
static inline uint64_t hash_float(float f, uint64_t seed)
{
    int32_t bits;
    if (isnan(f))
        bits = 0x7fc00000;
    else if (f == 0.0f)
        bits = 0;
    else
        memcpy(&bits, &f, 4);
    return hash_int(bits, seed);
}

static inline uint64_t hash_double(double d, uint64_t seed)
{
    int64_t bits;
    if (isnan(d))
        bits = INT64_C(0x7ff8000000000000);
    else if (d == 0.0)
        bits = 0;
    else
        memcpy(&bits, &d, 8);
    return hash_long(bits, seed);
}

/* Decimal: the unscaled long when precision <= 18, else the bytes of
 * BigInteger.toByteArray() (minimal big-endian two's complement). */
static uint64_t hash_decimal(__int128 x, int precision, uint64_t seed)
{
    if (precision <= 18) return hash_long((int64_t)x, seed);
    unsigned char be[16];
    unsigned __int128 u = (unsigned __int128)x;
    for (int k = 15; k >= 0; k--) {
        be[k] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
    int start = 0;
    while (start < 15 && ((be[start] == 0x00 && !(be[start + 1] & 0x80)) ||
                          (be[start] == 0xff && (be[start + 1] & 0x80))))
        start++;
    return XXH64(be + start, (size_t)(16 - start), seed);
}

static uint64_t spark_hash(const weir_vec *v, int32_t i, uint64_t seed)
{
    if (row_null(v, i)) return seed;
    switch (v->type->id) {
    case WEIR_T_BOOLEAN: return hash_int(((const uint8_t *)v->data)[i] ? 1 : 0, seed);
    case WEIR_T_TINYINT: return hash_int(((const int8_t *)v->data)[i], seed);
    case WEIR_T_SMALLINT: return hash_int(((const int16_t *)v->data)[i], seed);
    case WEIR_T_INT:
    case WEIR_T_DATE: return hash_int(((const int32_t *)v->data)[i], seed);
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: return hash_long(((const int64_t *)v->data)[i], seed);
    case WEIR_T_FLOAT: return hash_float(((const float *)v->data)[i], seed);
    case WEIR_T_DOUBLE: return hash_double(((const double *)v->data)[i], seed);
    case WEIR_T_DECIMAL: return hash_decimal(dec_at(v, i), v->type->precision, seed);
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t len;
        const char *p = weir_vec_str(v, i, &len);
        return XXH64(p, (size_t)len, seed);
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < v->nchild; c++)
            seed = spark_hash(v->child[c], i, seed);
        return seed;
    case WEIR_T_ARRAY:
        for (int32_t k = v->offsets[i]; k < v->offsets[i + 1]; k++)
            seed = spark_hash(v->child[0], k, seed);
        return seed;
    case WEIR_T_MAP:
        for (int32_t k = v->offsets[i]; k < v->offsets[i + 1]; k++) {
            seed = spark_hash(v->child[0], k, seed);
            seed = spark_hash(v->child[1], k, seed);
        }
        return seed;
    default: return seed;
    }
}

/* ---- bind helpers ------------------------------------------------------------------------ */

static agg_info *info_new(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    agg_info *ai = WEIR_ARENA_NEW(bc->arena, agg_info);
    if (!ai) {
        weir_err_nomem(err);
        return NULL;
    }
    e->bind_data = ai;
    return ai;
}

static int set_result(weir_expr *e, const weir_type *t, bool nullable)
{
    e->type = t;
    e->nullable = nullable;
    return WEIR_OK;
}

/* "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] ..." for argument idx (0-based). `required` is
 * Spark's rendering of the expected type(s), quotes included. */
static int input_type_error(weir_bind_ctx *bc, weir_expr *e, int idx, const char *required,
                            weir_error *err)
{
    char tbuf[256];
    const char *self = weir_expr_pretty(bc->arena, e);
    const char *arg = weir_expr_pretty(bc->arena, e->args[idx]);
    weir_type_sql(e->args[idx]->type, tbuf, sizeof tbuf);
    return weir_err_at(err, WEIR_EANALYSIS, e->line, e->pos,
                       "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to "
                       "data type mismatch: Parameter %d requires the %s type, however \"%s\" has "
                       "the type \"%s\".",
                       self ? self : e->fname, idx + 1, required, arg ? arg : "?", tbuf);
}

static bool type_has_map(const weir_type *t)
{
    if (t->id == WEIR_T_MAP) return true;
    if (t->id == WEIR_T_ARRAY) return type_has_map(t->elem);
    if (t->id == WEIR_T_STRUCT)
        for (int i = 0; i < t->nfields; i++)
            if (type_has_map(t->fields[i].type)) return true;
    return false;
}

static int check_orderable(weir_bind_ctx *bc, weir_expr *e, int idx, weir_error *err)
{
    const weir_type *t = e->args[idx]->type;
    if (!type_has_map(t)) return WEIR_OK;
    char tbuf[256];
    const char *self = weir_expr_pretty(bc->arena, e);
    weir_type_sql(t, tbuf, sizeof tbuf);
    return weir_err_at(err, WEIR_EANALYSIS, e->line, e->pos,
                       "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve \"%s\" due to "
                       "data type mismatch: The `%s` does not support ordering on type \"%s\".",
                       self ? self : e->fname, e->fname, tbuf);
}

/* Casts argument idx to t (an implicit cast, hidden in names). */
static int cast_arg(weir_bind_ctx *bc, weir_expr *e, int idx, const weir_type *t, weir_error *err)
{
    weir_expr *c = weir_expr_cast(bc->arena, e->args[idx], t);
    if (!c) return weir_err_nomem(err);
    e->args[idx] = c;
    return WEIR_OK;
}

/* An optional boolean literal argument (first/last ignoreNulls). */
static int bool_literal_arg(weir_expr *e, int idx, bool *out, weir_error *err)
{
    *out = false;
    if (e->nargs <= idx) return WEIR_OK;
    const weir_expr *a = e->args[idx];
    if (a->kind != WEIR_EX_LITERAL || a->type->id != WEIR_T_BOOLEAN || a->lit.is_null)
        return weir_err_at(err, WEIR_EANALYSIS, e->line, e->pos,
                           "The second argument in %s should be a boolean literal.", e->fname);
    *out = a->lit.u.i != 0;
    return WEIR_OK;
}

static void agg_init_noop(const weir_expr *e, void *state) {}

/* Pretty name showing only the first argument (Spark: the other arguments are parameters,
 * not children): first(x, true) -> "first(x)", approx_count_distinct(x, 0.1) -> ... */
static const char *pretty_first_arg(weir_arena *a, const weir_expr *e)
{
    const char *arg = e->nargs ? weir_expr_pretty(a, e->args[0]) : "";
    return weir_arena_sprintf(a, "%s(%s%s)", e->fname, e->distinct ? "DISTINCT " : "", arg);
}

/* ======================================================================================
 * count(*), count(expr, ...)
 * ====================================================================================== */

typedef struct count_state {
    int64_t n;
} count_state;

static int count_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return set_result(e, WEIR_TYPE_BIGINT, false);
}

static size_t count_size(const weir_expr *e)
{
    return ALIGN16(sizeof(count_state));
}

static int count_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                        int32_t n)
{
    bool any_bitmap = false;
    for (int a = 0; a < e->nargs; a++) {
        if (all_null(args[a])) return WEIR_OK;
        any_bitmap |= args[a]->valid != NULL;
    }
    if (!any_bitmap) {
        for (int32_t i = 0; i < n; i++)
            ((count_state *)states[i])->n++;
        return WEIR_OK;
    }
    if (e->nargs == 1) {
        const weir_vec *v = args[0];
        EACH_VALID(v, n, i, ((count_state *)states[i])->n++;);
        return WEIR_OK;
    }
    for (int32_t i = 0; i < n; i++) {
        bool ok = true;
        for (int a = 0; a < e->nargs && ok; a++)
            ok = !weir_vec_is_null(args[a], i);
        ((count_state *)states[i])->n += ok;
    }
    return WEIR_OK;
}

static int count_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    ((count_state *)dst)->n += ((const count_state *)src)->n;
    return WEIR_OK;
}

static int count_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n,
                       weir_vec *out)
{
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t i = 0; i < n; i++)
        if (weir_vec_append_fixed(out, &((count_state *)states[i])->n) != WEIR_OK)
            return nomem(ctx);
    return WEIR_OK;
}

static const char *count_pretty(weir_arena *a, const weir_expr *e)
{
    if (e->nargs == 0) return "count(1)";
    size_t cap = 64;
    for (int i = 0; i < e->nargs; i++) {
        const char *s = weir_expr_pretty(a, e->args[i]);
        cap += s ? strlen(s) + 2 : 2;
    }
    char *buf = weir_arena_alloc(a, cap);
    if (!buf) return NULL;
    size_t len = (size_t)snprintf(buf, cap, "%s(%s", e->fname, e->distinct ? "DISTINCT " : "");
    for (int i = 0; i < e->nargs; i++) {
        const char *s = weir_expr_pretty(a, e->args[i]);
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", s ? s : "");
    }
    snprintf(buf + len, cap - len, ")");
    return buf;
}

/* count_if(bool): rows where the argument is true. */
static int bool_arg_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    if (t->id == WEIR_T_STRING || t->id == WEIR_T_NULL) {
        if (cast_arg(bc, e, 0, WEIR_TYPE_BOOLEAN, err) != WEIR_OK) return err->code;
    } else if (t->id != WEIR_T_BOOLEAN) {
        return input_type_error(bc, e, 0, "\"BOOLEAN\"", err);
    }
    return WEIR_OK;
}

static int count_if_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = bool_arg_bind(bc, e, err);
    if (rc != WEIR_OK) return rc;
    return set_result(e, WEIR_TYPE_BIGINT, false);
}

static int count_if_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                           int32_t n)
{
    const weir_vec *v = args[0];
    if (all_null(v)) return WEIR_OK;
    const uint8_t *d = v->data;
    EACH_VALID(v, n, i, ((count_state *)states[i])->n += d[i] != 0;);
    return WEIR_OK;
}

/* ======================================================================================
 * sum, avg / mean
 * ====================================================================================== */

/* One state layout serves every input kind: integral sums use i, float sums d, decimal
 * sums dec, interval sums i; avg also counts. */
typedef struct sum_state {
    __int128 dec;
    int64_t i;
    double d;
    int64_t count;
    bool has;      /* a non-NULL input was seen */
    bool overflow; /* decimal sum no longer fits: NULL result (non-ANSI) */
} sum_state;

enum { SUM_LONG, SUM_DOUBLE, SUM_DEC, SUM_INTERVAL };

static __int128 pow10_128(int k)
{
    __int128 r = 1;
    while (k-- > 0)
        r *= 10;
    return r;
}

static int sum_kind(const agg_info *ai)
{
    switch (ai->kind) {
    case K_I8:
    case K_I16:
    case K_I32: return SUM_LONG;
    case K_I64: return ai->interval ? SUM_INTERVAL : SUM_LONG;
    case K_DEC: return SUM_DEC;
    default: return SUM_DOUBLE;
    }
}

static const char *const NUMERIC_OR_INTERVAL =
    "(\"NUMERIC\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\")";

/* Shared by sum and avg: coerces the argument (strings and NULL -> DOUBLE). */
static int sum_common_bind(weir_bind_ctx *bc, weir_expr *e, agg_info **out, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    switch (t->id) {
    case WEIR_T_STRING:
    case WEIR_T_NULL:
        if (cast_arg(bc, e, 0, WEIR_TYPE_DOUBLE, err) != WEIR_OK) return err->code;
        break;
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT:
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE:
    case WEIR_T_DECIMAL:
    case WEIR_T_INTERVAL: break;
    default: return input_type_error(bc, e, 0, NUMERIC_OR_INTERVAL, err);
    }
    agg_info *ai = info_new(bc, e, err);
    if (!ai) return WEIR_ENOMEM;
    t = e->args[0]->type;
    ai->kind = kind_of(t);
    ai->interval = t->id == WEIR_T_INTERVAL;
    ai->try_mode = !strncmp(e->fn->name, "try_", 4);
    *out = ai;
    return WEIR_OK;
}

static int sum_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    agg_info *ai = NULL;
    int rc = sum_common_bind(bc, e, &ai, err);
    if (rc != WEIR_OK) return rc;
    const weir_type *t = e->args[0]->type;
    switch (sum_kind(ai)) {
    case SUM_LONG: return set_result(e, WEIR_TYPE_BIGINT, true);
    case SUM_INTERVAL: return set_result(e, WEIR_TYPE_INTERVAL, true);
    case SUM_DEC: {
        ai->out_precision = t->precision + 10 > 38 ? 38 : t->precision + 10;
        ai->out_scale = t->scale;
        ai->sum_precision = ai->out_precision;
        const weir_type *rt = weir_type_decimal(bc->arena, ai->out_precision, ai->out_scale);
        if (!rt) return weir_err_nomem(err);
        return set_result(e, rt, true);
    }
    default: return set_result(e, WEIR_TYPE_DOUBLE, true);
    }
}

static int avg_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    agg_info *ai = NULL;
    int rc = sum_common_bind(bc, e, &ai, err);
    if (rc != WEIR_OK) return rc;
    const weir_type *t = e->args[0]->type;
    switch (sum_kind(ai)) {
    case SUM_INTERVAL: return set_result(e, WEIR_TYPE_INTERVAL, true);
    case SUM_DEC: {
        /* Spark: result DecimalType.bounded(p + 4, s + 4), sum DecimalType.bounded(p + 10, s) */
        ai->in_scale = t->scale;
        ai->out_precision = t->precision + 4 > 38 ? 38 : t->precision + 4;
        ai->out_scale = t->scale + 4 > 38 ? 38 : t->scale + 4;
        ai->sum_precision = t->precision + 10 > 38 ? 38 : t->precision + 10;
        const weir_type *rt = weir_type_decimal(bc->arena, ai->out_precision, ai->out_scale);
        if (!rt) return weir_err_nomem(err);
        return set_result(e, rt, true);
    }
    default: return set_result(e, WEIR_TYPE_DOUBLE, true);
    }
}

static size_t sum_size(const weir_expr *e)
{
    return ALIGN16(sizeof(sum_state));
}

static int long_overflow(weir_agg_ctx *ctx, const weir_expr *e)
{
    return weir_err_at(ctx->err, WEIR_ERUNTIME, e->line, e->pos,
                       "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow "
                       "and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to "
                       "\"false\" to bypass this error.");
}

static int dec_overflow(weir_agg_ctx *ctx, const weir_expr *e, int p, int s)
{
    return weir_err_at(ctx->err, WEIR_ERUNTIME, e->line, e->pos,
                       "[NUMERIC_VALUE_OUT_OF_RANGE] The value cannot be represented as "
                       "Decimal(%d, %d). If necessary set \"spark.sql.ansi.enabled\" to \"false\" "
                       "to bypass this error, and return NULL instead.",
                       p, s);
}

static inline void dec_add(sum_state *s, __int128 x, __int128 limit)
{
    if (s->overflow) return;
    if (__builtin_add_overflow(s->dec, x, &s->dec) || s->dec > limit || s->dec < -limit)
        s->overflow = true;
}

/* What an integral overflow does: wrap like a Java long (non-ANSI sum), fail (ANSI sum),
 * or make the result NULL (try_sum). */
enum { OV_WRAP, OV_ERROR, OV_NULL };

static int overflow_mode(const weir_agg_ctx *ctx, const agg_info *ai)
{
    if (ai->try_mode) return OV_NULL;
    return ctx->conf && ctx->conf->ansi ? OV_ERROR : OV_WRAP;
}

/* false: overflow in OV_ERROR mode. */
static inline bool add_long(sum_state *s, int64_t x, int mode)
{
    int64_t r;
    if (__builtin_add_overflow(s->i, x, &r)) {
        if (mode == OV_ERROR) return false;
        if (mode == OV_NULL) s->overflow = true;
        r = (int64_t)((uint64_t)s->i + (uint64_t)x);
    }
    s->i = r;
    return true;
}

static int interval_overflow(weir_agg_ctx *ctx, const weir_expr *e)
{
    return weir_err_at(ctx->err, WEIR_ERUNTIME, e->line, e->pos,
                       "[ARITHMETIC_OVERFLOW] long overflow.");
}

#define SUM_LONG_LOOP(CT)                                                                          \
    do {                                                                                           \
        const CT *d = (const CT *)v->data;                                                         \
        EACH_VALID(v, n, i, {                                                                      \
            sum_state *s = states[i];                                                              \
            s->has = true;                                                                         \
            s->count++;                                                                            \
            if (!add_long(s, (int64_t)d[i], mode)) return long_overflow(ctx, e);                   \
        });                                                                                        \
    } while (0)

#define SUM_DOUBLE_LOOP(CT)                                                                        \
    do {                                                                                           \
        const CT *d = (const CT *)v->data;                                                         \
        EACH_VALID(v, n, i, {                                                                      \
            sum_state *s = states[i];                                                              \
            s->has = true;                                                                         \
            s->count++;                                                                            \
            s->d += (double)d[i];                                                                  \
        });                                                                                        \
    } while (0)

/* avg(x) is sum(CAST(x AS DOUBLE)) / count for every non-decimal, non-interval input. */
static int sum_update_impl(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                           int32_t n, bool as_double)
{
    const agg_info *ai = e->bind_data;
    const weir_vec *v = args[0];
    if (all_null(v)) return WEIR_OK;
    int mode = overflow_mode(ctx, ai);
    int sk = sum_kind(ai);
    if (sk == SUM_LONG && as_double) sk = SUM_DOUBLE;
    switch (sk) {
    case SUM_LONG:
        switch (ai->kind) {
        case K_I8: SUM_LONG_LOOP(int8_t); break;
        case K_I16: SUM_LONG_LOOP(int16_t); break;
        case K_I32: SUM_LONG_LOOP(int32_t); break;
        default: SUM_LONG_LOOP(int64_t); break;
        }
        break;
    case SUM_INTERVAL: {
        const int64_t *d = v->data;
        EACH_VALID(v, n, i, {
            sum_state *s = states[i];
            s->has = true;
            s->count++;
            if (__builtin_add_overflow(s->i, d[i], &s->i)) {
                if (!ai->try_mode) return interval_overflow(ctx, e);
                s->overflow = true;
            }
        });
        break;
    }
    case SUM_DEC: {
        __int128 limit = pow10_128(ai->sum_precision) - 1;
        EACH_VALID(v, n, i, {
            sum_state *s = states[i];
            s->has = true;
            s->count++;
            dec_add(s, dec_at(v, i), limit);
        });
        break;
    }
    default:
        switch (ai->kind) {
        case K_I8: SUM_DOUBLE_LOOP(int8_t); break;
        case K_I16: SUM_DOUBLE_LOOP(int16_t); break;
        case K_I32: SUM_DOUBLE_LOOP(int32_t); break;
        case K_I64: SUM_DOUBLE_LOOP(int64_t); break;
        case K_F32: SUM_DOUBLE_LOOP(float); break;
        default: SUM_DOUBLE_LOOP(double); break;
        }
        break;
    }
    return WEIR_OK;
}

static int sum_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                      int32_t n)
{
    return sum_update_impl(ctx, e, states, args, n, false);
}

static int avg_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                      int32_t n)
{
    return sum_update_impl(ctx, e, states, args, n, true);
}

static int sum_merge_impl(weir_agg_ctx *ctx, const weir_expr *e, void *dst_, const void *src_,
                          bool as_double)
{
    const agg_info *ai = e->bind_data;
    sum_state *d = dst_;
    const sum_state *s = src_;
    if (!s->has) return WEIR_OK;
    int sk = sum_kind(ai);
    if (sk == SUM_LONG && as_double) sk = SUM_DOUBLE;
    switch (sk) {
    case SUM_LONG:
        if (!add_long(d, s->i, overflow_mode(ctx, ai))) return long_overflow(ctx, e);
        d->overflow |= s->overflow;
        break;
    case SUM_INTERVAL:
        if (__builtin_add_overflow(d->i, s->i, &d->i)) {
            if (!ai->try_mode) return interval_overflow(ctx, e);
            d->overflow = true;
        }
        d->overflow |= s->overflow;
        break;
    case SUM_DEC:
        if (s->overflow)
            d->overflow = true;
        else
            dec_add(d, s->dec, pow10_128(ai->sum_precision) - 1);
        break;
    default: d->d += s->d; break;
    }
    d->has = true;
    d->count += s->count;
    return WEIR_OK;
}

static int sum_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    return sum_merge_impl(ctx, e, dst, src, false);
}

static int avg_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    return sum_merge_impl(ctx, e, dst, src, true);
}

static int sum_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n, weir_vec *out)
{
    const agg_info *ai = e->bind_data;
    int sk = sum_kind(ai);
    bool ansi = ctx->conf && ctx->conf->ansi && !ai->try_mode;
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t k = 0; k < n; k++) {
        const sum_state *s = states[k];
        int rc;
        if (!s->has || (s->overflow && sk != SUM_DEC)) {
            rc = weir_vec_append_null(out);
        } else if (sk == SUM_DEC) {
            if (s->overflow) {
                if (ansi) return dec_overflow(ctx, e, ai->out_precision, ai->out_scale);
                rc = weir_vec_append_null(out);
            } else {
                rc = weir_vec_append_fixed(out, &s->dec);
            }
        } else if (sk == SUM_DOUBLE) {
            rc = weir_vec_append_fixed(out, &s->d);
        } else {
            rc = weir_vec_append_fixed(out, &s->i);
        }
        if (rc != WEIR_OK) return nomem(ctx);
    }
    return WEIR_OK;
}

/* Rounds num/den half away from zero (Java's RoundingMode.HALF_UP); den > 0. */
static int64_t div_half_up(int64_t num, int64_t den)
{
    int64_t q = num / den, r = num % den;
    if (r < 0) r = -r;
    if ((unsigned __int128)r * 2 >= (unsigned __int128)den) q += num < 0 ? -1 : 1;
    return q;
}

/* avg of a decimal: sum (scale s) / count rounded HALF_UP to the result scale, as Spark's
 * Decimal division (first to scale 38, then to the result scale). false on overflow. */
static bool dec_avg(__int128 sum, int64_t count, int in_scale, int out_scale, int out_precision,
                    __int128 *out)
{
    bool neg = sum < 0;
    unsigned __int128 a = neg ? (unsigned __int128)(-sum) : (unsigned __int128)sum;
    int shift = out_scale - in_scale; /* 0..4 */
    unsigned __int128 c = (unsigned __int128)count;
    unsigned __int128 q = a / c, r = a % c;
    unsigned __int128 lim = (unsigned __int128)pow10_128(out_precision);
    for (int k = 0; k < shift; k++) {
        if (q > lim / 10) return false; /* q * 10 would exceed the precision (and 128 bits) */
        r *= 10;
        q = q * 10 + r / c;
        r %= c;
    }
    /* remainder fraction f = r / c of one result unit; Spark rounds to 38 - out_scale more
     * digits first, which only differs from a single rounding when 2r < c but rounding f to
     * d = 38 - out_scale digits already gives one half. */
    bool up = 2 * r >= c;
    int d = 38 - out_scale;
    if (!up && d >= 1 && d <= 18) {
        unsigned __int128 p = (unsigned __int128)pow10_128(d);
        up = 2 * r * p >= (p - 1) * c;
    }
    if (up) q++;
    if (q >= lim) return false;
    *out = neg ? -(__int128)q : (__int128)q;
    return true;
}

static int avg_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n, weir_vec *out)
{
    const agg_info *ai = e->bind_data;
    int sk = sum_kind(ai);
    bool ansi = ctx->conf && ctx->conf->ansi && !ai->try_mode;
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t k = 0; k < n; k++) {
        const sum_state *s = states[k];
        int rc;
        if (s->count == 0 || (s->overflow && sk == SUM_INTERVAL)) {
            rc = weir_vec_append_null(out);
        } else if (sk == SUM_DEC) {
            __int128 r;
            if (!s->overflow &&
                dec_avg(s->dec, s->count, ai->in_scale, ai->out_scale, ai->out_precision, &r)) {
                rc = weir_vec_append_fixed(out, &r);
            } else {
                if (ansi) return dec_overflow(ctx, e, ai->out_precision, ai->out_scale);
                rc = weir_vec_append_null(out);
            }
        } else if (sk == SUM_INTERVAL) {
            int64_t r = div_half_up(s->i, s->count);
            rc = weir_vec_append_fixed(out, &r);
        } else {
            double r = s->d / (double)s->count;
            rc = weir_vec_append_fixed(out, &r);
        }
        if (rc != WEIR_OK) return nomem(ctx);
    }
    return WEIR_OK;
}

/* ======================================================================================
 * min, max (and bool_and / bool_or, which Spark rewrites to min / max of booleans)
 * ====================================================================================== */

typedef struct minmax_state {
    slot v;
    bool has;
} minmax_state;

static int minmax_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = check_orderable(bc, e, 0, err);
    if (rc != WEIR_OK) return rc;
    agg_info *ai = info_new(bc, e, err);
    if (!ai) return WEIR_ENOMEM;
    ai->kind = kind_of(e->args[0]->type);
    return set_result(e, e->args[0]->type, true);
}

static int bool_agg_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = bool_arg_bind(bc, e, err);
    if (rc != WEIR_OK) return rc;
    agg_info *ai = info_new(bc, e, err);
    if (!ai) return WEIR_ENOMEM;
    ai->kind = K_BOOL;
    return set_result(e, WEIR_TYPE_BOOLEAN, true);
}

static size_t minmax_size(const weir_expr *e)
{
    return ALIGN16(sizeof(minmax_state));
}

/* Keeps the first of equal values, as Spark's greatest/least. */
#define MINMAX_LOOP(CT, FIELD, CMP)                                                                \
    do {                                                                                           \
        const CT *d = (const CT *)v->data;                                                         \
        EACH_VALID(v, n, i, {                                                                      \
            minmax_state *s = states[i];                                                           \
            CT x = d[i];                                                                           \
            if (!s->has) {                                                                         \
                s->v.FIELD = x;                                                                    \
                s->has = true;                                                                     \
            } else {                                                                               \
                int c = CMP(x, s->v.FIELD);                                                        \
                if (is_max ? c > 0 : c < 0) s->v.FIELD = x;                                        \
            }                                                                                      \
        });                                                                                        \
    } while (0)

static int minmax_update_impl(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                              int32_t n, bool is_max)
{
    const agg_info *ai = e->bind_data;
    const weir_vec *v = args[0];
    if (all_null(v)) return WEIR_OK;
    switch (ai->kind) {
    case K_BOOL: MINMAX_LOOP(uint8_t, i, CMP3); break;
    case K_I8: MINMAX_LOOP(int8_t, i, CMP3); break;
    case K_I16: MINMAX_LOOP(int16_t, i, CMP3); break;
    case K_I32: MINMAX_LOOP(int32_t, i, CMP3); break;
    case K_I64: MINMAX_LOOP(int64_t, i, CMP3); break;
    case K_F32: MINMAX_LOOP(float, d, cmp_double); break;
    case K_F64: MINMAX_LOOP(double, d, cmp_double); break;
    case K_NULL: break;
    default: {
        /* decimals, strings, nested values */
        vkind k = ai->kind;
        EACH_VALID(v, n, i, {
            minmax_state *s = states[i];
            bool take = !s->has;
            if (!take) {
                int c = slot_cmp_row(k, v, i, &s->v);
                take = is_max ? c > 0 : c < 0;
            }
            if (take) {
                if (slot_set(ctx->arena, k, &s->v, v, i) != WEIR_OK) return nomem(ctx);
                s->has = true;
            }
        });
        break;
    }
    }
    return WEIR_OK;
}

static int max_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                      int32_t n)
{
    return minmax_update_impl(ctx, e, states, args, n, true);
}

static int min_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                      int32_t n)
{
    return minmax_update_impl(ctx, e, states, args, n, false);
}

static int minmax_merge_impl(weir_agg_ctx *ctx, const weir_expr *e, void *dst_, const void *src_,
                             bool is_max)
{
    const agg_info *ai = e->bind_data;
    minmax_state *d = dst_;
    const minmax_state *s = src_;
    if (!s->has) return WEIR_OK;
    bool take = !d->has;
    if (!take) {
        int c = slot_cmp(ai->kind, &s->v, &d->v);
        take = is_max ? c > 0 : c < 0;
    }
    if (take) {
        if (slot_copy(ctx->arena, ai->kind, &d->v, &s->v) != WEIR_OK) return nomem(ctx);
        d->has = true;
    }
    return WEIR_OK;
}

static int max_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    return minmax_merge_impl(ctx, e, dst, src, true);
}

static int min_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    return minmax_merge_impl(ctx, e, dst, src, false);
}

static int minmax_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n,
                        weir_vec *out)
{
    const agg_info *ai = e->bind_data;
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t k = 0; k < n; k++) {
        const minmax_state *s = states[k];
        if (slot_emit(out, ai->kind, &s->v, !s->has) != WEIR_OK) return nomem(ctx);
    }
    return WEIR_OK;
}

/* ======================================================================================
 * Central moments: stddev/std/stddev_samp, stddev_pop, variance/var_samp, var_pop,
 * skewness, kurtosis (Spark's CentralMomentAgg, expression by expression)
 * ====================================================================================== */

typedef struct moment_state {
    double n, avg, m2, m3, m4;
} moment_state;

enum { MO_STDDEV_SAMP, MO_STDDEV_POP, MO_VAR_SAMP, MO_VAR_POP, MO_SKEWNESS, MO_KURTOSIS };

static int moment_which(const weir_expr *e)
{
    const char *f = e->fn->name;
    if (!strcmp(f, "stddev_pop")) return MO_STDDEV_POP;
    if (!strcmp(f, "var_pop")) return MO_VAR_POP;
    if (!strcmp(f, "variance") || !strcmp(f, "var_samp")) return MO_VAR_SAMP;
    if (!strcmp(f, "skewness")) return MO_SKEWNESS;
    if (!strcmp(f, "kurtosis")) return MO_KURTOSIS;
    return MO_STDDEV_SAMP;
}

/* Implicit cast of numbers, strings and NULL to DOUBLE; anything else is Spark's error. */
static int double_arg_bind(weir_bind_ctx *bc, weir_expr *e, int idx, weir_error *err)
{
    const weir_type *t = e->args[idx]->type;
    if (t->id == WEIR_T_DOUBLE) return WEIR_OK;
    if (weir_type_is_numeric(t) || t->id == WEIR_T_STRING || t->id == WEIR_T_NULL)
        return cast_arg(bc, e, idx, WEIR_TYPE_DOUBLE, err);
    return input_type_error(bc, e, idx, "\"DOUBLE\"", err);
}

static int moment_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = double_arg_bind(bc, e, 0, err);
    if (rc != WEIR_OK) return rc;
    agg_info *ai = info_new(bc, e, err);
    if (!ai) return WEIR_ENOMEM;
    int w = moment_which(e);
    ai->moment = w == MO_SKEWNESS ? 3 : w == MO_KURTOSIS ? 4 : 2;
    return set_result(e, WEIR_TYPE_DOUBLE, true);
}

static size_t moment_size(const weir_expr *e)
{
    return ALIGN16(sizeof(moment_state));
}

static int moment_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                         int32_t n)
{
    const agg_info *ai = e->bind_data;
    const weir_vec *v = args[0];
    if (all_null(v)) return WEIR_OK;
    const double *x = v->data;
    int order = ai->moment;
    EACH_VALID(v, n, i, {
        moment_state *s = states[i];
        double newN = s->n + 1.0;
        double delta = x[i] - s->avg;
        double deltaN = delta / newN;
        double newM2 = s->m2 + delta * (delta - deltaN);
        if (order >= 3) {
            double delta2 = delta * delta;
            double deltaN2 = deltaN * deltaN;
            double newM3 = s->m3 - 3.0 * deltaN * newM2 + delta * (delta2 - deltaN2);
            if (order >= 4)
                s->m4 = s->m4 - 4.0 * deltaN * newM3 - 6.0 * deltaN2 * newM2 +
                        delta * (delta * delta2 - deltaN * deltaN2);
            s->m3 = newM3;
        }
        s->n = newN;
        s->avg = s->avg + deltaN;
        s->m2 = newM2;
    });
    return WEIR_OK;
}

static int moment_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    const agg_info *ai = e->bind_data;
    moment_state *l = dst;
    const moment_state *r = src;
    double n1 = l->n, n2 = r->n;
    double newN = n1 + n2;
    double delta = r->avg - l->avg;
    double deltaN = newN == 0.0 ? 0.0 : delta / newN;
    double newAvg = l->avg + deltaN * n2;
    double newM2 = l->m2 + r->m2 + delta * deltaN * n1 * n2;
    double newM3 = 0.0, newM4 = 0.0;
    if (ai->moment >= 3)
        newM3 = l->m3 + r->m3 + deltaN * deltaN * delta * n1 * n2 * (n1 - n2) +
                3.0 * deltaN * (n1 * r->m2 - n2 * l->m2);
    if (ai->moment >= 4)
        newM4 = l->m4 + r->m4 +
                deltaN * deltaN * deltaN * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2) +
                6.0 * deltaN * deltaN * (n1 * n1 * r->m2 + n2 * n2 * l->m2) +
                4.0 * deltaN * (n1 * r->m3 - n2 * l->m3);
    l->n = newN;
    l->avg = newAvg;
    l->m2 = newM2;
    l->m3 = newM3;
    l->m4 = newM4;
    return WEIR_OK;
}

/* spark.sql.legacy.statisticalAggregate = false (the default): a division by zero (n = 1
 * for the sample statistics, m2 = 0 for skewness/kurtosis) gives NULL, not NaN. */
static int moment_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n,
                        weir_vec *out)
{
    int w = moment_which(e);
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t k = 0; k < n; k++) {
        const moment_state *s = states[k];
        double r = 0;
        bool null = s->n == 0.0;
        if (!null) {
            switch (w) {
            case MO_STDDEV_POP: r = sqrt(s->m2 / s->n); break;
            case MO_VAR_POP: r = s->m2 / s->n; break;
            case MO_STDDEV_SAMP:
                if (s->n == 1.0)
                    null = true;
                else
                    r = sqrt(s->m2 / (s->n - 1.0));
                break;
            case MO_VAR_SAMP:
                if (s->n == 1.0)
                    null = true;
                else
                    r = s->m2 / (s->n - 1.0);
                break;
            case MO_SKEWNESS:
                if (s->m2 == 0.0)
                    null = true;
                else
                    r = sqrt(s->n) * s->m3 / sqrt(s->m2 * s->m2 * s->m2);
                break;
            default:
                if (s->m2 == 0.0)
                    null = true;
                else
                    r = s->n * s->m4 / (s->m2 * s->m2) - 3.0;
                break;
            }
        }
        int rc = null ? weir_vec_append_null(out) : weir_vec_append_fixed(out, &r);
        if (rc != WEIR_OK) return nomem(ctx);
    }
    return WEIR_OK;
}

/* ======================================================================================
 * first / first_value / any_value, last / last_value
 * ====================================================================================== */

typedef struct firstlast_state {
    slot v;
    bool set;     /* valueSet */
    bool is_null; /* the kept value is NULL */
} firstlast_state;

static int firstlast_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    agg_info *ai = info_new(bc, e, err);
    if (!ai) return WEIR_ENOMEM;
    int rc = bool_literal_arg(e, 1, &ai->ignore_nulls, err);
    if (rc != WEIR_OK) return rc;
    ai->kind = kind_of(e->args[0]->type);
    return set_result(e, e->args[0]->type, true);
}

static size_t firstlast_size(const weir_expr *e)
{
    return ALIGN16(sizeof(firstlast_state));
}

static int first_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                        int32_t n)
{
    const agg_info *ai = e->bind_data;
    const weir_vec *v = args[0];
    vkind k = ai->kind;
    if (ai->ignore_nulls) {
        if (all_null(v)) return WEIR_OK;
        EACH_VALID(v, n, i, {
            firstlast_state *s = states[i];
            if (!s->set) {
                if (slot_set(ctx->arena, k, &s->v, v, i) != WEIR_OK) return nomem(ctx);
                s->set = true;
            }
        });
        return WEIR_OK;
    }
    for (int32_t i = 0; i < n; i++) {
        firstlast_state *s = states[i];
        if (s->set) continue;
        s->set = true;
        s->is_null = row_null(v, i);
        if (!s->is_null && slot_set(ctx->arena, k, &s->v, v, i) != WEIR_OK) return nomem(ctx);
    }
    return WEIR_OK;
}

static int last_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                       int32_t n)
{
    const agg_info *ai = e->bind_data;
    const weir_vec *v = args[0];
    vkind k = ai->kind;
    if (ai->ignore_nulls) {
        if (all_null(v)) return WEIR_OK;
        EACH_VALID(v, n, i, {
            firstlast_state *s = states[i];
            if (slot_set(ctx->arena, k, &s->v, v, i) != WEIR_OK) return nomem(ctx);
            s->set = true;
        });
        return WEIR_OK;
    }
    for (int32_t i = 0; i < n; i++) {
        firstlast_state *s = states[i];
        s->set = true;
        s->is_null = row_null(v, i);
        if (!s->is_null && slot_set(ctx->arena, k, &s->v, v, i) != WEIR_OK) return nomem(ctx);
    }
    return WEIR_OK;
}

static int fl_take(weir_agg_ctx *ctx, vkind k, firstlast_state *d, const firstlast_state *s)
{
    d->set = true;
    d->is_null = s->is_null;
    if (!s->is_null && slot_copy(ctx->arena, k, &d->v, &s->v) != WEIR_OK) return nomem(ctx);
    return WEIR_OK;
}

/* first: keep dst (the earlier partial) once set; last: the later partial wins once set. */
static int first_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    const agg_info *ai = e->bind_data;
    firstlast_state *d = dst;
    const firstlast_state *s = src;
    if (d->set || !s->set) return WEIR_OK;
    return fl_take(ctx, ai->kind, d, s);
}

static int last_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    const agg_info *ai = e->bind_data;
    firstlast_state *d = dst;
    const firstlast_state *s = src;
    if (!s->set) return WEIR_OK;
    return fl_take(ctx, ai->kind, d, s);
}

static int firstlast_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n,
                           weir_vec *out)
{
    const agg_info *ai = e->bind_data;
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t k = 0; k < n; k++) {
        const firstlast_state *s = states[k];
        if (slot_emit(out, ai->kind, &s->v, !s->set || s->is_null) != WEIR_OK) return nomem(ctx);
    }
    return WEIR_OK;
}

/* ======================================================================================
 * max_by(x, y), min_by(x, y)
 * ====================================================================================== */

typedef struct by_state {
    slot val;
    slot ord;
    bool has_ord;  /* extremumOrdering is not NULL */
    bool val_null; /* valueWithExtremumOrdering is NULL */
} by_state;

static int by_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = check_orderable(bc, e, 1, err);
    if (rc != WEIR_OK) return rc;
    agg_info *ai = info_new(bc, e, err);
    if (!ai) return WEIR_ENOMEM;
    ai->kind = kind_of(e->args[0]->type);
    ai->kind2 = kind_of(e->args[1]->type);
    return set_result(e, e->args[0]->type, true);
}

static size_t by_size(const weir_expr *e)
{
    return ALIGN16(sizeof(by_state));
}

/* Spark: the value is replaced unless old ordering > new (max_by) / old < new (min_by), so
 * among equal orderings the last row wins. Rows with a NULL ordering are skipped. */
static int by_update_impl(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                          int32_t n, bool is_max)
{
    const agg_info *ai = e->bind_data;
    const weir_vec *x = args[0], *y = args[1];
    if (all_null(y)) return WEIR_OK;
    EACH_VALID(y, n, i, {
        by_state *s = states[i];
        bool take = !s->has_ord;
        if (!take) {
            int c = slot_cmp_row(ai->kind2, y, i, &s->ord); /* new vs old */
            take = is_max ? c >= 0 : c <= 0;
        }
        if (take) {
            if (slot_set(ctx->arena, ai->kind2, &s->ord, y, i) != WEIR_OK) return nomem(ctx);
            s->has_ord = true;
            s->val_null = row_null(x, i);
            if (!s->val_null && slot_set(ctx->arena, ai->kind, &s->val, x, i) != WEIR_OK)
                return nomem(ctx);
        }
    });
    return WEIR_OK;
}

static int max_by_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                         int32_t n)
{
    return by_update_impl(ctx, e, states, args, n, true);
}

static int min_by_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                         int32_t n)
{
    return by_update_impl(ctx, e, states, args, n, false);
}

static int by_merge_impl(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src,
                         bool is_max)
{
    const agg_info *ai = e->bind_data;
    by_state *d = dst;
    const by_state *s = src;
    if (!s->has_ord) return WEIR_OK;
    bool take = !d->has_ord;
    if (!take) {
        int c = slot_cmp(ai->kind2, &s->ord, &d->ord);
        take = is_max ? c >= 0 : c <= 0;
    }
    if (!take) return WEIR_OK;
    if (slot_copy(ctx->arena, ai->kind2, &d->ord, &s->ord) != WEIR_OK) return nomem(ctx);
    d->has_ord = true;
    d->val_null = s->val_null;
    if (!s->val_null && slot_copy(ctx->arena, ai->kind, &d->val, &s->val) != WEIR_OK)
        return nomem(ctx);
    return WEIR_OK;
}

static int max_by_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    return by_merge_impl(ctx, e, dst, src, true);
}

static int min_by_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    return by_merge_impl(ctx, e, dst, src, false);
}

static int by_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n, weir_vec *out)
{
    const agg_info *ai = e->bind_data;
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t k = 0; k < n; k++) {
        const by_state *s = states[k];
        if (slot_emit(out, ai->kind, &s->val, !s->has_ord || s->val_null) != WEIR_OK)
            return nomem(ctx);
    }
    return WEIR_OK;
}

/* ======================================================================================
 * collect_list / array_agg, collect_set
 * ====================================================================================== */

typedef struct collect_state {
    weir_vec *vals;   /* elements in arrival order (state arena), NULL until the first one */
    int32_t *slots;   /* collect_set: open-addressing table of 1 + index into vals, 0 = empty */
    uint64_t *hashes; /* collect_set: hash of each element of vals */
    int32_t nslots;
} collect_state;

static int collect_list_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = weir_type_array(bc->arena, e->args[0]->type);
    if (!t) return weir_err_nomem(err);
    return set_result(e, t, false);
}

static int collect_set_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (type_has_map(e->args[0]->type)) {
        const char *self = weir_expr_pretty(bc->arena, e);
        return weir_err_at(err, WEIR_EANALYSIS, e->line, e->pos,
                           "[DATATYPE_MISMATCH.UNSUPPORTED_INPUT_TYPE] Cannot resolve \"%s\" due "
                           "to data type mismatch: The input of `collect_set` can't be \"MAP\" "
                           "type data.",
                           self ? self : e->fname);
    }
    return collect_list_bind(bc, e, err);
}

static size_t collect_size(const weir_expr *e)
{
    return ALIGN16(sizeof(collect_state));
}

static int collect_vals(weir_agg_ctx *ctx, collect_state *s, const weir_type *t)
{
    if (s->vals) return WEIR_OK;
    s->vals = weir_vec_new(ctx->arena, t, 4);
    return s->vals ? WEIR_OK : WEIR_ENOMEM;
}

static int collect_list_update(weir_agg_ctx *ctx, const weir_expr *e, void **states,
                               weir_vec **args, int32_t n)
{
    const weir_vec *v = args[0];
    if (all_null(v)) return WEIR_OK;
    EACH_VALID(v, n, i, {
        collect_state *s = states[i];
        if (collect_vals(ctx, s, v->type) != WEIR_OK ||
            weir_vec_append_range(s->vals, v, i, 1) != WEIR_OK)
            return nomem(ctx);
    });
    return WEIR_OK;
}

/* Set membership is value equality as Java's equals on Spark's values: floats/doubles by
 * their (NaN-canonical) bits, so NaN = NaN and -0.0 != 0.0; strings and binary by bytes. */
static bool set_equal(const weir_vec *a, int32_t i, const weir_vec *b, int32_t j)
{
    switch (a->type->id) {
    case WEIR_T_FLOAT: {
        float x = ((const float *)a->data)[i], y = ((const float *)b->data)[j];
        return (isnan(x) && isnan(y)) || (x == y && signbit(x) == signbit(y));
    }
    case WEIR_T_DOUBLE: {
        double x = ((const double *)a->data)[i], y = ((const double *)b->data)[j];
        return (isnan(x) && isnan(y)) || (x == y && signbit(x) == signbit(y));
    }
    default: return cmp_rows(a, i, b, j) == 0;
    }
}

static uint64_t set_hash(const weir_vec *v, int32_t i)
{
    uint64_t h = spark_hash(v, i, 42);
    if (v->type->id == WEIR_T_FLOAT || v->type->id == WEIR_T_DOUBLE) {
        double d = v->type->id == WEIR_T_FLOAT ? ((const float *)v->data)[i]
                                               : ((const double *)v->data)[i];
        h ^= signbit(d) ? 0x9e3779b97f4a7c15ULL : 0; /* keep -0.0 apart from 0.0 */
    }
    return h;
}

static int set_grow(weir_agg_ctx *ctx, collect_state *s)
{
    int32_t ns = s->nslots ? s->nslots * 2 : 8;
    int32_t *slots = WEIR_ARENA_NEWN(ctx->arena, int32_t, ns);
    if (!slots) return WEIR_ENOMEM;
    for (int32_t k = 0; k < s->vals->len; k++) {
        uint32_t pos = (uint32_t)s->hashes[k] & (uint32_t)(ns - 1);
        while (slots[pos])
            pos = (pos + 1) & (uint32_t)(ns - 1);
        slots[pos] = k + 1;
    }
    s->slots = slots;
    s->nslots = ns;
    return WEIR_OK;
}

/* Adds row i of v to the set unless an equal element is there. */
static int set_add(weir_agg_ctx *ctx, collect_state *s, const weir_vec *v, int32_t i)
{
    if (collect_vals(ctx, s, v->type) != WEIR_OK) return WEIR_ENOMEM;
    uint64_t h = set_hash(v, i);
    int32_t len = s->vals->len;
    if ((len + 1) * 2 > s->nslots && set_grow(ctx, s) != WEIR_OK) return WEIR_ENOMEM;
    uint32_t mask = (uint32_t)(s->nslots - 1), pos = (uint32_t)h & mask;
    for (; s->slots[pos]; pos = (pos + 1) & mask) {
        int32_t k = s->slots[pos] - 1;
        if (s->hashes[k] == h && set_equal(s->vals, k, v, i)) return WEIR_OK;
    }
    /* hashes grows alongside vals (capacity doubling in the state arena) */
    if ((len & (len - 1)) == 0) {
        size_t oldn = len ? (size_t)len : 0, newn = len ? (size_t)len * 2 : 1;
        uint64_t *nh = weir_arena_realloc(ctx->arena, s->hashes, oldn * sizeof(uint64_t),
                                          newn * sizeof(uint64_t));
        if (!nh) return WEIR_ENOMEM;
        s->hashes = nh;
    }
    if (weir_vec_append_range(s->vals, v, i, 1) != WEIR_OK) return WEIR_ENOMEM;
    s->hashes[len] = h;
    s->slots[pos] = len + 1;
    return WEIR_OK;
}

static int collect_set_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                              int32_t n)
{
    const weir_vec *v = args[0];
    if (all_null(v)) return WEIR_OK;
    EACH_VALID(v, n, i, {
        if (set_add(ctx, states[i], v, i) != WEIR_OK) return nomem(ctx);
    });
    return WEIR_OK;
}

static int collect_list_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    collect_state *d = dst;
    const collect_state *s = src;
    if (!s->vals || s->vals->len == 0) return WEIR_OK;
    if (collect_vals(ctx, d, s->vals->type) != WEIR_OK ||
        weir_vec_append_range(d->vals, s->vals, 0, s->vals->len) != WEIR_OK)
        return nomem(ctx);
    return WEIR_OK;
}

static int collect_set_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    const collect_state *s = src;
    if (!s->vals) return WEIR_OK;
    for (int32_t k = 0; k < s->vals->len; k++)
        if (set_add(ctx, dst, s->vals, k) != WEIR_OK) return nomem(ctx);
    return WEIR_OK;
}

static int collect_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n,
                         weir_vec *out)
{
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t k = 0; k < n; k++) {
        const collect_state *s = states[k];
        int32_t cnt = s->vals ? s->vals->len : 0;
        if (cnt && weir_vec_append_range(out->child[0], s->vals, 0, cnt) != WEIR_OK)
            return nomem(ctx);
        out->offsets[out->len + 1] = out->offsets[out->len] + cnt;
        out->len++;
    }
    return WEIR_OK;
}

/* ======================================================================================
 * approx_count_distinct(x[, relativeSD]) — Spark's HyperLogLogPlusPlus
 * ====================================================================================== */

#define HLL_REG_BITS      6
#define HLL_REGS_PER_WORD 10
#define HLL_REG_MASK      UINT64_C(63)

/* Linear counting is used up to these estimates, by precision p = 4..18 (Spark's table). */
static const double hll_thresholds[] = {10,   20,   40,    80,    220,   400,    900,   1800,
                                        3100, 6500, 15500, 20000, 50000, 120000, 350000};

static int hll_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    agg_info *ai = info_new(bc, e, err);
    if (!ai) return WEIR_ENOMEM;
    double rsd = 0.05;
    if (e->nargs > 1) {
        const weir_expr *a = e->args[1];
        bool ok = a->kind == WEIR_EX_LITERAL && !a->lit.is_null;
        if (ok && (a->type->id == WEIR_T_DOUBLE || a->type->id == WEIR_T_FLOAT)) {
            rsd = a->lit.u.d;
        } else if (ok && a->type->id == WEIR_T_DECIMAL) {
            rsd = (double)a->lit.u.dec / (double)pow10_128(a->type->scale);
        } else {
            return weir_err_at(err, WEIR_EANALYSIS, e->line, e->pos,
                               "The second argument in approx_count_distinct should be a double "
                               "literal.");
        }
    }
    double pd = ceil(2.0 * log(1.106 / rsd) / log(2.0));
    if (!(pd >= 4))
        return weir_err_at(err, WEIR_EANALYSIS, e->line, e->pos,
                           "requirement failed: HLL++ requires at least 4 bits for addressing. "
                           "Use a lower error, at most 39%%.");
    if (pd > 30)
        return weir_err_at(err, WEIR_EUNSUPPORTED, e->line, e->pos,
                           "approx_count_distinct: relativeSD %g needs too many registers", rsd);
    ai->hll_p = (int)pd;
    ai->hll_words = (1 << ai->hll_p) / HLL_REGS_PER_WORD + 1;
    ai->kind = kind_of(e->args[0]->type);
    return set_result(e, WEIR_TYPE_BIGINT, false);
}

static size_t hll_size(const weir_expr *e)
{
    const agg_info *ai = e->bind_data;
    return ALIGN16(sizeof(uint64_t) * (size_t)ai->hll_words);
}

static inline void hll_add(uint64_t *words, int p, uint64_t x)
{
    uint32_t idx = (uint32_t)(x >> (64 - p));
    uint64_t w = (x << p) | (UINT64_C(1) << (p - 1));
    uint64_t pw = (uint64_t)__builtin_clzll(w) + 1;
    uint32_t wi = idx / HLL_REGS_PER_WORD;
    int shift = HLL_REG_BITS * (int)(idx - wi * HLL_REGS_PER_WORD);
    uint64_t mask = HLL_REG_MASK << shift;
    uint64_t word = words[wi];
    if (pw > ((word & mask) >> shift)) words[wi] = (word & ~mask) | (pw << shift);
}

static int hll_update(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                      int32_t n)
{
    const agg_info *ai = e->bind_data;
    const weir_vec *v = args[0];
    int p = ai->hll_p;
    if (all_null(v)) return WEIR_OK;
    switch (v->type->id) {
    case WEIR_T_INT:
    case WEIR_T_DATE: {
        const int32_t *d = v->data;
        EACH_VALID(v, n, i, hll_add(states[i], p, hash_int(d[i], 42)););
        break;
    }
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: {
        const int64_t *d = v->data;
        EACH_VALID(v, n, i, hll_add(states[i], p, hash_long(d[i], 42)););
        break;
    }
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        const char *b = v->data;
        const int32_t *off = v->offsets;
        EACH_VALID(v, n, i,
                   hll_add(states[i], p, XXH64(b + off[i], (size_t)(off[i + 1] - off[i]), 42)););
        break;
    }
    default: EACH_VALID(v, n, i, hll_add(states[i], p, spark_hash(v, i, 42));); break;
    }
    return WEIR_OK;
}

static int hll_merge(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src)
{
    const agg_info *ai = e->bind_data;
    uint64_t *d = dst;
    const uint64_t *s = src;
    for (int w = 0; w < ai->hll_words; w++) {
        uint64_t out = 0, mask = HLL_REG_MASK;
        for (int r = 0; r < HLL_REGS_PER_WORD; r++, mask <<= HLL_REG_BITS) {
            uint64_t a = d[w] & mask, b = s[w] & mask;
            out |= a > b ? a : b;
        }
        d[w] = out;
    }
    return WEIR_OK;
}

static int64_t hll_query(const uint64_t *words, int p)
{
    int m = 1 << p;
    double zinv = 0.0, zeros = 0.0;
    for (int idx = 0; idx < m; idx++) {
        int wi = idx / HLL_REGS_PER_WORD;
        int shift = HLL_REG_BITS * (idx - wi * HLL_REGS_PER_WORD);
        uint64_t reg = (words[wi] >> shift) & HLL_REG_MASK;
        zinv += 1.0 / (double)(UINT64_C(1) << reg);
        if (reg == 0) zeros += 1.0;
    }
    double alpha_m2;
    switch (p) {
    case 4: alpha_m2 = 0.673 * m * m; break;
    case 5: alpha_m2 = 0.697 * m * m; break;
    case 6: alpha_m2 = 0.709 * m * m; break;
    default: alpha_m2 = (0.7213 / (1.0 + 1.079 / m)) * m * m; break;
    }
    double est = alpha_m2 / zinv;
    /* Spark subtracts an interpolated bias from est when p < 19 and est < 5m; weir has no
     * bias tables and keeps the raw estimate there (see the file comment). */
    if (zeros > 0) {
        double h = m * log(m / zeros);
        if ((p < 19 && h <= hll_thresholds[p - 4]) || est <= 2.5 * m) est = h;
    }
    return (int64_t)floor(est + 0.5); /* Math.round */
}

static int hll_final(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n, weir_vec *out)
{
    const agg_info *ai = e->bind_data;
    if (weir_vec_reserve(out, out->len + n) != WEIR_OK) return nomem(ctx);
    for (int32_t k = 0; k < n; k++) {
        int64_t r = hll_query(states[k], ai->hll_p);
        if (weir_vec_append_fixed(out, &r) != WEIR_OK) return nomem(ctx);
    }
    return WEIR_OK;
}

/* ======================================================================================
 * Saving and loading states (the streaming state store keeps every group's state between
 * micro-batches as bytes)
 *
 * The byte form holds values, never pointers, and is read back by the same build on the
 * same machine: fixed-size numbers are raw native (little-endian) bytes, lengths and
 * counts LEB128 varints, and every state is self-delimiting (the loader knows from the
 * bound expression and the leading flags how many bytes follow). Values of any type use
 * the layout of weir's grouping keys (a presence byte, then the value; strings and arrays
 * length-prefixed; struct fields and map entries in order), except that floating-point
 * values keep their exact bits: collect_set tells -0.0 from 0.0 and first/last/min/max
 * return what they were given. Loaders check every length against the input and every
 * flag and register against its range, and fail with "corrupt aggregate state" rather
 * than read past the end. A failed load may leave the state half filled; the caller drops
 * it.
 * ====================================================================================== */

#define CORRUPT WEIR_ERUNTIME /* status of the decoders below for malformed input */

typedef struct reader {
    const uint8_t *p;
    size_t n, pos;
} reader;

static inline size_t rd_left(const reader *r)
{
    return r->n - r->pos;
}

static inline bool rd_bytes(reader *r, void *dst, size_t k)
{
    if (rd_left(r) < k) return false;
    memcpy(dst, r->p + r->pos, k);
    r->pos += k;
    return true;
}

static inline bool rd_u8(reader *r, uint8_t *out)
{
    return rd_bytes(r, out, 1);
}

/* A flags byte with no bits outside `allowed`. */
static inline bool rd_flags(reader *r, uint8_t allowed, uint8_t *out)
{
    return rd_u8(r, out) && !(*out & ~allowed);
}

static bool rd_varint(reader *r, uint64_t *out)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        uint8_t b;
        if (!rd_u8(r, &b)) return false;
        if (shift == 63 && b > 1) return false;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = x;
            return true;
        }
    }
    return false;
}

static inline void put_bytes(weir_strbuf *o, const void *p, size_t n)
{
    weir_sb_append(o, (const char *)p, n);
}

static inline void put_u8(weir_strbuf *o, uint8_t b)
{
    put_bytes(o, &b, 1);
}

static void put_varint(weir_strbuf *o, uint64_t x)
{
    uint8_t b[10];
    size_t k = 0;
    do {
        b[k] = (uint8_t)(x & 0x7f);
        x >>= 7;
        if (x) b[k] |= 0x80;
        k++;
    } while (x);
    put_bytes(o, b, k);
}

static int save_done(const weir_strbuf *o)
{
    return o->oom ? WEIR_ENOMEM : WEIR_OK;
}

static int load_fail(weir_agg_ctx *ctx, const weir_expr *e, int rc)
{
    if (rc == WEIR_ENOMEM) return nomem(ctx);
    return weir_err(ctx->err, WEIR_ERUNTIME, "corrupt aggregate state (%s)",
                    e->fname ? e->fname : e->fn->name);
}

/* ---- values held in vectors: elements of collect_*, nested values of min/max/first ---- */

static void enc_value(weir_strbuf *o, const weir_vec *v, int32_t i);

/* Row i of v, not NULL. */
static void enc_body(weir_strbuf *o, const weir_vec *v, int32_t i)
{
    size_t w = weir_type_width(v->type);
    if (w) {
        put_bytes(o, (const char *)v->data + w * (size_t)i, w);
        return;
    }
    switch (v->type->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t len;
        const char *p = weir_vec_str(v, i, &len);
        put_varint(o, (uint64_t)len);
        put_bytes(o, p, (size_t)len);
        break;
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < v->nchild; c++)
            enc_value(o, v->child[c], i);
        break;
    case WEIR_T_ARRAY:
    case WEIR_T_MAP:
        put_varint(o, (uint64_t)(v->offsets[i + 1] - v->offsets[i]));
        for (int32_t k = v->offsets[i]; k < v->offsets[i + 1]; k++)
            for (int c = 0; c < v->nchild; c++)
                enc_value(o, v->child[c], k);
        break;
    default: break;
    }
}

static void enc_value(weir_strbuf *o, const weir_vec *v, int32_t i)
{
    if (row_null(v, i)) {
        put_u8(o, 0);
    } else {
        put_u8(o, 1);
        enc_body(o, v, i);
    }
}

static int dec_value(reader *r, weir_vec *v);

/* Ends a STRUCT/ARRAY/MAP row whose children were appended. */
static int dec_end_row(weir_vec *v, int32_t count)
{
    if (weir_vec_reserve(v, v->len + 1) != WEIR_OK) return WEIR_ENOMEM;
    if (v->offsets) v->offsets[v->len + 1] = v->offsets[v->len] + count;
    if (v->valid) weir_bit_set(v->valid, v->len);
    v->len++;
    return WEIR_OK;
}

/* Appends one non-NULL value read from r to v. */
static int dec_body(reader *r, weir_vec *v)
{
    const weir_type *t = v->type;
    size_t w = weir_type_width(t);
    if (w) {
        if (rd_left(r) < w) return CORRUPT;
        const uint8_t *src = r->p + r->pos;
        if (t->id == WEIR_T_BOOLEAN && *src > 1) return CORRUPT;
        r->pos += w;
        return weir_vec_append_fixed(v, src) == WEIR_OK ? WEIR_OK : WEIR_ENOMEM;
    }
    switch (t->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        uint64_t len;
        if (!rd_varint(r, &len) || len > rd_left(r) ||
            len > (uint64_t)(INT32_MAX - v->offsets[v->len]))
            return CORRUPT;
        const char *p = (const char *)r->p + r->pos;
        r->pos += (size_t)len;
        return weir_vec_append_str(v, p, (int32_t)len) == WEIR_OK ? WEIR_OK : WEIR_ENOMEM;
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < v->nchild; c++) {
            int rc = dec_value(r, v->child[c]);
            if (rc != WEIR_OK) return rc;
        }
        return dec_end_row(v, 0);
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        uint64_t count;
        /* every entry takes at least one byte (a presence byte per child) */
        if (!rd_varint(r, &count) || count > rd_left(r) ||
            count > (uint64_t)(INT32_MAX - v->offsets[v->len]))
            return CORRUPT;
        for (uint64_t k = 0; k < count; k++)
            for (int c = 0; c < v->nchild; c++) {
                int rc = dec_value(r, v->child[c]);
                if (rc != WEIR_OK) return rc;
            }
        return dec_end_row(v, (int32_t)count);
    }
    default: return weir_vec_append_null(v) == WEIR_OK ? WEIR_OK : WEIR_ENOMEM;
    }
}

static int dec_value(reader *r, weir_vec *v)
{
    uint8_t present;
    if (!rd_flags(r, 1, &present) || (present && v->type->id == WEIR_T_NULL)) return CORRUPT;
    if (present) return dec_body(r, v);
    return weir_vec_append_null(v) == WEIR_OK ? WEIR_OK : WEIR_ENOMEM;
}

/* ---- slots ----------------------------------------------------------------------------- */

/* A non-NULL slot value of kind k, in the width of its SQL type. */
static void slot_save(weir_strbuf *o, vkind k, const slot *s)
{
    switch (k) {
    case K_BOOL:
    case K_I8: put_u8(o, (uint8_t)(int8_t)s->i); break;
    case K_I16: {
        int16_t x = (int16_t)s->i;
        put_bytes(o, &x, 2);
        break;
    }
    case K_I32: {
        int32_t x = (int32_t)s->i;
        put_bytes(o, &x, 4);
        break;
    }
    case K_I64: put_bytes(o, &s->i, 8); break;
    case K_F32: {
        float x = (float)s->d; /* exact: the slot holds a widened float */
        put_bytes(o, &x, 4);
        break;
    }
    case K_F64: put_bytes(o, &s->d, 8); break;
    case K_DEC: put_bytes(o, &s->dec, 16); break;
    case K_STR:
        put_varint(o, (uint64_t)s->s.len);
        put_bytes(o, s->s.p, (size_t)s->s.len);
        break;
    case K_NESTED: enc_body(o, s->nested, 0); break;
    case K_NULL: break;
    }
}

/* Reads a slot value of kind k (SQL type t) into s; strings and nested values are copied
 * into a. */
static int slot_load(weir_arena *a, reader *r, vkind k, const weir_type *t, slot *s)
{
    switch (k) {
    case K_BOOL: {
        uint8_t x;
        if (!rd_flags(r, 1, &x)) return CORRUPT;
        s->i = x;
        return WEIR_OK;
    }
    case K_I8: {
        int8_t x;
        if (!rd_bytes(r, &x, 1)) return CORRUPT;
        s->i = x;
        return WEIR_OK;
    }
    case K_I16: {
        int16_t x;
        if (!rd_bytes(r, &x, 2)) return CORRUPT;
        s->i = x;
        return WEIR_OK;
    }
    case K_I32: {
        int32_t x;
        if (!rd_bytes(r, &x, 4)) return CORRUPT;
        s->i = x;
        return WEIR_OK;
    }
    case K_I64: return rd_bytes(r, &s->i, 8) ? WEIR_OK : CORRUPT;
    case K_F32: {
        float x;
        if (!rd_bytes(r, &x, 4)) return CORRUPT;
        s->d = x;
        return WEIR_OK;
    }
    case K_F64: return rd_bytes(r, &s->d, 8) ? WEIR_OK : CORRUPT;
    case K_DEC: return rd_bytes(r, &s->dec, 16) ? WEIR_OK : CORRUPT;
    case K_STR: {
        uint64_t len;
        if (!rd_varint(r, &len) || len > rd_left(r) || len > INT32_MAX) return CORRUPT;
        const char *p = (const char *)r->p + r->pos;
        r->pos += (size_t)len;
        return str_store(a, s, p, (int32_t)len);
    }
    case K_NESTED:
        if (!s->nested) {
            if (!(s->nested = weir_vec_new(a, t, 1))) return WEIR_ENOMEM;
        } else {
            vec_clear(s->nested);
        }
        return dec_body(r, s->nested);
    case K_NULL: return WEIR_OK;
    }
    return CORRUPT;
}

/* Runs a loader body over p[0..n) and reports its outcome. */
#define LOAD_RETURN(ctx, e, r, used, rc)                                                           \
    do {                                                                                           \
        if ((rc) != WEIR_OK) return load_fail((ctx), (e), (rc));                                   \
        *(used) = (r).pos;                                                                         \
        return WEIR_OK;                                                                            \
    } while (0)

/* ---- count, count_if: the count as 8 raw bytes ------------------------------------------ */

static int count_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    put_bytes(out, &((const count_state *)state)->n, 8);
    return save_done(out);
}

static int count_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p,
                      size_t n, size_t *used)
{
    reader r = {p, n, 0};
    count_state *s = state;
    int rc = rd_bytes(&r, &s->n, 8) && s->n >= 0 ? WEIR_OK : CORRUPT;
    LOAD_RETURN(ctx, e, r, used, rc);
}

/* ---- sum, try_sum, avg, mean, try_avg ----------------------------------------------------
 * flags (1 has, 2 overflow); avg: count (8 bytes) when has; the running sum (i, d or dec by
 * the kind of sum) when has and not overflow. Once a sum overflowed its value is never
 * read again (the result stays NULL or the error), so it is not kept; a plain sum never
 * reads its count. */

enum { SUM_HAS = 1, SUM_OVERFLOW = 2 };

static int sum_save_impl(const weir_expr *e, const void *state, weir_strbuf *out, bool is_avg)
{
    const agg_info *ai = e->bind_data;
    const sum_state *s = state;
    put_u8(out, (uint8_t)((s->has ? SUM_HAS : 0) | (s->overflow ? SUM_OVERFLOW : 0)));
    if (!s->has) return save_done(out);
    if (is_avg) put_bytes(out, &s->count, 8);
    if (s->overflow) return save_done(out);
    int sk = sum_kind(ai);
    if (sk == SUM_LONG && is_avg) sk = SUM_DOUBLE;
    switch (sk) {
    case SUM_DEC: put_bytes(out, &s->dec, 16); break;
    case SUM_DOUBLE: put_bytes(out, &s->d, 8); break;
    default: put_bytes(out, &s->i, 8); break;
    }
    return save_done(out);
}

static int sum_load_impl(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p,
                         size_t n, size_t *used, bool is_avg)
{
    const agg_info *ai = e->bind_data;
    sum_state *s = state;
    reader r = {p, n, 0};
    uint8_t flags;
    int rc = CORRUPT;
    if (!rd_flags(&r, SUM_HAS | SUM_OVERFLOW, &flags)) goto done;
    s->has = flags & SUM_HAS;
    s->overflow = flags & SUM_OVERFLOW;
    if (!s->has) {
        if (!s->overflow) rc = WEIR_OK;
        goto done;
    }
    if (is_avg && (!rd_bytes(&r, &s->count, 8) || s->count <= 0)) goto done;
    if (s->overflow) {
        rc = WEIR_OK;
        goto done;
    }
    int sk = sum_kind(ai);
    if (sk == SUM_LONG && is_avg) sk = SUM_DOUBLE;
    switch (sk) {
    case SUM_DEC: {
        __int128 limit = pow10_128(ai->sum_precision) - 1;
        if (rd_bytes(&r, &s->dec, 16) && s->dec <= limit && s->dec >= -limit) rc = WEIR_OK;
        break;
    }
    case SUM_DOUBLE:
        if (rd_bytes(&r, &s->d, 8)) rc = WEIR_OK;
        break;
    default:
        if (rd_bytes(&r, &s->i, 8)) rc = WEIR_OK;
        break;
    }
done:
    LOAD_RETURN(ctx, e, r, used, rc);
}

static int sum_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    return sum_save_impl(e, state, out, false);
}

static int sum_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p, size_t n,
                    size_t *used)
{
    return sum_load_impl(ctx, e, state, p, n, used, false);
}

static int avg_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    return sum_save_impl(e, state, out, true);
}

static int avg_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p, size_t n,
                    size_t *used)
{
    return sum_load_impl(ctx, e, state, p, n, used, true);
}

/* ---- min, max, bool_and, bool_or: has (1 byte), then the value ------------------------- */

static int minmax_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    const agg_info *ai = e->bind_data;
    const minmax_state *s = state;
    put_u8(out, s->has);
    if (s->has) slot_save(out, ai->kind, &s->v);
    return save_done(out);
}

static int minmax_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p,
                       size_t n, size_t *used)
{
    const agg_info *ai = e->bind_data;
    minmax_state *s = state;
    reader r = {p, n, 0};
    uint8_t has;
    int rc = CORRUPT;
    if (rd_flags(&r, 1, &has)) {
        s->has = has;
        rc = has ? slot_load(ctx->arena, &r, ai->kind, e->args[0]->type, &s->v) : WEIR_OK;
    }
    LOAD_RETURN(ctx, e, r, used, rc);
}

/* ---- central moments: n, avg, m2 (and m3, m4 for skewness, kurtosis) as raw doubles ---- */

static int moment_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    const agg_info *ai = e->bind_data;
    const moment_state *s = state;
    put_bytes(out, &s->n, 8);
    put_bytes(out, &s->avg, 8);
    put_bytes(out, &s->m2, 8);
    if (ai->moment >= 3) put_bytes(out, &s->m3, 8);
    if (ai->moment >= 4) put_bytes(out, &s->m4, 8);
    return save_done(out);
}

static int moment_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p,
                       size_t n, size_t *used)
{
    const agg_info *ai = e->bind_data;
    moment_state *s = state;
    reader r = {p, n, 0};
    bool ok = rd_bytes(&r, &s->n, 8) && s->n >= 0.0 && rd_bytes(&r, &s->avg, 8) &&
              rd_bytes(&r, &s->m2, 8) && (ai->moment < 3 || rd_bytes(&r, &s->m3, 8)) &&
              (ai->moment < 4 || rd_bytes(&r, &s->m4, 8));
    LOAD_RETURN(ctx, e, r, used, ok ? WEIR_OK : CORRUPT);
}

/* ---- first, last: flags (1 set, 2 the kept value is NULL), then the value if any -------- */

enum { FL_SET = 1, FL_NULL = 2 };

static int firstlast_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    const agg_info *ai = e->bind_data;
    const firstlast_state *s = state;
    put_u8(out, (uint8_t)((s->set ? FL_SET : 0) | (s->is_null ? FL_NULL : 0)));
    if (s->set && !s->is_null) slot_save(out, ai->kind, &s->v);
    return save_done(out);
}

static int firstlast_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p,
                          size_t n, size_t *used)
{
    const agg_info *ai = e->bind_data;
    firstlast_state *s = state;
    reader r = {p, n, 0};
    uint8_t flags;
    int rc = CORRUPT;
    if (rd_flags(&r, FL_SET | FL_NULL, &flags) && flags != FL_NULL) {
        s->set = flags & FL_SET;
        s->is_null = flags & FL_NULL;
        rc = s->set && !s->is_null ? slot_load(ctx->arena, &r, ai->kind, e->args[0]->type, &s->v)
                                   : WEIR_OK;
    }
    LOAD_RETURN(ctx, e, r, used, rc);
}

/* ---- max_by, min_by: flags (1 ordering kept, 2 its value is NULL), ordering, value ------ */

enum { BY_ORD = 1, BY_VAL_NULL = 2 };

static int by_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    const agg_info *ai = e->bind_data;
    const by_state *s = state;
    put_u8(out, (uint8_t)((s->has_ord ? BY_ORD : 0) | (s->val_null ? BY_VAL_NULL : 0)));
    if (s->has_ord) {
        slot_save(out, ai->kind2, &s->ord);
        if (!s->val_null) slot_save(out, ai->kind, &s->val);
    }
    return save_done(out);
}

static int by_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p, size_t n,
                   size_t *used)
{
    const agg_info *ai = e->bind_data;
    by_state *s = state;
    reader r = {p, n, 0};
    uint8_t flags;
    int rc = CORRUPT;
    if (rd_flags(&r, BY_ORD | BY_VAL_NULL, &flags) && flags != BY_VAL_NULL) {
        s->has_ord = flags & BY_ORD;
        s->val_null = flags & BY_VAL_NULL;
        rc = WEIR_OK;
        if (s->has_ord) rc = slot_load(ctx->arena, &r, ai->kind2, e->args[1]->type, &s->ord);
        if (rc == WEIR_OK && s->has_ord && !s->val_null)
            rc = slot_load(ctx->arena, &r, ai->kind, e->args[0]->type, &s->val);
    }
    LOAD_RETURN(ctx, e, r, used, rc);
}

/* ---- collect_list, collect_set: count, then the elements in order (never NULL) -----------
 * collect_set rebuilds its hash index on load; a repeated element is corrupt input. */

static int collect_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    const collect_state *s = state;
    int32_t cnt = s->vals ? s->vals->len : 0;
    put_varint(out, (uint64_t)cnt);
    for (int32_t k = 0; k < cnt; k++)
        enc_body(out, s->vals, k);
    return save_done(out);
}

/* Reads the elements into s->vals (allocated in the state arena). */
static int collect_load_vals(weir_agg_ctx *ctx, const weir_expr *e, collect_state *s, reader *r)
{
    uint64_t cnt;
    if (!rd_varint(r, &cnt) || cnt > INT32_MAX) return CORRUPT;
    if (cnt == 0) return WEIR_OK;
    const weir_type *t = e->args[0]->type;
    /* a NULL-typed argument never adds elements; other elements take at least one byte
     * each, except empty structs */
    if (t->id == WEIR_T_NULL) return CORRUPT;
    if (cnt > rd_left(r) && !(t->id == WEIR_T_STRUCT && t->nfields == 0)) return CORRUPT;
    int32_t cap = cnt < 4 || cnt > rd_left(r) ? 4 : (int32_t)cnt;
    if (!(s->vals = weir_vec_new(ctx->arena, t, cap))) return WEIR_ENOMEM;
    for (uint64_t k = 0; k < cnt; k++) {
        int rc = dec_body(r, s->vals);
        if (rc != WEIR_OK) return rc;
    }
    return WEIR_OK;
}

static int collect_list_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p,
                             size_t n, size_t *used)
{
    reader r = {p, n, 0};
    int rc = collect_load_vals(ctx, e, state, &r);
    LOAD_RETURN(ctx, e, r, used, rc);
}

/* Builds the index of collect_set over the loaded elements, sized as set_add would have
 * left it (hashes: the next power of two; slots: at most half full). */
static int set_index(weir_agg_ctx *ctx, collect_state *s)
{
    int32_t len = s->vals->len;
    size_t hcap = 1;
    while (hcap < (size_t)len)
        hcap *= 2;
    int32_t ns = 8;
    while ((int64_t)(len + 1) * 2 > ns)
        ns *= 2;
    s->hashes = WEIR_ARENA_NEWN(ctx->arena, uint64_t, hcap);
    s->slots = WEIR_ARENA_NEWN(ctx->arena, int32_t, ns);
    if (!s->hashes || !s->slots) return WEIR_ENOMEM;
    s->nslots = ns;
    uint32_t mask = (uint32_t)(ns - 1);
    for (int32_t k = 0; k < len; k++) {
        uint64_t h = set_hash(s->vals, k);
        uint32_t pos = (uint32_t)h & mask;
        for (; s->slots[pos]; pos = (pos + 1) & mask) {
            int32_t j = s->slots[pos] - 1;
            if (s->hashes[j] == h && set_equal(s->vals, j, s->vals, k)) return CORRUPT;
        }
        s->hashes[k] = h;
        s->slots[pos] = k + 1;
    }
    return WEIR_OK;
}

static int collect_set_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p,
                            size_t n, size_t *used)
{
    collect_state *s = state;
    reader r = {p, n, 0};
    int rc = collect_load_vals(ctx, e, s, &r);
    if (rc == WEIR_OK && s->vals) rc = set_index(ctx, s);
    LOAD_RETURN(ctx, e, r, used, rc);
}

/* ---- approx_count_distinct ---------------------------------------------------------------
 * A header byte p << 1 | sparse, then either every register word raw (dense) or, when
 * shorter, the count of non-zero words and for each its index gap (varint) and raw bits.
 * Registers are checked: at most 65 - p, none past register m - 1, no bits above 60. */

static bool hll_word_ok(uint64_t word, int wi, int p)
{
    if (word >> (HLL_REG_BITS * HLL_REGS_PER_WORD)) return false;
    int m = 1 << p;
    for (int r = 0; r < HLL_REGS_PER_WORD; r++) {
        uint64_t reg = (word >> (HLL_REG_BITS * r)) & HLL_REG_MASK;
        if (reg > (uint64_t)(65 - p) || (reg && wi * HLL_REGS_PER_WORD + r >= m)) return false;
    }
    return true;
}

static int hll_save(const weir_expr *e, const void *state, weir_strbuf *out)
{
    const agg_info *ai = e->bind_data;
    const uint64_t *words = state;
    size_t nonzero = 0;
    for (int w = 0; w < ai->hll_words; w++)
        nonzero += words[w] != 0;
    /* a sparse entry is 9 bytes when gaps stay below 128 words, which is the usual case */
    bool sparse = nonzero * 10 + 3 < (size_t)ai->hll_words * 8;
    put_u8(out, (uint8_t)(ai->hll_p << 1 | sparse));
    if (!sparse) {
        put_bytes(out, words, sizeof(uint64_t) * (size_t)ai->hll_words);
        return save_done(out);
    }
    put_varint(out, nonzero);
    int prev = -1;
    for (int w = 0; w < ai->hll_words; w++) {
        if (!words[w]) continue;
        put_varint(out, (uint64_t)(w - prev - 1));
        put_bytes(out, &words[w], 8);
        prev = w;
    }
    return save_done(out);
}

static int hll_load(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p, size_t n,
                    size_t *used)
{
    const agg_info *ai = e->bind_data;
    uint64_t *words = state;
    reader r = {p, n, 0};
    int rc = CORRUPT;
    uint8_t head;
    if (!rd_u8(&r, &head) || head >> 1 != ai->hll_p) goto done;
    if (!(head & 1)) {
        for (int w = 0; w < ai->hll_words; w++)
            if (!rd_bytes(&r, &words[w], 8) || !hll_word_ok(words[w], w, ai->hll_p)) goto done;
        rc = WEIR_OK;
        goto done;
    }
    uint64_t nonzero;
    if (!rd_varint(&r, &nonzero) || nonzero > (uint64_t)ai->hll_words) goto done;
    int64_t w = -1;
    for (uint64_t k = 0; k < nonzero; k++) {
        uint64_t gap, word;
        if (!rd_varint(&r, &gap) || gap >= (uint64_t)(ai->hll_words - 1 - w)) goto done;
        w += (int64_t)gap + 1;
        if (!rd_bytes(&r, &word, 8) || !word || !hll_word_ok(word, (int)w, ai->hll_p)) goto done;
        words[w] = word;
    }
    rc = WEIR_OK;
done:
    LOAD_RETURN(ctx, e, r, used, rc);
}

/* ======================================================================================
 * The table
 * ====================================================================================== */

#define AGG(nm, mn, mx, bindf, sizef, upd, mrg, fin, sav, lod, pret)                               \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_AGG, .min_args = mn, .max_args = mx, .bind = bindf,            \
        .state_size = sizef, .agg_init = agg_init_noop, .agg_update = upd, .agg_merge = mrg,       \
        .agg_final = fin, .agg_save = sav, .agg_load = lod, .pretty = pret                         \
    }

#define MOMENT(nm)                                                                                 \
    AGG(nm, 1, 1, moment_bind, moment_size, moment_update, moment_merge, moment_final,             \
        moment_save, moment_load, NULL)
#define FIRST(nm)                                                                                  \
    AGG(nm, 1, 2, firstlast_bind, firstlast_size, first_update, first_merge, firstlast_final,      \
        firstlast_save, firstlast_load, pretty_first_arg)
#define LAST(nm)                                                                                   \
    AGG(nm, 1, 2, firstlast_bind, firstlast_size, last_update, last_merge, firstlast_final,        \
        firstlast_save, firstlast_load, pretty_first_arg)
#define SUM(nm)                                                                                    \
    AGG(nm, 1, 1, sum_bind, sum_size, sum_update, sum_merge, sum_final, sum_save, sum_load, NULL)
#define AVG(nm)                                                                                    \
    AGG(nm, 1, 1, avg_bind, sum_size, avg_update, avg_merge, avg_final, avg_save, avg_load, NULL)
#define AGG_MIN(nm, bindf)                                                                         \
    AGG(nm, 1, 1, bindf, minmax_size, min_update, min_merge, minmax_final, minmax_save,            \
        minmax_load, NULL)
#define AGG_MAX(nm, bindf)                                                                         \
    AGG(nm, 1, 1, bindf, minmax_size, max_update, max_merge, minmax_final, minmax_save,            \
        minmax_load, NULL)

const weir_func weir_funcs_agg[] = {
    AGG("count", 1, -1, count_bind, count_size, count_update, count_merge, count_final, count_save,
        count_load, count_pretty),
    AGG("count_if", 1, 1, count_if_bind, count_size, count_if_update, count_merge, count_final,
        count_save, count_load, NULL),
    SUM("sum"),
    SUM("try_sum"),
    AVG("try_avg"),
    AVG("avg"),
    AVG("mean"),
    AGG_MIN("min", minmax_bind),
    AGG_MAX("max", minmax_bind),
    AGG_MIN("bool_and", bool_agg_bind),
    AGG_MIN("every", bool_agg_bind),
    AGG_MAX("bool_or", bool_agg_bind),
    AGG_MAX("some", bool_agg_bind),
    AGG_MAX("any", bool_agg_bind),
    MOMENT("stddev"),
    MOMENT("std"),
    MOMENT("stddev_samp"),
    MOMENT("stddev_pop"),
    MOMENT("variance"),
    MOMENT("var_samp"),
    MOMENT("var_pop"),
    MOMENT("skewness"),
    MOMENT("kurtosis"),
    FIRST("first"),
    FIRST("first_value"),
    FIRST("any_value"),
    LAST("last"),
    LAST("last_value"),
    AGG("max_by", 2, 2, by_bind, by_size, max_by_update, max_by_merge, by_final, by_save, by_load,
        NULL),
    AGG("min_by", 2, 2, by_bind, by_size, min_by_update, min_by_merge, by_final, by_save, by_load,
        NULL),
    AGG("collect_list", 1, 1, collect_list_bind, collect_size, collect_list_update,
        collect_list_merge, collect_final, collect_save, collect_list_load, NULL),
    AGG("array_agg", 1, 1, collect_list_bind, collect_size, collect_list_update, collect_list_merge,
        collect_final, collect_save, collect_list_load, NULL),
    AGG("collect_set", 1, 1, collect_set_bind, collect_size, collect_set_update, collect_set_merge,
        collect_final, collect_save, collect_set_load, NULL),
    AGG("approx_count_distinct", 1, 2, hll_bind, hll_size, hll_update, hll_merge, hll_final,
        hll_save, hll_load, pretty_first_arg),
    {0},
};
