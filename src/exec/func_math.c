/*
 * Math functions with Spark 3.5's types, NULL rules and names.
 *
 * Why the display-name table: Spark names most math expressions after a fixed upper-case
 * prettyName ("SQRT(x)", "CEIL(x)", "LOG(E(), x)") unless the function was registered as an
 * alias ("ceiling", "sign", "pow"), so automatic column names differ from the name called.
 * Double functions take DOUBLE (ints and strings are cast implicitly); the log family
 * yields NULL at or below its asymptote as Hive does; round/bround round through the
 * shortest decimal text of a double like java.math.BigDecimal, so round(2.5) = 3 and
 * round(-2.5) = -3.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/func_util.h"
#include "plan/coerce.h"

typedef enum math_fn {
    MF_SQRT,
    MF_CBRT,
    MF_EXP,
    MF_EXPM1,
    MF_SIN,
    MF_COS,
    MF_TAN,
    MF_ASIN,
    MF_ACOS,
    MF_ATAN,
    MF_SINH,
    MF_COSH,
    MF_TANH,
    MF_COT,
    MF_DEGREES,
    MF_RADIANS,
    MF_SIGNUM,
    MF_RINT,
    MF_ASINH,
    MF_ACOSH,
    MF_ATANH,
    MF_LN,
    MF_LOG10,
    MF_LOG2,
    MF_LOG1P,
    MF_LOG,
    MF_ATAN2,
    MF_POW,
    MF_HYPOT,
    MF_E,
    MF_PI,
    MF_ABS,
    MF_CEIL,
    MF_FLOOR,
    MF_ROUND,
    MF_BROUND,
    MF_FACTORIAL,
    MF_HEX,
    MF_UNHEX,
    MF_BIN,
    MF_SHL,
    MF_SHR,
    MF_SHRU,
    MF_PMOD,
    MF__UNKNOWN
} math_fn;

static const struct {
    const char *name;    /* as registered */
    const char *display; /* Spark's prettyName */
    math_fn fn;
} math_names[] = {
    {"sqrt", "SQRT", MF_SQRT},
    {"cbrt", "CBRT", MF_CBRT},
    {"exp", "EXP", MF_EXP},
    {"expm1", "EXPM1", MF_EXPM1},
    {"sin", "SIN", MF_SIN},
    {"cos", "COS", MF_COS},
    {"tan", "TAN", MF_TAN},
    {"asin", "ASIN", MF_ASIN},
    {"acos", "ACOS", MF_ACOS},
    {"atan", "ATAN", MF_ATAN},
    {"sinh", "SINH", MF_SINH},
    {"cosh", "COSH", MF_COSH},
    {"tanh", "TANH", MF_TANH},
    {"cot", "COT", MF_COT},
    {"degrees", "DEGREES", MF_DEGREES},
    {"radians", "RADIANS", MF_RADIANS},
    {"signum", "SIGNUM", MF_SIGNUM},
    {"sign", "sign", MF_SIGNUM},
    {"rint", "rint", MF_RINT},
    {"asinh", "ASINH", MF_ASINH},
    {"acosh", "ACOSH", MF_ACOSH},
    {"atanh", "ATANH", MF_ATANH},
    {"ln", "ln", MF_LN},
    {"log10", "LOG10", MF_LOG10},
    {"log2", "LOG2", MF_LOG2},
    {"log1p", "LOG1P", MF_LOG1P},
    {"log", "LOG", MF_LOG},
    {"atan2", "ATAN2", MF_ATAN2},
    {"pow", "pow", MF_POW},
    {"power", "POWER", MF_POW},
    {"hypot", "HYPOT", MF_HYPOT},
    {"e", "E", MF_E},
    {"pi", "PI", MF_PI},
    {"abs", "abs", MF_ABS},
    {"ceil", "CEIL", MF_CEIL},
    {"ceiling", "ceiling", MF_CEIL},
    {"floor", "FLOOR", MF_FLOOR},
    {"round", "round", MF_ROUND},
    {"bround", "bround", MF_BROUND},
    {"factorial", "factorial", MF_FACTORIAL},
    {"hex", "hex", MF_HEX},
    {"unhex", "unhex", MF_UNHEX},
    {"bin", "bin", MF_BIN},
    {"shiftleft", "shiftleft", MF_SHL},
    {"shiftright", "shiftright", MF_SHR},
    {"shiftrightunsigned", "shiftrightunsigned", MF_SHRU},
    {"pmod", "pmod", MF_PMOD},
};

