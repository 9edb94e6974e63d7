/*
 * Operators (+ - * / % div, unary -, +, ~, comparisons, <=>, NOT, bitwise, IS [NOT] NULL,
 * IN) with Spark 3.5's non-ANSI semantics and automatic names.
 *
 * Why one file: Spark types these through a fixed chain of analyzer rules (datetime
 * rewrites, PromoteStrings, DecimalPrecision, Division, ImplicitTypeCasts); applying the
 * chain in one bind per operator keeps the result types and the "(a + 1)" names in step.
 * Kernels branch on the (coerced) type once per vector and loop over rows; integer overflow
 * wraps (two's complement), division or remainder by zero is NULL, doubles follow Spark's
 * NaN rules (NaN = NaN, NaN above every other value).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exec/func_util.h"
#include "plan/coerce.h"

typedef enum op_code {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_REM,
    OP_PMOD,
    OP_IDIV,
    OP_BITAND,
    OP_BITOR,
    OP_BITXOR,
    OP_NEG,
    OP_POS,
    OP_BITNOT,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_NSEQ,
    OP_NOT,
    OP_ISNULL,
    OP_ISNOTNULL,
    OP_IN,
    /* datetime forms of + and - (Spark rewrites them to other expressions) */
    OP_DATE_ADD,    /* date + int: date_add */
    OP_DATE_SUB,    /* date - int: date_sub */
    OP_DATE_DIFF,   /* date - date: interval of days */
    OP_TS_ADD_IV,   /* timestamp + interval */
    OP_TS_SUB_IV,   /* timestamp - interval */
    OP_DATE_ADD_IV, /* date + interval of whole days: date */
    OP_DATE_SUB_IV,
    OP_TS_DIFF, /* timestamp - timestamp: interval */
    OP_IV_MUL,  /* interval * number */
    OP_IV_DIV,  /* interval / number */
} op_code;

typedef struct op_info {
    op_code op;
} op_info;

/* ---- naming --------------------------------------------------------------------------- */

static const char *op_symbol(op_code op)
{
    switch (op) {
    case OP_ADD: return "+";
    case OP_SUB: return "-";
    case OP_MUL: return "*";
    case OP_DIV: return "/";
    case OP_REM: return "%";
    case OP_IDIV: return "div";
    case OP_BITAND: return "&";
    case OP_BITOR: return "|";
    case OP_BITXOR: return "^";
    case OP_EQ: return "=";
    case OP_LT: return "<";
    case OP_LE: return "<=";
    case OP_GT: return ">";
    case OP_GE: return ">=";
    case OP_NSEQ: return "<=>";
    case OP_DATE_DIFF:
    case OP_TS_DIFF: return "-";
    case OP_IV_MUL: return "*";
    case OP_IV_DIV: return "/";
    default: return "?";
    }
}

static op_code op_of_name(const char *name, int nargs)
{
    static const struct {
        const char *n;
        op_code op;
    } map[] = {{"+", OP_ADD},         {"-", OP_SUB},
               {"*", OP_MUL},         {"/", OP_DIV},
               {"%", OP_REM},         {"mod", OP_REM},
               {"div", OP_IDIV},      {"&", OP_BITAND},
               {"|", OP_BITOR},       {"^", OP_BITXOR},
               {"negative", OP_NEG},  {"positive", OP_POS},
               {"~", OP_BITNOT},      {"=", OP_EQ},
               {"==", OP_EQ},         {"<>", OP_NE},
               {"!=", OP_NE},         {"<", OP_LT},
               {"<=", OP_LE},         {">", OP_GT},
               {">=", OP_GE},         {"<=>", OP_NSEQ},
               {"not", OP_NOT},       {"!", OP_NOT},
               {"isnull", OP_ISNULL}, {"isnotnull", OP_ISNOTNULL},
               {"in", OP_IN},         {"pmod", OP_PMOD}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(map[i].n, name) == 0) {
            if (nargs == 1 && map[i].op == OP_ADD) return OP_POS;
            if (nargs == 1 && map[i].op == OP_SUB) return OP_NEG;
            return map[i].op;
        }
    }
    return OP_ADD;
}

static op_code op_of(const weir_expr *e)
{
    if (e->bind_data) return ((const op_info *)e->bind_data)->op;
    return op_of_name(e->fn->name, e->nargs);
}

static const char *ops_pretty(weir_arena *a, const weir_expr *ec)
{
    weir_expr *e = (weir_expr *)ec;
    const char *x = e->nargs > 0 ? weir_expr_pretty(a, e->args[0]) : "";
    const char *y = e->nargs > 1 ? weir_expr_pretty(a, e->args[1]) : "";
    if (!x || !y) return NULL;
    op_code op = op_of(e);
    const char *fname = e->fname ? e->fname : e->fn->name;
    /* The binder's operator calls pass the table's own name string; user calls such as
     * negative(x) pass a copy, and Spark names those after the function. */
    bool as_operator = e->fname == e->fn->name || strcmp(fname, "-") == 0;
    switch (op) {
    case OP_NEG:
        if (!as_operator && strcmp(fname, "negative") == 0)
            return weir_arena_sprintf(a, "negative(%s)", x);
        return weir_arena_sprintf(a, "(- %s)", x);
    case OP_POS: return weir_arena_sprintf(a, "(+ %s)", x);
    case OP_BITNOT: return weir_arena_sprintf(a, "~%s", x);
    case OP_NOT: return weir_arena_sprintf(a, "(NOT %s)", x);
    case OP_ISNULL: return weir_arena_sprintf(a, "(%s IS NULL)", x);
    case OP_ISNOTNULL: return weir_arena_sprintf(a, "(%s IS NOT NULL)", x);
    case OP_NE: return weir_arena_sprintf(a, "(NOT (%s = %s))", x, y);
    case OP_REM:
        if (strcmp(fname, "mod") == 0) return weir_arena_sprintf(a, "mod(%s, %s)", x, y);
        return weir_arena_sprintf(a, "(%s %% %s)", x, y);
    case OP_PMOD: return weir_arena_sprintf(a, "pmod(%s, %s)", x, y);
    case OP_DATE_ADD: return weir_arena_sprintf(a, "date_add(%s, %s)", x, y);
    case OP_DATE_SUB: return weir_arena_sprintf(a, "date_sub(%s, %s)", x, y);
    case OP_TS_ADD_IV:
    case OP_DATE_ADD_IV: return weir_arena_sprintf(a, "%s + %s", x, y);
    case OP_TS_SUB_IV:
    case OP_DATE_SUB_IV: return weir_arena_sprintf(a, "%s - %s", x, y);
    case OP_IN: {
        size_t len = strlen(x) + 8;
        for (int i = 1; i < e->nargs; i++) {
            const char *s = weir_expr_pretty(a, e->args[i]);
            if (!s) return NULL;
            len += strlen(s) + 2;
        }
        char *buf = weir_arena_alloc(a, len + 1);
        if (!buf) return NULL;
        char *p = buf;
        p += sprintf(p, "(%s IN (", x);
        for (int i = 1; i < e->nargs; i++)
            p += sprintf(p, "%s%s", i > 1 ? ", " : "", e->args[i]->pretty);
        sprintf(p, "))");
        return buf;
    }
    default: return weir_arena_sprintf(a, "(%s %s %s)", x, op_symbol(op), y);
    }
}

