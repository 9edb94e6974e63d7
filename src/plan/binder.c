/*
 * The binder: AST -> logical plan. Resolves names against scopes (case-insensitive, as
 * Spark's default resolver), types every expression through the function registry's bind
 * callbacks (which apply Spark's coercions), gives every output column Spark's automatic
 * name, and lowers SQL clauses into relational nodes:
 *   FROM/JOIN/LATERAL VIEW -> WHERE (FILTER) -> [EXPAND] -> AGG -> HAVING (FILTER)
 *   -> PROJECT (with hidden ORDER BY columns) -> DISTINCT (AGG) -> SORT -> LIMIT -> PROJECT.
 * Aggregation follows Spark's rule: every select/having/order expression must be built
 * from grouping expressions, aggregate calls and literals; the binder binds each
 * expression over the input, then rewrites matching sub-trees into references to the
 * aggregate's output columns.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strbuf.h"
#include "formats/formats.h"
#include "plan/catalog.h"
#include "plan/logical.h"

/* ---- scopes ---------------------------------------------------------------------- */

typedef struct scol {
    const char *qual; /* table alias or name, NULL when none */
    const char *name;
    const weir_type *type;
    bool *want; /* scan projection flag to set when referenced, or NULL */
    bool hidden;
} scol;

typedef struct scope {
    scol *cols;
    int n;
} scope;

typedef struct cte_frame {
    const weir_ast_cte *ctes;
    int n;
    struct cte_frame *up;
} cte_frame;

typedef struct aggctx {
    weir_expr **groups;
    int ngroups;
    int agg_base; /* output column of the first aggregate (after the grouping id, if any) */
    weir_expr **aggs;
    int naggs, cap;
} aggctx;

typedef struct B {
    const weir_bind_env *env;
    weir_arena *a;
    weir_error *err;
    cte_frame *ctes;
    int depth;
    const char *sql; /* text the AST spans being bound point into */
    int nwatermarks; /* WATERMARK nodes so far (their wm_id) */
    /* time window of the SELECT being bound: the source text of its window() call and the
     * scope column that holds its value */
    const char *win_text;
    int win_col;
    const weir_type *win_type;
} B;

typedef struct bexpr_flags {
    bool allow_agg;    /* aggregate calls allowed here */
    bool in_agg;       /* inside an aggregate's arguments */
    bool allow_gen;    /* a generator allowed at the top */
    bool any_agg;      /* out: an aggregate was seen */
    const char *where; /* clause name for errors */
} bexpr_flags;

static int bind_query(B *b, const weir_ast_query *q, weir_lplan **out);
static int bind_select_inner(B *b, const weir_ast_select *sel, const weir_ast_order_item *order,
                             int norder, weir_lplan **out);
static int bind_expr(B *b, const scope *s, const weir_ast_expr *ast, bexpr_flags *fl,
                     weir_expr **out);
static int bind_func(B *b, const scope *s, const weir_ast_expr *ast, bexpr_flags *fl,
                     weir_expr **out);

#define NOMEM(b) weir_err_nomem((b)->err)

static weir_lplan *lp_new(B *b, weir_lplan_kind kind, int nchildren)
{
    weir_lplan *p = WEIR_ARENA_NEW(b->a, weir_lplan);
    if (!p) return NULL;
    p->kind = kind;
    p->limit = -1;
    p->state_id = -1;
    p->event_time_group = -1;
    p->wm_col = -1;
    p->nchildren = nchildren;
    if (nchildren) p->children = WEIR_ARENA_NEWN(b->a, weir_lplan *, nchildren);
    return p;
}

static const weir_type *schema_of(B *b, const char *const *names, const weir_type *const *types,
                                  const bool *nullable, int n)
{
    weir_field *f = WEIR_ARENA_NEWN(b->a, weir_field, n ? n : 1);
    if (!f) return NULL;
    for (int i = 0; i < n; i++) {
        f[i].name = names[i];
        f[i].type = types[i];
        f[i].nullable = nullable ? nullable[i] : true;
    }
    return weir_type_struct(b->a, f, n);
}

/* A scope whose columns are the fields of plan p's schema, all with qualifier qual. */
static int scope_of_plan(B *b, const weir_lplan *p, const char *qual, scope *s)
{
    s->n = p->schema->nfields;
    s->cols = WEIR_ARENA_NEWN(b->a, scol, s->n ? s->n : 1);
    if (!s->cols) return NOMEM(b);
    for (int i = 0; i < s->n; i++) {
        s->cols[i].qual = qual;
        s->cols[i].name = p->schema->fields[i].name;
        s->cols[i].type = p->schema->fields[i].type;
    }
    return WEIR_OK;
}

static int scope_concat(B *b, const scope *l, const scope *r, scope *out)
{
    out->n = l->n + r->n;
    out->cols = WEIR_ARENA_NEWN(b->a, scol, out->n ? out->n : 1);
    if (!out->cols) return NOMEM(b);
    memcpy(out->cols, l->cols, sizeof(scol) * (size_t)l->n);
    memcpy(out->cols + l->n, r->cols, sizeof(scol) * (size_t)r->n);
    return WEIR_OK;
}

/* ---- small helpers ------------------------------------------------------------------ */

static bool name_eq(const char *x, const char *y)
{
    return x && y && strcasecmp(x, y) == 0;
}

static const char *quote_ident(B *b, const char *s)
{
    return weir_arena_sprintf(b->a, "`%s`", s);
}

static weir_expr *col_ref(B *b, int index, const weir_type *t, const char *name)
{
    weir_expr *e = weir_expr_new(b->a, WEIR_EX_COLUMN, t);
    if (!e) return NULL;
    e->col = index;
    e->nullable = true;
    e->pretty = name;
    return e;
}

static const char *expr_name(B *b, weir_expr *e)
{
    return weir_expr_pretty(b->a, e);
}

/* Edit distance for "Did you mean" suggestions. */
static int levenshtein(const char *s, const char *t)
{
    size_t n = strlen(s), m = strlen(t);
    if (n > 64 || m > 64) return (int)(n > m ? n : m);
    int d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int c = tolower((unsigned char)s[i - 1]) == tolower((unsigned char)t[j - 1]) ? 0 : 1;
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + c < v) v = d[i - 1][j - 1] + c;
            d[i][j] = v;
        }
    return d[n][m];
}

static int unresolved_column(B *b, const scope *s, const weir_ast_expr *ast)
{
    weir_strbuf name = WEIR_STRBUF_INIT, sug = WEIR_STRBUF_INIT;
    for (int i = 0; i < ast->nparts; i++) {
        if (i) weir_sb_putc(&name, '.');
        weir_sb_printf(&name, "`%s`", ast->parts[i]);
    }
    /* Suggestions: visible columns ordered by similarity, at most 5 (Spark's form). */
    int order[256], n = 0;
    int dist[256];
    const char *want = ast->parts[ast->nparts - 1];
    for (int i = 0; i < s->n && n < 256; i++) {
        if (s->cols[i].hidden) continue;
        order[n] = i;
        dist[n] = levenshtein(want, s->cols[i].name);
        n++;
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && dist[j - 1] > dist[j]; j--) {
            int t = dist[j];
            dist[j] = dist[j - 1];
            dist[j - 1] = t;
            t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int k = 0; k < n && k < 5; k++) {
        const scol *c = &s->cols[order[k]];
        if (k) weir_sb_puts(&sug, ", ");
        if (c->qual) weir_sb_printf(&sug, "`%s`.", c->qual);
        weir_sb_printf(&sug, "`%s`", c->name);
    }
    if (n)
        weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                    "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with "
                    "name %s cannot be resolved. Did you mean one of the following? [%s].",
                    name.p, sug.p);
    else
        weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                    "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column or function parameter with "
                    "name %s cannot be resolved.",
                    name.p);
    weir_sb_free(&name);
    weir_sb_free(&sug);
    return WEIR_EANALYSIS;
}

/* Applies struct field access for parts[from..) to e. */
static int field_chain(B *b, const weir_ast_expr *ast, int from, weir_expr *e, weir_expr **out)
{
    for (int k = from; k < ast->nparts; k++) {
        if (e->type->id != WEIR_T_STRUCT) {
            char tb[128];
            return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                               "[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from "
                               "\"%s\". Need a complex type [STRUCT, ARRAY, MAP] but got \"%s\".",
                               expr_name(b, e), weir_type_sql(e->type, tb, sizeof tb));
        }
        int fi = weir_type_field_index(e->type, ast->parts[k]);
        if (fi < 0) {
            char tb[512];
            return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                               "[FIELD_NOT_FOUND] No such struct field %s in %s.",
                               quote_ident(b, ast->parts[k]),
                               weir_type_name(e->type, tb, sizeof tb));
        }
        weir_expr *f = weir_expr_new(b->a, WEIR_EX_FIELD, e->type->fields[fi].type);
        if (!f) return NOMEM(b);
        f->field = fi;
        f->nullable = true;
        f->nargs = 1;
        f->args = WEIR_ARENA_NEWN(b->a, weir_expr *, 1);
        f->args[0] = e;
        f->pretty = weir_arena_sprintf(b->a, "%s.%s", expr_name(b, e), e->type->fields[fi].name);
        e = f;
    }
    *out = e;
    return WEIR_OK;
}

static int resolve_column(B *b, const scope *s, const weir_ast_expr *ast, weir_expr **out)
{
    int found = -1, nfound = 0, used_parts = 0;
    /* qualifier.name first */
    if (ast->nparts >= 2) {
        for (int i = 0; i < s->n; i++)
            if (!s->cols[i].hidden && name_eq(s->cols[i].qual, ast->parts[0]) &&
                name_eq(s->cols[i].name, ast->parts[1])) {
                if (!nfound) found = i;
                nfound++;
            }
        if (nfound) used_parts = 2;
    }
    if (!nfound) {
        for (int i = 0; i < s->n; i++)
            if (name_eq(s->cols[i].name, ast->parts[0])) {
                if (s->cols[i].hidden && nfound) continue;
                if (!nfound) found = i;
                nfound++;
            }
        used_parts = 1;
    }
    if (!nfound && ast->nparts == 1) {
        /* Spark resolves these functions without parentheses when no column has the name */
        static const char *const niladic[] = {"current_date",
                                              "current_timestamp",
                                              "current_user",
                                              "current_timezone",
                                              "user",
                                              "session_user",
                                              NULL};
        for (int i = 0; niladic[i]; i++)
            if (name_eq(ast->parts[0], niladic[i]) && weir_func_lookup(niladic[i])) {
                weir_ast_expr call = *ast;
                call.kind = WEIR_AST_FUNC;
                call.name = niladic[i];
                call.nargs = 0;
                call.args = NULL;
                bexpr_flags fl = {.where = "expression"};
                return bind_func(b, s, &call, &fl, out);
            }
    }
    if (!nfound) return unresolved_column(b, s, ast);
    if (nfound > 1) {
        weir_strbuf sb = WEIR_STRBUF_INIT;
        int k = 0;
        for (int i = 0; i < s->n; i++) {
            bool m = used_parts == 2 ? name_eq(s->cols[i].qual, ast->parts[0]) &&
                                           name_eq(s->cols[i].name, ast->parts[1])
                                     : name_eq(s->cols[i].name, ast->parts[0]);
            if (!m) continue;
            if (k++) weir_sb_puts(&sb, ", ");
            if (s->cols[i].qual) weir_sb_printf(&sb, "`%s`.", s->cols[i].qual);
            weir_sb_printf(&sb, "`%s`", s->cols[i].name);
        }
        weir_strbuf nm = WEIR_STRBUF_INIT;
        for (int i = 0; i < used_parts; i++)
            weir_sb_printf(&nm, "%s`%s`", i ? "." : "", ast->parts[i]);
        weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                    "[AMBIGUOUS_REFERENCE] Reference %s is ambiguous, could be: [%s].", nm.p, sb.p);
        weir_sb_free(&sb);
        weir_sb_free(&nm);
        return WEIR_EANALYSIS;
    }
    scol *c = &s->cols[found];
    if (c->want) *c->want = true;
    weir_expr *e = col_ref(b, found, c->type, c->name);
    if (!e) return NOMEM(b);
    e->line = ast->line;
    e->pos = ast->pos;
    int rc = field_chain(b, ast, used_parts, e, out);
    if (rc == WEIR_OK) {
        (*out)->line = ast->line;
        (*out)->pos = ast->pos;
    }
    return rc;
}

/* ---- literals -------------------------------------------------------------------------- */

/* Spark's name of an ANSI day-time interval literal: INTERVAL '10' MINUTE,
 * INTERVAL '01:30' HOUR TO MINUTE, INTERVAL '1 02:00:00' DAY TO SECOND. */
static const char *interval_name(B *b, const weir_ast_lit *l)
{
    static const char *const unit[] = {"DAY", "HOUR", "MINUTE", "SECOND"};
    static const int64_t per[] = {86400000000LL, 3600000000LL, 60000000LL, 1000000LL};
    int64_t us = l->interval_us;
    const char *sign = us < 0 ? "-" : "";
    uint64_t a = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    for (int u = l->iv_from; u <= (int)l->iv_to; u++) {
        uint64_t q = u == (int)l->iv_from ? a / (uint64_t)per[u]
                                          : (a / (uint64_t)per[u]) % (u == 1 ? 24 : 60);
        if (u == (int)l->iv_from)
            weir_sb_printf(&sb, "%s%llu", sign, (unsigned long long)q);
        else
            weir_sb_printf(&sb, "%s%02llu", u == 1 ? " " : ":", (unsigned long long)q);
        if (u == WEIR_IU_SECOND && a % 1000000) {
            char frac[16];
            snprintf(frac, sizeof frac, "%06llu", (unsigned long long)(a % 1000000));
            for (int k = 5; k > 0 && frac[k] == '0'; k--)
                frac[k] = 0;
            weir_sb_printf(&sb, ".%s", frac);
        }
    }
    const char *r;
    if (l->iv_from == l->iv_to)
        r = weir_arena_sprintf(b->a, "INTERVAL '%s' %s", sb.p ? sb.p : "0", unit[l->iv_from]);
    else
        r = weir_arena_sprintf(b->a, "INTERVAL '%s' %s TO %s", sb.p ? sb.p : "0", unit[l->iv_from],
                               unit[l->iv_to]);
    weir_sb_free(&sb);
    return r;
}

