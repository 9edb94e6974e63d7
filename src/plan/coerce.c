/*
 * Spark 3.5's type coercion (TypeCoercion.scala, DecimalPrecision, Cast.canCast) and its
 * automatic expression names (toPrettySQL / usePrettyExpression), for the binder and the
 * function bind callbacks.
 *
 * Why here and not in each function: Spark decides result types and the names users see
 * in one analyzer pass; keeping the widening tables in one file keeps every operator,
 * CASE, COALESCE, IN and UNION agreeing with each other exactly as Spark's do.
 * Non-ANSI mode only (spark.sql.ansi.enabled=false, Spark 3.5's default).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/strbuf.h"
#include "exec/show.h"
#include "plan/coerce.h"

/* ---- nodes ------------------------------------------------------------------------------- */

weir_expr *weir_expr_new(weir_arena *a, weir_expr_kind kind, const weir_type *type)
{
    weir_expr *e = WEIR_ARENA_NEW(a, weir_expr);
    if (!e) return NULL;
    e->kind = kind;
    e->type = type;
    e->nullable = true;
    e->col = -1;
    e->field = -1;
    return e;
}

weir_expr *weir_expr_literal(weir_arena *a, const weir_value *v)
{
    weir_expr *e = weir_expr_new(a, WEIR_EX_LITERAL, v->type);
    if (!e) return NULL;
    e->lit = *v;
    e->nullable = v->is_null || v->type->id == WEIR_T_NULL;
    return e;
}

/* Cast.forceNullable: casts that may turn a value into NULL in non-ANSI mode. */
static bool cast_force_nullable(const weir_type *from, const weir_type *to)
{
    if (from->id == WEIR_T_NULL) return true;
    if (from->id == to->id && from->id != WEIR_T_DECIMAL) return false;
    switch (to->id) {
    case WEIR_T_STRING: return false;
    case WEIR_T_DOUBLE:
    case WEIR_T_FLOAT: return from->id == WEIR_T_STRING;
    case WEIR_T_BIGINT:
    case WEIR_T_INT:
    case WEIR_T_SMALLINT:
    case WEIR_T_TINYINT: return from->id == WEIR_T_STRING || from->id == WEIR_T_DATE;
    case WEIR_T_DECIMAL:
        if (from->id == WEIR_T_DECIMAL)
            return from->precision - from->scale > to->precision - to->scale ||
                   from->scale > to->scale;
        return true;
    case WEIR_T_TIMESTAMP: return from->id == WEIR_T_STRING || weir_type_is_numeric(from);
    case WEIR_T_DATE: return from->id == WEIR_T_STRING;
    default: return true;
    }
}

weir_expr *weir_expr_cast(weir_arena *a, weir_expr *e, const weir_type *t)
{
    if (!e || !t) return NULL;
    if (weir_type_equal(e->type, t)) return e;
    weir_expr *c = weir_expr_new(a, WEIR_EX_CAST, t);
    weir_expr **args = WEIR_ARENA_NEWN(a, weir_expr *, 1);
    if (!c || !args) return NULL;
    args[0] = e;
    c->args = args;
    c->nargs = 1;
    c->implicit = true;
    c->nullable = e->nullable || cast_force_nullable(e->type, t);
    c->line = e->line;
    c->pos = e->pos;
    return c;
}

/* ---- Cast.canCast (non-ANSI) --------------------------------------------------------------- */

static bool is_complex(const weir_type *t)
{
    return t->id == WEIR_T_STRUCT || t->id == WEIR_T_ARRAY || t->id == WEIR_T_MAP;
}

static bool is_atomic(const weir_type *t)
{
    return t->id != WEIR_T_NULL && !is_complex(t);
}