/* ---- binding ------------------------------------------------------------------------------ */

static const char *const NUMERIC_OR_INTERVAL =
    "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")";

static int set_op(weir_bind_ctx *bc, weir_expr *e, op_code op, weir_error *err)
{
    op_info *oi = WEIR_ARENA_NEW(bc->arena, op_info);
    if (!oi) return weir_err_nomem(err);
    oi->op = op;
    e->bind_data = oi;
    return WEIR_OK;
}

static int cast_arg(weir_bind_ctx *bc, weir_expr *e, int i, const weir_type *t, weir_error *err)
{
    weir_expr *c = weir_expr_cast(bc->arena, e->args[i], t);
    if (!c) return weir_err_nomem(err);
    e->args[i] = c;
    return WEIR_OK;
}

static int diff_types_error(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    char l[256], r[256];
    const char *p = weir_expr_pretty(bc->arena, e);
    return weir_bind_error(err, e,
                           "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"%s\" due to "
                           "data type mismatch: the left and right operands of the binary "
                           "operator have incompatible types (%s and %s).",
                           p ? p : "?", weir_sql_type_quoted(e->args[0]->type, l, sizeof l),
                           weir_sql_type_quoted(e->args[1]->type, r, sizeof r));
}

static int wrong_type_error(weir_bind_ctx *bc, weir_expr *e, const char *required,
                            const weir_type *actual, weir_error *err)
{
    char t[256];
    const char *p = weir_expr_pretty(bc->arena, e);
    return weir_bind_error(err, e,
                           "[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] Cannot resolve \"%s\" due to "
                           "data type mismatch: the binary operator requires the input type %s, "
                           "not %s.",
                           p ? p : "?", required, weir_sql_type_quoted(actual, t, sizeof t));
}

static bool is_fractional(const weir_type *t)
{
    return t->id == WEIR_T_FLOAT || t->id == WEIR_T_DOUBLE;
}

/* An interval literal Spark would type INTERVAL DAY (whole days, named "... DAY"). */
static bool is_day_interval_literal(const weir_expr *x)
{
    if (x->kind != WEIR_EX_LITERAL || x->lit.is_null || x->type->id != WEIR_T_INTERVAL)
        return false;
    if (x->lit.u.i % WEIR_US_PER_DAY != 0) return false;
    if (!x->pretty) return false;
    size_t n = strlen(x->pretty);
    return n >= 5 && strcmp(x->pretty + n - 5, "' DAY") == 0;
}

static void swap_args(weir_expr *e)
{
    weir_expr *t = e->args[0];
    e->args[0] = e->args[1];
    e->args[1] = t;
}

/* Datetime forms of + - * /; *handled set when the operator was rewritten. */
static int bind_datetime(weir_bind_ctx *bc, weir_expr *e, op_code op, bool *handled,
                         weir_error *err)
{
    weir_type_id l = e->args[0]->type->id, r = e->args[1]->type->id;
    int rc = WEIR_OK;
    *handled = true;
    if (op == OP_ADD) {
        if (l == WEIR_T_INTERVAL &&
            (r == WEIR_T_DATE || r == WEIR_T_TIMESTAMP || r == WEIR_T_STRING)) {
            swap_args(e);
            weir_type_id t = l;
            l = r;
            r = t;
        }
        if (r == WEIR_T_DATE && weir_type_is_numeric(e->args[0]->type)) {
            swap_args(e);
            weir_type_id t = l;
            l = r;
            r = t;
        }
        if (l == WEIR_T_DATE && r == WEIR_T_INTERVAL && is_day_interval_literal(e->args[1])) {
            e->type = WEIR_TYPE_DATE;
            return set_op(bc, e, OP_DATE_ADD_IV, err);
        }
        if ((l == WEIR_T_DATE || l == WEIR_T_TIMESTAMP || l == WEIR_T_STRING) &&
            r == WEIR_T_INTERVAL) {
            if ((rc = cast_arg(bc, e, 0, WEIR_TYPE_TIMESTAMP, err)) != WEIR_OK) return rc;
            e->type = WEIR_TYPE_TIMESTAMP;
            return set_op(bc, e, OP_TS_ADD_IV, err);
        }
        if (l == WEIR_T_DATE && r != WEIR_T_STRING && r != WEIR_T_DATE && r != WEIR_T_TIMESTAMP) {
            if (r == WEIR_T_NULL || weir_type_is_numeric(e->args[1]->type)) {
                if ((rc = cast_arg(bc, e, 1, WEIR_TYPE_INT, err)) != WEIR_OK) return rc;
                e->type = WEIR_TYPE_DATE;
                return set_op(bc, e, OP_DATE_ADD, err);
            }
        }
        if (l == WEIR_T_NULL && r == WEIR_T_INTERVAL) {
            *handled = false;
            return cast_arg(bc, e, 0, WEIR_TYPE_INTERVAL, err);
        }
        if (l == WEIR_T_INTERVAL && r == WEIR_T_NULL) {
            *handled = false;
            return cast_arg(bc, e, 1, WEIR_TYPE_INTERVAL, err);
        }
    } else if (op == OP_SUB) {
        if (l == WEIR_T_DATE && r == WEIR_T_INTERVAL && is_day_interval_literal(e->args[1])) {
            e->type = WEIR_TYPE_DATE;
            return set_op(bc, e, OP_DATE_SUB_IV, err);
        }
        if ((l == WEIR_T_DATE || l == WEIR_T_TIMESTAMP || l == WEIR_T_STRING) &&
            r == WEIR_T_INTERVAL) {
            if ((rc = cast_arg(bc, e, 0, WEIR_TYPE_TIMESTAMP, err)) != WEIR_OK) return rc;
            e->type = WEIR_TYPE_TIMESTAMP;
            return set_op(bc, e, OP_TS_SUB_IV, err);
        }
        if ((l == WEIR_T_TIMESTAMP && (r == WEIR_T_TIMESTAMP || r == WEIR_T_DATE)) ||
            (l == WEIR_T_DATE && r == WEIR_T_TIMESTAMP)) {
            if ((rc = cast_arg(bc, e, 0, WEIR_TYPE_TIMESTAMP, err)) != WEIR_OK) return rc;
            if ((rc = cast_arg(bc, e, 1, WEIR_TYPE_TIMESTAMP, err)) != WEIR_OK) return rc;
            e->type = WEIR_TYPE_INTERVAL;
            return set_op(bc, e, OP_TS_DIFF, err);
        }
        if (r == WEIR_T_DATE && (l == WEIR_T_DATE || l == WEIR_T_STRING || l == WEIR_T_NULL)) {
            if ((rc = cast_arg(bc, e, 0, WEIR_TYPE_DATE, err)) != WEIR_OK) return rc;
            e->type = WEIR_TYPE_INTERVAL;
            return set_op(bc, e, OP_DATE_DIFF, err);
        }
        if (l == WEIR_T_DATE && (r == WEIR_T_NULL || weir_type_is_numeric(e->args[1]->type))) {
            if ((rc = cast_arg(bc, e, 1, WEIR_TYPE_INT, err)) != WEIR_OK) return rc;
            e->type = WEIR_TYPE_DATE;
            return set_op(bc, e, OP_DATE_SUB, err);
        }
        if (l == WEIR_T_NULL && r == WEIR_T_INTERVAL) {
            *handled = false;
            return cast_arg(bc, e, 0, WEIR_TYPE_INTERVAL, err);
        }
        if (l == WEIR_T_INTERVAL && r == WEIR_T_NULL) {
            *handled = false;
            return cast_arg(bc, e, 1, WEIR_TYPE_INTERVAL, err);
        }
    } else if (op == OP_MUL) {
        if (r == WEIR_T_INTERVAL && weir_type_is_numeric(e->args[0]->type)) {
            swap_args(e);
            weir_type_id t = l;
            l = r;
            r = t;
        }
        if (l == WEIR_T_INTERVAL && weir_type_is_numeric(e->args[1]->type)) {
            e->type = WEIR_TYPE_INTERVAL;
            return set_op(bc, e, OP_IV_MUL, err);
        }
    } else if (op == OP_DIV) {
        if (l == WEIR_T_INTERVAL && weir_type_is_numeric(e->args[1]->type)) {
            e->type = WEIR_TYPE_INTERVAL;
            return set_op(bc, e, OP_IV_DIV, err);
        }
    }
    *handled = false;
    return WEIR_OK;
}

