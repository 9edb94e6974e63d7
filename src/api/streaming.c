/*
 * The streaming statements: CREATE STREAMING TABLE (Spark's writeStream...start()),
 * SHOW / DESCRIBE / AWAIT / STOP STREAMING TABLE, and the weir_query_* API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "stream/checkpoint.h"

int weir_api_stream_schema_of(void *user, const weir_view *v, weir_arena *a, const weir_type **out,
                              weir_error *err)
{
    weir_db *db = user;
    weir_kv *kv = WEIR_ARENA_NEWN(a, weir_kv, v->noptions ? v->noptions : 1);
    if (!kv) return weir_err_nomem(err);
    for (int i = 0; i < v->noptions; i++) {
        kv[i].key = v->options[i].key;
        kv[i].value = v->options[i].value;
    }
    weir_source_args sa = {v->format, kv,         v->noptions, v->user_schema,
                           NULL,      &db->confv, NULL,        NULL};
    return weir_source_schema(&sa, a, out, err);
}

static weir_query *query_find_active(weir_db *db, const char *name)
{
    for (weir_query *q = db->queries; q; q = q->next)
        if (weir_squery_active(q->sq) && strcasecmp(weir_squery_name(q->sq), name) == 0) return q;
    return NULL;
}

weir_query *weir_query_find(weir_db *db, const char *name)
{
    for (weir_query *q = db->queries; q; q = q->next)
        if (strcasecmp(weir_squery_name(q->sq), name) == 0) return q;
    return NULL;
}

static const char *opt_get(const weir_ast_option *o, int n, const char *key)
{
    for (int i = n - 1; i >= 0; i--)
        if (strcasecmp(o[i].key, key) == 0) return o[i].value;
    return NULL;
}

static int parse_trigger(weir_db *db, const weir_ast_stmt *s, const char *v,
                         weir_trigger_kind *kind, int64_t *interval_ms)
{
    *kind = WEIR_TRIGGER_DEFAULT;
    *interval_ms = 0;
    if (!v) return WEIR_OK;
    if (strcasecmp(v, "once") == 0) {
        *kind = WEIR_TRIGGER_ONCE;
        return WEIR_OK;
    }
    if (strcasecmp(v, "availableNow") == 0) {
        *kind = WEIR_TRIGGER_AVAILABLE_NOW;
        return WEIR_OK;
    }
    int64_t us;
    if (weir_parse_interval(v, strlen(v), &us) && us >= 0) {
        *kind = us == 0 ? WEIR_TRIGGER_DEFAULT : WEIR_TRIGGER_INTERVAL;
        *interval_ms = us / 1000;
        return WEIR_OK;
    }
    return weir_err_at(&db->err, WEIR_EARG, s->line, s->pos,
                       "Invalid trigger '%s': expected 'N seconds' (processing time), 'once' or "
                       "'availableNow'.",
                       v);
}

static int parse_mode(weir_db *db, const weir_ast_stmt *s, const char *v, weir_output_mode *mode)
{
    *mode = WEIR_OUTPUT_APPEND;
    if (!v || strcasecmp(v, "append") == 0) return WEIR_OK;
    if (strcasecmp(v, "update") == 0)
        *mode = WEIR_OUTPUT_UPDATE;
    else if (strcasecmp(v, "complete") == 0)
        *mode = WEIR_OUTPUT_COMPLETE;
    else
        return weir_err_at(&db->err, WEIR_EARG, s->line, s->pos,
                           "Unknown output mode %s. Accepted output modes are 'append', "
                           "'complete', 'update'",
                           v);
    return WEIR_OK;
}

static bool is_writer_option(const char *k)
{
    return strcasecmp(k, "outputMode") == 0 || strcasecmp(k, "trigger") == 0 ||
           strcasecmp(k, "checkpointLocation") == 0 || strcasecmp(k, "queryName") == 0;
}

static int memtable_snapshot(void *t, weir_arena *a, weir_batch **out)
{
    return weir_memtable_snapshot(t, a, out);
}

static void default_print(void *user, const char *text)
{
    (void)user;
    fputs(text, stdout);
    fflush(stdout);
}

int weir_api_create_streaming_table(weir_stmt *st)
{
    weir_db *db = st->db;
    weir_ast_stmt *s = st->ast;
    weir_error *err = &db->err;
    weir_query *old = query_find_active(db, s->name);
    if (old && !s->or_replace)
        return weir_err_at(err, WEIR_EANALYSIS, s->line, s->pos,
                           "Cannot start query with name %s as a query with that name is already "
                           "active in this SparkSession",
                           s->name);
    weir_trigger_kind trig;
    int64_t interval;
    weir_output_mode mode;
    int rc = parse_trigger(db, s, opt_get(s->options, s->noptions, "trigger"), &trig, &interval);
    if (rc == WEIR_OK)
        rc = parse_mode(db, s, opt_get(s->options, s->noptions, "outputMode"), &mode);
    if (rc != WEIR_OK) return rc;

    /* The query owns its plan: parse and bind the statement again in the query's arena. */
    weir_arena *qa = weir_arena_new(64 * 1024);
    if (!qa) return weir_err_nomem(err);
    const char *text = weir_arena_strdup(qa, st->text);
    weir_ast_stmt **stmts;
    int n;
    rc = text ? weir_sql_parse(qa, text, &stmts, &n, err) : weir_err_nomem(err);
    weir_stream_refs *refs = WEIR_ARENA_NEW(qa, weir_stream_refs);
    weir_lplan *plan = NULL;
    int nstates = 0;
    if (rc == WEIR_OK && !refs) rc = weir_err_nomem(err);
    if (rc == WEIR_OK) {
        refs->schema_of = weir_api_stream_schema_of;
        refs->user = db;
        weir_bind_env env = {qa, &db->confv, weir_api_view_lookup, db, text, refs};
        rc = weir_bind_query(&env, stmts[0]->query, &plan, err);
    }
    if (rc == WEIR_OK && !weir_lplan_is_streaming(plan))
        rc = weir_err_at(err, WEIR_EANALYSIS, s->line, s->pos,
                         "'writeStream' can be called only on streaming Dataset/DataFrame");
    if (rc == WEIR_OK) {
        rc = weir_check_streaming(plan, mode, &nstates, err);
        if (rc != WEIR_OK && !err->line) {
            err->line = s->line;
            err->pos = s->pos;
        }
    }
    /* sink */
    weir_kv *kv = WEIR_ARENA_NEWN(qa, weir_kv, s->noptions ? s->noptions : 1);
    int nkv = 0;
    if (rc == WEIR_OK && !kv) rc = weir_err_nomem(err);
    for (int i = 0; rc == WEIR_OK && i < s->noptions; i++)
        if (!is_writer_option(s->options[i].key)) {
            kv[nkv].key = weir_arena_strdup(qa, s->options[i].key);
            kv[nkv].value = weir_arena_strdup(qa, s->options[i].value);
            if (!kv[nkv].key || !kv[nkv].value) rc = weir_err_nomem(err);
            nkv++;
        }
    weir_sink_args sa;
    memset(&sa, 0, sizeof sa);
    if (rc == WEIR_OK) {
        sa.format = weir_arena_strdup(qa, s->format);
        sa.opts = kv;
        sa.nopts = nkv;
        sa.schema = plan->schema;
        sa.query_name = weir_arena_strdup(qa, s->name);
        sa.mode = mode;
        sa.conf = &db->confv;
        sa.print = db->print ? db->print : default_print;
        sa.print_user = db->print_user;
        rc = weir_sink_check(&sa, err);
        if (rc != WEIR_OK && !err->line) {
            err->line = s->line;
            err->pos = s->pos;
        }
    }
    weir_memtable *mt = NULL;
    if (rc == WEIR_OK && strcasecmp(s->format, "memory") == 0) {
        mt = weir_memtable_new(plan->schema);
        if (!mt) rc = weir_err_nomem(err);
        sa.memtable = mt;
    }
    if (rc != WEIR_OK) {
        weir_arena_destroy(qa);
        return rc;
    }
    if (old) weir_squery_stop(old->sq);

    /* settings that must not change across restarts, recorded in offsets/N with the key set
     * and order Spark 3.5 writes (the session's value where it has one) */
    int nconf = weir_spark35_offset_nconf;
    const char **ck = WEIR_ARENA_NEWN(qa, const char *, nconf);
    const char **cv = WEIR_ARENA_NEWN(qa, const char *, nconf);
    if (!ck || !cv) {
        weir_memtable_free(mt);
        weir_arena_destroy(qa);
        return weir_err_nomem(err);
    }
    for (int i = 0; i < nconf; i++) {
        const char *sv = weir_api_conf_value(db, weir_spark35_offset_conf[i].key);
        ck[i] = weir_spark35_offset_conf[i].key;
        cv[i] = sv ? weir_arena_strdup(qa, sv) : weir_spark35_offset_conf[i].value;
    }
    const char *manual_clock = weir_api_conf_value(db, "weir.streaming.manualClock");
    const char *manual_trig = weir_api_conf_value(db, "weir.streaming.manualTrigger");
    const char *ckpt = opt_get(s->options, s->noptions, "checkpointLocation");
    weir_squery_spec spec = {
        .name = s->name,
        .arena = qa,
        .plan = plan,
        .refs = refs,
        .sink = sa,
        .trigger = trig,
        .interval_ms = interval,
        .checkpoint = ckpt ? weir_arena_strdup(qa, ckpt) : NULL,
        .conf = db->confv,
        .conf_keys = ck,
        .conf_values = cv,
        .nconf = nconf,
        .clock = manual_clock && strcasecmp(manual_clock, "true") == 0 ? &db->manual_clock
                                                                       : &db->wall_clock,
        .manual = manual_trig && strcasecmp(manual_trig, "true") == 0,
        .mode = mode,
        .nstates = nstates,
        .nparts = atoi(weir_api_conf_value(db, "spark.sql.shuffle.partitions")),
        .wm_policy_max =
            strcasecmp(weir_api_conf_value(db, "spark.sql.streaming.multipleWatermarkPolicy"),
                       "max") == 0,
        .allow_multiple = strcasecmp(weir_api_conf_value(
                                         db, "spark.sql.streaming.statefulOperator.allowMultiple"),
                                     "false") != 0,
        .no_data_batches =
            strcasecmp(weir_api_conf_value(db, "spark.sql.streaming.noDataMicroBatches.enabled"),
                       "false") != 0,
    };
    weir_query *q = calloc(1, sizeof(*q));
    if (!q) {
        weir_memtable_free(mt);
        weir_arena_destroy(qa);
        return weir_err_nomem(err);
    }
    rc = weir_squery_start(&spec, &q->sq, err); /* takes qa, also on failure */
    if (rc != WEIR_OK) {
        if (!err->line) {
            err->line = s->line;
            err->pos = s->pos;
        }
        weir_memtable_free(mt);
        free(q);
        return rc;
    }
    q->memtable = mt;
    q->db = db;
    q->next = db->queries;
    db->queries = q;
    if (mt) {
        /* the memory sink's table is queryable by the query's name, as Spark's */
        weir_view *v = calloc(1, sizeof(*v));
        if (!v) return weir_err_nomem(err);
        weir_arena_init(&v->arena, 1024);
        v->name = weir_arena_strdup(&v->arena, s->name);
        v->kind = WEIR_VIEW_MEMTABLE;
        v->memtable = mt;
        v->memtable_schema = weir_memtable_schema(mt);
        v->snapshot = memtable_snapshot;
        weir_view *prev = weir_api_view_find(db, s->name);
        if (prev) weir_api_view_retire(db, prev);
        v->next = db->views;
        db->views = v;
    }
    return WEIR_OK;
}

