/*
 * Which streaming plans can run, with Spark's UnsupportedOperationChecker messages, and
 * the annotations the driver needs: stateful operator ids and which grouping column of a
 * streaming aggregation carries the event time (EventTimeWatermark's delayKey metadata,
 * propagated through projections, filters, joins and windows).
 */
#include <string.h>

#include "plan/logical.h"

bool weir_lplan_is_streaming(const weir_lplan *p)
{
    if (p->kind == WEIR_LP_STREAM_SCAN) return true;
    for (int i = 0; i < p->nchildren; i++)
        if (weir_lplan_is_streaming(p->children[i])) return true;
    return false;
}

static const char *join_name(weir_join_type t)
{
    switch (t) {
    case WEIR_JOIN_LEFT: return "LeftOuter";
    case WEIR_JOIN_RIGHT: return "RightOuter";
    case WEIR_JOIN_FULL: return "FullOuter";
    case WEIR_JOIN_LEFT_SEMI: return "LeftSemi";
    case WEIR_JOIN_LEFT_ANTI: return "LeftAnti";
    default: return "Inner";
    }
}

/* 0: column `col` of p is not an event time; 1: a watermarked timestamp; 2: a window over
 * one (its end is the event time). */
static int event_time_kind(const weir_lplan *p, int col)
{
    switch (p->kind) {
    case WEIR_LP_WATERMARK: return col == p->wm_col ? 1 : event_time_kind(p->children[0], col);
    case WEIR_LP_PROJECT: {
        const weir_expr *e = p->exprs[col];
        while (e->kind == WEIR_EX_CAST && e->implicit)
            e = e->args[0];
        return e->kind == WEIR_EX_COLUMN ? event_time_kind(p->children[0], e->col) : 0;
    }
    case WEIR_LP_FILTER:
    case WEIR_LP_SORT:
    case WEIR_LP_DEDUP:
    case WEIR_LP_LIMIT: return event_time_kind(p->children[0], col);
    case WEIR_LP_WINDOW: {
        int nc = p->children[0]->schema->nfields;
        if (col < nc) return event_time_kind(p->children[0], col);
        const weir_expr *t = p->win_time;
        while (t->kind == WEIR_EX_CAST)
            t = t->args[0];
        return t->kind == WEIR_EX_COLUMN && event_time_kind(p->children[0], t->col) ? 2 : 0;
    }
    case WEIR_LP_GENERATE: {
        int nc = p->children[0]->schema->nfields;
        return col < nc ? event_time_kind(p->children[0], col) : 0;
    }
    case WEIR_LP_JOIN: {
        int nl = p->children[0]->schema->nfields;
        return col < nl ? event_time_kind(p->children[0], col)
                        : event_time_kind(p->children[1], col - nl);
    }
    case WEIR_LP_UNION: {
        int k = event_time_kind(p->children[0], col);
        for (int i = 1; i < p->nchildren; i++)
            if (event_time_kind(p->children[i], col) != k) return 0;
        return k;
    }
    case WEIR_LP_AGG: {
        if (col >= p->ngroups) return 0;
        const weir_expr *g = p->groups[col];
        return g->kind == WEIR_EX_COLUMN ? event_time_kind(p->children[0], g->col) : 0;
    }
    default: return 0;
    }
}

/* The delay of the WATERMARK node an event-time column comes from (-1 if none found). */
static int64_t event_time_delay(const weir_lplan *p, int col)
{
    switch (p->kind) {
    case WEIR_LP_WATERMARK:
        return col == p->wm_col ? p->wm_delay_us : event_time_delay(p->children[0], col);
    case WEIR_LP_PROJECT: {
        const weir_expr *e = p->exprs[col];
        while (e->kind == WEIR_EX_CAST && e->implicit)
            e = e->args[0];
        return e->kind == WEIR_EX_COLUMN ? event_time_delay(p->children[0], e->col) : -1;
    }
    case WEIR_LP_FILTER:
    case WEIR_LP_DEDUP:
    case WEIR_LP_WINDOW:
    case WEIR_LP_GENERATE: return event_time_delay(p->children[0], col);
    case WEIR_LP_JOIN: {
        int nl = p->children[0]->schema->nfields;
        return col < nl ? event_time_delay(p->children[0], col)
                        : event_time_delay(p->children[1], col - nl);
    }
    case WEIR_LP_UNION: return event_time_delay(p->children[0], col);
    default: return -1;
    }
}

typedef struct prep {
    weir_output_mode mode;
    int naggs;
    int nstates;
    bool sorted_after_agg;
} prep;