static int math_index(const char *name)
{
    for (size_t i = 0; i < sizeof math_names / sizeof math_names[0]; i++)
        if (strcmp(math_names[i].name, name) == 0) return (int)i;
    return -1;
}

static math_fn fn_of(const weir_expr *e)
{
    int i = math_index(e->fn->name);
    return i < 0 ? MF__UNKNOWN : math_names[i].fn;
}

/* Per-call state: the constant scale of round/bround/ceil/floor. */
typedef struct math_bind {
    int scale;
    bool scale_null;
} math_bind;

/* ---- names ---------------------------------------------------------------------------------- */

static const char *math_pretty(weir_arena *a, const weir_expr *ec)
{
    weir_expr *e = (weir_expr *)ec;
    int k = math_index(e->fn->name);
    const char *disp = k >= 0 ? math_names[k].display : e->fn->name;
    math_fn f = k >= 0 ? math_names[k].fn : MF__UNKNOWN;
    const char *x = e->nargs > 0 ? weir_expr_pretty(a, e->args[0]) : NULL;
    const char *y = e->nargs > 1 ? weir_expr_pretty(a, e->args[1]) : NULL;
    if ((e->nargs > 0 && !x) || (e->nargs > 1 && !y)) return NULL;
    if (f == MF_E || f == MF_PI) return weir_arena_sprintf(a, "%s()", disp);
    /* log(x) is Logarithm(E(), x); round(x) is Round(x, 0) */
    if (f == MF_LOG && e->nargs == 1) return weir_arena_sprintf(a, "LOG(E(), %s)", x);
    if ((f == MF_ROUND || f == MF_BROUND) && e->nargs == 1)
        return weir_arena_sprintf(a, "%s(%s, 0)", disp, x);
    /* ceil(x, d) / floor(x, d) are RoundCeil / RoundFloor, named in lower case */
    if ((f == MF_CEIL || f == MF_FLOOR) && e->nargs == 2)
        return weir_arena_sprintf(a, "%s(%s, %s)", f == MF_CEIL ? "ceil" : "floor", x, y);
    if (e->nargs == 1) return weir_arena_sprintf(a, "%s(%s)", disp, x);
    if (e->nargs == 2) return weir_arena_sprintf(a, "%s(%s, %s)", disp, x, y);
    return weir_arena_sprintf(a, "%s()", disp);
}

/* ---- binding --------------------------------------------------------------------------------- */

static int bind_double_fn(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    for (int i = 0; i < e->nargs; i++) {
        int rc = weir_coerce_arg(bc, e, i, WEIR_TYPE_DOUBLE, err);
        if (rc) return rc;
    }
    e->type = WEIR_TYPE_DOUBLE;
    math_fn f = fn_of(e);
    e->nullable = f != MF_E && f != MF_PI;
    return WEIR_OK;
}

static int bind_abs(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    /* Abs: NumericAndInterval, strings promoted to DOUBLE (PromoteStrings) */
    return weir_ops_bind_unary(bc, e, err);
}

/* ceil/floor: TypeCollection(DOUBLE, DECIMAL, BIGINT) -> BIGINT or DECIMAL(p-s+1, 0) */
static int bind_ceil_floor(weir_bind_ctx *bc, weir_expr *e, weir_error *err);

