/*
 * JSON SQL functions (Spark's jsonExpressions.scala): from_json, to_json,
 * get_json_object, schema_of_json. They are thin vector kernels over the formats layer so
 * that from_json parses Kafka values with exactly the reader the json file source uses
 * (same conversions, same PERMISSIVE/FAILFAST behaviour, same speed), and to_json writes
 * what the json sink writes. json_tuple is a generator and lives with the generators.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/formats.h"
#include "plan/expr.h"
#include "sql/ast.h"

/* ---- shared helpers ------------------------------------------------------------------------- */

typedef struct json_opts {
    weir_kv *kv;
    int n;
} json_opts;

/* Reads the options argument: a MAP<STRING, STRING> literal, or a call of map() whose
 * arguments are string literals (Spark: "Must use the `map()` function for options"). */
static int read_options(weir_bind_ctx *bc, const weir_expr *m, json_opts *o, weir_error *err)
{
    o->kv = NULL;
    o->n = 0;
    char buf[128];
    if (m->type->id != WEIR_T_MAP ||
        (m->kind != WEIR_EX_LITERAL &&
         !(m->kind == WEIR_EX_CALL && m->fname && strcasecmp(m->fname, "map") == 0)))
        return weir_err(err, WEIR_EANALYSIS,
                        "[INVALID_OPTIONS.NON_MAP_FUNCTION] Invalid options: Must use the `map()` "
                        "function for options.");
    if (m->type->elem->id != WEIR_T_STRING || m->type->value->id != WEIR_T_STRING)
        return weir_err(err, WEIR_EANALYSIS,
                        "[INVALID_OPTIONS.NON_STRING_TYPE] Invalid options: A type of keys and "
                        "values in `map()` must be string, but got \"%s\".",
                        weir_type_sql(m->type, buf, sizeof(buf)));
    if (m->kind == WEIR_EX_LITERAL) {
        if (m->lit.is_null) return WEIR_OK;
        const weir_vec *mv = m->lit.u.nested.vec;
        int32_t row = m->lit.u.nested.row;
        int32_t b = mv->offsets[row], e = mv->offsets[row + 1];
        o->kv = WEIR_ARENA_NEWN(bc->arena, weir_kv, e - b + 1);
        if (!o->kv) return weir_err_nomem(err);
        for (int32_t i = b; i < e; i++) {
            int32_t kl, vl;
            const char *k = weir_vec_str(mv->child[0], i, &kl);
            if (weir_vec_is_null(mv->child[1], i)) continue;
            const char *v = weir_vec_str(mv->child[1], i, &vl);
            o->kv[o->n].key = weir_arena_strndup(bc->arena, k, (size_t)kl);
            o->kv[o->n].value = weir_arena_strndup(bc->arena, v, (size_t)vl);
            if (!o->kv[o->n].key || !o->kv[o->n].value) return weir_err_nomem(err);
            o->n++;
        }
        return WEIR_OK;
    }
    o->kv = WEIR_ARENA_NEWN(bc->arena, weir_kv, m->nargs / 2 + 1);
    if (!o->kv) return weir_err_nomem(err);
    for (int i = 0; i + 1 < m->nargs; i += 2) {
        const weir_expr *k = m->args[i], *v = m->args[i + 1];
        while (k->kind == WEIR_EX_CAST && k->implicit)
            k = k->args[0];
        while (v->kind == WEIR_EX_CAST && v->implicit)
            v = v->args[0];
        if (k->kind != WEIR_EX_LITERAL || v->kind != WEIR_EX_LITERAL ||
            k->lit.type->id != WEIR_T_STRING || v->lit.type->id != WEIR_T_STRING)
            return weir_err(err, WEIR_EANALYSIS,
                            "[INVALID_OPTIONS.NON_MAP_FUNCTION] Invalid options: Must use the "
                            "`map()` function for options.");
        if (k->lit.is_null || v->lit.is_null) continue;
        o->kv[o->n].key = weir_arena_strndup(bc->arena, k->lit.u.s.p, (size_t)k->lit.u.s.len);
        o->kv[o->n].value = weir_arena_strndup(bc->arena, v->lit.u.s.p, (size_t)v->lit.u.s.len);
        if (!o->kv[o->n].key || !o->kv[o->n].value) return weir_err_nomem(err);
        o->n++;
    }
    return WEIR_OK;
}

static const char *pretty_first_arg(weir_arena *a, const weir_expr *e)
{
    const char *inner = e->nargs > 0 ? weir_expr_pretty(a, e->args[0]) : "";
    return weir_arena_sprintf(a, "%s(%s)", e->fname ? e->fname : e->fn->name, inner ? inner : "");
}

