/*
 * Bound (resolved, typed) expressions and the function registry.
 *
 * The binder (plan/binder.c) turns AST expressions into weir_expr trees whose leaves are
 * input column indexes and literals; every node carries its result type. Execution
 * (exec/eval.c) evaluates a tree over a batch, one vector per node, bottom-up.
 *
 * Functions are declared in static tables (one per family, exec/func_*.c) of weir_func
 * entries: a bind callback that checks/coerces the argument types and sets the result type
 * (Spark's implicit casts and error messages), and an exec kernel that computes a whole
 * vector at once. No per-row virtual calls: a kernel loops over rows itself.
 */
#ifndef WEIR_PLAN_EXPR_H
#define WEIR_PLAN_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/datetime.h"
#include "base/error.h"
#include "base/strbuf.h"
#include "base/types.h"
#include "exec/vector.h"

typedef struct weir_expr weir_expr;
typedef struct weir_func weir_func;

typedef enum weir_expr_kind {
    WEIR_EX_COLUMN,  /* input column `col` of the operator's input batch */
    WEIR_EX_LITERAL, /* lit */
    WEIR_EX_CALL,    /* scalar function fn(args) */
    WEIR_EX_CAST,    /* CAST(args[0] AS type); implicit = inserted by coercion; try_cast */
    WEIR_EX_CASE,    /* args = when0, then0, when1, then1, ... [, else] ; has_else */
    WEIR_EX_AND,     /* three-valued AND of args[0], args[1] */
    WEIR_EX_OR,      /* three-valued OR */
    WEIR_EX_FIELD,   /* struct field `field` of args[0] */
    WEIR_EX_AGG,     /* aggregate call fn(args) (only inside aggregate operators) */
    WEIR_EX_OUTER,   /* a column of an enclosing query (correlated subqueries; unused yet) */
} weir_expr_kind;

struct weir_expr {
    weir_expr_kind kind;
    const weir_type *type;
    bool nullable;
    bool implicit;  /* CAST inserted by type coercion: hidden in Spark's automatic names */
    bool try_cast;  /* CAST: TRY_CAST */
    bool has_else;  /* CASE */
    bool distinct;  /* AGG: f(DISTINCT x) */
    int col;        /* COLUMN: input index */
    int field;      /* FIELD: index into args[0]'s struct type */
    weir_value lit; /* LITERAL (strings/nested values live in the plan arena) */
    const weir_func *fn;
    const char *fname; /* CALL/AGG: the name as called, lower case (Spark prints aliases) */
    weir_expr **args;
    int nargs;
    void *bind_data;    /* per-call state prepared by bind (compiled regex, format, schema) */
    const char *pretty; /* Spark's automatic name for this expression (toPrettySQL) */
    int line, pos;      /* source position of the expression, for runtime errors */
};

/* Session settings visible to binding and evaluation. */
typedef struct weir_conf_view {
    const weir_tz *tz;   /* spark.sql.session.timeZone */
    bool ansi;           /* spark.sql.ansi.enabled (default false) */
    bool case_sensitive; /* spark.sql.caseSensitive (default false) */
} weir_conf_view;

typedef struct weir_bind_ctx {
    weir_arena *arena; /* plan arena: bound nodes, bind_data, types */
    const weir_conf_view *conf;
} weir_bind_ctx;

typedef struct weir_eval_ctx {
    weir_arena *arena; /* the batch arena: result vectors */
    const weir_conf_view *conf;
    int64_t now_us; /* current_timestamp() for this query / micro-batch */
    weir_error *err;
} weir_eval_ctx;

/* ---- function registry -------------------------------------------------------------- */

typedef enum weir_func_kind {
    WEIR_FN_SCALAR,
    WEIR_FN_AGG,
    WEIR_FN_GENERATOR, /* explode, posexplode, inline, stack: planned as a Generate operator */
} weir_func_kind;

/* Aggregates update per-group states in place. `states[i]` points at the state of the group
 * row i belongs to (state_size bytes each, zeroed then init). The agg arena outlives the
 * batches (it is the aggregation's state arena) for variable-size state (collect_list). */
typedef struct weir_agg_ctx {
    weir_arena *arena;
    const weir_conf_view *conf;
    weir_error *err;
} weir_agg_ctx;