static const weir_type *decimal_result(weir_bind_ctx *bc, op_code op, const weir_type *x,
                                       const weir_type *y)
{
    int p1 = x->precision, s1 = x->scale, p2 = y->precision, s2 = y->scale;
    int smax = s1 > s2 ? s1 : s2;
    int rmax = p1 - s1 > p2 - s2 ? p1 - s1 : p2 - s2;
    int rmin = p1 - s1 < p2 - s2 ? p1 - s1 : p2 - s2;
    switch (op) {
    case OP_ADD:
    case OP_SUB: return weir_decimal_adjust(bc->arena, rmax + smax + 1, smax);
    case OP_MUL: return weir_decimal_adjust(bc->arena, p1 + p2 + 1, s1 + s2);
    case OP_DIV: {
        int scale = s1 + p2 + 1 > 6 ? s1 + p2 + 1 : 6;
        return weir_decimal_adjust(bc->arena, p1 - s1 + s2 + scale, scale);
    }
    case OP_REM:
    case OP_PMOD: return weir_decimal_adjust(bc->arena, rmin + smax, smax);
    case OP_IDIV: return WEIR_TYPE_BIGINT;
    default: return weir_decimal_wider(bc->arena, x, y);
    }
}

static int bind_arith(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    op_code op = op_of_name(e->fn->name, e->nargs);
    int rc;
    if (op == OP_ADD || op == OP_SUB || op == OP_MUL || op == OP_DIV) {
        bool handled;
        if ((rc = bind_datetime(bc, e, op, &handled, err)) != WEIR_OK) return rc;
        if (handled) {
            e->nullable = true;
            return WEIR_OK;
        }
    }
    if ((rc = set_op(bc, e, op, err)) != WEIR_OK) return rc;
    /* PromoteStrings: strings in arithmetic are doubles (unless with an interval). */
    for (int i = 0; i < 2; i++) {
        if (e->args[i]->type->id == WEIR_T_STRING && e->args[1 - i]->type->id != WEIR_T_INTERVAL &&
            (rc = cast_arg(bc, e, i, WEIR_TYPE_DOUBLE, err)) != WEIR_OK)
            return rc;
    }
    const weir_type *l = e->args[0]->type, *r = e->args[1]->type;
    bool ld = l->id == WEIR_T_DECIMAL, rd = r->id == WEIR_T_DECIMAL;
    if (ld || rd) {
        /* DecimalPrecision */
        if (ld && weir_type_is_integral(r)) {
            if ((rc = cast_arg(bc, e, 1, weir_decimal_for_expr(bc->arena, e->args[1]), err)))
                return rc;
        } else if (rd && weir_type_is_integral(l)) {
            if ((rc = cast_arg(bc, e, 0, weir_decimal_for_expr(bc->arena, e->args[0]), err)))
                return rc;
        } else if (ld && is_fractional(r)) {
            if ((rc = cast_arg(bc, e, 0, WEIR_TYPE_DOUBLE, err))) return rc;
        } else if (rd && is_fractional(l)) {
            if ((rc = cast_arg(bc, e, 1, WEIR_TYPE_DOUBLE, err))) return rc;
        }
    }
    l = e->args[0]->type;
    r = e->args[1]->type;
    /* Division: non-decimal numeric (or NULL) operands of / are doubles. */
    if (op == OP_DIV && !(l->id == WEIR_T_DECIMAL && r->id == WEIR_T_DECIMAL) &&
        (weir_type_is_numeric(l) || l->id == WEIR_T_NULL) &&
        (weir_type_is_numeric(r) || r->id == WEIR_T_NULL)) {
        if ((rc = cast_arg(bc, e, 0, WEIR_TYPE_DOUBLE, err)) ||
            (rc = cast_arg(bc, e, 1, WEIR_TYPE_DOUBLE, err)))
            return rc;
    }
    l = e->args[0]->type;
    r = e->args[1]->type;
    bool both_dec = l->id == WEIR_T_DECIMAL && r->id == WEIR_T_DECIMAL;
    if (!both_dec && !weir_type_equal(l, r)) {
        /* ImplicitTypeCasts: the tightest common type, if the operator accepts it */
        const weir_type *t = weir_tightest_type(bc->arena, l, r);
        if (!t) return diff_types_error(bc, e, err);
        if (t->id == WEIR_T_NULL) t = WEIR_TYPE_DOUBLE;
        if ((rc = cast_arg(bc, e, 0, t, err)) || (rc = cast_arg(bc, e, 1, t, err))) return rc;
    } else if (l->id == WEIR_T_NULL) {
        /* NULL op NULL: the operator's default input type */
        const weir_type *t = op == OP_IDIV ? WEIR_TYPE_BIGINT
                             : (op == OP_BITAND || op == OP_BITOR || op == OP_BITXOR)
                                 ? WEIR_TYPE_BIGINT
                                 : WEIR_TYPE_DOUBLE;
        if ((rc = cast_arg(bc, e, 0, t, err)) || (rc = cast_arg(bc, e, 1, t, err))) return rc;
    }
    l = e->args[0]->type;
    r = e->args[1]->type;
    /* input type checks */
    const char *required = NULL;
    bool ok;
    switch (op) {
    case OP_ADD:
    case OP_SUB:
        ok = weir_type_is_numeric(l) || l->id == WEIR_T_INTERVAL;
        required = NUMERIC_OR_INTERVAL;
        break;
    case OP_MUL:
    case OP_REM:
    case OP_PMOD:
        ok = weir_type_is_numeric(l);
        required = "\"NUMERIC\"";
        break;
    case OP_DIV:
        ok = l->id == WEIR_T_DOUBLE || l->id == WEIR_T_DECIMAL;
        required = "(\"DOUBLE\" or \"DECIMAL\")";
        break;
    case OP_IDIV:
        ok = weir_type_is_numeric(l);
        required = "(\"BIGINT\" or \"DECIMAL\")";
        break;
    default:
        ok = weir_type_is_integral(l);
        required = "\"INTEGRAL\"";
        break;
    }
    if (!ok) return wrong_type_error(bc, e, required, l, err);
    if (op == OP_IDIV && l->id != WEIR_T_DECIMAL) {
        if ((rc = cast_arg(bc, e, 0, WEIR_TYPE_BIGINT, err)) ||
            (rc = cast_arg(bc, e, 1, WEIR_TYPE_BIGINT, err)))
            return rc;
        l = r = WEIR_TYPE_BIGINT;
    }
    if (l->id == WEIR_T_DECIMAL)
        e->type = decimal_result(bc, op, l, r);
    else if (op == OP_IDIV)
        e->type = WEIR_TYPE_BIGINT;
    else
        e->type = l;
    if (!e->type) return weir_err_nomem(err);
    e->nullable = true;
    return WEIR_OK;
}