bool weir_can_cast(const weir_type *from, const weir_type *to)
{
    if (weir_type_equal(from, to) || from->id == WEIR_T_NULL) return true;
    switch (to->id) {
    case WEIR_T_STRING: return true;
    case WEIR_T_BINARY: return from->id == WEIR_T_STRING || weir_type_is_integral(from);
    case WEIR_T_BOOLEAN:
        return from->id == WEIR_T_STRING || weir_type_is_numeric(from) ||
               from->id == WEIR_T_TIMESTAMP || from->id == WEIR_T_DATE;
    case WEIR_T_TIMESTAMP:
        return from->id == WEIR_T_STRING || from->id == WEIR_T_BOOLEAN || from->id == WEIR_T_DATE ||
               weir_type_is_numeric(from);
    case WEIR_T_DATE: return from->id == WEIR_T_STRING || from->id == WEIR_T_TIMESTAMP;
    case WEIR_T_INTERVAL: return from->id == WEIR_T_STRING || from->id == WEIR_T_INTERVAL;
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT:
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE:
    case WEIR_T_DECIMAL:
        return from->id == WEIR_T_STRING || from->id == WEIR_T_BOOLEAN ||
               from->id == WEIR_T_TIMESTAMP || from->id == WEIR_T_DATE ||
               weir_type_is_numeric(from);
    case WEIR_T_ARRAY: return from->id == WEIR_T_ARRAY && weir_can_cast(from->elem, to->elem);
    case WEIR_T_MAP:
        return from->id == WEIR_T_MAP && weir_can_cast(from->elem, to->elem) &&
               weir_can_cast(from->value, to->value);
    case WEIR_T_STRUCT:
        if (from->id != WEIR_T_STRUCT || from->nfields != to->nfields) return false;
        for (int i = 0; i < from->nfields; i++)
            if (!weir_can_cast(from->fields[i].type, to->fields[i].type)) return false;
        return true;
    default: return false;
    }
}

/* ---- decimals -------------------------------------------------------------------------------- */

static int imin(int a, int b)
{
    return a < b ? a : b;
}
static int imax(int a, int b)
{
    return a > b ? a : b;
}

static const weir_type *dec_bounded(weir_arena *a, int p, int s)
{
    return weir_type_decimal(a, imin(p, WEIR_DEC_MAX_PRECISION), imin(s, WEIR_DEC_MAX_PRECISION));
}

const weir_type *weir_decimal_for_type(weir_arena *a, const weir_type *t)
{
    switch (t->id) {
    case WEIR_T_TINYINT: return weir_type_decimal(a, 3, 0);
    case WEIR_T_SMALLINT: return weir_type_decimal(a, 5, 0);
    case WEIR_T_INT: return weir_type_decimal(a, 10, 0);
    case WEIR_T_BIGINT: return weir_type_decimal(a, 20, 0);
    case WEIR_T_FLOAT: return weir_type_decimal(a, 14, 7);
    case WEIR_T_DOUBLE: return weir_type_decimal(a, 30, 15);
    case WEIR_T_DECIMAL: return t;
    default: return NULL;
    }
}

const weir_type *weir_decimal_for_expr(weir_arena *a, const weir_expr *e)
{
    /* DecimalType.forLiteral: SMALLINT/INT/BIGINT literals get just the digits they need. */
    if (e->kind == WEIR_EX_LITERAL && !e->lit.is_null &&
        (e->type->id == WEIR_T_SMALLINT || e->type->id == WEIR_T_INT ||
         e->type->id == WEIR_T_BIGINT)) {
        uint64_t v = e->lit.u.i < 0 ? 0 - (uint64_t)e->lit.u.i : (uint64_t)e->lit.u.i;
        int digits = 1;
        while (v >= 10) {
            v /= 10;
            digits++;
        }
        return weir_type_decimal(a, digits, 0);
    }
    return weir_decimal_for_type(a, e->type);
}

const weir_type *weir_decimal_wider(weir_arena *a, const weir_type *x, const weir_type *y)
{
    int scale = imax(x->scale, y->scale);
    int range = imax(x->precision - x->scale, y->precision - y->scale);
    return dec_bounded(a, range + scale, scale);
}