static int push_row_valid(weir_vec *v)
{
    if (v->len >= v->cap && weir_vec_reserve(v, v->len + 1) != WEIR_OK) return WEIR_ENOMEM;
    if (v->valid) weir_bit_set(v->valid, v->len);
    v->len++;
    return WEIR_OK;
}

static int push_str(weir_vec *v, const char *s, size_t n)
{
    if (v->len >= v->cap && weir_vec_reserve(v, v->len + 1) != WEIR_OK) return WEIR_ENOMEM;
    if (weir_vec_reserve_bytes(v, (int64_t)n) != WEIR_OK) return WEIR_ENOMEM;
    int32_t off = v->offsets[v->len];
    if (n) memcpy((char *)v->data + off, s, n);
    v->offsets[v->len + 1] = off + (int32_t)n;
    if (v->valid) weir_bit_set(v->valid, v->len);
    v->len++;
    return WEIR_OK;
}

/* A string literal argument (after implicit casts), or NULL. */
static const weir_expr *string_literal(const weir_expr *x)
{
    while (x->kind == WEIR_EX_CAST && x->implicit)
        x = x->args[0];
    if (x->kind != WEIR_EX_LITERAL || x->lit.is_null || x->lit.type->id != WEIR_T_STRING)
        return NULL;
    return x;
}

static const weir_type *as_nullable(weir_arena *a, const weir_type *t)
{
    switch (t->id) {
    case WEIR_T_STRUCT: {
        weir_field *f = WEIR_ARENA_NEWN(a, weir_field, t->nfields + 1);
        if (!f) return NULL;
        for (int i = 0; i < t->nfields; i++) {
            f[i].name = t->fields[i].name;
            f[i].nullable = true;
            if (!(f[i].type = as_nullable(a, t->fields[i].type))) return NULL;
        }
        return weir_type_struct(a, f, t->nfields);
    }
    case WEIR_T_ARRAY: {
        const weir_type *e = as_nullable(a, t->elem);
        return e ? weir_type_array(a, e) : NULL;
    }
    case WEIR_T_MAP: {
        const weir_type *v = as_nullable(a, t->value);
        return v ? weir_type_map(a, t->elem, v) : NULL;
    }
    default: return t;
    }
}

/* ---- from_json
 * ----------------------------------------------------------------------------------- */

typedef struct from_json_bd {
    json_opts o;
} from_json_bd;

static int from_json_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_STRING, err);
    if (rc) return rc;
    const weir_expr *lit = string_literal(e->args[1]);
    if (!lit) {
        const char *p = weir_expr_pretty(bc->arena, e->args[1]);
        return weir_err(err, WEIR_EANALYSIS,
                        "[INVALID_SCHEMA.NON_STRING_LITERAL] The input schema \"%s\" is not a "
                        "valid schema string. The input expression must be string literal and "
                        "not null.",
                        p ? p : "");
    }
    char *ddl = weir_arena_strndup(bc->arena, lit->lit.u.s.p, (size_t)lit->lit.u.s.len);
    if (!ddl) return weir_err_nomem(err);
    const weir_type *t;
    if ((rc = weir_sql_parse_schema(bc->arena, ddl, &t, err))) return rc;
    from_json_bd *bd = WEIR_ARENA_NEW(bc->arena, from_json_bd);
    if (!bd) return weir_err_nomem(err);
    if (e->nargs > 2 && (rc = read_options(bc, e->args[2], &bd->o, err))) return rc;
    weir_parse_mode m = weir_parse_mode_of(weir_opt_get(bd->o.kv, bd->o.n, "mode"));
    if (m == WEIR_MODE_DROPMALFORMED)
        return weir_err(err, WEIR_EANALYSIS,
                        "from_json() doesn't support the DROPMALFORMED mode. Acceptable modes are "
                        "PERMISSIVE and FAILFAST.");
    if ((rc = weir_format_check_options(weir_format_lookup("json"), bd->o.kv, bd->o.n, err)))
        return rc;
    if (!(e->type = as_nullable(bc->arena, t))) return weir_err_nomem(err);
    e->nullable = true;
    e->bind_data = bd;
    return WEIR_OK;
}

