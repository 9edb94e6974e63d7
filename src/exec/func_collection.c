/*
 * Collection functions (Spark's complexTypeCreator.scala, collectionOperations.scala,
 * complexTypeExtractors.scala): struct / named_struct / array / map constructors, and
 * size, element_at, a[i] and friends over ARRAY and MAP vectors. Arrays and maps are
 * Arrow-style (offsets + child vectors), so constructors reuse their argument vectors as
 * children where they can (struct, map_keys, map_values) and extractors gather child rows
 * by index in one pass (weir_vec_gather with -1 for NULL).
 *
 * Non-ANSI behaviour is Spark 3.5's default: out-of-range element_at / a[i] give NULL,
 * size(NULL) is -1 (spark.sql.legacy.sizeOfNull), duplicate map keys are an error
 * (spark.sql.mapKeyDedupPolicy = EXCEPTION).
 */
#include <string.h>

#include "base/strbuf.h"
#include "exec/func_util.h"
#include "exec/show.h"
#include "plan/expr.h"

static inline bool row_null(const weir_vec *v, int32_t i)
{
    return v->type->id == WEIR_T_NULL || (v->valid && !weir_bit_get(v->valid, i));
}

static int nomem(weir_eval_ctx *ctx)
{
    return weir_err_nomem(ctx->err);
}

static bool ansi_bind(const weir_bind_ctx *bc)
{
    return bc->conf && bc->conf->ansi;
}

static bool ansi_eval(const weir_eval_ctx *ctx)
{
    return ctx->conf && ctx->conf->ansi;
}

static void nullable_any(weir_expr *e)
{
    e->nullable = false;
    for (int i = 0; i < e->nargs; i++)
        e->nullable |= e->args[i]->nullable;
}

static int type_error(weir_bind_ctx *bc, weir_expr *e, int i, const char *required, weir_error *err)
{
    char tb[256];
    const char *ap = weir_expr_pretty(bc->arena, e->args[i]);
    return weir_err(err, WEIR_EANALYSIS,
                    "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to data "
                    "type mismatch: Parameter %d requires the %s type, however \"%s\" has the "
                    "type \"%s\".",
                    weir_expr_pretty(bc->arena, e), i + 1, required, ap ? ap : "?",
                    weir_type_sql(e->args[i]->type, tb, sizeof(tb)));
}

/* Appends the array rows of a whole vector: out row i = elements sel[...] of child. */
static int close_row(weir_vec *o)
{
    if (o->len >= o->cap && weir_vec_reserve(o, o->len + 1)) return WEIR_ENOMEM;
    o->offsets[o->len + 1] = o->child[0]->len;
    o->len++;
    return WEIR_OK;
}

/* ==== constructors ======================================================================= */

/* struct(a, b, 1): fields named after column references, else col<n>. */
static int bind_struct(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    weir_field *f = WEIR_ARENA_NEWN(bc->arena, weir_field, e->nargs ? e->nargs : 1);
    if (!f) return weir_err_nomem(err);
    for (int i = 0; i < e->nargs; i++) {
        const weir_expr *a = e->args[i];
        const char *name = NULL;
        if (a->kind == WEIR_EX_FIELD && a->args[0]->type->id == WEIR_T_STRUCT && a->field >= 0 &&
            a->field < a->args[0]->type->nfields)
            name = a->args[0]->type->fields[a->field].name;
        else if (a->kind == WEIR_EX_COLUMN)
            name = weir_expr_pretty(bc->arena, e->args[i]);
        if (!name) name = weir_arena_sprintf(bc->arena, "col%d", i + 1);
        if (!name) return weir_err_nomem(err);
        f[i] = (weir_field){name, a->type, a->nullable};
    }
    if (!(e->type = weir_type_struct(bc->arena, f, e->nargs))) return weir_err_nomem(err);
    e->nullable = false;
    return WEIR_OK;
}

/* named_struct('a', 1, 'b', x) */
static int bind_named_struct(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 0 || e->nargs % 2)
        return weir_err(err, WEIR_EANALYSIS,
                        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `named_struct` requires 2n (n > "
                        "0) parameters but the actual number is %d.",
                        e->nargs);
    int nf = e->nargs / 2;
    weir_field *f = WEIR_ARENA_NEWN(bc->arena, weir_field, nf);
    if (!f) return weir_err_nomem(err);
    for (int k = 0; k < nf; k++) {
        const weir_expr *nm = e->args[2 * k];
        if (nm->kind != WEIR_EX_LITERAL || nm->type->id != WEIR_T_STRING || nm->lit.is_null) {
            const char *p = weir_expr_pretty(bc->arena, e->args[2 * k]);
            return weir_err(err, WEIR_EANALYSIS,
                            "[DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING] "
                            "Cannot resolve \"%s\" due to data type mismatch: Only foldable "
                            "`STRING` expressions are allowed to appear at odd position, but "
                            "they are [\"%s\"].",
                            weir_expr_pretty(bc->arena, e), p ? p : "?");
        }
        const char *name = weir_arena_strndup(bc->arena, nm->lit.u.s.p, (size_t)nm->lit.u.s.len);
        if (!name) return weir_err_nomem(err);
        f[k] = (weir_field){name, e->args[2 * k + 1]->type, e->args[2 * k + 1]->nullable};
    }
    if (!(e->type = weir_type_struct(bc->arena, f, nf))) return weir_err_nomem(err);
    e->nullable = false;
    return WEIR_OK;
}

