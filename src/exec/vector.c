/* Column vectors and batches; see vector.h. */
#include "exec/vector.h"

#include <stdlib.h>

static size_t bitmap_bytes(int32_t cap)
{
    return ((size_t)cap + 7) / 8;
}

weir_vec *weir_vec_new(weir_arena *a, const weir_type *t, int32_t cap)
{
    if (cap < 1) cap = 1;
    weir_vec *v = WEIR_ARENA_NEW(a, weir_vec);
    if (!v) return NULL;
    v->type = t;
    v->arena = a;
    v->cap = cap;
    size_t w = weir_type_width(t);
    if (w) {
        v->data = weir_arena_alloc(a, w * (size_t)cap);
        if (!v->data) return NULL;
    }
    switch (t->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY:
        v->offsets = weir_arena_alloc(a, sizeof(int32_t) * ((size_t)cap + 1));
        v->data_cap = (int64_t)cap * 16;
        v->data = weir_arena_alloc(a, (size_t)v->data_cap);
        if (!v->offsets || !v->data) return NULL;
        v->offsets[0] = 0;
        break;
    case WEIR_T_ARRAY:
    case WEIR_T_MAP:
        v->offsets = weir_arena_alloc(a, sizeof(int32_t) * ((size_t)cap + 1));
        if (!v->offsets) return NULL;
        v->offsets[0] = 0;
        v->nchild = t->id == WEIR_T_ARRAY ? 1 : 2;
        v->child = WEIR_ARENA_NEWN(a, weir_vec *, v->nchild);
        if (!v->child) return NULL;
        v->child[0] = weir_vec_new(a, t->elem, cap);
        if (!v->child[0]) return NULL;
        if (t->id == WEIR_T_MAP && !(v->child[1] = weir_vec_new(a, t->value, cap))) return NULL;
        break;
    case WEIR_T_STRUCT:
        v->nchild = t->nfields;
        v->child = WEIR_ARENA_NEWN(a, weir_vec *, t->nfields ? t->nfields : 1);
        if (!v->child) return NULL;
        for (int i = 0; i < t->nfields; i++)
            if (!(v->child[i] = weir_vec_new(a, t->fields[i].type, cap))) return NULL;
        break;
    default: break;
    }
    return v;
}

int weir_vec_reserve(weir_vec *v, int32_t cap)
{
    if (cap <= v->cap) return WEIR_OK;
    int32_t ncap = v->cap * 2;
    if (ncap < cap) ncap = cap;
    size_t w = weir_type_width(v->type);
    if (w) {
        v->data = weir_arena_realloc(v->arena, v->data, w * (size_t)v->cap, w * (size_t)ncap);
        if (!v->data) return WEIR_ENOMEM;
    }
    if (v->offsets) {
        v->offsets =
            weir_arena_realloc(v->arena, v->offsets, sizeof(int32_t) * ((size_t)v->cap + 1),
                               sizeof(int32_t) * ((size_t)ncap + 1));
        if (!v->offsets) return WEIR_ENOMEM;
    }
    if (v->valid) {
        size_t ob = bitmap_bytes(v->cap), nb = bitmap_bytes(ncap);
        v->valid = weir_arena_realloc(v->arena, v->valid, ob, nb);
        if (!v->valid) return WEIR_ENOMEM;
        memset(v->valid + ob, 0xff, nb - ob);
    }
    if (v->type->id == WEIR_T_STRUCT) {
        for (int i = 0; i < v->nchild; i++)
            if (weir_vec_reserve(v->child[i], ncap) != WEIR_OK) return WEIR_ENOMEM;
    }
    v->cap = ncap;
    return WEIR_OK;
}

