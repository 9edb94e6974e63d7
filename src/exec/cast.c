/*
 * CAST(x AS t) over whole vectors: Spark 3.5's Cast.scala matrix.
 *
 * Why it looks like this: casts sit under nearly every expression (implicit coercions as
 * well as user CASTs), so each (from, to) pair is chosen once per vector and then runs a
 * tight loop with no allocation per row. The semantics follow Spark's three evaluation modes:
 *   LEGACY (spark.sql.ansi.enabled=false, the default): integral narrowing wraps around,
 *          fractional -> integral truncates and saturates (Java's (int)/(long)), strings
 *          such as '1.5' cast to 1, malformed input and decimal overflow give NULL;
 *   ANSI   (spark.sql.ansi.enabled=true): overflow and malformed input raise Spark's errors
 *          ([CAST_OVERFLOW], [CAST_INVALID_INPUT], [NUMERIC_VALUE_OUT_OF_RANGE]);
 *   TRY    (try_cast): ANSI rules, but every failure becomes NULL.
 * The few conversions Spark fails in every mode (interval overflow, malformed interval
 * strings) fail here too, except under try_cast.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/show.h"
#include "plan/expr.h"

typedef enum cast_mode { MODE_LEGACY, MODE_ANSI, MODE_TRY } cast_mode;

typedef struct cast_job {
    weir_eval_ctx *ctx;
    weir_arena *arena;
    const weir_tz *tz;
    cast_mode mode;
    bool ansi_rules; /* ANSI or TRY: exact conversions */
    const weir_vec *in;
    const weir_type *from, *to;
    int32_t n;
    char *scratch; /* NUL-terminated copies of input strings (grows, arena) */
    size_t scratch_cap;
} cast_job;

#define IS_NULL(v, i) ((v)->valid && !weir_bit_get((v)->valid, (i)))

static int cast_rec(cast_job *parent, const weir_vec *v, const weir_type *to, weir_vec **out);

/* ---- errors ---------------------------------------------------------------------------- */

static const char *sql_type(const weir_type *t, char *buf, size_t n)
{
    return weir_type_sql(t, buf, n);
}

/* Spark's toSQLValue for a string: single-quoted, quotes escaped. */
static void sql_string_value(const char *s, int32_t n, char *buf, size_t cap)
{
    size_t o = 0;
    buf[o++] = '\'';
    for (int32_t i = 0; i < n && o + 4 < cap; i++) {
        if (s[i] == '\'') buf[o++] = '\\';
        buf[o++] = s[i];
    }
    buf[o++] = '\'';
    buf[o] = 0;
}

static int err_invalid_input(cast_job *j, const char *s, int32_t n)
{
    char val[600], to[128];
    sql_string_value(s, n, val, sizeof val);
    return weir_err(j->ctx->err, WEIR_ERUNTIME,
                    "[CAST_INVALID_INPUT] The value %s of the type \"STRING\" cannot be cast to "
                    "\"%s\" because it is malformed. Correct the value as per the syntax, or "
                    "change its target type. Use `try_cast` to tolerate malformed input and return "
                    "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                    "bypass this error.",
                    val, sql_type(j->to, to, sizeof to));
}

/* Spark's toSQLValue(v, from): 1Y, 1S, 1, 1L, 1.0E10D, 1.5BD, TIMESTAMP '...', ... */
static void sql_value(cast_job *j, int32_t i, char *buf, size_t cap)
{
    weir_value v;
    weir_vec_get(j->in, i, &v);
    char t[64];
    switch (j->from->id) {
    case WEIR_T_TINYINT: snprintf(buf, cap, "%lldY", (long long)v.u.i); break;
    case WEIR_T_SMALLINT: snprintf(buf, cap, "%lldS", (long long)v.u.i); break;
    case WEIR_T_INT: snprintf(buf, cap, "%lld", (long long)v.u.i); break;
    case WEIR_T_BIGINT: snprintf(buf, cap, "%lldL", (long long)v.u.i); break;
    case WEIR_T_FLOAT:
        weir_format_float((float)v.u.d, t);
        snprintf(buf, cap, "%s", t);
        break;
    case WEIR_T_DOUBLE:
        weir_format_double(v.u.d, t);
        snprintf(buf, cap, isfinite(v.u.d) ? "%sD" : "%s", t);
        break;
    case WEIR_T_DECIMAL:
        weir_format_decimal_java(v.u.dec, j->from->scale, t);
        snprintf(buf, cap, "%sBD", t);
        break;
    case WEIR_T_TIMESTAMP:
        weir_format_timestamp(v.u.i, j->tz, t);
        snprintf(buf, cap, "TIMESTAMP '%s'", t);
        break;
    case WEIR_T_INTERVAL: weir_format_interval(v.u.i, buf); break;
    default: snprintf(buf, cap, "?"); break;
    }
}

static int err_overflow(cast_job *j, int32_t i)
{
    char val[128], from[128], to[128];
    sql_value(j, i, val, sizeof val);
    return weir_err(
        j->ctx->err, WEIR_ERUNTIME,
        "[CAST_OVERFLOW] The value %s of the type \"%s\" cannot be cast to \"%s\" due "
        "to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. "
        "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
        val, sql_type(j->from, from, sizeof from), sql_type(j->to, to, sizeof to));
}

/* CAST_INVALID_INPUT for a non-string value (NaN or Infinity -> TIMESTAMP). */
static int err_invalid_value(cast_job *j, int32_t i)
{
    char val[128], from[128], to[128];
    sql_value(j, i, val, sizeof val);
    return weir_err(j->ctx->err, WEIR_ERUNTIME,
                    "[CAST_INVALID_INPUT] The value %s of the type \"%s\" cannot be cast to \"%s\" "
                    "because it is malformed. Correct the value as per the syntax, or change its "
                    "target type. Use `try_cast` to tolerate malformed input and return NULL "
                    "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                    "this error.",
                    val, sql_type(j->from, from, sizeof from), sql_type(j->to, to, sizeof to));
}

static int err_decimal_range(cast_job *j, const char *plain)
{
    return weir_err(j->ctx->err, WEIR_ERUNTIME,
                    "[NUMERIC_VALUE_OUT_OF_RANGE] %s cannot be represented as Decimal(%d, %d). If "
                    "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, "
                    "and return NULL instead.",
                    plain, j->to->precision, j->to->scale);
}

static int err_interval_string(cast_job *j, const char *s, int32_t n)
{
    return weir_err(j->ctx->err, WEIR_ERUNTIME,
                    "Interval string does not match day-time format of `[+|-]d h:m:s.n`, "
                    "`INTERVAL [+|-]'[+|-]d h:m:s.n' DAY TO SECOND` when cast to interval day to "
                    "second: %.*s",
                    n > 400 ? 400 : (int)n, s);
}

/* A row that cannot be converted: NULL, or (ANSI) the error `rc` already set. */
#define FAIL_ROW(j, o, i, raise)                                                                   \
    do {                                                                                           \
        if ((j)->mode == MODE_ANSI) return (raise);                                                \
        if (weir_vec_set_null((o), (i)) != WEIR_OK) return weir_err_nomem((j)->ctx->err);          \
    } while (0)