/* The struct's children are the value vectors themselves (vectors are read-only). */
static int exec_struct_common(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                              weir_vec **out, int first, int step)
{
    weir_vec *o = WEIR_ARENA_NEW(ctx->arena, weir_vec);
    int nf = e->type->nfields;
    weir_vec **ch = WEIR_ARENA_NEWN(ctx->arena, weir_vec *, nf ? nf : 1);
    if (!o || !ch) return nomem(ctx);
    for (int k = 0; k < nf; k++)
        ch[k] = args[first + k * step];
    o->type = e->type;
    o->len = o->cap = n;
    o->nchild = nf;
    o->child = ch;
    o->arena = ctx->arena;
    *out = o;
    return WEIR_OK;
}

static int exec_struct(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    return exec_struct_common(ctx, e, args, n, out, 0, 1);
}

static int exec_named_struct(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                             weir_vec **out)
{
    return exec_struct_common(ctx, e, args, n, out, 1, 2);
}

/* "struct(a, b)" and "named_struct(a, 1)" print only their values / all arguments. */
static const char *pretty_struct(weir_arena *a, const weir_expr *e)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_sb_puts(&sb, "struct(");
    for (int i = 0; i < e->nargs; i++) {
        const char *p = weir_expr_pretty(a, e->args[i]);
        weir_sb_printf(&sb, "%s%s", i ? ", " : "", p ? p : "?");
    }
    weir_sb_putc(&sb, ')');
    char *r = sb.oom ? NULL : weir_arena_strndup(a, sb.p, sb.len);
    weir_sb_free(&sb);
    return r;
}

/* array(a, b, ...) */
static int bind_array(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *el = WEIR_TYPE_NULL;
    if (e->nargs > 0) {
        int rc = weir_coerce_args_common(bc, e, 0, e->nargs, err);
        if (rc != WEIR_OK) return rc;
        el = e->args[0]->type;
    }
    if (!(e->type = weir_type_array(bc->arena, el))) return weir_err_nomem(err);
    e->nullable = false;
    return WEIR_OK;
}

static int exec_array(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    int k = e->nargs;
    if (k && weir_vec_reserve(o->child[0], n * k)) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        for (int a = 0; a < k; a++) {
            const weir_vec *v = args[a];
            int rc = v->type->id == WEIR_T_NULL ? weir_vec_append_null(o->child[0])
                                                : weir_vec_append_range(o->child[0], v, i, 1);
            if (rc) return nomem(ctx);
        }
        if (close_row(o)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* map(k1, v1, k2, v2, ...) */
static int common_of(weir_bind_ctx *bc, weir_expr *e, int first, const weir_type **out)
{
    const weir_type *t = NULL;
    for (int i = first; i < e->nargs; i += 2) {
        const weir_type *x = e->args[i]->type;
        if (!t)
            t = x;
        else if (!(t = weir_common_type(bc->arena, t, x)))
            return WEIR_EANALYSIS;
    }
    *out = t ? t : WEIR_TYPE_NULL;
    return WEIR_OK;
}

static int map_diff_types(weir_bind_ctx *bc, weir_expr *e, int first, weir_error *err)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    char tb[256];
    for (int i = first; i < e->nargs; i += 2)
        weir_sb_printf(&sb, "%s\"%s\"", i > first ? ", " : "",
                       weir_type_sql(e->args[i]->type, tb, sizeof(tb)));
    int rc = weir_err(err, WEIR_EANALYSIS,
                      "[DATATYPE_MISMATCH.CREATE_MAP_%s_DIFF_TYPES] Cannot resolve \"%s\" due to "
                      "data type mismatch: The given %s of function `map` should all be the same "
                      "type, but they are [%s].",
                      first ? "VALUE" : "KEY", weir_expr_pretty(bc->arena, e),
                      first ? "values" : "keys", sb.p ? sb.p : "");
    weir_sb_free(&sb);
    return rc;
}

static int bind_map(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs % 2)
        return weir_err(err, WEIR_EANALYSIS,
                        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `map` requires 2n (n > 0) "
                        "parameters but the actual number is %d.",
                        e->nargs);
    const weir_type *kt, *vt;
    if (common_of(bc, e, 0, &kt)) return map_diff_types(bc, e, 0, err);
    if (common_of(bc, e, 1, &vt)) return map_diff_types(bc, e, 1, err);
    for (int i = 0; i < e->nargs; i++) {
        int rc = weir_coerce_arg(bc, e, i, i % 2 ? vt : kt, err);
        if (rc != WEIR_OK) return rc;
    }
    if (!(e->type = weir_type_map(bc->arena, kt, vt))) return weir_err_nomem(err);
    e->nullable = false;
    return WEIR_OK;
}

