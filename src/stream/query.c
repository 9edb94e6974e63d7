/*
 * The micro-batch driver (Spark's MicroBatchExecution) for one streaming query.
 *
 * Batch N: ask each source for its latest offset (capped by its rate limits); if any moved,
 * write offsets/N (the write-ahead log), run the plan over each source's rows in
 * (start, end], give the result to the sink (begin/write/commit), write commits/N, let the
 * sources forget what was committed, and publish a progress report. On restart a batch
 * that has offsets but no commit is re-run with exactly the same offsets; the sink skips
 * a batch it had already committed.
 */
#include "stream/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/uuid.h"
#include "exec/op.h"
#include "state/state.h"
#include "stream/checkpoint.h"

struct weir_squery {
    char *name;
    char run_id[37];
    weir_arena *arena;
    weir_lplan *plan;
    weir_stream_refs refs;
    weir_source **sources;
    int nsources;
    weir_sink *sink;
    weir_sink_args sink_args;
    weir_checkpoint cp;
    weir_trigger_kind trigger;
    int64_t interval_ms;
    weir_conf_view conf;
    const char **conf_keys, **conf_values;
    int nconf;
    weir_clock *clock;
    bool manual;

    pthread_t thread;
    bool has_thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    volatile bool stop_req;
    bool active, failed;
    weir_error err;

    int64_t next_batch;
    /* watermarks (ms): per WATERMARK node, the global one computed after the last batch
     * (used by the next batch), and the one the last batch used (late rows of the next
     * batch are filtered with it: spark.sql.streaming.statefulOperator.allowMultiple) */
    int nwm;
    int64_t *wm_node_ms;
    bool *wm_node_seen;
    int64_t watermark_ms, last_batch_wm_ms;
    bool wm_policy_max, allow_multiple, no_data_batches;
    int64_t *plan_delay_ms; /* per WATERMARK node */
    int64_t replay_wm_ms;
    int64_t purged_below; /* offsets/commits entries below this id are deleted */
    /* stateful operators */
    int nstates, nparts;
    weir_state_store **stores;
    weir_output_mode mode;
    char **starts; /* per source: offset where the next batch starts (malloc'd) */
    char **replay; /* offsets of a batch to re-run after a restart, or NULL */
    char **frozen; /* 'once'/'availableNow' sources without prepare(): end offset fixed at start */
    int64_t replay_ts_ms;
    int64_t last_trigger_ms;
    int64_t trig_seq, idle_seq; /* for processAllAvailable */
    char *last_progress, *last_progress_compact;
    const char *status_msg;
    bool data_available, trigger_active;
    /* live status */
    int64_t last_batch_rows;
    double last_rate;
};

/* ---- batch execution --------------------------------------------------------------------- */

typedef struct batch_run {
    weir_squery *q;
    const char **start, **end;
    weir_source_reader **readers;
    bool *opened;
    int64_t *rows;
} batch_run;

