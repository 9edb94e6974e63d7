/*
 * Shared state of the recursive-descent parser, split over parser.c (statements, queries,
 * FROM items), parser_expr.c (expressions, literals, intervals) and parser_type.c (data
 * types). Internal to src/sql.
 */
#ifndef WEIR_SQL_PARSER_INT_H
#define WEIR_SQL_PARSER_INT_H

#include <stdbool.h>

#include "sql/ast.h"
#include "sql/lexer.h"

#define WEIR_PARSE_MAX_DEPTH 400

typedef struct weir_parser {
    weir_arena *a;
    const char *src;
    weir_token *t;
    int nt;
    int i;     /* current token */
    int depth; /* recursion depth guard */
    weir_error *err;
    int err_tok; /* token index of the last reported error (to pick the furthest one) */
} weir_parser;

/* ---- tokens ---- */
static inline const weir_token *wp_cur(const weir_parser *p)
{
    return &p->t[p->i];
}
static inline const weir_token *wp_peek(const weir_parser *p, int k)
{
    int j = p->i + k;
    return &p->t[j < p->nt ? j : p->nt - 1];
}
bool weir_tok_is_kw(const weir_token *t, const char *kw);
static inline bool wp_kw(const weir_parser *p, const char *kw)
{
    return weir_tok_is_kw(wp_cur(p), kw);
}
static inline bool wp_kw_at(const weir_parser *p, int k, const char *kw)
{
    return weir_tok_is_kw(wp_peek(p, k), kw);
}
static inline bool wp_is(const weir_parser *p, weir_tok_kind k)
{
    return wp_cur(p)->kind == k;
}
static inline bool wp_identlike(const weir_token *t)
{
    return t->kind == WEIR_TK_IDENT || t->kind == WEIR_TK_QIDENT;
}
bool weir_wp_accept_kw(weir_parser *p, const char *kw);
bool weir_wp_accept(weir_parser *p, weir_tok_kind k);
/* Consume or report "[PARSE_SYNTAX_ERROR] Syntax error at or near ..." at the current token.
 * Return 0 / WEIR_EPARSE. */
int weir_wp_expect_kw(weir_parser *p, const char *kw);
int weir_wp_expect(weir_parser *p, weir_tok_kind k);

/* ---- errors ---- */
int weir_wp_syntax_error(weir_parser *p); /* at the current token */
int weir_wp_syntax_error_at(weir_parser *p, int tok_index, const char *hint);
int weir_wp_error_at_tok(weir_parser *p, int code, int tok_index, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int weir_wp_nomem(weir_parser *p);
bool weir_wp_enter(weir_parser *p); /* depth guard: false (error set) when too deep */
static inline void wp_leave(weir_parser *p)
{
    p->depth--;
}

/* ---- memory ---- */
void *weir_wp_alloc(weir_parser *p, size_t n); /* zeroed; error set on failure */
/* Appends *elem (size sz) to the arena array *arr of *n elements with capacity *cap. */
int weir_wp_push(weir_parser *p, void *arr, int *n, int *cap, size_t sz, const void *elem);
char *weir_wp_strndup(weir_parser *p, const char *s, size_t n);

/* ---- names ---- */
/* Identifier text of an IDENT / QIDENT token (back quotes removed). */
const char *weir_wp_ident(const weir_token *t);
/* Words that end an expression list and so can never be an implicit alias of a select item
 * or a FROM item (FROM, WHERE, JOIN, UNION, ...). */
bool weir_wp_is_clause_word(const weir_parser *p, int k);
/* Words that may not be read as a column reference where an operand is expected. */
bool weir_wp_is_reserved_operand(const weir_token *t);
/* True when tokens at k.. start a query (SELECT / WITH / VALUES / TABLE after any '('). */
bool weir_wp_starts_query(const weir_parser *p, int k, int *nparens);

/* ---- sub-parsers ---- */
weir_ast_expr *weir_wp_expr(weir_parser *p);       /* booleanExpression */
weir_ast_expr *weir_wp_value_expr(weir_parser *p); /* valueExpression */
weir_ast_expr *weir_wp_interval(weir_parser *p);   /* after the INTERVAL keyword */
weir_ast_expr *weir_wp_string_lit(weir_parser *p); /* one or more adjacent strings */
weir_ast_expr *weir_wp_column_ref(weir_parser *p); /* qualified name -> COLUMN */
weir_ast_query *weir_wp_query(weir_parser *p);     /* query */
const weir_type *weir_wp_type(weir_parser *p);     /* dataType */
weir_ast_expr *weir_wp_new_expr(weir_parser *p, weir_ast_expr_kind kind, int tok_index);
void weir_wp_finish(weir_parser *p, weir_ast_expr *e); /* end = end of the previous token */
bool weir_ast_expr_equal(const weir_ast_expr *x, const weir_ast_expr *y);

#endif
