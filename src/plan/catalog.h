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
    WEIR_VIEW_SOURCE,   /* CREATE TEMPORARY VIEW v [(cols)] USING fmt OPTIONS (...) */
    WEIR_VIEW_QUERY,    /* CREATE TEMPORARY VIEW v AS query */
    WEIR_VIEW_MEMTABLE, /* the table of a memory-sink streaming query */
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
    const char *sql; /* the definition's text (AST spans point into it) */
    /* MEMTABLE: the table and how to read a consistent copy of it */
    void *memtable;
    const weir_type *memtable_schema;
    int (*snapshot)(void *memtable, weir_arena *a, weir_batch **out);
    weir_arena arena; /* owns everything above */
    struct weir_view *next;
} weir_view;

/* The streaming sources a query reads (FROM STREAM v), collected while binding. */
typedef struct weir_stream_ref {
    const weir_view *view;   /* a SOURCE view */
    const weir_type *schema; /* the rows the source produces */
    bool *want;              /* per schema field: referenced by the query (set while binding) */
} weir_stream_ref;

typedef struct weir_stream_refs {
    weir_stream_ref *refs; /* in the plan arena */
    int n, cap;
    /* The row schema of a source view read as a stream (stream layer's weir_source_schema). */
    int (*schema_of)(void *user, const weir_view *v, weir_arena *a, const weir_type **out,
                     weir_error *err);
    void *user;
} weir_stream_refs;

typedef struct weir_bind_env {
    weir_arena *arena; /* plan arena */
    const weir_conf_view *conf;
    const weir_view *(*lookup)(void *user, const char *name);
    void *user;
    const char *sql;           /* statement text, for spans in names */
    weir_stream_refs *streams; /* NULL: reading a stream is an error (a batch query) */
} weir_bind_env;

/* Binds a query into a logical plan. */
int weir_bind_query(const weir_bind_env *env, const weir_ast_query *q, weir_lplan **out,
                    weir_error *err);

#endif
