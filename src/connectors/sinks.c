/*
 * The streaming sink registry: maps a CREATE STREAMING TABLE ... USING <format> name to
 * its sink, and validates the writer options up front with the messages Spark's
 * DataStreamWriter.start / DataSource.createSink raise, so a bad sink fails when the
 * query is created rather than at its first batch.
 *
 * Name lookup follows Spark: registered short names ("console", "noop", "json", "csv",
 * "text") match case-insensitively (DataSourceRegister.shortName().equalsIgnoreCase);
 * the memory sink is matched by DataStreamWriter with ==, but weir's session matches
 * USING memory case-insensitively when it creates the table, so the registry does too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/sinks_internal.h"

/* ---- option helpers ------------------------------------------------------------------ */

int weir_sink_opt_int(const weir_kv *opts, int nopts, const char *key, int dflt, int *out,
                      weir_error *err)
{
    const char *v = weir_opt_get(opts, nopts, key);
    *out = dflt;
    if (!v) return WEIR_OK;
    const char *p = v;
    bool neg = false;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (!*p) goto bad;
    int64_t acc = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') goto bad;
        acc = acc * 10 + (*p - '0');
        if (acc > (int64_t)INT32_MAX + 1) goto bad;
    }
    if (neg) acc = -acc;
    if (acc > INT32_MAX || acc < INT32_MIN) goto bad;
    *out = (int)acc;
    return WEIR_OK;
bad:
    return weir_err(err, WEIR_EARG, "For input string: \"%s\"", v);
}

int weir_sink_opt_bool(const weir_kv *opts, int nopts, const char *key, bool dflt, bool *out,
                       weir_error *err)
{
    const char *v = weir_opt_get(opts, nopts, key);
    *out = dflt;
    if (!v) return WEIR_OK;
    if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0)
        *out = false;
    else
        return weir_err(err, WEIR_EARG, "%s is not a boolean string.", v);
    return WEIR_OK;
}

const char *weir_output_mode_name(weir_output_mode m)
{
    switch (m) {
    case WEIR_OUTPUT_UPDATE: return "Update";
    case WEIR_OUTPUT_COMPLETE: return "Complete";
    default: return "Append";
    }
}

unsigned weir_sink_identity_hash(const void *p)
{
    /* Java prints a 31-bit identity hash in hex; mix the address into one. */
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (unsigned)(x & 0x7fffffffu);
}

/* ---- registry -------------------------------------------------------------------------- */

typedef enum sink_kind {
    SINK_UNKNOWN,
    SINK_CONSOLE,
    SINK_MEMORY,
    SINK_FILE,
    SINK_NOOP,
    SINK_READ_ONLY,   /* a source Spark cannot write to: socket, rate */
    SINK_UNAVAILABLE, /* a Spark sink weir does not implement here */
} sink_kind;

static sink_kind kind_of(const char *f)
{
    if (!f) return SINK_UNKNOWN;
    if (strcasecmp(f, "console") == 0) return SINK_CONSOLE;
    if (strcasecmp(f, "memory") == 0) return SINK_MEMORY;
    if (strcasecmp(f, "noop") == 0) return SINK_NOOP;
    if (weir_format_lookup(f)) return SINK_FILE;
    if (strcasecmp(f, "socket") == 0 || strcasecmp(f, "rate") == 0 ||
        strcasecmp(f, "rate-micro-batch") == 0)
        return SINK_READ_ONLY;
    static const char *const later[] = {"kafka",   "jdbc", "foreach", "foreachBatch",
                                        "parquet", "orc",  "avro",    NULL};
    for (int i = 0; later[i]; i++)
        if (strcasecmp(f, later[i]) == 0) return SINK_UNAVAILABLE;
    return SINK_UNKNOWN;
}

int weir_sink_check(const weir_sink_args *args, weir_error *err)
{
    const char *f = args->format ? args->format : "";
    switch (kind_of(args->format)) {
    case SINK_CONSOLE: return weir_console_sink_check(args, err);
    case SINK_MEMORY: return weir_memory_sink_check(args, err);
    case SINK_FILE: return weir_file_sink_check(args, err);
    case SINK_NOOP: return WEIR_OK; /* every output mode, any schema */
    case SINK_READ_ONLY:
        return weir_err(err, WEIR_EANALYSIS, "Data source %s does not support streamed writing.",
                        f);
    case SINK_UNAVAILABLE:
        return weir_err(err, WEIR_EUNSUPPORTED, "The %s sink is not supported by weir yet.", f);
    default:
        return weir_err(err, WEIR_EANALYSIS,
                        "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: %s. Please find "
                        "packages at `https://spark.apache.org/third-party-projects.html`.",
                        f);
    }
}

int weir_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err)
{
    *out = NULL;
    int rc = weir_sink_check(args, err);
    if (rc != WEIR_OK) return rc;
    switch (kind_of(args->format)) {
    case SINK_CONSOLE: return weir_console_sink_create(args, out, err);
    case SINK_MEMORY: return weir_memory_sink_create(args, out, err);
    case SINK_FILE: return weir_file_sink_create(args, out, err);
    case SINK_NOOP: return weir_noop_sink_create(args, out, err);
    default: return weir_err(err, WEIR_EUNSUPPORTED, "unknown sink %s", args->format);
    }
}