/* Failures Spark raises even outside ANSI mode (only try_cast turns them into NULL). */
#define FAIL_ROW_ALWAYS(j, o, i, raise)                                                            \
    do {                                                                                           \
        if ((j)->mode != MODE_TRY) return (raise);                                                 \
        if (weir_vec_set_null((o), (i)) != WEIR_OK) return weir_err_nomem((j)->ctx->err);          \
    } while (0)

/* ---- output vectors ---------------------------------------------------------------------- */

/* A fixed-width result of n rows, zeroed, NULL where the input is NULL. */
static weir_vec *fixed_out(cast_job *j)
{
    weir_vec *o = weir_vec_new(j->arena, j->to, j->n);
    if (!o) return NULL;
    memset(o->data, 0, weir_type_width(j->to) * (size_t)(j->n ? j->n : 1));
    o->len = j->n;
    if (j->in->valid && j->n) {
        if (weir_vec_make_valid(o) != WEIR_OK) return NULL;
        memcpy(o->valid, j->in->valid, ((size_t)j->n + 7) / 8);
    }
    return o;
}

/* A header sharing the buffers of a nested vector, for STRUCT/ARRAY/MAP results. */
static weir_vec *shell_out(cast_job *j, const weir_vec *v)
{
    weir_vec *o = WEIR_ARENA_NEW(j->arena, weir_vec);
    if (!o) return NULL;
    *o = *v;
    o->type = j->to;
    o->arena = j->arena;
    o->child = WEIR_ARENA_NEWN(j->arena, weir_vec *, v->nchild ? v->nchild : 1);
    if (!o->child) return NULL;
    for (int c = 0; c < v->nchild; c++)
        o->child[c] = v->child[c];
    return o;
}

/* NUL-terminated copy of an input string in the job's scratch buffer. */
static char *scratch_copy(cast_job *j, const char *s, size_t n)
{
    if (n + 1 > j->scratch_cap) {
        size_t cap = j->scratch_cap ? j->scratch_cap : 256;
        while (cap < n + 1)
            cap *= 2;
        char *p = weir_arena_alloc(j->arena, cap);
        if (!p) return NULL;
        j->scratch = p;
        j->scratch_cap = cap;
    }
    memcpy(j->scratch, s, n);
    j->scratch[n] = 0;
    return j->scratch;
}

/* Integral, boolean, date, timestamp and interval inputs widened to int64. */
static int64_t *widen_int(cast_job *j)
{
    int32_t n = j->n;
    int64_t *x = weir_arena_alloc(j->arena, sizeof(int64_t) * (size_t)(n ? n : 1));
    if (!x) return NULL;
    const void *d = j->in->data;
    switch (weir_type_width(j->from)) {
    case 1:
        if (j->from->id == WEIR_T_BOOLEAN)
            for (int32_t i = 0; i < n; i++)
                x[i] = ((const uint8_t *)d)[i] != 0;
        else
            for (int32_t i = 0; i < n; i++)
                x[i] = ((const int8_t *)d)[i];
        break;
    case 2:
        for (int32_t i = 0; i < n; i++)
            x[i] = ((const int16_t *)d)[i];
        break;
    case 4:
        for (int32_t i = 0; i < n; i++)
            x[i] = ((const int32_t *)d)[i];
        break;
    default: memcpy(x, d, sizeof(int64_t) * (size_t)n); break;
    }
    return x;
}

/* FLOAT or DOUBLE inputs as double (exact). */
static double *widen_fp(cast_job *j)
{
    int32_t n = j->n;
    if (j->from->id == WEIR_T_DOUBLE) return (double *)j->in->data;
    double *x = weir_arena_alloc(j->arena, sizeof(double) * (size_t)(n ? n : 1));
    if (!x) return NULL;
    const float *f = j->in->data;
    for (int32_t i = 0; i < n; i++)
        x[i] = f[i];
    return x;
}

/* ---- Java numeric conversions ------------------------------------------------------------ */

/* (long) d in Java: NaN -> 0, saturating, truncating. */
static int64_t java_d2l(double d)
{
    if (isnan(d)) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

/* (int) d in Java. */
static int32_t java_d2i(double d)
{
    if (isnan(d)) return 0;
    if (d >= 2147483647.0) return INT32_MAX;
    if (d <= -2147483648.0) return INT32_MIN;
    return (int32_t)d;
}

/* 10^0 .. 10^38 (a constant table: no lazy initialisation shared between threads) */
#define P19 ((__int128)10000000000000000000ULL)
static const __int128 pow10_table[39] = {(__int128)1LL,
                                         (__int128)10LL,
                                         (__int128)100LL,
                                         (__int128)1000LL,
                                         (__int128)10000LL,
                                         (__int128)100000LL,
                                         (__int128)1000000LL,
                                         (__int128)10000000LL,
                                         (__int128)100000000LL,
                                         (__int128)1000000000LL,
                                         (__int128)10000000000LL,
                                         (__int128)100000000000LL,
                                         (__int128)1000000000000LL,
                                         (__int128)10000000000000LL,
                                         (__int128)100000000000000LL,
                                         (__int128)1000000000000000LL,
                                         (__int128)10000000000000000LL,
                                         (__int128)100000000000000000LL,
                                         (__int128)1000000000000000000LL,
                                         P19 * 1LL,
                                         P19 * 10LL,
                                         P19 * 100LL,
                                         P19 * 1000LL,
                                         P19 * 10000LL,
                                         P19 * 100000LL,
                                         P19 * 1000000LL,
                                         P19 * 10000000LL,
                                         P19 * 100000000LL,
                                         P19 * 1000000000LL,
                                         P19 * 10000000000LL,
                                         P19 * 100000000000LL,
                                         P19 * 1000000000000LL,
                                         P19 * 10000000000000LL,
                                         P19 * 100000000000000LL,
                                         P19 * 1000000000000000LL,
                                         P19 * 10000000000000000LL,
                                         P19 * 100000000000000000LL,
                                         P19 * 1000000000000000000LL,
                                         P19 *P19};
#undef P19

static const __int128 *pow10_i128(void)
{
    return pow10_table;
}

static unsigned __int128 uabs128(__int128 v)
{
    return v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
}

static int digits_u128(unsigned __int128 v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* Does |v| fit in `precision` digits? */
static bool dec_fits(__int128 v, int precision)
{
    return uabs128(v) < (unsigned __int128)pow10_i128()[precision];
}

/* Changes the scale of v (Decimal.changePrecision, ROUND_HALF_UP); false on overflow. */
static bool dec_rescale(__int128 v, int from_scale, int to_scale, int precision, __int128 *out)
{
    const __int128 *p10 = pow10_i128();
    if (to_scale >= from_scale) {
        int d = to_scale - from_scale;
        if (v != 0 && digits_u128(uabs128(v)) + d > precision) return false;
        *out = v * p10[d];
        return true;
    }
    int d = from_scale - to_scale;
    __int128 q, r;
    if (d > 38) {
        q = 0;
        r = v;
    } else {
        q = v / p10[d];
        r = v % p10[d];
    }
    if (d <= 38 && uabs128(r) * 2 >= (unsigned __int128)p10[d]) q += v < 0 ? -1 : 1;
    if (!dec_fits(q, precision)) return false;
    *out = q;
    return true;
}

/* ---- decimal text (java.math.BigDecimal(String) grammar) --------------------------------- */

typedef struct dec_text {
    bool neg;
    char dig[80]; /* significant digits, no leading zeros; may be truncated (see `more`) */
    int nd;
    int64_t exp10; /* value = dig * 10^exp10 (digits beyond dig[] dropped: they can only
                      matter for values that overflow every decimal anyway) */
} dec_text;

/* Parses [+-]digits[.digits][(e|E)[+-]digits] (at least one digit). Java's trim first. */
static bool parse_bigdecimal(const char *s, size_t n, dec_text *t)
{
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    while (n && (unsigned char)*s <= ' ') {
        s++;
        n--;
    }
    size_t i = 0;
    t->neg = false;
    t->nd = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) t->neg = s[i++] == '-';
    int64_t frac = 0, seen = 0, dropped = 0;
    bool dot = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            seen++;
            if (dot) frac++;
            if (t->nd == 0 && c == '0') continue;
            if (t->nd < (int)sizeof t->dig) {
                t->dig[t->nd++] = c;
            } else {
                dropped++;
            }
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    if (seen == 0) return false;
    int64_t e = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        size_t e0 = i;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 100000000000LL) e = e * 10 + (s[i] - '0');
        if (i == e0 || e > INT32_MAX) return false; /* BigDecimal: exponent is an int */
        if (eneg) e = -e;
    }
    if (i != n) return false;
    t->exp10 = e - frac + dropped;
    return true;
}

