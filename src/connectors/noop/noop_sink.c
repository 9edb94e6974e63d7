/*
 * The noop sink (Spark's NoopTable): runs the query for its side effects and timing and
 * throws the rows away, counting them for the progress report. Accepts any schema and
 * every output mode.
 */
#include <stdio.h>
#include <stdlib.h>

#include "connectors/sinks_internal.h"

typedef struct noop_sink {
    weir_sink base;
    int64_t rows;
    char describe[96];
} noop_sink;

static int noop_begin(weir_sink *k, int64_t batch_id, bool *skip, weir_error *err)
{
    ((noop_sink *)k)->rows = 0;
    *skip = false;
    return WEIR_OK;
}

static int noop_write(weir_sink *k, const weir_batch *b, weir_error *err)
{
    ((noop_sink *)k)->rows += b->nrows;
    return WEIR_OK;
}

static int noop_commit(weir_sink *k, int64_t batch_id, int64_t *rows_out, weir_error *err)
{
    if (rows_out) *rows_out = ((noop_sink *)k)->rows;
    return WEIR_OK;
}

static void noop_abort(weir_sink *k)
{
    ((noop_sink *)k)->rows = 0;
}

static const char *noop_describe(weir_sink *k)
{
    return ((noop_sink *)k)->describe;
}

static void noop_destroy(weir_sink *k)
{
    free(k);
}

static const weir_sink_vt noop_vt = {
    noop_begin, noop_write, noop_commit, noop_abort, noop_describe, noop_destroy,
};

int weir_noop_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err)
{
    noop_sink *s = calloc(1, sizeof(*s));
    if (!s) return weir_err_nomem(err);
    s->base.vt = &noop_vt;
    snprintf(s->describe, sizeof s->describe,
             "org.apache.spark.sql.execution.datasources.noop.NoopTable$@%x",
             weir_sink_identity_hash(s));
    *out = &s->base;
    return WEIR_OK;
}