static int dup_key_error(weir_eval_ctx *ctx, const weir_vec *keys, int32_t j)
{
    weir_value v;
    weir_vec_get(keys, j, &v);
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_value_to_text(&v, ctx->conf ? ctx->conf->tz : NULL, WEIR_TEXT_CAST, &sb);
    int rc = weir_err(ctx->err, WEIR_ERUNTIME,
                      "[DUPLICATED_MAP_KEY] Duplicate map key %s was found, please check the "
                      "input data. If you want to remove the duplicated keys, you can set "
                      "\"spark.sql.mapKeyDedupPolicy\" to \"LAST_WIN\" so that the key inserted "
                      "at last takes precedence.",
                      sb.p ? sb.p : "");
    weir_sb_free(&sb);
    return rc;
}

static int exec_map(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                    weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    weir_vec *kc = o->child[0], *vc = o->child[1];
    for (int32_t i = 0; i < n; i++) {
        int32_t base = kc->len;
        for (int a = 0; a + 1 < e->nargs; a += 2) {
            if (row_null(args[a], i))
                return weir_err(ctx->err, WEIR_ERUNTIME,
                                "[NULL_MAP_KEY] Cannot use null as map key.");
            for (int32_t j = base; j < kc->len; j++)
                if (weir_fk_row_cmp(kc, j, args[a], i) == 0) return dup_key_error(ctx, kc, j);
            const weir_vec *v = args[a + 1];
            if (weir_vec_append_range(kc, args[a], i, 1) ||
                (v->type->id == WEIR_T_NULL ? weir_vec_append_null(vc)
                                            : weir_vec_append_range(vc, v, i, 1)))
                return nomem(ctx);
        }
        if (o->len >= o->cap && weir_vec_reserve(o, o->len + 1)) return nomem(ctx);
        o->offsets[o->len + 1] = kc->len;
        o->len++;
    }
    *out = o;
    return WEIR_OK;
}

/* ==== size, element access ============================================================== */

static int bind_size(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    weir_type_id id = e->args[0]->type->id;
    if (id != WEIR_T_ARRAY && id != WEIR_T_MAP && id != WEIR_T_NULL)
        return type_error(bc, e, 0, "(\"ARRAY\" or \"MAP\")", err);
    e->type = WEIR_TYPE_INT;
    e->nullable = ansi_bind(bc) && e->args[0]->nullable;
    return WEIR_OK;
}

static int exec_size(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                     weir_vec **out)
{
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_INT, n);
    if (!o) return nomem(ctx);
    int32_t *d = o->data;
    const weir_vec *a = args[0];
    bool ansi = ansi_eval(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (row_null(a, i)) {
            d[i] = -1;
            if (ansi && weir_fk_set_null(o, i)) return nomem(ctx);
            continue;
        }
        d[i] = a->offsets[i + 1] - a->offsets[i];
    }
    *out = o;
    return WEIR_OK;
}

/* Index of `key` (row i of kv) among the keys of map row r, or -1. */
static int32_t map_find(const weir_vec *m, int32_t r, const weir_vec *kv, int32_t i)
{
    const weir_vec *keys = m->child[0];
    for (int32_t j = m->offsets[r]; j < m->offsets[r + 1]; j++)
        if (weir_fk_row_cmp(keys, j, kv, i) == 0) return j;
    return -1;
}

typedef struct access_bd {
    bool subscript; /* a[i]: 0-based */
} access_bd;

static int bind_access(weir_bind_ctx *bc, weir_expr *e, weir_error *err, bool subscript)
{
    const weir_type *t = e->args[0]->type;
    int rc;
    if (t->id == WEIR_T_ARRAY) {
        if ((rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_INT, err)) != WEIR_OK) return rc;
        e->type = t->elem;
    } else if (t->id == WEIR_T_MAP) {
        if ((rc = weir_coerce_arg(bc, e, 1, t->elem, err)) != WEIR_OK) return rc;
        e->type = t->value;
    } else {
        return type_error(bc, e, 0, "(\"ARRAY\" or \"MAP\")", err);
    }
    access_bd *bd = WEIR_ARENA_NEW(bc->arena, access_bd);
    if (!bd) return weir_err_nomem(err);
    bd->subscript = subscript;
    e->bind_data = bd;
    e->nullable = true;
    return WEIR_OK;
}