static int bind_unary(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    op_code op = op_of_name(e->fn->name, e->nargs);
    int rc = set_op(bc, e, op, err);
    if (rc) return rc;
    const weir_type *t = e->args[0]->type;
    if (op == OP_BITNOT) {
        if (t->id == WEIR_T_NULL && (rc = cast_arg(bc, e, 0, WEIR_TYPE_BIGINT, err))) return rc;
        if (!weir_type_is_integral(e->args[0]->type))
            return weir_unexpected_input_type(bc, e, 0, "\"INTEGRAL\"", err);
    } else {
        if ((t->id == WEIR_T_STRING || t->id == WEIR_T_NULL) &&
            (rc = cast_arg(bc, e, 0, WEIR_TYPE_DOUBLE, err)))
            return rc;
        t = e->args[0]->type;
        if (!weir_type_is_numeric(t) && t->id != WEIR_T_INTERVAL)
            return weir_unexpected_input_type(bc, e, 0, NUMERIC_OR_INTERVAL, err);
    }
    e->type = e->args[0]->type;
    e->nullable = e->args[0]->nullable;
    return WEIR_OK;
}

static bool orderable(const weir_type *t)
{
    if (t->id == WEIR_T_MAP) return false;
    if (t->id == WEIR_T_ARRAY) return orderable(t->elem);
    if (t->id == WEIR_T_STRUCT) {
        for (int i = 0; i < t->nfields; i++)
            if (!orderable(t->fields[i].type)) return false;
    }
    return true;
}

/* DecimalPrecision's integralAndDecimalLiteral: int_col > 1.5 compares with floor/ceil. */
static int integral_vs_decimal_literal(weir_bind_ctx *bc, weir_expr *e, op_code op, weir_error *err)
{
    for (int side = 0; side < 2; side++) {
        weir_expr *i = e->args[side], *d = e->args[1 - side];
        if (!weir_type_is_integral(i->type) || d->kind != WEIR_EX_LITERAL ||
            d->type->id != WEIR_T_DECIMAL || d->lit.is_null)
            continue;
        /* mirror the operator when the literal is on the left */
        op_code o = op;
        if (side == 1) o = op == OP_LT ? OP_GT : op == OP_LE ? OP_GE : op == OP_GT ? OP_LT : OP_LE;
        __int128 p = weir_dec_pow10(d->type->scale), v = d->lit.u.dec;
        __int128 fl = v / p - ((v % p != 0 && v < 0) ? 1 : 0);
        __int128 ce = v / p + ((v % p != 0 && v > 0) ? 1 : 0);
        /* int > lit: floor; int >= lit: ceil; int < lit: ceil; int <= lit: floor */
        __int128 x = (o == OP_GT || o == OP_LE) ? fl : ce;
        if (x > INT64_MAX || x < INT64_MIN) return WEIR_OK; /* keep the decimal comparison */
        weir_value lv = {.type = WEIR_TYPE_BIGINT, .is_null = false};
        lv.u.i = (int64_t)x;
        weir_expr *nl = weir_expr_literal(bc->arena, &lv);
        if (!nl) return weir_err_nomem(err);
        nl->line = d->line;
        nl->pos = d->pos;
        e->args[1 - side] = nl;
        return WEIR_OK;
    }
    return WEIR_OK;
}

