/*
 * weir — a stream-processing engine with Spark SQL semantics. Public C API.
 *
 * Shaped like SQLite's: open a session, prepare one statement at a time, step through its
 * result, finalize. Result batches cross the API as the Arrow C Data Interface.
 * Ownership: every object returned through an out-parameter belongs to the caller and is
 * released with the matching destroy/finalize/release call; all of them accept NULL.
 * Thread safety: a session is used by one thread at a time.
 */
#ifndef WEIR_H
#define WEIR_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Arrow C Data Interface (https://arrow.apache.org/docs/format/CDataInterface.html) */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE
#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE           2
#define ARROW_FLAG_MAP_KEYS_SORTED    4
struct ArrowSchema {
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;
    void (*release)(struct ArrowSchema *);
    void *private_data;
};
struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;
    void (*release)(struct ArrowArray *);
    void *private_data;
};
#endif

/* ---- result codes ------------------------------------------------------------------- */
#define WEIR_OK 0
/* 1..7: errors, see weir_errcode() (parse, analysis, runtime, io, nomem, unsupported, arg) */
#define WEIR_ROW  100 /* weir_step produced a batch */
#define WEIR_DONE 101 /* weir_step: no more batches */

typedef struct weir_db weir_db;     /* a session: settings, views, streaming queries */
typedef struct weir_stmt weir_stmt; /* one prepared statement */

/* Opens a session with Spark's default settings. Returns WEIR_OK or an error code. */
int weir_open(weir_db **out_db);
/* Stops every streaming query of the session and frees it. Safe on NULL. */
void weir_close(weir_db *db);

/* The last error of the session: message (Spark's words), code, SQL position (line is
 * 1-based, 0 when the error has no position; pos is 0-based). */
const char *weir_errmsg(weir_db *db);
int weir_errcode(weir_db *db);
int weir_errline(weir_db *db);
int weir_errpos(weir_db *db);

/* Prepares the first statement of sql. *out_stmt is NULL when sql holds only white space
 * and comments. *tail (if not NULL) receives the rest of sql after the statement's ';'.
 * Line numbers in errors count from the start of `sql`; weir_prepare_at shifts them so a
 * script can be prepared piece by piece with correct positions (first_line is the line of
 * sql[0], first_pos its column). */
int weir_prepare(weir_db *db, const char *sql, weir_stmt **out_stmt, const char **tail);
int weir_prepare_at(weir_db *db, const char *sql, int first_line, int first_pos,
                    weir_stmt **out_stmt, const char **tail);

/* Statement kind: true when the statement produces rows (a query, SET key, SHOW, ...). */
bool weir_stmt_has_result(weir_stmt *stmt);
int weir_stmt_ncols(weir_stmt *stmt);
const char *weir_stmt_colname(weir_stmt *stmt, int i);
/* Spark's type name of column i ("int", "string", "struct<start:timestamp,end:timestamp>"). */
const char *weir_stmt_coltype(weir_stmt *stmt, int i);
/* The result schema as an Arrow struct schema (caller releases). */
int weir_stmt_schema(weir_stmt *stmt, struct ArrowSchema *out);

/* Runs the statement (first call) and produces the next batch of its result as an Arrow
 * struct array (caller releases): returns WEIR_ROW, or WEIR_DONE at the end (and for
 * statements without a result), or an error code. */
int weir_step(weir_stmt *stmt, struct ArrowArray *out);
/* Runs the statement to the end and renders its whole result as Dataset.show(numRows,
 * truncate) text (truncate 0 = off, else max cell width; Spark's default is 20 rows and
 * truncate 20). *out_text is malloc'd (caller frees); NULL for statements without result. */
int weir_stmt_show(weir_stmt *stmt, int64_t num_rows, int truncate, char **out_text);
/* Runs the statement to the end and renders every row as one line of tab-separated cells
 * in Dataset.show()'s cell format (untruncated), except that NULL is "NULL" (the
 * sqllogictest convention). *out_text is malloc'd (caller frees). */
int weir_stmt_rows_text(weir_stmt *stmt, char **out_text);
/* Frees the statement. Safe on NULL. */
void weir_finalize(weir_stmt *stmt);

/* Runs every statement of a script; for each statement with a result, its show() text
 * (20 rows, truncate 20) is passed to cb (which may be NULL). Stops at the first error. */
int weir_exec(weir_db *db, const char *sql, void (*cb)(void *user, const char *text), void *user);

/* Session settings (SET key = value). value NULL resets to the default. */
int weir_set(weir_db *db, const char *key, const char *value);
/* Current value (malloc'd copy, caller frees) or NULL when unset and without default. */
char *weir_get(weir_db *db, const char *key);

/* ---- streaming queries -------------------------------------------------------------- */

/* A streaming query started by CREATE STREAMING TABLE. It belongs to its session (freed by
 * weir_close); the handle stays valid after the query stops. */
typedef struct weir_query weir_query;

/* The query named `name` (the newest one when several ran under that name), or NULL. */
weir_query *weir_query_find(weir_db *db, const char *name);
const char *weir_query_name(weir_query *q);
bool weir_query_is_active(weir_query *q);
/* Waits until the query stops or timeout_ms passes (< 0: no timeout). *terminated says
 * whether it stopped. A query that failed returns its error (weir_errmsg). */
int weir_query_await(weir_query *q, int64_t timeout_ms, bool *terminated);
/* Stops the query gracefully: the running batch finishes and commits. */
int weir_query_stop(weir_query *q);
/* Blocks until every row available in the sources now has been processed (Spark's
 * processAllAvailable). */
int weir_query_process_all_available(weir_query *q);
/* StreamingQueryProgress JSON of the last batch (pretty), or NULL before the first one;
 * StreamingQueryStatus JSON. malloc'd, free with weir_free. */
char *weir_query_last_progress(weir_query *q);
char *weir_query_status(weir_query *q);
/* Manual triggers for tests and embedders: with `SET weir.streaming.manualTrigger = true`
 * queries created afterwards run no thread; each call runs one trigger in the caller's
 * thread. *ran says whether a micro-batch ran. A query with trigger 'once' or
 * 'availableNow' stops by itself as usual. */
int weir_query_trigger(weir_query *q, bool *ran);
/* `SET weir.streaming.manualClock = true`: queries created afterwards read a manual clock
 * that starts at 0 ms and moves only here (processing-time triggers, rate source,
 * batchTimestampMs). */
void weir_advance_clock(weir_db *db, int64_t ms);
/* The session's streaming queries, oldest first: count and i-th. */
int weir_query_count(weir_db *db);
weir_query *weir_query_at(weir_db *db, int i);
/* A one-line live status: "name: batch N, R rows, X rows/s, <status>" (malloc'd). */
char *weir_query_status_line(weir_query *q);
/* Where the console sink prints (default: stdout). */
void weir_set_output(weir_db *db, void (*cb)(void *user, const char *text), void *user);
/* Waits until every streaming query of the session has stopped. When *interrupted becomes
 * non-zero (a signal handler's flag) all queries are stopped gracefully first. */
int weir_await_all(weir_db *db, const volatile int *interrupted);
/* Stops every running query gracefully. */
void weir_stop_all(weir_db *db);

/* Frees memory returned by weir (text of weir_stmt_show, weir_get). */
void weir_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