static int from_json_exec(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                          weir_vec **out)
{
    const from_json_bd *bd = e->bind_data;
    weir_vec *res = weir_vec_new(ctx->arena, e->type, n);
    if (!res) return weir_err_nomem(ctx->err);
    weir_reader *r;
    int rc = weir_reader_open(weir_format_lookup("json"), e->type, NULL, bd->o.kv, bd->o.n,
                              ctx->conf ? ctx->conf->tz : NULL, &r, ctx->err);
    if (rc) return rc;
    const weir_vec *in = args[0];
    for (int32_t i = 0; i < n && rc == WEIR_OK; i++) {
        if (weir_vec_is_null(in, i) || in->type->id == WEIR_T_NULL) {
            rc = weir_vec_append_null(res) ? weir_err_nomem(ctx->err) : WEIR_OK;
            continue;
        }
        int32_t len, k;
        const char *s = weir_vec_str(in, i, &len);
        rc = weir_reader_parse_record(r, s, (size_t)len, false, res->child, &k, ctx->err);
        if (rc) break;
        if (k == 0)
            rc = weir_vec_append_null(res); /* blank input: NULL */
        else
            rc = push_row_valid(res);
        if (rc) rc = weir_err_nomem(ctx->err);
    }
    weir_reader_close(r);
    if (rc) return rc;
    *out = res;
    return WEIR_OK;
}

/* ---- to_json
 * ---------------------------------------------------------------------------------------- */

typedef struct to_json_bd {
    json_opts o;
    bool ignore_null_fields;
} to_json_bd;

static int to_json_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    if (t->id != WEIR_T_STRUCT && t->id != WEIR_T_ARRAY && t->id != WEIR_T_MAP) {
        char buf[128];
        const char *p = weir_expr_pretty(bc->arena, e);
        return weir_err(err, WEIR_EANALYSIS,
                        "[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA] Cannot resolve \"%s\" due to data "
                        "type mismatch: Input schema \"%s\" must be a struct, an array or a map.",
                        p ? p : "to_json", weir_type_sql(t, buf, sizeof(buf)));
    }
    to_json_bd *bd = WEIR_ARENA_NEW(bc->arena, to_json_bd);
    if (!bd) return weir_err_nomem(err);
    int rc;
    if (e->nargs > 1 && (rc = read_options(bc, e->args[1], &bd->o, err))) return rc;
    if ((rc = weir_format_check_options(weir_format_lookup("json"), bd->o.kv, bd->o.n, err)))
        return rc;
    e->type = WEIR_TYPE_STRING;
    e->nullable = e->args[0]->nullable;
    e->bind_data = bd;
    return WEIR_OK;
}

static int to_json_exec(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    const to_json_bd *bd = e->bind_data;
    weir_vec *res = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!res) return weir_err_nomem(ctx->err);
    weir_json_wopts o = {.tz = ctx->conf && ctx->conf->tz ? ctx->conf->tz : weir_tz_default(),
                         .ignore_null_fields = true};
    weir_dtfmt *ts = NULL, *df = NULL;
    int rc = WEIR_OK;
    bool ign = true;
    const char *tf = weir_opt_get(bd->o.kv, bd->o.n, "timestampFormat");
    const char *dfs = weir_opt_get(bd->o.kv, bd->o.n, "dateFormat");
    const char *tzid = weir_opt_get(bd->o.kv, bd->o.n, "timeZone");
    if (tzid) {
        const weir_tz *z = weir_tz_get(tzid, ctx->err);
        if (!z) return ctx->err->code ? ctx->err->code : WEIR_EARG;
        o.tz = z;
    }
    const char *inf = weir_opt_get(bd->o.kv, bd->o.n, "ignoreNullFields");
    if (inf) ign = strcasecmp(inf, "false") != 0;
    o.ignore_null_fields = ign;
    if (tf && !(ts = weir_dtfmt_compile(tf, ctx->err))) return ctx->err->code;
    if (dfs && !(df = weir_dtfmt_compile(dfs, ctx->err))) {
        if (ts) weir_dtfmt_free(ts);
        return ctx->err->code;
    }
    o.ts_fmt = ts;
    o.date_fmt = df;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    const weir_vec *in = args[0];
    for (int32_t i = 0; i < n; i++) {
        if (weir_vec_is_null(in, i)) {
            if (weir_vec_append_null(res)) {
                rc = weir_err_nomem(ctx->err);
                break;
            }
            continue;
        }
        weir_sb_reset(&sb);
        weir_json_write_row(in, i, &o, &sb);
        if (sb.oom || push_str(res, sb.p ? sb.p : "", sb.len)) {
            rc = weir_err_nomem(ctx->err);
            break;
        }
    }
    weir_sb_free(&sb);
    if (ts) weir_dtfmt_free(ts);
    if (df) weir_dtfmt_free(df);
    if (rc) return rc;
    *out = res;
    return WEIR_OK;
}

/* ---- get_json_object
 * --------------------------------------------------------------------------------- */