static int bind_compare(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    op_code op = op_of_name(e->fn->name, 2);
    int rc = set_op(bc, e, op, err);
    if (rc) return rc;
    bool equality = op == OP_EQ || op == OP_NE || op == OP_NSEQ;
    if (!equality && (rc = integral_vs_decimal_literal(bc, e, op, err))) return rc;
    const weir_type *t = weir_comparison_type(bc->arena, e->args[0], e->args[1], equality);
    if (!t) return diff_types_error(bc, e, err);
    if ((rc = cast_arg(bc, e, 0, t, err)) || (rc = cast_arg(bc, e, 1, t, err))) return rc;
    if (!orderable(t)) {
        char tb[256];
        const char *p = weir_expr_pretty(bc->arena, e);
        return weir_bind_error(err, e,
                               "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve \"%s\" "
                               "due to data type mismatch: The `%s` does not support ordering on "
                               "type %s.",
                               p ? p : "?", op == OP_NE ? "=" : op_symbol(op),
                               weir_sql_type_quoted(t, tb, sizeof tb));
    }
    e->type = WEIR_TYPE_BOOLEAN;
    e->nullable = op == OP_NSEQ ? false : (e->args[0]->nullable || e->args[1]->nullable);
    return WEIR_OK;
}

static int bind_not(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = set_op(bc, e, OP_NOT, err);
    if (rc) return rc;
    const weir_type *t = e->args[0]->type;
    if (t->id == WEIR_T_NULL) {
        if ((rc = cast_arg(bc, e, 0, WEIR_TYPE_BOOLEAN, err))) return rc;
    } else if (t->id != WEIR_T_BOOLEAN) {
        return weir_unexpected_input_type(bc, e, 0, "\"BOOLEAN\"", err);
    }
    e->type = WEIR_TYPE_BOOLEAN;
    e->nullable = e->args[0]->nullable;
    return WEIR_OK;
}

static int bind_isnull(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = set_op(bc, e, op_of_name(e->fn->name, 1), err);
    if (rc) return rc;
    e->type = WEIR_TYPE_BOOLEAN;
    e->nullable = false;
    return WEIR_OK;
}

static int bind_in(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = set_op(bc, e, OP_IN, err);
    if (rc) return rc;
    bool differ = false;
    for (int i = 1; i < e->nargs; i++)
        differ |= !weir_type_equal(e->args[i]->type, e->args[0]->type);
    if (differ && (rc = weir_coerce_args_common(bc, e, 0, e->nargs, err))) return rc;
    e->type = WEIR_TYPE_BOOLEAN;
    e->nullable = true;
    return WEIR_OK;
}

/* ---- kernels: comparison ------------------------------------------------------------------ */

/* c[i] = sign of x[i] compared with y[i], for every row (NULL rows hold anything). */
#define CMP_INT(T)                                                                                 \
    do {                                                                                           \
        const T *xa = x->data, *ya = y->data;                                                      \
        for (int32_t i = 0; i < n; i++)                                                            \
            c[i] = (int8_t)((xa[i] > ya[i]) - (xa[i] < ya[i]));                                    \
    } while (0)

static void cmp_rows(const weir_vec *x, const weir_vec *y, int32_t n, int8_t *c)
{
    switch (x->type->id) {
    case WEIR_T_BOOLEAN: CMP_INT(uint8_t); break;
    case WEIR_T_TINYINT: CMP_INT(int8_t); break;
    case WEIR_T_SMALLINT: CMP_INT(int16_t); break;
    case WEIR_T_INT:
    case WEIR_T_DATE: CMP_INT(int32_t); break;
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: CMP_INT(int64_t); break;
    case WEIR_T_DECIMAL: CMP_INT(__int128); break;
    case WEIR_T_FLOAT: {
        const float *xa = x->data, *ya = y->data;
        for (int32_t i = 0; i < n; i++)
            c[i] = (int8_t)weir_fk_dcmp(xa[i], ya[i]);
        break;
    }
    case WEIR_T_DOUBLE: {
        const double *xa = x->data, *ya = y->data;
        for (int32_t i = 0; i < n; i++)
            c[i] = (int8_t)weir_fk_dcmp(xa[i], ya[i]);
        break;
    }
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        const char *xd = x->data, *yd = y->data;
        for (int32_t i = 0; i < n; i++) {
            int32_t xo = x->offsets[i], xl = x->offsets[i + 1] - xo;
            int32_t yo = y->offsets[i], yl = y->offsets[i + 1] - yo;
            int32_t m = xl < yl ? xl : yl;
            int r = m ? memcmp(xd + xo, yd + yo, (size_t)m) : 0;
            c[i] = (int8_t)(r ? (r < 0 ? -1 : 1) : (xl > yl) - (xl < yl));
        }
        break;
    }
    case WEIR_T_NULL: memset(c, 0, (size_t)n); break;
    default:
        for (int32_t i = 0; i < n; i++)
            c[i] = (weir_fk_null(x, i) || weir_fk_null(y, i)) ? 0
                                                              : (int8_t)weir_fk_row_cmp(x, i, y, i);
        break;
    }
}

static int exec_compare(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    op_code op = op_of(e);
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BOOLEAN, n);
    int8_t *c = weir_arena_alloc(ctx->arena, (size_t)n + 1);
    if (!o || !c) return weir_err_nomem(ctx->err);
    cmp_rows(args[0], args[1], n, c);
    uint8_t *r = o->data;
    switch (op) {
    case OP_EQ:
    case OP_NSEQ:
        for (int32_t i = 0; i < n; i++)
            r[i] = c[i] == 0;
        break;
    case OP_NE:
        for (int32_t i = 0; i < n; i++)
            r[i] = c[i] != 0;
        break;
    case OP_LT:
        for (int32_t i = 0; i < n; i++)
            r[i] = c[i] < 0;
        break;
    case OP_LE:
        for (int32_t i = 0; i < n; i++)
            r[i] = c[i] <= 0;
        break;
    case OP_GT:
        for (int32_t i = 0; i < n; i++)
            r[i] = c[i] > 0;
        break;
    default:
        for (int32_t i = 0; i < n; i++)
            r[i] = c[i] >= 0;
        break;
    }
    if (op == OP_NSEQ) {
        /* NULL <=> NULL is true, NULL <=> x false; never NULL */
        if (args[0]->valid || args[1]->valid || args[0]->type->id == WEIR_T_NULL) {
            for (int32_t i = 0; i < n; i++) {
                bool nx = weir_fk_null(args[0], i), ny = weir_fk_null(args[1], i);
                if (nx || ny) r[i] = nx && ny;
            }
        }
    } else if (weir_fk_and_valid(o, args, 2, n) != WEIR_OK) {
        return weir_err_nomem(ctx->err);
    }
    *out = o;
    return WEIR_OK;
}

