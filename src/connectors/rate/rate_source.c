/*
 * The rate source (Spark's RateStreamProvider + RateStreamMicroBatchStream): rows
 * (timestamp, value) generated from the query clock. Offsets are whole seconds since the
 * source's creation time, which is recorded once in the source's metadata log (file "0":
 * "v1\n<ms>") so a restarted query regenerates exactly the same rows for the same offsets.
 * Values follow valueAtSecond (with the linear ramp-up) and each row's timestamp is spread
 * evenly over its batch's seconds, both computed exactly as Spark computes them, so a given
 * clock advance yields Spark's rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/src_internal.h"

typedef struct rate_opts {
    int64_t rows_per_second;
    int64_t ramp_up_seconds;
    int32_t num_partitions; /* 1 when not given: Spark's default parallelism is unknowable */
    const char *num_partitions_raw;
} rate_opts;

typedef struct rate_source {
    weir_source base;
    weir_arena arena;
    rate_opts o;
    weir_clock *clock;
    int64_t creation_ms;
    int64_t last_ms;
    int64_t max_seconds;
    char *desc;
} rate_source;

typedef struct rate_reader {
    rate_source *src;
    int64_t range_start, range_end, local_start_ms;
    double rel_ms_per_value;
    int32_t part;  /* current partition */
    int64_t count; /* rows produced in the current partition */
} rate_reader;

static int parse_opts(const weir_source_args *args, rate_opts *o, weir_error *err)
{
    const char *v = weir_opt_get(args->opts, args->nopts, "rowsPerSecond");
    o->rows_per_second = 1;
    if (v && !weir_src_parse_i64(v, &o->rows_per_second)) return weir_src_number_error(err, v);
    if (o->rows_per_second <= 0)
        return weir_err(err, WEIR_EARG,
                        "Invalid value '%lld'. The option 'rowsPerSecond' must be positive",
                        (long long)o->rows_per_second);
    v = weir_opt_get(args->opts, args->nopts, "rampUpTime");
    o->ramp_up_seconds = 0;
    if (v) {
        int rc = weir_src_time_string(v, WEIR_SRC_SEC, &o->ramp_up_seconds, err);
        if (rc != WEIR_OK) return rc;
    }
    if (o->ramp_up_seconds < 0)
        return weir_err(err, WEIR_EARG,
                        "Invalid value '%lld'. The option 'rampUpTime' must not be negative",
                        (long long)o->ramp_up_seconds);
    v = weir_opt_get(args->opts, args->nopts, "numPartitions");
    o->num_partitions_raw = v;
    o->num_partitions = 1;
    if (v && !weir_src_parse_i32(v, &o->num_partitions)) return weir_src_number_error(err, v);
    if (o->num_partitions <= 0)
        return weir_err(err, WEIR_EARG,
                        "Invalid value '%d'. The option 'numPartitions' must be positive",
                        o->num_partitions);
    return WEIR_OK;
}

static const weir_type *rate_schema(weir_arena *a)
{
    weir_field f[2] = {{"timestamp", WEIR_TYPE_TIMESTAMP, true}, {"value", WEIR_TYPE_BIGINT, true}};
    return weir_type_struct(a, f, 2);
}

int weir_src_rate_schema(const weir_source_args *args, weir_arena *a, const weir_type **schema,
                         weir_error *err)
{
    if (args->schema)
        return weir_err(err, WEIR_EANALYSIS,
                        "RateStreamProvider source does not support user-specified schema.");
    rate_opts o;
    int rc = parse_opts(args, &o, err);
    if (rc != WEIR_OK) return rc;
    if (!(*schema = rate_schema(a))) return weir_err_nomem(err);
    return WEIR_OK;
}

/* valueAtSecond: the first value not yet emitted at `seconds` (ramp-up is linear in speed). */
static int64_t value_at_second(int64_t seconds, int64_t rps, int64_t ramp)
{
    int64_t delta = rps / (ramp + 1);
    if (seconds <= ramp) {
        if (seconds % 2 == 1) return (seconds + 1) / 2 * delta * seconds;
        return seconds / 2 * delta * (seconds + 1);
    }
    int64_t ramp_part = value_at_second(ramp, rps, ramp);
    return ramp_part + (seconds - ramp) * rps;
}

static bool parse_offset(const char *s, int64_t *out)
{
    if (!s) return false;
    while (*s == ' ')
        s++;
    char buf[32];
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        n--;
    if (n == 0 || n >= sizeof(buf)) return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    return weir_src_parse_i64(buf, out);
}

