/*
 * Statement and query grammar of weir SQL: Spark SQL 3.5 queries plus the streaming
 * statements of SQL.md (CREATE STREAMING TABLE, STREAM name, the WATERMARK clause, ...),
 * and the public entry points of ast.h. The parser is hand-written recursive descent over
 * the token array of lexer.c; where Spark's ANTLR grammar relies on unbounded lookahead
 * (keywords that are also identifiers, a '(' that opens either a query or an expression)
 * we look ahead explicitly or try one reading and fall back to the other.
 * Syntax errors use Spark's PARSE_SYNTAX_ERROR wording and the offending token's position.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"

/* ---- tokens and errors -------------------------------------------------------------- */

bool weir_tok_is_kw(const weir_token *t, const char *kw)
{
    return t->kind == WEIR_TK_IDENT && strcasecmp(t->val, kw) == 0;
}

bool weir_wp_accept_kw(weir_parser *p, const char *kw)
{
    if (!wp_kw(p, kw)) return false;
    p->i++;
    return true;
}

bool weir_wp_accept(weir_parser *p, weir_tok_kind k)
{
    if (!wp_is(p, k)) return false;
    p->i++;
    return true;
}

int weir_wp_expect_kw(weir_parser *p, const char *kw)
{
    return weir_wp_accept_kw(p, kw) ? 0 : weir_wp_syntax_error(p);
}

int weir_wp_expect(weir_parser *p, weir_tok_kind k)
{
    return weir_wp_accept(p, k) ? 0 : weir_wp_syntax_error(p);
}

/* ANTLR's getTokenErrorDisplay as Spark shows it: 'text' with \n \r \t escaped, and "end of
 * input" for EOF (a ';' ends the statement, which is what Spark's CLI sees as EOF). */