const weir_type *weir_decimal_adjust(weir_arena *a, int precision, int scale)
{
    if (precision <= WEIR_DEC_MAX_PRECISION) return weir_type_decimal(a, precision, scale);
    if (scale < 0) return weir_type_decimal(a, WEIR_DEC_MAX_PRECISION, scale);
    int int_digits = precision - scale;
    int min_scale = imin(scale, 6);
    int adjusted = imax(WEIR_DEC_MAX_PRECISION - int_digits, min_scale);
    return weir_type_decimal(a, WEIR_DEC_MAX_PRECISION, adjusted);
}

/* DecimalType.isWiderThan for an integral type. */
static bool dec_wider_than_integral(weir_arena *a, const weir_type *d, const weir_type *t)
{
    const weir_type *f = weir_decimal_for_type(a, t);
    return f && d->precision - d->scale >= f->precision - f->scale && d->scale >= f->scale;
}

/* ---- common types ------------------------------------------------------------------------- */

typedef const weir_type *(*pair_fn)(weir_arena *, const weir_type *, const weir_type *);

/* findTypeForComplex: element-, key/value- or field-wise with the given rule. */
static const weir_type *complex_common(weir_arena *a, const weir_type *x, const weir_type *y,
                                       pair_fn f)
{
    if (x->id != y->id) return NULL;
    switch (x->id) {
    case WEIR_T_ARRAY: {
        const weir_type *e = f(a, x->elem, y->elem);
        return e ? weir_type_array(a, e) : NULL;
    }
    case WEIR_T_MAP: {
        const weir_type *k = f(a, x->elem, y->elem);
        const weir_type *v = k ? f(a, x->value, y->value) : NULL;
        return v ? weir_type_map(a, k, v) : NULL;
    }
    case WEIR_T_STRUCT: {
        if (x->nfields != y->nfields) return NULL;
        weir_field *fs = WEIR_ARENA_NEWN(a, weir_field, x->nfields ? x->nfields : 1);
        if (!fs) return NULL;
        for (int i = 0; i < x->nfields; i++) {
            if (strcasecmp(x->fields[i].name, y->fields[i].name) != 0) return NULL;
            fs[i].name = x->fields[i].name;
            fs[i].type = f(a, x->fields[i].type, y->fields[i].type);
            fs[i].nullable = x->fields[i].nullable || y->fields[i].nullable;
            if (!fs[i].type) return NULL;
        }
        return weir_type_struct(a, fs, x->nfields);
    }
    default: return NULL;
    }
}

const weir_type *weir_tightest_type(weir_arena *a, const weir_type *x, const weir_type *y)
{
    if (weir_type_equal(x, y)) return x;
    if (x->id == WEIR_T_NULL) return y;
    if (y->id == WEIR_T_NULL) return x;
    if (weir_type_is_integral(x) && y->id == WEIR_T_DECIMAL)
        return dec_wider_than_integral(a, y, x) ? y : NULL;
    if (x->id == WEIR_T_DECIMAL && weir_type_is_integral(y))
        return dec_wider_than_integral(a, x, y) ? x : NULL;
    if (weir_type_is_numeric(x) && weir_type_is_numeric(y) && x->id != WEIR_T_DECIMAL &&
        y->id != WEIR_T_DECIMAL)
        /* numericPrecedence: TINYINT < SMALLINT < INT < BIGINT < FLOAT < DOUBLE */
        return x->id > y->id ? x : y;
    if ((x->id == WEIR_T_TIMESTAMP && y->id == WEIR_T_DATE) ||
        (x->id == WEIR_T_DATE && y->id == WEIR_T_TIMESTAMP))
        return WEIR_TYPE_TIMESTAMP;
    return complex_common(a, x, y, weir_tightest_type);
}

