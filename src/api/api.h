/*
 * Internals of the public API (include/weir.h): the session and prepared statements.
 */
#ifndef WEIR_API_API_H
#define WEIR_API_API_H

#include "weir.h"

#include "base/strbuf.h"
#include "exec/op.h"
#include "plan/catalog.h"
#include "stream/query.h"

typedef struct weir_conf_entry {
    char *key, *value;
    struct weir_conf_entry *next;
} weir_conf_entry;

/* A streaming query known to the session (running or stopped). */
struct weir_query {
    weir_db *db; /* errors are reported in the session */
    weir_squery *sq;
    weir_memtable *memtable; /* memory sink table, owned here */
    struct weir_query *next;
};

struct weir_db {
    weir_conf_entry *conf; /* explicitly set keys */
    weir_view *views;
    weir_view *graveyard; /* dropped/replaced views: a running query may still use them */
    weir_conf_view confv; /* parsed settings used by planning and execution */
    weir_error err;
    weir_query *queries; /* newest first */
    weir_clock wall_clock, manual_clock;
    void (*print)(void *user, const char *text); /* console sink output */
    void *print_user;
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
    bool untruncated; /* show() prints cells whole whatever truncate asks (DESCRIBE STREAMING) */
    bool executed;
    weir_exec_ctx ctx;
};

/* Streaming statements (api/streaming.c). */
int weir_api_create_streaming_table(weir_stmt *st);
int weir_api_show_streaming_tables(weir_stmt *st);
int weir_api_describe_streaming_table(weir_stmt *st);
int weir_api_await_streaming_table(weir_stmt *st);
int weir_api_stop_streaming_table(weir_stmt *st);
/* weir_stream_refs.schema_of for the session's views. */
int weir_api_stream_schema_of(void *db, const weir_view *v, weir_arena *a, const weir_type **out,
                              weir_error *err);
/* Helpers shared by session.c and streaming.c */
const char *weir_api_conf_value(weir_db *db, const char *key);
weir_view *weir_api_view_find(weir_db *db, const char *name);
const weir_view *weir_api_view_lookup(void *db, const char *name);
void weir_api_view_retire(weir_db *db, weir_view *v);
int weir_api_utility_result(weir_stmt *st, const char *const *names, int ncols,
                            const char *const *cells, int nrows);

/* Copies a batch into a fresh Arrow struct array (owning its memory). */
int weir_arrow_export_batch(const weir_batch *b, const weir_type *schema, struct ArrowArray *out);
int weir_arrow_export_schema(const weir_type *schema, struct ArrowSchema *out);
/* Length of the first statement of sql (up to, not including, the first ';' outside
 * quotes and comments), or strlen(sql) when there is none. */
size_t weir_sql_first_statement(const char *sql);

#endif