static int run_stream_next(void *user, int source, weir_arena *a, weir_batch **out, weir_error *err)
{
    batch_run *br = user;
    weir_squery *q = br->q;
    *out = NULL;
    if (source < 0 || source >= q->nsources) return weir_err(err, WEIR_ERUNTIME, "bad source");
    if (!br->end[source] || (br->start[source] && strcmp(br->start[source], br->end[source]) == 0))
        return WEIR_OK;
    weir_source *s = q->sources[source];
    if (!br->opened[source]) {
        int rc = s->vt->open(s, br->start[source], br->end[source], &br->readers[source], err);
        if (rc != WEIR_OK) return rc;
        br->opened[source] = true;
    }
    if (!br->readers[source]) return WEIR_OK;
    int rc = s->vt->next(br->readers[source], a, out, err);
    if (rc == WEIR_OK && *out) br->rows[source] += (*out)->nrows;
    return rc;
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct batch_stats {
    int64_t watermark_ms;
    const weir_stream_exec *sx;
    const int64_t *dropped, *updated, *removed;
} batch_stats;

static void publish_progress(weir_squery *q, int64_t batch_id, int64_t trigger_ms,
                             const int64_t *rows, const char **start, const char **end,
                             int64_t out_rows, const int64_t d[6], const batch_stats *bs)
{
    weir_progress p;
    memset(&p, 0, sizeof p);
    p.id = q->cp.query_id;
    p.run_id = q->run_id;
    p.name = q->name;
    p.timestamp_ms = trigger_ms;
    p.batch_id = batch_id;
    int64_t total = 0;
    for (int i = 0; i < q->nsources; i++)
        total += rows[i];
    p.num_input_rows = total;
    double since = q->last_trigger_ms ? (double)(trigger_ms - q->last_trigger_ms) / 1000.0 : 0;
    double exec_s = (double)(d[4] > 0 ? d[4] : 1) / 1000.0; /* Spark divides by at least 1 ms */
    p.input_rows_per_second = since > 0 ? (double)total / since : 0.0;
    p.processed_rows_per_second = exec_s > 0 ? (double)total / exec_s : 0.0;
    p.d_add_batch = d[0];
    p.d_get_batch = d[1];
    p.d_latest_offset = d[2];
    p.d_query_planning = d[3];
    p.d_trigger = d[4];
    p.d_wal_commit = d[5];
    weir_source_progress *sp = calloc((size_t)(q->nsources ? q->nsources : 1), sizeof(*sp));
    if (sp) {
        for (int i = 0; i < q->nsources; i++) {
            sp[i].description = q->sources[i]->vt->describe(q->sources[i]);
            sp[i].start_offset = start[i];
            sp[i].end_offset = end[i];
            sp[i].latest_offset = end[i];
            sp[i].num_input_rows = rows[i];
            sp[i].input_rows_per_second = since > 0 ? (double)rows[i] / since : 0.0;
            sp[i].processed_rows_per_second = exec_s > 0 ? (double)rows[i] / exec_s : 0.0;
        }
        p.sources = sp;
        p.nsources = q->nsources;
    }
    p.sink_description = q->sink->vt->describe(q->sink);
    p.sink_num_output_rows = out_rows;
    if (q->nwm) {
        p.has_event_time = true;
        p.watermark_ms = bs->watermark_ms;
        if (bs->sx->et_count > 0) {
            p.has_event_time_stats = true;
            p.et_min_ms = weir_floor_div(bs->sx->et_min_us, 1000);
            p.et_max_ms = weir_floor_div(bs->sx->et_max_us, 1000);
            p.et_avg_ms = (int64_t)(bs->sx->et_sum_us / (double)bs->sx->et_count / 1000.0);
        }
    }
    weir_state_progress sp_state[64];
    int nst = q->nstates < 64 ? q->nstates : 64;
    for (int i = 0; i < nst; i++) {
        weir_state_stats st;
        weir_state_get_stats(q->stores[i], &st);
        sp_state[i] = (weir_state_progress){
            "stateStoreSave",     st.num_rows_total, bs->updated[i], bs->removed[i],
            st.memory_used_bytes, bs->dropped[i],    q->nparts,      q->nparts};
    }
    p.state = sp_state;
    p.nstate = nst;
    weir_strbuf sb = WEIR_STRBUF_INIT, compact = WEIR_STRBUF_INIT;
    weir_progress_json(&p, true, &sb);
    weir_progress_json(&p, false, &compact);
    free(sp);
    pthread_mutex_lock(&q->mu);
    free(q->last_progress);
    free(q->last_progress_compact);
    q->last_progress = weir_sb_take(&sb);
    q->last_progress_compact = weir_sb_take(&compact);
    q->last_batch_rows = total;
    q->last_rate = p.processed_rows_per_second;
    pthread_mutex_unlock(&q->mu);
    weir_sb_free(&sb);
    weir_sb_free(&compact);
}

/* Spark keeps the last spark.sql.streaming.minBatchesToRetain (100) entries of the offsets
 * and commits logs: purge(current - 100) removes every batch id below that. */
#define MIN_BATCHES_TO_RETAIN 100
static void purge_logs(weir_squery *q, int64_t batch_id)
{
    int64_t threshold = batch_id - MIN_BATCHES_TO_RETAIN;
    if (threshold <= 0) return;
    int64_t from = q->purged_below > threshold - 1000 ? q->purged_below : threshold - 1000;
    if (from < 0) from = 0;
    char path[4096];
    for (int64_t k = from; k < threshold; k++) {
        snprintf(path, sizeof path, "%s/offsets/%lld", q->cp.dir, (long long)k);
        unlink(path);
        snprintf(path, sizeof path, "%s/commits/%lld", q->cp.dir, (long long)k);
        unlink(path);
    }
    q->purged_below = threshold;
}

/* Runs batch N over (start, end] and commits it. */
static int run_batch(weir_squery *q, int64_t batch_id, const char **start, const char **end,
                     int64_t trigger_ms, int64_t batch_wm_ms, int64_t t_latest, int64_t t_wal,
                     weir_error *err)
{
    int64_t t0 = mono_ms();
    batch_run br = {q, start, end, NULL, NULL, NULL};
    int n = q->nsources;
    br.readers = calloc((size_t)(n ? n : 1), sizeof(*br.readers));
    br.opened = calloc((size_t)(n ? n : 1), sizeof(*br.opened));
    br.rows = calloc((size_t)(n ? n : 1), sizeof(*br.rows));
    weir_op *root = NULL;
    int rc = (!br.readers || !br.opened || !br.rows) ? weir_err_nomem(err) : WEIR_OK;
    weir_exec_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.conf = &q->conf;
    ctx.err = err;
    ctx.now_us = trigger_ms * 1000;
    ctx.stream_next = run_stream_next;
    ctx.stream_user = &br;
    weir_stream_exec sx;
    memset(&sx, 0, sizeof sx);
    int64_t wm_max[64], dropped[64], updated[64], removed[64];
    int nwm = q->nwm < 64 ? q->nwm : 64, ns = q->nstates < 64 ? q->nstates : 64;
    for (int i = 0; i < nwm; i++)
        wm_max[i] = INT64_MIN;
    memset(dropped, 0, sizeof dropped);
    memset(updated, 0, sizeof updated);
    memset(removed, 0, sizeof removed);
    sx.mode = q->mode;
    sx.batch_id = batch_id;
    sx.evict_wm_us = q->nwm ? batch_wm_ms * 1000 : INT64_MIN;
    sx.late_wm_us =
        q->nwm ? (q->allow_multiple ? q->last_batch_wm_ms : batch_wm_ms) * 1000 : INT64_MIN;
    sx.wm_max_us = wm_max;
    sx.nwm = nwm;
    sx.et_min_us = INT64_MAX;
    sx.et_max_us = INT64_MIN;
    sx.stores = q->stores;
    sx.rows_dropped = dropped;
    sx.rows_updated = updated;
    sx.rows_removed = removed;
    sx.nstates = ns;
    ctx.stream = &sx;
    int64_t t_plan0 = mono_ms();
    if (rc == WEIR_OK) rc = weir_op_build(&ctx, q->plan, &root);
    int64_t t_plan = mono_ms() - t_plan0;
    bool skip = false, begun = false;
    int64_t out_rows = 0;
    if (rc == WEIR_OK) {
        rc = q->sink->vt->begin(q->sink, batch_id, &skip, err);
        begun = rc == WEIR_OK;
    }
    while (rc == WEIR_OK) {
        weir_batch *b;
        rc = weir_op_next(root, &b);
        if (rc != WEIR_OK || !b) break;
        if (!skip && b->nrows) rc = q->sink->vt->write(q->sink, b, err);
    }
    if (rc == WEIR_OK)
        rc = q->sink->vt->commit(q->sink, batch_id, &out_rows, err);
    else if (begun)
        q->sink->vt->abort(q->sink);
    weir_op_close(root);
    for (int i = 0; i < n; i++)
        if (br.readers && br.readers[i]) q->sources[i]->vt->close_reader(br.readers[i]);
    int64_t t_add = mono_ms() - t0;
    /* the watermark after this batch: max event time - delay per node (never backwards),
     * then the min (or max) over nodes; nodes without data yet count as the epoch */
    int64_t next_wm = q->watermark_ms;
    if (rc == WEIR_OK && q->nwm) {
        int64_t agg = INT64_MIN;
        for (int i = 0; i < nwm; i++) {
            if (wm_max[i] != INT64_MIN) {
                int64_t cand = weir_floor_div(wm_max[i], 1000) - q->plan_delay_ms[i];
                if (cand > q->wm_node_ms[i]) q->wm_node_ms[i] = cand;
                q->wm_node_seen[i] = true;
            }
            int64_t v = q->wm_node_ms[i];
            if (agg == INT64_MIN)
                agg = v;
            else if (q->wm_policy_max ? v > agg : v < agg)
                agg = v;
        }
        if (agg > next_wm) next_wm = agg;
    }
    if (rc == WEIR_OK) rc = weir_checkpoint_write_commit(&q->cp, batch_id, next_wm, err);
    if (rc == WEIR_OK) {
        q->last_batch_wm_ms = batch_wm_ms;
        q->watermark_ms = next_wm;
        purge_logs(q, batch_id);
    }
    for (int i = 0; rc == WEIR_OK && i < n; i++)
        if (end[i]) rc = q->sources[i]->vt->commit(q->sources[i], end[i], err);
    if (rc == WEIR_OK) {
        int64_t d[6] = {t_add, 0, t_latest, t_plan, mono_ms() - t0 + t_latest + t_wal, t_wal};
        batch_stats bs = {batch_wm_ms, &sx, dropped, updated, removed};
        publish_progress(q, batch_id, trigger_ms, br.rows, start, end, skip ? 0 : out_rows, d, &bs);
    }
    free(br.readers);
    free(br.opened);
    free(br.rows);
    return rc;
}

static void set_status(weir_squery *q, const char *msg, bool data, bool active)
{
    pthread_mutex_lock(&q->mu);
    q->status_msg = msg;
    q->data_available = data;
    q->trigger_active = active;
    pthread_mutex_unlock(&q->mu);
}

/* One trigger: a batch if there is new data (or a batch to replay). */
static int run_trigger(weir_squery *q, bool *ran, weir_error *err)
{
    *ran = false;
    int n = q->nsources;
    int64_t trigger_ms = weir_clock_now_ms(q->clock);
    pthread_mutex_lock(&q->mu);
    q->trig_seq++;
    int64_t seq = q->trig_seq;
    pthread_mutex_unlock(&q->mu);
    set_status(q, "Getting offsets from sources", false, true);
    weir_arena a;
    weir_arena_init(&a, 4096);
    const char **start = WEIR_ARENA_NEWN(&a, const char *, n ? n : 1);
    const char **end = WEIR_ARENA_NEWN(&a, const char *, n ? n : 1);
    int rc = (!start || !end) ? weir_err_nomem(err) : WEIR_OK;
    int64_t t0 = mono_ms(), t_latest = 0, t_wal = 0;
    bool replaying = q->replay != NULL;
    if (rc == WEIR_OK) {
        for (int i = 0; i < n; i++)
            start[i] = q->starts[i];
        if (replaying) {
            for (int i = 0; i < n; i++)
                end[i] = q->replay[i];
            trigger_ms = q->replay_ts_ms;
            *ran = true;
        } else {
            for (int i = 0; i < n && rc == WEIR_OK; i++) {
                if (q->frozen && q->frozen[i])
                    end[i] = q->frozen[i];
                else
                    rc = q->sources[i]->vt->latest(q->sources[i], start[i], &a, &end[i], err);
                if (rc == WEIR_OK && !end[i]) end[i] = start[i];
                if (rc == WEIR_OK && end[i] && (!start[i] || strcmp(start[i], end[i]) != 0))
                    *ran = true;
            }
        }
    }
    t_latest = mono_ms() - t0;
    /* No new data, but the watermark moved past what the last batch used: a no-data batch
     * lets stateful operators emit and evict (Spark's shouldRunAnotherBatch). */
    if (rc == WEIR_OK && !*ran && !replaying && q->no_data_batches && q->nstates > 0 &&
        q->nwm > 0 && q->mode != WEIR_OUTPUT_COMPLETE && q->next_batch > 0 &&
        q->watermark_ms > q->last_batch_wm_ms)
        *ran = true;
    int64_t batch_wm = replaying ? q->replay_wm_ms : q->watermark_ms;
    if (rc == WEIR_OK && *ran && !replaying) {
        int64_t tw = mono_ms();
        weir_offset_entry e;
        memset(&e, 0, sizeof e);
        e.batch_id = q->next_batch;
        e.batch_timestamp_ms = trigger_ms;
        e.batch_watermark_ms = batch_wm;
        e.conf_keys = q->conf_keys;
        e.conf_values = q->conf_values;
        e.nconf = q->nconf;
        e.offsets = end;
        e.nsources = n;
        rc = weir_checkpoint_write_offsets(&q->cp, &e, err);
        t_wal = mono_ms() - tw;
    }
    if (rc == WEIR_OK && *ran) {
        set_status(q, "Processing new data", true, true);
        rc = run_batch(q, q->next_batch, start, end, trigger_ms, batch_wm, t_latest, t_wal, err);
        if (rc == WEIR_OK) {
            for (int i = 0; i < n; i++) {
                char *c = xstrdup(end[i]);
                if (end[i] && !c) {
                    rc = weir_err_nomem(err);
                    break;
                }
                free(q->starts[i]);
                q->starts[i] = c;
            }
            if (replaying) {
                for (int i = 0; i < n; i++)
                    free(q->replay[i]);
                free(q->replay);
                q->replay = NULL;
            }
            q->next_batch++;
            q->last_trigger_ms = trigger_ms;
        }
    }
    if (rc == WEIR_OK && !*ran) {
        pthread_mutex_lock(&q->mu);
        q->idle_seq = seq;
        pthread_cond_broadcast(&q->cv);
        pthread_mutex_unlock(&q->mu);
    }
    set_status(q, rc == WEIR_OK ? "Waiting for data to arrive" : "Terminated with exception", false,
               false);
    weir_arena_free(&a);
    return rc;
}

/* ---- lifecycle --------------------------------------------------------------------------------
 */

static void finish(weir_squery *q, int rc, const weir_error *err)
{
    pthread_mutex_lock(&q->mu);
    if (rc != WEIR_OK) {
        q->failed = true;
        q->err = *err;
        q->status_msg = "Terminated with exception";
    } else {
        q->status_msg = "Stopped";
    }
    q->active = false;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Waits ms of wall time, or less when the query is asked to stop. */
static void pause_ms(weir_squery *q, int64_t ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += ms * 1000000;
    while (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&q->mu);
    while (!q->stop_req)
        if (pthread_cond_timedwait(&q->cv, &q->mu, &deadline) != 0) break;
    pthread_mutex_unlock(&q->mu);
}

static void *query_thread(void *arg)
{
    weir_squery *q = arg;
    weir_error err;
    weir_err_clear(&err);
    int rc = WEIR_OK;
    int64_t next_start = 0;
    while (!q->stop_req) {
        if (q->trigger == WEIR_TRIGGER_INTERVAL) {
            if (!weir_clock_wait_until(q->clock, next_start, &q->stop_req)) break;
        }
        bool ran;
        int64_t started = weir_clock_now_ms(q->clock);
        rc = run_trigger(q, &ran, &err);
        if (rc != WEIR_OK) break;
        if (q->trigger == WEIR_TRIGGER_ONCE) break;
        if (q->trigger == WEIR_TRIGGER_AVAILABLE_NOW && !ran) break;
        if (q->trigger == WEIR_TRIGGER_INTERVAL) {
            int64_t now = weir_clock_now_ms(q->clock);
            /* the next batch starts at the next multiple of the interval after this one
             * started; an overrunning batch is followed immediately */
            next_start = (started / q->interval_ms + 1) * q->interval_ms;
            if (next_start < now) next_start = now;
        } else if (q->trigger == WEIR_TRIGGER_DEFAULT && !ran) {
            /* no data: poll again shortly (spark.sql.streaming.pollingDelay, 10 ms) */
            pause_ms(q, 10);
        }
    }
    finish(q, rc, &err);
    return NULL;
}

static void free_offsets(char **v, int n)
{
    if (!v) return;
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int restore(weir_squery *q, weir_error *err)
{
    int64_t lo, lc;
    int rc = weir_checkpoint_latest(&q->cp, &lo, &lc, err);
    if (rc != WEIR_OK) return rc;
    q->next_batch = 0;
    if (lo < 0) return WEIR_OK;
    weir_arena a;
    weir_arena_init(&a, 4096);
    weir_offset_entry e;
    rc = weir_checkpoint_read_offsets(&q->cp, lo, &a, &e, err);
    if (rc == WEIR_OK && e.nsources != q->nsources)
        rc = weir_err(err, WEIR_EANALYSIS,
                      "There are [%d] sources in the checkpoint offsets and now there are [%d] "
                      "sources requested by the query. Cannot continue.",
                      e.nsources, q->nsources);
    if (rc == WEIR_OK && lc >= lo) {
        for (int i = 0; i < q->nsources; i++)
            q->starts[i] = xstrdup(e.offsets[i]);
        q->next_batch = lo + 1;
        q->last_batch_wm_ms = e.batch_watermark_ms;
        rc = weir_checkpoint_read_commit(&q->cp, lo, &q->watermark_ms, err);
        if (rc == WEIR_OK && q->watermark_ms < e.batch_watermark_ms)
            q->watermark_ms = e.batch_watermark_ms;
    } else if (rc == WEIR_OK) {
        q->replay_wm_ms = e.batch_watermark_ms;
        q->watermark_ms = e.batch_watermark_ms;
        /* offsets without a commit: re-run batch lo with the same offsets */
        q->replay = calloc((size_t)(q->nsources ? q->nsources : 1), sizeof(char *));
        if (!q->replay) rc = weir_err_nomem(err);
        for (int i = 0; rc == WEIR_OK && i < q->nsources; i++)
            q->replay[i] = xstrdup(e.offsets[i]);
        q->replay_ts_ms = e.batch_timestamp_ms;
        q->next_batch = lo;
        if (rc == WEIR_OK && lo > 0) {
            weir_offset_entry prev;
            rc = weir_checkpoint_read_offsets(&q->cp, lo - 1, &a, &prev, err);
            if (rc == WEIR_OK) q->last_batch_wm_ms = prev.batch_watermark_ms;
            for (int i = 0; rc == WEIR_OK && i < q->nsources; i++)
                q->starts[i] = xstrdup(prev.offsets[i]);
        }
    }
    weir_arena_free(&a);
    return rc;
}

/* WATERMARK nodes of the plan: their delays by wm_id. */
static void collect_watermarks(const weir_lplan *p, int64_t *delays, int *n, int cap)
{
    if (p->kind == WEIR_LP_WATERMARK && p->wm_id < cap) {
        delays[p->wm_id] = weir_floor_div(p->wm_delay_us, 1000);
        if (p->wm_id + 1 > *n) *n = p->wm_id + 1;
    }
    for (int i = 0; i < p->nchildren; i++)
        collect_watermarks(p->children[i], delays, n, cap);
}

/* State stores of the stateful operators at the last committed version, and the
 * watermark bookkeeping. */
static int open_state(weir_squery *q, weir_error *err)
{
    int64_t delays[64];
    int nwm = 0;
    collect_watermarks(q->plan, delays, &nwm, 64);
    q->nwm = nwm;
    if (nwm) {
        q->plan_delay_ms = malloc(sizeof(int64_t) * (size_t)nwm);
        q->wm_node_ms = malloc(sizeof(int64_t) * (size_t)nwm);
        q->wm_node_seen = calloc((size_t)nwm, sizeof(bool));
        if (!q->plan_delay_ms || !q->wm_node_ms || !q->wm_node_seen) return weir_err_nomem(err);
        for (int i = 0; i < nwm; i++) {
            q->plan_delay_ms[i] = delays[i];
            q->wm_node_ms[i] = q->watermark_ms;
        }
    }
    if (q->nstates > 64) return weir_err(err, WEIR_EUNSUPPORTED, "too many stateful operators");
    if (!q->nstates) return WEIR_OK;
    q->stores = calloc((size_t)q->nstates, sizeof(weir_state_store *));
    if (!q->stores) return weir_err_nomem(err);
    for (int i = 0; i < q->nstates; i++) {
        char sub[32];
        snprintf(sub, sizeof sub, "state/%d", i);
        char *dir = weir_checkpoint_subdir(&q->cp, sub, err);
        if (!dir) return err->code ? err->code : weir_err_nomem(err);
        int rc = weir_state_open(dir, q->nparts, q->next_batch - 1, &q->stores[i], err);
        free(dir);
        if (rc != WEIR_OK) return rc;
    }
    return WEIR_OK;
}

/* 'once' / 'availableNow': sources limit themselves (prepare), or the driver fixes their end
 * offset now (Spark's AvailableNowDataStreamWrapper). */
static int prepare_sources(weir_squery *q, weir_error *err)
{
    weir_read_limit lim =
        q->trigger == WEIR_TRIGGER_ONCE ? WEIR_READ_ALL_ONCE : WEIR_READ_AVAILABLE_NOW;
    for (int i = 0; i < q->nsources; i++) {
        weir_source *s = q->sources[i];
        int rc;
        if (s->vt->prepare) {
            rc = s->vt->prepare(s, lim, err);
        } else {
            if (!q->frozen && !(q->frozen = calloc((size_t)q->nsources, sizeof(char *))))
                return weir_err_nomem(err);
            weir_arena a;
            weir_arena_init(&a, 1024);
            const char *start = q->replay ? q->replay[i] : q->starts[i], *end = NULL;
            rc = s->vt->latest(s, start, &a, &end, err);
            if (rc == WEIR_OK && end && !(q->frozen[i] = strdup(end))) rc = weir_err_nomem(err);
            if (rc == WEIR_OK && !end && start && !(q->frozen[i] = strdup(start)))
                rc = weir_err_nomem(err);
            weir_arena_free(&a);
        }
        if (rc != WEIR_OK) return rc;
    }
    return WEIR_OK;
}

int weir_squery_start(const weir_squery_spec *spec, weir_squery **out, weir_error *err)
{
    *out = NULL;
    weir_squery *q = calloc(1, sizeof(*q));
    if (!q) return weir_err_nomem(err);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->arena = spec->arena;
    q->name = strdup(spec->name ? spec->name : "");
    weir_uuid4(q->run_id);
    q->plan = spec->plan;
    q->refs = *spec->refs;
    q->nsources = spec->refs->n;
    q->sink_args = spec->sink;
    q->trigger = spec->trigger;
    q->interval_ms = spec->interval_ms > 0 ? spec->interval_ms : 1;
    q->conf = spec->conf;
    q->conf_keys = spec->conf_keys;
    q->conf_values = spec->conf_values;
    q->nconf = spec->nconf;
    q->clock = spec->clock;
    q->manual = spec->manual;
    q->mode = spec->mode;
    q->nstates = spec->nstates;
    q->nparts = spec->nparts > 0 ? spec->nparts : 200;
    q->wm_policy_max = spec->wm_policy_max;
    q->allow_multiple = spec->allow_multiple;
    q->no_data_batches = spec->no_data_batches;
    q->status_msg = "Initializing sources";
    q->sources = calloc((size_t)(q->nsources ? q->nsources : 1), sizeof(weir_source *));
    q->starts = calloc((size_t)(q->nsources ? q->nsources : 1), sizeof(char *));
    if (!q->name || !q->sources || !q->starts) {
        weir_squery_free(q);
        return weir_err_nomem(err);
    }
    int rc = weir_checkpoint_open(spec->checkpoint, &q->cp, err);
    if (rc != WEIR_OK) {
        free(q->cp.dir);
        q->cp.dir = NULL;
        weir_squery_free(q);
        return rc;
    }
    for (int i = 0; rc == WEIR_OK && i < q->nsources; i++) {
        const weir_view *v = q->refs.refs[i].view;
        char sub[32];
        snprintf(sub, sizeof sub, "sources/%d", i);
        char *mdir = weir_checkpoint_subdir(&q->cp, sub, err);
        if (!mdir) {
            rc = err->code ? err->code : weir_err_nomem(err);
            break;
        }
        weir_kv *kv = WEIR_ARENA_NEWN(q->arena, weir_kv, v->noptions ? v->noptions : 1);
        if (!kv) rc = weir_err_nomem(err);
        for (int k = 0; rc == WEIR_OK && k < v->noptions; k++) {
            kv[k].key = v->options[k].key;
            kv[k].value = v->options[k].value;
        }
        weir_source_args sa = {v->format, kv,       v->noptions, v->user_schema,
                               mdir,      &q->conf, q->clock,    q->refs.refs[i].want};
        if (rc == WEIR_OK) rc = weir_source_create(&sa, &q->sources[i], err);
        free(mdir);
    }
    if (rc == WEIR_OK) rc = weir_sink_create(&q->sink_args, &q->sink, err);
    if (rc == WEIR_OK) rc = restore(q, err);
    if (rc == WEIR_OK) rc = open_state(q, err);
    if (rc != WEIR_OK) {
        weir_squery_free(q);
        return rc;
    }
    if (rc == WEIR_OK &&
        (q->trigger == WEIR_TRIGGER_ONCE || q->trigger == WEIR_TRIGGER_AVAILABLE_NOW))
        rc = prepare_sources(q, err);
    if (rc != WEIR_OK) {
        weir_squery_free(q);
        return rc;
    }
    q->active = true;
    q->status_msg = "Waiting for data to arrive";
    if (!q->manual) {
        if (pthread_create(&q->thread, NULL, query_thread, q) != 0) {
            weir_squery_free(q);
            return weir_err(err, WEIR_ERUNTIME, "cannot start the query thread");
        }
        q->has_thread = true;
    }
    *out = q;
    return WEIR_OK;
}

int weir_squery_trigger(weir_squery *q, bool *ran, weir_error *err)
{
    *ran = false;
    if (!q->manual) return weir_err(err, WEIR_EARG, "query %s is not manually triggered", q->name);
    if (!q->active) {
        if (q->failed) {
            *err = q->err;
            return err->code;
        }
        return WEIR_OK;
    }
    weir_error e;
    weir_err_clear(&e);
    int rc = run_trigger(q, ran, &e);
    if (rc != WEIR_OK) {
        finish(q, rc, &e);
        *err = e;
        return rc;
    }
    if (q->trigger == WEIR_TRIGGER_ONCE || (q->trigger == WEIR_TRIGGER_AVAILABLE_NOW && !*ran))
        finish(q, WEIR_OK, &e);
    return WEIR_OK;
}

void weir_squery_stop(weir_squery *q)
{
    if (!q) return;
    pthread_mutex_lock(&q->mu);
    q->stop_req = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    weir_clock_wake(q->clock);
    if (q->has_thread) {
        pthread_join(q->thread, NULL);
        q->has_thread = false;
    } else if (q->active) {
        weir_error e;
        weir_err_clear(&e);
        finish(q, WEIR_OK, &e);
    }
}

int weir_squery_await(weir_squery *q, int64_t timeout_ms, bool *terminated, weir_error *err)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    if (timeout_ms >= 0) {
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (timeout_ms % 1000) * 1000000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
    }
    pthread_mutex_lock(&q->mu);
    while (q->active) {
        if (timeout_ms < 0)
            pthread_cond_wait(&q->cv, &q->mu);
        else if (pthread_cond_timedwait(&q->cv, &q->mu, &deadline) != 0)
            break;
    }
    bool done = !q->active;
    bool failed = q->failed;
    weir_error qe = q->err;
    pthread_mutex_unlock(&q->mu);
    if (terminated) *terminated = done;
    if (done && q->has_thread) {
        pthread_join(q->thread, NULL);
        q->has_thread = false;
    }
    if (failed) {
        *err = qe;
        return qe.code;
    }
    return WEIR_OK;
}

int weir_squery_process_all_available(weir_squery *q, weir_error *err)
{
    if (q->manual) {
        bool ran = true;
        while (ran && q->active) {
            int rc = weir_squery_trigger(q, &ran, err);
            if (rc != WEIR_OK) return rc;
        }
        return WEIR_OK;
    }
    pthread_mutex_lock(&q->mu);
    int64_t seq = q->trig_seq;
    while (q->active && q->idle_seq <= seq)
        pthread_cond_wait(&q->cv, &q->mu);
    bool failed = q->failed;
    weir_error qe = q->err;
    pthread_mutex_unlock(&q->mu);
    if (failed) {
        *err = qe;
        return qe.code;
    }
    return WEIR_OK;
}

bool weir_squery_active(weir_squery *q)
{
    pthread_mutex_lock(&q->mu);
    bool a = q->active;
    pthread_mutex_unlock(&q->mu);
    return a;
}

const char *weir_squery_name(const weir_squery *q)
{
    return q->name;
}
const char *weir_squery_id(const weir_squery *q)
{
    return q->cp.query_id;
}
const char *weir_squery_run_id(const weir_squery *q)
{
    return q->run_id;
}

char *weir_squery_last_progress(weir_squery *q, bool pretty)
{
    pthread_mutex_lock(&q->mu);
    char *p = xstrdup(pretty ? q->last_progress : q->last_progress_compact);
    pthread_mutex_unlock(&q->mu);
    return p;
}

char *weir_squery_status(weir_squery *q, bool pretty)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    pthread_mutex_lock(&q->mu);
    weir_sb_printf(&sb,
                   pretty ? "{\n  \"message\" : \"%s\",\n  \"isDataAvailable\" : %s,\n  "
                            "\"isTriggerActive\" : %s\n}"
                          : "{\"message\":\"%s\",\"isDataAvailable\":%s,\"isTriggerActive\":%s}",
                   q->status_msg, q->data_available ? "true" : "false",
                   q->trigger_active ? "true" : "false");
    pthread_mutex_unlock(&q->mu);
    return weir_sb_take(&sb);
}

char *weir_squery_status_line(weir_squery *q)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    pthread_mutex_lock(&q->mu);
    weir_sb_printf(&sb, "%s: batch %lld, %lld rows, %.0f rows/s, %s", q->name,
                   (long long)(q->next_batch - 1), (long long)q->last_batch_rows, q->last_rate,
                   q->status_msg);
    pthread_mutex_unlock(&q->mu);
    return weir_sb_take(&sb);
}

void weir_squery_free(weir_squery *q)
{
    if (!q) return;
    weir_squery_stop(q);
    bool clean = !q->failed;
    for (int i = 0; q->sources && i < q->nsources; i++)
        if (q->sources[i]) q->sources[i]->vt->destroy(q->sources[i]);
    if (q->sink) q->sink->vt->destroy(q->sink);
    if (q->cp.dir) weir_checkpoint_close(&q->cp, clean);
    for (int i = 0; q->stores && i < q->nstates; i++)
        weir_state_close(q->stores[i]);
    free(q->stores);
    free(q->plan_delay_ms);
    free(q->wm_node_ms);
    free(q->wm_node_seen);
    free(q->sources);
    free_offsets(q->starts, q->nsources);
    free_offsets(q->replay, q->nsources);
    free_offsets(q->frozen, q->nsources);
    free(q->last_progress);
    free(q->last_progress_compact);
    free(q->name);
    weir_arena_destroy(q->arena);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q);
}
