/*
 * Progress reports: Spark's StreamingQueryProgress.json / prettyJson, byte for byte.
 *
 * Why exact: users and tools read lastProgress / the progress log with parsers and eyes
 * trained on Spark's output, and weir's tests compare the text. Spark builds a json4s tree
 * (progress.scala) and prints it with Jackson, which fixes every detail reproduced here:
 *   - field order as jsonValue lists them; map-valued fields (durationMs, eventTime,
 *     metrics) are printed with their keys sorted and are left out when empty
 *     (SafeJsonSerializer.safeMapToJValue), as are NaN/Infinity rates (safeDoubleToJValue);
 *   - a null name prints as null; longs as integers; doubles as Java's Double.toString;
 *   - each source offset is parsed as JSON and embedded as a value ({"logOffset":3} becomes
 *     an object, 100 a number), falling back to a string when it is not JSON;
 *   - pretty form = Jackson's DefaultPrettyPrinter (see sjson.c).
 * Spark 3.5 fields weir does not track are not printed: durationMs.commitOffsets,
 * StateOperatorProgress allUpdatesTimeMs / allRemovalsTimeMs / commitTimeMs /
 * customMetrics, and observedMetrics (see README.md).
 */
#include <stdio.h>
#include <string.h>

#include "base/datetime.h"
#include "stream/sjson.h"
#include "stream/stream.h"

void weir_format_iso_ms(int64_t ms, char buf[32])
{
    int64_t days = weir_floor_div(ms, 86400000);
    int64_t rem = weir_floor_mod(ms, 86400000);
    if (days > 3000000) days = 3000000; /* keep absurd values printable (year < 10^4..10^5) */
    if (days < -3000000) days = -3000000;
    int y, m, d;
    weir_civil_from_days((int32_t)days, &y, &m, &d);
    int h = (int)(rem / 3600000), mi = (int)(rem / 60000 % 60), s = (int)(rem / 1000 % 60);
    int frac = (int)(rem % 1000);
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, h, mi, s, frac);
    size_t n = strlen(tmp);
    if (n > 31) n = 31;
    memcpy(buf, tmp, n);
    buf[n] = 0;
}

/* safeDoubleToJValue: NaN and infinities are left out. */
static void put_rate(weir_sjw *w, const char *key, double v)
{
    if (v != v || v - v != 0) return;
    weir_sjw_key(w, key);
    weir_sjw_double(w, v);
}

static void put_str(weir_sjw *w, const char *key, const char *v)
{
    weir_sjw_key(w, key);
    weir_sjw_string(w, v, v ? strlen(v) : 0);
}

static void put_long(weir_sjw *w, const char *key, int64_t v)
{
    weir_sjw_key(w, key);
    weir_sjw_int(w, v);
}

static void put_ts(weir_sjw *w, const char *key, int64_t ms)
{
    char buf[32];
    weir_format_iso_ms(ms, buf);
    put_str(w, key, buf);
}

/* SourceProgress.tryParse: the offset as a JSON value, or as a string when it does not
 * parse (null stays null). Jackson ignores content after the first value. */
static void put_offset(weir_sjw *w, const char *key, const char *json, weir_arena *a)
{
    weir_sjw_key(w, key);
    const weir_sjson *v = json ? weir_sjson_parse(json, strlen(json), true, a, NULL) : NULL;
    if (v)
        weir_sjw_value(w, v);
    else
        weir_sjw_string(w, json, json ? strlen(json) : 0);
}

static void put_state(weir_sjw *w, const weir_state_progress *s)
{
    weir_sjw_begin_object(w);
    put_str(w, "operatorName", s->operator_name);
    put_long(w, "numRowsTotal", s->num_rows_total);
    put_long(w, "numRowsUpdated", s->num_rows_updated);
    put_long(w, "numRowsRemoved", s->num_rows_removed);
    put_long(w, "memoryUsedBytes", s->memory_used_bytes);
    put_long(w, "numRowsDroppedByWatermark", s->num_rows_dropped_by_watermark);
    put_long(w, "numShufflePartitions", s->num_shuffle_partitions);
    put_long(w, "numStateStoreInstances", s->num_state_store_instances);
    weir_sjw_end_object(w);
}