/* The decimal t rounded half-up to `scale` digits after the point; false when it needs more
 * than `precision` digits. */
static bool dec_text_to_unscaled(const dec_text *t, int precision, int scale, __int128 *out)
{
    const __int128 *p10 = pow10_i128();
    int64_t k = t->exp10 + scale; /* value * 10^scale = dig * 10^k */
    __int128 v = 0;
    if (t->nd == 0) {
        *out = 0;
        return true;
    }
    if (k >= 0) {
        if (t->nd + k > precision) return false;
        for (int i = 0; i < t->nd; i++)
            v = v * 10 + (t->dig[i] - '0');
        v *= p10[k];
    } else {
        int64_t keep = t->nd + k;
        if (keep > precision) return false;
        if (keep >= 0) {
            for (int64_t i = 0; i < keep; i++)
                v = v * 10 + (t->dig[i] - '0');
            if (keep < t->nd && t->dig[keep] >= '5') v += 1;
        }
        if (!dec_fits(v, precision)) return false;
    }
    *out = t->neg ? -v : v;
    return true;
}

/* The plain text of t (for error messages). */
static void dec_text_plain(const dec_text *t, char *buf, size_t cap)
{
    char tmp[200];
    size_t o = 0;
    if (t->neg) tmp[o++] = '-';
    int64_t scale = -t->exp10;
    int nd = t->nd;
    if (nd == 0) {
        snprintf(buf, cap, "0");
        return;
    }
    if (scale <= 0) {
        for (int i = 0; i < nd && o < 120; i++)
            tmp[o++] = t->dig[i];
        for (int64_t i = 0; i < -scale && o < 190; i++)
            tmp[o++] = '0';
    } else if (nd > scale) {
        for (int i = 0; i < nd && o < 190; i++) {
            if (i == nd - scale) tmp[o++] = '.';
            tmp[o++] = t->dig[i];
        }
    } else {
        tmp[o++] = '0';
        tmp[o++] = '.';
        for (int64_t i = 0; i < scale - nd && o < 150; i++)
            tmp[o++] = '0';
        for (int i = 0; i < nd && o < 190; i++)
            tmp[o++] = t->dig[i];
    }
    tmp[o] = 0;
    snprintf(buf, cap, "%s", tmp);
}

/* ---- string -> number parsers -------------------------------------------------------------- */

static bool ws_or_ctl(unsigned char c)
{
    return c <= 0x20 || c == 0x7F;
}

/* UTF8String.toLong / toLongExact: trimmed, optional sign, digits, and (when allowed) a
 * decimal point followed by digits that are dropped. */
static bool parse_long(const char *s, int32_t n, bool allow_decimal, int64_t *out)
{
    int32_t b = 0, e = n - 1;
    while (b < n && ws_or_ctl((unsigned char)s[b]))
        b++;
    if (b == n) return false;
    while (e > b && ws_or_ctl((unsigned char)s[e]))
        e--;
    bool neg = s[b] == '-';
    if (neg || s[b] == '+') {
        if (e == b) return false;
        b++;
    }
    int64_t r = 0; /* accumulated negative, as Spark does */
    const int64_t stop = INT64_MIN / 10;
    while (b <= e) {
        char c = s[b++];
        if (c == '.' && allow_decimal) break;
        if (c < '0' || c > '9') return false;
        if (r < stop) return false;
        int d = c - '0';
        if (r * 10 < INT64_MIN + d) return false; /* Spark: result overflows past MIN */
        r = r * 10 - d;
    }
    for (; b <= e; b++)
        if (s[b] < '0' || s[b] > '9') return false;
    if (!neg) {
        if (r == INT64_MIN) return false;
        r = -r;
    }
    *out = r;
    return true;
}

static bool ieq(const char *a, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    if (n != l) return false;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[i]) return false;
    }
    return true;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Double.parseDouble / Float.parseFloat, then Spark's special literals ('inf', 'nan', ...).
 * s is NUL-terminated at s[n] and may be modified. */