static int bind_element_at(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_access(bc, e, err, false);
}

static int bind_subscript(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_access(bc, e, err, true);
}

static int exec_access(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    const access_bd *bd = e->bind_data;
    const weir_vec *a = args[0], *k = args[1];
    int32_t *sel = weir_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!sel) return nomem(ctx);
    bool map = a->type->id == WEIR_T_MAP;
    bool ansi = ansi_eval(ctx);
    for (int32_t i = 0; i < n; i++) {
        sel[i] = -1;
        if (row_null(a, i) || row_null(k, i)) continue;
        if (map) {
            sel[i] = map_find(a, i, k, i);
            continue;
        }
        int32_t idx = ((const int32_t *)k->data)[i];
        int32_t cnt = a->offsets[i + 1] - a->offsets[i];
        int64_t pos;
        if (bd->subscript) {
            pos = idx;
        } else {
            if (idx == 0)
                return weir_err(ctx->err, WEIR_ERUNTIME,
                                "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall "
                                "be either < 0 or > 0 (the first element has index 1).");
            pos = idx > 0 ? (int64_t)idx - 1 : (int64_t)cnt + idx;
        }
        if (pos < 0 || pos >= cnt) {
            if (!ansi) continue;
            if (bd->subscript)
                return weir_err(ctx->err, WEIR_ERUNTIME,
                                "[INVALID_ARRAY_INDEX] The index %d is out of bounds. The array "
                                "has %d elements. Use the SQL function `get()` to tolerate "
                                "accessing element at invalid index and return NULL instead. If "
                                "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                                "this error.",
                                idx, cnt);
            return weir_err(ctx->err, WEIR_ERUNTIME,
                            "[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index %d is out of bounds. "
                            "The array has %d elements. Use `try_element_at` to tolerate "
                            "accessing element at invalid index and return NULL instead. If "
                            "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                            "this error.",
                            idx, cnt);
        }
        sel[i] = a->offsets[i] + (int32_t)pos;
    }
    const weir_vec *src = map ? a->child[1] : a->child[0];
    weir_vec *o = weir_vec_gather(ctx->arena, src, sel, n);
    if (!o) return nomem(ctx);
    *out = o;
    return WEIR_OK;
}

/* Spark names a[i] "a[i]". */
static const char *pretty_subscript(weir_arena *a, const weir_expr *e)
{
    const char *x = weir_expr_pretty(a, e->args[0]);
    const char *i = weir_expr_pretty(a, e->args[1]);
    return weir_arena_sprintf(a, "%s[%s]", x ? x : "?", i ? i : "?");
}

static int bind_map_part(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    if (t->id != WEIR_T_MAP) return type_error(bc, e, 0, "\"MAP\"", err);
    bool keys = strcmp(e->fn->name, "map_keys") == 0;
    if (!(e->type = weir_type_array(bc->arena, keys ? t->elem : t->value)))
        return weir_err_nomem(err);
    e->nullable = e->args[0]->nullable;
    return WEIR_OK;
}

/* map_keys / map_values share the map's offsets and child (zero copy). */
static int exec_map_part(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    const weir_vec *m = args[0];
    weir_vec *o = WEIR_ARENA_NEW(ctx->arena, weir_vec);
    weir_vec **ch = WEIR_ARENA_NEWN(ctx->arena, weir_vec *, 1);
    if (!o || !ch) return nomem(ctx);
    if (m->type->id == WEIR_T_NULL) {
        weir_vec *nv = weir_vec_nulls(ctx->arena, e->type, n);
        if (!nv) return nomem(ctx);
        *out = nv;
        return WEIR_OK;
    }
    *o = *m;
    o->type = e->type;
    o->nchild = 1;
    ch[0] = m->child[strcmp(e->fn->name, "map_keys") == 0 ? 0 : 1];
    o->child = ch;
    *out = o;
    return WEIR_OK;
}

/* ==== array functions ==================================================================== */

static int need_array(weir_bind_ctx *bc, weir_expr *e, int i, weir_error *err)
{
    weir_type_id id = e->args[i]->type->id;
    if (id == WEIR_T_ARRAY) return WEIR_OK;
    return type_error(bc, e, i, "\"ARRAY\"", err);
}