static const weir_type *wider_decimal(weir_arena *a, const weir_type *x, const weir_type *y)
{
    if (x->id == WEIR_T_DECIMAL && y->id == WEIR_T_DECIMAL) return weir_decimal_wider(a, x, y);
    if (weir_type_is_integral(x) && y->id == WEIR_T_DECIMAL)
        return weir_decimal_wider(a, weir_decimal_for_type(a, x), y);
    if (x->id == WEIR_T_DECIMAL && weir_type_is_integral(y))
        return weir_decimal_wider(a, weir_decimal_for_type(a, y), x);
    bool xf = x->id == WEIR_T_FLOAT || x->id == WEIR_T_DOUBLE;
    bool yf = y->id == WEIR_T_FLOAT || y->id == WEIR_T_DOUBLE;
    if ((xf && y->id == WEIR_T_DECIMAL) || (x->id == WEIR_T_DECIMAL && yf)) return WEIR_TYPE_DOUBLE;
    return NULL;
}

static const weir_type *string_promotion(const weir_type *x, const weir_type *y)
{
    if (x->id == WEIR_T_STRING && is_atomic(y) && y->id != WEIR_T_BINARY && y->id != WEIR_T_BOOLEAN)
        return WEIR_TYPE_STRING;
    if (y->id == WEIR_T_STRING && is_atomic(x) && x->id != WEIR_T_BINARY && x->id != WEIR_T_BOOLEAN)
        return WEIR_TYPE_STRING;
    return NULL;
}

const weir_type *weir_common_type(weir_arena *a, const weir_type *x, const weir_type *y)
{
    const weir_type *t = weir_tightest_type(a, x, y);
    if (!t) t = wider_decimal(a, x, y);
    if (!t) t = string_promotion(x, y);
    if (!t) t = complex_common(a, x, y, weir_common_type);
    return t;
}

const weir_type *weir_wider_type_no_string(weir_arena *a, const weir_type *x, const weir_type *y)
{
    const weir_type *t = weir_tightest_type(a, x, y);
    if (!t) t = wider_decimal(a, x, y);
    if (!t) t = complex_common(a, x, y, weir_wider_type_no_string);
    return t;
}

const weir_type *weir_comparison_type(weir_arena *a, const weir_expr *xe, const weir_expr *ye,
                                      bool equality)
{
    const weir_type *x = xe->type, *y = ye->type;
    if (weir_type_equal(x, y)) return x;
    /* PromoteStrings: findCommonTypeForBinaryComparison (castDatetimeToString = false). */
    if (x->id == WEIR_T_STRING || y->id == WEIR_T_STRING) {
        const weir_type *o = x->id == WEIR_T_STRING ? y : x;
        switch (o->id) {
        case WEIR_T_NULL: return WEIR_TYPE_STRING;
        case WEIR_T_DECIMAL: return WEIR_TYPE_DOUBLE;
        default:
            if (is_atomic(o)) return o;
            return NULL;
        }
    }
    if ((x->id == WEIR_T_TIMESTAMP && y->id == WEIR_T_DATE) ||
        (x->id == WEIR_T_DATE && y->id == WEIR_T_TIMESTAMP))
        return WEIR_TYPE_TIMESTAMP;
    /* BooleanEquality: the boolean side is cast to the numeric type. */
    if (equality && x->id == WEIR_T_BOOLEAN && weir_type_is_numeric(y)) return y;
    if (equality && y->id == WEIR_T_BOOLEAN && weir_type_is_numeric(x)) return x;
    /* DecimalPrecision. */
    if (x->id == WEIR_T_DECIMAL || y->id == WEIR_T_DECIMAL) {
        const weir_type *dx = x, *dy = y;
        if (weir_type_is_integral(x)) dx = weir_decimal_for_expr(a, xe);
        if (weir_type_is_integral(y)) dy = weir_decimal_for_expr(a, ye);
        if (dx->id == WEIR_T_DECIMAL && dy->id == WEIR_T_DECIMAL)
            return weir_decimal_wider(a, dx, dy);
        if (dx->id == WEIR_T_FLOAT || dx->id == WEIR_T_DOUBLE || dy->id == WEIR_T_FLOAT ||
            dy->id == WEIR_T_DOUBLE)
            return WEIR_TYPE_DOUBLE;
    }
    return weir_tightest_type(a, x, y);
}