static bool parse_java_fp(char *s, size_t n, bool is_float, double *out)
{
    char *p = s;
    size_t m = n;
    while (m && (unsigned char)p[m - 1] <= ' ')
        m--;
    while (m && (unsigned char)*p <= ' ') {
        p++;
        m--;
    }
    size_t i = 0;
    bool neg = false;
    if (i < m && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
    if (m - i == 3 && memcmp(p + i, "NaN", 3) == 0) {
        *out = NAN;
        return true;
    }
    if (m - i == 8 && memcmp(p + i, "Infinity", 8) == 0) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    bool ok = false;
    size_t end = m;
    if (end > i && strchr("fFdD", p[end - 1])) end--;
    if (end - i > 2 && p[i] == '0' && (p[i + 1] == 'x' || p[i + 1] == 'X')) {
        size_t k = i + 2, digits = 0;
        while (k < end && is_hex(p[k]))
            k++, digits++;
        if (k < end && p[k] == '.') {
            k++;
            while (k < end && is_hex(p[k]))
                k++, digits++;
        }
        if (digits && k < end && (p[k] == 'p' || p[k] == 'P')) {
            k++;
            if (k < end && (p[k] == '+' || p[k] == '-')) k++;
            size_t e0 = k;
            while (k < end && p[k] >= '0' && p[k] <= '9')
                k++;
            ok = k > e0 && k == end;
        }
    } else {
        size_t k = i, digits = 0;
        while (k < end && p[k] >= '0' && p[k] <= '9')
            k++, digits++;
        if (k < end && p[k] == '.') {
            k++;
            while (k < end && p[k] >= '0' && p[k] <= '9')
                k++, digits++;
        }
        if (digits && k < end && (p[k] == 'e' || p[k] == 'E')) {
            k++;
            if (k < end && (p[k] == '+' || p[k] == '-')) k++;
            size_t e0 = k;
            while (k < end && p[k] >= '0' && p[k] <= '9')
                k++;
            if (k == e0) digits = 0;
        }
        ok = digits && k == end;
    }
    if (ok) {
        p[end] = 0;
        *out = is_float ? (double)strtof(p, NULL) : strtod(p, NULL);
        return true;
    }
    /* Cast.processFloatingPointSpecialLiterals */
    if (ieq(p, m, "inf") || ieq(p, m, "+inf") || ieq(p, m, "infinity") || ieq(p, m, "+infinity")) {
        *out = INFINITY;
        return true;
    }
    if (ieq(p, m, "-inf") || ieq(p, m, "-infinity")) {
        *out = -INFINITY;
        return true;
    }
    if (ieq(p, m, "nan")) {
        *out = NAN;
        return true;
    }
    return false;
}

/* StringUtils.isTrueString / isFalseString: 1 true, 0 false, -1 neither. */
static int parse_bool(const char *s, int32_t n)
{
    while (n && ws_or_ctl((unsigned char)s[n - 1]))
        n--;
    while (n && ws_or_ctl((unsigned char)*s)) {
        s++;
        n--;
    }
    size_t l = (size_t)n;
    if (ieq(s, l, "t") || ieq(s, l, "true") || ieq(s, l, "y") || ieq(s, l, "yes") || ieq(s, l, "1"))
        return 1;
    if (ieq(s, l, "f") || ieq(s, l, "false") || ieq(s, l, "n") || ieq(s, l, "no") || ieq(s, l, "0"))
        return 0;
    return -1;
}

/* Day-time interval strings: "[+|-]d h:m:s[.n]" or "INTERVAL [+|-]'[+|-]d h:m:s[.n]' DAY TO
 * SECOND" (case-insensitive). */
static bool parse_dt_interval(const char *s, int32_t n, int64_t *out)
{
    while (n && ws_or_ctl((unsigned char)s[n - 1]))
        n--;
    while (n && ws_or_ctl((unsigned char)*s)) {
        s++;
        n--;
    }
    int outer = 1;
    if (n > 8 && ieq(s, 8, "interval")) {
        int32_t i = 8;
        while (i < n && s[i] == ' ')
            i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) outer = s[i++] == '-' ? -1 : 1;
        if (i >= n || s[i] != '\'') return false;
        const char *q = memchr(s + i + 1, '\'', (size_t)(n - i - 1));
        if (!q) return false;
        const char *tail = q + 1;
        int32_t tn = (int32_t)(s + n - tail);
        /* expect ws DAY ws TO ws SECOND */
        const char *words[] = {"day", "to", "second"};
        int32_t k = 0;
        for (int w = 0; w < 3; w++) {
            int32_t sp = k;
            while (k < tn && tail[k] == ' ')
                k++;
            if (k == sp) return false;
            size_t wl = strlen(words[w]);
            if (k + (int32_t)wl > tn || !ieq(tail + k, wl, words[w])) return false;
            k += (int32_t)wl;
        }
        if (k != tn) return false;
        n = (int32_t)(q - (s + i + 1));
        s = s + i + 1;
    }
    int32_t i = 0;
    int sign = 1;
    if (i < n && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
    int64_t f[4] = {0, 0, 0, 0};
    int32_t maxd[4] = {9, 2, 2, 2};
    char seps[4] = {' ', ':', ':', 0};
    for (int part = 0; part < 4; part++) {
        int32_t d0 = i;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - d0 < maxd[part])
            f[part] = f[part] * 10 + (s[i++] - '0');
        if (i == d0) return false;
        if (part < 3) {
            if (i >= n || s[i] != seps[part]) return false;
            i++;
        }
    }
    int64_t micros = 0;
    if (i < n && s[i] == '.') {
        i++;
        int32_t d0 = i;
        int64_t scale = 100000;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - d0 < 9) {
            micros += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (i == d0) return false;
    }
    if (i != n || f[1] > 23 || f[2] > 59 || f[3] > 59) return false;
    if (f[0] > 106751991) return false;
    int64_t us =
        ((f[0] * 24 + f[1]) * 60 + f[2]) * 60 * WEIR_US_PER_SEC + f[3] * WEIR_US_PER_SEC + micros;
    *out = us * sign * outer;
    return true;
}

/* ---- -> BOOLEAN ---------------------------------------------------------------------------- */

