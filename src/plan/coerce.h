/*
 * Extra coercion helpers beyond the contract in plan/expr.h, shared by the operator and
 * function binds (exec/func_ops.c, func_math.c, func_cond.c). Each mirrors one of Spark's
 * type-widening functions; the contract's weir_common_type is findWiderTypeForTwo.
 */
#ifndef WEIR_PLAN_COERCE_H
#define WEIR_PLAN_COERCE_H

#include "plan/expr.h"

#define WEIR_DEC_MAX_PRECISION 38

/* TypeCoercion.findTightestCommonType: no precision loss, no string promotion. */
const weir_type *weir_tightest_type(weir_arena *a, const weir_type *x, const weir_type *y);
/* findWiderTypeWithoutStringPromotionForTwo (GREATEST, LEAST). */
const weir_type *weir_wider_type_no_string(weir_arena *a, const weir_type *x, const weir_type *y);
/* The common type of a binary comparison (PromoteStrings' findCommonTypeForBinaryComparison,
 * DecimalPrecision, BooleanEquality for equalities, then findTightestCommonType). lit_x /
 * lit_y: the operand is a non-NULL integral literal (DecimalType.forLiteral). NULL: none. */
const weir_type *weir_comparison_type(weir_arena *a, const weir_expr *x, const weir_expr *y,
                                      bool equality);
/* DecimalPrecision.widerDecimalType and DecimalType.forType / forLiteral. */
const weir_type *weir_decimal_wider(weir_arena *a, const weir_type *x, const weir_type *y);
const weir_type *weir_decimal_for_type(weir_arena *a, const weir_type *t);
const weir_type *weir_decimal_for_expr(weir_arena *a, const weir_expr *e);
/* DecimalType.adjustPrecisionScale (allowPrecisionLoss = true). */
const weir_type *weir_decimal_adjust(weir_arena *a, int precision, int scale);

/* Spark's toSQLType: "\"INT\"" written into buf. */
const char *weir_sql_type_quoted(const weir_type *t, char *buf, size_t n);
/* "first", "second", ... (Spark's ordinalNumber). */
const char *weir_ordinal(int i, char *buf, size_t n);
/* Sets an AnalysisException with e's position. */
int weir_bind_error(weir_error *err, const weir_expr *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] ..." for argument i of e, requiring `required`
 * (already in Spark's quoted form, e.g. "\"NUMERIC\"" or "(\"DOUBLE\" or \"FLOAT\")"). */
int weir_unexpected_input_type(weir_bind_ctx *bc, weir_expr *e, int i, const char *required,
                               weir_error *err);
/* "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] ..." over args [from, to). */
int weir_data_diff_types(weir_bind_ctx *bc, weir_expr *e, int from, int to, weir_error *err);

/* Spark's Literal.toString of a value of type t, as used in automatic names. */
const char *weir_literal_pretty(weir_arena *a, const weir_value *v);

#endif
