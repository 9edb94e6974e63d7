/*
 * Streaming contracts: sources, sinks, the query clock, checkpoint logs and progress.
 *
 * A streaming query (stream/query.c) runs micro-batches. For batch N it asks every source
 * for its latest offset, writes offsets/N (write-ahead), runs the plan over each source's
 * rows in (start, end], hands the result to the sink, then writes commits/N. Offsets are
 * the JSON texts Spark writes in its offsets log for the same source (e.g. the file
 * source's {"logOffset":3}); weir compares them as strings.
 *
 * Threads: every query runs in a thread of its own; a source or sink object belongs to one
 * query. Sinks that publish to the session (memory) synchronize through weir_memtable.
 */
#ifndef WEIR_STREAM_STREAM_H
#define WEIR_STREAM_STREAM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/strbuf.h"
#include "base/types.h"
#include "exec/vector.h"
#include "formats/formats.h"
#include "plan/expr.h"
#include "plan/logical.h"

/* ---- clock ----------------------------------------------------------------------- */

/* Time of a query: the wall clock, or a manual clock advanced by tests and embedders
 * (weir_clock_advance), as Spark's StreamManualClock. */
typedef struct weir_clock {
    bool manual;
    int64_t manual_ms; /* current time of a manual clock, ms since the epoch */
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled when a manual clock moves */
} weir_clock;

void weir_clock_init(weir_clock *c, bool manual, int64_t start_ms);
void weir_clock_destroy(weir_clock *c);
int64_t weir_clock_now_ms(weir_clock *c);
/* Moves a manual clock forward (wakes waiters). */
void weir_clock_advance(weir_clock *c, int64_t ms);
/* Sleeps until the clock reaches `until_ms` or *stop becomes true (checked under mu,
 * wake with weir_clock_wake). Returns true when the time was reached. */
bool weir_clock_wait_until(weir_clock *c, int64_t until_ms, const volatile bool *stop);
void weir_clock_wake(weir_clock *c);

/* ---- sources ---------------------------------------------------------------------- */

typedef struct weir_source weir_source;
typedef struct weir_source_reader weir_source_reader;

typedef enum weir_read_limit {
    WEIR_READ_LIMITED,       /* the default: rate limits per batch */
    WEIR_READ_ALL_ONCE,      /* trigger 'once' */
    WEIR_READ_AVAILABLE_NOW, /* trigger 'availableNow' */
} weir_read_limit;

/* What a source is created from: the view's definition and the query's context. */
typedef struct weir_source_args {
    const char *format;  /* "json", "csv", "text", "socket", "rate", ... */
    const weir_kv *opts; /* the view's OPTIONS */
    int nopts;
    const weir_type *schema;    /* user schema (file sources: required), NULL otherwise */
    const char *metadata_dir;   /* <checkpoint>/sources/<i>: the source's own log */
    const weir_conf_view *conf; /* session zone etc. */
    weir_clock *clock;          /* the query's clock */
    /* Per row-schema field: whether the query reads it (NULL: all). A source may leave
     * the other columns' slots NULL (projection push-down); it may also fill them. */
    const bool *want;
} weir_source_args;

typedef struct weir_source_vt {
    /* Latest offset available now, capped by the source's rate limits counted from
     * `start` (NULL: the query has processed nothing yet). *out is NULL when the source
     * has no data at all yet; otherwise a JSON text allocated in a. */
    int (*latest)(weir_source *s, const char *start, weir_arena *a, const char **out,
                  weir_error *err);
    /* A reader of the rows in (start, end] (start NULL = from the beginning). A batch
     * re-run after a restart gets the same offsets and must yield the same rows. */
    int (*open)(weir_source *s, const char *start, const char *end, weir_source_reader **out,
                weir_error *err);
    /* Next batch of rows (schema = s->schema), valid until the next call; NULL at the end. */
    int (*next)(weir_source_reader *r, weir_arena *a, weir_batch **out, weir_error *err);
    void (*close_reader)(weir_source_reader *r);
    /* Everything up to `end` is committed: the source may forget it. */
    int (*commit)(weir_source *s, const char *end, weir_error *err);
    /* Spark's description in progress reports, e.g. "FileStreamSource[file:/abs/dir]",
     * "TextSocketV2[host: localhost, port: 5000]", "RateStreamV2[rowsPerSecond=1, ...]". */
    const char *(*describe)(weir_source *s);
    void (*destroy)(weir_source *s);
    /* Optional (NULL: no-op). Called once before the first trigger of a query whose
     * trigger is 'once' (read everything available in one batch, rate limits ignored) or
     * 'availableNow' (read what is available now, rate limits honoured, and nothing that
     * arrives later), as Spark's ReadAllAvailable / prepareForTriggerAvailableNow. */
    int (*prepare)(weir_source *s, weir_read_limit limit, weir_error *err);
} weir_source_vt;

