/*
 * Leaf operators fed from outside the plan: the rows of a streaming source in the current
 * micro-batch (pulled through the driver's callback), and a snapshot of a memory table.
 */
#include "exec/op.h"

static int stream_scan_next(weir_op *op, weir_batch **out)
{
    *out = NULL;
    if (!op->ctx->stream_next)
        return weir_err(op->ctx->err, WEIR_EANALYSIS,
                        "Queries with streaming sources must be executed with "
                        "writeStream.start();");
    weir_arena_reset(&op->out);
    return op->ctx->stream_next(op->ctx->stream_user, op->plan->source, &op->out, out,
                                op->ctx->err);
}

static const weir_op_vtab stream_scan_vt = {"StreamingScan", stream_scan_next, NULL};

int weir_op_stream_scan_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out)
{
    *out = weir_op_alloc(sizeof(weir_op), &stream_scan_vt, p, ctx, 0);
    return *out ? WEIR_OK : weir_err_nomem(ctx->err);
}

typedef struct {
    weir_op base;
    bool done;
} memtable_op;

static int memtable_next(weir_op *op, weir_batch **out)
{
    memtable_op *m = (memtable_op *)op;
    *out = NULL;
    if (m->done) return WEIR_OK;
    m->done = true;
    int rc = op->plan->snapshot(op->plan->memtable, &op->out, out);
    if (rc != WEIR_OK) return weir_err_nomem(op->ctx->err);
    if (*out && (*out)->nrows == 0) *out = NULL;
    return WEIR_OK;
}

static const weir_op_vtab memtable_vt = {"MemoryTableScan", memtable_next, NULL};

int weir_op_memtable_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op **out)
{
    *out = weir_op_alloc(sizeof(memtable_op), &memtable_vt, p, ctx, 0);
    return *out ? WEIR_OK : weir_err_nomem(ctx->err);
}

/* ---- withWatermark ----------------------------------------------------------------- */

/* Passes rows through and records the largest event time of the batch (and the eventTime
 * statistics of progress reports). */
static int watermark_next(weir_op *op, weir_batch **out)
{
    int rc = weir_op_next(op->children[0], out);
    if (rc != WEIR_OK || !*out) return rc;
    weir_stream_exec *sx = op->ctx->stream;
    const weir_vec *v = (*out)->cols[op->plan->wm_col];
    if (!sx || !v || v->type->id != WEIR_T_TIMESTAMP) return WEIR_OK;
    const int64_t *t = v->data;
    int64_t mx = sx->wm_max_us[op->plan->wm_id], mn = sx->et_min_us, cnt = 0;
    int64_t emx = sx->et_max_us;
    double sum = 0;
    for (int32_t i = 0; i < (*out)->nrows; i++) {
        /* a NULL event time counts as the epoch, as Spark's EventTimeWatermarkExec reads it */
        int64_t x = weir_vec_is_null(v, i) ? 0 : t[i];
        if (x > mx) mx = x;
        if (x > emx) emx = x;
        if (x < mn) mn = x;
        sum += (double)x;
        cnt++;
    }
    sx->wm_max_us[op->plan->wm_id] = mx;
    sx->et_min_us = mn;
    sx->et_max_us = emx;
    sx->et_sum_us += sum;
    sx->et_count += cnt;
    return WEIR_OK;
}

static const weir_op_vtab watermark_vt = {"EventTimeWatermark", watermark_next, NULL};

int weir_op_watermark_new(weir_exec_ctx *ctx, const weir_lplan *p, weir_op *child, weir_op **out)
{
    *out = weir_op_alloc(sizeof(weir_op), &watermark_vt, p, ctx, 1);
    if (!*out) return weir_err_nomem(ctx->err);
    (*out)->children[0] = child;
    return WEIR_OK;
}