static int bind_literal(B *b, const weir_ast_expr *ast, weir_expr **out)
{
    const weir_ast_lit *l = &ast->lit;
    weir_value v = {0};
    v.is_null = false;
    switch (l->kind) {
    case WEIR_LIT_NULL:
        v.type = WEIR_TYPE_NULL;
        v.is_null = true;
        break;
    case WEIR_LIT_BOOL:
        v.type = WEIR_TYPE_BOOLEAN;
        v.u.i = l->b;
        break;
    case WEIR_LIT_INTEGER:
    case WEIR_LIT_BIGINT:
    case WEIR_LIT_SMALLINT:
    case WEIR_LIT_TINYINT: {
        errno = 0;
        char *end;
        long long x = strtoll(l->text, &end, 10);
        bool overflow = errno == ERANGE;
        if (l->kind == WEIR_LIT_INTEGER) {
            if (!overflow && x >= INT32_MIN && x <= INT32_MAX)
                v.type = WEIR_TYPE_INT;
            else if (!overflow)
                v.type = WEIR_TYPE_BIGINT;
            else {
                /* too large for BIGINT: DECIMAL(digits, 0) */
                size_t nd = strlen(l->text);
                if (nd > 38)
                    return weir_err_at(b->err, WEIR_EPARSE, ast->line, ast->pos,
                                       "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal %s is "
                                       "outside the valid range for decimal.",
                                       l->text);
                __int128 u = 0;
                for (const char *p = l->text; *p; p++)
                    u = u * 10 + (*p - '0');
                v.type = weir_type_decimal(b->a, (int)nd, 0);
                v.u.dec = u;
                break;
            }
        } else {
            int64_t lo = l->kind == WEIR_LIT_BIGINT     ? INT64_MIN
                         : l->kind == WEIR_LIT_SMALLINT ? INT16_MIN
                                                        : INT8_MIN;
            int64_t hi = l->kind == WEIR_LIT_BIGINT     ? INT64_MAX
                         : l->kind == WEIR_LIT_SMALLINT ? INT16_MAX
                                                        : INT8_MAX;
            if (overflow || x < lo || x > hi)
                return weir_err_at(b->err, WEIR_EPARSE, ast->line, ast->pos,
                                   "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal %s is outside "
                                   "the valid range for %s with minimum value of %lld and maximum "
                                   "value of %lld. Please adjust the value accordingly.",
                                   l->text,
                                   l->kind == WEIR_LIT_BIGINT     ? "bigint"
                                   : l->kind == WEIR_LIT_SMALLINT ? "smallint"
                                                                  : "tinyint",
                                   (long long)lo, (long long)hi);
            v.type = l->kind == WEIR_LIT_BIGINT     ? WEIR_TYPE_BIGINT
                     : l->kind == WEIR_LIT_SMALLINT ? WEIR_TYPE_SMALLINT
                                                    : WEIR_TYPE_TINYINT;
        }
        v.u.i = x;
        break;
    }
    case WEIR_LIT_DECIMAL: {
        __int128 u = 0;
        int scale = 0, digits = 0;
        bool point = false, leading = true, neg = l->text[0] == '-';
        const char *ex = strpbrk(l->text, "eE");
        for (const char *p = l->text; *p && p != ex; p++) {
            if (*p == '.') {
                point = true;
                continue;
            }
            if (!isdigit((unsigned char)*p)) continue;
            if (point) scale++;
            if (leading && *p == '0') continue;
            leading = false;
            digits++;
            if (digits > 38)
                return weir_err_at(b->err, WEIR_EPARSE, ast->line, ast->pos,
                                   "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal %s is outside "
                                   "the valid range for decimal.",
                                   l->text);
            u = u * 10 + (*p - '0');
        }
        if (ex) {
            /* 1.5E3BD: shift the scale by the exponent (a negative scale becomes digits) */
            int e10 = atoi(ex + 1);
            scale -= e10;
            while (scale < 0) {
                u *= 10;
                scale++;
                digits += u != 0;
            }
        }
        if (neg) u = -u;
        int prec = digits ? digits : 1;
        if (prec < scale) prec = scale;
        v.type = weir_type_decimal(b->a, prec, scale);
        v.u.dec = u;
        break;
    }
    case WEIR_LIT_DOUBLE:
    case WEIR_LIT_FLOAT:
        v.type = l->kind == WEIR_LIT_DOUBLE ? WEIR_TYPE_DOUBLE : WEIR_TYPE_FLOAT;
        v.u.d = strtod(l->text, NULL);
        if (l->kind == WEIR_LIT_FLOAT) v.u.d = (float)v.u.d;
        break;
    case WEIR_LIT_STRING:
    case WEIR_LIT_BINARY:
        v.type = l->kind == WEIR_LIT_STRING ? WEIR_TYPE_STRING : WEIR_TYPE_BINARY;
        v.u.s.p = l->str;
        v.u.s.len = l->len;
        break;
    case WEIR_LIT_DATE: {
        int32_t d;
        if (!weir_parse_date(l->str, (size_t)l->len, &d))
            return weir_err_at(b->err, WEIR_EPARSE, ast->line, ast->pos,
                               "[INVALID_TYPED_LITERAL] The value of the typed literal \"DATE\" "
                               "is invalid: '%s'.",
                               l->str);
        v.type = WEIR_TYPE_DATE;
        v.u.i = d;
        break;
    }
    case WEIR_LIT_TIMESTAMP: {
        int64_t t;
        if (!weir_parse_timestamp(l->str, (size_t)l->len, b->env->conf->tz, &t))
            return weir_err_at(b->err, WEIR_EPARSE, ast->line, ast->pos,
                               "[INVALID_TYPED_LITERAL] The value of the typed literal "
                               "\"TIMESTAMP\" is invalid: '%s'.",
                               l->str);
        v.type = WEIR_TYPE_TIMESTAMP;
        v.u.i = t;
        break;
    }
    case WEIR_LIT_INTERVAL:
        v.type = WEIR_TYPE_INTERVAL;
        v.u.i = l->interval_us;
        break;
    }
    if (!v.type) return NOMEM(b);
    weir_expr *e = weir_expr_literal(b->a, &v);
    if (!e) return NOMEM(b);
    e->line = ast->line;
    e->pos = ast->pos;
    if (l->kind == WEIR_LIT_TIMESTAMP) {
        char tb[64];
        weir_format_timestamp(v.u.i, b->env->conf->tz, tb);
        e->pretty = weir_arena_sprintf(b->a, "TIMESTAMP '%s'", tb);
    } else if (l->kind == WEIR_LIT_INTERVAL) {
        e->pretty = interval_name(b, l);
    }
    if ((l->kind == WEIR_LIT_TIMESTAMP || l->kind == WEIR_LIT_INTERVAL) && !e->pretty)
        return NOMEM(b);
    *out = e;
    return WEIR_OK;
}

/* ---- function calls --------------------------------------------------------------------- */

static weir_expr *call_node(B *b, const weir_func *fn, const char *fname, weir_expr **args,
                            int nargs, const weir_ast_expr *ast)
{
    weir_expr *e = weir_expr_new(b->a, fn->kind == WEIR_FN_AGG ? WEIR_EX_AGG : WEIR_EX_CALL, NULL);
    if (!e) return NULL;
    e->fn = fn;
    e->fname = fname;
    e->args = args;
    e->nargs = nargs;
    e->nullable = true;
    if (ast) {
        e->line = ast->line;
        e->pos = ast->pos;
    }
    return e;
}

/* Runs fn's bind and defaults. */
static int finish_call(B *b, weir_expr *e)
{
    weir_bind_ctx bc = {b->a, b->env->conf};
    if (e->fn->bind) {
        int rc = e->fn->bind(&bc, e, b->err);
        if (rc != WEIR_OK) {
            if (b->err->line == 0) {
                b->err->line = e->line;
                b->err->pos = e->pos;
            }
            return rc;
        }
    } else if (!e->type) {
        e->type = e->nargs ? e->args[0]->type : WEIR_TYPE_NULL;
    }
    if (!e->type)
        return weir_err(b->err, WEIR_EANALYSIS, "function %s has no result type", e->fname);
    return WEIR_OK;
}

/* Builds and binds a call to an internal function (operators) by name. */
static int make_call(B *b, const char *name, weir_expr **args, int nargs, const weir_ast_expr *ast,
                     weir_expr **out)
{
    const weir_func *fn = weir_func_lookup(name);
    if (!fn)
        return weir_err_at(b->err, WEIR_EUNSUPPORTED, ast ? ast->line : 0, ast ? ast->pos : 0,
                           "operator %s is not supported yet", name);
    weir_expr **a = WEIR_ARENA_NEWN(b->a, weir_expr *, nargs ? nargs : 1);
    if (!a) return NOMEM(b);
    memcpy(a, args, sizeof(weir_expr *) * (size_t)nargs);
    weir_expr *e = call_node(b, fn, fn->name, a, nargs, ast);
    if (!e) return NOMEM(b);
    int rc = finish_call(b, e);
    if (rc != WEIR_OK) return rc;
    *out = e;
    return WEIR_OK;
}

static const char *ast_text(B *b, const weir_ast_expr *e)
{
    const char *sql = b->sql;
    if (!sql || e->start < 0 || e->end <= e->start || (size_t)e->end > strlen(sql)) return NULL;
    return weir_arena_strndup(b->a, sql + e->start, (size_t)(e->end - e->start));
}

static int bind_func(B *b, const scope *s, const weir_ast_expr *ast, bexpr_flags *fl,
                     weir_expr **out)
{
    if (strcasecmp(ast->name, "window") == 0) {
        const char *text = ast_text(b, ast);
        if (!b->win_text)
            return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                               "[UNSUPPORTED_FEATURE] window() is only supported in the SELECT "
                               "list, GROUP BY and HAVING of a query with a FROM clause.");
        if (text && strcmp(text, b->win_text) != 0)
            return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                               "Multiple time/session window expressions would result in a "
                               "cartesian product of rows, therefore they are currently not "
                               "supported.");
        weir_expr *c = col_ref(b, b->win_col, b->win_type, "window");
        if (!c) return NOMEM(b);
        c->line = ast->line;
        c->pos = ast->pos;
        *out = c;
        return WEIR_OK;
    }
    const weir_func *fn = weir_func_lookup(ast->name);
    if (!fn)
        return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                           "[UNRESOLVED_ROUTINE] Cannot resolve function `%s` on search path "
                           "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`].",
                           ast->name);
    bool is_agg = fn->kind == WEIR_FN_AGG;
    if (is_agg) {
        if (fl->in_agg)
            return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                               "[NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate "
                               "function in the argument of another aggregate function. Please use "
                               "the inner aggregate function in a sub-query.");
        if (!fl->allow_agg) {
            const char *txt = ast_text(b, ast);
            if (fl->where && strcmp(fl->where, "WHERE") == 0)
                return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                                   "[INVALID_WHERE_CONDITION] The WHERE condition contains invalid "
                                   "expressions: %s.\nRewrite the query to avoid window functions, "
                                   "aggregate functions, and generator functions in the WHERE "
                                   "clause.",
                                   txt ? txt : ast->name);
            return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                               "[UNSUPPORTED_EXPR_FOR_OPERATOR] Aggregate function %s is not "
                               "allowed in %s.",
                               txt ? txt : ast->name, fl->where ? fl->where : "this clause");
        }
    }
    if (fn->kind == WEIR_FN_GENERATOR && !fl->allow_gen)
        return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                           "[UNSUPPORTED_GENERATOR.OUTSIDE_SELECT] The generator is not supported: "
                           "outside the SELECT clause, found: %s.",
                           ast->name);
    /* Arguments: expand t.* / *, reorder named arguments. */
    int cap = ast->nargs + 8, n = 0;
    weir_expr **args = WEIR_ARENA_NEWN(b->a, weir_expr *, cap);
    if (!args) return NOMEM(b);
    bexpr_flags sub = *fl;
    sub.allow_gen = false;
    if (is_agg) sub.in_agg = true;
    bool count_star = false;
    bool named = false;
    for (int i = 0; i < ast->nargs; i++)
        if (ast->args[i]->kind == WEIR_AST_NAMED_ARG) named = true;
    if (named) {
        if (!fn->param_names)
            return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                               "[NAMED_PARAMETERS_NOT_SUPPORTED] Named parameters are not "
                               "supported for function `%s`; please retry the query with "
                               "positional arguments to the function call instead.",
                               ast->name);
        int np = 0;
        while (fn->param_names[np])
            np++;
        if (np > cap) np = cap;
        for (int i = 0; i < np; i++)
            args[i] = NULL;
        int maxpos = 0;
        for (int i = 0; i < ast->nargs; i++) {
            const weir_ast_expr *a = ast->args[i];
            int slot = i;
            const weir_ast_expr *val = a;
            if (a->kind == WEIR_AST_NAMED_ARG) {
                slot = -1;
                for (int k = 0; k < np; k++)
                    if (name_eq(fn->param_names[k], a->name)) slot = k;
                if (slot < 0)
                    return weir_err_at(b->err, WEIR_EANALYSIS, a->line, a->pos,
                                       "[UNRECOGNIZED_PARAMETER_NAME] Cannot invoke function `%s` "
                                       "because the function call included a named argument "
                                       "reference for the argument named `%s`, but this function "
                                       "does not include any signature containing an argument with "
                                       "this name.",
                                       ast->name, a->name);
                val = a->args[0];
            }
            if (slot >= np) continue;
            int rc = bind_expr(b, s, val, &sub, &args[slot]);
            if (rc != WEIR_OK) return rc;
            if (slot + 1 > maxpos) maxpos = slot + 1;
        }
        n = maxpos;
        for (int i = 0; i < n; i++)
            if (!args[i])
                return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                                   "[REQUIRED_PARAMETER_NOT_FOUND] Cannot invoke function `%s` "
                                   "because the parameter named `%s` is required, but the function "
                                   "call did not supply a value.",
                                   ast->name, fn->param_names[i]);
    } else {
        for (int i = 0; i < ast->nargs; i++) {
            const weir_ast_expr *a = ast->args[i];
            if (a->kind == WEIR_AST_STAR) {
                if (strcasecmp(fn->name, "count") == 0 && ast->nargs == 1 && a->nparts == 0) {
                    count_star = true;
                    continue;
                }
                for (int k = 0; k < s->n; k++) {
                    if (s->cols[k].hidden) continue;
                    if (a->nparts && !name_eq(s->cols[k].qual, a->parts[0])) continue;
                    if (n == cap) {
                        weir_expr **na = WEIR_ARENA_NEWN(b->a, weir_expr *, cap * 2);
                        if (!na) return NOMEM(b);
                        memcpy(na, args, sizeof(*na) * (size_t)n);
                        args = na;
                        cap *= 2;
                    }
                    if (s->cols[k].want) *s->cols[k].want = true;
                    if (!(args[n++] = col_ref(b, k, s->cols[k].type, s->cols[k].name)))
                        return NOMEM(b);
                }
                continue;
            }
            if (n == cap) {
                weir_expr **na = WEIR_ARENA_NEWN(b->a, weir_expr *, cap * 2);
                if (!na) return NOMEM(b);
                memcpy(na, args, sizeof(*na) * (size_t)n);
                args = na;
                cap *= 2;
            }
            int rc = bind_expr(b, s, a, &sub, &args[n++]);
            if (rc != WEIR_OK) return rc;
        }
    }
    fl->any_agg |= sub.any_agg;
    if (count_star) {
        weir_value one = {.type = WEIR_TYPE_INT, .is_null = false, .u.i = 1};
        if (!(args[0] = weir_expr_literal(b->a, &one))) return NOMEM(b);
        n = 1;
    }
    if (n < fn->min_args || (fn->max_args >= 0 && n > fn->max_args)) {
        char expect[64];
        if (fn->max_args == fn->min_args)
            snprintf(expect, sizeof expect, "%d", fn->min_args);
        else if (fn->max_args < 0)
            snprintf(expect, sizeof expect, "> %d", fn->min_args - 1);
        else
            snprintf(expect, sizeof expect, "[%d, %d]", fn->min_args, fn->max_args);
        return weir_err_at(
            b->err, WEIR_EANALYSIS, ast->line, ast->pos,
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `%s` requires %s parameters "
            "but the actual number is %d. Please, refer to "
            "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
            ast->name, expect, n);
    }
    char *lname = weir_arena_strdup(b->a, ast->name);
    if (!lname) return NOMEM(b);
    for (char *p = lname; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    weir_expr *e = call_node(b, fn, lname, args, n, ast);
    if (!e) return NOMEM(b);
    e->distinct = ast->distinct;
    if (is_agg) fl->any_agg = true;
    int rc = finish_call(b, e);
    if (rc != WEIR_OK) return rc;
    if (count_star) e->pretty = "count(1)";
    *out = e;
    return WEIR_OK;
}