struct weir_source {
    const weir_source_vt *vt;
    const weir_type *schema; /* STRUCT of the rows it produces */
};

/* Fixed schemas and validation without creating the source (CREATE VIEW, binding):
 * *schema is the source's row schema (user schema for file sources; Spark's fixed one
 * for socket/rate). Errors: unknown format, a schema where none is allowed, a file source
 * without a schema ("Schema must be specified when creating a streaming source DataFrame.
 * ..."), bad option values. */
int weir_source_schema(const weir_source_args *args, weir_arena *a, const weir_type **schema,
                       weir_error *err);
/* Creates a source (connectors/ registry). */
int weir_source_create(const weir_source_args *args, weir_source **out, weir_error *err);

/* ---- sinks ----------------------------------------------------------------------------- */

typedef struct weir_sink weir_sink;
typedef struct weir_memtable weir_memtable;

typedef struct weir_sink_args {
    const char *format;  /* "console", "memory", "json", "csv", "text", "noop" */
    const weir_kv *opts; /* writer OPTIONS (path, numRows, truncate, ...) */
    int nopts;
    const weir_type *schema; /* the query's output */
    const char *query_name;
    weir_output_mode mode;
    const weir_conf_view *conf;
    weir_memtable *memtable; /* memory sink: the session table to publish to */
    /* console sink output (stdout when NULL): tests capture it */
    void (*print)(void *user, const char *text);
    void *print_user;
} weir_sink_args;

typedef struct weir_sink_vt {
    /* Starts batch N. *skip: N was committed before (a replay after restart): the driver
     * still runs the batch but the sink ignores its rows (idempotent sinks). */
    int (*begin)(weir_sink *k, int64_t batch_id, bool *skip, weir_error *err);
    /* Rows of the current batch; b is valid only during the call. */
    int (*write)(weir_sink *k, const weir_batch *b, weir_error *err);
    /* Makes batch N visible (file sink: manifest entry; memory: publish; console: print). */
    int (*commit)(weir_sink *k, int64_t batch_id, int64_t *rows_out, weir_error *err);
    /* Drops the current batch's partial output. */
    void (*abort)(weir_sink *k);
    const char *(*describe)(
        weir_sink *k); /* e.g. "org.apache.spark.sql.execution.streaming.ConsoleTable$@..." */
    void (*destroy)(weir_sink *k);
} weir_sink_vt;

struct weir_sink {
    const weir_sink_vt *vt;
};

/* Validates sink options up front (CREATE STREAMING TABLE): unknown sink, file sink
 * without path ("'path' is not specified"), a mode the sink does not support ("Data
 * source json does not support Update output mode"). */
int weir_sink_check(const weir_sink_args *args, weir_error *err);
int weir_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err);

/* ---- memory tables (the memory sink's results, queryable by SELECT) ------------------ */

/* A table of rows owned by the session, replaced or appended by a query thread and read
 * by SELECT in the session's thread. */
weir_memtable *weir_memtable_new(const weir_type *schema);
void weir_memtable_free(weir_memtable *t);
const weir_type *weir_memtable_schema(const weir_memtable *t);
/* Sink side: rows of batch_id; complete mode replaces the table. Ignored when batch_id <=
 * the last batch written (idempotent replay). */
int weir_memtable_put(weir_memtable *t, int64_t batch_id, bool replace,
                      const weir_batch *const *batches, int nbatches);
/* Reader side: a consistent copy of the current rows, in arena a (one batch). */
int weir_memtable_snapshot(weir_memtable *t, weir_arena *a, weir_batch **out);

