/*
 * Which streaming plans can run, with Spark's UnsupportedOperationChecker messages.
 * Stateless operators (projections, filters, generators, windows, unions, stream-static
 * joins) run per micro-batch. Stateful ones (aggregation, DISTINCT, stream-stream joins,
 * limits) arrive with the state store; until then they answer "not supported yet".
 */
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

static int check(const weir_lplan *p, weir_output_mode mode, int *naggs, weir_error *err)
{
    bool streaming = weir_lplan_is_streaming(p);
    if (!streaming) return WEIR_OK;
    for (int i = 0; i < p->nchildren; i++) {
        int rc = check(p->children[i], mode, naggs, err);
        if (rc != WEIR_OK) return rc;
    }
    switch (p->kind) {
    case WEIR_LP_AGG:
    case WEIR_LP_EXPAND:
        (*naggs)++;
        return weir_err(err, WEIR_EUNSUPPORTED,
                        "streaming aggregation (GROUP BY, DISTINCT, aggregate functions) is not "
                        "supported yet");
    case WEIR_LP_SORT:
        return weir_err(
            err, WEIR_EANALYSIS,
            "Sorting is not supported on streaming DataFrames/Datasets, unless it is on "
            "aggregated DataFrame/Dataset in Complete output mode");
    case WEIR_LP_LIMIT:
        if (mode == WEIR_OUTPUT_UPDATE)
            return weir_err(err, WEIR_EANALYSIS,
                            "Limits are not supported on streaming DataFrames/Datasets in Update "
                            "output mode");
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
        return WEIR_OK;
    }
    default: return WEIR_OK;
    }
}

int weir_check_streaming(const weir_lplan *p, weir_output_mode mode, weir_error *err)
{
    int naggs = 0;
    int rc = check(p, mode, &naggs, err);
    if (rc != WEIR_OK) return rc;
    if (mode == WEIR_OUTPUT_COMPLETE && naggs == 0)
        return weir_err(err, WEIR_EANALYSIS,
                        "Complete output mode not supported when there are no streaming "
                        "aggregations on streaming DataFrames/Datasets");
    return WEIR_OK;
}