static int exec_in(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                   weir_vec **out)
{
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BOOLEAN, n);
    int8_t *c = weir_arena_alloc(ctx->arena, (size_t)n + 1);
    uint8_t *saw_null = weir_arena_calloc(ctx->arena, (size_t)n + 1);
    if (!o || !c || !saw_null) return weir_err_nomem(ctx->err);
    uint8_t *r = o->data;
    memset(r, 0, (size_t)n);
    for (int k = 1; k < e->nargs; k++) {
        const weir_vec *l = args[k];
        cmp_rows(args[0], l, n, c);
        if (l->valid || l->type->id == WEIR_T_NULL) {
            for (int32_t i = 0; i < n; i++) {
                if (weir_fk_null(l, i))
                    saw_null[i] = 1;
                else
                    r[i] |= c[i] == 0;
            }
        } else {
            for (int32_t i = 0; i < n; i++)
                r[i] |= c[i] == 0;
        }
    }
    /* value NULL -> NULL; no match but a NULL in the list -> NULL */
    for (int32_t i = 0; i < n; i++) {
        if (weir_fk_null(args[0], i) || (!r[i] && saw_null[i])) {
            r[i] = 0;
            if (weir_fk_set_null(o, i) != WEIR_OK) return weir_err_nomem(ctx->err);
        }
    }
    *out = o;
    return WEIR_OK;
}

static int exec_isnull(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    bool want_null = op_of(e) == OP_ISNULL;
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BOOLEAN, n);
    if (!o) return weir_err_nomem(ctx->err);
    uint8_t *r = o->data;
    const weir_vec *x = args[0];
    for (int32_t i = 0; i < n; i++)
        r[i] = weir_fk_null(x, i) == want_null;
    *out = o;
    return WEIR_OK;
}

