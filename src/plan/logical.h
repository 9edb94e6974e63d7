/*
 * Logical plans: what a query computes, as a tree of relational nodes each carrying its
 * output schema (a STRUCT type; field names are Spark's output column names). Built by the
 * binder (binder.c) from the AST, read-only afterwards; execution state lives in a
 * parallel tree of operators (exec/op.h), PostgreSQL style.
 * Column references inside a node's expressions are indexes into the node's input:
 * for joins, the left input's columns followed by the right input's.
 */
#ifndef WEIR_PLAN_LOGICAL_H
#define WEIR_PLAN_LOGICAL_H

#include "plan/expr.h"
#include "sql/ast.h"

typedef struct weir_lplan weir_lplan;

/* Output mode of a streaming query (Spark's OutputMode). */
typedef enum weir_output_mode {
    WEIR_OUTPUT_APPEND,
    WEIR_OUTPUT_UPDATE,
    WEIR_OUTPUT_COMPLETE,
} weir_output_mode;

typedef enum weir_lplan_kind {
    WEIR_LP_SCAN,        /* file source: format, files, data schema, want mask */
    WEIR_LP_VALUES,      /* inline rows, already evaluated: values batch */
    WEIR_LP_RANGE,       /* range(start, end, step): id BIGINT */
    WEIR_LP_PROJECT,     /* exprs */
    WEIR_LP_FILTER,      /* cond */
    WEIR_LP_AGG,         /* groups then aggs; output = group columns, then aggregate columns */
    WEIR_LP_EXPAND,      /* GROUPING SETS: one copy of each row per set, grouping id appended */
    WEIR_LP_SORT,        /* keys */
    WEIR_LP_LIMIT,       /* limit, offset */
    WEIR_LP_UNION,       /* UNION ALL of children (same column count, coerced types) */
    WEIR_LP_JOIN,        /* join_type, equi keys (lkeys[i] = rkeys[i]), residual condition */
    WEIR_LP_GENERATE,    /* child columns + generated columns */
    WEIR_LP_EMPTY,       /* one row, no columns (SELECT without FROM) */
    WEIR_LP_WINDOW,      /* child columns + `window` STRUCT<start, end>: one row per window */
    WEIR_LP_STREAM_SCAN, /* the current micro-batch's rows of streaming source `source` */
    WEIR_LP_MEMTABLE,    /* a snapshot of a memory-sink table */
    WEIR_LP_WATERMARK,   /* withWatermark(wm_col, delay): passes rows, tracks max event time */
    WEIR_LP_DEDUP,       /* DISTINCT ON (keys) [WITHIN WATERMARK]: first row per key */
} weir_lplan_kind;

typedef struct weir_sort_key {
    weir_expr *expr;
    bool desc;
    bool nulls_first;
} weir_sort_key;

typedef enum weir_gen_kind {
    WEIR_GEN_EXPLODE,
    WEIR_GEN_POSEXPLODE,
    WEIR_GEN_INLINE,
} weir_gen_kind;

struct weir_lplan {
    weir_lplan_kind kind;
    const weir_type *schema; /* STRUCT of output columns */
    weir_lplan **children;
    int nchildren;

    /* SCAN */
    const char *format;
    const char **files;
    int nfiles;
    const weir_type *data_schema; /* the full schema of the files */
    bool *want;                   /* per data_schema field: read it (projection push-down) */
    const void *options;          /* weir_kv array (formats/formats.h) */
    int noptions;

    /* VALUES */
    weir_batch *values;

    /* STREAM_SCAN: index into the query's stream refs */
    int source;
    /* WATERMARK: the event-time column (input index), the delay, and the node's index among
     * the query's watermark nodes */
    int wm_col;
    int64_t wm_delay_us;
    int wm_id;
    /* AGG / WATERMARK in a streaming query: the stateful operator's id (state/<id>/), -1 for
     * a batch aggregate */
    int state_id;
    /* DEDUP: keys over the input; within_watermark: dropDuplicatesWithinWatermark, whose
     * state expires at event time + the watermark delay (dedup_et_col, dedup_delay_us) */
    weir_expr **dedup_keys;
    int ndedup_keys;
    bool within_watermark;
    int dedup_et_col; /* input column of the event time (within watermark), or -1 */
    int dedup_et_key; /* plain dedup: the key holding the event time, or -1 */
    int64_t dedup_delay_us;
    /* AGG in a streaming query: the group column holding the event time (a timestamp, or a
     * window struct whose end is compared), -1 when the key has none */
    int event_time_group;
    bool event_time_is_window;
    /* MEMTABLE */
    void *memtable;
    int (*snapshot)(void *memtable, weir_arena *a, weir_batch **out);

    /* RANGE */
    int64_t range_start, range_end, range_step;

    /* PROJECT: exprs (nexprs = schema->nfields) */
    weir_expr **exprs;
    int nexprs;

    /* FILTER / JOIN residual */
    weir_expr *cond;

    /* AGG */
    weir_expr **groups;
    int ngroups;
    weir_expr **aggs; /* WEIR_EX_AGG nodes over the input columns */
    int naggs;

    /* EXPAND: sets[i][k] says whether group column k is kept in set i; group columns are
     * the first ngroups input columns of an appended projection. */
    bool **sets;
    int nsets;

    /* SORT */
    weir_sort_key *keys;
    int nkeys;

    /* LIMIT */
    int64_t limit; /* -1: none */
    int64_t offset;

    /* JOIN */
    weir_join_type join_type;
    weir_expr **lkeys, **rkeys; /* over the left input / the right input respectively */
    int nkeys_eq;
    bool *null_safe; /* per equi key: <=> */

    /* WINDOW: window(win_time, length, slide, start), all in microseconds */
    weir_expr *win_time;
    int64_t win_len, win_slide, win_start;

    /* GENERATE */
    weir_gen_kind gen;
    bool gen_outer;
    weir_expr *gen_arg;
};

/* True when the plan reads a stream. */
bool weir_lplan_is_streaming(const weir_lplan *p);
/* Spark's UnsupportedOperationChecker for a streaming plan in an output mode; numbers the
 * stateful operators (state_id; *nstates of them) and marks the event-time grouping column
 * of a streaming aggregation. */
int weir_check_streaming(weir_lplan *p, weir_output_mode mode, int *nstates, weir_error *err);

/* Renders a plan as an indented tree (EXPLAIN). */
void weir_lplan_explain(const weir_lplan *p, int depth, void *strbuf);

#endif