static int check(weir_lplan *p, prep *st, weir_error *err)
{
    if (!weir_lplan_is_streaming(p)) return WEIR_OK;
    for (int i = 0; i < p->nchildren; i++) {
        int rc = check(p->children[i], st, err);
        if (rc != WEIR_OK) return rc;
    }
    switch (p->kind) {
    case WEIR_LP_AGG:
        st->naggs++;
        if (st->naggs > 1)
            return weir_err(err, WEIR_EANALYSIS,
                            "Multiple streaming aggregations are not supported with streaming "
                            "DataFrames/Datasets");
        /* count(DISTINCT ...) runs exactly with its distinct set in the state (weir
         * extension); other DISTINCT aggregates are refused as Spark refuses them all */
        for (int j = 0; j < p->naggs; j++) {
            weir_expr *e = p->aggs[j];
            if (!e->distinct) continue;
            if (strcmp(e->fn->name, "count") != 0)
                return weir_err(err, WEIR_EANALYSIS,
                                "Distinct aggregations are not supported on streaming "
                                "DataFrames/Datasets. Consider using approx_count_distinct() "
                                "instead.");
            e->fn = &weir_func_count_distinct;
            e->distinct = false;
        }
        p->state_id = st->nstates++;
        p->event_time_group = -1;
        for (int g = 0; g < p->ngroups; g++) {
            const weir_expr *e = p->groups[g];
            int k = e->kind == WEIR_EX_COLUMN ? event_time_kind(p->children[0], e->col) : 0;
            if (k) {
                p->event_time_group = g;
                p->event_time_is_window = k == 2;
                break;
            }
        }
        if (st->mode == WEIR_OUTPUT_APPEND && p->event_time_group < 0)
            return weir_err(err, WEIR_EANALYSIS,
                            "Append output mode not supported when there are streaming "
                            "aggregations on streaming DataFrames/DataSets without watermark");
        return WEIR_OK;
    case WEIR_LP_DEDUP: {
        p->state_id = st->nstates++;
        const weir_lplan *c = p->children[0];
        if (p->within_watermark) {
            for (int i = 0; i < c->schema->nfields && p->dedup_et_col < 0; i++)
                if (event_time_kind(c, i) == 1) {
                    p->dedup_et_col = i;
                    p->dedup_delay_us = event_time_delay(c, i);
                }
            if (p->dedup_et_col < 0)
                return weir_err(err, WEIR_EANALYSIS,
                                "DISTINCT ON ... WITHIN WATERMARK (dropDuplicatesWithinWatermark) "
                                "needs a WATERMARK on the stream's event time");
        } else {
            for (int k = 0; k < p->ndedup_keys && p->dedup_et_key < 0; k++) {
                const weir_expr *e = p->dedup_keys[k];
                if (e->kind == WEIR_EX_COLUMN && event_time_kind(c, e->col) == 1)
                    p->dedup_et_key = k;
            }
        }
        return WEIR_OK;
    }
    case WEIR_LP_EXPAND: return WEIR_OK;
    case WEIR_LP_SORT:
        if (st->naggs == 0 || st->mode != WEIR_OUTPUT_COMPLETE)
            return weir_err(err, WEIR_EANALYSIS,
                            "Sorting is not supported on streaming DataFrames/Datasets, unless it "
                            "is on aggregated DataFrame/Dataset in Complete output mode");
        return WEIR_OK;
    case WEIR_LP_LIMIT:
        if (st->mode == WEIR_OUTPUT_UPDATE)
            return weir_err(err, WEIR_EANALYSIS,
                            "Limits are not supported on streaming DataFrames/Datasets in Update "
                            "output mode");
        if (st->naggs && st->mode == WEIR_OUTPUT_COMPLETE) return WEIR_OK;
        return weir_err(err, WEIR_EUNSUPPORTED, "LIMIT on a streaming query is not supported yet");
    case WEIR_LP_JOIN: {
        bool ls = weir_lplan_is_streaming(p->children[0]);
        bool rs = weir_lplan_is_streaming(p->children[1]);
        weir_join_type t = p->join_type;
        if (ls && rs)
            return weir_err(err, WEIR_EUNSUPPORTED, "stream-stream joins are not supported yet");
        if (ls && (t == WEIR_JOIN_RIGHT || t == WEIR_JOIN_FULL))
            return weir_err(err, WEIR_EANALYSIS,
                            "%s join with a streaming DataFrame/Dataset on the left and a static "
                            "DataFrame/DataSet on the right is not supported",
                            join_name(t));
        if (rs && t != WEIR_JOIN_INNER && t != WEIR_JOIN_RIGHT)
            return weir_err(err, WEIR_EANALYSIS,
                            "%s join with a streaming DataFrame/Dataset on the right and a static "
                            "DataFrame/DataSet on the left is not supported",
                            join_name(t));
        if (st->naggs)
            return weir_err(err, WEIR_EUNSUPPORTED,
                            "a join after a streaming aggregation is not supported yet");
        return WEIR_OK;
    }
    default: return WEIR_OK;
    }
}

int weir_check_streaming(weir_lplan *p, weir_output_mode mode, int *nstates, weir_error *err)
{
    prep st = {mode, 0, 0, false};
    int rc = check(p, &st, err);
    if (rc != WEIR_OK) return rc;
    if (mode == WEIR_OUTPUT_COMPLETE && st.naggs == 0)
        return weir_err(err, WEIR_EANALYSIS,
                        "Complete output mode not supported when there are no streaming "
                        "aggregations on streaming DataFrames/Datasets");
    *nstates = st.nstates;
    return WEIR_OK;
}