/* array_contains(a, v) / array_position(a, v) */
static int bind_array_search(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = need_array(bc, e, 0, err);
    if (rc != WEIR_OK) return rc;
    const weir_type *el = e->args[0]->type->elem;
    const weir_type *vt = e->args[1]->type;
    const weir_type *ct = el->id == WEIR_T_NULL ? vt : weir_common_type(bc->arena, el, vt);
    if (!ct) {
        char t1[256], t2[256];
        return weir_err(err, WEIR_EANALYSIS,
                        "[DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES] Cannot resolve \"%s\" due "
                        "to data type mismatch: Input to `%s` should have been \"ARRAY\" followed "
                        "by a value with same element type, but it's [\"%s\", \"%s\"].",
                        weir_expr_pretty(bc->arena, e), e->fn->name,
                        weir_type_sql(e->args[0]->type, t1, sizeof(t1)),
                        weir_type_sql(vt, t2, sizeof(t2)));
    }
    const weir_type *at = weir_type_array(bc->arena, ct);
    if (!at) return weir_err_nomem(err);
    if ((rc = weir_coerce_arg(bc, e, 0, at, err)) != WEIR_OK ||
        (rc = weir_coerce_arg(bc, e, 1, ct, err)) != WEIR_OK)
        return rc;
    bool pos = strcmp(e->fn->name, "array_position") == 0;
    e->type = pos ? WEIR_TYPE_BIGINT : WEIR_TYPE_BOOLEAN;
    nullable_any(e);
    if (!pos) e->nullable = true; /* NULL when not found but the array holds a NULL */
    return WEIR_OK;
}