/* ---- implicit casts for function inputs ---------------------------------------------------- */

const weir_type *weir_implicit_cast(weir_arena *a, const weir_type *from, const weir_type *to)
{
    if (weir_type_equal(from, to)) return from;
    /* A DECIMAL target stands for Spark's abstract DecimalType: any decimal is accepted. */
    if (to->id == WEIR_T_DECIMAL && from->id == WEIR_T_DECIMAL) return from;
    if (from->id == WEIR_T_NULL) return to;
    if (weir_type_is_numeric(from) && to->id == WEIR_T_DECIMAL)
        return weir_decimal_for_type(a, from);
    if (weir_type_is_numeric(from) && weir_type_is_numeric(to)) return to;
    if (from->id == WEIR_T_DATE && to->id == WEIR_T_TIMESTAMP) return to;
    if (from->id == WEIR_T_TIMESTAMP && to->id == WEIR_T_DATE) return to;
    if (from->id == WEIR_T_STRING) {
        if (to->id == WEIR_T_DECIMAL) return weir_type_decimal(a, 38, 18);
        if (weir_type_is_numeric(to) || to->id == WEIR_T_DATE || to->id == WEIR_T_TIMESTAMP ||
            to->id == WEIR_T_BINARY)
            return to;
    }
    if (to->id == WEIR_T_STRING && is_atomic(from)) return to;
    if (from->id == WEIR_T_ARRAY && to->id == WEIR_T_ARRAY) {
        const weir_type *e = weir_implicit_cast(a, from->elem, to->elem);
        return e ? weir_type_array(a, e) : NULL;
    }
    if (from->id == WEIR_T_MAP && to->id == WEIR_T_MAP) {
        const weir_type *k = weir_implicit_cast(a, from->elem, to->elem);
        const weir_type *v = k ? weir_implicit_cast(a, from->value, to->value) : NULL;
        return v ? weir_type_map(a, k, v) : NULL;
    }
    return NULL;
}

/* ---- errors ------------------------------------------------------------------------------- */

const char *weir_sql_type_quoted(const weir_type *t, char *buf, size_t n)
{
    char tmp[512];
    weir_type_sql(t, tmp, sizeof tmp);
    snprintf(buf, n, "\"%s\"", tmp);
    return buf;
}

const char *weir_ordinal(int i, char *buf, size_t n)
{
    static const char *const names[] = {"first", "second",  "third",  "fourth", "fifth",
                                        "sixth", "seventh", "eighth", "ninth",  "tenth"};
    if (i >= 0 && i < 10)
        snprintf(buf, n, "%s", names[i]);
    else
        snprintf(buf, n, "%dth", i + 1);
    return buf;
}