int weir_vec_reserve_bytes(weir_vec *v, int64_t more)
{
    int64_t used = v->offsets[v->len];
    if (used + more <= v->data_cap) return WEIR_OK;
    int64_t ncap = v->data_cap * 2;
    if (ncap < used + more) ncap = used + more;
    if (ncap > INT32_MAX) return WEIR_ENOMEM;
    v->data = weir_arena_realloc(v->arena, v->data, (size_t)v->data_cap, (size_t)ncap);
    if (!v->data) return WEIR_ENOMEM;
    v->data_cap = ncap;
    return WEIR_OK;
}

int weir_vec_make_valid(weir_vec *v)
{
    if (v->valid) return WEIR_OK;
    v->valid = weir_arena_alloc(v->arena, bitmap_bytes(v->cap));
    if (!v->valid) return WEIR_ENOMEM;
    memset(v->valid, 0xff, bitmap_bytes(v->cap));
    return WEIR_OK;
}

int weir_vec_set_null(weir_vec *v, int32_t i)
{
    if (weir_vec_make_valid(v) != WEIR_OK) return WEIR_ENOMEM;
    weir_bit_clear(v->valid, i);
    size_t w = weir_type_width(v->type);
    if (w) memset((char *)v->data + w * (size_t)i, 0, w);
    return WEIR_OK;
}

static int vec_grow_one(weir_vec *v)
{
    return v->len < v->cap ? WEIR_OK : weir_vec_reserve(v, v->len + 1);
}

int weir_vec_append_null(weir_vec *v)
{
    if (vec_grow_one(v) != WEIR_OK) return WEIR_ENOMEM;
    int32_t i = v->len;
    if (v->offsets) v->offsets[i + 1] = v->offsets[i];
    if (v->type->id == WEIR_T_STRUCT) {
        for (int c = 0; c < v->nchild; c++)
            if (weir_vec_append_null(v->child[c]) != WEIR_OK) return WEIR_ENOMEM;
    }
    if (weir_vec_set_null(v, i) != WEIR_OK) return WEIR_ENOMEM;
    v->len++;
    return WEIR_OK;
}

int weir_vec_append_str(weir_vec *v, const char *s, int32_t n)
{
    if (vec_grow_one(v) != WEIR_OK || weir_vec_reserve_bytes(v, n) != WEIR_OK) return WEIR_ENOMEM;
    int32_t off = v->offsets[v->len];
    if (n) memcpy((char *)v->data + off, s, (size_t)n);
    v->offsets[v->len + 1] = off + n;
    v->len++;
    return WEIR_OK;
}

int weir_vec_append_fixed(weir_vec *v, const void *value)
{
    if (vec_grow_one(v) != WEIR_OK) return WEIR_ENOMEM;
    size_t w = weir_type_width(v->type);
    memcpy((char *)v->data + w * (size_t)v->len, value, w);
    v->len++;
    return WEIR_OK;
}

int weir_vec_append_range(weir_vec *dst, const weir_vec *src, int32_t from, int32_t n)
{
    if (n <= 0) return WEIR_OK;
    if (weir_vec_reserve(dst, dst->len + n) != WEIR_OK) return WEIR_ENOMEM;
    int32_t base = dst->len;
    if (src->valid) {
        if (weir_vec_make_valid(dst) != WEIR_OK) return WEIR_ENOMEM;
        for (int32_t k = 0; k < n; k++)
            if (!weir_bit_get(src->valid, from + k)) weir_bit_clear(dst->valid, base + k);
    }
    size_t w = weir_type_width(src->type);
    switch (src->type->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t b0 = src->offsets[from], b1 = src->offsets[from + n];
        if (weir_vec_reserve_bytes(dst, b1 - b0) != WEIR_OK) return WEIR_ENOMEM;
        int32_t d0 = dst->offsets[base];
        memcpy((char *)dst->data + d0, (const char *)src->data + b0, (size_t)(b1 - b0));
        for (int32_t k = 1; k <= n; k++)
            dst->offsets[base + k] = d0 + (src->offsets[from + k] - b0);
        break;
    }
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        int32_t b0 = src->offsets[from], b1 = src->offsets[from + n];
        int32_t d0 = dst->offsets[base];
        for (int c = 0; c < src->nchild; c++)
            if (weir_vec_append_range(dst->child[c], src->child[c], b0, b1 - b0) != WEIR_OK)
                return WEIR_ENOMEM;
        for (int32_t k = 1; k <= n; k++)
            dst->offsets[base + k] = d0 + (src->offsets[from + k] - b0);
        break;
    }
    case WEIR_T_STRUCT:
        for (int c = 0; c < src->nchild; c++)
            if (weir_vec_append_range(dst->child[c], src->child[c], from, n) != WEIR_OK)
                return WEIR_ENOMEM;
        break;
    case WEIR_T_NULL:
        if (weir_vec_make_valid(dst) != WEIR_OK) return WEIR_ENOMEM;
        for (int32_t k = 0; k < n; k++)
            weir_bit_clear(dst->valid, base + k);
        break;
    default:
        memcpy((char *)dst->data + w * (size_t)base, (const char *)src->data + w * (size_t)from,
               w * (size_t)n);
        break;
    }
    dst->len += n;
    return WEIR_OK;
}