/* ---- expressions ------------------------------------------------------------------------- */

static const char *op_name(weir_ast_op op)
{
    switch (op) {
    case WEIR_OP_NEG: return "-";
    case WEIR_OP_PLUS: return "+";
    case WEIR_OP_NOT: return "not";
    case WEIR_OP_BITNOT: return "~";
    case WEIR_OP_ADD: return "+";
    case WEIR_OP_SUB: return "-";
    case WEIR_OP_MUL: return "*";
    case WEIR_OP_DIV: return "/";
    case WEIR_OP_MOD: return "%";
    case WEIR_OP_IDIV: return "div";
    case WEIR_OP_CONCAT: return "concat";
    case WEIR_OP_BITAND: return "&";
    case WEIR_OP_BITOR: return "|";
    case WEIR_OP_BITXOR: return "^";
    case WEIR_OP_EQ: return "=";
    case WEIR_OP_NEQ: return "<>";
    case WEIR_OP_LT: return "<";
    case WEIR_OP_LE: return "<=";
    case WEIR_OP_GT: return ">";
    case WEIR_OP_GE: return ">=";
    case WEIR_OP_NSEQ: return "<=>";
    case WEIR_OP_LIKE: return "like";
    case WEIR_OP_ILIKE: return "ilike";
    case WEIR_OP_RLIKE: return "rlike";
    default: return "?";
    }
}

static int to_boolean(B *b, weir_expr **e, const char *what)
{
    if ((*e)->type->id == WEIR_T_BOOLEAN) return WEIR_OK;
    if ((*e)->type->id == WEIR_T_NULL) {
        *e = weir_expr_cast(b->a, *e, WEIR_TYPE_BOOLEAN);
        return *e ? WEIR_OK : NOMEM(b);
    }
    char tb[128];
    return weir_err_at(b->err, WEIR_EANALYSIS, (*e)->line, (*e)->pos,
                       "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due to "
                       "data type mismatch: the input of %s should be of the \"BOOLEAN\" type, "
                       "however \"%s\" has the type \"%s\".",
                       what, what, expr_name(b, *e), weir_type_sql((*e)->type, tb, sizeof tb));
}

static int logic_node(B *b, weir_expr_kind kind, weir_expr *l, weir_expr *r, weir_expr **out)
{
    weir_expr *e = weir_expr_new(b->a, kind, WEIR_TYPE_BOOLEAN);
    if (!e) return NOMEM(b);
    e->nargs = 2;
    e->args = WEIR_ARENA_NEWN(b->a, weir_expr *, 2);
    if (!e->args) return NOMEM(b);
    e->args[0] = l;
    e->args[1] = r;
    e->nullable = true;
    const char *opn = kind == WEIR_EX_AND ? "AND" : "OR";
    int rc = to_boolean(b, &e->args[0], opn);
    if (rc == WEIR_OK) rc = to_boolean(b, &e->args[1], opn);
    if (rc != WEIR_OK) return rc;
    *out = e;
    return WEIR_OK;
}

static int bind_case(B *b, const scope *s, const weir_ast_expr *ast, bexpr_flags *fl,
                     weir_expr **out)
{
    int n = ast->ncase * 2 + (ast->case_else ? 1 : 0);
    weir_expr *e = weir_expr_new(b->a, WEIR_EX_CASE, NULL);
    if (!e) return NOMEM(b);
    e->args = WEIR_ARENA_NEWN(b->a, weir_expr *, n);
    if (!e->args) return NOMEM(b);
    e->nargs = n;
    e->has_else = ast->case_else != NULL;
    e->nullable = true;
    e->line = ast->line;
    e->pos = ast->pos;
    weir_expr *operand = NULL;
    int rc;
    if (ast->nargs == 1 && (rc = bind_expr(b, s, ast->args[0], fl, &operand)) != WEIR_OK) return rc;
    for (int i = 0; i < ast->ncase; i++) {
        weir_expr *w;
        if ((rc = bind_expr(b, s, ast->case_when[i], fl, &w)) != WEIR_OK) return rc;
        if (operand) {
            weir_expr *pair[2] = {operand, w};
            if ((rc = make_call(b, "=", pair, 2, ast->case_when[i], &w)) != WEIR_OK) return rc;
        }
        if ((rc = to_boolean(b, &w, "CASE WHEN")) != WEIR_OK) return rc;
        e->args[2 * i] = w;
        if ((rc = bind_expr(b, s, ast->case_then[i], fl, &e->args[2 * i + 1])) != WEIR_OK)
            return rc;
    }
    if (ast->case_else && (rc = bind_expr(b, s, ast->case_else, fl, &e->args[n - 1])) != WEIR_OK)
        return rc;
    /* Result type: common type of the THEN/ELSE values. */
    const weir_type *t = NULL;
    int nvals = ast->ncase + (ast->case_else ? 1 : 0);
    for (int k = 0; k < nvals; k++) {
        int i = k < ast->ncase ? 2 * k + 1 : n - 1;
        const weir_type *vt = e->args[i]->type;
        if (!t)
            t = vt;
        else {
            const weir_type *c = weir_common_type(b->a, t, vt);
            if (!c) {
                char t1[128], t2[128];
                return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                                   "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"CASE\" "
                                   "due to data type mismatch: Input to `casewhen` should all be "
                                   "the same type, but it's [\"%s\", \"%s\"].",
                                   weir_type_sql(t, t1, sizeof t1),
                                   weir_type_sql(vt, t2, sizeof t2));
            }
            t = c;
        }
    }
    for (int i = 0; i < ast->ncase; i++) {
        e->args[2 * i + 1] = weir_expr_cast(b->a, e->args[2 * i + 1], t);
        if (!e->args[2 * i + 1]) return NOMEM(b);
    }
    if (ast->case_else && !(e->args[n - 1] = weir_expr_cast(b->a, e->args[n - 1], t)))
        return NOMEM(b);
    e->type = t;
    *out = e;
    return WEIR_OK;
}

static int bind_expr(B *b, const scope *s, const weir_ast_expr *ast, bexpr_flags *fl,
                     weir_expr **out)
{
    int rc;
    weir_expr *x, *y;
    switch (ast->kind) {
    case WEIR_AST_LITERAL: return bind_literal(b, ast, out);
    case WEIR_AST_COLUMN: return resolve_column(b, s, ast, out);
    case WEIR_AST_STAR:
        return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                           "[INVALID_USAGE_OF_STAR_OR_REGEX] Invalid usage of '*' in expression "
                           "`%s`.",
                           fl->where ? fl->where : "expression");
    case WEIR_AST_FUNC: return bind_func(b, s, ast, fl, out);
    case WEIR_AST_UNARY:
        if ((rc = bind_expr(b, s, ast->args[0], fl, &x)) != WEIR_OK) return rc;
        if (ast->op == WEIR_OP_NOT) {
            if ((rc = to_boolean(b, &x, "NOT")) != WEIR_OK) return rc;
        }
        return make_call(b, op_name(ast->op), &x, 1, ast, out);
    case WEIR_AST_BINARY:
        if ((rc = bind_expr(b, s, ast->args[0], fl, &x)) != WEIR_OK) return rc;
        if ((rc = bind_expr(b, s, ast->args[1], fl, &y)) != WEIR_OK) return rc;
        if (ast->op == WEIR_OP_AND || ast->op == WEIR_OP_OR)
            return logic_node(b, ast->op == WEIR_OP_AND ? WEIR_EX_AND : WEIR_EX_OR, x, y, out);
        {
            weir_expr *pair[2] = {x, y};
            rc = make_call(b, op_name(ast->op), pair, 2, ast, out);
            if (rc == WEIR_OK && ast->op == WEIR_OP_CONCAT)
                (*out)->pretty =
                    weir_arena_sprintf(b->a, "concat(%s, %s)", expr_name(b, x), expr_name(b, y));
            return rc;
        }
    case WEIR_AST_IS_NULL:
        if ((rc = bind_expr(b, s, ast->args[0], fl, &x)) != WEIR_OK) return rc;
        return make_call(b, ast->negated ? "isnotnull" : "isnull", &x, 1, ast, out);
    case WEIR_AST_IN: {
        weir_expr **args = WEIR_ARENA_NEWN(b->a, weir_expr *, ast->nargs);
        if (!args) return NOMEM(b);
        for (int i = 0; i < ast->nargs; i++) {
            if (ast->args[i]->kind == WEIR_AST_SUBQUERY)
                return weir_err_at(b->err, WEIR_EUNSUPPORTED, ast->line, ast->pos,
                                   "IN (subquery) is not supported yet");
            if ((rc = bind_expr(b, s, ast->args[i], fl, &args[i])) != WEIR_OK) return rc;
        }
        if ((rc = make_call(b, "in", args, ast->nargs, ast, &x)) != WEIR_OK) return rc;
        if (ast->negated) return make_call(b, "not", &x, 1, ast, out);
        *out = x;
        return WEIR_OK;
    }
    case WEIR_AST_BETWEEN: {
        weir_expr *v, *lo, *hi, *c1, *c2;
        if ((rc = bind_expr(b, s, ast->args[0], fl, &v)) != WEIR_OK) return rc;
        if ((rc = bind_expr(b, s, ast->args[1], fl, &lo)) != WEIR_OK) return rc;
        if ((rc = bind_expr(b, s, ast->args[2], fl, &hi)) != WEIR_OK) return rc;
        weir_expr *p1[2] = {v, lo}, *p2[2] = {v, hi};
        if ((rc = make_call(b, ">=", p1, 2, ast, &c1)) != WEIR_OK) return rc;
        if ((rc = make_call(b, "<=", p2, 2, ast, &c2)) != WEIR_OK) return rc;
        if ((rc = logic_node(b, WEIR_EX_AND, c1, c2, &x)) != WEIR_OK) return rc;
        x->pretty = weir_arena_sprintf(b->a, "(%s BETWEEN %s AND %s)", expr_name(b, v),
                                       expr_name(b, lo), expr_name(b, hi));
        if (ast->negated) {
            const char *pn = weir_arena_sprintf(b->a, "(NOT %s)", x->pretty);
            if ((rc = make_call(b, "not", &x, 1, ast, out)) != WEIR_OK) return rc;
            (*out)->pretty = pn;
            return WEIR_OK;
        }
        *out = x;
        return WEIR_OK;
    }
    case WEIR_AST_LIKE: {
        weir_expr *args[3];
        int n = ast->nargs;
        for (int i = 0; i < n; i++)
            if ((rc = bind_expr(b, s, ast->args[i], fl, &args[i])) != WEIR_OK) return rc;
        if ((rc = make_call(b, op_name(ast->op), args, n, ast, &x)) != WEIR_OK) return rc;
        if (ast->negated) return make_call(b, "not", &x, 1, ast, out);
        *out = x;
        return WEIR_OK;
    }
    case WEIR_AST_CASE: return bind_case(b, s, ast, fl, out);
    case WEIR_AST_CAST: {
        if ((rc = bind_expr(b, s, ast->args[0], fl, &x)) != WEIR_OK) return rc;
        if (!weir_can_cast(x->type, ast->cast_type)) {
            char t1[256], t2[256];
            return weir_err_at(
                b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "
                "\"CAST(%s AS %s)\" due to data type mismatch: cannot cast \"%s\" to "
                "\"%s\".",
                expr_name(b, x), weir_type_sql(ast->cast_type, t2, sizeof t2),
                weir_type_sql(x->type, t1, sizeof t1), t2);
        }
        weir_expr *c = weir_expr_new(b->a, WEIR_EX_CAST, ast->cast_type);
        if (!c) return NOMEM(b);
        c->nargs = 1;
        c->args = WEIR_ARENA_NEWN(b->a, weir_expr *, 1);
        if (!c->args) return NOMEM(b);
        c->args[0] = x;
        c->try_cast = ast->try_cast;
        c->nullable = true;
        c->line = ast->line;
        c->pos = ast->pos;
        *out = c;
        return WEIR_OK;
    }
    case WEIR_AST_FIELD: {
        if ((rc = bind_expr(b, s, ast->args[0], fl, &x)) != WEIR_OK) return rc;
        weir_ast_expr fake = *ast;
        const char *parts[1] = {ast->name};
        fake.parts = parts;
        fake.nparts = 1;
        return field_chain(b, &fake, 0, x, out);
    }
    case WEIR_AST_SUBSCRIPT: {
        weir_expr *args[2];
        if ((rc = bind_expr(b, s, ast->args[0], fl, &args[0])) != WEIR_OK) return rc;
        if ((rc = bind_expr(b, s, ast->args[1], fl, &args[1])) != WEIR_OK) return rc;
        return make_call(b, "subscript", args, 2, ast, out);
    }
    case WEIR_AST_NAMED_ARG:
        return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                           "[UNEXPECTED_POSITIONAL_ARGUMENT] named argument outside a function "
                           "call");
    case WEIR_AST_SUBQUERY:
    case WEIR_AST_EXISTS:
    case WEIR_AST_IS_BOOL:
        return weir_err_at(b->err, WEIR_EUNSUPPORTED, ast->line, ast->pos,
                           "%s is not supported yet",
                           ast->kind == WEIR_AST_SUBQUERY ? "a scalar subquery"
                           : ast->kind == WEIR_AST_EXISTS ? "EXISTS"
                                                          : "IS [NOT] TRUE/FALSE/UNKNOWN");
    }
    return weir_err(b->err, WEIR_EANALYSIS, "unknown expression");
}