int weir_bind_error(weir_error *err, const weir_expr *e, const char *fmt, ...)
{
    char msg[WEIR_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (e && e->line > 0) return weir_err_at(err, WEIR_EANALYSIS, e->line, e->pos, "%s", msg);
    return weir_err(err, WEIR_EANALYSIS, "%s", msg);
}

int weir_unexpected_input_type(weir_bind_ctx *bc, weir_expr *e, int i, const char *required,
                               weir_error *err)
{
    char ord[16], have[256];
    const char *whole = weir_expr_pretty(bc->arena, e);
    const char *arg = weir_expr_pretty(bc->arena, e->args[i]);
    weir_sql_type_quoted(e->args[i]->type, have, sizeof have);
    return weir_bind_error(err, e,
                           "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"%s\" due "
                           "to data type mismatch: The %s parameter requires the %s type, "
                           "however \"%s\" has the type %s.",
                           whole ? whole : "?", weir_ordinal(i, ord, sizeof ord), required,
                           arg ? arg : "?", have);
}

int weir_data_diff_types(weir_bind_ctx *bc, weir_expr *e, int from, int to, weir_error *err)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    char t[256];
    weir_sb_putc(&sb, '[');
    for (int i = from; i < to; i++) {
        if (i > from) weir_sb_puts(&sb, ", ");
        weir_sb_puts(&sb, weir_sql_type_quoted(e->args[i]->type, t, sizeof t));
    }
    weir_sb_putc(&sb, ']');
    const char *whole = weir_expr_pretty(bc->arena, e);
    int rc = weir_bind_error(err, e,
                             "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"%s\" due to "
                             "data type mismatch: Input to `%s` should all be the same type, "
                             "but it's %s.",
                             whole ? whole : "?", e->fname ? e->fname : "?", sb.p ? sb.p : "[]");
    weir_sb_free(&sb);
    return rc;
}

int weir_coerce_args_common(weir_bind_ctx *bc, weir_expr *e, int from, int to, weir_error *err)
{
    if (to > e->nargs) to = e->nargs;
    if (from >= to) return WEIR_OK;
    /* findWiderCommonType: string-typed inputs first (the fold is not associative). */
    const weir_type *t = WEIR_TYPE_NULL;
    for (int pass = 0; pass < 2 && t; pass++) {
        for (int i = from; i < to && t; i++) {
            const weir_type *ti = e->args[i]->type;
            bool str = ti->id == WEIR_T_STRING ||
                       (ti->id == WEIR_T_ARRAY && ti->elem->id == WEIR_T_STRING);
            if (str != (pass == 0)) continue;
            t = weir_common_type(bc->arena, t, ti);
        }
    }
    if (!t) return weir_data_diff_types(bc, e, from, to, err);
    for (int i = from; i < to; i++) {
        weir_expr *c = weir_expr_cast(bc->arena, e->args[i], t);
        if (!c) return weir_err_nomem(err);
        e->args[i] = c;
    }
    return WEIR_OK;
}

int weir_coerce_arg(weir_bind_ctx *bc, weir_expr *e, int i, const weir_type *t, weir_error *err)
{
    const weir_type *to = weir_implicit_cast(bc->arena, e->args[i]->type, t);
    if (!to) {
        char req[256];
        if (t->id == WEIR_T_DECIMAL)
            snprintf(req, sizeof req, "\"DECIMAL\"");
        else
            weir_sql_type_quoted(t, req, sizeof req);
        return weir_unexpected_input_type(bc, e, i, req, err);
    }
    weir_expr *c = weir_expr_cast(bc->arena, e->args[i], to);
    if (!c) return weir_err_nomem(err);
    e->args[i] = c;
    return WEIR_OK;
}

/* ---- automatic names ---------------------------------------------------------------------- */

