/*
 * Helpers shared by the operator, math and conditional kernels (func_ops.c, func_math.c,
 * func_cond.c): result vectors, validity bitmaps combined word-wise, Java's numeric
 * conversions (Spark inherits their wrap/saturate rules), exact decimal arithmetic with
 * Spark's HALF_UP rounding, and Spark's ordering of values (NaN largest, structs and arrays
 * field- and element-wise).
 */
#ifndef WEIR_EXEC_FUNC_UTIL_H
#define WEIR_EXEC_FUNC_UTIL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan/expr.h"

/* A result vector of n rows (len = n, values uninitialised, all valid). */
weir_vec *weir_fk_out(weir_eval_ctx *ctx, const weir_type *t, int32_t n);
/* out->valid = AND of the validity of args[0..nargs) (NULL-typed args are all NULL). */
int weir_fk_and_valid(weir_vec *out, weir_vec *const *args, int nargs, int32_t n);
/* Copies v's validity into out (or leaves it NULL). */
int weir_fk_copy_valid(weir_vec *out, const weir_vec *v, int32_t n);
/* Row i of v is NULL (NULL type counts as NULL). */
static inline bool weir_fk_null(const weir_vec *v, int32_t i)
{
    return v->type->id == WEIR_T_NULL || (v->valid && !weir_bit_get(v->valid, i));
}
/* Sets row i NULL in out (bitmap must exist or is created). */
static inline int weir_fk_set_null(weir_vec *out, int32_t i)
{
    if (!out->valid && weir_vec_make_valid(out) != WEIR_OK) return WEIR_ENOMEM;
    weir_bit_clear(out->valid, i);
    return WEIR_OK;
}

/* Java's (long) d and (int) d: NaN -> 0, saturating. */
static inline int64_t weir_java_d2l(double d)
{
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

/* Reads a numeric row as double / int64 whatever its physical type. */
double weir_fk_get_double(const weir_vec *v, int32_t i);
int64_t weir_fk_get_long(const weir_vec *v, int32_t i);

/* Spark's ordering of two non-NULL values of the same type (SQLOrderingUtil for doubles:
 * -0.0 = 0.0, NaN = NaN and NaN above everything). Nested NULLs sort first. */
int weir_fk_value_cmp(const weir_value *x, const weir_value *y);
/* Ordering of row i of x with row j of y (both non-NULL, same type). */
int weir_fk_row_cmp(const weir_vec *x, int32_t i, const weir_vec *y, int32_t j);

static inline int weir_fk_dcmp(double x, double y)
{
    if (x == y) return 0;
    if (x != x) return y != y ? 0 : 1;
    if (y != y) return -1;
    return x < y ? -1 : 1;
}

/* ---- decimals: exact arithmetic on unscaled values ----------------------------------------
 * Each returns false when the exact result, rounded HALF_UP to the result scale, does not fit
 * the result precision (Spark: NULL in non-ANSI mode) or on division by zero. */
bool weir_dec_add(__int128 a, int sa, __int128 b, int sb, bool sub, int rp, int rs, __int128 *out);
bool weir_dec_mul(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out);
bool weir_dec_div(__int128 a, int sa, __int128 b, int sb, int rp, int rs, __int128 *out);
/* Remainder with the sign of the dividend (BigDecimal.remainder); pmod when positive. */
bool weir_dec_rem(__int128 a, int sa, __int128 b, int sb, bool pmod, int rp, int rs, __int128 *out);
/* Truncated quotient as Java's BigDecimal.divideToIntegralValue(...).longValue(). */
bool weir_dec_quot_long(__int128 a, int sa, __int128 b, int sb, int64_t *out);
/* Rescales to scale rs with the given rounding (0 HALF_UP, 1 HALF_EVEN, 2 CEILING, 3 FLOOR),
 * false when it does not fit precision rp. */
bool weir_dec_rescale(__int128 a, int sa, int rp, int rs, int mode, __int128 *out);
/* 10^k for k <= 38. */
__int128 weir_dec_pow10(int k);

/* Rounds a double like Spark's Round/BRound on DoubleType: BigDecimal(d) from the shortest
 * decimal text of d, setScale(scale, mode) (mode as weir_dec_rescale), back to double. */
double weir_round_double(double d, int scale, int mode);

/* The arithmetic operator binds and kernels of func_ops.c, shared with pmod (func_math.c)
 * and abs. */
int weir_ops_bind_arith(weir_bind_ctx *bc, weir_expr *e, weir_error *err);
int weir_ops_exec_arith(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out);
const char *weir_ops_pretty(weir_arena *a, const weir_expr *e);
int weir_ops_bind_unary(weir_bind_ctx *bc, weir_expr *e, weir_error *err);
int weir_ops_exec_unary(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out);

#endif
