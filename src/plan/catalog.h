/*
 * Temporary views known to a session: sources (USING format OPTIONS ...) and views over
 * queries. Owned by the session (api/session.c); the binder reads them.
 */
#ifndef WEIR_PLAN_CATALOG_H
#define WEIR_PLAN_CATALOG_H

#include "plan/expr.h"
#include "sql/ast.h"

typedef struct weir_lplan weir_lplan;

typedef enum weir_view_kind {
    WEIR_VIEW_SOURCE, /* CREATE TEMPORARY VIEW v [(cols)] USING fmt OPTIONS (...) */
    WEIR_VIEW_QUERY,  /* CREATE TEMPORARY VIEW v AS query */
} weir_view_kind;

typedef struct weir_view {
    char *name;
    weir_view_kind kind;
    /* SOURCE */
    const char *format;
    const weir_ast_option *options;
    int noptions;
    const weir_type *user_schema; /* STRUCT or NULL (infer for batch reads) */
    /* QUERY */
    const weir_ast_query *query;
    const char **col_names;
    int ncol_names;
    const char *sql;  /* the definition's text (AST spans point into it) */
    weir_arena arena; /* owns everything above */
    struct weir_view *next;
} weir_view;

typedef struct weir_bind_env {
    weir_arena *arena; /* plan arena */
    const weir_conf_view *conf;
    const weir_view *(*lookup)(void *user, const char *name);
    void *user;
    const char *sql; /* statement text, for spans in names */
} weir_bind_env;

/* Binds a query into a logical plan. */
int weir_bind_query(const weir_bind_env *env, const weir_ast_query *q, weir_lplan **out,
                    weir_error *err);

#endif