/* ---- aggregation rewrite ------------------------------------------------------------------ */

static bool value_equal(const weir_value *x, const weir_value *y)
{
    if (!weir_type_equal(x->type, y->type) || x->is_null != y->is_null) return false;
    if (x->is_null) return true;
    switch (x->type->id) {
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: return x->u.d == y->u.d;
    case WEIR_T_DECIMAL: return x->u.dec == y->u.dec;
    case WEIR_T_STRING:
    case WEIR_T_BINARY:
        return x->u.s.len == y->u.s.len && memcmp(x->u.s.p, y->u.s.p, (size_t)x->u.s.len) == 0;
    case WEIR_T_STRUCT:
    case WEIR_T_ARRAY:
    case WEIR_T_MAP:
        return x->u.nested.vec == y->u.nested.vec && x->u.nested.row == y->u.nested.row;
    default: return x->u.i == y->u.i;
    }
}

static bool expr_equal(const weir_expr *x, const weir_expr *y)
{
    if (x == y) return true;
    if (x->kind != y->kind || !weir_type_equal(x->type, y->type) || x->nargs != y->nargs)
        return false;
    switch (x->kind) {
    case WEIR_EX_COLUMN: return x->col == y->col;
    case WEIR_EX_LITERAL: return value_equal(&x->lit, &y->lit);
    case WEIR_EX_FIELD:
        if (x->field != y->field) return false;
        break;
    case WEIR_EX_CALL:
    case WEIR_EX_AGG:
        if (x->fn != y->fn || x->distinct != y->distinct) return false;
        break;
    case WEIR_EX_CAST:
        if (x->try_cast != y->try_cast) return false;
        break;
    case WEIR_EX_CASE:
        if (x->has_else != y->has_else) return false;
        break;
    default: break;
    }
    for (int i = 0; i < x->nargs; i++)
        if (!expr_equal(x->args[i], y->args[i])) return false;
    return true;
}

/* Makes sure every node of e has its pretty name computed (names must reflect the
 * expression before it is rewritten over the aggregate's output). */
static void fix_names(B *b, weir_expr *e)
{
    for (int i = 0; i < e->nargs; i++)
        fix_names(b, e->args[i]);
    expr_name(b, e);
}

static int agg_rewrite(B *b, aggctx *ac, weir_expr *e, weir_expr **out)
{
    for (int i = 0; i < ac->ngroups; i++)
        if (expr_equal(e, ac->groups[i])) {
            weir_expr *c = col_ref(b, i, e->type, e->pretty);
            if (!c) return NOMEM(b);
            *out = c;
            return WEIR_OK;
        }
    switch (e->kind) {
    case WEIR_EX_AGG: {
        int j = 0;
        for (; j < ac->naggs; j++)
            if (expr_equal(e, ac->aggs[j])) break;
        if (j == ac->naggs) {
            if (ac->naggs == ac->cap) {
                int ncap = ac->cap ? ac->cap * 2 : 8;
                weir_expr **na = WEIR_ARENA_NEWN(b->a, weir_expr *, ncap);
                if (!na) return NOMEM(b);
                if (ac->naggs) memcpy(na, ac->aggs, sizeof(*na) * (size_t)ac->naggs);
                ac->aggs = na;
                ac->cap = ncap;
            }
            ac->aggs[ac->naggs++] = e;
        }
        weir_expr *c = col_ref(b, ac->agg_base + j, e->type, e->pretty);
        if (!c) return NOMEM(b);
        *out = c;
        return WEIR_OK;
    }
    case WEIR_EX_COLUMN:
        return weir_err_at(b->err, WEIR_EANALYSIS, e->line, e->pos,
                           "[MISSING_AGGREGATION] The non-aggregating expression \"%s\" is based "
                           "on columns which are not participating in the GROUP BY clause.\nAdd "
                           "the columns or the expression to the GROUP BY, aggregate the "
                           "expression, or use \"any_value(%s)\" if you do not care which of the "
                           "values within a group is returned.",
                           e->pretty, e->pretty);
    case WEIR_EX_LITERAL: *out = e; return WEIR_OK;
    default: break;
    }
    weir_expr *c = WEIR_ARENA_NEW(b->a, weir_expr);
    if (!c) return NOMEM(b);
    *c = *e;
    if (e->nargs) {
        c->args = WEIR_ARENA_NEWN(b->a, weir_expr *, e->nargs);
        if (!c->args) return NOMEM(b);
        for (int i = 0; i < e->nargs; i++) {
            int rc = agg_rewrite(b, ac, e->args[i], &c->args[i]);
            if (rc != WEIR_OK) return rc;
        }
    }
    *out = c;
    return WEIR_OK;
}

/* ---- FROM ------------------------------------------------------------------------------------ */

static int bind_from(B *b, const weir_ast_from *f, weir_lplan **out, scope *s);

static int make_project(B *b, weir_lplan *child, weir_expr **exprs, const char **names, int n,
                        weir_lplan **out)
{
    weir_lplan *p = lp_new(b, WEIR_LP_PROJECT, 1);
    const weir_type **types = WEIR_ARENA_NEWN(b->a, const weir_type *, n ? n : 1);
    bool *nul = WEIR_ARENA_NEWN(b->a, bool, n ? n : 1);
    if (!p || !types || !nul) return NOMEM(b);
    for (int i = 0; i < n; i++) {
        types[i] = exprs[i]->type;
        nul[i] = exprs[i]->nullable;
    }
    p->children[0] = child;
    p->exprs = exprs;
    p->nexprs = n;
    if (!(p->schema = schema_of(b, names, types, nul, n))) return NOMEM(b);
    *out = p;
    return WEIR_OK;
}

/* Renames the columns of p (a view's column list, a table alias's column list). */
static int rename_columns(B *b, weir_lplan *p, const char **names, int n, int line, int pos,
                          weir_lplan **out)
{
    if (n != p->schema->nfields)
        return weir_err_at(b->err, WEIR_EANALYSIS, line, pos,
                           "[ASSIGNMENT_ARITY_MISMATCH] The number of columns in the alias list "
                           "(%d) does not match the number of columns of the relation (%d).",
                           n, p->schema->nfields);
    weir_expr **ex = WEIR_ARENA_NEWN(b->a, weir_expr *, n ? n : 1);
    if (!ex) return NOMEM(b);
    for (int i = 0; i < n; i++)
        if (!(ex[i] = col_ref(b, i, p->schema->fields[i].type, names[i]))) return NOMEM(b);
    return make_project(b, p, ex, names, n, out);
}

static weir_kv *options_kv(B *b, const weir_ast_option *o, int n)
{
    weir_kv *kv = WEIR_ARENA_NEWN(b->a, weir_kv, n ? n : 1);
    if (!kv) return NULL;
    for (int i = 0; i < n; i++) {
        kv[i].key = o[i].key;
        kv[i].value = o[i].value;
    }
    return kv;
}

static const char *option_get(const weir_ast_option *o, int n, const char *key)
{
    for (int i = n - 1; i >= 0; i--)
        if (name_eq(o[i].key, key)) return o[i].value;
    return NULL;
}

static int bind_source(B *b, const weir_view *v, const weir_ast_from *f, weir_lplan **out)
{
    const weir_format *fmt = weir_format_lookup(v->format);
    if (!fmt)
        return weir_err_at(b->err, WEIR_EUNSUPPORTED, f->line, f->pos,
                           "the %s source is not supported for batch queries yet", v->format);
    const char *path = option_get(v->options, v->noptions, "path");
    if (!path)
        return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                           "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for %s. It must be "
                           "specified manually.",
                           v->format);
    weir_lplan *p = lp_new(b, WEIR_LP_SCAN, 0);
    if (!p) return NOMEM(b);
    int rc = weir_list_files(path, b->a, &p->files, &p->nfiles, b->err);
    if (rc != WEIR_OK) {
        b->err->line = f->line;
        b->err->pos = f->pos;
        return rc;
    }
    weir_kv *kv = options_kv(b, v->options, v->noptions);
    if (!kv) return NOMEM(b);
    p->options = kv;
    p->noptions = v->noptions;
    p->format = v->format;
    if ((rc = weir_format_check_options(fmt, kv, v->noptions, b->err)) != WEIR_OK) return rc;
    const weir_type *schema = v->user_schema;
    if (!schema) {
        rc = weir_format_infer(fmt, p->files, p->nfiles, kv, v->noptions, b->env->conf->tz, b->a,
                               &schema, b->err);
        if (rc != WEIR_OK) return rc;
    }
    p->data_schema = schema;
    p->schema = schema;
    p->want = WEIR_ARENA_NEWN(b->a, bool, schema->nfields ? schema->nfields : 1);
    if (!p->want) return NOMEM(b);
    *out = p;
    return WEIR_OK;
}

/* Finds a CTE by name; *visible receives the CTEs its own query may see: those defined
 * before it (WITH is not recursive). */
static const weir_ast_cte *find_cte(B *b, const char *name, cte_frame *visible)
{
    for (cte_frame *fr = b->ctes; fr; fr = fr->up)
        for (int i = fr->n - 1; i >= 0; i--)
            if (name_eq(fr->ctes[i].name, name)) {
                visible->ctes = fr->ctes;
                visible->n = i;
                visible->up = fr->up;
                return &fr->ctes[i];
            }
    return NULL;
}

static int bind_table(B *b, const weir_ast_from *f, weir_lplan **out)
{
    const char *name = f->parts[f->nparts - 1];
    if (f->nparts == 1 && !f->stream) {
        cte_frame visible;
        const weir_ast_cte *cte = find_cte(b, name, &visible);
        if (cte) {
            cte_frame *saved = b->ctes;
            b->ctes = &visible;
            int rc = bind_query(b, cte->query, out);
            b->ctes = saved;
            if (rc == WEIR_OK && cte->ncol_aliases)
                rc = rename_columns(b, *out, cte->col_aliases, cte->ncol_aliases, f->line, f->pos,
                                    out);
            return rc;
        }
    }
    const weir_view *v = b->env->lookup ? b->env->lookup(b->env->user, name) : NULL;
    if (!v || f->nparts > 2) {
        weir_strbuf sb = WEIR_STRBUF_INIT;
        for (int i = 0; i < f->nparts; i++)
            weir_sb_printf(&sb, "%s`%s`", i ? "." : "", f->parts[i]);
        weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                    "[TABLE_OR_VIEW_NOT_FOUND] The table or view %s cannot be found. Verify the "
                    "spelling and correctness of the schema and catalog.",
                    sb.p);
        weir_sb_free(&sb);
        return WEIR_EANALYSIS;
    }
    if (v->kind == WEIR_VIEW_MEMTABLE) {
        weir_lplan *p = lp_new(b, WEIR_LP_MEMTABLE, 0);
        if (!p) return NOMEM(b);
        p->memtable = v->memtable;
        p->snapshot = v->snapshot;
        p->schema = v->memtable_schema;
        *out = p;
        return WEIR_OK;
    }
    if (f->stream && v->kind == WEIR_VIEW_SOURCE) {
        weir_stream_refs *sr = b->env->streams;
        if (!sr)
            return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                               "Queries with streaming sources must be executed with "
                               "writeStream.start();");
        const weir_type *schema;
        int rc = sr->schema_of(sr->user, v, b->a, &schema, b->err);
        if (rc != WEIR_OK) {
            if (!b->err->line) {
                b->err->line = f->line;
                b->err->pos = f->pos;
            }
            return rc;
        }
        if (sr->n == sr->cap) {
            int ncap = sr->cap ? sr->cap * 2 : 4;
            weir_stream_ref *nr = WEIR_ARENA_NEWN(b->a, weir_stream_ref, ncap);
            if (!nr) return NOMEM(b);
            if (sr->n) memcpy(nr, sr->refs, sizeof(*nr) * (size_t)sr->n);
            sr->refs = nr;
            sr->cap = ncap;
        }
        sr->refs[sr->n].view = v;
        sr->refs[sr->n].schema = schema;
        weir_lplan *p = lp_new(b, WEIR_LP_STREAM_SCAN, 0);
        if (!p) return NOMEM(b);
        p->want = WEIR_ARENA_NEWN(b->a, bool, schema->nfields ? schema->nfields : 1);
        if (!p->want) return NOMEM(b);
        sr->refs[sr->n].want = p->want;
        p->source = sr->n++;
        p->schema = schema;
        *out = p;
        return WEIR_OK;
    }
    if (b->depth > 64)
        return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                           "[RECURSIVE_VIEW] Recursive view %s detected.", quote_ident(b, name));
    if (v->kind == WEIR_VIEW_SOURCE) return bind_source(b, v, f, out);
    cte_frame *saved = b->ctes;
    const char *saved_sql = b->sql;
    b->ctes = NULL; /* a view does not see the CTEs of the query that uses it */
    b->sql = v->sql;
    b->depth++;
    int rc = bind_query(b, v->query, out);
    b->depth--;
    b->ctes = saved;
    b->sql = saved_sql;
    if (rc == WEIR_OK && v->ncol_names)
        rc = rename_columns(b, *out, v->col_names, v->ncol_names, f->line, f->pos, out);
    return rc;
}

