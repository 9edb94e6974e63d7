/*
 * Streaming queries: the micro-batch driver (Spark's MicroBatchExecution). One query owns
 * its plan, sources, sink, checkpoint and (unless triggered manually) a thread.
 */
#ifndef WEIR_STREAM_QUERY_H
#define WEIR_STREAM_QUERY_H

#include "plan/catalog.h"
#include "plan/logical.h"
#include "stream/stream.h"

typedef enum weir_trigger_kind {
    WEIR_TRIGGER_DEFAULT,       /* as fast as possible */
    WEIR_TRIGGER_INTERVAL,      /* processingTime */
    WEIR_TRIGGER_ONCE,          /* one batch, then stop */
    WEIR_TRIGGER_AVAILABLE_NOW, /* everything available at start, then stop */
} weir_trigger_kind;

typedef struct weir_squery weir_squery;

typedef struct weir_squery_spec {
    const char *name;
    weir_arena *arena; /* owns plan and refs; taken over by the query */
    weir_lplan *plan;
    const weir_stream_refs *refs;
    weir_sink_args sink; /* copied; strings must live in `arena` */
    weir_trigger_kind trigger;
    int64_t interval_ms;
    const char *checkpoint; /* NULL: temporary */
    weir_conf_view conf;
    /* settings recorded in offsets/N (key/value pairs) */
    const char **conf_keys, **conf_values;
    int nconf;
    weir_clock *clock; /* the session's clock (outlives the query) */
    weir_output_mode mode;
    int nstates;          /* stateful operators (weir_check_streaming) */
    int nparts;           /* spark.sql.shuffle.partitions: state partitions */
    bool wm_policy_max;   /* spark.sql.streaming.multipleWatermarkPolicy = max */
    bool allow_multiple;  /* spark.sql.streaming.statefulOperator.allowMultiple */
    bool no_data_batches; /* spark.sql.streaming.noDataMicroBatches.enabled */
    bool manual;          /* no thread: triggers run via weir_squery_trigger */
} weir_squery_spec;

/* Opens the checkpoint, creates sources and sink, and (unless manual) starts the thread. */
int weir_squery_start(const weir_squery_spec *spec, weir_squery **out, weir_error *err);
/* One trigger in the caller's thread (manual queries). */
int weir_squery_trigger(weir_squery *q, bool *ran, weir_error *err);
/* Graceful stop: the running batch completes; joins the thread. */
void weir_squery_stop(weir_squery *q);
/* Waits for termination; timeout_ms < 0 waits forever. Returns the query's error if it
 * failed (copied into err). */
int weir_squery_await(weir_squery *q, int64_t timeout_ms, bool *terminated, weir_error *err);
int weir_squery_process_all_available(weir_squery *q, weir_error *err);
bool weir_squery_active(weir_squery *q);
const char *weir_squery_name(const weir_squery *q);
const char *weir_squery_id(const weir_squery *q);
const char *weir_squery_run_id(const weir_squery *q);
/* malloc'd JSON texts, pretty (prettyJson) or compact (json); NULL before the first
 * progress. */
char *weir_squery_last_progress(weir_squery *q, bool pretty);
char *weir_squery_status(weir_squery *q, bool pretty);
/* One-line live status: "name: batch N, R rows/s, watermark W" (malloc'd). */
char *weir_squery_status_line(weir_squery *q);
/* Stops (if needed) and frees. */
void weir_squery_free(weir_squery *q);

#endif