static int exec_not(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                    weir_vec **out)
{
    weir_vec *o = weir_fk_out(ctx, WEIR_TYPE_BOOLEAN, n);
    if (!o || weir_fk_and_valid(o, args, 1, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    const uint8_t *x = args[0]->data;
    uint8_t *r = o->data;
    if (args[0]->type->id == WEIR_T_NULL)
        memset(r, 0, (size_t)n);
    else
        for (int32_t i = 0; i < n; i++)
            r[i] = !x[i];
    *out = o;
    return WEIR_OK;
}

/* ---- kernels: arithmetic -------------------------------------------------------------------- */

/* Two's complement wrap for every integer width: compute in unsigned U, convert back. */
#define INT_ARITH(T, U)                                                                            \
    do {                                                                                           \
        const T *xa = x->data, *ya = y->data;                                                      \
        T *ra = o->data;                                                                           \
        switch (op) {                                                                              \
        case OP_ADD:                                                                               \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = (T)((U)xa[i] + (U)ya[i]);                                                  \
            break;                                                                                 \
        case OP_SUB:                                                                               \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = (T)((U)xa[i] - (U)ya[i]);                                                  \
            break;                                                                                 \
        case OP_MUL:                                                                               \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = (T)((U)xa[i] * (U)ya[i]);                                                  \
            break;                                                                                 \
        case OP_BITAND:                                                                            \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = (T)(xa[i] & ya[i]);                                                        \
            break;                                                                                 \
        case OP_BITOR:                                                                             \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = (T)(xa[i] | ya[i]);                                                        \
            break;                                                                                 \
        case OP_BITXOR:                                                                            \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = (T)(xa[i] ^ ya[i]);                                                        \
            break;                                                                                 \
        case OP_REM:                                                                               \
        case OP_PMOD:                                                                              \
        case OP_IDIV:                                                                              \
            for (int32_t i = 0; i < n; i++) {                                                      \
                T b = ya[i];                                                                       \
                if (b == 0) {                                                                      \
                    ra[i] = 0;                                                                     \
                    zero[i] = 1;                                                                   \
                    any_zero = true;                                                               \
                } else if (b == -1) {                                                              \
                    ra[i] = op == OP_IDIV ? (T)((U)0 - (U)xa[i]) : 0;                              \
                } else if (op == OP_IDIV) {                                                        \
                    ra[i] = (T)(xa[i] / b);                                                        \
                } else {                                                                           \
                    T m = (T)(xa[i] % b);                                                          \
                    if (op == OP_PMOD && m < 0) m = (T)((T)((U)m + (U)b) % b);                     \
                    ra[i] = m;                                                                     \
                }                                                                                  \
            }                                                                                      \
            break;                                                                                 \
        default: break;                                                                            \
        }                                                                                          \
    } while (0)

#define FLOAT_ARITH(T, FMOD)                                                                       \
    do {                                                                                           \
        const T *xa = x->data, *ya = y->data;                                                      \
        T *ra = o->data;                                                                           \
        switch (op) {                                                                              \
        case OP_ADD:                                                                               \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = xa[i] + ya[i];                                                             \
            break;                                                                                 \
        case OP_SUB:                                                                               \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = xa[i] - ya[i];                                                             \
            break;                                                                                 \
        case OP_MUL:                                                                               \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = xa[i] * ya[i];                                                             \
            break;                                                                                 \
        default:                                                                                   \
            for (int32_t i = 0; i < n; i++) {                                                      \
                T b = ya[i];                                                                       \
                if (b == 0) {                                                                      \
                    ra[i] = 0;                                                                     \
                    zero[i] = 1;                                                                   \
                    any_zero = true;                                                               \
                } else if (op == OP_DIV) {                                                         \
                    ra[i] = xa[i] / b;                                                             \
                } else {                                                                           \
                    T m = FMOD(xa[i], b);                                                          \
                    if (op == OP_PMOD && m < 0) m = FMOD(m + b, b);                                \
                    ra[i] = m;                                                                     \
                }                                                                                  \
            }                                                                                      \
            break;                                                                                 \
        }                                                                                          \
    } while (0)

static int exec_decimal(weir_eval_ctx *ctx, op_code op, const weir_vec *x, const weir_vec *y,
                        weir_vec *o, int32_t n)
{
    const __int128 *xa = x->data, *ya = y->data;
    int sa = x->type->scale, sb = y->type->scale;
    int rp = o->type->precision, rs = o->type->scale;
    for (int32_t i = 0; i < n; i++) {
        if (weir_fk_null(o, i)) {
            if (op == OP_IDIV)
                ((int64_t *)o->data)[i] = 0;
            else
                ((__int128 *)o->data)[i] = 0;
            continue;
        }
        bool ok;
        __int128 r = 0;
        switch (op) {
        case OP_ADD:
        case OP_SUB: ok = weir_dec_add(xa[i], sa, ya[i], sb, op == OP_SUB, rp, rs, &r); break;
        case OP_MUL: ok = weir_dec_mul(xa[i], sa, ya[i], sb, rp, rs, &r); break;
        case OP_DIV: ok = weir_dec_div(xa[i], sa, ya[i], sb, rp, rs, &r); break;
        case OP_REM:
        case OP_PMOD: ok = weir_dec_rem(xa[i], sa, ya[i], sb, op == OP_PMOD, rp, rs, &r); break;
        case OP_IDIV: {
            int64_t q = 0;
            ok = weir_dec_quot_long(xa[i], sa, ya[i], sb, &q);
            ((int64_t *)o->data)[i] = q;
            if (!ok && weir_fk_set_null(o, i) != WEIR_OK) return weir_err_nomem(ctx->err);
            continue;
        }
        default: ok = false; break;
        }
        ((__int128 *)o->data)[i] = ok ? r : 0;
        if (!ok && weir_fk_set_null(o, i) != WEIR_OK) return weir_err_nomem(ctx->err);
    }
    return WEIR_OK;
}

/* Guava's DoubleMath.roundToLong(x, HALF_UP) as Spark uses for interval arithmetic. */
static int64_t round_half_up_long(double v)
{
    return weir_java_d2l(round(v));
}

static int exec_datetime(weir_eval_ctx *ctx, op_code op, weir_vec **args, weir_vec *o, int32_t n)
{
    const weir_vec *x = args[0], *y = args[1];
    switch (op) {
    case OP_DATE_ADD:
    case OP_DATE_SUB: {
        const int32_t *d = x->data, *k = y->data;
        int32_t *r = o->data;
        for (int32_t i = 0; i < n; i++)
            r[i] = (int32_t)(op == OP_DATE_ADD ? (uint32_t)d[i] + (uint32_t)k[i]
                                               : (uint32_t)d[i] - (uint32_t)k[i]);
        break;
    }
    case OP_DATE_ADD_IV:
    case OP_DATE_SUB_IV: {
        const int32_t *d = x->data;
        const int64_t *iv = y->data;
        int32_t *r = o->data;
        for (int32_t i = 0; i < n; i++) {
            int64_t days = iv[i] / WEIR_US_PER_DAY;
            r[i] = (int32_t)(op == OP_DATE_ADD_IV ? d[i] + days : d[i] - days);
        }
        break;
    }
    case OP_DATE_DIFF: {
        const int32_t *a = x->data, *b = y->data;
        int64_t *r = o->data;
        for (int32_t i = 0; i < n; i++)
            r[i] = ((int64_t)a[i] - b[i]) * WEIR_US_PER_DAY;
        break;
    }
    case OP_TS_ADD_IV:
    case OP_TS_SUB_IV:
    case OP_TS_DIFF: {
        const int64_t *a = x->data, *b = y->data;
        int64_t *r = o->data;
        if (op == OP_TS_ADD_IV)
            for (int32_t i = 0; i < n; i++)
                r[i] = (int64_t)((uint64_t)a[i] + (uint64_t)b[i]);
        else
            for (int32_t i = 0; i < n; i++)
                r[i] = (int64_t)((uint64_t)a[i] - (uint64_t)b[i]);
        break;
    }
    case OP_IV_MUL:
    case OP_IV_DIV: {
        const int64_t *a = x->data;
        int64_t *r = o->data;
        bool integral = weir_type_is_integral(y->type);
        for (int32_t i = 0; i < n; i++) {
            if (weir_fk_null(o, i)) {
                r[i] = 0;
                continue;
            }
            if (op == OP_IV_MUL) {
                if (integral)
                    r[i] = (int64_t)((uint64_t)a[i] * (uint64_t)weir_fk_get_long(y, i));
                else
                    r[i] = round_half_up_long((double)a[i] * weir_fk_get_double(y, i));
            } else {
                double dv = weir_fk_get_double(y, i);
                if (dv == 0)
                    return weir_err(ctx->err, WEIR_ERUNTIME,
                                    "[INTERVAL_DIVIDED_BY_ZERO] Division by zero. Use `try_divide` "
                                    "to tolerate divisor being 0 and return NULL instead.");
                if (integral) {
                    int64_t k = weir_fk_get_long(y, i);
                    int64_t q = a[i] / k, rem = a[i] % k;
                    /* LongMath.divide(..., HALF_UP) */
                    uint64_t ar = rem < 0 ? 0 - (uint64_t)rem : (uint64_t)rem;
                    uint64_t ak = k < 0 ? 0 - (uint64_t)k : (uint64_t)k;
                    if (rem != 0 && 2 * ar >= ak) q += ((a[i] < 0) != (k < 0)) ? -1 : 1;
                    r[i] = q;
                } else {
                    r[i] = round_half_up_long((double)a[i] / dv);
                }
            }
        }
        break;
    }
    default: break;
    }
    return WEIR_OK;
}

static int exec_arith(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    op_code op = op_of(e);
    weir_vec *o = weir_fk_out(ctx, e->type, n);
    if (!o || weir_fk_and_valid(o, args, 2, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    *out = o;
    if (op >= OP_DATE_ADD) {
        int rc = exec_datetime(ctx, op, args, o, n);
        return rc;
    }
    const weir_vec *x = args[0], *y = args[1];
    if (x->type->id == WEIR_T_NULL || y->type->id == WEIR_T_NULL) {
        memset(o->data, 0, weir_type_width(o->type) * (size_t)n);
        return WEIR_OK;
    }
    if (x->type->id == WEIR_T_DECIMAL) return exec_decimal(ctx, op, x, y, o, n);
    uint8_t *zero = weir_arena_calloc(ctx->arena, (size_t)n + 1);
    if (!zero) return weir_err_nomem(ctx->err);
    bool any_zero = false;
    switch (x->type->id) {
    case WEIR_T_TINYINT: INT_ARITH(int8_t, uint32_t); break;
    case WEIR_T_SMALLINT: INT_ARITH(int16_t, uint32_t); break;
    case WEIR_T_INT: INT_ARITH(int32_t, uint32_t); break;
    case WEIR_T_BIGINT:
    case WEIR_T_INTERVAL: INT_ARITH(int64_t, uint64_t); break;
    case WEIR_T_FLOAT: FLOAT_ARITH(float, fmodf); break;
    case WEIR_T_DOUBLE: FLOAT_ARITH(double, fmod); break;
    default: return weir_err(ctx->err, WEIR_ERUNTIME, "operator %s: unsupported type", e->fn->name);
    }
    if (any_zero)
        for (int32_t i = 0; i < n; i++)
            if (zero[i] && weir_fk_set_null(o, i) != WEIR_OK) return weir_err_nomem(ctx->err);
    return WEIR_OK;
}

static int exec_unary(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    op_code op = op_of(e);
    const weir_vec *x = args[0];
    weir_vec *o = weir_fk_out(ctx, e->type, n);
    if (!o || weir_fk_and_valid(o, args, 1, n) != WEIR_OK) return weir_err_nomem(ctx->err);
    *out = o;
    size_t w = weir_type_width(e->type);
    if (op == OP_POS || x->type->id == WEIR_T_NULL) {
        if (x->type->id == WEIR_T_NULL)
            memset(o->data, 0, w * (size_t)n);
        else
            memcpy(o->data, x->data, w * (size_t)n);
        return WEIR_OK;
    }
#define NEG_LOOP(T, U)                                                                             \
    do {                                                                                           \
        const T *xa = x->data;                                                                     \
        T *ra = o->data;                                                                           \
        if (op == OP_BITNOT)                                                                       \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = (T)~xa[i];                                                                 \
        else                                                                                       \
            for (int32_t i = 0; i < n; i++)                                                        \
                ra[i] = (T)((U)0 - (U)xa[i]);                                                      \
    } while (0)
    switch (x->type->id) {
    case WEIR_T_TINYINT: NEG_LOOP(int8_t, uint32_t); break;
    case WEIR_T_SMALLINT: NEG_LOOP(int16_t, uint32_t); break;
    case WEIR_T_INT: NEG_LOOP(int32_t, uint32_t); break;
    case WEIR_T_BIGINT:
    case WEIR_T_INTERVAL: NEG_LOOP(int64_t, uint64_t); break;
    case WEIR_T_DECIMAL: {
        const __int128 *xa = x->data;
        __int128 *ra = o->data;
        for (int32_t i = 0; i < n; i++)
            ra[i] = -xa[i];
        break;
    }
    case WEIR_T_FLOAT: {
        const float *xa = x->data;
        float *ra = o->data;
        for (int32_t i = 0; i < n; i++)
            ra[i] = -xa[i];
        break;
    }
    case WEIR_T_DOUBLE: {
        const double *xa = x->data;
        double *ra = o->data;
        for (int32_t i = 0; i < n; i++)
            ra[i] = -xa[i];
        break;
    }
    default: return weir_err(ctx->err, WEIR_ERUNTIME, "negative: unsupported type");
    }
#undef NEG_LOOP
    return WEIR_OK;
}

/* ---- table --------------------------------------------------------------------------------- */

#define ARITH(nm)                                                                                  \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = 2, .max_args = 2, .bind = bind_arith,      \
        .exec = exec_arith, .pretty = ops_pretty                                                   \
    }
#define ADDSUB(nm)                                                                                 \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = 1, .max_args = 2, .bind = bind_ops_12,     \
        .exec = exec_ops_12, .pretty = ops_pretty                                                  \
    }
#define UNARY(nm)                                                                                  \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = 1, .max_args = 1, .bind = bind_unary,      \
        .exec = exec_unary, .pretty = ops_pretty                                                   \
    }
#define CMP(nm)                                                                                    \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = 2, .max_args = 2, .bind = bind_compare,    \
        .exec = exec_compare, .pretty = ops_pretty                                                 \
    }