static weir_query *named_query(weir_stmt *st)
{
    weir_query *q = weir_query_find(st->db, st->ast->name);
    if (!q)
        weir_err_at(&st->db->err, WEIR_EANALYSIS, st->ast->line, st->ast->pos,
                    "[TABLE_OR_VIEW_NOT_FOUND] The streaming table `%s` cannot be found.",
                    st->ast->name);
    return q;
}

int weir_api_show_streaming_tables(weir_stmt *st)
{
    static const char *const names[4] = {"name", "id", "runId", "status"};
    int n = 0;
    for (weir_query *q = st->db->queries; q; q = q->next)
        n++;
    const char **cells = WEIR_ARENA_NEWN(&st->arena, const char *, 4 * n + 4);
    if (!cells) return weir_err_nomem(&st->db->err);
    int r = n - 1; /* oldest first */
    for (weir_query *q = st->db->queries; q; q = q->next, r--) {
        cells[4 * r] = weir_squery_name(q->sq);
        cells[4 * r + 1] = weir_squery_id(q->sq);
        cells[4 * r + 2] = weir_squery_run_id(q->sq);
        cells[4 * r + 3] = weir_squery_active(q->sq) ? "ACTIVE" : "TERMINATED";
    }
    return weir_api_utility_result(st, names, 4, cells, n);
}