static int to_boolean(cast_job *j, weir_vec **out)
{
    weir_vec *o = fixed_out(j);
    if (!o) return weir_err_nomem(j->ctx->err);
    uint8_t *d = o->data;
    const weir_vec *in = j->in;
    int32_t n = j->n;
    switch (j->from->id) {
    case WEIR_T_STRING:
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            int32_t len;
            const char *s = weir_vec_str(in, i, &len);
            int b = parse_bool(s, len);
            if (b < 0)
                FAIL_ROW(j, o, i, err_invalid_input(j, s, len));
            else
                d[i] = (uint8_t)b;
        }
        break;
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: {
        const double *x = widen_fp(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        for (int32_t i = 0; i < n; i++)
            d[i] = x[i] != 0;
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *x = in->data;
        for (int32_t i = 0; i < n; i++)
            d[i] = x[i] != 0;
        break;
    }
    case WEIR_T_DATE:
        for (int32_t i = 0; i < n; i++)
            if (weir_vec_set_null(o, i) != WEIR_OK) return weir_err_nomem(j->ctx->err);
        break;
    case WEIR_T_BOOLEAN:
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP: {
        const int64_t *x = widen_int(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        for (int32_t i = 0; i < n; i++)
            d[i] = x[i] != 0;
        break;
    }
    default: return -1;
    }
    *out = o;
    return WEIR_OK;
}

/* ---- -> TINYINT / SMALLINT / INT / BIGINT -------------------------------------------------- */

/* Runs BODY (which sets int64 r, or fails the row and `continue`s) for each non-NULL row, and
 * stores r narrowed (wrapping) to the target width. */
#define INT_LOOP(T, ...)                                                                           \
    do {                                                                                           \
        T *dst = (T *)o->data;                                                                     \
        for (int32_t i = 0; i < n; i++) {                                                          \
            if (IS_NULL(in, i)) continue;                                                          \
            int64_t r;                                                                             \
            __VA_ARGS__;                                                                           \
            dst[i] = (T)r;                                                                         \
        }                                                                                          \
    } while (0)

#define INT_DISPATCH(...)                                                                          \
    do {                                                                                           \
        switch (j->to->id) {                                                                       \
        case WEIR_T_TINYINT: INT_LOOP(int8_t, __VA_ARGS__); break;                                 \
        case WEIR_T_SMALLINT: INT_LOOP(int16_t, __VA_ARGS__); break;                               \
        case WEIR_T_INT: INT_LOOP(int32_t, __VA_ARGS__); break;                                    \
        default: INT_LOOP(int64_t, __VA_ARGS__); break;                                            \
        }                                                                                          \
    } while (0)

static int to_integral(cast_job *j, weir_vec **out)
{
    weir_vec *o = fixed_out(j);
    if (!o) return weir_err_nomem(j->ctx->err);
    const weir_vec *in = j->in;
    int32_t n = j->n;
    int64_t lo, hi;
    switch (j->to->id) {
    case WEIR_T_TINYINT: lo = INT8_MIN, hi = INT8_MAX; break;
    case WEIR_T_SMALLINT: lo = INT16_MIN, hi = INT16_MAX; break;
    case WEIR_T_INT: lo = INT32_MIN, hi = INT32_MAX; break;
    default: lo = INT64_MIN, hi = INT64_MAX; break;
    }
    bool to_long = j->to->id == WEIR_T_BIGINT;
    bool exact = j->ansi_rules;
    switch (j->from->id) {
    case WEIR_T_BOOLEAN:
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: {
        const int64_t *x = widen_int(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        if (exact)
            INT_DISPATCH({
                r = x[i];
                if (r < lo || r > hi) {
                    FAIL_ROW(j, o, i, err_overflow(j, i));
                    continue;
                }
            });
        else
            INT_DISPATCH(r = x[i]);
        break;
    }
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: {
        const double *x = widen_fp(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        if (exact) {
            /* FloatExactNumeric / DoubleExactNumeric: floor(x) <= MAX && ceil(x) >= MIN with
             * the bounds in the source type, then Java's conversion. */
            bool f = j->from->id == WEIR_T_FLOAT;
            double ihi = to_long ? 9223372036854775807.0 : f ? (double)(float)INT32_MAX : INT32_MAX;
            double ilo = to_long ? -9223372036854775808.0 : INT32_MIN;
            INT_DISPATCH({
                double v = x[i];
                if (!(floor(v) <= ihi && ceil(v) >= ilo)) {
                    FAIL_ROW(j, o, i, err_overflow(j, i));
                    continue;
                }
                r = to_long ? java_d2l(v) : java_d2i(v);
                if (r < lo || r > hi) {
                    FAIL_ROW(j, o, i, err_overflow(j, i));
                    continue;
                }
            });
        } else if (to_long) {
            INT_DISPATCH(r = java_d2l(x[i]));
        } else {
            INT_DISPATCH(r = java_d2i(x[i]));
        }
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *x = in->data;
        __int128 div = pow10_i128()[j->from->scale];
        if (exact)
            INT_DISPATCH({
                __int128 t = x[i] / div;
                if (t < lo || t > hi) {
                    FAIL_ROW(j, o, i, err_overflow(j, i));
                    continue;
                }
                r = (int64_t)t;
            });
        else
            INT_DISPATCH(r = (int64_t)(uint64_t)(unsigned __int128)(x[i] / div));
        break;
    }
    case WEIR_T_STRING:
        INT_DISPATCH({
            int32_t len;
            const char *s = weir_vec_str(in, i, &len);
            if (!parse_long(s, len, !exact, &r) || r < lo || r > hi) {
                FAIL_ROW(j, o, i, err_invalid_input(j, s, len));
                continue;
            }
        });
        break;
    case WEIR_T_TIMESTAMP: {
        const int64_t *x = in->data;
        INT_DISPATCH({
            r = weir_floor_div(x[i], WEIR_US_PER_SEC);
            if (r < lo || r > hi) {
                FAIL_ROW(j, o, i, err_overflow(j, i));
                continue;
            }
        });
        break;
    }
    case WEIR_T_INTERVAL: {
        const int64_t *x = in->data;
        INT_DISPATCH({
            r = x[i] / WEIR_US_PER_SEC;
            if (r < lo || r > hi) {
                FAIL_ROW_ALWAYS(j, o, i, err_overflow(j, i));
                continue;
            }
        });
        break;
    }
    case WEIR_T_DATE:
        for (int32_t i = 0; i < n; i++)
            if (weir_vec_set_null(o, i) != WEIR_OK) return weir_err_nomem(j->ctx->err);
        break;
    default: return -1;
    }
    *out = o;
    return WEIR_OK;
}

/* ---- -> FLOAT / DOUBLE --------------------------------------------------------------------- */

/* Decimal -> double/float, correctly rounded (java.math.BigDecimal.doubleValue). */
static double dec_to_double(__int128 u, int scale, bool to_float)
{
    unsigned __int128 a = uabs128(u);
    /* both operands exact in a double: one correctly rounded division */
    if (!to_float && a <= ((unsigned __int128)1 << 53) && scale <= 22)
        return (double)(int64_t)u / (double)pow10_i128()[scale];
    if (to_float && a <= ((unsigned __int128)1 << 24) && scale <= 10)
        return (double)((float)(int64_t)u / (float)(int64_t)pow10_i128()[scale]);
    char buf[64];
    weir_format_decimal(u, scale, buf);
    return to_float ? (double)strtof(buf, NULL) : strtod(buf, NULL);
}

#define FP_LOOP(T, ...)                                                                            \
    do {                                                                                           \
        T *dst = (T *)o->data;                                                                     \
        for (int32_t i = 0; i < n; i++) {                                                          \
            if (IS_NULL(in, i)) continue;                                                          \
            __VA_ARGS__;                                                                           \
        }                                                                                          \
    } while (0)

static int to_fractional(cast_job *j, weir_vec **out)
{
    weir_vec *o = fixed_out(j);
    if (!o) return weir_err_nomem(j->ctx->err);
    const weir_vec *in = j->in;
    int32_t n = j->n;
    bool to_float = j->to->id == WEIR_T_FLOAT;
    switch (j->from->id) {
    case WEIR_T_BOOLEAN:
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: {
        const int64_t *x = widen_int(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        if (to_float)
            FP_LOOP(float, dst[i] = (float)x[i]);
        else
            FP_LOOP(double, dst[i] = (double)x[i]);
        break;
    }
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: {
        const double *x = widen_fp(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        if (to_float)
            FP_LOOP(float, dst[i] = (float)x[i]);
        else
            FP_LOOP(double, dst[i] = x[i]);
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *x = in->data;
        int sc = j->from->scale;
        if (to_float)
            FP_LOOP(float, dst[i] = (float)dec_to_double(x[i], sc, true));
        else
            FP_LOOP(double, dst[i] = dec_to_double(x[i], sc, false));
        break;
    }
    case WEIR_T_TIMESTAMP: {
        const int64_t *x = in->data;
        if (to_float)
            FP_LOOP(float, dst[i] = (float)((double)x[i] / 1e6));
        else
            FP_LOOP(double, dst[i] = (double)x[i] / 1e6);
        break;
    }
    case WEIR_T_STRING:
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            int32_t len;
            const char *s = weir_vec_str(in, i, &len);
            char *c = scratch_copy(j, s, (size_t)len);
            if (!c) return weir_err_nomem(j->ctx->err);
            double v;
            if (!parse_java_fp(c, (size_t)len, to_float, &v)) {
                FAIL_ROW(j, o, i, err_invalid_input(j, s, len));
                continue;
            }
            if (to_float)
                ((float *)o->data)[i] = (float)v;
            else
                ((double *)o->data)[i] = v;
        }
        break;
    case WEIR_T_DATE:
        for (int32_t i = 0; i < n; i++)
            if (weir_vec_set_null(o, i) != WEIR_OK) return weir_err_nomem(j->ctx->err);
        break;
    default: return -1;
    }
    *out = o;
    return WEIR_OK;
}

/* ---- -> DECIMAL ---------------------------------------------------------------------------- */

/* Converts a double as Spark does (Decimal(d) = BigDecimal(Double.toString(d))). */
static bool double_to_dec_text(double d, dec_text *t)
{
    if (!isfinite(d)) return false;
    char buf[40];
    int len = weir_format_double(d, buf);
    return parse_bigdecimal(buf, (size_t)len, t);
}

static int to_decimal(cast_job *j, weir_vec **out)
{
    weir_vec *o = fixed_out(j);
    if (!o) return weir_err_nomem(j->ctx->err);
    const weir_vec *in = j->in;
    int32_t n = j->n;
    int p = j->to->precision, s = j->to->scale;
    __int128 *dst = o->data;
    switch (j->from->id) {
    case WEIR_T_BOOLEAN:
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: {
        const int64_t *x = widen_int(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            if (!dec_rescale(x[i], 0, s, p, &dst[i])) {
                char plain[32];
                snprintf(plain, sizeof plain, "%lld", (long long)x[i]);
                FAIL_ROW(j, o, i, err_decimal_range(j, plain));
            }
        }
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *x = in->data;
        int fs = j->from->scale;
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            if (!dec_rescale(x[i], fs, s, p, &dst[i])) {
                char plain[64];
                weir_format_decimal(x[i], fs, plain);
                FAIL_ROW(j, o, i, err_decimal_range(j, plain));
            }
        }
        break;
    }
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE:
    case WEIR_T_TIMESTAMP: {
        const double *x = NULL;
        const int64_t *ts = NULL;
        if (j->from->id == WEIR_T_TIMESTAMP)
            ts = in->data;
        else if (!(x = widen_fp(j)))
            return weir_err_nomem(j->ctx->err);
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            dec_text t;
            double v = ts ? (double)ts[i] / 1e6 : x[i];
            if (!double_to_dec_text(v, &t)) {
                /* NaN and infinities: NumberFormatException -> NULL in every mode */
                if (weir_vec_set_null(o, i) != WEIR_OK) return weir_err_nomem(j->ctx->err);
                continue;
            }
            if (!dec_text_to_unscaled(&t, p, s, &dst[i])) {
                char plain[200];
                dec_text_plain(&t, plain, sizeof plain);
                FAIL_ROW(j, o, i, err_decimal_range(j, plain));
            }
        }
        break;
    }
    case WEIR_T_STRING:
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            int32_t len;
            const char *str = weir_vec_str(in, i, &len);
            dec_text t;
            if (!parse_bigdecimal(str, (size_t)len, &t)) {
                FAIL_ROW(j, o, i, err_invalid_input(j, str, len));
                continue;
            }
            if (!dec_text_to_unscaled(&t, p, s, &dst[i])) {
                char plain[200];
                dec_text_plain(&t, plain, sizeof plain);
                FAIL_ROW(j, o, i, err_decimal_range(j, plain));
            }
        }
        break;
    case WEIR_T_INTERVAL: {
        const int64_t *x = in->data;
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            if (!dec_rescale(x[i], 6, s, p, &dst[i])) {
                char plain[64];
                weir_format_decimal(x[i], 6, plain);
                FAIL_ROW_ALWAYS(j, o, i, err_decimal_range(j, plain));
            }
        }
        break;
    }
    case WEIR_T_DATE:
        for (int32_t i = 0; i < n; i++)
            if (weir_vec_set_null(o, i) != WEIR_OK) return weir_err_nomem(j->ctx->err);
        break;
    default: return -1;
    }
    *out = o;
    return WEIR_OK;
}