struct weir_func {
    const char *name; /* lower case */
    weir_func_kind kind;
    int min_args, max_args; /* max -1: variadic */
    /* Named parameters in order, for f(x => 1) calls; NULL if none. */
    const char *const *param_names;
    /* Checks and coerces e->args (may replace them with casts via weir_expr_cast), sets
     * e->type / e->nullable / e->bind_data. Errors are AnalysisExceptions in Spark's words,
     * e.g. "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "upper(1)" due to
     * data type mismatch: ...". NULL: arguments are used as they are and the result type
     * is the first argument's. */
    int (*bind)(weir_bind_ctx *bc, weir_expr *e, weir_error *err);
    /* SCALAR: computes *out (length n, allocated in ctx->arena) from args[i] (length n). */
    int (*exec)(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n, weir_vec **out);
    /* AGG */
    size_t (*state_size)(const weir_expr *e);
    void (*agg_init)(const weir_expr *e, void *state);
    int (*agg_update)(weir_agg_ctx *ctx, const weir_expr *e, void **states, weir_vec **args,
                      int32_t n);
    int (*agg_merge)(weir_agg_ctx *ctx, const weir_expr *e, void *dst, const void *src);
    int (*agg_final)(weir_agg_ctx *ctx, const weir_expr *e, void **states, int32_t n,
                     weir_vec *out);
    /* AGG, for the streaming state store: appends a self-delimiting byte form of a state
     * (values, not pointers) to out, and reads one back into a state that agg_init has
     * prepared, allocating variable-size parts in ctx->arena; *used = bytes consumed.
     * load(save(x)) must behave exactly as x for update, merge and final. */
    int (*agg_save)(const weir_expr *e, const void *state, weir_strbuf *out);
    int (*agg_load)(weir_agg_ctx *ctx, const weir_expr *e, void *state, const uint8_t *p, size_t n,
                    size_t *used);
    /* Spark's automatic column name when it is not name(arg, ...), e.g. count(*) ->
     * "count(1)". NULL: the default form. Returns an arena string. */
    const char *(*pretty)(weir_arena *a, const weir_expr *e);
};

/* The streaming form of count(DISTINCT ...) (exec/func_agg_distinct.c): its state keeps the
 * distinct argument tuples, so it can live in the state store (a weir extension). */
extern const weir_func weir_func_count_distinct;

/* Finds a function by name (case-insensitive). NULL when unknown. */
const weir_func *weir_func_lookup(const char *name);

/* ---- helpers for bind callbacks and the binder (plan/coerce.c) ------------------------- */

/* New nodes in arena a. */
weir_expr *weir_expr_new(weir_arena *a, weir_expr_kind kind, const weir_type *type);
weir_expr *weir_expr_literal(weir_arena *a, const weir_value *v);
/* Wraps e in an implicit CAST to t (returns e itself when the type already equals t). */
weir_expr *weir_expr_cast(weir_arena *a, weir_expr *e, const weir_type *t);
/* Spark's automatic name of a bound expression (toPrettySQL), cached in e->pretty. */
const char *weir_expr_pretty(weir_arena *a, weir_expr *e);

/* Spark's type coercion. */
/* Can CAST(from AS to) be written at all (Cast.canCast)? */
bool weir_can_cast(const weir_type *from, const weir_type *to);
/* Implicit cast for function inputs (ImplicitTypeCasts.implicitCast): the type `from`
 * becomes when a function expects `to`; NULL when it cannot. */
const weir_type *weir_implicit_cast(weir_arena *a, const weir_type *from, const weir_type *to);
/* Tightest common type of two types (TypeCoercion.findTightestCommonType / findWiderType),
 * used by comparisons, CASE, COALESCE, IN, UNION: NULL when none. */
const weir_type *weir_common_type(weir_arena *a, const weir_type *x, const weir_type *y);
/* Coerces every argument of e to one common type (COALESCE, GREATEST, array(...)); errors
 * with Spark's DATATYPE_MISMATCH.DATA_DIFF_TYPES message. */
int weir_coerce_args_common(weir_bind_ctx *bc, weir_expr *e, int from, int to, weir_error *err);
/* Casts argument i to t with Spark's implicit rules, or fails with Spark's
 * "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] ..." message naming the function and argument. */
int weir_coerce_arg(weir_bind_ctx *bc, weir_expr *e, int i, const weir_type *t, weir_error *err);

/* ---- evaluation (exec/eval.c) ------------------------------------------------------------ */

/* Evaluates e over the n rows of the input columns `in` into *out (in ctx->arena). */
int weir_expr_eval(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **in, int32_t n,
                   weir_vec **out);
/* Casts a vector (exec/cast.c): Spark's CAST matrix; non-ANSI invalid input -> NULL. */
int weir_cast_vec(weir_eval_ctx *ctx, const weir_vec *v, const weir_type *to, bool try_cast,
                  weir_vec **out);
/* A vector of n copies of a value. */
weir_vec *weir_vec_const(weir_arena *a, const weir_value *v, int32_t n);

#endif