static int require_scale_literal(weir_bind_ctx *bc, weir_expr *e, math_bind *mb, weir_error *err)
{
    mb->scale = 0;
    mb->scale_null = false;
    if (e->nargs < 2) return WEIR_OK;
    int rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_INT, err);
    if (rc) return rc;
    weir_expr *s = e->args[1];
    while (s->kind == WEIR_EX_CAST)
        s = s->args[0];
    if (s->kind != WEIR_EX_LITERAL) {
        const char *p = weir_expr_pretty(bc->arena, e);
        const char *q = weir_expr_pretty(bc->arena, e->args[1]);
        return weir_bind_error(err, e,
                               "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"%s\" due "
                               "to data type mismatch: the input scale should be a foldable "
                               "\"INT\" expression; however, got \"%s\".",
                               p ? p : "?", q ? q : "?");
    }
    if (s->lit.is_null || s->type->id == WEIR_T_NULL)
        mb->scale_null = true;
    else if (s->type->id == WEIR_T_STRING)
        mb->scale = atoi(s->lit.u.s.p);
    else if (s->type->id == WEIR_T_FLOAT || s->type->id == WEIR_T_DOUBLE)
        mb->scale = (int)s->lit.u.d;
    else if (s->type->id == WEIR_T_DECIMAL)
        mb->scale = (int)(s->lit.u.dec / weir_dec_pow10(s->type->scale));
    else
        mb->scale = (int)s->lit.u.i;
    return WEIR_OK;
}

/* RoundBase.dataType in 3.5 (also RoundCeil/RoundFloor for decimals). */
static const weir_type *round_type(weir_bind_ctx *bc, const weir_type *t, int scale)
{
    if (t->id != WEIR_T_DECIMAL) return t;
    int p = t->precision, s = t->scale;
    int int_least = p - s + 1;
    if (scale < 0) {
        int np = int_least > -scale + 1 ? int_least : -scale + 1;
        return weir_type_decimal(bc->arena, np < 38 ? np : 38, 0);
    }
    int ns = s < scale ? s : scale;
    int np = int_least + ns;
    return weir_type_decimal(bc->arena, np < 38 ? np : 38, ns);
}

static int bind_round(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    math_bind *mb = WEIR_ARENA_NEW(bc->arena, math_bind);
    if (!mb) return weir_err_nomem(err);
    const weir_type *t = e->args[0]->type;
    int rc;
    if (t->id == WEIR_T_STRING || t->id == WEIR_T_NULL) {
        if ((rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DOUBLE, err))) return rc;
    } else if (!weir_type_is_numeric(t)) {
        return weir_unexpected_input_type(bc, e, 0, "\"NUMERIC\"", err);
    }
    if ((rc = require_scale_literal(bc, e, mb, err))) return rc;
    e->bind_data = mb;
    e->type = round_type(bc, e->args[0]->type, mb->scale);
    e->nullable = true;
    return e->type ? WEIR_OK : weir_err_nomem(err);
}

static int bind_ceil_floor(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    int rc;
    if (e->nargs == 2) return bind_round(bc, e, err);
    if (t->id != WEIR_T_BIGINT && t->id != WEIR_T_DECIMAL && t->id != WEIR_T_DOUBLE) {
        const weir_type *to = weir_implicit_cast(bc->arena, t, WEIR_TYPE_DOUBLE);
        if (!to)
            return weir_unexpected_input_type(bc, e, 0, "(\"DOUBLE\" or \"DECIMAL\" or \"BIGINT\")",
                                              err);
        if ((rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_DOUBLE, err))) return rc;
    }
    t = e->args[0]->type;
    if (t->id == WEIR_T_DECIMAL) {
        int p = t->precision - t->scale + 1;
        e->type = t->scale == 0 ? t : weir_type_decimal(bc->arena, p < 38 ? p : 38, 0);
    } else {
        e->type = WEIR_TYPE_BIGINT;
    }
    e->nullable = e->args[0]->nullable;
    return e->type ? WEIR_OK : weir_err_nomem(err);
}

static int bind_int_to(weir_bind_ctx *bc, weir_expr *e, const weir_type *in, const weir_type *out,
                       weir_error *err)
{
    int rc = weir_coerce_arg(bc, e, 0, in, err);
    if (rc) return rc;
    e->type = out;
    e->nullable = true;
    return WEIR_OK;
}

static int bind_factorial(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_int_to(bc, e, WEIR_TYPE_INT, WEIR_TYPE_BIGINT, err);
}

static int bind_bin(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_int_to(bc, e, WEIR_TYPE_BIGINT, WEIR_TYPE_STRING, err);
}

static int bind_unhex(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_int_to(bc, e, WEIR_TYPE_STRING, WEIR_TYPE_BINARY, err);
}