/* ---- -> STRING ----------------------------------------------------------------------------- */

static int put_str(cast_job *j, weir_vec *o, const char *s, size_t n)
{
    if (weir_vec_append_str(o, s, (int32_t)n) != WEIR_OK) return weir_err_nomem(j->ctx->err);
    return WEIR_OK;
}

static int to_string(cast_job *j, weir_vec **out)
{
    const weir_vec *in = j->in;
    int32_t n = j->n;
    weir_vec *o = weir_vec_new(j->arena, j->to, n);
    if (!o) return weir_err_nomem(j->ctx->err);
    char buf[96];
    int rc = WEIR_OK;
#define STR_LOOP(...)                                                                              \
    for (int32_t i = 0; i < n && rc == WEIR_OK; i++) {                                             \
        if (IS_NULL(in, i)) {                                                                      \
            if (weir_vec_append_null(o) != WEIR_OK) return weir_err_nomem(j->ctx->err);            \
            continue;                                                                              \
        }                                                                                          \
        __VA_ARGS__;                                                                               \
    }
    switch (j->from->id) {
    case WEIR_T_BOOLEAN: {
        const uint8_t *x = in->data;
        STR_LOOP(rc = x[i] ? put_str(j, o, "true", 4) : put_str(j, o, "false", 5));
        break;
    }
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: {
        const int64_t *x = widen_int(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        STR_LOOP({
            /* digits written backwards into buf */
            char *e = buf + sizeof buf, *p = e;
            uint64_t u = x[i] < 0 ? 0 - (uint64_t)x[i] : (uint64_t)x[i];
            do {
                *--p = (char)('0' + u % 10);
                u /= 10;
            } while (u);
            if (x[i] < 0) *--p = '-';
            rc = put_str(j, o, p, (size_t)(e - p));
        });
        break;
    }
    case WEIR_T_FLOAT: {
        const float *x = in->data;
        STR_LOOP(rc = put_str(j, o, buf, (size_t)weir_format_float(x[i], buf)));
        break;
    }
    case WEIR_T_DOUBLE: {
        const double *x = in->data;
        STR_LOOP(rc = put_str(j, o, buf, (size_t)weir_format_double(x[i], buf)));
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *x = in->data;
        int sc = j->from->scale;
        if (j->ansi_rules) {
            STR_LOOP(rc = put_str(j, o, buf, (size_t)weir_format_decimal(x[i], sc, buf)));
        } else {
            STR_LOOP(rc = put_str(j, o, buf, (size_t)weir_format_decimal_java(x[i], sc, buf)));
        }
        break;
    }
    case WEIR_T_BINARY:
        STR_LOOP({
            int32_t len;
            const char *s = weir_vec_str(in, i, &len);
            rc = put_str(j, o, s, (size_t)len);
        });
        break;
    case WEIR_T_DATE: {
        const int32_t *x = in->data;
        STR_LOOP(rc = put_str(j, o, buf, (size_t)weir_format_date(x[i], buf)));
        break;
    }
    case WEIR_T_TIMESTAMP: {
        const int64_t *x = in->data;
        STR_LOOP(rc = put_str(j, o, buf, (size_t)weir_format_timestamp(x[i], j->tz, buf)));
        break;
    }
    case WEIR_T_INTERVAL: {
        const int64_t *x = in->data;
        STR_LOOP(rc = put_str(j, o, buf, (size_t)weir_format_interval(x[i], buf)));
        break;
    }
    case WEIR_T_STRUCT:
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: {
        weir_strbuf sb = WEIR_STRBUF_INIT;
        weir_text_mode mode = j->ansi_rules ? WEIR_TEXT_CAST_ANSI : WEIR_TEXT_CAST;
        STR_LOOP({
            weir_value v;
            weir_vec_get(in, i, &v);
            weir_sb_reset(&sb);
            weir_value_to_text(&v, j->tz, mode, &sb);
            if (sb.oom)
                rc = weir_err_nomem(j->ctx->err);
            else
                rc = put_str(j, o, sb.p ? sb.p : "", sb.len);
        });
        weir_sb_free(&sb);
        break;
    }
    default: return -1;
    }
#undef STR_LOOP
    if (rc != WEIR_OK) return rc;
    *out = o;
    return WEIR_OK;
}

/* ---- -> BINARY ----------------------------------------------------------------------------- */

static int to_binary(cast_job *j, weir_vec **out)
{
    const weir_vec *in = j->in;
    int32_t n = j->n;
    weir_vec *o = weir_vec_new(j->arena, j->to, n);
    if (!o) return weir_err_nomem(j->ctx->err);
    if (j->from->id == WEIR_T_STRING) {
        for (int32_t i = 0; i < n; i++) {
            int rc;
            if (IS_NULL(in, i)) {
                rc = weir_vec_append_null(o);
            } else {
                int32_t len;
                const char *s = weir_vec_str(in, i, &len);
                rc = weir_vec_append_str(o, s, len);
            }
            if (rc != WEIR_OK) return weir_err_nomem(j->ctx->err);
        }
    } else if (weir_type_is_integral(j->from)) {
        /* NumberConverter.toBinary: the two's-complement bytes, big-endian */
        int w = (int)weir_type_width(j->from);
        const int64_t *x = widen_int(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        for (int32_t i = 0; i < n; i++) {
            int rc;
            if (IS_NULL(in, i)) {
                rc = weir_vec_append_null(o);
            } else {
                char b[8];
                uint64_t u = (uint64_t)x[i];
                for (int k = 0; k < w; k++)
                    b[k] = (char)(u >> (8 * (w - 1 - k)));
                rc = weir_vec_append_str(o, b, w);
            }
            if (rc != WEIR_OK) return weir_err_nomem(j->ctx->err);
        }
    } else {
        return -1;
    }
    *out = o;
    return WEIR_OK;
}

/* ---- -> DATE / TIMESTAMP / INTERVAL -------------------------------------------------------- */

static int to_date(cast_job *j, weir_vec **out)
{
    weir_vec *o = fixed_out(j);
    if (!o) return weir_err_nomem(j->ctx->err);
    const weir_vec *in = j->in;
    int32_t n = j->n;
    int32_t *dst = o->data;
    if (j->from->id == WEIR_T_STRING) {
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            int32_t len;
            const char *s = weir_vec_str(in, i, &len);
            if (!weir_parse_date(s, (size_t)len, &dst[i])) {
                dst[i] = 0;
                FAIL_ROW(j, o, i, err_invalid_input(j, s, len));
            }
        }
    } else if (j->from->id == WEIR_T_TIMESTAMP) {
        const int64_t *x = in->data;
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            dst[i] = (int32_t)weir_floor_div(weir_tz_utc_to_local(j->tz, x[i]), WEIR_US_PER_DAY);
        }
    } else {
        return -1;
    }
    *out = o;
    return WEIR_OK;
}