static void tok_display(const weir_parser *p, const weir_token *t, char *buf, size_t n)
{
    if (t->kind == WEIR_TK_EOF || t->kind == WEIR_TK_SEMI) {
        snprintf(buf, n, "end of input");
        return;
    }
    size_t o = 0;
    buf[o++] = '\'';
    for (int i = t->start; i < t->end && o + 6 < n; i++) {
        char c = p->src[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            buf[o++] = '\\';
            buf[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else {
            buf[o++] = c;
        }
    }
    buf[o++] = '\'';
    buf[o] = '\0';
}

int weir_wp_syntax_error_at(weir_parser *p, int tok_index, const char *hint)
{
    const weir_token *t = &p->t[tok_index];
    char disp[256];
    tok_display(p, t, disp, sizeof disp);
    p->err_tok = tok_index;
    return weir_err_at(p->err, WEIR_EPARSE, t->line, t->pos,
                       "[PARSE_SYNTAX_ERROR] Syntax error at or near %s%s.", disp,
                       hint ? hint : "");
}

int weir_wp_syntax_error(weir_parser *p)
{
    return weir_wp_syntax_error_at(p, p->i, NULL);
}

int weir_wp_error_at_tok(weir_parser *p, int code, int tok_index, const char *fmt, ...)
{
    const weir_token *t = &p->t[tok_index];
    char msg[WEIR_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->err_tok = tok_index;
    return weir_err_at(p->err, code, t->line, t->pos, "%s", msg);
}

int weir_wp_nomem(weir_parser *p)
{
    return weir_err_nomem(p->err);
}

bool weir_wp_enter(weir_parser *p)
{
    if (p->depth >= WEIR_PARSE_MAX_DEPTH) {
        weir_wp_error_at_tok(p, WEIR_EPARSE, p->i,
                             "The SQL text is nested too deeply to be parsed.");
        return false;
    }
    p->depth++;
    return true;
}

/* ---- memory ------------------------------------------------------------------------- */

void *weir_wp_alloc(weir_parser *p, size_t n)
{
    void *x = weir_arena_calloc(p->a, n ? n : 1);
    if (!x) weir_wp_nomem(p);
    return x;
}

int weir_wp_push(weir_parser *p, void *arr, int *n, int *cap, size_t sz, const void *elem)
{
    char **a = (char **)arr;
    if (*n == *cap) {
        int ncap = *cap ? *cap * 2 : 4;
        char *na = weir_arena_realloc(p->a, *a, sz * (size_t)*cap, sz * (size_t)ncap);
        if (!na) return weir_wp_nomem(p);
        *a = na;
        *cap = ncap;
    }
    memcpy(*a + sz * (size_t)*n, elem, sz);
    (*n)++;
    return 0;
}

char *weir_wp_strndup(weir_parser *p, const char *s, size_t n)
{
    char *r = weir_arena_strndup(p->a, s, n);
    if (!r) weir_wp_nomem(p);
    return r;
}

/* ---- names -------------------------------------------------------------------------- */

const char *weir_wp_ident(const weir_token *t)
{
    return t->val;
}

static const char *const CLAUSE_WORDS[] = {
    "FROM",  "WHERE",     "GROUP",       "HAVING",  "ORDER",   "LIMIT", "OFFSET",
    "UNION", "INTERSECT", "EXCEPT",      "MINUS",   "JOIN",    "INNER", "CROSS",
    "LEFT",  "RIGHT",     "FULL",        "NATURAL", "SEMI",    "ANTI",  "ON",
    "USING", "LATERAL",   "TABLESAMPLE", "PIVOT",   "UNPIVOT", NULL};

bool weir_wp_is_clause_word(const weir_parser *p, int k)
{
    const weir_token *t = wp_peek(p, k);
    if (t->kind != WEIR_TK_IDENT) return false;
    for (const char *const *w = CLAUSE_WORDS; *w; w++)
        if (weir_tok_is_kw(t, *w)) return true;
    if ((weir_tok_is_kw(t, "CLUSTER") || weir_tok_is_kw(t, "DISTRIBUTE") ||
         weir_tok_is_kw(t, "SORT")) &&
        weir_tok_is_kw(wp_peek(p, k + 1), "BY"))
        return true;
    if (weir_tok_is_kw(t, "WINDOW") && wp_identlike(wp_peek(p, k + 1)) &&
        weir_tok_is_kw(wp_peek(p, k + 2), "AS"))
        return true;
    if (weir_tok_is_kw(t, "WATERMARK") && wp_identlike(wp_peek(p, k + 1)) &&
        (weir_tok_is_kw(wp_peek(p, k + 2), "DELAY") || wp_peek(p, k + 2)->kind == WEIR_TK_DOT))
        return true;
    return false;
}

static const char *const RESERVED_OPERANDS[] = {
    "SELECT", "FROM", "WHERE",   "GROUP", "HAVING", "ORDER",   "LIMIT",  "UNION", "INTERSECT",
    "EXCEPT", "JOIN", "ON",      "WHEN",  "THEN",   "ELSE",    "AND",    "OR",    "AS",
    "IS",     "IN",   "BETWEEN", "LIKE",  "ILIKE",  "RLIKE",   "REGEXP", "WITH",  "INNER",
    "CROSS",  "FULL", "NATURAL", "USING", "BY",     "LATERAL", "NOT",    NULL};

bool weir_wp_is_reserved_operand(const weir_token *t)
{
    if (t->kind != WEIR_TK_IDENT) return false;
    for (const char *const *w = RESERVED_OPERANDS; *w; w++)
        if (weir_tok_is_kw(t, *w)) return true;
    return false;
}

bool weir_wp_starts_query(const weir_parser *p, int k, int *nparens)
{
    int np = 0;
    while (wp_peek(p, k)->kind == WEIR_TK_LPAREN) {
        k++;
        np++;
    }
    *nparens = np;
    const weir_token *t = wp_peek(p, k), *n1 = wp_peek(p, k + 1);
    if (weir_tok_is_kw(t, "SELECT")) return true;
    if (weir_tok_is_kw(t, "WITH") && wp_identlike(n1)) return true;
    if (weir_tok_is_kw(t, "VALUES") &&
        (n1->kind == WEIR_TK_LPAREN || n1->kind == WEIR_TK_STRING ||
         (n1->kind >= WEIR_TK_INTEGER && n1->kind <= WEIR_TK_BIGDECIMAL)))
        return true;
    if (weir_tok_is_kw(t, "TABLE") && wp_identlike(n1)) return true;
    return false;
}

/* An identifier that may stand as an implicit (AS-less) alias at the current token. */
static bool implicit_alias_here(const weir_parser *p)
{
    const weir_token *t = wp_cur(p);
    if (t->kind == WEIR_TK_QIDENT) return true;
    if (t->kind != WEIR_TK_IDENT) return false;
    return !weir_wp_is_clause_word(p, 0) && !weir_wp_is_reserved_operand(t);
}

static int ident_required(weir_parser *p, const char **out)
{
    if (!wp_identlike(wp_cur(p))) return weir_wp_syntax_error(p);
    *out = weir_wp_ident(wp_cur(p));
    p->i++;
    return 0;
}

/* Spark's errorCapturingIdentifier: name-with-hyphen is rejected with a hint to quote it. */
static int check_hyphen(weir_parser *p, int first_tok)
{
    if (!(wp_is(p, WEIR_TK_MINUS) && wp_identlike(wp_peek(p, 1)))) return 0;
    int minus_tok = p->i;
    char buf[512];
    size_t o = 0;
    int j = first_tok;
    for (;;) {
        const weir_token *t = &p->t[j];
        int len = t->end - t->start;
        if (o + (size_t)len + 2 >= sizeof buf) break;
        memcpy(buf + o, p->src + t->start, (size_t)len);
        o += (size_t)len;
        if (p->t[j + 1].kind == WEIR_TK_MINUS && wp_identlike(&p->t[j + 2])) {
            buf[o++] = '-';
            j += 2;
            continue;
        }
        break;
    }
    buf[o] = '\0';
    return weir_wp_error_at_tok(p, WEIR_EPARSE, minus_tok,
                                "[INVALID_IDENTIFIER] The identifier %s is invalid. Please, "
                                "consider quoting it with back-quotes as `%s`.",
                                buf, buf);
}

/* One identifier with the hyphen check. */
static int simple_ident(weir_parser *p, const char **out)
{
    int s = p->i;
    if (ident_required(p, out)) return WEIR_EPARSE;
    return check_hyphen(p, s);
}

/* a.b.c as parts. */
static int qualified_parts(weir_parser *p, const char ***parts, int *nparts)
{
    int cap = 0;
    *parts = NULL;
    *nparts = 0;
    for (;;) {
        const char *n;
        if (simple_ident(p, &n)) return WEIR_EPARSE;
        if (weir_wp_push(p, parts, nparts, &cap, sizeof n, &n)) return WEIR_ENOMEM;
        if (wp_is(p, WEIR_TK_DOT) && wp_identlike(wp_peek(p, 1))) {
            p->i++;
            continue;
        }
        return 0;
    }
}

static const char *join_parts(weir_parser *p, const char **parts, int n)
{
    if (n == 1) return parts[0];
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(parts[i]) + 1;
    char *b = weir_wp_alloc(p, len);
    if (!b) return NULL;
    for (int i = 0; i < n; i++) {
        if (i) strcat(b, ".");
        strcat(b, parts[i]);
    }
    return b;
}

/* A (possibly qualified) object name as one string. */
static int object_name(weir_parser *p, const char **out)
{
    const char **parts;
    int n;
    if (qualified_parts(p, &parts, &n)) return WEIR_EPARSE;
    *out = join_parts(p, parts, n);
    return *out ? 0 : WEIR_ENOMEM;
}

/* ( a, b, ... ) */
static int ident_list(weir_parser *p, const char ***out, int *n)
{
    int cap = 0;
    *out = NULL;
    *n = 0;
    if (weir_wp_expect(p, WEIR_TK_LPAREN)) return WEIR_EPARSE;
    do {
        const char *name;
        if (simple_ident(p, &name)) return WEIR_EPARSE;
        if (weir_wp_push(p, out, n, &cap, sizeof name, &name)) return WEIR_ENOMEM;
    } while (weir_wp_accept(p, WEIR_TK_COMMA));
    return weir_wp_expect(p, WEIR_TK_RPAREN);
}

static int unsupported_at(weir_parser *p, int tok, const char *what)
{
    return weir_wp_error_at_tok(p, WEIR_EUNSUPPORTED, tok, "%s are not supported yet.", what);
}

/* ---- FROM items --------------------------------------------------------------------- */

static weir_ast_from *relation(weir_parser *p);

static weir_ast_from *new_from(weir_parser *p, weir_from_kind kind, int tok)
{
    weir_ast_from *f = weir_wp_alloc(p, sizeof *f);
    if (!f) return NULL;
    f->kind = kind;
    f->line = p->t[tok].line;
    f->pos = p->t[tok].pos;
    return f;
}

static bool watermark_here(const weir_parser *p)
{
    return wp_kw(p, "WATERMARK") && wp_identlike(wp_peek(p, 1)) &&
           (wp_kw_at(p, 2, "DELAY") || wp_peek(p, 2)->kind == WEIR_TK_DOT);
}

/* WATERMARK col DELAY OF (INTERVAL ... | 'string') */
static int watermark(weir_parser *p, weir_ast_from *f)
{
    p->i++;
    f->wm_col = weir_wp_column_ref(p);
    if (!f->wm_col) return WEIR_EPARSE;
    if (weir_wp_expect_kw(p, "DELAY") || weir_wp_expect_kw(p, "OF")) return WEIR_EPARSE;
    if (wp_kw(p, "INTERVAL")) {
        p->i++;
        f->wm_delay = weir_wp_interval(p);
    } else if (wp_is(p, WEIR_TK_STRING)) {
        f->wm_delay = weir_wp_string_lit(p);
    } else {
        return weir_wp_syntax_error(p);
    }
    return f->wm_delay ? 0 : WEIR_EPARSE;
}

/* [WATERMARK ...] [[AS] alias [(cols)]] [WATERMARK ...] after any FROM item. */
static int from_suffix(weir_parser *p, weir_ast_from *f)
{
    if (watermark_here(p) && watermark(p, f)) return WEIR_EPARSE;
    bool has_as = weir_wp_accept_kw(p, "AS");
    if (has_as || implicit_alias_here(p)) {
        if (simple_ident(p, &f->alias)) return WEIR_EPARSE;
        if (wp_is(p, WEIR_TK_LPAREN) && ident_list(p, &f->col_aliases, &f->ncol_aliases))
            return WEIR_EPARSE;
    }
    if (!f->wm_col && watermark_here(p) && watermark(p, f)) return WEIR_EPARSE;
    return 0;
}

/* VALUES row, row, ... */
static weir_ast_from *inline_table(weir_parser *p)
{
    int s = p->i;
    weir_ast_from *f = new_from(p, WEIR_FROM_VALUES, s);
    if (!f) return NULL;
    p->i++;
    int rcap = 0;
    do {
        int row_tok = p->i;
        weir_ast_expr **row = NULL;
        int n = 0, cap = 0, np;
        if (wp_is(p, WEIR_TK_LPAREN) && !weir_wp_starts_query(p, 1, &np)) {
            p->i++;
            do {
                weir_ast_expr *x = weir_wp_expr(p);
                if (!x) return NULL;
                if (weir_wp_push(p, &row, &n, &cap, sizeof x, &x)) return NULL;
            } while (weir_wp_accept(p, WEIR_TK_COMMA));
            if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
        } else {
            weir_ast_expr *x = weir_wp_expr(p);
            if (!x) return NULL;
            if (weir_wp_push(p, &row, &n, &cap, sizeof x, &x)) return NULL;
        }
        if (f->nrows == 0) {
            f->ncols = n;
        } else if (n != f->ncols) {
            weir_wp_error_at_tok(p, WEIR_EANALYSIS, row_tok,
                                 "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline "
                                 "table. Inline table expected %d columns but found %d columns "
                                 "in row %d.",
                                 f->ncols, n, f->nrows);
            return NULL;
        }
        if (weir_wp_push(p, &f->rows, &f->nrows, &rcap, sizeof row, &row)) return NULL;
    } while (weir_wp_accept(p, WEIR_TK_COMMA));
    return f;
}

static weir_ast_from *relation_primary(weir_parser *p)
{
    int s = p->i;
    weir_ast_from *f = NULL;
    if (!weir_wp_enter(p)) return NULL;
    const weir_token *t = wp_cur(p);
    if (t->kind == WEIR_TK_LPAREN) {
        int np;
        bool is_query = weir_wp_starts_query(p, 1, &np);
        if (is_query && np > 0) {
            /* "((SELECT ...) ...)": a query, or a parenthesized relation; try the query */
            weir_error saved = *p->err;
            int saved_tok = p->err_tok;
            p->i++;
            weir_ast_query *q = weir_wp_query(p);
            if (q && wp_is(p, WEIR_TK_RPAREN)) {
                p->i++;
                f = new_from(p, WEIR_FROM_SUBQUERY, s);
                if (f) f->query = q;
                goto suffix;
            }
            if (!q && p->err->code == WEIR_ENOMEM) goto fail;
            *p->err = saved;
            p->err_tok = saved_tok;
            p->i = s;
            is_query = false;
        }
        p->i++;
        if (is_query) {
            weir_ast_query *q = weir_wp_query(p);
            if (!q || weir_wp_expect(p, WEIR_TK_RPAREN)) goto fail;
            f = new_from(p, WEIR_FROM_SUBQUERY, s);
            if (f) f->query = q;
        } else {
            f = relation(p);
            if (!f || weir_wp_expect(p, WEIR_TK_RPAREN)) goto fail;
        }
    } else if (weir_tok_is_kw(t, "VALUES")) {
        f = inline_table(p);
    } else if (weir_tok_is_kw(t, "STREAM") &&
               (wp_peek(p, 1)->kind == WEIR_TK_LPAREN ||
                (wp_identlike(wp_peek(p, 1)) && !weir_wp_is_clause_word(p, 1) &&
                 !wp_kw_at(p, 1, "AS") && !(wp_kw_at(p, 1, "WATERMARK") && watermark_here(p))))) {
        f = new_from(p, WEIR_FROM_TABLE, s);
        if (!f) goto fail;
        f->stream = true;
        p->i++;
        bool paren = weir_wp_accept(p, WEIR_TK_LPAREN);
        if (qualified_parts(p, &f->parts, &f->nparts)) goto fail;
        if (paren && weir_wp_expect(p, WEIR_TK_RPAREN)) goto fail;
    } else if (weir_tok_is_kw(t, "LATERAL")) {
        unsupported_at(p, s, "LATERAL subqueries");
        goto fail;
    } else if (wp_identlike(t) && !(t->kind == WEIR_TK_IDENT && (weir_wp_is_clause_word(p, 0) ||
                                                                 weir_wp_is_reserved_operand(t)))) {
        const char **parts;
        int n;
        if (qualified_parts(p, &parts, &n)) goto fail;
        if (wp_is(p, WEIR_TK_LPAREN)) {
            /* table-valued function, e.g. range(10) */
            f = new_from(p, WEIR_FROM_FUNC, s);
            if (!f) goto fail;
            f->func_name = join_parts(p, parts, n);
            if (!f->func_name) goto fail;
            p->i++;
            int cap = 0;
            if (!wp_is(p, WEIR_TK_RPAREN)) {
                do {
                    weir_ast_expr *x;
                    if (wp_identlike(wp_cur(p)) && wp_peek(p, 1)->kind == WEIR_TK_FATARROW) {
                        x = weir_wp_new_expr(p, WEIR_AST_NAMED_ARG, p->i);
                        if (!x) goto fail;
                        x->name = weir_wp_ident(wp_cur(p));
                        p->i += 2;
                        x->args = weir_wp_alloc(p, sizeof(weir_ast_expr *));
                        if (!x->args || !(x->args[0] = weir_wp_expr(p))) goto fail;
                        x->nargs = 1;
                        weir_wp_finish(p, x);
                    } else {
                        x = weir_wp_expr(p);
                        if (!x) goto fail;
                    }
                    if (weir_wp_push(p, &f->func_args, &f->nfunc_args, &cap, sizeof x, &x))
                        goto fail;
                } while (weir_wp_accept(p, WEIR_TK_COMMA));
            }
            if (weir_wp_expect(p, WEIR_TK_RPAREN)) goto fail;
        } else {
            f = new_from(p, WEIR_FROM_TABLE, s);
            if (!f) goto fail;
            f->parts = parts;
            f->nparts = n;
        }
    } else {
        weir_wp_syntax_error(p);
        goto fail;
    }
suffix:
    if (!f || from_suffix(p, f)) goto fail;
    wp_leave(p);
    return f;
fail:
    wp_leave(p);
    return NULL;
}

/* Reads a join operator at the current token: returns the join type or -1 (no join). */
static int join_op(weir_parser *p, bool *natural)
{
    int k = 0;
    *natural = false;
    if (wp_kw(p, "NATURAL")) {
        *natural = true;
        k = 1;
    }
    const weir_token *t = wp_peek(p, k);
    int type = -1, words = 0;
    if (weir_tok_is_kw(t, "JOIN")) {
        type = WEIR_JOIN_INNER;
    } else if (weir_tok_is_kw(t, "INNER")) {
        type = WEIR_JOIN_INNER;
        words = 1;
    } else if (weir_tok_is_kw(t, "CROSS")) {
        type = WEIR_JOIN_CROSS;
        words = 1;
    } else if (weir_tok_is_kw(t, "LEFT")) {
        const weir_token *n = wp_peek(p, k + 1);
        words = 1;
        type = WEIR_JOIN_LEFT;
        if (weir_tok_is_kw(n, "OUTER"))
            words = 2;
        else if (weir_tok_is_kw(n, "SEMI"))
            type = WEIR_JOIN_LEFT_SEMI, words = 2;
        else if (weir_tok_is_kw(n, "ANTI"))
            type = WEIR_JOIN_LEFT_ANTI, words = 2;
    } else if (weir_tok_is_kw(t, "RIGHT") || weir_tok_is_kw(t, "FULL")) {
        type = weir_tok_is_kw(t, "RIGHT") ? WEIR_JOIN_RIGHT : WEIR_JOIN_FULL;
        words = weir_tok_is_kw(wp_peek(p, k + 1), "OUTER") ? 2 : 1;
    } else if (weir_tok_is_kw(t, "SEMI")) {
        type = WEIR_JOIN_LEFT_SEMI;
        words = 1;
    } else if (weir_tok_is_kw(t, "ANTI")) {
        type = WEIR_JOIN_LEFT_ANTI;
        words = 1;
    }
    if (type < 0) {
        if (*natural) {
            p->i++;
            weir_wp_syntax_error(p);
            return -2;
        }
        return -1;
    }
    p->i += k + words;
    if (!wp_kw(p, "JOIN")) {
        weir_wp_syntax_error_at(p, p->i, ": missing 'JOIN'");
        return -2;
    }
    p->i++;
    return type;
}

static weir_ast_from *relation(weir_parser *p)
{
    int s = p->i;
    weir_ast_from *l = relation_primary(p);
    while (l) {
        bool natural;
        int type = join_op(p, &natural);
        if (type == -1) break;
        if (type == -2) return NULL;
        weir_ast_from *j = new_from(p, WEIR_FROM_JOIN, s);
        if (!j) return NULL;
        j->join_type = (weir_join_type)type;
        j->natural = natural;
        j->left = l;
        j->right = relation_primary(p);
        if (!j->right) return NULL;
        if (!natural) {
            if (weir_wp_accept_kw(p, "ON")) {
                j->on = weir_wp_expr(p);
                if (!j->on) return NULL;
            } else if (weir_wp_accept_kw(p, "USING")) {
                if (ident_list(p, &j->using_cols, &j->nusing)) return NULL;
            }
        }
        l = j;
    }
    return l;
}

static weir_ast_from *from_clause(weir_parser *p)
{
    int s = p->i;
    weir_ast_from *f = relation(p);
    while (f && wp_is(p, WEIR_TK_COMMA)) {
        p->i++;
        weir_ast_from *j = new_from(p, WEIR_FROM_JOIN, s);
        if (!j) return NULL;
        j->join_type = WEIR_JOIN_CROSS;
        j->left = f;
        j->right = relation(p);
        if (!j->right) return NULL;
        f = j;
    }
    return f;
}

/* LATERAL VIEW [OUTER] f(args) tbl [AS] c1, c2 */
static int lateral_view(weir_parser *p, weir_ast_select *sel, int *cap)
{
    weir_ast_lateral_view lv;
    memset(&lv, 0, sizeof lv);
    p->i += 2;
    lv.outer = weir_wp_accept_kw(p, "OUTER");
    int ftok = p->i;
    if (!wp_identlike(wp_cur(p))) return weir_wp_syntax_error(p);
    lv.func = weir_wp_value_expr(p);
    if (!lv.func) return WEIR_EPARSE;
    if (lv.func->kind != WEIR_AST_FUNC) return weir_wp_syntax_error_at(p, ftok, NULL);
    if (ident_required(p, &lv.table_alias)) return WEIR_EPARSE;
    bool has_as = weir_wp_accept_kw(p, "AS");
    if (has_as || implicit_alias_here(p)) {
        int ccap = 0;
        do {
            const char *c;
            if (ident_required(p, &c)) return WEIR_EPARSE;
            if (weir_wp_push(p, &lv.col_aliases, &lv.ncol_aliases, &ccap, sizeof c, &c))
                return WEIR_ENOMEM;
        } while (weir_wp_accept(p, WEIR_TK_COMMA));
    }
    return weir_wp_push(p, &sel->laterals, &sel->nlaterals, cap, sizeof lv, &lv);
}

/* ---- GROUP BY ----------------------------------------------------------------------- */

typedef struct gset {
    weir_ast_expr **e;
    int n;
} gset;

typedef struct gsets {
    gset *s;
    int n, cap;
} gsets;

#define MAX_GROUPING_SETS 4096

static int gsets_add(weir_parser *p, gsets *g, gset s)
{
    if (g->n >= MAX_GROUPING_SETS)
        return weir_wp_error_at_tok(p, WEIR_EANALYSIS, p->i,
                                    "[GROUPING_SIZE_LIMIT_EXCEEDED] Grouping sets size cannot be "
                                    "greater than %d.",
                                    MAX_GROUPING_SETS);
    return weir_wp_push(p, &g->s, &g->n, &g->cap, sizeof s, &s);
}

static gset gset_concat(weir_parser *p, gset a, gset b, bool *oom)
{
    gset r = {NULL, a.n + b.n};
    if (r.n) {
        r.e = weir_wp_alloc(p, sizeof(weir_ast_expr *) * (size_t)r.n);
        if (!r.e) {
            *oom = true;
            return r;
        }
        if (a.n) memcpy(r.e, a.e, sizeof(weir_ast_expr *) * (size_t)a.n);
        if (b.n) memcpy(r.e + a.n, b.e, sizeof(weir_ast_expr *) * (size_t)b.n);
    }
    return r;
}

/* ( [e, ...] ) or e : one grouping set */
static int group_set(weir_parser *p, gset *out)
{
    int cap = 0;
    out->e = NULL;
    out->n = 0;
    if (wp_is(p, WEIR_TK_LPAREN)) {
        int np;
        if (!weir_wp_starts_query(p, 1, &np)) {
            int save = p->i;
            p->i++;
            if (weir_wp_accept(p, WEIR_TK_RPAREN)) return 0;
            do {
                weir_ast_expr *x = weir_wp_expr(p);
                if (!x) return WEIR_EPARSE;
                if (weir_wp_push(p, &out->e, &out->n, &cap, sizeof x, &x)) return WEIR_ENOMEM;
            } while (weir_wp_accept(p, WEIR_TK_COMMA));
            if (wp_is(p, WEIR_TK_RPAREN)) {
                p->i++;
                /* "(a + b) * 2": the parentheses belonged to an expression */
                if (out->n == 1 && !wp_is(p, WEIR_TK_COMMA) && !wp_is(p, WEIR_TK_RPAREN)) {
                    p->i = save;
                    out->n = 0;
                    cap = 0;
                    out->e = NULL;
                } else {
                    return 0;
                }
            } else {
                return weir_wp_syntax_error(p);
            }
        }
    }
    weir_ast_expr *x = weir_wp_expr(p);
    if (!x) return WEIR_EPARSE;
    return weir_wp_push(p, &out->e, &out->n, &cap, sizeof x, &x);
}

static int group_element(weir_parser *p, gsets *out, int *analytic);

/* CUBE(...) / ROLLUP(...) / GROUPING SETS(...) at the current token, or 0 when none. */
static int group_analytic_kind(const weir_parser *p)
{
    if ((wp_kw(p, "CUBE") || wp_kw(p, "ROLLUP")) && wp_peek(p, 1)->kind == WEIR_TK_LPAREN)
        return wp_kw(p, "CUBE") ? WEIR_GROUP_CUBE : WEIR_GROUP_ROLLUP;
    if (wp_kw(p, "GROUPING") && wp_kw_at(p, 1, "SETS") && wp_peek(p, 2)->kind == WEIR_TK_LPAREN)
        return WEIR_GROUP_GROUPING_SETS;
    return 0;
}

static int expand_cube(weir_parser *p, const gset *in, int n, gsets *out)
{
    if (n > 12)
        return weir_wp_error_at_tok(p, WEIR_EANALYSIS, p->i,
                                    "[GROUPING_SIZE_LIMIT_EXCEEDED] Grouping sets size cannot be "
                                    "greater than %d.",
                                    MAX_GROUPING_SETS);
    /* Spark's cubeExprs order: for (x :: xs) cube(xs).map(x ++ _) ++ cube(xs) */
    gsets cur = {0};
    gset empty = {NULL, 0};
    if (gsets_add(p, &cur, empty)) return WEIR_ENOMEM;
    for (int i = n - 1; i >= 0; i--) {
        gsets next = {0};
        bool oom = false;
        for (int k = 0; k < cur.n; k++) {
            gset c = gset_concat(p, in[i], cur.s[k], &oom);
            if (oom || gsets_add(p, &next, c)) return WEIR_ENOMEM;
        }
        for (int k = 0; k < cur.n; k++)
            if (gsets_add(p, &next, cur.s[k])) return WEIR_ENOMEM;
        cur = next;
    }
    for (int k = 0; k < cur.n; k++)
        if (gsets_add(p, out, cur.s[k])) return WEIR_ENOMEM;
    return 0;
}

static int group_analytic(weir_parser *p, int kind, gsets *out)
{
    p->i += kind == WEIR_GROUP_GROUPING_SETS ? 3 : 2;
    if (kind == WEIR_GROUP_GROUPING_SETS) {
        do {
            int a;
            if (group_element(p, out, &a)) return WEIR_EPARSE;
        } while (weir_wp_accept(p, WEIR_TK_COMMA));
        return weir_wp_expect(p, WEIR_TK_RPAREN);
    }
    gset *items = NULL;
    int n = 0, cap = 0;
    do {
        gset s;
        if (group_set(p, &s)) return WEIR_EPARSE;
        if (weir_wp_push(p, &items, &n, &cap, sizeof s, &s)) return WEIR_ENOMEM;
    } while (weir_wp_accept(p, WEIR_TK_COMMA));
    if (weir_wp_expect(p, WEIR_TK_RPAREN)) return WEIR_EPARSE;
    if (kind == WEIR_GROUP_CUBE) return expand_cube(p, items, n, out);
    /* ROLLUP: every prefix, longest first */
    for (int k = n; k >= 0; k--) {
        gset r = {NULL, 0};
        bool oom = false;
        for (int i = 0; i < k; i++)
            r = gset_concat(p, r, items[i], &oom);
        if (oom || gsets_add(p, out, r)) return WEIR_ENOMEM;
    }
    return 0;
}

/* An element of GROUPING SETS(...) or of a GROUP BY list; *analytic set when it was
 * CUBE / ROLLUP / GROUPING SETS. */
static int group_element(weir_parser *p, gsets *out, int *analytic)
{
    int kind = group_analytic_kind(p);
    *analytic = kind;
    if (kind) return group_analytic(p, kind, out);
    gset s;
    if (group_set(p, &s)) return WEIR_EPARSE;
    return gsets_add(p, out, s);
}

static int expr_index(weir_parser *p, weir_ast_select *sel, int *cap, weir_ast_expr *e)
{
    for (int i = 0; i < sel->ngroup_by; i++)
        if (weir_ast_expr_equal(sel->group_by[i], e)) return i;
    if (weir_wp_push(p, &sel->group_by, &sel->ngroup_by, cap, sizeof e, &e)) return -1;
    return sel->ngroup_by - 1;
}

static int set_sets(weir_parser *p, weir_ast_select *sel, int *gcap, const gsets *g)
{
    sel->nsets = g->n;
    sel->sets = weir_wp_alloc(p, sizeof(int *) * (size_t)(g->n ? g->n : 1));
    sel->set_sizes = weir_wp_alloc(p, sizeof(int) * (size_t)(g->n ? g->n : 1));
    if (!sel->sets || !sel->set_sizes) return WEIR_ENOMEM;
    for (int i = 0; i < g->n; i++) {
        sel->set_sizes[i] = g->s[i].n;
        sel->sets[i] = weir_wp_alloc(p, sizeof(int) * (size_t)(g->s[i].n ? g->s[i].n : 1));
        if (!sel->sets[i]) return WEIR_ENOMEM;
        for (int k = 0; k < g->s[i].n; k++) {
            int ix = expr_index(p, sel, gcap, g->s[i].e[k]);
            if (ix < 0) return WEIR_ENOMEM;
            sel->sets[i][k] = ix;
        }
    }
    return 0;
}

static int group_by(weir_parser *p, weir_ast_select *sel)
{
    p->i += 2; /* GROUP BY */
    int gcap = 0;
    if (wp_kw(p, "ALL") &&
        (wp_peek(p, 1)->kind == WEIR_TK_EOF || wp_peek(p, 1)->kind == WEIR_TK_SEMI ||
         wp_peek(p, 1)->kind == WEIR_TK_RPAREN || weir_wp_is_clause_word(p, 1) ||
         wp_kw_at(p, 1, "HAVING") || wp_kw_at(p, 1, "ORDER") || wp_kw_at(p, 1, "LIMIT"))) {
        p->i++;
        sel->group_kind = WEIR_GROUP_ALL;
        return 0;
    }
    /* elements: each yields a list of grouping sets; plain expressions yield one set */
    gsets *elems = NULL;
    int nelems = 0, ecap = 0;
    bool any_analytic = false;
    int first_kind = 0;
    do {
        gsets g = {0};
        int a;
        if (group_element(p, &g, &a)) return WEIR_EPARSE;
        if (a) any_analytic = true;
        if (nelems == 0) first_kind = a;
        if (weir_wp_push(p, &elems, &nelems, &ecap, sizeof g, &g)) return WEIR_ENOMEM;
    } while (weir_wp_accept(p, WEIR_TK_COMMA));

    if (!any_analytic) {
        /* plain list: GROUP BY a, b [WITH ROLLUP | WITH CUBE | GROUPING SETS (...)] */
        gset plain = {NULL, 0};
        bool oom = false;
        for (int i = 0; i < nelems; i++)
            plain = gset_concat(p, plain, elems[i].s[0], &oom);
        if (oom) return WEIR_ENOMEM;
        for (int i = 0; i < plain.n; i++)
            if (expr_index(p, sel, &gcap, plain.e[i]) < 0) return WEIR_ENOMEM;
        if (wp_kw(p, "WITH") && (wp_kw_at(p, 1, "ROLLUP") || wp_kw_at(p, 1, "CUBE"))) {
            bool cube = wp_kw_at(p, 1, "CUBE");
            p->i += 2;
            gset *items = weir_wp_alloc(p, sizeof(gset) * (size_t)plain.n);
            if (!items) return WEIR_ENOMEM;
            for (int i = 0; i < plain.n; i++)
                items[i] = (gset){&plain.e[i], 1};
            gsets g = {0};
            if (cube) {
                if (expand_cube(p, items, plain.n, &g)) return WEIR_EPARSE;
            } else {
                for (int k = plain.n; k >= 0; k--)
                    if (gsets_add(p, &g, (gset){plain.e, k})) return WEIR_ENOMEM;
            }
            sel->group_kind = cube ? WEIR_GROUP_CUBE : WEIR_GROUP_ROLLUP;
            return set_sets(p, sel, &gcap, &g);
        }
        if (group_analytic_kind(p) == WEIR_GROUP_GROUPING_SETS) {
            p->i += 3;
            gsets g = {0};
            do {
                gset s;
                if (group_set(p, &s)) return WEIR_EPARSE;
                if (gsets_add(p, &g, s)) return WEIR_ENOMEM;
            } while (weir_wp_accept(p, WEIR_TK_COMMA));
            if (weir_wp_expect(p, WEIR_TK_RPAREN)) return WEIR_EPARSE;
            sel->group_kind = WEIR_GROUP_GROUPING_SETS;
            return set_sets(p, sel, &gcap, &g);
        }
        sel->group_kind = WEIR_GROUP_PLAIN;
        return 0;
    }

    /* a single CUBE(a, b) / ROLLUP(a, b) of plain columns keeps its kind */
    if (nelems == 1 && (first_kind == WEIR_GROUP_CUBE || first_kind == WEIR_GROUP_ROLLUP)) {
        bool simple = true;
        const gsets *g = &elems[0];
        /* the first set (all items) lists the items in order */
        int nitems = g->n ? g->s[0].n : 0;
        if (first_kind == WEIR_GROUP_CUBE ? g->n != (1 << nitems) : g->n != nitems + 1)
            simple = false;
        if (simple) {
            for (int i = 0; i < nitems; i++)
                if (expr_index(p, sel, &gcap, g->s[0].e[i]) < 0) return WEIR_ENOMEM;
            sel->group_kind = (weir_group_kind)first_kind;
            return set_sets(p, sel, &gcap, g);
        }
    }
    /* general case: the cross product of every element's sets */
    gsets acc = {0};
    if (gsets_add(p, &acc, (gset){NULL, 0})) return WEIR_ENOMEM;
    for (int i = 0; i < nelems; i++) {
        gsets next = {0};
        for (int a = 0; a < acc.n; a++)
            for (int b = 0; b < elems[i].n; b++) {
                bool oom = false;
                gset c = gset_concat(p, acc.s[a], elems[i].s[b], &oom);
                if (oom || gsets_add(p, &next, c)) return WEIR_EPARSE;
            }
        acc = next;
    }
    sel->group_kind = WEIR_GROUP_GROUPING_SETS;
    return set_sets(p, sel, &gcap, &acc);
}

/* ---- queries ------------------------------------------------------------------------ */

static weir_ast_query *new_query(weir_parser *p, weir_query_kind kind, int tok)
{
    weir_ast_query *q = weir_wp_alloc(p, sizeof *q);
    if (!q) return NULL;
    q->kind = kind;
    q->line = p->t[tok].line;
    q->pos = p->t[tok].pos;
    return q;
}

/* SELECT * FROM <from>: the query form of VALUES ... and TABLE t */
static weir_ast_query *select_star_from(weir_parser *p, int s, weir_ast_from *from)
{
    weir_ast_query *q = new_query(p, WEIR_QUERY_SELECT, s);
    if (!q) return NULL;
    q->select = weir_wp_alloc(p, sizeof *q->select);
    if (!q->select) return NULL;
    q->select->items = weir_wp_alloc(p, sizeof(weir_ast_select_item));
    if (!q->select->items) return NULL;
    q->select->items[0].expr = weir_wp_new_expr(p, WEIR_AST_STAR, s);
    if (!q->select->items[0].expr) return NULL;
    q->select->nitems = 1;
    q->select->from = from;
    return q;
}

static weir_ast_query *select_spec(weir_parser *p)
{
    int s = p->i;
    weir_ast_query *q = new_query(p, WEIR_QUERY_SELECT, s);
    if (!q) return NULL;
    weir_ast_select *sel = weir_wp_alloc(p, sizeof *sel);
    if (!sel) return NULL;
    q->select = sel;
    p->i++;
    if ((wp_kw(p, "DISTINCT") || wp_kw(p, "ALL")) && wp_peek(p, 1)->kind != WEIR_TK_COMMA &&
        !wp_kw_at(p, 1, "FROM")) {
        sel->distinct = wp_kw(p, "DISTINCT");
        p->i++;
        /* DISTINCT ON (keys) [WITHIN WATERMARK] */
        if (sel->distinct && wp_kw(p, "ON") && wp_peek(p, 1)->kind == WEIR_TK_LPAREN) {
            p->i += 2;
            int cap = 0;
            for (;;) {
                weir_ast_expr *k = weir_wp_expr(p);
                if (!k) return NULL;
                if (weir_wp_push(p, &sel->distinct_on, &sel->ndistinct_on, &cap, sizeof k, &k))
                    return NULL;
                if (!wp_is(p, WEIR_TK_COMMA)) break;
                p->i++;
            }
            if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
            if (wp_kw(p, "WITHIN") && wp_kw_at(p, 1, "WATERMARK")) {
                sel->within_watermark = true;
                p->i += 2;
            }
            sel->distinct = false;
        }
    }
    int icap = 0;
    do {
        weir_ast_select_item it;
        memset(&it, 0, sizeof it);
        it.expr = weir_wp_expr(p);
        if (!it.expr) return NULL;
        if (wp_kw(p, "AS")) {
            p->i++;
            if (wp_is(p, WEIR_TK_LPAREN)) {
                unsupported_at(p, p->i, "Multi-column aliases");
                return NULL;
            }
            it.alias_line = wp_cur(p)->line;
            it.alias_pos = wp_cur(p)->pos;
            if (simple_ident(p, &it.alias)) return NULL;
        } else if (implicit_alias_here(p)) {
            it.alias_line = wp_cur(p)->line;
            it.alias_pos = wp_cur(p)->pos;
            if (simple_ident(p, &it.alias)) return NULL;
        }
        if (weir_wp_push(p, &sel->items, &sel->nitems, &icap, sizeof it, &it)) return NULL;
    } while (weir_wp_accept(p, WEIR_TK_COMMA));

    int lcap = 0;
    if (weir_wp_accept_kw(p, "FROM")) {
        sel->from = from_clause(p);
        if (!sel->from) return NULL;
    }
    while (wp_kw(p, "LATERAL") && wp_kw_at(p, 1, "VIEW"))
        if (lateral_view(p, sel, &lcap)) return NULL;
    if (weir_wp_accept_kw(p, "WHERE")) {
        sel->where = weir_wp_expr(p);
        if (!sel->where) return NULL;
    }
    if (wp_kw(p, "GROUP")) {
        if (!wp_kw_at(p, 1, "BY")) {
            weir_wp_syntax_error_at(p, p->i + 1, NULL);
            return NULL;
        }
        if (group_by(p, sel)) return NULL;
    }
    if (weir_wp_accept_kw(p, "HAVING")) {
        sel->having = weir_wp_expr(p);
        if (!sel->having) return NULL;
    }
    return q;
}

static weir_ast_query *query_primary(weir_parser *p)
{
    int s = p->i;
    if (wp_kw(p, "SELECT")) return select_spec(p);
    if (wp_is(p, WEIR_TK_LPAREN)) {
        p->i++;
        weir_ast_query *in = weir_wp_query(p);
        if (!in || weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
        weir_ast_query *q = new_query(p, WEIR_QUERY_NESTED, s);
        if (q) q->left = in;
        return q;
    }
    if (wp_kw(p, "VALUES")) {
        weir_ast_from *f = inline_table(p);
        if (!f) return NULL;
        return select_star_from(p, s, f);
    }
    if (wp_kw(p, "TABLE") && wp_identlike(wp_peek(p, 1))) {
        p->i++;
        weir_ast_from *f = new_from(p, WEIR_FROM_TABLE, p->i);
        if (!f || qualified_parts(p, &f->parts, &f->nparts)) return NULL;
        return select_star_from(p, s, f);
    }
    if (wp_kw(p, "FROM")) {
        unsupported_at(p, s, "FROM-first queries (FROM t SELECT ...)");
        return NULL;
    }
    weir_wp_syntax_error(p);
    return NULL;
}

static bool set_quantifier_all(weir_parser *p)
{
    if (weir_wp_accept_kw(p, "ALL")) return true;
    weir_wp_accept_kw(p, "DISTINCT");
    return false;
}

static weir_ast_query *set_intersect(weir_parser *p)
{
    int s = p->i;
    weir_ast_query *l = query_primary(p);
    while (l && wp_kw(p, "INTERSECT")) {
        int op = p->i;
        p->i++;
        if (set_quantifier_all(p)) {
            unsupported_at(p, op, "INTERSECT ALL queries");
            return NULL;
        }
        weir_ast_query *r = query_primary(p);
        if (!r) return NULL;
        weir_ast_query *q = new_query(p, WEIR_QUERY_INTERSECT, s);
        if (!q) return NULL;
        q->left = l;
        q->right = r;
        l = q;
    }
    return l;
}

static weir_ast_query *set_union(weir_parser *p)
{
    int s = p->i;
    weir_ast_query *l = set_intersect(p);
    while (l && (wp_kw(p, "UNION") || wp_kw(p, "EXCEPT") || wp_kw(p, "MINUS"))) {
        int op = p->i;
        bool is_union = wp_kw(p, "UNION");
        p->i++;
        bool all = set_quantifier_all(p);
        if (all && !is_union) {
            unsupported_at(p, op, "EXCEPT ALL queries");
            return NULL;
        }
        weir_ast_query *r = set_intersect(p);
        if (!r) return NULL;
        weir_ast_query *q = new_query(
            p, is_union ? (all ? WEIR_QUERY_UNION_ALL : WEIR_QUERY_UNION) : WEIR_QUERY_EXCEPT, s);
        if (!q) return NULL;
        q->left = l;
        q->right = r;
        l = q;
    }
    return l;
}

static int cte_list(weir_parser *p, weir_ast_cte **ctes, int *n)
{
    int cap = 0;
    p->i++; /* WITH */
    do {
        weir_ast_cte c;
        memset(&c, 0, sizeof c);
        if (simple_ident(p, &c.name)) return WEIR_EPARSE;
        int np;
        if (wp_is(p, WEIR_TK_LPAREN) && !weir_wp_starts_query(p, 1, &np) &&
            ident_list(p, &c.col_aliases, &c.ncol_aliases))
            return WEIR_EPARSE;
        weir_wp_accept_kw(p, "AS");
        if (weir_wp_expect(p, WEIR_TK_LPAREN)) return WEIR_EPARSE;
        c.query = weir_wp_query(p);
        if (!c.query || weir_wp_expect(p, WEIR_TK_RPAREN)) return WEIR_EPARSE;
        if (weir_wp_push(p, ctes, n, &cap, sizeof c, &c)) return WEIR_ENOMEM;
    } while (weir_wp_accept(p, WEIR_TK_COMMA));
    return 0;
}

static weir_ast_query *query_body(weir_parser *p)
{
    int s = p->i;
    weir_ast_cte *ctes = NULL;
    int nctes = 0;
    if (wp_kw(p, "WITH") && wp_identlike(wp_peek(p, 1)) && cte_list(p, &ctes, &nctes)) return NULL;
    weir_ast_query *q = set_union(p);
    if (!q) return NULL;
    if (nctes) {
        q->ctes = ctes;
        q->nctes = nctes;
        q->line = p->t[s].line;
        q->pos = p->t[s].pos;
    }
    if (wp_kw(p, "ORDER")) {
        p->i++;
        if (weir_wp_expect_kw(p, "BY")) return NULL;
        int cap = 0;
        do {
            weir_ast_order_item o;
            memset(&o, 0, sizeof o);
            o.expr = weir_wp_expr(p);
            if (!o.expr) return NULL;
            if (weir_wp_accept_kw(p, "ASC"))
                o.desc = false;
            else if (weir_wp_accept_kw(p, "DESC"))
                o.desc = true;
            if (weir_wp_accept_kw(p, "NULLS")) {
                if (weir_wp_accept_kw(p, "FIRST"))
                    o.nulls = 1;
                else if (weir_wp_accept_kw(p, "LAST"))
                    o.nulls = 2;
                else {
                    weir_wp_syntax_error(p);
                    return NULL;
                }
            }
            if (weir_wp_push(p, &q->order_by, &q->norder_by, &cap, sizeof o, &o)) return NULL;
        } while (weir_wp_accept(p, WEIR_TK_COMMA));
    }
    if ((wp_kw(p, "SORT") || wp_kw(p, "CLUSTER") || wp_kw(p, "DISTRIBUTE")) &&
        wp_kw_at(p, 1, "BY")) {
        unsupported_at(p, p->i, "SORT BY / CLUSTER BY / DISTRIBUTE BY clauses");
        return NULL;
    }
    if (wp_kw(p, "WINDOW") && wp_identlike(wp_peek(p, 1)) && wp_kw_at(p, 2, "AS")) {
        unsupported_at(p, p->i, "WINDOW clauses");
        return NULL;
    }
    if (weir_wp_accept_kw(p, "LIMIT")) {
        if (!weir_wp_accept_kw(p, "ALL")) {
            q->limit = weir_wp_expr(p);
            if (!q->limit) return NULL;
        }
    }
    if (weir_wp_accept_kw(p, "OFFSET")) {
        q->offset = weir_wp_expr(p);
        if (!q->offset) return NULL;
    }
    return q;
}

weir_ast_query *weir_wp_query(weir_parser *p)
{
    if (!weir_wp_enter(p)) return NULL;
    weir_ast_query *q = query_body(p);
    wp_leave(p);
    return q;
}

/* ---- statements --------------------------------------------------------------------- */

static weir_ast_stmt *new_stmt(weir_parser *p, weir_stmt_kind kind, int tok)
{
    weir_ast_stmt *st = weir_wp_alloc(p, sizeof *st);
    if (!st) return NULL;
    st->kind = kind;
    st->line = p->t[tok].line;
    st->pos = p->t[tok].pos;
    st->start = p->t[tok].start;
    return st;
}

/* Index of the token that ends the statement starting at from (';' or EOF). */
static int stmt_end_tok(const weir_parser *p, int from)
{
    int j = from;
    while (p->t[j].kind != WEIR_TK_SEMI && p->t[j].kind != WEIR_TK_EOF)
        j++;
    return j;
}

static const char *trimmed(weir_parser *p, int b, int e)
{
    while (b < e && isspace((unsigned char)p->src[b]))
        b++;
    while (e > b && isspace((unsigned char)p->src[e - 1]))
        e--;
    return weir_wp_strndup(p, p->src + b, (size_t)(e - b));
}

static bool valid_conf_key(const char *k)
{
    if (!*k) return false;
    for (; *k; k++)
        if (!isalnum((unsigned char)*k) && *k != '_' && *k != '.' && *k != ':') return false;
    return true;
}

static int invalid_set(weir_parser *p, int tok)
{
    return weir_wp_error_at_tok(p, WEIR_EPARSE, tok,
                                "[INVALID_SET_SYNTAX] Expected format is 'SET', 'SET key', or "
                                "'SET key=value'. If you want to include special characters in "
                                "key, or include semicolon in value, please use backquotes, e.g., "
                                "SET `key`=`value`.");
}

/* Key text between tokens [b, e): a single back-quoted name is unquoted. */
static const char *conf_key(weir_parser *p, int b, int e, int set_tok)
{
    if (e == b + 1 && p->t[b].kind == WEIR_TK_QIDENT) return p->t[b].val;
    const char *k = trimmed(p, p->t[b].start, p->t[e - 1].end);
    if (!k) return NULL;
    if (!valid_conf_key(k)) {
        invalid_set(p, set_tok);
        return NULL;
    }
    return k;
}

/* SET / SET -v / SET key / SET key = value / SET TIME ZONE 'zone' ; RESET [key] */
static weir_ast_stmt *set_stmt(weir_parser *p, bool reset)
{
    int s = p->i;
    weir_ast_stmt *st = new_stmt(p, reset ? WEIR_STMT_RESET : WEIR_STMT_SET_SHOW, s);
    if (!st) return NULL;
    int b = s + 1, e = stmt_end_tok(p, b);
    p->i = e;
    if (e == b) return st; /* SET / RESET alone */
    if (reset) {
        st->key = conf_key(p, b, e, s);
        return st->key ? st : NULL;
    }
    if (weir_tok_is_kw(&p->t[b], "TIME") && weir_tok_is_kw(&p->t[b + 1], "ZONE")) {
        if (e != b + 3 || p->t[b + 2].kind != WEIR_TK_STRING) {
            weir_wp_syntax_error_at(p, b + 2 < e ? b + 2 : e, NULL);
            return NULL;
        }
        st->kind = WEIR_STMT_SET;
        st->key = "spark.sql.session.timeZone";
        st->value = p->t[b + 2].val;
        return st;
    }
    int eq = -1;
    for (int j = b; j < e; j++)
        if (p->t[j].kind == WEIR_TK_EQ) {
            eq = j;
            break;
        }
    if (eq < 0) {
        if (e == b + 2 && p->t[b].kind == WEIR_TK_MINUS && weir_tok_is_kw(&p->t[b + 1], "v") &&
            p->t[b].end == p->t[b + 1].start) {
            st->key = "-v";
            return st;
        }
        st->key = conf_key(p, b, e, s);
        return st->key ? st : NULL;
    }
    if (eq == b) {
        invalid_set(p, s);
        return NULL;
    }
    st->kind = WEIR_STMT_SET;
    st->key = conf_key(p, b, eq, s);
    if (!st->key) return NULL;
    if (e == eq + 2 && (p->t[eq + 1].kind == WEIR_TK_STRING || p->t[eq + 1].kind == WEIR_TK_QIDENT))
        st->value = p->t[eq + 1].val;
    else if (e == eq + 1)
        st->value = "";
    else
        st->value = trimmed(p, p->t[eq].start + 1, p->t[e - 1].end);
    return st->value ? st : NULL;
}

static const char *dup_key_check(weir_parser *p, weir_ast_option *opts, int n, int tok)
{
    for (int i = 0; i < n - 1; i++)
        if (strcmp(opts[i].key, opts[n - 1].key) == 0) {
            weir_wp_error_at_tok(p, WEIR_EPARSE, tok, "[DUPLICATE_KEY] Found duplicate keys `%s`.",
                                 opts[n - 1].key);
            return NULL;
        }
    return "";
}

/* OPTIONS ( key [=] value, ... ) */
static int options(weir_parser *p, weir_ast_stmt *st)
{
    int cap = 0;
    int list_tok = p->i;
    if (weir_wp_expect(p, WEIR_TK_LPAREN)) return WEIR_EPARSE;
    do {
        weir_ast_option o = {NULL, NULL};
        if (wp_is(p, WEIR_TK_STRING)) {
            o.key = wp_cur(p)->val;
            p->i++;
        } else {
            const char **parts;
            int n;
            if (qualified_parts(p, &parts, &n)) return WEIR_EPARSE;
            o.key = join_parts(p, parts, n);
            if (!o.key) return WEIR_ENOMEM;
        }
        weir_wp_accept(p, WEIR_TK_EQ);
        const weir_token *v = wp_cur(p);
        if (v->kind == WEIR_TK_STRING) {
            o.value = v->val;
            p->i++;
        } else if (v->kind == WEIR_TK_INTEGER || v->kind == WEIR_TK_DECIMAL) {
            o.value = v->val;
            p->i++;
        } else if (weir_tok_is_kw(v, "TRUE") || weir_tok_is_kw(v, "FALSE")) {
            o.value = weir_tok_is_kw(v, "TRUE") ? "true" : "false";
            p->i++;
        } else if (v->kind == WEIR_TK_COMMA || v->kind == WEIR_TK_RPAREN) {
            return weir_wp_error_at_tok(p, WEIR_EPARSE, list_tok,
                                        "Operation not allowed: Values must be specified for "
                                        "key(s): [%s].",
                                        o.key);
        } else {
            return weir_wp_syntax_error(p);
        }
        if (weir_wp_push(p, &st->options, &st->noptions, &cap, sizeof o, &o)) return WEIR_ENOMEM;
        if (!dup_key_check(p, st->options, st->noptions, list_tok)) return WEIR_EPARSE;
    } while (weir_wp_accept(p, WEIR_TK_COMMA));
    return weir_wp_expect(p, WEIR_TK_RPAREN);
}

static int using_format(weir_parser *p, weir_ast_stmt *st)
{
    return object_name(p, &st->format);
}

/* ( col TYPE [NOT NULL] [COMMENT 'x'], ... ) or ( a [COMMENT 'x'], b ) */
static int view_columns(weir_parser *p, weir_ast_stmt *st, int *typed_tok, int *names_tok)
{
    p->i++; /* ( */
    int ccap = 0, ncap = 0;
    *typed_tok = *names_tok = -1;
    do {
        const char *name;
        if (simple_ident(p, &name)) return WEIR_EPARSE;
        bool named_only =
            wp_is(p, WEIR_TK_COMMA) || wp_is(p, WEIR_TK_RPAREN) || wp_kw(p, "COMMENT");
        if (named_only) {
            if (*names_tok < 0) *names_tok = p->i;
            if (weir_wp_accept_kw(p, "COMMENT") && weir_wp_expect(p, WEIR_TK_STRING))
                return WEIR_EPARSE;
            if (weir_wp_push(p, &st->col_names, &st->ncol_names, &ncap, sizeof name, &name))
                return WEIR_ENOMEM;
        } else {
            if (*typed_tok < 0) *typed_tok = p->i;
            weir_ast_column_def c = {name, NULL, false, NULL};
            c.type = weir_wp_type(p);
            if (!c.type) return WEIR_EPARSE;
            if ((wp_kw(p, "NOT") || wp_is(p, WEIR_TK_BANG)) && wp_kw_at(p, 1, "NULL")) {
                p->i += 2;
                c.not_null = true;
            }
            if (weir_wp_accept_kw(p, "COMMENT")) {
                if (!wp_is(p, WEIR_TK_STRING)) return weir_wp_syntax_error(p);
                c.comment = wp_cur(p)->val;
                p->i++;
            }
            if (weir_wp_push(p, &st->columns, &st->ncolumns, &ccap, sizeof c, &c))
                return WEIR_ENOMEM;
        }
    } while (weir_wp_accept(p, WEIR_TK_COMMA));
    return weir_wp_expect(p, WEIR_TK_RPAREN);
}

static weir_ast_stmt *create_stmt(weir_parser *p)
{
    int s = p->i;
    weir_ast_stmt *st = new_stmt(p, WEIR_STMT_CREATE_VIEW_USING, s);
    if (!st) return NULL;
    p->i++;
    if (weir_wp_accept_kw(p, "OR")) {
        if (weir_wp_expect_kw(p, "REPLACE")) return NULL;
        st->or_replace = true;
    }
    if (wp_kw(p, "GLOBAL")) {
        unsupported_at(p, p->i, "Global temporary views");
        return NULL;
    }
    if ((wp_kw(p, "TEMPORARY") || wp_kw(p, "TEMP")) && wp_kw_at(p, 1, "VIEW")) {
        p->i += 2;
        if (wp_kw(p, "IF") && wp_kw_at(p, 1, "NOT") && wp_kw_at(p, 2, "EXISTS")) {
            weir_wp_error_at_tok(p, WEIR_EPARSE, s,
                                 "It is not allowed to define a TEMPORARY view with IF NOT "
                                 "EXISTS.");
            return NULL;
        }
        if (object_name(p, &st->name)) return NULL;
        int typed_tok = -1, names_tok = -1;
        if (wp_is(p, WEIR_TK_LPAREN) && view_columns(p, st, &typed_tok, &names_tok)) return NULL;
        if (weir_wp_accept_kw(p, "USING")) {
            if (names_tok >= 0) {
                weir_wp_syntax_error_at(p, names_tok, NULL);
                return NULL;
            }
            if (using_format(p, st)) return NULL;
            if (weir_wp_accept_kw(p, "OPTIONS") && options(p, st)) return NULL;
            st->kind = WEIR_STMT_CREATE_VIEW_USING;
            return st;
        }
        if (weir_wp_accept_kw(p, "COMMENT") && weir_wp_expect(p, WEIR_TK_STRING)) return NULL;
        if (!wp_kw(p, "AS")) {
            weir_wp_syntax_error(p);
            return NULL;
        }
        if (typed_tok >= 0) {
            weir_wp_syntax_error_at(p, typed_tok, NULL);
            return NULL;
        }
        p->i++;
        st->kind = WEIR_STMT_CREATE_VIEW_AS;
        st->query = weir_wp_query(p);
        return st->query ? st : NULL;
    }
    if (wp_kw(p, "STREAMING") && wp_kw_at(p, 1, "TABLE")) {
        p->i += 2;
        st->kind = WEIR_STMT_CREATE_STREAMING_TABLE;
        if (object_name(p, &st->name)) return NULL;
        if (weir_wp_accept_kw(p, "USING") && using_format(p, st)) return NULL;
        if (weir_wp_accept_kw(p, "OPTIONS") && options(p, st)) return NULL;
        if (weir_wp_expect_kw(p, "AS")) return NULL;
        st->query = weir_wp_query(p);
        return st->query ? st : NULL;
    }
    if (wp_kw(p, "VIEW") || wp_kw(p, "TABLE")) {
        unsupported_at(p, s,
                       wp_kw(p, "VIEW") ? "Permanent views (use CREATE TEMPORARY VIEW)"
                                        : "Catalog tables (use CREATE TEMPORARY VIEW ... USING "
                                          "or CREATE STREAMING TABLE)");
        return NULL;
    }
    weir_wp_syntax_error(p);
    return NULL;
}

/* STREAMING TABLE name after AWAIT / STOP / DESCRIBE */
static int streaming_table_name(weir_parser *p, weir_ast_stmt *st)
{
    if (weir_wp_expect_kw(p, "STREAMING") || weir_wp_expect_kw(p, "TABLE")) return WEIR_EPARSE;
    return object_name(p, &st->name);
}

static weir_ast_stmt *statement(weir_parser *p)
{
    int s = p->i;
    const weir_token *t = wp_cur(p);
    weir_ast_stmt *st = NULL;
    int np;
    if (weir_tok_is_kw(t, "SET") || weir_tok_is_kw(t, "RESET")) {
        st = set_stmt(p, weir_tok_is_kw(t, "RESET"));
    } else if (weir_tok_is_kw(t, "CREATE")) {
        st = create_stmt(p);
    } else if (weir_tok_is_kw(t, "SHOW")) {
        p->i++;
        if (wp_kw(p, "STREAMING") && wp_kw_at(p, 1, "TABLES")) {
            p->i += 2;
            st = new_stmt(p, WEIR_STMT_SHOW_STREAMING_TABLES, s);
        } else if (wp_kw(p, "TABLES") || wp_kw(p, "VIEWS")) {
            p->i++;
            st = new_stmt(p, WEIR_STMT_SHOW_TABLES, s);
        } else {
            weir_wp_syntax_error(p);
        }
    } else if (weir_tok_is_kw(t, "DESCRIBE") || weir_tok_is_kw(t, "DESC")) {
        p->i++;
        st = new_stmt(p, WEIR_STMT_DESCRIBE, s);
        if (!st) return NULL;
        if (wp_kw(p, "STREAMING") && wp_kw_at(p, 1, "TABLE")) {
            st->kind = WEIR_STMT_DESCRIBE_STREAMING_TABLE;
            if (streaming_table_name(p, st)) return NULL;
        } else if (wp_kw(p, "QUERY") &&
                   (weir_wp_starts_query(p, 1, &np) || wp_peek(p, 1)->kind == WEIR_TK_LPAREN)) {
            p->i++;
            st->query = weir_wp_query(p);
            if (!st->query) return NULL;
        } else if (!wp_kw(p, "TABLE") && weir_wp_starts_query(p, 0, &np)) {
            st->query = weir_wp_query(p);
            if (!st->query) return NULL;
        } else {
            if (wp_kw(p, "TABLE") && wp_identlike(wp_peek(p, 1))) p->i++;
            if ((wp_kw(p, "EXTENDED") || wp_kw(p, "FORMATTED")) && wp_identlike(wp_peek(p, 1))) {
                st->extended = true;
                p->i++;
            }
            if (object_name(p, &st->name)) return NULL;
        }
    } else if (weir_tok_is_kw(t, "AWAIT")) {
        p->i++;
        st = new_stmt(p, WEIR_STMT_AWAIT_STREAMING_TABLE, s);
        if (!st || streaming_table_name(p, st)) return NULL;
        if (weir_wp_accept_kw(p, "TIMEOUT")) {
            if (wp_is(p, WEIR_TK_STRING) || wp_is(p, WEIR_TK_INTEGER) ||
                wp_is(p, WEIR_TK_DECIMAL)) {
                st->timeout = wp_cur(p)->val;
                p->i++;
            } else {
                weir_wp_syntax_error(p);
                return NULL;
            }
        }
    } else if (weir_tok_is_kw(t, "STOP")) {
        p->i++;
        st = new_stmt(p, WEIR_STMT_STOP_STREAMING_TABLE, s);
        if (!st || streaming_table_name(p, st)) return NULL;
    } else if (weir_tok_is_kw(t, "DROP")) {
        p->i++;
        st = new_stmt(p, WEIR_STMT_DROP_VIEW, s);
        if (!st || weir_wp_expect_kw(p, "VIEW")) return NULL;
        if (wp_kw(p, "IF") && wp_kw_at(p, 1, "EXISTS")) {
            p->i += 2;
            st->if_exists = true;
        }
        if (object_name(p, &st->name)) return NULL;
    } else if (weir_tok_is_kw(t, "EXPLAIN")) {
        p->i++;
        st = new_stmt(p, WEIR_STMT_EXPLAIN, s);
        if (!st) return NULL;
        if (weir_wp_accept_kw(p, "EXTENDED")) {
            st->extended = true;
        } else if (wp_kw(p, "FORMATTED") || wp_kw(p, "CODEGEN") || wp_kw(p, "COST") ||
                   wp_kw(p, "LOGICAL")) {
            unsupported_at(p, p->i, "EXPLAIN modes other than EXTENDED");
            return NULL;
        }
        st->query = weir_wp_query(p);
        if (!st->query) return NULL;
    } else if (weir_wp_starts_query(p, 0, &np) || t->kind == WEIR_TK_LPAREN ||
               weir_tok_is_kw(t, "FROM")) {
        st = new_stmt(p, WEIR_STMT_QUERY, s);
        if (!st) return NULL;
        st->query = weir_wp_query(p);
        if (!st->query) return NULL;
    } else {
        weir_wp_syntax_error(p);
    }
    return st;
}

/* ---- entry points ------------------------------------------------------------------- */

static int parser_init(weir_parser *p, weir_arena *a, const char *sql, weir_error *err)
{
    memset(p, 0, sizeof *p);
    p->a = a;
    p->src = sql ? sql : "";
    p->err = err;
    weir_err_clear(err);
    return weir_sql_lex(a, p->src, strlen(p->src), &p->t, &p->nt, err);
}

/* A token left over after a complete construct: Spark reports it, with ANTLR's
 * "extra input" hint when it is the last token. */
static int leftover(weir_parser *p)
{
    const weir_token *n = wp_peek(p, 1);
    if (n->kind == WEIR_TK_EOF || n->kind == WEIR_TK_SEMI) {
        char disp[256], hint[300];
        const weir_token *t = wp_cur(p);
        size_t o = 0;
        disp[o++] = '\'';
        for (int i = t->start; i < t->end && o < sizeof disp - 8; i++)
            disp[o++] = p->src[i];
        disp[o++] = '\'';
        disp[o] = '\0';
        snprintf(hint, sizeof hint, ": extra input %s", disp);
        return weir_wp_syntax_error_at(p, p->i, hint);
    }
    return weir_wp_syntax_error(p);
}

int weir_sql_parse(weir_arena *a, const char *sql, weir_ast_stmt ***out, int *n, weir_error *err)
{
    weir_error local;
    if (!err) err = &local;
    *out = NULL;
    *n = 0;
    weir_parser p;
    int rc = parser_init(&p, a, sql, err);
    if (rc) return rc;
    weir_ast_stmt **stmts = NULL;
    int ns = 0, cap = 0;
    for (;;) {
        while (weir_wp_accept(&p, WEIR_TK_SEMI)) {
        }
        if (wp_is(&p, WEIR_TK_EOF)) break;
        int s = p.i;
        weir_ast_stmt *st = statement(&p);
        if (st && !wp_is(&p, WEIR_TK_SEMI) && !wp_is(&p, WEIR_TK_EOF)) {
            leftover(&p);
            st = NULL;
        }
        if (!st) {
            /* statements before the failing one stay available to the caller */
            *out = stmts;
            *n = ns;
            return err->code ? err->code : WEIR_EPARSE;
        }
        st->start = p.t[s].start;
        st->end = p.t[p.i - 1].end;
        if (weir_wp_push(&p, &stmts, &ns, &cap, sizeof st, &st)) {
            *out = stmts;
            *n = ns;
            return WEIR_ENOMEM;
        }
    }
    *out = stmts;
    *n = ns;
    return WEIR_OK;
}

int weir_sql_parse_expr(weir_arena *a, const char *text, weir_ast_expr **out, weir_error *err)
{
    weir_error local;
    if (!err) err = &local;
    *out = NULL;
    weir_parser p;
    int rc = parser_init(&p, a, text, err);
    if (rc) return rc;
    weir_ast_expr *e = weir_wp_expr(&p);
    if (!e) return err->code ? err->code : WEIR_EPARSE;
    if (!wp_is(&p, WEIR_TK_EOF)) return leftover(&p);
    *out = e;
    return WEIR_OK;
}

int weir_sql_parse_type(weir_arena *a, const char *text, const weir_type **out, weir_error *err)
{
    weir_error local;
    if (!err) err = &local;
    *out = NULL;
    weir_parser p;
    int rc = parser_init(&p, a, text, err);
    if (rc) return rc;
    const weir_type *t = weir_wp_type(&p);
    if (!t) return err->code ? err->code : WEIR_EPARSE;
    if (!wp_is(&p, WEIR_TK_EOF)) return leftover(&p);
    *out = t;
    return WEIR_OK;
}

int weir_sql_parse_schema(weir_arena *a, const char *ddl, const weir_type **out, weir_error *err)
{
    weir_error local;
    if (!err) err = &local;
    *out = NULL;
    weir_parser p;
    int rc = parser_init(&p, a, ddl, err);
    if (rc) return rc;
    if (wp_kw(&p, "STRUCT") &&
        (wp_peek(&p, 1)->kind == WEIR_TK_LT || wp_peek(&p, 1)->kind == WEIR_TK_NEQ)) {
        const weir_type *t = weir_wp_type(&p);
        if (!t) return err->code ? err->code : WEIR_EPARSE;
        if (!wp_is(&p, WEIR_TK_EOF)) return leftover(&p);
        *out = t;
        return WEIR_OK;
    }
    weir_field *fields = NULL;
    int nf = 0, cap = 0;
    if (!wp_is(&p, WEIR_TK_EOF)) {
        do {
            if (!wp_identlike(wp_cur(&p))) return weir_wp_syntax_error(&p);
            weir_field f = {weir_wp_ident(wp_cur(&p)), NULL, true};
            p.i++;
            weir_wp_accept(&p, WEIR_TK_COLON);
            f.type = weir_wp_type(&p);
            if (!f.type) return err->code ? err->code : WEIR_EPARSE;
            if ((wp_kw(&p, "NOT") || wp_is(&p, WEIR_TK_BANG)) && wp_kw_at(&p, 1, "NULL")) {
                p.i += 2;
                f.nullable = false;
            }
            if (weir_wp_accept_kw(&p, "COMMENT") && weir_wp_expect(&p, WEIR_TK_STRING))
                return WEIR_EPARSE;
            if (weir_wp_push(&p, &fields, &nf, &cap, sizeof f, &f)) return WEIR_ENOMEM;
        } while (weir_wp_accept(&p, WEIR_TK_COMMA));
        if (!wp_is(&p, WEIR_TK_EOF)) return leftover(&p);
    }
    const weir_type *t = weir_type_struct(a, fields, nf);
    if (!t) return weir_err_nomem(err);
    *out = t;
    return WEIR_OK;
}

bool weir_sql_is_complete(const char *text)
{
    if (!text) return false;
    size_t i = 0, n = strlen(text);
    while (i < n) {
        char c = text[i];
        if (c == ';') return true;
        if (c == '\'' || c == '"' || c == '`') {
            size_t j = i + 1;
            while (j < n && text[j] != c) {
                if (text[j] == '\\' && c != '`') j++;
                j++;
            }
            if (j >= n) return false; /* an open quote: keep reading */
            i = j + 1;
            continue;
        }
        if (c == '-' && i + 1 < n && text[i + 1] == '-') {
            while (i < n && text[i] != '\n')
                i++;
            continue;
        }
        if (c == '/' && i + 1 < n && text[i + 1] == '*') {
            int depth = 0;
            size_t j = i;
            while (j < n) {
                if (text[j] == '/' && j + 1 < n && text[j + 1] == '*') {
                    depth++;
                    j += 2;
                } else if (text[j] == '*' && j + 1 < n && text[j + 1] == '/') {
                    depth--;
                    j += 2;
                    if (depth == 0) break;
                } else {
                    j++;
                }
            }
            if (depth > 0) return false;
            i = j;
            continue;
        }
        i++;
    }
    return false;
}