static int bind_hex(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    e->type = WEIR_TYPE_STRING;
    e->nullable = e->args[0]->nullable;
    if (t->id == WEIR_T_BIGINT || t->id == WEIR_T_BINARY || t->id == WEIR_T_STRING) return WEIR_OK;
    /* TypeCollection(BIGINT, BINARY, STRING): the first that t converts to */
    if (weir_implicit_cast(bc->arena, t, WEIR_TYPE_BIGINT))
        return weir_coerce_arg(bc, e, 0, WEIR_TYPE_BIGINT, err);
    if (weir_implicit_cast(bc->arena, t, WEIR_TYPE_STRING))
        return weir_coerce_arg(bc, e, 0, WEIR_TYPE_STRING, err);
    return weir_unexpected_input_type(bc, e, 0, "(\"BIGINT\" or \"BINARY\" or \"STRING\")", err);
}

static int bind_shift(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *t = e->args[0]->type;
    int rc;
    if (t->id != WEIR_T_INT && t->id != WEIR_T_BIGINT) {
        if (!weir_implicit_cast(bc->arena, t, WEIR_TYPE_INT))
            return weir_unexpected_input_type(bc, e, 0, "(\"INT\" or \"BIGINT\")", err);
        if ((rc = weir_coerce_arg(bc, e, 0, WEIR_TYPE_INT, err))) return rc;
    }
    if ((rc = weir_coerce_arg(bc, e, 1, WEIR_TYPE_INT, err))) return rc;
    e->type = e->args[0]->type;
    e->nullable = e->args[0]->nullable || e->args[1]->nullable;
    return WEIR_OK;
}

/* ---- kernels ----------------------------------------------------------------------------------
 */

static double java_signum(double x)
{
    if (x != x || x == 0) return x;
    return x > 0 ? 1.0 : -1.0;
}