/* java.math.BigDecimal.toString: plain unless the adjusted exponent is below -6. */
static void decimal_to_string(__int128 v, int scale, weir_strbuf *sb)
{
    char digits[64];
    int nd = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        digits[nd++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    /* digits are reversed */
    if (neg) weir_sb_putc(sb, '-');
    long adjusted = -(long)scale + (nd - 1);
    if (scale >= 0 && adjusted >= -6) {
        if (scale == 0) {
            for (int i = nd - 1; i >= 0; i--)
                weir_sb_putc(sb, digits[i]);
        } else if (nd > scale) {
            for (int i = nd - 1; i >= scale; i--)
                weir_sb_putc(sb, digits[i]);
            weir_sb_putc(sb, '.');
            for (int i = scale - 1; i >= 0; i--)
                weir_sb_putc(sb, digits[i]);
        } else {
            weir_sb_puts(sb, "0.");
            for (int i = 0; i < scale - nd; i++)
                weir_sb_putc(sb, '0');
            for (int i = nd - 1; i >= 0; i--)
                weir_sb_putc(sb, digits[i]);
        }
        return;
    }
    weir_sb_putc(sb, digits[nd - 1]);
    if (nd > 1) {
        weir_sb_putc(sb, '.');
        for (int i = nd - 2; i >= 0; i--)
            weir_sb_putc(sb, digits[i]);
    }
    weir_sb_printf(sb, "E%s%ld", adjusted >= 0 ? "+" : "", adjusted);
}

/* IntervalUtils.toDayTimeIntervalString, ANSI style, DAY TO SECOND. */
static void interval_to_string(int64_t us, weir_strbuf *sb)
{
    bool neg = us < 0;
    uint64_t u = neg ? 0 - (uint64_t)us : (uint64_t)us;
    uint64_t days = u / (uint64_t)WEIR_US_PER_DAY;
    uint64_t rest = u % (uint64_t)WEIR_US_PER_DAY;
    uint64_t hours = rest / 3600000000u;
    rest %= 3600000000u;
    uint64_t mins = rest / 60000000u;
    rest %= 60000000u;
    uint64_t secs = rest / 1000000u, frac = rest % 1000000u;
    weir_sb_printf(sb, "INTERVAL '%s%llu %02llu:%02llu:%02llu", neg ? "-" : "",
                   (unsigned long long)days, (unsigned long long)hours, (unsigned long long)mins,
                   (unsigned long long)secs);
    if (frac) {
        char f[8];
        snprintf(f, sizeof f, "%06llu", (unsigned long long)frac);
        int l = 6;
        while (l > 0 && f[l - 1] == '0')
            l--;
        f[l] = 0;
        weir_sb_printf(sb, ".%s", f);
    }
    weir_sb_puts(sb, "' DAY TO SECOND");
}

static void literal_text(const weir_value *v, weir_strbuf *sb)
{
    char buf[64];
    if (v->is_null || v->type->id == WEIR_T_NULL) {
        weir_sb_puts(sb, "NULL");
        return;
    }
    switch (v->type->id) {
    case WEIR_T_BOOLEAN: weir_sb_puts(sb, v->u.i ? "true" : "false"); break;
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: weir_sb_printf(sb, "%lld", (long long)v->u.i); break;
    case WEIR_T_FLOAT:
        weir_format_float((float)v->u.d, buf);
        weir_sb_puts(sb, buf);
        break;
    case WEIR_T_DOUBLE:
        weir_format_double(v->u.d, buf);
        weir_sb_puts(sb, buf);
        break;
    case WEIR_T_DECIMAL: decimal_to_string(v->u.dec, v->type->scale, sb); break;
    case WEIR_T_STRING: weir_sb_append(sb, v->u.s.p, (size_t)v->u.s.len); break;
    case WEIR_T_BINARY:
        weir_sb_puts(sb, "X'");
        for (int32_t i = 0; i < v->u.s.len; i++)
            weir_sb_printf(sb, "%02X", (unsigned)(unsigned char)v->u.s.p[i]);
        weir_sb_putc(sb, '\'');
        break;
    case WEIR_T_DATE:
        weir_format_date((int32_t)v->u.i, buf);
        weir_sb_printf(sb, "DATE '%s'", buf);
        break;
    case WEIR_T_TIMESTAMP:
        /* Spark prints it in the session zone; the binder sets e->pretty for literals it
         * builds, so this is only the fallback. */
        weir_format_timestamp(v->u.i, weir_tz_default(), buf);
        weir_sb_printf(sb, "TIMESTAMP '%s'", buf);
        break;
    case WEIR_T_INTERVAL: interval_to_string(v->u.i, sb); break;
    default: weir_value_to_text(v, weir_tz_default(), WEIR_TEXT_CAST, sb); break;
    }
}

const char *weir_literal_pretty(weir_arena *a, const weir_value *v)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    literal_text(v, &sb);
    char *r = sb.oom ? NULL : weir_arena_strndup(a, sb.p ? sb.p : "", sb.len);
    weir_sb_free(&sb);
    return r;
}

