/*
 * Internals of the public API (include/weir.h): the session and prepared statements.
 */
#ifndef WEIR_API_API_H
#define WEIR_API_API_H

#include "weir.h"

#include "base/strbuf.h"
#include "exec/op.h"
#include "plan/catalog.h"

typedef struct weir_conf_entry {
    char *key, *value;
    struct weir_conf_entry *next;
} weir_conf_entry;

struct weir_db {
    weir_conf_entry *conf; /* explicitly set keys */
    weir_view *views;
    weir_conf_view confv; /* parsed settings used by planning and execution */
    weir_error err;
};

struct weir_stmt {
    weir_db *db;
    weir_arena arena; /* AST, plan, result batches of utility statements */
    weir_ast_stmt *ast;
    const char *text;        /* the statement's SQL */
    const weir_type *schema; /* result schema (STRUCT) or NULL when no result */
    const char **names;
    char **type_names;
    weir_lplan *plan; /* queries */
    weir_op *root;    /* built at first step */
    weir_batch *rows; /* utility results (SHOW, SET key, DESCRIBE, EXPLAIN) */
    bool rows_done;
    bool executed;
    weir_exec_ctx ctx;
};

/* Copies a batch into a fresh Arrow struct array (owning its memory). */
int weir_arrow_export_batch(const weir_batch *b, const weir_type *schema, struct ArrowArray *out);
int weir_arrow_export_schema(const weir_type *schema, struct ArrowSchema *out);
/* Length of the first statement of sql (up to, not including, the first ';' outside
 * quotes and comments), or strlen(sql) when there is none. */
size_t weir_sql_first_statement(const char *sql);

#endif