int weir_api_describe_streaming_table(weir_stmt *st)
{
    weir_query *q = named_query(st);
    if (!q) return st->db->err.code;
    static const char *const names[2] = {"key", "value"};
    char *status = weir_squery_status(q->sq, false),
         *progress = weir_squery_last_progress(q->sq, false);
    const char *cells[12] = {
        "name",         weir_squery_name(q->sq),
        "id",           weir_squery_id(q->sq),
        "runId",        weir_squery_run_id(q->sq),
        "isActive",     weir_squery_active(q->sq) ? "true" : "false",
        "status",       status ? weir_arena_strdup(&st->arena, status) : NULL,
        "lastProgress", progress ? weir_arena_strdup(&st->arena, progress) : NULL};
    free(status);
    free(progress);
    st->untruncated = true; /* JSON values are only useful whole */
    return weir_api_utility_result(st, names, 2, cells, 6);
}

int weir_api_await_streaming_table(weir_stmt *st)
{
    weir_query *q = named_query(st);
    if (!q) return st->db->err.code;
    int64_t timeout = -1;
    if (st->ast->timeout) {
        int64_t us;
        if (!weir_parse_interval(st->ast->timeout, strlen(st->ast->timeout), &us) || us < 0)
            return weir_err_at(&st->db->err, WEIR_EARG, st->ast->line, st->ast->pos,
                               "Invalid timeout '%s': expected e.g. '10 seconds'.",
                               st->ast->timeout);
        timeout = us / 1000;
    }
    bool done;
    return weir_squery_await(q->sq, timeout, &done, &st->db->err);
}