static int get_json_object_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc;
    if ((rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_STRING, err)) ||
        (rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_STRING, err)))
        return rc;
    const weir_expr *lit = string_literal(e->args[1]);
    if (lit) {
        /* NULL bind_data with a literal path: the path is invalid and every row is NULL */
        e->bind_data = weir_json_path_compile(lit->lit.u.s.p, (size_t)lit->lit.u.s.len, bc->arena);
    }
    e->type = WEIR_TYPE_STRING;
    e->nullable = true;
    return WEIR_OK;
}

static int get_json_object_exec(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                                weir_vec **out)
{
    weir_vec *res = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!res) return weir_err_nomem(ctx->err);
    const weir_json_path *fixed = e->bind_data;
    bool literal = string_literal(e->args[1]) != NULL;
    const weir_vec *js = args[0], *ps = args[1];
    weir_arena scratch;
    weir_arena_init(&scratch, 0);
    weir_strbuf sb = WEIR_STRBUF_INIT;
    int rc = WEIR_OK;
    for (int32_t i = 0; i < n; i++) {
        bool ok = false;
        if (!weir_vec_is_null(js, i) && js->type->id != WEIR_T_NULL &&
            !(ps->type->id == WEIR_T_NULL || weir_vec_is_null(ps, i))) {
            weir_arena_reset(&scratch);
            const weir_json_path *p = fixed;
            if (!literal) {
                int32_t pl;
                const char *pt = weir_vec_str(ps, i, &pl);
                p = weir_json_path_compile(pt, (size_t)pl, &scratch);
            }
            int32_t jl;
            const char *j = weir_vec_str(js, i, &jl);
            ok = p && weir_json_path_eval(p, j, (size_t)jl, &scratch, &sb);
        }
        if (ok ? push_str(res, sb.p ? sb.p : "", sb.len) : weir_vec_append_null(res)) {
            rc = weir_err_nomem(ctx->err);
            break;
        }
    }
    weir_sb_free(&sb);
    weir_arena_free(&scratch);
    if (rc) return rc;
    *out = res;
    return WEIR_OK;
}

/* ---- schema_of_json
 * ------------------------------------------------------------------------------------- */

static int schema_of_json_bind(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_expr *lit = string_literal(e->args[0]);
    if (!lit) {
        const char *p = weir_expr_pretty(bc->arena, e);
        const char *a = weir_expr_pretty(bc->arena, e->args[0]);
        return weir_err(err, WEIR_EANALYSIS,
                        "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\" due to data "
                        "type mismatch: the input json should be a foldable \"STRING\" expression; "
                        "however, got \"%s\".",
                        p ? p : "schema_of_json", a ? a : "");
    }
    json_opts o = {0};
    int rc;
    if (e->nargs > 1 && (rc = read_options(bc, e->args[1], &o, err))) return rc;
    const char *ddl;
    if ((rc = weir_json_schema_of(lit->lit.u.s.p, (size_t)lit->lit.u.s.len, o.kv, o.n, bc->arena,
                                  &ddl, err)))
        return rc;
    e->bind_data = (void *)ddl;
    e->type = WEIR_TYPE_STRING;
    e->nullable = false;
    return WEIR_OK;
}

static int schema_of_json_exec(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    const char *ddl = e->bind_data;
    size_t len = strlen(ddl);
    weir_vec *res = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!res) return weir_err_nomem(ctx->err);
    for (int32_t i = 0; i < n; i++)
        if (push_str(res, ddl, len)) return weir_err_nomem(ctx->err);
    *out = res;
    return WEIR_OK;
}

const weir_func weir_funcs_json[] = {
    {.name = "from_json",
     .kind = WEIR_FN_SCALAR,
     .min_args = 2,
     .max_args = 3,
     .bind = from_json_bind,
     .exec = from_json_exec,
     .pretty = pretty_first_arg},
    {.name = "to_json",
     .kind = WEIR_FN_SCALAR,
     .min_args = 1,
     .max_args = 2,
     .bind = to_json_bind,
     .exec = to_json_exec,
     .pretty = pretty_first_arg},
    {.name = "get_json_object",
     .kind = WEIR_FN_SCALAR,
     .min_args = 2,
     .max_args = 2,
     .bind = get_json_object_bind,
     .exec = get_json_object_exec},
    {.name = "schema_of_json",
     .kind = WEIR_FN_SCALAR,
     .min_args = 1,
     .max_args = 2,
     .bind = schema_of_json_bind,
     .exec = schema_of_json_exec,
     .pretty = pretty_first_arg},
    {0},
};