static int bind_values(B *b, const weir_ast_from *f, weir_lplan **out)
{
    int nc = f->ncols, nr = f->nrows;
    scope empty = {0};
    weir_expr **cells = WEIR_ARENA_NEWN(b->a, weir_expr *, (size_t)nc * nr + 1);
    const weir_type **types = WEIR_ARENA_NEWN(b->a, const weir_type *, nc ? nc : 1);
    const char **names = WEIR_ARENA_NEWN(b->a, const char *, nc ? nc : 1);
    if (!cells || !types || !names) return NOMEM(b);
    for (int r = 0; r < nr; r++)
        for (int c = 0; c < nc; c++) {
            bexpr_flags fl = {.where = "VALUES"};
            int rc = bind_expr(b, &empty, f->rows[r][c], &fl, &cells[r * nc + c]);
            if (rc != WEIR_OK) return rc;
            const weir_type *t = cells[r * nc + c]->type;
            if (r == 0)
                types[c] = t;
            else {
                const weir_type *ct = weir_common_type(b->a, types[c], t);
                if (!ct)
                    return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                                       "[INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Found incompatible "
                                       "types in the column `col%d` for inline table.",
                                       c + 1);
                types[c] = ct;
            }
        }
    for (int c = 0; c < nc; c++) {
        names[c] = weir_arena_sprintf(b->a, "col%d", c + 1);
        if (types[c]->id == WEIR_T_NULL) types[c] = WEIR_TYPE_NULL;
    }
    weir_lplan *p = lp_new(b, WEIR_LP_VALUES, 0);
    if (!p) return NOMEM(b);
    weir_batch *batch = weir_batch_new(b->a, nc);
    if (!batch) return NOMEM(b);
    batch->nrows = nr;
    weir_eval_ctx ec = {b->a, b->env->conf, 0, b->err};
    for (int c = 0; c < nc; c++) {
        if (!(batch->cols[c] = weir_vec_new(b->a, types[c], nr))) return NOMEM(b);
        for (int r = 0; r < nr; r++) {
            weir_expr *e = weir_expr_cast(b->a, cells[r * nc + c], types[c]);
            weir_vec *v;
            if (!e) return NOMEM(b);
            int rc = weir_expr_eval(&ec, e, NULL, 1, &v);
            if (rc != WEIR_OK) return rc;
            if (weir_vec_append_range(batch->cols[c], v, 0, 1) != WEIR_OK) return NOMEM(b);
        }
    }
    p->values = batch;
    if (!(p->schema = schema_of(b, names, types, NULL, nc))) return NOMEM(b);
    *out = p; /* a column alias list renames it in bind_from */
    return WEIR_OK;
}

static int bind_tvf(B *b, const weir_ast_from *f, weir_lplan **out)
{
    if (!name_eq(f->func_name, "range"))
        return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                           "[UNRESOLVABLE_TABLE_VALUED_FUNCTION] Could not resolve `%s` to a "
                           "table-valued function.",
                           f->func_name);
    int64_t v[3] = {0, 0, 1};
    int n = f->nfunc_args;
    if (n < 1 || n > 4)
        return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                           "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `range` requires [1, 4] "
                           "parameters but the actual number is %d.",
                           n);
    scope empty = {0};
    weir_eval_ctx ec = {b->a, b->env->conf, 0, b->err};
    for (int i = 0; i < n && i < 3; i++) {
        bexpr_flags fl = {.where = "range"};
        weir_expr *e;
        weir_vec *vv;
        int rc = bind_expr(b, &empty, f->func_args[i], &fl, &e);
        if (rc != WEIR_OK) return rc;
        if (!weir_type_is_integral(e->type))
            return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                               "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] range arguments must be "
                               "integers");
        if (!(e = weir_expr_cast(b->a, e, WEIR_TYPE_BIGINT))) return NOMEM(b);
        if ((rc = weir_expr_eval(&ec, e, NULL, 1, &vv)) != WEIR_OK) return rc;
        v[i] = WEIR_VEC_DATA(vv, int64_t)[0];
    }
    if (n == 1) {
        v[1] = v[0];
        v[0] = 0;
    }
    if (v[2] == 0)
        return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                           "[FAILED_FUNCTION_CALL] range: the step must not be 0");
    weir_lplan *p = lp_new(b, WEIR_LP_RANGE, 0);
    if (!p) return NOMEM(b);
    p->range_start = v[0];
    p->range_end = v[1];
    p->range_step = v[2];
    const char *nm[1] = {"id"};
    const weir_type *ty[1] = {WEIR_TYPE_BIGINT};
    bool nl[1] = {false};
    if (!(p->schema = schema_of(b, nm, ty, nl, 1))) return NOMEM(b);
    *out = p;
    return WEIR_OK;
}

/* Splits an ON condition into equi-keys (left expr = right expr) and a residual. */
static bool refs_range(const weir_expr *e, int lo, int hi)
{
    if (e->kind == WEIR_EX_COLUMN) return e->col >= lo && e->col < hi;
    for (int i = 0; i < e->nargs; i++)
        if (!refs_range(e->args[i], lo, hi)) return false;
    return true;
}

static bool refs_column(const weir_expr *e, int col)
{
    if (e->kind == WEIR_EX_COLUMN) return e->col == col;
    for (int i = 0; i < e->nargs; i++)
        if (refs_column(e->args[i], col)) return true;
    return false;
}

static bool has_column(const weir_expr *e)
{
    if (e->kind == WEIR_EX_COLUMN) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_column(e->args[i])) return true;
    return false;
}

static weir_expr *shift_cols(B *b, const weir_expr *e, int delta)
{
    weir_expr *c = WEIR_ARENA_NEW(b->a, weir_expr);
    if (!c) return NULL;
    *c = *e;
    if (e->kind == WEIR_EX_COLUMN) c->col += delta;
    if (e->nargs) {
        c->args = WEIR_ARENA_NEWN(b->a, weir_expr *, e->nargs);
        if (!c->args) return NULL;
        for (int i = 0; i < e->nargs; i++)
            if (!(c->args[i] = shift_cols(b, e->args[i], delta))) return NULL;
    }
    return c;
}

static int split_join_cond(B *b, weir_lplan *j, weir_expr *cond, int nleft, int ntotal)
{
    /* flatten ANDs */
    weir_expr *stack[256];
    weir_expr *conj[256];
    int sp = 0, nc = 0;
    stack[sp++] = cond;
    while (sp && nc < 255) {
        weir_expr *e = stack[--sp];
        if (e->kind == WEIR_EX_AND && sp < 254) {
            stack[sp++] = e->args[1];
            stack[sp++] = e->args[0];
        } else
            conj[nc++] = e;
    }
    j->lkeys = WEIR_ARENA_NEWN(b->a, weir_expr *, nc);
    j->rkeys = WEIR_ARENA_NEWN(b->a, weir_expr *, nc);
    j->null_safe = WEIR_ARENA_NEWN(b->a, bool, nc);
    if (!j->lkeys || !j->rkeys || !j->null_safe) return NOMEM(b);
    weir_expr *resid = NULL;
    for (int i = 0; i < nc; i++) {
        weir_expr *e = conj[i];
        bool eq = e->kind == WEIR_EX_CALL && e->nargs == 2 && e->fn &&
                  (strcmp(e->fn->name, "=") == 0 || strcmp(e->fn->name, "==") == 0 ||
                   strcmp(e->fn->name, "<=>") == 0);
        if (eq && has_column(e->args[0]) && has_column(e->args[1])) {
            weir_expr *x = e->args[0], *y = e->args[1];
            if (refs_range(x, nleft, ntotal) && refs_range(y, 0, nleft)) {
                weir_expr *t = x;
                x = y;
                y = t;
            }
            if (refs_range(x, 0, nleft) && refs_range(y, nleft, ntotal)) {
                j->lkeys[j->nkeys_eq] = x;
                if (!(j->rkeys[j->nkeys_eq] = shift_cols(b, y, -nleft))) return NOMEM(b);
                j->null_safe[j->nkeys_eq] = strcmp(e->fn->name, "<=>") == 0;
                j->nkeys_eq++;
                continue;
            }
        }
        if (!resid)
            resid = e;
        else {
            int rc = logic_node(b, WEIR_EX_AND, resid, e, &resid);
            if (rc != WEIR_OK) return rc;
        }
    }
    j->cond = resid;
    return WEIR_OK;
}

static int bind_join(B *b, const weir_ast_from *f, weir_lplan **out, scope *s)
{
    weir_lplan *l, *r;
    scope ls, rs;
    int rc;
    if ((rc = bind_from(b, f->left, &l, &ls)) != WEIR_OK) return rc;
    if ((rc = bind_from(b, f->right, &r, &rs)) != WEIR_OK) return rc;
    weir_lplan *j = lp_new(b, WEIR_LP_JOIN, 2);
    if (!j) return NOMEM(b);
    j->children[0] = l;
    j->children[1] = r;
    j->join_type = f->join_type == WEIR_JOIN_CROSS ? WEIR_JOIN_INNER : f->join_type;
    scope all;
    if ((rc = scope_concat(b, &ls, &rs, &all)) != WEIR_OK) return rc;
    int nl = ls.n, nr = rs.n;
    /* USING / NATURAL: equality on the named columns; the output lists them once. */
    const char **using_cols = f->using_cols;
    int nusing = f->nusing;
    if (f->natural) {
        using_cols = WEIR_ARENA_NEWN(b->a, const char *, nl ? nl : 1);
        if (!using_cols) return NOMEM(b);
        nusing = 0;
        for (int i = 0; i < nl; i++)
            for (int k = 0; k < nr; k++)
                if (name_eq(ls.cols[i].name, rs.cols[k].name)) {
                    using_cols[nusing++] = ls.cols[i].name;
                    break;
                }
    }
    int *lidx = NULL, *ridx = NULL;
    if (nusing) {
        lidx = WEIR_ARENA_NEWN(b->a, int, nusing);
        ridx = WEIR_ARENA_NEWN(b->a, int, nusing);
        if (!lidx || !ridx) return NOMEM(b);
        weir_expr *cond = NULL;
        for (int u = 0; u < nusing; u++) {
            lidx[u] = ridx[u] = -1;
            for (int i = 0; i < nl; i++)
                if (name_eq(ls.cols[i].name, using_cols[u])) lidx[u] = i;
            for (int i = 0; i < nr; i++)
                if (name_eq(rs.cols[i].name, using_cols[u])) ridx[u] = i;
            if (lidx[u] < 0 || ridx[u] < 0)
                return weir_err_at(b->err, WEIR_EANALYSIS, f->line, f->pos,
                                   "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `%s` cannot be "
                                   "resolved on the %s side of the join.",
                                   using_cols[u], lidx[u] < 0 ? "left" : "right");
            if (ls.cols[lidx[u]].want) *ls.cols[lidx[u]].want = true;
            if (rs.cols[ridx[u]].want) *rs.cols[ridx[u]].want = true;
            weir_expr *pair[2];
            if (!(pair[0] = col_ref(b, lidx[u], ls.cols[lidx[u]].type, ls.cols[lidx[u]].name)) ||
                !(pair[1] = col_ref(b, nl + ridx[u], rs.cols[ridx[u]].type, rs.cols[ridx[u]].name)))
                return NOMEM(b);
            weir_expr *eq;
            if ((rc = make_call(b, "=", pair, 2, NULL, &eq)) != WEIR_OK) return rc;
            if (!cond)
                cond = eq;
            else if ((rc = logic_node(b, WEIR_EX_AND, cond, eq, &cond)) != WEIR_OK)
                return rc;
        }
        if ((rc = split_join_cond(b, j, cond, nl, nl + nr)) != WEIR_OK) return rc;
    } else if (f->on) {
        bexpr_flags fl = {.where = "JOIN ON"};
        weir_expr *cond;
        if ((rc = bind_expr(b, &all, f->on, &fl, &cond)) != WEIR_OK) return rc;
        if ((rc = to_boolean(b, &cond, "JOIN ON")) != WEIR_OK) return rc;
        if ((rc = split_join_cond(b, j, cond, nl, nl + nr)) != WEIR_OK) return rc;
    }
    /* Output schema: semi/anti joins give the left columns only. */
    bool semi = j->join_type == WEIR_JOIN_LEFT_SEMI || j->join_type == WEIR_JOIN_LEFT_ANTI;
    int n = semi ? nl : nl + nr;
    const char **names = WEIR_ARENA_NEWN(b->a, const char *, n ? n : 1);
    const weir_type **types = WEIR_ARENA_NEWN(b->a, const weir_type *, n ? n : 1);
    if (!names || !types) return NOMEM(b);
    for (int i = 0; i < n; i++) {
        names[i] = all.cols[i].name;
        types[i] = all.cols[i].type;
    }
    if (!(j->schema = schema_of(b, names, types, NULL, n))) return NOMEM(b);
    if (semi) all.n = nl;
    if (!nusing) {
        *out = j;
        *s = all;
        return WEIR_OK;
    }
    /* USING output: keys (coalesced for FULL, right's for RIGHT), then the rest. */
    weir_expr **ex = WEIR_ARENA_NEWN(b->a, weir_expr *, n);
    const char **on = WEIR_ARENA_NEWN(b->a, const char *, n);
    scope ns = {WEIR_ARENA_NEWN(b->a, scol, n), 0};
    if (!ex || !on || !ns.cols) return NOMEM(b);
    int k = 0;
    for (int u = 0; u < nusing; u++) {
        weir_expr *le = col_ref(b, lidx[u], all.cols[lidx[u]].type, all.cols[lidx[u]].name);
        weir_expr *re =
            col_ref(b, nl + ridx[u], all.cols[nl + ridx[u]].type, all.cols[nl + ridx[u]].name);
        if (!le || !re) return NOMEM(b);
        weir_expr *e = le;
        if (j->join_type == WEIR_JOIN_RIGHT)
            e = re;
        else if (j->join_type == WEIR_JOIN_FULL) {
            weir_expr *pair[2] = {le, re};
            if ((rc = make_call(b, "coalesce", pair, 2, NULL, &e)) != WEIR_OK) return rc;
            e->pretty = le->pretty;
        }
        ex[k] = e;
        on[k] = all.cols[lidx[u]].name;
        ns.cols[k] = all.cols[lidx[u]];
        ns.cols[k].type = e->type;
        k++;
    }
    for (int i = 0; i < n; i++) {
        bool is_key = false;
        for (int u = 0; u < nusing; u++)
            is_key |= (i == lidx[u] || i == nl + ridx[u]);
        if (is_key) continue;
        if (!(ex[k] = col_ref(b, i, all.cols[i].type, all.cols[i].name))) return NOMEM(b);
        on[k] = all.cols[i].name;
        ns.cols[k] = all.cols[i];
        k++;
    }
    for (int i = 0; i < k; i++)
        ns.cols[i].want = NULL;
    ns.n = k;
    if ((rc = make_project(b, j, ex, on, k, out)) != WEIR_OK) return rc;
    *s = ns;
    return WEIR_OK;
}

static int window_duration(B *b, const weir_ast_expr *a, const char *what, int64_t *us);

/* WATERMARK col DELAY OF interval (withWatermark): on a stream, a node tracking the max
 * event time; batch queries ignore it, as withWatermark on a batch Dataset. */
