/*
 * The streaming source registry: maps a view's format name to its source, the way Spark's
 * DataSource.lookupDataSource maps readStream.format(...) to a provider (short names are
 * case-insensitive). Formats that exist only as sinks, or that weir does not provide, fail
 * with the errors Spark gives for them.
 */
#include <strings.h>

#include "connectors/src_internal.h"

typedef struct source_entry {
    const char *name;
    int (*schema)(const weir_source_args *, weir_arena *, const weir_type **, weir_error *);
    int (*create)(const weir_source_args *, weir_source **, weir_error *);
} source_entry;

static const source_entry entries[] = {
    {"json", weir_src_file_schema, weir_src_file_create},
    {"csv", weir_src_file_schema, weir_src_file_create},
    {"text", weir_src_file_schema, weir_src_file_create},
    {"socket", weir_src_socket_schema, weir_src_socket_create},
    {"rate", weir_src_rate_schema, weir_src_rate_create},
};

/* Spark's sink-only providers: found, but without streamed reading. */
static const char *const sink_only[] = {"console", "memory", "noop", "foreach", "foreachBatch"};

/* Spark data sources weir does not provide as streaming sources (yet). */
static const char *const not_here[] = {"kafka", "parquet", "orc",
                                       "avro",  "jdbc",    "rate-micro-batch"};

static int lookup(const weir_source_args *args, const source_entry **out, weir_error *err)
{
    const char *f = args->format ? args->format : "";
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        if (strcasecmp(f, entries[i].name) == 0) {
            *out = &entries[i];
            return WEIR_OK;
        }
    }
    for (size_t i = 0; i < sizeof(sink_only) / sizeof(sink_only[0]); i++)
        if (strcasecmp(f, sink_only[i]) == 0)
            return weir_err(err, WEIR_EANALYSIS, "Data source %s does not support streamed reading",
                            f);
    for (size_t i = 0; i < sizeof(not_here) / sizeof(not_here[0]); i++)
        if (strcasecmp(f, not_here[i]) == 0)
            return weir_err(err, WEIR_EUNSUPPORTED, "the %s streaming source is not supported", f);
    return weir_err(err, WEIR_EANALYSIS,
                    "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: %s. Please find "
                    "packages at `https://spark.apache.org/third-party-projects.html`.",
                    f);
}

int weir_source_schema(const weir_source_args *args, weir_arena *a, const weir_type **schema,
                       weir_error *err)
{
    *schema = NULL;
    const source_entry *e;
    int rc = lookup(args, &e, err);
    if (rc != WEIR_OK) return rc;
    return e->schema(args, a, schema, err);
}

int weir_source_create(const weir_source_args *args, weir_source **out, weir_error *err)
{
    *out = NULL;
    const source_entry *e;
    int rc = lookup(args, &e, err);
    if (rc != WEIR_OK) return rc;
    return e->create(args, out, err);
}