/* TimeUnit.SECONDS.toMicros: saturating. */
static int64_t sec_to_micros(int64_t s)
{
    if (s > INT64_MAX / WEIR_US_PER_SEC) return INT64_MAX;
    if (s < INT64_MIN / WEIR_US_PER_SEC) return INT64_MIN;
    return s * WEIR_US_PER_SEC;
}

static int to_timestamp(cast_job *j, weir_vec **out)
{
    weir_vec *o = fixed_out(j);
    if (!o) return weir_err_nomem(j->ctx->err);
    const weir_vec *in = j->in;
    int32_t n = j->n;
    int64_t *dst = o->data;
    switch (j->from->id) {
    case WEIR_T_STRING:
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            int32_t len;
            const char *s = weir_vec_str(in, i, &len);
            if (!weir_parse_timestamp(s, (size_t)len, j->tz, &dst[i])) {
                dst[i] = 0;
                FAIL_ROW(j, o, i, err_invalid_input(j, s, len));
            }
        }
        break;
    case WEIR_T_BOOLEAN: {
        const uint8_t *x = in->data;
        for (int32_t i = 0; i < n; i++)
            dst[i] = x[i] != 0; /* 1 microsecond, as Spark */
        break;
    }
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: {
        const int64_t *x = widen_int(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        for (int32_t i = 0; i < n; i++)
            dst[i] = sec_to_micros(x[i]);
        break;
    }
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: {
        const double *x = widen_fp(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            if (!isfinite(x[i])) {
                FAIL_ROW(j, o, i, err_invalid_value(j, i));
                continue;
            }
            dst[i] = java_d2l(x[i] * 1e6);
        }
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *x = in->data;
        int sc = j->from->scale;
        const __int128 *p10 = pow10_i128();
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            /* (d * 1000000).longValue: truncation, then the low 64 bits */
            unsigned __int128 v;
            if (sc <= 6)
                v = (unsigned __int128)x[i] * (unsigned __int128)p10[6 - sc];
            else
                v = (unsigned __int128)(x[i] / p10[sc - 6]);
            dst[i] = (int64_t)(uint64_t)v;
        }
        break;
    }
    case WEIR_T_DATE: {
        const int32_t *x = in->data;
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            dst[i] = weir_tz_local_to_utc(j->tz, (int64_t)x[i] * WEIR_US_PER_DAY);
        }
        break;
    }
    default: return -1;
    }
    *out = o;
    return WEIR_OK;
}