weir_vec *weir_vec_gather(weir_arena *a, const weir_vec *src, const int32_t *sel, int32_t n)
{
    weir_vec *v = weir_vec_new(a, src->type, n);
    if (!v) return NULL;
    if (!sel) {
        if (weir_vec_append_range(v, src, 0, n) != WEIR_OK) return NULL;
        return v;
    }
    size_t w = weir_type_width(src->type);
    bool any_neg = false;
    for (int32_t k = 0; k < n; k++)
        any_neg |= sel[k] < 0;
    if (w && src->type->id != WEIR_T_NULL) {
        /* Fast path for fixed width: a tight copy loop per width. */
        char *d = v->data;
        const char *s = src->data;
        switch (w) {
        case 1:
            for (int32_t k = 0; k < n; k++)
                d[k] = sel[k] >= 0 ? s[sel[k]] : 0;
            break;
        case 2:
            for (int32_t k = 0; k < n; k++)
                ((int16_t *)d)[k] = sel[k] >= 0 ? ((const int16_t *)s)[sel[k]] : 0;
            break;
        case 4:
            for (int32_t k = 0; k < n; k++)
                ((int32_t *)d)[k] = sel[k] >= 0 ? ((const int32_t *)s)[sel[k]] : 0;
            break;
        case 8:
            for (int32_t k = 0; k < n; k++)
                ((int64_t *)d)[k] = sel[k] >= 0 ? ((const int64_t *)s)[sel[k]] : 0;
            break;
        default:
            for (int32_t k = 0; k < n; k++) {
                if (sel[k] >= 0)
                    memcpy(d + w * (size_t)k, s + w * (size_t)sel[k], w);
                else
                    memset(d + w * (size_t)k, 0, w);
            }
            break;
        }
        if (src->valid || any_neg) {
            if (weir_vec_make_valid(v) != WEIR_OK) return NULL;
            for (int32_t k = 0; k < n; k++)
                if (sel[k] < 0 || weir_vec_is_null(src, sel[k])) weir_bit_clear(v->valid, k);
        }
        v->len = n;
        return v;
    }
    for (int32_t k = 0; k < n; k++) {
        int rc = sel[k] < 0 ? weir_vec_append_null(v) : weir_vec_append_range(v, src, sel[k], 1);
        if (rc != WEIR_OK) return NULL;
    }
    return v;
}

weir_vec *weir_vec_nulls(weir_arena *a, const weir_type *t, int32_t n)
{
    weir_vec *v = weir_vec_new(a, t, n);
    if (!v) return NULL;
    for (int32_t k = 0; k < n; k++)
        if (weir_vec_append_null(v) != WEIR_OK) return NULL;
    return v;
}