static int bind_watermark(B *b, const weir_ast_from *f, weir_lplan **p, scope *s)
{
    bexpr_flags fl = {.where = "WATERMARK"};
    weir_expr *c;
    int rc = bind_expr(b, s, f->wm_col, &fl, &c);
    if (rc != WEIR_OK) return rc;
    if (c->kind != WEIR_EX_COLUMN)
        return weir_err_at(b->err, WEIR_EANALYSIS, f->wm_col->line, f->wm_col->pos,
                           "[UNSUPPORTED_FEATURE] the WATERMARK clause takes a column of the FROM "
                           "item, not %s",
                           expr_name(b, c));
    if (c->type->id != WEIR_T_TIMESTAMP) {
        char tb[128];
        return weir_err_at(b->err, WEIR_EANALYSIS, f->wm_col->line, f->wm_col->pos,
                           "[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time `%s` has the "
                           "invalid type \"%s\", but expected \"TIMESTAMP\".",
                           c->pretty, weir_type_sql(c->type, tb, sizeof tb));
    }
    int64_t delay;
    if ((rc = window_duration(b, f->wm_delay, "delay", &delay)) != WEIR_OK) return rc;
    if (delay < 0)
        return weir_err_at(b->err, WEIR_EANALYSIS, f->wm_delay->line, f->wm_delay->pos,
                           "delayThreshold should not be negative.");
    if (!weir_lplan_is_streaming(*p)) return WEIR_OK;
    weir_lplan *w = lp_new(b, WEIR_LP_WATERMARK, 1);
    if (!w) return NOMEM(b);
    w->children[0] = *p;
    w->schema = (*p)->schema;
    w->wm_col = c->col;
    w->wm_delay_us = delay;
    w->wm_id = b->nwatermarks++;
    *p = w;
    return WEIR_OK;
}

static int bind_from(B *b, const weir_ast_from *f, weir_lplan **out, scope *s)
{
    int rc;
    weir_lplan *p = NULL;
    const char *qual = f->alias;
    switch (f->kind) {
    case WEIR_FROM_TABLE:
        rc = bind_table(b, f, &p);
        if (!qual) qual = f->parts[f->nparts - 1];
        break;
    case WEIR_FROM_SUBQUERY: rc = bind_query(b, f->query, &p); break;
    case WEIR_FROM_VALUES: rc = bind_values(b, f, &p); break;
    case WEIR_FROM_FUNC: rc = bind_tvf(b, f, &p); break;
    case WEIR_FROM_JOIN:
        rc = bind_join(b, f, &p, s);
        if (rc != WEIR_OK) return rc;
        *out = p;
        return WEIR_OK;
    default: return weir_err(b->err, WEIR_EANALYSIS, "unknown FROM item");
    }
    if (rc != WEIR_OK) return rc;
    if (f->ncol_aliases && (p->kind == WEIR_LP_SCAN || p->kind == WEIR_LP_STREAM_SCAN))
        for (int i = 0; i < p->schema->nfields; i++)
            p->want[i] = true; /* renamed columns are not traced back to the scan */
    if (f->ncol_aliases && (rc = rename_columns(b, p, f->col_aliases, f->ncol_aliases, f->line,
                                                f->pos, &p)) != WEIR_OK)
        return rc;
    if ((rc = scope_of_plan(b, p, qual, s)) != WEIR_OK) return rc;
    if (p->kind == WEIR_LP_SCAN || p->kind == WEIR_LP_STREAM_SCAN)
        for (int i = 0; i < s->n; i++)
            s->cols[i].want = &p->want[i];
    if (f->wm_col && (rc = bind_watermark(b, f, &p, s)) != WEIR_OK) return rc;
    *out = p;
    return WEIR_OK;
}

/* ---- SELECT -------------------------------------------------------------------------------- */

typedef struct sitem {
    weir_expr *e;     /* bound over the input scope */
    const char *name; /* output column name */
    const weir_ast_expr *ast;
    const char *alias;
} sitem;

static int const_int(B *b, const weir_ast_expr *ast, const char *what, int64_t *out)
{
    scope empty = {0};
    bexpr_flags fl = {.where = what};
    weir_expr *e;
    int rc = bind_expr(b, &empty, ast, &fl, &e);
    if (rc != WEIR_OK) return rc;
    if (!weir_type_is_integral(e->type))
        return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                           "[INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE] The %s expression \"%s\" is "
                           "invalid. The %s expression must be integer type, but got \"%s\".",
                           what, expr_name(b, e), what, "");
    if (!(e = weir_expr_cast(b->a, e, WEIR_TYPE_BIGINT))) return NOMEM(b);
    weir_eval_ctx ec = {b->a, b->env->conf, 0, b->err};
    weir_vec *v;
    if ((rc = weir_expr_eval(&ec, e, NULL, 1, &v)) != WEIR_OK) return rc;
    if (weir_vec_is_null(v, 0) || WEIR_VEC_DATA(v, int64_t)[0] < 0)
        return weir_err_at(b->err, WEIR_EANALYSIS, ast->line, ast->pos,
                           "[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The %s expression \"%s\" "
                           "is invalid. The %s expression must be equal to or greater than 0, but "
                           "got %lld.",
                           what, expr_name(b, e), what,
                           weir_vec_is_null(v, 0) ? 0LL : (long long)WEIR_VEC_DATA(v, int64_t)[0]);
    *out = WEIR_VEC_DATA(v, int64_t)[0];
    return WEIR_OK;
}

static const char *auto_name(B *b, const weir_ast_expr *ast, weir_expr *e)
{
    if (ast && ast->kind == WEIR_AST_COLUMN) {
        if (e->kind == WEIR_EX_FIELD) return e->args[0]->type->fields[e->field].name;
        if (e->kind == WEIR_EX_COLUMN) return e->pretty;
    }
    if (e->kind == WEIR_EX_FIELD && ast && ast->kind == WEIR_AST_FIELD)
        return e->args[0]->type->fields[e->field].name;
    return expr_name(b, e);
}

static bool has_agg(const weir_expr *e)
{
    if (e->kind == WEIR_EX_AGG) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_agg(e->args[i])) return true;
    return false;
}

static int plan_generate(B *b, weir_lplan *child, weir_expr *call, bool outer, weir_lplan **out,
                         int *ngen)
{
    weir_lplan *g = lp_new(b, WEIR_LP_GENERATE, 1);
    if (!g) return NOMEM(b);
    g->children[0] = child;
    const char *fn = call->fn->name;
    g->gen_outer = outer || strstr(fn, "_outer") != NULL;
    g->gen = strncmp(fn, "posexplode", 10) == 0 ? WEIR_GEN_POSEXPLODE
             : strncmp(fn, "inline", 6) == 0    ? WEIR_GEN_INLINE
                                                : WEIR_GEN_EXPLODE;
    g->gen_arg = call->args[0];
    /* The generator's bind set call->type to the STRUCT of generated columns. */
    const weir_type *gt = call->type;
    int nc = child->schema->nfields, n = nc + gt->nfields;
    const char **names = WEIR_ARENA_NEWN(b->a, const char *, n);
    const weir_type **types = WEIR_ARENA_NEWN(b->a, const weir_type *, n);
    if (!names || !types) return NOMEM(b);
    for (int i = 0; i < nc; i++) {
        names[i] = child->schema->fields[i].name;
        types[i] = child->schema->fields[i].type;
    }
    for (int i = 0; i < gt->nfields; i++) {
        names[nc + i] = gt->fields[i].name;
        types[nc + i] = gt->fields[i].type;
    }
    if (!(g->schema = schema_of(b, names, types, NULL, n))) return NOMEM(b);
    *ngen = gt->nfields;
    *out = g;
    return WEIR_OK;
}

static const weir_ast_expr *find_window(const weir_ast_expr *e)
{
    if (!e) return NULL;
    if (e->kind == WEIR_AST_FUNC && e->name && strcasecmp(e->name, "window") == 0) return e;
    for (int i = 0; i < e->nargs; i++) {
        const weir_ast_expr *w = find_window(e->args[i]);
        if (w) return w;
    }
    for (int i = 0; i < e->ncase; i++) {
        const weir_ast_expr *w = find_window(e->case_when[i]);
        if (!w) w = find_window(e->case_then[i]);
        if (w) return w;
    }
    return find_window(e->case_else);
}

/* A window duration: an interval literal or a string such as '10 minutes'. */
static int window_duration(B *b, const weir_ast_expr *a, const char *what, int64_t *us)
{
    scope empty = {0};
    bexpr_flags fl = {.where = "window"};
    weir_expr *e;
    int rc = bind_expr(b, &empty, a, &fl, &e);
    if (rc != WEIR_OK) return rc;
    if (e->kind == WEIR_EX_LITERAL && !e->lit.is_null) {
        if (e->type->id == WEIR_T_INTERVAL) {
            *us = e->lit.u.i;
            return WEIR_OK;
        }
        if (e->type->id == WEIR_T_STRING &&
            weir_parse_interval(e->lit.u.s.p, (size_t)e->lit.u.s.len, us))
            return WEIR_OK;
    }
    return weir_err_at(b->err, WEIR_EANALYSIS, a->line, a->pos,
                       "[DATATYPE_MISMATCH] The %s of window() must be an interval literal or a "
                       "string like '10 minutes', but got %s.",
                       what, expr_name(b, e));
}

/* Spark's TimeWindowing: window(time, length[, slide[, start]]) becomes a WINDOW node that
 * emits each row once per window containing it, with the window as a new column. */
static int plan_window(B *b, const weir_ast_expr *w, weir_lplan **p, scope *s)
{
    if (w->nargs < 2 || w->nargs > 4)
        return weir_err_at(b->err, WEIR_EANALYSIS, w->line, w->pos,
                           "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `window` requires [2, 4] "
                           "parameters but the actual number is %d.",
                           w->nargs);
    bexpr_flags fl = {.where = "window"};
    weir_expr *t;
    int rc = bind_expr(b, s, w->args[0], &fl, &t);
    if (rc != WEIR_OK) return rc;
    if (t->type->id == WEIR_T_STRING || t->type->id == WEIR_T_DATE) {
        if (!(t = weir_expr_cast(b->a, t, WEIR_TYPE_TIMESTAMP))) return NOMEM(b);
    } else if (t->type->id != WEIR_T_TIMESTAMP) {
        char tb[128];
        return weir_err_at(b->err, WEIR_EANALYSIS, w->line, w->pos,
                           "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"window\" "
                           "due to data type mismatch: The first parameter requires the "
                           "(\"TIMESTAMP\" or \"TIMESTAMP_NTZ\") type, however \"%s\" has the "
                           "type \"%s\".",
                           expr_name(b, t), weir_type_sql(t->type, tb, sizeof tb));
    }
    int64_t len, slide, start = 0;
    if ((rc = window_duration(b, w->args[1], "windowDuration", &len)) != WEIR_OK) return rc;
    slide = len;
    if (w->nargs > 2 && (rc = window_duration(b, w->args[2], "slideDuration", &slide)) != WEIR_OK)
        return rc;
    if (w->nargs > 3 && (rc = window_duration(b, w->args[3], "startTime", &start)) != WEIR_OK)
        return rc;
    if (len <= 0)
        return weir_err_at(b->err, WEIR_EANALYSIS, w->line, w->pos,
                           "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] The window duration (%lld) must "
                           "be greater than 0.",
                           (long long)len);
    if (slide <= 0)
        return weir_err_at(b->err, WEIR_EANALYSIS, w->line, w->pos,
                           "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] The slide duration (%lld) must "
                           "be greater than 0.",
                           (long long)slide);
    if (slide > len)
        return weir_err_at(b->err, WEIR_EANALYSIS, w->line, w->pos,
                           "[DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION] The slide duration "
                           "(%lld) must be less than or equal to the windowDuration (%lld).",
                           (long long)slide, (long long)len);
    if (start <= -slide || start >= slide)
        return weir_err_at(b->err, WEIR_EANALYSIS, w->line, w->pos,
                           "[DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION] The absolute value "
                           "of start time (%lld) must be less than the slideDuration (%lld).",
                           (long long)start, (long long)slide);
    weir_field wf[2] = {{"start", WEIR_TYPE_TIMESTAMP, true}, {"end", WEIR_TYPE_TIMESTAMP, true}};
    const weir_type *wt = weir_type_struct(b->a, wf, 2);
    weir_lplan *n = lp_new(b, WEIR_LP_WINDOW, 1);
    if (!wt || !n) return NOMEM(b);
    n->children[0] = *p;
    n->win_time = t;
    n->win_len = len;
    n->win_slide = slide;
    n->win_start = start;
    int nc = (*p)->schema->nfields;
    const char **names = WEIR_ARENA_NEWN(b->a, const char *, nc + 1);
    const weir_type **types = WEIR_ARENA_NEWN(b->a, const weir_type *, nc + 1);
    scol *cols = WEIR_ARENA_NEWN(b->a, scol, s->n + 1);
    if (!names || !types || !cols) return NOMEM(b);
    for (int i = 0; i < nc; i++) {
        names[i] = (*p)->schema->fields[i].name;
        types[i] = (*p)->schema->fields[i].type;
    }
    names[nc] = "window";
    types[nc] = wt;
    if (!(n->schema = schema_of(b, names, types, NULL, nc + 1))) return NOMEM(b);
    memcpy(cols, s->cols, sizeof(scol) * (size_t)s->n);
    cols[s->n] = (scol){NULL, "window", wt, NULL, true};
    s->cols = cols;
    s->n++;
    b->win_text = ast_text(b, w);
    if (!b->win_text) b->win_text = "";
    b->win_col = s->n - 1;
    b->win_type = wt;
    *p = n;
    return WEIR_OK;
}

static int bind_select(B *b, const weir_ast_select *sel, const weir_ast_order_item *order,
                       int norder, weir_lplan **out)
{
    const char *saved_win = b->win_text;
    int saved_col = b->win_col;
    const weir_type *saved_type = b->win_type;
    b->win_text = NULL;
    int rc = bind_select_inner(b, sel, order, norder, out);
    b->win_text = saved_win;
    b->win_col = saved_col;
    b->win_type = saved_type;
    return rc;
}