static void put_source(weir_sjw *w, const weir_source_progress *s, weir_arena *a)
{
    weir_sjw_begin_object(w);
    put_str(w, "description", s->description);
    put_offset(w, "startOffset", s->start_offset, a);
    put_offset(w, "endOffset", s->end_offset, a);
    put_offset(w, "latestOffset", s->latest_offset, a);
    put_long(w, "numInputRows", s->num_input_rows);
    put_rate(w, "inputRowsPerSecond", s->input_rows_per_second);
    put_rate(w, "processedRowsPerSecond", s->processed_rows_per_second);
    weir_sjw_end_object(w);
}

void weir_progress_json(const weir_progress *p, bool pretty, weir_strbuf *sb)
{
    weir_arena scratch; /* parsed offsets */
    weir_arena_init(&scratch, 4096);
    weir_sjw w;
    weir_sjw_init(&w, sb, pretty);

    weir_sjw_begin_object(&w);
    put_str(&w, "id", p->id);
    put_str(&w, "runId", p->run_id);
    put_str(&w, "name", p->name);
    put_ts(&w, "timestamp", p->timestamp_ms);
    put_long(&w, "batchId", p->batch_id);
    put_long(&w, "numInputRows", p->num_input_rows);
    put_rate(&w, "inputRowsPerSecond", p->input_rows_per_second);
    put_rate(&w, "processedRowsPerSecond", p->processed_rows_per_second);

    /* durationMs: a map in Spark, printed with sorted keys, holding only the phases the
     * trigger went through (an idle trigger reports latestOffset and triggerExecution);
     * weir marks a phase that did not run with a negative duration. */
    const struct {
        const char *key;
        int64_t v;
    } dur[] = {
        {"addBatch", p->d_add_batch},         {"getBatch", p->d_get_batch},
        {"latestOffset", p->d_latest_offset}, {"queryPlanning", p->d_query_planning},
        {"triggerExecution", p->d_trigger},   {"walCommit", p->d_wal_commit},
    };
    bool any = false;
    for (size_t i = 0; i < sizeof(dur) / sizeof(dur[0]); i++) {
        if (dur[i].v < 0) continue;
        if (!any) {
            weir_sjw_key(&w, "durationMs");
            weir_sjw_begin_object(&w);
            any = true;
        }
        put_long(&w, dur[i].key, dur[i].v);
    }
    if (any) weir_sjw_end_object(&w);

    /* eventTime: sorted keys avg, max, min, watermark; the stats only for a batch that saw
     * event times, the watermark whenever the query has one. */
    if (p->has_event_time || p->has_event_time_stats) {
        weir_sjw_key(&w, "eventTime");
        weir_sjw_begin_object(&w);
        if (p->has_event_time_stats) {
            put_ts(&w, "avg", p->et_avg_ms);
            put_ts(&w, "max", p->et_max_ms);
            put_ts(&w, "min", p->et_min_ms);
        }
        if (p->has_event_time) put_ts(&w, "watermark", p->watermark_ms);
        weir_sjw_end_object(&w);
    }

    weir_sjw_key(&w, "stateOperators");
    weir_sjw_begin_array(&w);
    for (int i = 0; i < p->nstate; i++)
        put_state(&w, &p->state[i]);
    weir_sjw_end_array(&w);

    weir_sjw_key(&w, "sources");
    weir_sjw_begin_array(&w);
    for (int i = 0; i < p->nsources; i++)
        put_source(&w, &p->sources[i], &scratch);
    weir_sjw_end_array(&w);

    weir_sjw_key(&w, "sink");
    weir_sjw_begin_object(&w);
    put_str(&w, "description", p->sink_description);
    put_long(&w, "numOutputRows", p->sink_num_output_rows);
    weir_sjw_end_object(&w);

    weir_sjw_end_object(&w);
    weir_arena_free(&scratch);
}
