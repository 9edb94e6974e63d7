/*
 * Export of batches and schemas through the Arrow C Data Interface. The exported array
 * owns a copy of the data in its own arena (private_data of the root), so it outlives the
 * batch it came from; children are released with the root. BOOLEAN is bit-packed here,
 * since weir keeps one byte per boolean internally.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

/* ---- arrays ------------------------------------------------------------------------- */

static void child_release(struct ArrowArray *a)
{
    a->release = NULL;
}

static void root_release(struct ArrowArray *a)
{
    weir_arena_destroy(a->private_data);
    a->release = NULL;
}

static int export_vec(weir_arena *ar, const weir_vec *v, int64_t len, struct ArrowArray *out)
{
    memset(out, 0, sizeof(*out));
    out->length = len;
    out->release = child_release;
    const weir_type *t = v->type;
    int64_t nulls = 0;
    uint8_t *valid = NULL;
    if (t->id == WEIR_T_NULL) {
        out->null_count = len;
        out->n_buffers = 0;
        out->buffers = weir_arena_calloc(ar, sizeof(void *));
        return out->buffers ? WEIR_OK : WEIR_ENOMEM;
    }
    if (v->valid) {
        size_t nb = ((size_t)len + 7) / 8;
        valid = weir_arena_alloc(ar, nb ? nb : 1);
        if (!valid) return WEIR_ENOMEM;
        memcpy(valid, v->valid, nb);
        for (int64_t i = 0; i < len; i++)
            nulls += !weir_bit_get(valid, i);
    }
    out->null_count = nulls;
    const void **bufs = weir_arena_calloc(ar, sizeof(void *) * 3);
    if (!bufs) return WEIR_ENOMEM;
    out->buffers = bufs;
    bufs[0] = nulls ? valid : NULL;
    size_t w = weir_type_width(t);
    switch (t->id) {
    case WEIR_T_BOOLEAN: {
        size_t nb = ((size_t)len + 7) / 8;
        uint8_t *bits = weir_arena_calloc(ar, nb ? nb : 1);
        if (!bits) return WEIR_ENOMEM;
        for (int64_t i = 0; i < len; i++)
            if (((const uint8_t *)v->data)[i]) weir_bit_set(bits, i);
        bufs[1] = bits;
        out->n_buffers = 2;
        return WEIR_OK;
    }
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        size_t ob = sizeof(int32_t) * ((size_t)len + 1);
        int32_t *offs = weir_arena_alloc(ar, ob);
        size_t db = (size_t)v->offsets[len];
        char *data = weir_arena_alloc(ar, db ? db : 1);
        if (!offs || !data) return WEIR_ENOMEM;
        memcpy(offs, v->offsets, ob);
        memcpy(data, v->data, db);
        bufs[1] = offs;
        bufs[2] = data;
        out->n_buffers = 3;
        return WEIR_OK;
    }
    case WEIR_T_STRUCT:
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        int64_t clen = len;
        if (t->id != WEIR_T_STRUCT) {
            size_t ob = sizeof(int32_t) * ((size_t)len + 1);
            int32_t *offs = weir_arena_alloc(ar, ob);
            if (!offs) return WEIR_ENOMEM;
            memcpy(offs, v->offsets, ob);
            bufs[1] = offs;
            out->n_buffers = 2;
            clen = v->offsets[len];
        } else
            out->n_buffers = 1;
        int nkids = t->id == WEIR_T_STRUCT ? v->nchild : 1;
        out->n_children = nkids;
        out->children =
            weir_arena_calloc(ar, sizeof(struct ArrowArray *) * (size_t)(nkids ? nkids : 1));
        if (!out->children) return WEIR_ENOMEM;
        if (t->id == WEIR_T_MAP) {
            /* entries: struct<key, value> */
            struct ArrowArray *ent = weir_arena_calloc(ar, sizeof(*ent));
            if (!ent) return WEIR_ENOMEM;
            ent->length = clen;
            ent->release = child_release;
            ent->n_buffers = 1;
            ent->buffers = weir_arena_calloc(ar, sizeof(void *));
            ent->n_children = 2;
            ent->children = weir_arena_calloc(ar, sizeof(struct ArrowArray *) * 2);
            if (!ent->buffers || !ent->children) return WEIR_ENOMEM;
            for (int k = 0; k < 2; k++) {
                ent->children[k] = weir_arena_calloc(ar, sizeof(struct ArrowArray));
                if (!ent->children[k] ||
                    export_vec(ar, v->child[k], clen, ent->children[k]) != WEIR_OK)
                    return WEIR_ENOMEM;
            }
            out->children[0] = ent;
            return WEIR_OK;
        }
        for (int k = 0; k < nkids; k++) {
            out->children[k] = weir_arena_calloc(ar, sizeof(struct ArrowArray));
            if (!out->children[k] || export_vec(ar, v->child[k], clen, out->children[k]) != WEIR_OK)
                return WEIR_ENOMEM;
        }
        return WEIR_OK;
    }
    default: {
        void *data = weir_arena_alloc(ar, w * (size_t)(len ? len : 1));
        if (!data) return WEIR_ENOMEM;
        memcpy(data, v->data, w * (size_t)len);
        bufs[1] = data;
        out->n_buffers = 2;
        return WEIR_OK;
    }
    }
}