static const char *arena_sb(weir_arena *a, weir_strbuf *sb)
{
    char *r = sb->oom ? NULL : weir_arena_strndup(a, sb->p ? sb->p : "", sb->len);
    weir_sb_free(sb);
    return r;
}

const char *weir_expr_pretty(weir_arena *a, weir_expr *e)
{
    if (!e) return NULL;
    if (e->pretty) return e->pretty;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    char tbuf[512];
    const char *r = NULL;
    switch (e->kind) {
    case WEIR_EX_COLUMN:
    case WEIR_EX_OUTER: weir_sb_printf(&sb, "col%d", e->col); break;
    case WEIR_EX_LITERAL: literal_text(&e->lit, &sb); break;
    case WEIR_EX_CAST: {
        const char *c = weir_expr_pretty(a, e->args[0]);
        if (!c) goto oom;
        if (e->implicit) {
            /* Casts added by coercion are invisible in names (Spark 3.4+). */
            e->pretty = c;
            return c;
        }
        weir_sb_printf(&sb, "%s(%s AS %s)", e->try_cast ? "TRY_CAST" : "CAST", c,
                       weir_type_sql(e->type, tbuf, sizeof tbuf));
        break;
    }
    case WEIR_EX_CASE: {
        weir_sb_puts(&sb, "CASE");
        int pairs = e->has_else ? (e->nargs - 1) / 2 : e->nargs / 2;
        for (int i = 0; i < pairs; i++) {
            const char *w = weir_expr_pretty(a, e->args[2 * i]);
            const char *t = weir_expr_pretty(a, e->args[2 * i + 1]);
            if (!w || !t) goto oom;
            weir_sb_printf(&sb, " WHEN %s THEN %s", w, t);
        }
        if (e->has_else) {
            const char *x = weir_expr_pretty(a, e->args[e->nargs - 1]);
            if (!x) goto oom;
            weir_sb_printf(&sb, " ELSE %s", x);
        }
        weir_sb_puts(&sb, " END");
        break;
    }
    case WEIR_EX_AND:
    case WEIR_EX_OR: {
        const char *l = weir_expr_pretty(a, e->args[0]);
        const char *rr = weir_expr_pretty(a, e->args[1]);
        if (!l || !rr) goto oom;
        weir_sb_printf(&sb, "(%s %s %s)", l, e->kind == WEIR_EX_AND ? "AND" : "OR", rr);
        break;
    }
    case WEIR_EX_FIELD: {
        const char *c = weir_expr_pretty(a, e->args[0]);
        if (!c) goto oom;
        const weir_type *st = e->args[0]->type;
        const char *fname = (st->id == WEIR_T_STRUCT && e->field >= 0 && e->field < st->nfields)
                                ? st->fields[e->field].name
                                : "?";
        weir_sb_printf(&sb, "%s.%s", c, fname);
        break;
    }
    case WEIR_EX_CALL:
    case WEIR_EX_AGG: {
        if (e->fn && e->fn->pretty) {
            r = e->fn->pretty(a, e);
            if (!r) goto oom;
            e->pretty = r;
            return r;
        }
        weir_sb_printf(&sb, "%s(", e->fname ? e->fname : (e->fn ? e->fn->name : "?"));
        if (e->distinct) weir_sb_puts(&sb, "DISTINCT ");
        for (int i = 0; i < e->nargs; i++) {
            const char *s = weir_expr_pretty(a, e->args[i]);
            if (!s) goto oom;
            if (i) weir_sb_puts(&sb, ", ");
            weir_sb_puts(&sb, s);
        }
        weir_sb_putc(&sb, ')');
        break;
    }
    }
    r = arena_sb(a, &sb);
    e->pretty = r;
    return r;
oom:
    weir_sb_free(&sb);
    return NULL;
}