static int exec_array_contains(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    const weir_vec *a = args[0], *v = args[1];
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BOOLEAN, n);
    if (!o) return nomem(ctx);
    uint8_t *d = o->data;
    const weir_vec *c = a->child[0];
    for (int32_t i = 0; i < n; i++) {
        d[i] = 0;
        if (row_null(a, i) || row_null(v, i)) {
            if (weir_fk_set_null(o, i)) return nomem(ctx);
            continue;
        }
        bool found = false, saw_null = false;
        for (int32_t j = a->offsets[i]; j < a->offsets[i + 1] && !found; j++) {
            if (row_null(c, j))
                saw_null = true;
            else
                found = weir_fk_row_cmp(c, j, v, i) == 0;
        }
        d[i] = found;
        if (!found && saw_null && weir_fk_set_null(o, i)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

static int exec_array_position(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    const weir_vec *a = args[0], *v = args[1];
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BIGINT, n);
    if (!o) return nomem(ctx);
    int64_t *d = o->data;
    const weir_vec *c = a->child[0];
    for (int32_t i = 0; i < n; i++) {
        d[i] = 0;
        if (row_null(a, i) || row_null(v, i)) {
            if (weir_fk_set_null(o, i)) return nomem(ctx);
            continue;
        }
        for (int32_t j = a->offsets[i]; j < a->offsets[i + 1]; j++)
            if (!row_null(c, j) && weir_fk_row_cmp(c, j, v, i) == 0) {
                d[i] = j - a->offsets[i] + 1;
                break;
            }
    }
    *out = o;
    return WEIR_OK;
}

/* Functions whose result has the input array's type. */
static int bind_array_same(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = need_array(bc, e, 0, err);
    if (rc != WEIR_OK) return rc;
    e->type = e->args[0]->type;
    e->nullable = e->args[0]->nullable;
    return WEIR_OK;
}

static int exec_array_distinct(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    const weir_vec *a = args[0];
    const weir_vec *c = a->child[0];
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    weir_vec *oc = o->child[0];
    for (int32_t i = 0; i < n; i++) {
        if (row_null(a, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t base = oc->len;
        bool had_null = false;
        for (int32_t j = a->offsets[i]; j < a->offsets[i + 1]; j++) {
            bool dup = false;
            if (row_null(c, j)) {
                dup = had_null;
                had_null = true;
            } else {
                for (int32_t q = base; q < oc->len && !dup; q++)
                    dup = !row_null(oc, q) && weir_fk_row_cmp(oc, q, c, j) == 0;
            }
            if (!dup && weir_vec_append_range(oc, c, j, 1)) return nomem(ctx);
        }
        if (close_row(o)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* Stable merge sort of element indexes by Spark's ordering; NULLs first or last. */
typedef struct sort_cx {
    const weir_vec *c;
    bool asc, nulls_first;
} sort_cx;

static int sort_cmp(const sort_cx *cx, int32_t x, int32_t y)
{
    bool nx = row_null(cx->c, x), ny = row_null(cx->c, y);
    if (nx || ny) {
        if (nx && ny) return 0;
        return (nx ? -1 : 1) * (cx->nulls_first ? 1 : -1);
    }
    int r = weir_fk_row_cmp(cx->c, x, cx->c, y);
    return cx->asc ? r : -r;
}

static void msort(const sort_cx *cx, int32_t *v, int32_t *tmp, int32_t n)
{
    if (n < 2) return;
    int32_t h = n / 2;
    msort(cx, v, tmp, h);
    msort(cx, v + h, tmp, n - h);
    int32_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = sort_cmp(cx, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, sizeof(int32_t) * (size_t)n);
}

static int bind_sort_array(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = need_array(bc, e, 0, err);
    if (rc != WEIR_OK) return rc;
    if (e->nargs == 1) {
        weir_value t = {.type = WEIR_TYPE_BOOLEAN};
        t.u.i = 1;
        weir_expr **na = WEIR_ARENA_NEWN(bc->arena, weir_expr *, 2);
        weir_expr *lit = weir_expr_literal(bc->arena, &t);
        if (!na || !lit) return weir_err_nomem(err);
        na[0] = e->args[0];
        na[1] = lit;
        e->args = na;
        e->nargs = 2;
    }
    const weir_expr *asc = e->args[1];
    if (asc->kind != WEIR_EX_LITERAL || asc->type->id != WEIR_T_BOOLEAN) {
        return weir_err(err, WEIR_EANALYSIS,
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to "
                        "data type mismatch: Parameter 2 requires the \"BOOLEAN\" type, however "
                        "\"%s\" has the type \"%s\".",
                        weir_expr_pretty(bc->arena, e), weir_expr_pretty(bc->arena, e->args[1]),
                        "non-literal");
    }
    e->type = e->args[0]->type;
    e->nullable = e->args[0]->nullable;
    return WEIR_OK;
}

static int exec_sorted(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out, bool asc, bool nulls_first)
{
    const weir_vec *a = args[0];
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    sort_cx cx = {a->child[0], asc, nulls_first};
    int32_t cap = 0, *idx = NULL, *tmp = NULL;
    for (int32_t i = 0; i < n; i++) {
        if (row_null(a, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t b0 = a->offsets[i], cnt = a->offsets[i + 1] - b0;
        if (cnt > cap) {
            cap = cnt * 2;
            idx = weir_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)cap);
            tmp = weir_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)cap);
            if (!idx || !tmp) return nomem(ctx);
        }
        for (int32_t k = 0; k < cnt; k++)
            idx[k] = b0 + k;
        msort(&cx, idx, tmp, cnt);
        for (int32_t k = 0; k < cnt; k++)
            if (weir_vec_append_range(o->child[0], a->child[0], idx[k], 1)) return nomem(ctx);
        if (close_row(o)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* array_sort(a): ascending, NULLs last. */
static int exec_array_sort(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    return exec_sorted(ctx, e, args, n, out, true, false);
}

/* sort_array(a, asc): NULLs first when ascending, last when descending. */
static int exec_sort_array(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    const weir_expr *l = e->args[1];
    bool asc = l->lit.is_null || l->lit.u.i != 0;
    return exec_sorted(ctx, e, args, n, out, asc, asc);
}

/* array_max / array_min: NULL elements skipped; NULL when none is left. */
static int bind_array_extreme(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = need_array(bc, e, 0, err);
    if (rc != WEIR_OK) return rc;
    e->type = e->args[0]->type->elem;
    e->nullable = true;
    return WEIR_OK;
}

static int exec_array_extreme(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                              weir_vec **out)
{
    const weir_vec *a = args[0];
    const weir_vec *c = a->child[0];
    bool max = strcmp(e->fn->name, "array_max") == 0;
    int32_t *sel = weir_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)(n ? n : 1));
    if (!sel) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        sel[i] = -1;
        if (row_null(a, i)) continue;
        for (int32_t j = a->offsets[i]; j < a->offsets[i + 1]; j++) {
            if (row_null(c, j)) continue;
            if (sel[i] < 0) {
                sel[i] = j;
                continue;
            }
            int r = weir_fk_row_cmp(c, j, c, sel[i]);
            if (max ? r > 0 : r < 0) sel[i] = j;
        }
    }
    weir_vec *o = weir_vec_gather(ctx->arena, c, sel, n);
    if (!o) return nomem(ctx);
    *out = o;
    return WEIR_OK;
}

/* array_join(a, delimiter[, nullReplacement]) */
static int bind_array_join(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = need_array(bc, e, 0, err);
    if (rc != WEIR_OK) return rc;
    const weir_type *as = weir_type_array(bc->arena, WEIR_TYPE_STRING);
    if (!as) return weir_err_nomem(err);
    if ((rc = weir_coerce_arg(bc, e, 0, as, err)) != WEIR_OK) return rc;
    for (int i = 1; i < e->nargs; i++)
        if ((rc = weir_coerce_arg(bc, e, i, WEIR_TYPE_STRING, err)) != WEIR_OK) return rc;
    e->type = WEIR_TYPE_STRING;
    nullable_any(e);
    return WEIR_OK;
}

static int exec_array_join(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    const weir_vec *a = args[0];
    const weir_vec *c = a->child[0];
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        bool isnull =
            row_null(a, i) || row_null(args[1], i) || (e->nargs > 2 && row_null(args[2], i));
        if (isnull) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t dl, rl = 0;
        const char *dm = weir_vec_str(args[1], i, &dl);
        const char *rep = e->nargs > 2 ? weir_vec_str(args[2], i, &rl) : NULL;
        /* size first, then copy */
        int64_t total = 0;
        int cnt = 0;
        for (int32_t j = a->offsets[i]; j < a->offsets[i + 1]; j++) {
            int32_t l;
            if (row_null(c, j)) {
                if (!rep) continue;
                l = rl;
            } else {
                weir_vec_str(c, j, &l);
            }
            total += l + (cnt ? dl : 0);
            cnt++;
        }
        if (weir_vec_reserve_bytes(o, total)) return nomem(ctx);
        char *w = (char *)o->data + o->offsets[o->len];
        int64_t k = 0;
        cnt = 0;
        for (int32_t j = a->offsets[i]; j < a->offsets[i + 1]; j++) {
            int32_t l;
            const char *s;
            if (row_null(c, j)) {
                if (!rep) continue;
                s = rep;
                l = rl;
            } else {
                s = weir_vec_str(c, j, &l);
            }
            if (cnt++) {
                memcpy(w + k, dm, (size_t)dl);
                k += dl;
            }
            memcpy(w + k, s, (size_t)l);
            k += l;
        }
        o->offsets[o->len + 1] = o->offsets[o->len] + (int32_t)k;
        o->len++;
    }
    *out = o;
    return WEIR_OK;
}

/* slice(a, start, length) */
static int bind_slice(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = need_array(bc, e, 0, err);
    if (rc != WEIR_OK) return rc;
    if ((rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_INT, err)) != WEIR_OK ||
        (rc = weir_coerce_arg(bc, e, 2, WEIR_TYPE_INT, err)) != WEIR_OK)
        return rc;
    e->type = e->args[0]->type;
    nullable_any(e);
    return WEIR_OK;
}

static int exec_slice(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    const weir_vec *a = args[0];
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (row_null(a, i) || row_null(args[1], i) || row_null(args[2], i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t start = ((const int32_t *)args[1]->data)[i];
        int32_t len = ((const int32_t *)args[2]->data)[i];
        int32_t b0 = a->offsets[i], cnt = a->offsets[i + 1] - b0;
        if (start == 0)
            return weir_err(ctx->err, WEIR_ERUNTIME,
                            "[INVALID_PARAMETER_VALUE.START] The value of parameter(s) `start` in "
                            "`slice` is invalid: Expects a positive or a negative value for "
                            "`start`, but got 0.");
        if (len < 0)
            return weir_err(ctx->err, WEIR_ERUNTIME,
                            "[INVALID_PARAMETER_VALUE.LENGTH] The value of parameter(s) `length` "
                            "in `slice` is invalid: Expects `length` greater than or equal to 0, "
                            "but got %d.",
                            len);
        int64_t from = start > 0 ? (int64_t)start - 1 : (int64_t)cnt + start;
        if (from >= 0 && from < cnt) {
            int64_t take = (int64_t)cnt - from < len ? (int64_t)cnt - from : len;
            if (weir_vec_append_range(o->child[0], a->child[0], b0 + (int32_t)from, (int32_t)take))
                return nomem(ctx);
        }
        if (close_row(o)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* flatten(array<array<T>>) */
static int bind_flatten(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    if (t->id != WEIR_T_ARRAY || t->elem->id != WEIR_T_ARRAY)
        return type_error(bc, e, 0, "\"ARRAY\" of \"ARRAY\"", err);
    e->type = t->elem;
    e->nullable = e->args[0]->nullable;
    return WEIR_OK;
}

static int exec_flatten(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    const weir_vec *a = args[0];
    const weir_vec *inner = a->child[0];
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        bool isnull = row_null(a, i);
        for (int32_t j = a->offsets[i]; !isnull && j < a->offsets[i + 1]; j++)
            isnull = row_null(inner, j);
        if (isnull) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t j0 = a->offsets[i], j1 = a->offsets[i + 1];
        if (j1 > j0) {
            int32_t e0 = inner->offsets[j0], e1 = inner->offsets[j1];
            if (weir_vec_append_range(o->child[0], inner->child[0], e0, e1 - e0)) return nomem(ctx);
        }
        if (close_row(o)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* arrays_zip(a, b, ...): array of structs named after the arguments ("0", "1", ... when an
 * argument is not a column). */
static int bind_arrays_zip(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    weir_field *f = WEIR_ARENA_NEWN(bc->arena, weir_field, e->nargs ? e->nargs : 1);
    if (!f) return weir_err_nomem(err);
    for (int i = 0; i < e->nargs; i++) {
        int rc = need_array(bc, e, i, err);
        if (rc != WEIR_OK) return rc;
        const weir_expr *a = e->args[i];
        const char *name;
        if (a->kind == WEIR_EX_COLUMN)
            name = weir_expr_pretty(bc->arena, e->args[i]);
        else if (a->kind == WEIR_EX_FIELD)
            name = a->args[0]->type->fields[a->field].name;
        else
            name = weir_arena_sprintf(bc->arena, "%d", i);
        if (!name) return weir_err_nomem(err);
        f[i] = (weir_field){name, a->type->elem, true};
    }
    const weir_type *st = weir_type_struct(bc->arena, f, e->nargs);
    if (!st || !(e->type = weir_type_array(bc->arena, st))) return weir_err_nomem(err);
    nullable_any(e);
    return WEIR_OK;
}

static int exec_arrays_zip(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    weir_vec *sv = o->child[0];
    for (int32_t i = 0; i < n; i++) {
        int32_t longest = 0;
        bool isnull = false;
        for (int k = 0; k < e->nargs; k++) {
            if (row_null(args[k], i)) {
                isnull = true;
                break;
            }
            int32_t c = args[k]->offsets[i + 1] - args[k]->offsets[i];
            if (c > longest) longest = c;
        }
        if (isnull) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        if (weir_vec_reserve(sv, sv->len + longest)) return nomem(ctx);
        for (int32_t j = 0; j < longest; j++) {
            for (int k = 0; k < e->nargs; k++) {
                const weir_vec *a = args[k];
                int32_t cnt = a->offsets[i + 1] - a->offsets[i];
                int rc =
                    j < cnt ? weir_vec_append_range(sv->child[k], a->child[0], a->offsets[i] + j, 1)
                            : weir_vec_append_null(sv->child[k]);
                if (rc) return nomem(ctx);
            }
            sv->len++;
        }
        if (close_row(o)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* ==== table ============================================================================== */

#define SCALAR(nm, mn, mx, b, x)                                                                   \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = mn, .max_args = mx, .bind = b, .exec = x   \
    }

const weir_func weir_funcs_collection[] = {
    {.name = "struct",
     .kind = WEIR_FN_SCALAR,
     .min_args = 0,
     .max_args = -1,
     .bind = bind_struct,
     .exec = exec_struct,
     .pretty = pretty_struct},
    SCALAR("named_struct", 2, -1, bind_named_struct, exec_named_struct),
    SCALAR("array", 0, -1, bind_array, exec_array),
    SCALAR("map", 0, -1, bind_map, exec_map),
    SCALAR("size", 1, 1, bind_size, exec_size),
    SCALAR("cardinality", 1, 1, bind_size, exec_size),
    SCALAR("element_at", 2, 2, bind_element_at, exec_access),
    {.name = "subscript",
     .kind = WEIR_FN_SCALAR,
     .min_args = 2,
     .max_args = 2,
     .bind = bind_subscript,
     .exec = exec_access,
     .pretty = pretty_subscript},
    SCALAR("map_keys", 1, 1, bind_map_part, exec_map_part),
    SCALAR("map_values", 1, 1, bind_map_part, exec_map_part),
    SCALAR("array_contains", 2, 2, bind_array_search, exec_array_contains),
    SCALAR("array_position", 2, 2, bind_array_search, exec_array_position),
    SCALAR("array_distinct", 1, 1, bind_array_same, exec_array_distinct),
    SCALAR("array_sort", 1, 1, bind_array_same, exec_array_sort),
    SCALAR("sort_array", 1, 2, bind_sort_array, exec_sort_array),
    SCALAR("array_max", 1, 1, bind_array_extreme, exec_array_extreme),
    SCALAR("array_min", 1, 1, bind_array_extreme, exec_array_extreme),
    SCALAR("array_join", 2, 3, bind_array_join, exec_array_join),
    SCALAR("slice", 3, 3, bind_slice, exec_slice),
    SCALAR("flatten", 1, 1, bind_flatten, exec_flatten),
    SCALAR("arrays_zip", 1, -1, bind_arrays_zip, exec_arrays_zip),
    {0},
};