static int bind_select_inner(B *b, const weir_ast_select *sel, const weir_ast_order_item *order,
                             int norder, weir_lplan **out)
{
    int rc;
    weir_lplan *p;
    scope s = {0};
    if (sel->from) {
        if ((rc = bind_from(b, sel->from, &p, &s)) != WEIR_OK) return rc;
    } else {
        p = lp_new(b, WEIR_LP_EMPTY, 0);
        if (!p || !(p->schema = schema_of(b, NULL, NULL, NULL, 0))) return NOMEM(b);
    }
    /* LATERAL VIEW */
    for (int i = 0; i < sel->nlaterals; i++) {
        const weir_ast_lateral_view *lv = &sel->laterals[i];
        bexpr_flags fl = {.allow_gen = true, .where = "LATERAL VIEW"};
        weir_expr *call;
        if ((rc = bind_expr(b, &s, lv->func, &fl, &call)) != WEIR_OK) return rc;
        if (call->kind != WEIR_EX_CALL || call->fn->kind != WEIR_FN_GENERATOR)
            return weir_err_at(b->err, WEIR_EANALYSIS, lv->func->line, lv->func->pos,
                               "[UNSUPPORTED_GENERATOR.NOT_GENERATOR] The generator is not "
                               "supported: %s is expected to be a generator. However, its class "
                               "is not a generator.",
                               expr_name(b, call));
        int ngen, nc = s.n;
        if ((rc = plan_generate(b, p, call, lv->outer, &p, &ngen)) != WEIR_OK) return rc;
        if (lv->ncol_aliases && lv->ncol_aliases != ngen)
            return weir_err_at(b->err, WEIR_EANALYSIS, lv->func->line, lv->func->pos,
                               "[UDTF_ALIAS_NUMBER_MISMATCH] The number of aliases supplied in the "
                               "AS clause does not match the number of columns output by the "
                               "UDTF. Expected %d aliases, but got %d.",
                               ngen, lv->ncol_aliases);
        scope ns = {WEIR_ARENA_NEWN(b->a, scol, nc + ngen), nc + ngen};
        if (!ns.cols) return NOMEM(b);
        memcpy(ns.cols, s.cols, sizeof(scol) * (size_t)nc);
        for (int k = 0; k < ngen; k++) {
            ns.cols[nc + k].qual = lv->table_alias;
            ns.cols[nc + k].name =
                lv->ncol_aliases ? lv->col_aliases[k] : p->schema->fields[nc + k].name;
            ns.cols[nc + k].type = p->schema->fields[nc + k].type;
            ns.cols[nc + k].want = NULL;
            ns.cols[nc + k].hidden = false;
        }
        s = ns;
    }
    /* WHERE */
    if (sel->where) {
        bexpr_flags fl = {.where = "WHERE"};
        weir_expr *c;
        if ((rc = bind_expr(b, &s, sel->where, &fl, &c)) != WEIR_OK) return rc;
        if ((rc = to_boolean(b, &c, "WHERE")) != WEIR_OK) return rc;
        weir_lplan *f = lp_new(b, WEIR_LP_FILTER, 1);
        if (!f) return NOMEM(b);
        f->cond = c;
        f->schema = p->schema;
        if (p->kind == WEIR_LP_WATERMARK && !refs_column(c, p->wm_col)) {
            /* Spark's optimizer pushes such a filter below the watermark
             * (PushPredicateThroughNonJoin): filtered-out rows do not move it */
            f->children[0] = p->children[0];
            p->children[0] = f;
        } else {
            f->children[0] = p;
            p = f;
        }
    }
    /* DISTINCT ON (keys) [WITHIN WATERMARK]: Spark's dropDuplicates on the FROM rows */
    if (sel->ndistinct_on) {
        if (sel->group_kind != WEIR_GROUP_NONE || sel->having)
            return weir_err_at(b->err, WEIR_EANALYSIS, sel->distinct_on[0]->line,
                               sel->distinct_on[0]->pos,
                               "DISTINCT ON cannot be combined with GROUP BY or HAVING");
        weir_lplan *d = lp_new(b, WEIR_LP_DEDUP, 1);
        if (!d || !(d->dedup_keys = WEIR_ARENA_NEWN(b->a, weir_expr *, sel->ndistinct_on)))
            return NOMEM(b);
        for (int i = 0; i < sel->ndistinct_on; i++) {
            bexpr_flags fl = {.where = "DISTINCT ON"};
            if ((rc = bind_expr(b, &s, sel->distinct_on[i], &fl, &d->dedup_keys[i])) != WEIR_OK)
                return rc;
        }
        d->ndedup_keys = sel->ndistinct_on;
        d->within_watermark = sel->within_watermark;
        d->dedup_et_col = d->dedup_et_key = -1;
        d->children[0] = p;
        d->schema = p->schema;
        p = d;
    }
    /* window(): planned once, before the select list that refers to it */
    {
        const weir_ast_expr *w = NULL;
        for (int i = 0; i < sel->nitems && !w; i++)
            w = find_window(sel->items[i].expr);
        for (int i = 0; i < sel->ngroup_by && !w; i++)
            w = find_window(sel->group_by[i]);
        if (!w) w = find_window(sel->having);
        if (w && sel->from && (rc = plan_window(b, w, &p, &s)) != WEIR_OK) return rc;
    }
    /* Select list, stars expanded. */
    int cap = sel->nitems + s.n + 4, n = 0;
    sitem *items = WEIR_ARENA_NEWN(b->a, sitem, cap);
    if (!items) return NOMEM(b);
    bool any_agg = false;
    int gen_item = -1;
    for (int i = 0; i < sel->nitems; i++) {
        const weir_ast_select_item *it = &sel->items[i];
        if (it->expr->kind == WEIR_AST_STAR) {
            int matched = 0;
            for (int k = 0; k < s.n; k++) {
                if (s.cols[k].hidden) continue;
                if (it->expr->nparts &&
                    !name_eq(s.cols[k].qual, it->expr->parts[it->expr->nparts - 1]))
                    continue;
                if (n == cap) {
                    sitem *ni = WEIR_ARENA_NEWN(b->a, sitem, cap * 2);
                    if (!ni) return NOMEM(b);
                    memcpy(ni, items, sizeof(sitem) * (size_t)n);
                    items = ni;
                    cap *= 2;
                }
                if (s.cols[k].want) *s.cols[k].want = true;
                items[n].e = col_ref(b, k, s.cols[k].type, s.cols[k].name);
                if (!items[n].e) return NOMEM(b);
                items[n].name = s.cols[k].name;
                items[n].ast = NULL;
                items[n].alias = NULL;
                n++;
                matched++;
            }
            if (it->expr->nparts && !matched)
                return weir_err_at(b->err, WEIR_EANALYSIS, it->expr->line, it->expr->pos,
                                   "[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve %s.* given input "
                                   "columns %s.",
                                   quote_ident(b, it->expr->parts[0]), "");
            continue;
        }
        if (n == cap) {
            sitem *ni = WEIR_ARENA_NEWN(b->a, sitem, cap * 2);
            if (!ni) return NOMEM(b);
            memcpy(ni, items, sizeof(sitem) * (size_t)n);
            items = ni;
            cap *= 2;
        }
        bexpr_flags fl = {.allow_agg = true, .allow_gen = true, .where = "SELECT"};
        if ((rc = bind_expr(b, &s, it->expr, &fl, &items[n].e)) != WEIR_OK) return rc;
        any_agg |= fl.any_agg;
        fix_names(b, items[n].e);
        items[n].ast = it->expr;
        items[n].alias = it->alias;
        items[n].name = it->alias ? it->alias : auto_name(b, it->expr, items[n].e);
        if (items[n].e->kind == WEIR_EX_CALL && items[n].e->fn->kind == WEIR_FN_GENERATOR) {
            if (gen_item >= 0)
                return weir_err_at(b->err, WEIR_EANALYSIS, it->expr->line, it->expr->pos,
                                   "[UNSUPPORTED_GENERATOR.MULTI_GENERATOR] The generator is not "
                                   "supported: only one generator allowed per SELECT clause but "
                                   "found 2: \"%s\", \"%s\".",
                                   items[gen_item].e->pretty, items[n].e->pretty);
            gen_item = n;
        }
        n++;
    }
    /* Generator in the select list: Generate, then the items over its output. */
    int ngen = 0, gen_base = 0;
    if (gen_item >= 0) {
        if (any_agg || sel->group_kind != WEIR_GROUP_NONE)
            return weir_err_at(b->err, WEIR_EUNSUPPORTED, sel->items[0].expr->line,
                               sel->items[0].expr->pos,
                               "a generator together with aggregation in one SELECT is not "
                               "supported yet");
        gen_base = s.n;
        weir_expr *call = items[gen_item].e;
        if ((rc = plan_generate(b, p, call, false, &p, &ngen)) != WEIR_OK) return rc;
        /* Replace the generator item by its generated columns. */
        sitem *ni = WEIR_ARENA_NEWN(b->a, sitem, n + ngen);
        if (!ni) return NOMEM(b);
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (i != gen_item) {
                ni[k++] = items[i];
                continue;
            }
            for (int g = 0; g < ngen; g++) {
                const weir_field *gf = &p->schema->fields[gen_base + g];
                const char *nm = (ngen == 1 && items[i].alias) ? items[i].alias : gf->name;
                ni[k].e = col_ref(b, gen_base + g, gf->type, nm);
                if (!ni[k].e) return NOMEM(b);
                ni[k].name = nm;
                ni[k].ast = NULL;
                ni[k].alias = items[i].alias;
                k++;
            }
        }
        items = ni;
        n = k;
    }
    /* Aggregation. */
    bool aggregating = any_agg || sel->group_kind != WEIR_GROUP_NONE || sel->having;
    aggctx ac = {0};
    weir_lplan *agg = NULL;
    if (aggregating) {
        int ngb = sel->ngroup_by;
        if (sel->group_kind == WEIR_GROUP_ALL) ngb = n;
        ac.groups = WEIR_ARENA_NEWN(b->a, weir_expr *, ngb + 1);
        if (!ac.groups) return NOMEM(b);
        if (sel->group_kind == WEIR_GROUP_ALL) {
            for (int i = 0; i < n; i++)
                if (!has_agg(items[i].e)) ac.groups[ac.ngroups++] = items[i].e;
        } else {
            for (int i = 0; i < sel->ngroup_by; i++) {
                const weir_ast_expr *g = sel->group_by[i];
                weir_expr *ge = NULL;
                if (g->kind == WEIR_AST_LITERAL && g->lit.kind == WEIR_LIT_INTEGER) {
                    long k = strtol(g->lit.text, NULL, 10);
                    if (k < 1 || k > n)
                        return weir_err_at(b->err, WEIR_EANALYSIS, g->line, g->pos,
                                           "[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position %ld is "
                                           "not in select list (valid range is [1, %d]).",
                                           k, n);
                    ge = items[k - 1].e;
                    if (has_agg(ge))
                        return weir_err_at(b->err, WEIR_EANALYSIS, g->line, g->pos,
                                           "[GROUP_BY_POS_AGGREGATE] GROUP BY %ld refers to an "
                                           "expression %s that contains an aggregate function. "
                                           "Aggregate functions are not allowed in GROUP BY.",
                                           k, ge->pretty);
                } else {
                    bexpr_flags fl = {.where = "GROUP BY"};
                    weir_error saved = *b->err;
                    rc = bind_expr(b, &s, g, &fl, &ge);
                    if (rc == WEIR_EANALYSIS && g->kind == WEIR_AST_COLUMN && g->nparts == 1) {
                        /* spark.sql.groupByAliases: a select alias */
                        for (int k = 0; k < n; k++)
                            if (items[k].alias && name_eq(items[k].alias, g->parts[0])) {
                                ge = items[k].e;
                                rc = WEIR_OK;
                                *b->err = saved;
                                break;
                            }
                    }
                    if (rc != WEIR_OK) return rc;
                    if (fl.any_agg)
                        return weir_err_at(b->err, WEIR_EANALYSIS, g->line, g->pos,
                                           "[GROUP_BY_AGGREGATE] Aggregate functions are not "
                                           "allowed in GROUP BY, but found %s.",
                                           expr_name(b, ge));
                }
                fix_names(b, ge);
                ac.groups[ac.ngroups++] = ge;
            }
        }
        weir_lplan *in = p;
        weir_expr **plan_groups = ac.groups;
        int nplan_groups = ac.ngroups;
        if (sel->group_kind == WEIR_GROUP_CUBE || sel->group_kind == WEIR_GROUP_ROLLUP ||
            sel->group_kind == WEIR_GROUP_GROUPING_SETS) {
            /* Expand: input columns + grouping columns (NULL outside the set) + grouping id. */
            int ng = ac.ngroups, nin = in->schema->nfields;
            int nsets = sel->group_kind == WEIR_GROUP_CUBE     ? (1 << ng)
                        : sel->group_kind == WEIR_GROUP_ROLLUP ? ng + 1
                                                               : sel->nsets;
            if (ng > 12 && sel->group_kind == WEIR_GROUP_CUBE)
                return weir_err(b->err, WEIR_EANALYSIS,
                                "[GROUPING_SIZE_LIMIT_EXCEEDED] Grouping "
                                "sets size cannot be greater than 4096");
            weir_lplan *pre;
            weir_expr **pex = WEIR_ARENA_NEWN(b->a, weir_expr *, nin + ng);
            const char **pnames = WEIR_ARENA_NEWN(b->a, const char *, nin + ng);
            if (!pex || !pnames) return NOMEM(b);
            for (int i = 0; i < nin; i++) {
                if (!(pex[i] =
                          col_ref(b, i, in->schema->fields[i].type, in->schema->fields[i].name)))
                    return NOMEM(b);
                pnames[i] = in->schema->fields[i].name;
            }
            for (int g = 0; g < ng; g++) {
                pex[nin + g] = ac.groups[g];
                pnames[nin + g] = ac.groups[g]->pretty;
            }
            if ((rc = make_project(b, in, pex, pnames, nin + ng, &pre)) != WEIR_OK) return rc;
            weir_lplan *ex = lp_new(b, WEIR_LP_EXPAND, 1);
            if (!ex) return NOMEM(b);
            ex->children[0] = pre;
            ex->ngroups = ng;
            ex->nsets = nsets;
            ex->sets = WEIR_ARENA_NEWN(b->a, bool *, nsets);
            if (!ex->sets) return NOMEM(b);
            for (int si = 0; si < nsets; si++) {
                ex->sets[si] = WEIR_ARENA_NEWN(b->a, bool, ng ? ng : 1);
                if (!ex->sets[si]) return NOMEM(b);
                for (int g = 0; g < ng; g++) {
                    if (sel->group_kind == WEIR_GROUP_CUBE)
                        ex->sets[si][g] = ((si >> (ng - 1 - g)) & 1) == 0;
                    else if (sel->group_kind == WEIR_GROUP_ROLLUP)
                        ex->sets[si][g] = g < ng - si;
                    else {
                        ex->sets[si][g] = false;
                        for (int k = 0; k < sel->set_sizes[si]; k++)
                            if (sel->sets[si][k] == g) ex->sets[si][g] = true;
                    }
                }
            }
            const char **enames = WEIR_ARENA_NEWN(b->a, const char *, nin + ng + 1);
            const weir_type **etypes = WEIR_ARENA_NEWN(b->a, const weir_type *, nin + ng + 1);
            if (!enames || !etypes) return NOMEM(b);
            for (int i = 0; i < nin + ng; i++) {
                enames[i] = pre->schema->fields[i].name;
                etypes[i] = pre->schema->fields[i].type;
            }
            enames[nin + ng] = "spark_grouping_id";
            etypes[nin + ng] = WEIR_TYPE_BIGINT;
            if (!(ex->schema = schema_of(b, enames, etypes, NULL, nin + ng + 1))) return NOMEM(b);
            in = ex;
            nplan_groups = ng + 1;
            plan_groups = WEIR_ARENA_NEWN(b->a, weir_expr *, ng + 1);
            if (!plan_groups) return NOMEM(b);
            for (int g = 0; g <= ng; g++)
                if (!(plan_groups[g] = col_ref(b, nin + g, etypes[nin + g], enames[nin + g])))
                    return NOMEM(b);
        }
        /* Rewrite the select items over the aggregate's output. */
        weir_expr **post = WEIR_ARENA_NEWN(b->a, weir_expr *, n ? n : 1);
        if (!post) return NOMEM(b);
        aggctx rw = ac;
        rw.agg_base = nplan_groups; /* past the grouping id of grouping sets */
        for (int i = 0; i < n; i++)
            if ((rc = agg_rewrite(b, &rw, items[i].e, &post[i])) != WEIR_OK) return rc;
        weir_expr *having = NULL;
        if (sel->having) {
            bexpr_flags fl = {.allow_agg = true, .where = "HAVING"};
            weir_expr *h;
            if ((rc = bind_expr(b, &s, sel->having, &fl, &h)) != WEIR_OK) return rc;
            if ((rc = to_boolean(b, &h, "HAVING")) != WEIR_OK) return rc;
            fix_names(b, h);
            if ((rc = agg_rewrite(b, &rw, h, &having)) != WEIR_OK) return rc;
        }
        /* ORDER BY expressions may need aggregates too: bound later, through rw. */
        ac = rw;
        agg = lp_new(b, WEIR_LP_AGG, 1);
        if (!agg) return NOMEM(b);
        agg->children[0] = in;
        agg->groups = plan_groups;
        agg->ngroups = nplan_groups;
        for (int i = 0; i < n; i++)
            items[i].e = post[i];
        /* The aggregate node's schema is finalized after ORDER BY binding (more aggs may
         * appear); HAVING filters its output. */
        p = agg;
        if (having) {
            weir_lplan *f = lp_new(b, WEIR_LP_FILTER, 1);
            if (!f) return NOMEM(b);
            f->children[0] = agg;
            f->cond = having;
            p = f;
        }
    }
    /* ORDER BY: select aliases / ordinals first, else expressions over the input. */
    int nhidden = 0;
    weir_sort_key *keys = NULL;
    if (norder) {
        keys = WEIR_ARENA_NEWN(b->a, weir_sort_key, norder);
        if (!keys) return NOMEM(b);
        sitem *ni = WEIR_ARENA_NEWN(b->a, sitem, n + norder);
        if (!ni) return NOMEM(b);
        memcpy(ni, items, sizeof(sitem) * (size_t)n);
        items = ni;
        for (int i = 0; i < norder; i++) {
            const weir_ast_expr *oe = order[i].expr;
            int target = -1;
            if (oe->kind == WEIR_AST_LITERAL && oe->lit.kind == WEIR_LIT_INTEGER) {
                long k = strtol(oe->lit.text, NULL, 10);
                if (k < 1 || k > n)
                    return weir_err_at(b->err, WEIR_EANALYSIS, oe->line, oe->pos,
                                       "[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position %ld is not "
                                       "in select list (valid range is [1, %d]).",
                                       k, n);
                target = (int)k - 1;
            } else if (oe->kind == WEIR_AST_COLUMN && oe->nparts == 1) {
                for (int k = 0; k < n; k++)
                    if (name_eq(items[k].name, oe->parts[0]) &&
                        (items[k].alias || items[k].ast == NULL ||
                         items[k].ast->kind == WEIR_AST_COLUMN)) {
                        target = k;
                        break;
                    }
            }
            if (target < 0) {
                bexpr_flags fl = {.allow_agg = aggregating, .where = "ORDER BY"};
                weir_expr *e;
                if ((rc = bind_expr(b, &s, oe, &fl, &e)) != WEIR_OK) return rc;
                fix_names(b, e);
                if (aggregating && (rc = agg_rewrite(b, &ac, e, &e)) != WEIR_OK) return rc;
                for (int k = 0; k < n && target < 0; k++)
                    if (expr_equal(items[k].e, e)) target = k;
                if (target < 0) {
                    target = n + nhidden;
                    items[target].e = e;
                    items[target].name = e->pretty;
                    items[target].ast = oe;
                    items[target].alias = NULL;
                    nhidden++;
                }
            }
            keys[i].desc = order[i].desc;
            keys[i].nulls_first = order[i].nulls == 1 || (order[i].nulls == 0 && !order[i].desc);
            keys[i].expr = (weir_expr *)(intptr_t)target; /* fixed below */
        }
    }
    if (agg) {
        /* Aggregate node schema: groups then aggregates. */
        int na = ac.naggs, ngc = agg->ngroups;
        const char **names = WEIR_ARENA_NEWN(b->a, const char *, ngc + na + 1);
        const weir_type **types = WEIR_ARENA_NEWN(b->a, const weir_type *, ngc + na + 1);
        if (!names || !types) return NOMEM(b);
        for (int g = 0; g < ngc; g++) {
            names[g] = agg->groups[g]->pretty ? agg->groups[g]->pretty : "group";
            types[g] = agg->groups[g]->type;
        }
        for (int j = 0; j < na; j++) {
            names[ngc + j] = ac.aggs[j]->pretty;
            types[ngc + j] = ac.aggs[j]->type;
        }
        agg->aggs = ac.aggs;
        agg->naggs = na;
        if (!(agg->schema = schema_of(b, names, types, NULL, ngc + na))) return NOMEM(b);
        if (p != agg) p->schema = agg->schema;
    }
    /* Final projection (visible items, then hidden ORDER BY columns). */
    int total = n + nhidden;
    weir_expr **ex = WEIR_ARENA_NEWN(b->a, weir_expr *, total ? total : 1);
    const char **names = WEIR_ARENA_NEWN(b->a, const char *, total ? total : 1);
    if (!ex || !names) return NOMEM(b);
    for (int i = 0; i < total; i++) {
        ex[i] = items[i].e;
        names[i] = items[i].name;
    }
    if ((rc = make_project(b, p, ex, names, total, &p)) != WEIR_OK) return rc;
    if (sel->distinct) {
        weir_lplan *d = lp_new(b, WEIR_LP_AGG, 1);
        if (!d) return NOMEM(b);
        d->children[0] = p;
        d->ngroups = total;
        d->groups = WEIR_ARENA_NEWN(b->a, weir_expr *, total ? total : 1);
        if (!d->groups) return NOMEM(b);
        for (int i = 0; i < total; i++)
            if (!(d->groups[i] = col_ref(b, i, p->schema->fields[i].type, names[i])))
                return NOMEM(b);
        d->schema = p->schema;
        p = d;
    }
    if (norder) {
        weir_lplan *so = lp_new(b, WEIR_LP_SORT, 1);
        if (!so) return NOMEM(b);
        so->children[0] = p;
        so->schema = p->schema;
        for (int i = 0; i < norder; i++) {
            int t = (int)(intptr_t)keys[i].expr;
            if (!(keys[i].expr = col_ref(b, t, p->schema->fields[t].type, names[t])))
                return NOMEM(b);
        }
        so->keys = keys;
        so->nkeys = norder;
        p = so;
    }
    if (nhidden) {
        weir_expr **vx = WEIR_ARENA_NEWN(b->a, weir_expr *, n ? n : 1);
        if (!vx) return NOMEM(b);
        for (int i = 0; i < n; i++)
            if (!(vx[i] = col_ref(b, i, p->schema->fields[i].type, names[i]))) return NOMEM(b);
        if ((rc = make_project(b, p, vx, names, n, &p)) != WEIR_OK) return rc;
    }
    *out = p;
    return WEIR_OK;
}