int weir_api_stop_streaming_table(weir_stmt *st)
{
    weir_query *q = named_query(st);
    if (!q) return st->db->err.code;
    weir_squery_stop(q->sq);
    return WEIR_OK;
}

/* ---- public API ------------------------------------------------------------------------ */

const char *weir_query_name(weir_query *q)
{
    return q ? weir_squery_name(q->sq) : NULL;
}

bool weir_query_is_active(weir_query *q)
{
    return q && weir_squery_active(q->sq);
}

int weir_query_await(weir_query *q, int64_t timeout_ms, bool *terminated)
{
    return weir_squery_await(q->sq, timeout_ms, terminated, &q->db->err);
}

int weir_query_stop(weir_query *q)
{
    weir_squery_stop(q->sq);
    return WEIR_OK;
}

int weir_query_process_all_available(weir_query *q)
{
    return weir_squery_process_all_available(q->sq, &q->db->err);
}

char *weir_query_last_progress(weir_query *q)
{
    return weir_squery_last_progress(q->sq, true);
}

char *weir_query_status(weir_query *q)
{
    return weir_squery_status(q->sq, true);
}

int weir_query_trigger(weir_query *q, bool *ran)
{
    return weir_squery_trigger(q->sq, ran, &q->db->err);
}

int weir_query_count(weir_db *db)
{
    int n = 0;
    for (weir_query *q = db->queries; q; q = q->next)
        n++;
    return n;
}

weir_query *weir_query_at(weir_db *db, int i)
{
    int n = weir_query_count(db);
    if (i < 0 || i >= n) return NULL;
    weir_query *q = db->queries;
    for (int k = n - 1; k > i; k--)
        q = q->next; /* the list is newest first */
    return q;
}

char *weir_query_status_line(weir_query *q)
{
    return weir_squery_status_line(q->sq);
}

void weir_advance_clock(weir_db *db, int64_t ms)
{
    weir_clock_advance(&db->manual_clock, ms);
}

void weir_set_output(weir_db *db, void (*cb)(void *user, const char *text), void *user)
{
    db->print = cb;
    db->print_user = user;
}

void weir_stop_all(weir_db *db)
{
    for (weir_query *q = db->queries; q; q = q->next)
        weir_squery_stop(q->sq);
}

int weir_await_all(weir_db *db, const volatile int *interrupted)
{
    int rc = WEIR_OK;
    for (;;) {
        bool any = false;
        for (weir_query *q = db->queries; q; q = q->next) {
            if (!weir_squery_active(q->sq)) continue;
            any = true;
            bool done;
            weir_error e;
            weir_err_clear(&e);
            int r = weir_squery_await(q->sq, 100, &done, &e);
            if (r != WEIR_OK && rc == WEIR_OK) {
                rc = r;
                db->err = e;
            }
            break;
        }
        if (!any) break;
        if (interrupted && *interrupted) {
            weir_stop_all(db);
            break;
        }
    }
    /* report a query that failed while nobody was waiting on it */
    for (weir_query *q = db->queries; rc == WEIR_OK && q; q = q->next) {
        bool done;
        weir_error e;
        weir_err_clear(&e);
        int r = weir_squery_await(q->sq, 0, &done, &e);
        if (r != WEIR_OK) {
            rc = r;
            db->err = e;
        }
    }
    return rc;
}