static int rate_latest(weir_source *s, const char *start, weir_arena *a, const char **out,
                       weir_error *err)
{
    rate_source *r = (rate_source *)s;
    int64_t now = weir_clock_now_ms(r->clock);
    if (r->last_ms < now) r->last_ms = now;
    *out = weir_arena_sprintf(a, "%lld", (long long)((r->last_ms - r->creation_ms) / 1000));
    return *out ? WEIR_OK : weir_err_nomem(err);
}

static int rate_open(weir_source *s, const char *start, const char *end, weir_source_reader **out,
                     weir_error *err)
{
    rate_source *r = (rate_source *)s;
    *out = NULL;
    int64_t ss = 0, es;
    if (start && !parse_offset(start, &ss)) return weir_src_number_error(err, start);
    if (!parse_offset(end, &es)) return weir_src_number_error(err, end);
    if (ss > es)
        return weir_err(err, WEIR_ERUNTIME,
                        "assertion failed: startSeconds(%lld) > endSeconds(%lld)", (long long)ss,
                        (long long)es);
    if (es > r->max_seconds)
        return weir_err(err, WEIR_ERUNTIME,
                        "Integer overflow. Max offset with %lld rowsPerSecond is %lld, but it's "
                        "%lld now.",
                        (long long)r->o.rows_per_second, (long long)r->max_seconds, (long long)es);
    /* recovery: never report an offset behind one already planned */
    if (r->last_ms < es * 1000 + r->creation_ms) r->last_ms = es * 1000 + r->creation_ms;
    rate_reader *rd = calloc(1, sizeof(*rd));
    if (!rd) return weir_err_nomem(err);
    rd->src = r;
    rd->range_start = value_at_second(ss, r->o.rows_per_second, r->o.ramp_up_seconds);
    rd->range_end = value_at_second(es, r->o.rows_per_second, r->o.ramp_up_seconds);
    rd->local_start_ms = r->creation_ms + ss * 1000;
    if (rd->range_end > rd->range_start)
        rd->rel_ms_per_value =
            (double)((es - ss) * 1000) / (double)(rd->range_end - rd->range_start);
    *out = (weir_source_reader *)rd;
    return WEIR_OK;
}

static int rate_next(weir_source_reader *rr, weir_arena *a, weir_batch **out, weir_error *err)
{
    rate_reader *rd = (rate_reader *)rr;
    rate_source *r = rd->src;
    *out = NULL;
    int32_t np = r->o.num_partitions;
    int64_t total = rd->range_end - rd->range_start;
    if (total <= 0) return WEIR_OK;
    /* Rows come partition by partition (partition p holds start+p, start+p+np, ...), the order
     * Spark's readers hand them to the sink. */
    int64_t vals[WEIR_BATCH_ROWS];
    int32_t n = 0;
    while (n < WEIR_BATCH_ROWS && rd->part < np) {
        int64_t v = rd->range_start + rd->part + (int64_t)np * rd->count;
        if (v >= rd->range_end) {
            rd->part++;
            rd->count = 0;
            continue;
        }
        vals[n++] = v;
        rd->count++;
    }
    if (n == 0) return WEIR_OK;
    weir_batch *b = weir_batch_for_schema(a, r->base.schema, n);
    if (!b) return weir_err_nomem(err);
    int64_t *ts = WEIR_VEC_DATA(b->cols[0], int64_t);
    int64_t *vv = WEIR_VEC_DATA(b->cols[1], int64_t);
    for (int32_t i = 0; i < n; i++) {
        /* Math.round: floor(x + 0.5) */
        int64_t rel =
            (int64_t)floor((double)(vals[i] - rd->range_start) * rd->rel_ms_per_value + 0.5);
        ts[i] = (rel + rd->local_start_ms) * 1000;
        vv[i] = vals[i];
    }
    b->cols[0]->len = n;
    b->cols[1]->len = n;
    b->nrows = n;
    *out = b;
    return WEIR_OK;
}

static void rate_close_reader(weir_source_reader *rr)
{
    free(rr);
}

static int rate_commit(weir_source *s, const char *end, weir_error *err)
{
    return WEIR_OK;
}

static const char *rate_describe(weir_source *s)
{
    return ((rate_source *)s)->desc;
}

static void rate_destroy(weir_source *s)
{
    if (!s) return;
    rate_source *r = (rate_source *)s;
    weir_arena_free(&r->arena);
    free(r);
}

/* no prepare(): for 'once'/'availableNow' the driver fixes the end offset at start */
static const weir_source_vt rate_vt = {rate_latest, rate_open,     rate_next,    rate_close_reader,
                                       rate_commit, rate_describe, rate_destroy, NULL};