static int to_interval(cast_job *j, weir_vec **out)
{
    weir_vec *o = fixed_out(j);
    if (!o) return weir_err_nomem(j->ctx->err);
    const weir_vec *in = j->in;
    int32_t n = j->n;
    int64_t *dst = o->data;
    switch (j->from->id) {
    case WEIR_T_STRING:
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            int32_t len;
            const char *s = weir_vec_str(in, i, &len);
            if (!parse_dt_interval(s, len, &dst[i])) {
                dst[i] = 0;
                FAIL_ROW_ALWAYS(j, o, i, err_interval_string(j, s, len));
            }
        }
        break;
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: {
        const int64_t *x = widen_int(j);
        if (!x) return weir_err_nomem(j->ctx->err);
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            if (x[i] > INT64_MAX / WEIR_US_PER_SEC || x[i] < INT64_MIN / WEIR_US_PER_SEC) {
                FAIL_ROW_ALWAYS(j, o, i, err_overflow(j, i));
                continue;
            }
            dst[i] = x[i] * WEIR_US_PER_SEC;
        }
        break;
    }
    case WEIR_T_DECIMAL: {
        const __int128 *x = in->data;
        int sc = j->from->scale;
        for (int32_t i = 0; i < n; i++) {
            if (IS_NULL(in, i)) continue;
            __int128 us;
            if (!dec_rescale(x[i], sc, 6, 38, &us) || us > INT64_MAX || us < INT64_MIN) {
                FAIL_ROW_ALWAYS(j, o, i, err_overflow(j, i));
                continue;
            }
            dst[i] = (int64_t)us;
        }
        break;
    }
    default: return -1;
    }
    *out = o;
    return WEIR_OK;
}

/* ---- nested ------------------------------------------------------------------------------ */

static int to_nested(cast_job *j, weir_vec **out)
{
    const weir_vec *in = j->in;
    const weir_type *f = j->from, *t = j->to;
    if (f->id != t->id) return -1;
    weir_vec *o = shell_out(j, in);
    if (!o) return weir_err_nomem(j->ctx->err);
    switch (t->id) {
    case WEIR_T_STRUCT:
        if (f->nfields != t->nfields) return -1;
        for (int c = 0; c < t->nfields; c++) {
            int rc = cast_rec(j, in->child[c], t->fields[c].type, &o->child[c]);
            if (rc != WEIR_OK) return rc;
        }
        break;
    case WEIR_T_ARRAY: {
        int rc = cast_rec(j, in->child[0], t->elem, &o->child[0]);
        if (rc != WEIR_OK) return rc;
        break;
    }
    case WEIR_T_MAP: {
        int rc = cast_rec(j, in->child[0], t->elem, &o->child[0]);
        if (rc == WEIR_OK) rc = cast_rec(j, in->child[1], t->value, &o->child[1]);
        if (rc != WEIR_OK) return rc;
        break;
    }
    default: return -1;
    }
    *out = o;
    return WEIR_OK;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

static int cast_run(cast_job *j, weir_vec **out)
{
    const weir_type *f = j->from, *t = j->to;
    if (weir_type_equal(f, t)) {
        *out = (weir_vec *)j->in; /* vectors are read-only once produced */
        return WEIR_OK;
    }
    if (f->id == WEIR_T_NULL) {
        *out = weir_vec_nulls(j->arena, t, j->n);
        return *out ? WEIR_OK : weir_err_nomem(j->ctx->err);
    }
    int rc;
    switch (t->id) {
    case WEIR_T_BOOLEAN: rc = to_boolean(j, out); break;
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: rc = to_integral(j, out); break;
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: rc = to_fractional(j, out); break;
    case WEIR_T_DECIMAL: rc = to_decimal(j, out); break;
    case WEIR_T_STRING: rc = to_string(j, out); break;
    case WEIR_T_BINARY: rc = to_binary(j, out); break;
    case WEIR_T_DATE: rc = to_date(j, out); break;
    case WEIR_T_TIMESTAMP: rc = to_timestamp(j, out); break;
    case WEIR_T_INTERVAL: rc = to_interval(j, out); break;
    case WEIR_T_STRUCT:
    case WEIR_T_ARRAY:
    case WEIR_T_MAP: rc = to_nested(j, out); break;
    default: rc = -1; break;
    }
    if (rc == -1) {
        char a[256], b[256];
        return weir_err(j->ctx->err, WEIR_EANALYSIS,
                        "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast \"%s\" to \"%s\".",
                        weir_type_sql(f, a, sizeof a), weir_type_sql(t, b, sizeof b));
    }
    return rc;
}

static int cast_rec(cast_job *parent, const weir_vec *v, const weir_type *to, weir_vec **out)
{
    cast_job j = *parent;
    j.in = v;
    j.from = v->type;
    j.to = to;
    j.n = v->len;
    return cast_run(&j, out);
}

int weir_cast_vec(weir_eval_ctx *ctx, const weir_vec *v, const weir_type *to, bool try_cast,
                  weir_vec **out)
{
    cast_job j;
    memset(&j, 0, sizeof j);
    j.ctx = ctx;
    j.arena = ctx->arena;
    j.tz = ctx->conf && ctx->conf->tz ? ctx->conf->tz : weir_tz_default();
    j.mode = try_cast ? MODE_TRY : (ctx->conf && ctx->conf->ansi) ? MODE_ANSI : MODE_LEGACY;
    j.ansi_rules = j.mode != MODE_LEGACY;
    j.in = v;
    j.from = v->type;
    j.to = to;
    j.n = v->len;
    return cast_run(&j, out);
}

/* ---- constants --------------------------------------------------------------------------- */

weir_vec *weir_vec_const(weir_arena *a, const weir_value *v, int32_t n)
{
    const weir_type *t = v->type;
    if (v->is_null || t->id == WEIR_T_NULL) return weir_vec_nulls(a, t, n);
    weir_vec *o = weir_vec_new(a, t, n);
    if (!o) return NULL;
    switch (t->id) {
    case WEIR_T_BOOLEAN:
    case WEIR_T_TINYINT: memset(o->data, (int)(int8_t)v->u.i, (size_t)n); break;
    case WEIR_T_SMALLINT:
        for (int32_t i = 0; i < n; i++)
            ((int16_t *)o->data)[i] = (int16_t)v->u.i;
        break;
    case WEIR_T_INT:
    case WEIR_T_DATE:
        for (int32_t i = 0; i < n; i++)
            ((int32_t *)o->data)[i] = (int32_t)v->u.i;
        break;
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL:
        for (int32_t i = 0; i < n; i++)
            ((int64_t *)o->data)[i] = v->u.i;
        break;
    case WEIR_T_FLOAT:
        for (int32_t i = 0; i < n; i++)
            ((float *)o->data)[i] = (float)v->u.d;
        break;
    case WEIR_T_DOUBLE:
        for (int32_t i = 0; i < n; i++)
            ((double *)o->data)[i] = v->u.d;
        break;
    case WEIR_T_DECIMAL:
        for (int32_t i = 0; i < n; i++)
            ((__int128 *)o->data)[i] = v->u.dec;
        break;
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t len = v->u.s.len;
        if (weir_vec_reserve_bytes(o, (int64_t)len * n) != WEIR_OK) return NULL;
        char *d = o->data;
        for (int32_t i = 0; i < n; i++) {
            if (len) memcpy(d + (size_t)i * (size_t)len, v->u.s.p, (size_t)len);
            o->offsets[i + 1] = (i + 1) * len;
        }
        break;
    }
    default:
        for (int32_t i = 0; i < n; i++)
            if (weir_vec_append_range(o, v->u.nested.vec, v->u.nested.row, 1) != WEIR_OK)
                return NULL;
        return o;
    }
    o->len = n;
    return o;
}