/* ---- checkpoint ---------------------------------------------------------------------------- */

/* The checkpoint directory with Spark's layout: metadata ({"id":"<uuid>"}), offsets/N,
 * commits/N, sources/<i>/..., (state/ in a later issue). Files are written atomically
 * (temporary file, fsync, rename, fsync of the directory). */
typedef struct weir_checkpoint {
    char *dir;
    char *query_id; /* from metadata */
    bool temporary; /* created by weir: removed after a clean stop */
} weir_checkpoint;

typedef struct weir_offset_entry {
    int64_t batch_id;
    int64_t batch_watermark_ms;
    int64_t batch_timestamp_ms;
    /* conf entries recorded in the batch's metadata (spark.sql.shuffle.partitions, ...) */
    const char **conf_keys, **conf_values;
    int nconf;
    const char **offsets; /* per source: JSON text, or NULL ("-" in Spark's file) */
    int nsources;
} weir_offset_entry;

/* Opens or creates a checkpoint (dir NULL: a new temporary directory). */
int weir_checkpoint_open(const char *dir, weir_checkpoint *cp, weir_error *err);
void weir_checkpoint_close(weir_checkpoint *cp, bool clean_stop);
/* Latest batch ids in offsets/ and commits/ (-1 when none). */
int weir_checkpoint_latest(const weir_checkpoint *cp, int64_t *last_offsets, int64_t *last_commit,
                           weir_error *err);
int weir_checkpoint_write_offsets(const weir_checkpoint *cp, const weir_offset_entry *e,
                                  weir_error *err);
int weir_checkpoint_read_offsets(const weir_checkpoint *cp, int64_t batch_id, weir_arena *a,
                                 weir_offset_entry *e, weir_error *err);
int weir_checkpoint_write_commit(const weir_checkpoint *cp, int64_t batch_id,
                                 int64_t next_watermark_ms, weir_error *err);
/* Path of a sub-directory (created): e.g. "sources/0". malloc'd. */
char *weir_checkpoint_subdir(const weir_checkpoint *cp, const char *sub, weir_error *err);
/* Atomic file write helper used by every log. */
int weir_write_file_atomic(const char *path, const char *data, size_t len, weir_error *err);

/* ---- progress -------------------------------------------------------------------------------- */

typedef struct weir_source_progress {
    const char *description;
    const char *start_offset, *end_offset, *latest_offset; /* JSON or NULL */
    int64_t num_input_rows;
    double input_rows_per_second, processed_rows_per_second;
} weir_source_progress;

typedef struct weir_state_progress {
    const char *operator_name;
    int64_t num_rows_total, num_rows_updated, num_rows_removed, memory_used_bytes;
    int64_t num_rows_dropped_by_watermark;
    int num_shuffle_partitions, num_state_store_instances;
} weir_state_progress;

typedef struct weir_progress {
    const char *id, *run_id, *name;
    int64_t timestamp_ms; /* trigger start */
    int64_t batch_id;
    int64_t num_input_rows;
    double input_rows_per_second, processed_rows_per_second;
    /* durationMs: addBatch, getBatch, latestOffset, queryPlanning, triggerExecution, walCommit */
    int64_t d_add_batch, d_get_batch, d_latest_offset, d_query_planning, d_trigger, d_wal_commit;
    /* eventTime: present only when the query has a watermark */
    bool has_event_time, has_event_time_stats;
    int64_t et_min_ms, et_max_ms, et_avg_ms, watermark_ms;
    weir_state_progress *state;
    int nstate;
    weir_source_progress *sources;
    int nsources;
    const char *sink_description;
    int64_t sink_num_output_rows; /* -1 when unknown */
} weir_progress;

/* Spark's StreamingQueryProgress.json (pretty = prettyJson with 2-space indents),
 * field order and number formats as Spark (timestamps ISO-8601 UTC with ms and 'Z',
 * rates as doubles, NaN omitted). Appends to sb. */
void weir_progress_json(const weir_progress *p, bool pretty, weir_strbuf *sb);
/* Spark's ISO-8601 UTC form "2026-11-21T12:00:00.000Z". */
void weir_format_iso_ms(int64_t ms, char buf[32]);

#endif