/* The creation time from the metadata log, or now (then recorded). */
static int creation_time(const weir_source_args *args, weir_clock *clock, int64_t *out,
                         weir_error *err)
{
    if (!args->metadata_dir) {
        *out = weir_clock_now_ms(clock);
        return WEIR_OK;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/0", args->metadata_dir);
    char *data;
    size_t len;
    bool missing;
    int rc = weir_src_read_file(path, &data, &len, &missing, err);
    if (rc != WEIR_OK) return rc;
    if (!missing) {
        const char *nl = strchr(data, '\n');
        int64_t v;
        bool ok = data[0] == 'v' && nl && nl > data + 1;
        if (ok) {
            int64_t ver;
            char vb[24];
            size_t vl = (size_t)(nl - data - 1);
            if (vl >= sizeof(vb)) vl = sizeof(vb) - 1;
            memcpy(vb, data + 1, vl);
            vb[vl] = 0;
            if (!weir_src_parse_i64(vb, &ver) || ver <= 0) {
                free(data);
                return weir_err(err, WEIR_ERUNTIME,
                                "Log file was malformed: failed to read correct log version from "
                                "v%s.",
                                vb);
            }
            if (ver > 1) {
                free(data);
                return weir_err(err, WEIR_ERUNTIME,
                                "UnsupportedLogVersion: maximum supported log version is v1, but "
                                "encountered v%lld. The log file was produced by a newer version "
                                "of Spark and cannot be read by this version. Please upgrade.",
                                (long long)ver);
            }
        }
        if (!ok || !parse_offset(nl + 1, &v)) {
            free(data);
            return weir_err(err, WEIR_ERUNTIME,
                            "Log file was malformed: failed to detect the log file version line.");
        }
        free(data);
        *out = v;
        return WEIR_OK;
    }
    int64_t now = weir_clock_now_ms(clock);
    rc = weir_src_mkdirs(args->metadata_dir, err);
    if (rc != WEIR_OK) return rc;
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "v1\n%lld", (long long)now);
    bool existed;
    rc = weir_src_write_once(args->metadata_dir, "0", buf, (size_t)n, &existed, err);
    if (rc != WEIR_OK) return rc;
    if (existed) return creation_time(args, clock, out, err); /* another writer won */
    *out = now;
    return WEIR_OK;
}

int weir_src_rate_create(const weir_source_args *args, weir_source **out, weir_error *err)
{
    *out = NULL;
    if (!args->clock) return weir_err(err, WEIR_EARG, "the rate source needs the query clock");
    rate_source *r = calloc(1, sizeof(*r));
    if (!r) return weir_err_nomem(err);
    weir_arena_init(&r->arena, 4096);
    r->base.vt = &rate_vt;
    r->clock = args->clock;
    int rc = weir_src_rate_schema(args, &r->arena, &r->base.schema, err);
    if (rc == WEIR_OK) rc = parse_opts(args, &r->o, err);
    if (rc != WEIR_OK) {
        rate_destroy(&r->base);
        return rc;
    }
    if (r->o.num_partitions_raw &&
        !(r->o.num_partitions_raw = weir_arena_strdup(&r->arena, r->o.num_partitions_raw))) {
        rate_destroy(&r->base);
        return weir_err_nomem(err);
    }
    r->max_seconds = INT64_MAX / r->o.rows_per_second;
    if (r->o.ramp_up_seconds > r->max_seconds) {
        rc = weir_err(err, WEIR_EARG,
                      "Integer overflow. Max offset with %lld rowsPerSecond is %lld, but "
                      "'rampUpTimeSeconds' is %lld.",
                      (long long)r->o.rows_per_second, (long long)r->max_seconds,
                      (long long)r->o.ramp_up_seconds);
        rate_destroy(&r->base);
        return rc;
    }
    rc = creation_time(args, args->clock, &r->creation_ms, err);
    if (rc != WEIR_OK) {
        rate_destroy(&r->base);
        return rc;
    }
    r->last_ms = r->creation_ms;
    r->desc = weir_arena_sprintf(&r->arena,
                                 "RateStreamV2[rowsPerSecond=%lld, rampUpTimeSeconds=%lld, "
                                 "numPartitions=%s",
                                 (long long)r->o.rows_per_second, (long long)r->o.ramp_up_seconds,
                                 r->o.num_partitions_raw ? r->o.num_partitions_raw : "default");
    if (!r->desc) {
        rate_destroy(&r->base);
        return weir_err_nomem(err);
    }
    *out = &r->base;
    return WEIR_OK;
}