/* ---- queries --------------------------------------------------------------------------------- */

static int coerce_union(B *b, weir_lplan **l, weir_lplan **r, const weir_ast_query *q)
{
    int n = (*l)->schema->nfields;
    if ((*r)->schema->nfields != n)
        return weir_err_at(b->err, WEIR_EANALYSIS, q->line, q->pos,
                           "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the "
                           "same number of columns, but the first input has %d columns and the "
                           "second input has %d columns.",
                           n, (*r)->schema->nfields);
    bool need = false;
    const weir_type **types = WEIR_ARENA_NEWN(b->a, const weir_type *, n ? n : 1);
    if (!types) return NOMEM(b);
    for (int i = 0; i < n; i++) {
        const weir_type *x = (*l)->schema->fields[i].type, *y = (*r)->schema->fields[i].type;
        types[i] = weir_common_type(b->a, x, y);
        if (!types[i]) {
            char t1[128], t2[128];
            return weir_err_at(b->err, WEIR_EANALYSIS, q->line, q->pos,
                               "[INCOMPATIBLE_COLUMN_TYPE] UNION can only be performed on tables "
                               "with compatible column types. The %dth column of the second table "
                               "is \"%s\" type which is not compatible with \"%s\" at the same "
                               "column of the first table.",
                               i + 1, weir_type_sql(y, t2, sizeof t2),
                               weir_type_sql(x, t1, sizeof t1));
        }
        need |= !weir_type_equal(types[i], x) || !weir_type_equal(types[i], y);
    }
    if (!need) return WEIR_OK;
    for (int side = 0; side < 2; side++) {
        weir_lplan **pp = side ? r : l;
        weir_expr **ex = WEIR_ARENA_NEWN(b->a, weir_expr *, n);
        const char **names = WEIR_ARENA_NEWN(b->a, const char *, n);
        if (!ex || !names) return NOMEM(b);
        for (int i = 0; i < n; i++) {
            names[i] = (*pp)->schema->fields[i].name;
            weir_expr *c = col_ref(b, i, (*pp)->schema->fields[i].type, names[i]);
            if (!c || !(ex[i] = weir_expr_cast(b->a, c, types[i]))) return NOMEM(b);
        }
        int rc = make_project(b, *pp, ex, names, n, pp);
        if (rc != WEIR_OK) return rc;
    }
    return WEIR_OK;
}

static int bind_query(B *b, const weir_ast_query *q, weir_lplan **out)
{
    int rc;
    cte_frame frame = {q->ctes, q->nctes, b->ctes};
    if (q->nctes) b->ctes = &frame;
    weir_lplan *p = NULL;
    switch (q->kind) {
    case WEIR_QUERY_SELECT: rc = bind_select(b, q->select, q->order_by, q->norder_by, &p); break;
    case WEIR_QUERY_NESTED: rc = bind_query(b, q->left, &p); break;
    case WEIR_QUERY_UNION_ALL:
    case WEIR_QUERY_UNION: {
        weir_lplan *l, *r;
        if ((rc = bind_query(b, q->left, &l)) != WEIR_OK) break;
        if ((rc = bind_query(b, q->right, &r)) != WEIR_OK) break;
        if ((rc = coerce_union(b, &l, &r, q)) != WEIR_OK) break;
        p = lp_new(b, WEIR_LP_UNION, 2);
        if (!p) return NOMEM(b);
        p->children[0] = l;
        p->children[1] = r;
        p->schema = l->schema;
        if (q->kind == WEIR_QUERY_UNION) {
            weir_lplan *d = lp_new(b, WEIR_LP_AGG, 1);
            int n = p->schema->nfields;
            if (!d || !(d->groups = WEIR_ARENA_NEWN(b->a, weir_expr *, n ? n : 1))) return NOMEM(b);
            d->children[0] = p;
            d->ngroups = n;
            for (int i = 0; i < n; i++)
                if (!(d->groups[i] =
                          col_ref(b, i, p->schema->fields[i].type, p->schema->fields[i].name)))
                    return NOMEM(b);
            d->schema = p->schema;
            p = d;
        }
        break;
    }
    default:
        rc = weir_err_at(b->err, WEIR_EUNSUPPORTED, q->line, q->pos,
                         "INTERSECT and EXCEPT are not supported yet");
        break;
    }
    b->ctes = frame.up;
    if (rc != WEIR_OK) return rc;
    if (q->kind != WEIR_QUERY_SELECT && q->norder_by) {
        /* ORDER BY over a set operation: output columns by name or position. */
        weir_lplan *so = lp_new(b, WEIR_LP_SORT, 1);
        if (!so || !(so->keys = WEIR_ARENA_NEWN(b->a, weir_sort_key, q->norder_by)))
            return NOMEM(b);
        scope s;
        if ((rc = scope_of_plan(b, p, NULL, &s)) != WEIR_OK) return rc;
        for (int i = 0; i < q->norder_by; i++) {
            const weir_ast_expr *oe = q->order_by[i].expr;
            weir_expr *e;
            if (oe->kind == WEIR_AST_LITERAL && oe->lit.kind == WEIR_LIT_INTEGER) {
                long k = strtol(oe->lit.text, NULL, 10);
                if (k < 1 || k > s.n)
                    return weir_err_at(b->err, WEIR_EANALYSIS, oe->line, oe->pos,
                                       "[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position %ld is not "
                                       "in select list (valid range is [1, %d]).",
                                       k, s.n);
                if (!(e = col_ref(b, (int)k - 1, s.cols[k - 1].type, s.cols[k - 1].name)))
                    return NOMEM(b);
            } else {
                bexpr_flags fl = {.where = "ORDER BY"};
                if ((rc = bind_expr(b, &s, oe, &fl, &e)) != WEIR_OK) return rc;
            }
            so->keys[i].expr = e;
            so->keys[i].desc = q->order_by[i].desc;
            so->keys[i].nulls_first =
                q->order_by[i].nulls == 1 || (q->order_by[i].nulls == 0 && !q->order_by[i].desc);
        }
        so->nkeys = q->norder_by;
        so->children[0] = p;
        so->schema = p->schema;
        p = so;
    }
    if (q->limit || q->offset) {
        weir_lplan *l = lp_new(b, WEIR_LP_LIMIT, 1);
        if (!l) return NOMEM(b);
        l->children[0] = p;
        l->schema = p->schema;
        if (q->limit && (rc = const_int(b, q->limit, "limit", &l->limit)) != WEIR_OK) return rc;
        if (q->offset && (rc = const_int(b, q->offset, "offset", &l->offset)) != WEIR_OK) return rc;
        p = l;
    }
    *out = p;
    return WEIR_OK;
}

int weir_bind_query(const weir_bind_env *env, const weir_ast_query *q, weir_lplan **out,
                    weir_error *err)
{
    B b = {.env = env, .a = env->arena, .err = err, .sql = env->sql};
    return bind_query(&b, q, out);
}