static int exec_double_fn(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                          weir_vec **out)
{
    math_fn f = fn_of(e);
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_DOUBLE, n);
    if (!o || weir_fk_and_valid(o, args, e->nargs, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    *out = o;
    double *r = o->data;
    if (e->nargs == 0) {
        double c = f == MF_E ? 2.718281828459045 : 3.141592653589793;
        for (int32_t i = 0; i < n; i++)
            r[i] = c;
        return WEIR_OK;
    }
    for (int k = 0; k < e->nargs; k++)
        if (args[k]->type->id == WEIR_T_NULL) {
            memset(r, 0, sizeof(double) * (size_t)n);
            return WEIR_OK;
        }
    const double *x = args[0]->data;
    const double *y = e->nargs > 1 ? args[1]->data : NULL;
#define LOOP(expr)                                                                                 \
    for (int32_t i = 0; i < n; i++) {                                                              \
        double v = x[i];                                                                           \
        (void)v;                                                                                   \
        r[i] = (expr);                                                                             \
    }                                                                                              \
    break
    switch (f) {
    case MF_SQRT: LOOP(sqrt(v));
    case MF_CBRT: LOOP(cbrt(v));
    case MF_EXP: LOOP(exp(v));
    case MF_EXPM1: LOOP(expm1(v));
    case MF_SIN: LOOP(sin(v));
    case MF_COS: LOOP(cos(v));
    case MF_TAN: LOOP(tan(v));
    case MF_ASIN: LOOP(asin(v));
    case MF_ACOS: LOOP(acos(v));
    case MF_ATAN: LOOP(atan(v));
    case MF_SINH: LOOP(sinh(v));
    case MF_COSH: LOOP(cosh(v));
    case MF_TANH: LOOP(tanh(v));
    case MF_COT: LOOP(1.0 / tan(v));
    case MF_DEGREES: LOOP(v * (180.0 / 3.141592653589793));
    case MF_RADIANS: LOOP(v / 180.0 * 3.141592653589793);
    case MF_SIGNUM: LOOP(java_signum(v));
    case MF_RINT: LOOP(nearbyint(v));
    case MF_ASINH: LOOP(isinf(v) && v < 0 ? v : log(v + sqrt(v * v + 1.0)));
    case MF_ACOSH: LOOP(log(v + sqrt(v * v - 1.0)));
    case MF_ATANH: LOOP(0.5 * (log1p(v) - log1p(-v)));
    case MF_ATAN2: LOOP(atan2(v + 0.0, y[i] + 0.0));
    case MF_POW: LOOP(pow(v, y[i]));
    case MF_HYPOT: LOOP(hypot(v, y[i]));
    case MF_LN:
    case MF_LOG10:
    case MF_LOG2:
    case MF_LOG1P:
    case MF_LOG: {
        /* Hive: at or below the asymptote the result is NULL, not NaN / -Infinity */
        for (int32_t i = 0; i < n; i++) {
            double v = x[i], res = 0;
            bool null = false;
            switch (f) {
            case MF_LN:
                null = v <= 0;
                res = log(v);
                break;
            case MF_LOG10:
                null = v <= 0;
                res = log10(v);
                break;
            case MF_LOG2:
                null = v <= 0;
                res = log(v) / log(2.0);
                break;
            case MF_LOG1P:
                null = v <= -1;
                res = log1p(v);
                break;
            default:
                if (e->nargs == 1) {
                    null = v <= 0;
                    res = log(v);
                } else {
                    null = v <= 0 || y[i] <= 0;
                    res = log(y[i]) / log(v);
                }
                break;
            }
            r[i] = null ? 0 : res;
            if (null && !weir_fk_null(o, i) && weir_fk_set_null(o, i) != WEIR_OK)
                return weir_err_nomem(ctx->err);
        }
        break;
    }
    default: return weir_err(ctx->err, WEIR_ERUNTIME, "%s: not a double function", e->fn->name);
    }
#undef LOOP
    return WEIR_OK;
}

static int exec_abs(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                    weir_vec **out)
{
    const weir_vec *x = args[0];
    weir_vec *o = weir_fk_out(ctx, e->type, n);
    if (!o || weir_fk_and_valid(o, args, 1, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    *out = o;
#define ABS_LOOP(T, U)                                                                             \
    do {                                                                                           \
        const T *xa = x->data;                                                                     \
        T *ra = o->data;                                                                           \
        for (int32_t i = 0; i < n; i++)                                                            \
            ra[i] = xa[i] < 0 ? (T)((U)0 - (U)xa[i]) : xa[i];                                      \
    } while (0)
    switch (x->type->id) {
    case WEIR_T_TINYINT: ABS_LOOP(int8_t, uint32_t); break;
    case WEIR_T_SMALLINT: ABS_LOOP(int16_t, uint32_t); break;
    case WEIR_T_INT: ABS_LOOP(int32_t, uint32_t); break;
    case WEIR_T_BIGINT:
    case WEIR_T_INTERVAL: ABS_LOOP(int64_t, uint64_t); break;
    case WEIR_T_DECIMAL: ABS_LOOP(__int128, unsigned __int128); break;
    case WEIR_T_FLOAT: {
        const float *xa = x->data;
        float *ra = o->data;
        for (int32_t i = 0; i < n; i++)
            ra[i] = fabsf(xa[i]);
        break;
    }
    case WEIR_T_DOUBLE: {
        const double *xa = x->data;
        double *ra = o->data;
        for (int32_t i = 0; i < n; i++)
            ra[i] = fabs(xa[i]);
        break;
    }
    default: memset(o->data, 0, weir_type_width(o->type) * (size_t)n); break;
    }
#undef ABS_LOOP
    return WEIR_OK;
}

/* Rounds an integer to 10^-scale multiples (scale < 0) with the mode of weir_dec_rescale. */
static __int128 round_integer(__int128 v, int scale, int mode)
{
    if (scale >= 0) return v;
    if (-scale > 38) return 0;
    __int128 p = weir_dec_pow10(-scale), q = v / p, r = v % p;
    if (r != 0) {
        __int128 ar = r < 0 ? -r : r;
        bool neg = v < 0, up;
        switch (mode) {
        case 1: up = 2 * ar > p || (2 * ar == p && (q % 2 != 0)); break;
        case 2: up = !neg; break;
        case 3: up = neg; break;
        default: up = 2 * ar >= p; break;
        }
        if (up) q += neg ? -1 : 1;
    }
    return q * p;
}

static int exec_round(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    math_fn f = fn_of(e);
    const math_bind *mb = e->bind_data;
    int mode = f == MF_BROUND ? 1 : f == MF_CEIL ? 2 : f == MF_FLOOR ? 3 : 0;
    int scale = mb ? mb->scale : 0;
    const weir_vec *x = args[0];
    weir_vec *o = weir_fk_out(ctx, e->type, n);
    if (!o || weir_fk_and_valid(o, args, 1, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    *out = o;
    size_t w = weir_type_width(e->type);
    if ((mb && mb->scale_null) || x->type->id == WEIR_T_NULL) {
        memset(o->data, 0, w * (size_t)n);
        for (int32_t i = 0; i < n; i++)
            if (weir_fk_set_null(o, i) != WEIR_OK) return weir_err_nomem(ctx->err);
        return WEIR_OK;
    }
#define IROUND(T)                                                                                  \
    do {                                                                                           \
        const T *xa = x->data;                                                                     \
        T *ra = o->data;                                                                           \
        if (scale >= 0)                                                                            \
            memcpy(ra, xa, sizeof(T) * (size_t)n);                                                 \
        else                                                                                       \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] =                                                                            \
                    (T)(int64_t)(uint64_t)(unsigned __int128)round_integer(xa[i], scale, mode);    \
    } while (0)
    switch (x->type->id) {
    case WEIR_T_TINYINT: IROUND(int8_t); break;
    case WEIR_T_SMALLINT: IROUND(int16_t); break;
    case WEIR_T_INT: IROUND(int32_t); break;
    case WEIR_T_BIGINT: IROUND(int64_t); break;
    case WEIR_T_FLOAT: {
        const float *xa = x->data;
        float *ra = o->data;
        for (int32_t i = 0; i < n; i++)
            ra[i] = (float)weir_round_double(xa[i], scale, mode);
        break;
    }
    case WEIR_T_DOUBLE: {
        const double *xa = x->data;
        double *ra = o->data;
        for (int32_t i = 0; i < n; i++)
            ra[i] = weir_round_double(xa[i], scale, mode);
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *xa = x->data;
        __int128 *ra = o->data;
        int sa = x->type->scale, rp = o->type->precision, rs = o->type->scale;
        int target = scale < sa ? scale : sa;
        for (int32_t i = 0; i < n; i++) {
            if (weir_fk_null(o, i)) {
                ra[i] = 0;
                continue;
            }
            __int128 r;
            bool ok = weir_dec_rescale(xa[i], sa, 38, target, mode, &r);
            if (ok) ok = weir_dec_rescale(r, target, rp, rs, 0, &r);
            ra[i] = ok ? r : 0;
            if (!ok && weir_fk_set_null(o, i) != WEIR_OK) return weir_err_nomem(ctx->err);
        }
        break;
    }
    default: memset(o->data, 0, w * (size_t)n); break;
    }
#undef IROUND
    return WEIR_OK;
}

static int exec_ceil_floor(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    if (e->nargs == 2) return exec_round(ctx, e, args, n, out);
    bool ceil_ = fn_of(e) == MF_CEIL;
    const weir_vec *x = args[0];
    weir_vec *o = weir_fk_out(ctx, e->type, n);
    if (!o || weir_fk_and_valid(o, args, 1, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    *out = o;
    switch (x->type->id) {
    case WEIR_T_BIGINT: memcpy(o->data, x->data, 8 * (size_t)n); break;
    case WEIR_T_DOUBLE: {
        const double *xa = x->data;
        int64_t *ra = o->data;
        if (ceil_)
            for (int32_t i = 0; i < n; i++)
                ra[i] = weir_java_d2l(ceil(xa[i]));
        else
            for (int32_t i = 0; i < n; i++)
                ra[i] = weir_java_d2l(floor(xa[i]));
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *xa = x->data;
        __int128 *ra = o->data;
        int sa = x->type->scale;
        for (int32_t i = 0; i < n; i++) {
            __int128 r = xa[i];
            if (sa > 0 && !weir_dec_rescale(xa[i], sa, 38, 0, ceil_ ? 2 : 3, &r)) r = 0;
            ra[i] = r;
        }
        break;
    }
    default: memset(o->data, 0, weir_type_width(o->type) * (size_t)n); break;
    }
    return WEIR_OK;
}

static int exec_factorial(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                          weir_vec **out)
{
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BIGINT, n);
    if (!o || weir_fk_and_valid(o, args, 1, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    *out = o;
    int64_t *r = o->data;
    if (args[0]->type->id == WEIR_T_NULL) {
        memset(r, 0, 8 * (size_t)n);
        return WEIR_OK;
    }
    const int32_t *x = args[0]->data;
    for (int32_t i = 0; i < n; i++) {
        if (x[i] < 0 || x[i] > 20) {
            r[i] = 0;
            if (weir_fk_set_null(o, i) != WEIR_OK) return weir_err_nomem(ctx->err);
            continue;
        }
        int64_t f = 1;
        for (int k = 2; k <= x[i]; k++)
            f *= k;
        r[i] = f;
    }
    return WEIR_OK;
}

/* String-producing kernels append row by row (the bytes differ per row). */
static int exec_hex_bin(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    math_fn f = fn_of(e);
    const weir_vec *x = args[0];
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return weir_err_nomem(ctx->err);
    static const char digits[] = "0123456789ABCDEF";
    char buf[80];
    for (int32_t i = 0; i < n; i++) {
        int rc;
        if (weir_fk_null(x, i)) {
            rc = weir_vec_append_null(o);
        } else if (x->type->id == WEIR_T_BIGINT) {
            uint64_t v = (uint64_t)((const int64_t *)x->data)[i];
            int shift = f == MF_BIN ? 1 : 4, len = 0;
            char tmp[80];
            do {
                tmp[len++] = digits[v & (uint64_t)((1 << shift) - 1)];
                v >>= shift;
            } while (v);
            for (int k = 0; k < len; k++)
                buf[k] = tmp[len - 1 - k];
            rc = weir_vec_append_str(o, buf, len);
        } else if (f == MF_UNHEX) {
            int32_t len;
            const char *s = weir_vec_str(x, i, &len);
            if (weir_vec_reserve_bytes(o, (len + 1) / 2) != WEIR_OK)
                return weir_err_nomem(ctx->err);
            char *dst = (char *)o->data + o->offsets[o->len];
            int32_t k = 0, j = 0;
            bool bad = false;
            if (len & 1) {
                int v = s[0] >= '0' && s[0] <= '9'                 ? s[0] - '0'
                        : (s[0] | 32) >= 'a' && (s[0] | 32) <= 'f' ? (s[0] | 32) - 'a' + 10
                                                                   : -1;
                if (v < 0)
                    bad = true;
                else
                    dst[j++] = (char)v;
                k = 1;
            }
            for (; !bad && k < len; k += 2) {
                int hv[2];
                for (int q = 0; q < 2; q++) {
                    char c = s[k + q];
                    hv[q] = c >= '0' && c <= '9'                 ? c - '0'
                            : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10
                                                                 : -1;
                }
                if (hv[0] < 0 || hv[1] < 0)
                    bad = true;
                else
                    dst[j++] = (char)((hv[0] << 4) | hv[1]);
            }
            if (bad)
                rc = weir_vec_append_null(o);
            else {
                o->offsets[o->len + 1] = o->offsets[o->len] + j;
                o->len++;
                rc = WEIR_OK;
            }
        } else {
            /* hex of STRING / BINARY bytes */
            int32_t len;
            const char *s = weir_vec_str(x, i, &len);
            if (weir_vec_reserve_bytes(o, (int64_t)len * 2) != WEIR_OK)
                return weir_err_nomem(ctx->err);
            char *dst = (char *)o->data + o->offsets[o->len];
            for (int32_t k = 0; k < len; k++) {
                dst[2 * k] = digits[((unsigned char)s[k]) >> 4];
                dst[2 * k + 1] = digits[((unsigned char)s[k]) & 15];
            }
            o->offsets[o->len + 1] = o->offsets[o->len] + 2 * len;
            o->len++;
            rc = WEIR_OK;
        }
        if (rc != WEIR_OK) return weir_err_nomem(ctx->err);
    }
    *out = o;
    return WEIR_OK;
}

static int exec_shift(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    math_fn f = fn_of(e);
    weir_vec *o = weir_fk_out(ctx, e->type, n);
    if (!o || weir_fk_and_valid(o, args, 2, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    *out = o;
    if (args[0]->type->id == WEIR_T_NULL || args[1]->type->id == WEIR_T_NULL) {
        memset(o->data, 0, weir_type_width(o->type) * (size_t)n);
        return WEIR_OK;
    }
    const int32_t *s = args[1]->data;
    if (e->type->id == WEIR_T_INT) {
        const int32_t *x = args[0]->data;
        int32_t *r = o->data;
        for (int32_t i = 0; i < n; i++) {
            unsigned c = (unsigned)s[i] & 31u;
            uint32_t u = (uint32_t)x[i];
            r[i] = f == MF_SHL    ? (int32_t)(u << c)
                   : f == MF_SHRU ? (int32_t)(u >> c)
                                  : (int32_t)(x[i] < 0 ? ~(~u >> c) : u >> c);
        }
    } else {
        const int64_t *x = args[0]->data;
        int64_t *r = o->data;
        for (int32_t i = 0; i < n; i++) {
            unsigned c = (unsigned)s[i] & 63u;
            uint64_t u = (uint64_t)x[i];
            r[i] = f == MF_SHL    ? (int64_t)(u << c)
                   : f == MF_SHRU ? (int64_t)(u >> c)
                                  : (int64_t)(x[i] < 0 ? ~(~u >> c) : u >> c);
        }
    }
    return WEIR_OK;
}

/* ---- table ------------------------------------------------------------------------------------
 */

#define DBL(nm, lo, hi)                                                                            \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = lo, .max_args = hi,                        \
        .bind = bind_double_fn, .exec = exec_double_fn, .pretty = math_pretty                      \
    }
#define FN(nm, lo, hi, b, x)                                                                       \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = lo, .max_args = hi, .bind = b, .exec = x,  \
        .pretty = math_pretty                                                                      \
    }

const weir_func weir_funcs_math[] = {
    DBL("sqrt", 1, 1),
    DBL("cbrt", 1, 1),
    DBL("exp", 1, 1),
    DBL("expm1", 1, 1),
    DBL("sin", 1, 1),
    DBL("cos", 1, 1),
    DBL("tan", 1, 1),
    DBL("asin", 1, 1),
    DBL("acos", 1, 1),
    DBL("atan", 1, 1),
    DBL("sinh", 1, 1),
    DBL("cosh", 1, 1),
    DBL("tanh", 1, 1),
    DBL("cot", 1, 1),
    DBL("degrees", 1, 1),
    DBL("radians", 1, 1),
    DBL("signum", 1, 1),
    DBL("sign", 1, 1),
    DBL("rint", 1, 1),
    DBL("asinh", 1, 1),
    DBL("acosh", 1, 1),
    DBL("atanh", 1, 1),
    DBL("ln", 1, 1),
    DBL("log10", 1, 1),
    DBL("log2", 1, 1),
    DBL("log1p", 1, 1),
    DBL("log", 1, 2),
    DBL("atan2", 2, 2),
    DBL("pow", 2, 2),
    DBL("power", 2, 2),
    DBL("hypot", 2, 2),
    DBL("e", 0, 0),
    DBL("pi", 0, 0),
    FN("abs", 1, 1, bind_abs, exec_abs),
    FN("ceil", 1, 2, bind_ceil_floor, exec_ceil_floor),
    FN("ceiling", 1, 2, bind_ceil_floor, exec_ceil_floor),
    FN("floor", 1, 2, bind_ceil_floor, exec_ceil_floor),
    FN("round", 1, 2, bind_round, exec_round),
    FN("bround", 1, 2, bind_round, exec_round),
    FN("factorial", 1, 1, bind_factorial, exec_factorial),
    FN("hex", 1, 1, bind_hex, exec_hex_bin),
    FN("unhex", 1, 1, bind_unhex, exec_hex_bin),
    FN("bin", 1, 1, bind_bin, exec_hex_bin),
    FN("shiftleft", 2, 2, bind_shift, exec_shift),
    FN("shiftright", 2, 2, bind_shift, exec_shift),
    FN("shiftrightunsigned", 2, 2, bind_shift, exec_shift),
    {.name = "pmod",
     .kind = WEIR_FN_SCALAR,
     .min_args = 2,
     .max_args = 2,
     .bind = weir_ops_bind_arith,
     .exec = weir_ops_exec_arith,
     .pretty = weir_ops_pretty},
    {0},
};
