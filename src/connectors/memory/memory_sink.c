/*
 * The memory sink (Spark's MemorySink): publishes each batch to the session's memory
 * table named after the query, where SELECT reads it. Append and update add the batch's
 * rows; complete replaces the table. A batch becomes visible only at commit, all at once:
 * rows handed to write() are copied into the sink's batch arena (the driver's batches die
 * with the call) and given to weir_memtable_put together, which ignores a batch id at or
 * below the last one published (Spark's latestBatchId check), so a replay after a restart
 * is harmless. Like Spark's MemoryStreamingWrite, rows are counted even for such a replay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/sinks_internal.h"

typedef struct memory_sink {
    weir_sink base;
    weir_memtable *table;
    bool replace; /* complete mode */
    weir_arena arena;
    const weir_batch **batches;
    int nbatches, capbatches;
    int64_t rows;
} memory_sink;

int weir_memory_sink_check(const weir_sink_args *args, weir_error *err)
{
    if (!args->query_name || !*args->query_name)
        return weir_err(err, WEIR_EANALYSIS, "queryName must be specified for memory sink");
    return WEIR_OK;
}

static void reset_batch(memory_sink *s)
{
    weir_arena_reset(&s->arena);
    s->batches = NULL;
    s->nbatches = s->capbatches = 0;
    s->rows = 0;
}

static int memory_begin(weir_sink *k, int64_t batch_id, bool *skip, weir_error *err)
{
    reset_batch((memory_sink *)k);
    *skip = false;
    return WEIR_OK;
}

static int memory_write(weir_sink *k, const weir_batch *b, weir_error *err)
{
    memory_sink *s = (memory_sink *)k;
    if (b->nrows == 0) return WEIR_OK;
    if (s->nbatches == s->capbatches) {
        int nc = s->capbatches ? s->capbatches * 2 : 8;
        const weir_batch **nv = weir_arena_realloc(
            &s->arena, s->batches, sizeof(*nv) * (size_t)s->capbatches, sizeof(*nv) * (size_t)nc);
        if (!nv) return weir_err_nomem(err);
        s->batches = nv;
        s->capbatches = nc;
    }
    weir_batch *copy = weir_batch_new(&s->arena, b->ncols);
    if (!copy) return weir_err_nomem(err);
    for (int c = 0; c < b->ncols; c++)
        if (!(copy->cols[c] = weir_vec_gather(&s->arena, b->cols[c], NULL, b->nrows)))
            return weir_err_nomem(err);
    copy->nrows = b->nrows;
    s->batches[s->nbatches++] = copy;
    s->rows += b->nrows;
    return WEIR_OK;
}

static int memory_commit(weir_sink *k, int64_t batch_id, int64_t *rows_out, weir_error *err)
{
    memory_sink *s = (memory_sink *)k;
    int rc = weir_memtable_put(s->table, batch_id, s->replace, s->batches, s->nbatches);
    if (rows_out) *rows_out = s->rows;
    reset_batch(s);
    if (rc != WEIR_OK) return weir_err_nomem(err);
    return WEIR_OK;
}

static void memory_abort(weir_sink *k)
{
    reset_batch((memory_sink *)k);
}

static const char *memory_describe(weir_sink *k)
{
    return "MemorySink";
}

static void memory_destroy(weir_sink *k)
{
    memory_sink *s = (memory_sink *)k;
    if (!s) return;
    weir_arena_free(&s->arena);
    free(s);
}

static const weir_sink_vt memory_vt = {
    memory_begin, memory_write, memory_commit, memory_abort, memory_describe, memory_destroy,
};

int weir_memory_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err)
{
    *out = NULL;
    if (!args->memtable)
        return weir_err(err, WEIR_EARG, "the memory sink of %s has no table to write to",
                        args->query_name ? args->query_name : "?");
    memory_sink *s = calloc(1, sizeof(*s));
    if (!s) return weir_err_nomem(err);
    s->base.vt = &memory_vt;
    s->table = args->memtable;
    s->replace = args->mode == WEIR_OUTPUT_COMPLETE;
    weir_arena_init(&s->arena, 0);
    *out = &s->base;
    return WEIR_OK;
}