int weir_arrow_export_batch(const weir_batch *b, const weir_type *schema, struct ArrowArray *out)
{
    weir_arena *ar = weir_arena_new(64 * 1024);
    if (!ar) return WEIR_ENOMEM;
    memset(out, 0, sizeof(*out));
    out->length = b->nrows;
    out->n_buffers = 1;
    out->n_children = b->ncols;
    out->buffers = weir_arena_calloc(ar, sizeof(void *));
    out->children =
        weir_arena_calloc(ar, sizeof(struct ArrowArray *) * (size_t)(b->ncols ? b->ncols : 1));
    if (!out->buffers || !out->children) goto fail;
    for (int c = 0; c < b->ncols; c++) {
        out->children[c] = weir_arena_calloc(ar, sizeof(struct ArrowArray));
        if (!out->children[c]) goto fail;
        const weir_vec *v = b->cols[c];
        weir_vec *nulls = NULL;
        if (!v && !(v = nulls = weir_vec_nulls(ar, schema->fields[c].type, b->nrows))) goto fail;
        if (export_vec(ar, v, b->nrows, out->children[c]) != WEIR_OK) goto fail;
    }
    out->private_data = ar;
    out->release = root_release;
    return WEIR_OK;
fail:
    weir_arena_destroy(ar);
    memset(out, 0, sizeof(*out));
    return WEIR_ENOMEM;
}

/* ---- schemas ------------------------------------------------------------------------------ */

static void schema_child_release(struct ArrowSchema *s)
{
    s->release = NULL;
}

static void schema_root_release(struct ArrowSchema *s)
{
    weir_arena_destroy(s->private_data);
    s->release = NULL;
}

static int export_type(weir_arena *ar, const char *name, const weir_type *t, bool nullable,
                       struct ArrowSchema *out)
{
    memset(out, 0, sizeof(*out));
    out->name = weir_arena_strdup(ar, name);
    out->flags = nullable ? ARROW_FLAG_NULLABLE : 0;
    out->release = schema_child_release;
    const char *fmt = NULL;
    switch (t->id) {
    case WEIR_T_NULL: fmt = "n"; break;
    case WEIR_T_BOOLEAN: fmt = "b"; break;
    case WEIR_T_TINYINT: fmt = "c"; break;
    case WEIR_T_SMALLINT: fmt = "s"; break;
    case WEIR_T_INT: fmt = "i"; break;
    case WEIR_T_BIGINT: fmt = "l"; break;
    case WEIR_T_FLOAT: fmt = "f"; break;
    case WEIR_T_DOUBLE: fmt = "g"; break;
    case WEIR_T_DECIMAL: fmt = weir_arena_sprintf(ar, "d:%d,%d", t->precision, t->scale); break;
    case WEIR_T_STRING: fmt = "u"; break;
    case WEIR_T_BINARY: fmt = "z"; break;
    case WEIR_T_DATE: fmt = "tdD"; break;
    case WEIR_T_TIMESTAMP: fmt = "tsu:UTC"; break;
    case WEIR_T_INTERVAL: fmt = "tDu"; break;
    case WEIR_T_STRUCT: fmt = "+s"; break;
    case WEIR_T_ARRAY: fmt = "+l"; break;
    case WEIR_T_MAP: fmt = "+m"; break;
    default: fmt = "n"; break;
    }
    out->format = fmt;
    if (!out->name || !out->format) return WEIR_ENOMEM;
    int nk = t->id == WEIR_T_STRUCT                           ? t->nfields
             : (t->id == WEIR_T_ARRAY || t->id == WEIR_T_MAP) ? 1
                                                              : 0;
    if (!nk) return WEIR_OK;
    out->n_children = nk;
    out->children = weir_arena_calloc(ar, sizeof(struct ArrowSchema *) * (size_t)nk);
    if (!out->children) return WEIR_ENOMEM;
    for (int k = 0; k < nk; k++)
        if (!(out->children[k] = weir_arena_calloc(ar, sizeof(struct ArrowSchema))))
            return WEIR_ENOMEM;
    if (t->id == WEIR_T_STRUCT) {
        for (int k = 0; k < nk; k++)
            if (export_type(ar, t->fields[k].name, t->fields[k].type, t->fields[k].nullable,
                            out->children[k]) != WEIR_OK)
                return WEIR_ENOMEM;
        return WEIR_OK;
    }
    if (t->id == WEIR_T_ARRAY) return export_type(ar, "element", t->elem, true, out->children[0]);
    weir_field kv[2] = {{"key", t->elem, false}, {"value", t->value, true}};
    const weir_type *ent = weir_type_struct(ar, kv, 2);
    if (!ent) return WEIR_ENOMEM;
    return export_type(ar, "entries", ent, false, out->children[0]);
}

int weir_arrow_export_schema(const weir_type *schema, struct ArrowSchema *out)
{
    weir_arena *ar = weir_arena_new(16 * 1024);
    if (!ar) return WEIR_ENOMEM;
    if (export_type(ar, "", schema, false, out) != WEIR_OK) {
        weir_arena_destroy(ar);
        memset(out, 0, sizeof(*out));
        return WEIR_ENOMEM;
    }
    out->private_data = ar;
    out->release = schema_root_release;
    return WEIR_OK;
}