/* "+" and "-" also serve as the unary operators when called with one argument. */
static int bind_ops_12(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return e->nargs == 1 ? bind_unary(bc, e, err) : bind_arith(bc, e, err);
}

static int exec_ops_12(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    return e->nargs == 1 ? exec_unary(ctx, e, args, n, out) : exec_arith(ctx, e, args, n, out);
}

/* pmod lives in the math family (func_math.c) but shares these kernels. */

int weir_ops_bind_arith(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_arith(bc, e, err);
}
int weir_ops_exec_arith(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    return exec_arith(ctx, e, args, n, out);
}
const char *weir_ops_pretty(weir_arena *a, const weir_expr *e)
{
    return ops_pretty(a, e);
}
int weir_ops_bind_unary(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_unary(bc, e, err);
}
int weir_ops_exec_unary(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    return exec_unary(ctx, e, args, n, out);
}

const weir_func weir_funcs_ops[] = {
    ADDSUB("+"),
    ADDSUB("-"),
    ARITH("*"),
    ARITH("/"),
    ARITH("%"),
    ARITH("mod"),
    ARITH("div"),
    ARITH("&"),
    ARITH("|"),
    ARITH("^"),
    UNARY("negative"),
    UNARY("positive"),
    UNARY("~"),
    CMP("="),
    CMP("=="),
    CMP("<>"),
    CMP("!="),
    CMP("<"),
    CMP("<="),
    CMP(">"),
    CMP(">="),
    CMP("<=>"),
    {.name = "not",
     .kind = WEIR_FN_SCALAR,
     .min_args = 1,
     .max_args = 1,
     .bind = bind_not,
     .exec = exec_not,
     .pretty = ops_pretty},
    {.name = "!",
     .kind = WEIR_FN_SCALAR,
     .min_args = 1,
     .max_args = 1,
     .bind = bind_not,
     .exec = exec_not,
     .pretty = ops_pretty},
    {.name = "isnull",
     .kind = WEIR_FN_SCALAR,
     .min_args = 1,
     .max_args = 1,
     .bind = bind_isnull,
     .exec = exec_isnull,
     .pretty = ops_pretty},
    {.name = "isnotnull",
     .kind = WEIR_FN_SCALAR,
     .min_args = 1,
     .max_args = 1,
     .bind = bind_isnull,
     .exec = exec_isnull,
     .pretty = ops_pretty},
    {.name = "in",
     .kind = WEIR_FN_SCALAR,
     .min_args = 2,
     .max_args = -1,
     .bind = bind_in,
     .exec = exec_in,
     .pretty = ops_pretty},
    {0},
};