int32_t weir_vec_null_count(const weir_vec *v)
{
    if (!v->valid) return v->type->id == WEIR_T_NULL ? v->len : 0;
    int32_t c = 0;
    for (int32_t i = 0; i < v->len; i++)
        c += !weir_bit_get(v->valid, i);
    return c;
}

weir_batch *weir_batch_new(weir_arena *a, int32_t ncols)
{
    weir_batch *b = WEIR_ARENA_NEW(a, weir_batch);
    if (!b) return NULL;
    b->ncols = ncols;
    b->arena = a;
    b->cols = WEIR_ARENA_NEWN(a, weir_vec *, ncols ? ncols : 1);
    return b->cols ? b : NULL;
}

weir_batch *weir_batch_for_schema(weir_arena *a, const weir_type *schema, int32_t cap)
{
    weir_batch *b = weir_batch_new(a, schema->nfields);
    if (!b) return NULL;
    for (int i = 0; i < schema->nfields; i++)
        if (!(b->cols[i] = weir_vec_new(a, schema->fields[i].type, cap))) return NULL;
    return b;
}

void weir_vec_get(const weir_vec *v, int32_t i, weir_value *out)
{
    out->type = v->type;
    out->is_null = v->type->id == WEIR_T_NULL || weir_vec_is_null(v, i);
    out->u.i = 0;
    if (out->is_null) return;
    switch (v->type->id) {
    case WEIR_T_BOOLEAN: out->u.i = ((const uint8_t *)v->data)[i]; break;
    case WEIR_T_TINYINT: out->u.i = ((const int8_t *)v->data)[i]; break;
    case WEIR_T_SMALLINT: out->u.i = ((const int16_t *)v->data)[i]; break;
    case WEIR_T_INT:
    case WEIR_T_DATE: out->u.i = ((const int32_t *)v->data)[i]; break;
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: out->u.i = ((const int64_t *)v->data)[i]; break;
    case WEIR_T_FLOAT: out->u.d = ((const float *)v->data)[i]; break;
    case WEIR_T_DOUBLE: out->u.d = ((const double *)v->data)[i]; break;
    case WEIR_T_DECIMAL: memcpy(&out->u.dec, (const char *)v->data + 16 * (size_t)i, 16); break;
    case WEIR_T_STRING:
    case WEIR_T_BINARY: out->u.s.p = weir_vec_str(v, i, &out->u.s.len); break;
    default:
        out->u.nested.vec = v;
        out->u.nested.row = i;
        break;
    }
}

int weir_vec_append_value(weir_vec *v, const weir_value *val)
{
    if (val->is_null || val->type->id == WEIR_T_NULL) return weir_vec_append_null(v);
    switch (v->type->id) {
    case WEIR_T_BOOLEAN:
    case WEIR_T_TINYINT: {
        int8_t x = (int8_t)val->u.i;
        return weir_vec_append_fixed(v, &x);
    }
    case WEIR_T_SMALLINT: {
        int16_t x = (int16_t)val->u.i;
        return weir_vec_append_fixed(v, &x);
    }
    case WEIR_T_INT:
    case WEIR_T_DATE: {
        int32_t x = (int32_t)val->u.i;
        return weir_vec_append_fixed(v, &x);
    }
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: return weir_vec_append_fixed(v, &val->u.i);
    case WEIR_T_FLOAT: {
        float x = (float)val->u.d;
        return weir_vec_append_fixed(v, &x);
    }
    case WEIR_T_DOUBLE: return weir_vec_append_fixed(v, &val->u.d);
    case WEIR_T_DECIMAL: return weir_vec_append_fixed(v, &val->u.dec);
    case WEIR_T_STRING:
    case WEIR_T_BINARY: return weir_vec_append_str(v, val->u.s.p, val->u.s.len);
    default: return weir_vec_append_range(v, val->u.nested.vec, val->u.nested.row, 1);
    }
}
