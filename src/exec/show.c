/*
 * Spark's text forms of values and Dataset.show() tables (see show.h).
 *
 * Why this file is careful: the console sink and the CLI print results through weir_show,
 * and users diff that output against Spark's, so every byte follows Spark 3.5:
 *   - numbers print as Java does (Double.toString / Float.toString: the shortest digits that
 *     read back to the same value, "1.0E7" style outside [1e-3, 1e7)), decimals as
 *     java.math.BigDecimal does;
 *   - show() renders cells like ToPrettyString (NULL as "NULL", binary as hex) and lays the
 *     table out like Dataset.showString, counting lengths in UTF-16 units (Java strings) and
 *     widths with Spark's full-width character ranges.
 */
#include "exec/show.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Java's Double.toString / Float.toString ------------------------------------------
 * Java (JDK 19+, and older JDKs for all but rare values) prints the shortest decimal that
 * reads back as the same double/float, the closest one to the value when several exist (ties
 * to an even digit), with two digits when one would do (Double.MIN_VALUE is "4.9E-324").
 * We binary-search the length. For most values (1e-4 <= |x| < 2^53, floats alike) x is
 * exactly X / (10^22 * 2^s) in 128-bit integers, so digits and round trips are exact integer
 * work; the rest go through printf/strtod, which are exact but slow. */

static const double pow10_d[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
static const float pow10_f[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

static const uint64_t pow10_tab[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};

static uint64_t pow10_u64(int n)
{
    return pow10_tab[n];
}

static const unsigned __int128 P19 = (unsigned __int128)10000000000000000000ULL;

static unsigned __int128 pow10_u128(int n)
{
    return n >= 19 ? P19 * pow10_u64(n - 19) : pow10_u64(n);
}

/* Decimal digits of v (no leading zeros) into out; returns the count. */
static int u128_to_digits(unsigned __int128 v, char *out)
{
    char tmp[48];
    int n = 0;
    uint64_t parts[2] = {(uint64_t)(v % P19), (uint64_t)(v / P19)};
    for (int k = 0; k < 2; k++) {
        uint64_t u = parts[k];
        int len = 0;
        while (u) {
            tmp[n++] = (char)('0' + u % 10);
            u /= 10;
            len++;
        }
        if (k == 0 && parts[1])
            while (len++ < 19)
                tmp[n++] = '0';
    }
    if (n == 0) tmp[n++] = '0';
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

/* x (> 0) to format. Exact form (most values): x = X / (10^22 * 2^s) with X = g * 10^22
 * and g the significand of x in its own type (53 or 24 bits), so digits and round trips
 * are decided in 128-bit integers. Otherwise x ~ m17 * 10^(e10 - 16) from printf. */
typedef struct fp_digits {
    double x;
    bool is_float;
    bool exact;
    unsigned __int128 X;
    char q[48]; /* digits of floor(x * 10^22) */
    int nq;
    bool sticky; /* x * 10^22 is not an integer */
    int s;
    uint64_t g;
    bool low_half; /* g is a power of two: the gap below x is half the gap above */
    uint64_t m17;
    int e10;
} fp_digits;

static void fp_digits_of(double x, bool is_float, int maxp, fp_digits *d)
{
    memset(d, 0, sizeof *d);
    d->x = x;
    d->is_float = is_float;
    int prec = is_float ? 24 : 53, ex;
    double fr = frexp(x, &ex); /* x = fr * 2^ex, 0.5 <= fr < 1 */
    int s = prec - ex;
    bool normal = is_float ? x >= 1.17549435e-38 : x >= 2.2250738585072014e-308;
    if (normal && s >= 0 && s <= 100) {
        uint64_t g = (uint64_t)ldexp(fr, prec);
        unsigned __int128 X = (unsigned __int128)g * pow10_u128(22);
        int nq = u128_to_digits(X >> s, d->q);
        if (nq > maxp) { /* every probed length then rounds on a digit of q */
            d->exact = true;
            d->X = X;
            d->sticky = s > 0 && (X & (((unsigned __int128)1 << s) - 1)) != 0;
            d->s = s;
            d->nq = nq;
            d->g = g;
            d->low_half = g == (UINT64_C(1) << (prec - 1));
            return;
        }
    }
    char buf[48];
    snprintf(buf, sizeof buf, "%.16e", x);
    uint64_t v = 0;
    const char *c = buf;
    for (; *c && *c != 'e'; c++)
        if (*c >= '0' && *c <= '9') v = v * 10 + (uint64_t)(*c - '0');
    d->m17 = v;
    d->e10 = *c == 'e' ? atoi(c + 1) : 0;
}

/* Does the decimal m * 10^e read back (correctly rounded, ties to even) as x? */
static bool dec_round_trips(const fp_digits *d, uint64_t m, int e)
{
    if (d->exact && e + 22 >= 0 && e + 22 <= 38) {
        /* everything times 10^22 * 2^(s+1): x -> 2X, half a gap -> 10^22 */
        unsigned __int128 c = ((unsigned __int128)m * pow10_u128(e + 22)) << (d->s + 1);
        unsigned __int128 x2 = d->X << 1, half = pow10_u128(22);
        unsigned __int128 low = d->low_half ? half / 2 : half;
        bool even = (d->g & 1) == 0;
        if (c >= x2) return c - x2 < half || (c - x2 == half && even);
        return x2 - c < low || (x2 - c == low && even);
    }
    if (!d->is_float && m <= (UINT64_C(1) << 53) && e >= -22 && e <= 22)
        return (e >= 0 ? (double)m * pow10_d[e] : (double)m / pow10_d[-e]) == d->x;
    if (d->is_float && m <= (UINT64_C(1) << 24) && e >= -10 && e <= 10) {
        float v = e >= 0 ? (float)m * pow10_f[e] : (float)m / pow10_f[-e];
        return v == (float)d->x;
    }
    char s[48];
    snprintf(s, sizeof s, "%llue%d", (unsigned long long)m, e);
    if (d->is_float) return strtof(s, NULL) == (float)d->x;
    return strtod(s, NULL) == d->x;
}

/* The p-digit decimal nearest to x (ties to even): m * 10^e, 10^(p-1) <= m < 10^p. */
static void dec_nearest(const fp_digits *d, int p, uint64_t *m, int *e)
{
    if (d->exact) {
        uint64_t q = 0;
        for (int i = 0; i < p; i++)
            q = q * 10 + (uint64_t)(d->q[i] - '0');
        int ex = d->nq - p - 22;
        bool up = false;
        if (p < d->nq) {
            char next = d->q[p];
            bool rest = d->sticky;
            for (int i = p + 1; i < d->nq && !rest; i++)
                rest = d->q[i] != '0';
            up = next > '5' || (next == '5' && (rest || (q & 1)));
        }
        if (up) q++;
        if (q == pow10_u64(p)) {
            q /= 10;
            ex++;
        }
        *m = q;
        *e = ex;
        return;
    }
    if (p >= 17) {
        *m = d->m17;
        *e = d->e10 - 16;
        return;
    }
    /* Round the 17-digit form; an apparent tie there may not be one in x, so ask printf. */
    uint64_t div = pow10_u64(17 - p), q = d->m17 / div, r = d->m17 % div;
    int ex = d->e10 - (p - 1);
    if (r * 2 == div) {
        char s[48];
        snprintf(s, sizeof s, "%.*e", p - 1, d->x);
        uint64_t v = 0;
        const char *c = s;
        for (; *c && *c != 'e'; c++)
            if (*c >= '0' && *c <= '9') v = v * 10 + (uint64_t)(*c - '0');
        *m = v;
        *e = (*c == 'e' ? atoi(c + 1) : 0) - (p - 1);
        return;
    }
    if (r * 2 > div) q++;
    if (q == pow10_u64(p)) {
        q /= 10;
        ex++;
    }
    *m = q;
    *e = ex;
}

/* A p-digit decimal that reads back as x: the nearest one, else its neighbour on the side
 * where the rounding interval is wider (near powers of two the interval is lopsided). */
static bool dec_at_len(const fp_digits *d, int p, uint64_t *m, int *e)
{
    uint64_t m0;
    int e0;
    dec_nearest(d, p, &m0, &e0);
    if (dec_round_trips(d, m0, e0)) {
        *m = m0;
        *e = e0;
        return true;
    }
    /* With a symmetric rounding interval no other p-digit decimal can be closer. */
    if (d->exact && !d->low_half) return false;
    uint64_t lo = pow10_u64(p - 1), hi = pow10_u64(p);
    uint64_t mu = m0 + 1, md = m0 - 1;
    int eu = e0, ed = e0;
    if (mu == hi) {
        mu = lo;
        eu++;
    }
    if (md < lo) {
        md = hi - 1;
        ed--;
    }
    if (dec_round_trips(d, mu, eu)) {
        *m = mu;
        *e = eu;
        return true;
    }
    if (p > 1 && dec_round_trips(d, md, ed)) {
        *m = md;
        *e = ed;
        return true;
    }
    return false;
}

/* Java's layout of a decimal digits[0..n) * 10^(exp10 - (n-1)), i.e. d.ddd x 10^exp10. */
static int java_layout(bool neg, const char *dig, int n, int exp10, char *buf)
{
    char *o = buf;
    if (neg) *o++ = '-';
    if (exp10 >= -3 && exp10 < 7) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++)
                *o++ = i < n ? dig[i] : '0';
            *o++ = '.';
            if (n > exp10 + 1)
                for (int i = exp10 + 1; i < n; i++)
                    *o++ = dig[i];
            else
                *o++ = '0';
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -exp10 - 1; i++)
                *o++ = '0';
            for (int i = 0; i < n; i++)
                *o++ = dig[i];
        }
    } else {
        *o++ = dig[0];
        *o++ = '.';
        if (n > 1)
            for (int i = 1; i < n; i++)
                *o++ = dig[i];
        else
            *o++ = '0';
        *o++ = 'E';
        unsigned ue = (unsigned)(exp10 < 0 ? -exp10 : exp10);
        if (exp10 < 0) *o++ = '-';
        if (ue >= 100) *o++ = (char)('0' + ue / 100);
        if (ue >= 10) *o++ = (char)('0' + ue / 10 % 10);
        *o++ = (char)('0' + ue % 10);
    }
    *o = 0;
    return (int)(o - buf);
}

static int format_java_fp(double x, bool is_float, char *buf)
{
    if (isnan(x)) return sprintf(buf, "NaN");
    if (isinf(x)) return sprintf(buf, x > 0 ? "Infinity" : "-Infinity");
    if (x == 0) return sprintf(buf, signbit(x) ? "-0.0" : "0.0");
    bool neg = x < 0;
    double a = fabs(x);
    int maxp = is_float ? 9 : 17;
    fp_digits fd;
    fp_digits_of(a, is_float, maxp, &fd);
    /* Smallest length whose nearest decimal reads back (monotone in the length), then the
     * one or two shorter lengths again with neighbours allowed. */
    int lo = 1, hi = maxp;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        uint64_t m;
        int e;
        dec_nearest(&fd, mid, &m, &e);
        if (dec_round_trips(&fd, m, e))
            hi = mid;
        else
            lo = mid + 1;
    }
    int p = lo;
    uint64_t m = 0;
    int e = 0;
    int from = fd.exact && !fd.low_half ? p : p - 2 < 1 ? 1 : p - 2;
    for (int q = from; q <= p; q++)
        if (dec_at_len(&fd, q, &m, &e)) {
            p = q;
            break;
        }
    /* Java: when one digit suffices, the closest two-digit decimal is printed (4.9E-324). */
    if (p == 1) {
        if (!dec_at_len(&fd, 2, &m, &e)) dec_at_len(&fd, 1, &m, &e);
    }
    char dig[24], rev[24];
    int n = 0;
    do {
        rev[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    for (int i = 0; i < n; i++)
        dig[i] = rev[n - 1 - i];
    int exp10 = e + n - 1;
    while (n > 1 && dig[n - 1] == '0')
        n--;
    return java_layout(neg, dig, n, exp10, buf);
}

int weir_format_double(double d, char *buf)
{
    return format_java_fp(d, false, buf);
}

int weir_format_float(float f, char *buf)
{
    return format_java_fp((double)f, true, buf);
}

/* ---- decimals ------------------------------------------------------------------------- */

/* Digits of |v| (most significant first), NUL-terminated; returns the count. */
static int u128_digits(unsigned __int128 v, char *out)
{
    int n = u128_to_digits(v, out);
    out[n] = 0;
    return n;
}

static unsigned __int128 abs_u128(__int128 v)
{
    return v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
}

int weir_format_decimal(__int128 unscaled, int scale, char *buf)
{
    char dig[48];
    int n = u128_digits(abs_u128(unscaled), dig);
    char *o = buf;
    if (unscaled < 0) *o++ = '-';
    if (scale <= 0) {
        memcpy(o, dig, (size_t)n);
        o += n;
        for (int i = 0; i < -scale; i++)
            *o++ = '0';
    } else if (n > scale) {
        memcpy(o, dig, (size_t)(n - scale));
        o += n - scale;
        *o++ = '.';
        memcpy(o, dig + n - scale, (size_t)scale);
        o += scale;
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < scale - n; i++)
            *o++ = '0';
        memcpy(o, dig, (size_t)n);
        o += n;
    }
    *o = 0;
    return (int)(o - buf);
}

int weir_format_decimal_java(__int128 unscaled, int scale, char *buf)
{
    char dig[48];
    int n = u128_digits(abs_u128(unscaled), dig);
    int adjusted = n - 1 - scale;
    if (scale >= 0 && adjusted >= -6) return weir_format_decimal(unscaled, scale, buf);
    char *o = buf;
    if (unscaled < 0) *o++ = '-';
    *o++ = dig[0];
    if (n > 1) {
        *o++ = '.';
        memcpy(o, dig + 1, (size_t)(n - 1));
        o += n - 1;
    }
    o += sprintf(o, "E%s%d", adjusted >= 0 ? "+" : "", adjusted);
    return (int)(o - buf);
}

/* ---- intervals ------------------------------------------------------------------------- */

int weir_format_interval(int64_t us, char *buf)
{
    if (us == INT64_MIN) return sprintf(buf, "INTERVAL '-106751991 04:00:54.775808' DAY TO SECOND");
    const char *sign = "";
    if (us < 0) {
        sign = "-";
        us = -us;
    }
    int64_t days = us / WEIR_US_PER_DAY;
    us %= WEIR_US_PER_DAY;
    int64_t hours = us / (3600 * WEIR_US_PER_SEC);
    us %= 3600 * WEIR_US_PER_SEC;
    int64_t mins = us / (60 * WEIR_US_PER_SEC);
    us %= 60 * WEIR_US_PER_SEC;
    int64_t secs = us / WEIR_US_PER_SEC, frac = us % WEIR_US_PER_SEC;
    char fr[16] = "";
    if (frac) {
        snprintf(fr, sizeof fr, ".%06lld", (long long)frac);
        /* frac != 0, so at least one digit after the '.' is not '0' */
        for (size_t l = strlen(fr); l > 2 && fr[l - 1] == '0'; l--)
            fr[l - 1] = 0;
    }
    return sprintf(buf, "INTERVAL '%s%lld %02lld:%02lld:%02lld%s' DAY TO SECOND", sign,
                   (long long)days, (long long)hours, (long long)mins, (long long)secs, fr);
}

/* ---- values as text -------------------------------------------------------------------- */

static void text_value(const weir_value *v, const weir_tz *tz, weir_text_mode mode,
                       weir_strbuf *sb);

static void text_null(weir_text_mode mode, weir_strbuf *sb)
{
    weir_sb_puts(sb, mode == WEIR_TEXT_SHOW ? "NULL" : "null");
}

static void text_row_of(const weir_vec *vec, int32_t row, const weir_tz *tz, weir_text_mode mode,
                        weir_strbuf *sb)
{
    weir_value e;
    weir_vec_get(vec, row, &e);
    if (e.is_null)
        text_null(mode, sb);
    else
        text_value(&e, tz, mode, sb);
}

static void text_value(const weir_value *v, const weir_tz *tz, weir_text_mode mode, weir_strbuf *sb)
{
    char buf[80];
    int n;
    if (v->is_null || v->type->id == WEIR_T_NULL) {
        text_null(mode, sb);
        return;
    }
    switch (v->type->id) {
    case WEIR_T_BOOLEAN: weir_sb_puts(sb, v->u.i ? "true" : "false"); break;
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: weir_sb_printf(sb, "%lld", (long long)v->u.i); break;
    case WEIR_T_FLOAT:
        n = weir_format_float((float)v->u.d, buf);
        weir_sb_append(sb, buf, (size_t)n);
        break;
    case WEIR_T_DOUBLE:
        n = weir_format_double(v->u.d, buf);
        weir_sb_append(sb, buf, (size_t)n);
        break;
    case WEIR_T_DECIMAL:
        n = mode == WEIR_TEXT_CAST ? weir_format_decimal_java(v->u.dec, v->type->scale, buf)
                                   : weir_format_decimal(v->u.dec, v->type->scale, buf);
        weir_sb_append(sb, buf, (size_t)n);
        break;
    case WEIR_T_STRING: weir_sb_append(sb, v->u.s.p, (size_t)v->u.s.len); break;
    case WEIR_T_BINARY:
        if (mode == WEIR_TEXT_SHOW) {
            static const char hex[] = "0123456789ABCDEF";
            weir_sb_putc(sb, '[');
            for (int32_t i = 0; i < v->u.s.len; i++) {
                unsigned char c = (unsigned char)v->u.s.p[i];
                char h[3] = {hex[c >> 4], hex[c & 15], ' '};
                weir_sb_append(sb, h, i + 1 < v->u.s.len ? 3 : 2);
            }
            weir_sb_putc(sb, ']');
        } else {
            weir_sb_append(sb, v->u.s.p, (size_t)v->u.s.len);
        }
        break;
    case WEIR_T_DATE:
        n = weir_format_date((int32_t)v->u.i, buf);
        weir_sb_append(sb, buf, (size_t)n);
        break;
    case WEIR_T_TIMESTAMP:
        n = weir_format_timestamp(v->u.i, tz, buf);
        weir_sb_append(sb, buf, (size_t)n);
        break;
    case WEIR_T_INTERVAL:
        n = weir_format_interval(v->u.i, buf);
        weir_sb_append(sb, buf, (size_t)n);
        break;
    case WEIR_T_STRUCT: {
        const weir_vec *vec = v->u.nested.vec;
        int32_t row = v->u.nested.row;
        weir_sb_putc(sb, '{');
        for (int f = 0; f < vec->nchild; f++) {
            if (f) weir_sb_append(sb, ", ", 2);
            text_row_of(vec->child[f], row, tz, mode, sb);
        }
        weir_sb_putc(sb, '}');
        break;
    }
    case WEIR_T_ARRAY: {
        const weir_vec *vec = v->u.nested.vec;
        int32_t row = v->u.nested.row;
        weir_sb_putc(sb, '[');
        for (int32_t k = vec->offsets[row]; k < vec->offsets[row + 1]; k++) {
            if (k > vec->offsets[row]) weir_sb_append(sb, ", ", 2);
            text_row_of(vec->child[0], k, tz, mode, sb);
        }
        weir_sb_putc(sb, ']');
        break;
    }
    case WEIR_T_MAP: {
        const weir_vec *vec = v->u.nested.vec;
        int32_t row = v->u.nested.row;
        weir_sb_putc(sb, '{');
        for (int32_t k = vec->offsets[row]; k < vec->offsets[row + 1]; k++) {
            if (k > vec->offsets[row]) weir_sb_append(sb, ", ", 2);
            text_row_of(vec->child[0], k, tz, mode, sb);
            weir_sb_append(sb, " -> ", 4);
            text_row_of(vec->child[1], k, tz, mode, sb);
        }
        weir_sb_putc(sb, '}');
        break;
    }
    default: break;
    }
}

void weir_value_to_text(const weir_value *v, const weir_tz *tz, weir_text_mode mode,
                        weir_strbuf *sb)
{
    text_value(v, tz ? tz : weir_tz_default(), mode, sb);
}

/* ---- Dataset.show() -------------------------------------------------------------------- */

/* Spark's Utils.fullWidthRegex: characters that take two columns. */
static bool is_full_width(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6);
}

/* Decodes one UTF-8 sequence at s[0..n); returns its byte length (1 for a stray byte). */
static int utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || (size_t)len > n) {
        *cp = c;
        return 1;
    }
    uint32_t v = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = c;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

typedef struct {
    size_t off, len; /* bytes in the cell buffer */
    int64_t units;   /* Java String.length (UTF-16 units) */
    int64_t width;   /* Spark's stringHalfWidth */
} show_cell;

/* Measures s as Java would see it. */
static void measure(const char *s, size_t n, int64_t *units, int64_t *width)
{
    int64_t u = 0, w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += (size_t)utf8_next((const unsigned char *)s + i, n - i, &cp);
        int cu = cp >= 0x10000 ? 2 : 1;
        u += cu;
        w += cu + (is_full_width(cp) ? 1 : 0);
    }
    *units = u;
    *width = w;
}

/* Appends s with Spark's meta-character escapes. */
static void append_escaped(weir_strbuf *sb, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        case '\f': rep = "\\f"; break;
        case '\b': rep = "\\b"; break;
        case '\v': rep = "\\v"; break;
        case '\a': rep = "\\a"; break;
        default: break;
        }
        if (rep) {
            weir_sb_append(sb, s + run, i - run);
            weir_sb_append(sb, rep, 2);
            run = i + 1;
        }
    }
    weir_sb_append(sb, s + run, n - run);
}

/* Appends the first `keep` UTF-16 units of s (a split surrogate pair prints as '?', as
 * Java's encoder writes a lone surrogate). */
static void append_units(weir_strbuf *sb, const char *s, size_t n, int64_t keep)
{
    size_t i = 0;
    int64_t u = 0;
    while (i < n && u < keep) {
        uint32_t cp;
        int l = utf8_next((const unsigned char *)s + i, n - i, &cp);
        int cu = cp >= 0x10000 ? 2 : 1;
        if (u + cu > keep) {
            weir_sb_putc(sb, '?');
            u = keep;
            break;
        }
        weir_sb_append(sb, s + i, (size_t)l);
        i += (size_t)l;
        u += cu;
    }
}

/* Builds one cell (escaped, truncated) at the end of cells_sb and measures it. */
static void make_cell(weir_strbuf *cells_sb, weir_strbuf *tmp, const char *s, size_t n,
                      int truncate, show_cell *c)
{
    weir_sb_reset(tmp);
    append_escaped(tmp, s, n);
    const char *e = tmp->p ? tmp->p : "";
    int64_t units, width;
    measure(e, tmp->len, &units, &width);
    c->off = cells_sb->len;
    if (truncate > 0 && units > truncate) {
        if (truncate < 4) {
            append_units(cells_sb, e, tmp->len, truncate);
        } else {
            append_units(cells_sb, e, tmp->len, truncate - 3);
            weir_sb_append(cells_sb, "...", 3);
        }
        c->len = cells_sb->len - c->off;
        measure(cells_sb->p + c->off, c->len, &c->units, &c->width);
    } else {
        weir_sb_append(cells_sb, e, tmp->len);
        c->len = tmp->len;
        c->units = units;
        c->width = width;
    }
}

/* Appends a cell padded with spaces to the column width (leftPad or rightPad). */
static void pad_cell(weir_strbuf *out, const char *cells, const show_cell *c, int64_t colw,
                     bool left_pad)
{
    int64_t pad = colw - c->width;
    if (pad < 0) pad = 0;
    if (left_pad) weir_sb_fill(out, ' ', (size_t)pad);
    weir_sb_append(out, cells + c->off, c->len);
    if (!left_pad) weir_sb_fill(out, ' ', (size_t)pad);
}

void weir_show(const weir_result_view *r, int64_t num_rows, int truncate, bool vertical,
               const weir_tz *tz, weir_strbuf *out)
{
    if (!tz) tz = weir_tz_default();
    if (num_rows < 0) num_rows = 0;
    if (num_rows > INT32_MAX - 16) num_rows = INT32_MAX - 16;
    int ncols = r->ncols;
    int64_t total = 0;
    for (int b = 0; b < r->nbatches; b++)
        total += r->batches[b]->nrows;
    bool has_more = total > num_rows;
    int64_t nrows = has_more ? num_rows : total;

    size_t ncells = (size_t)(nrows + 1) * (size_t)ncols;
    show_cell *cells = calloc(ncells ? ncells : 1, sizeof *cells);
    int64_t *colw = calloc(ncols ? (size_t)ncols : 1, sizeof *colw);
    if (!cells || !colw) {
        free(cells);
        free(colw);
        out->oom = 1;
        return;
    }
    weir_strbuf text = WEIR_STRBUF_INIT, tmp = WEIR_STRBUF_INIT, val = WEIR_STRBUF_INIT;
    weir_sb_putc(&text, 0); /* keeps text.p non-NULL */
    for (int c = 0; c < ncols; c++) {
        const char *name = r->names[c] ? r->names[c] : "";
        make_cell(&text, &tmp, name, strlen(name), 0, &cells[c]);
    }
    int64_t row = 0;
    for (int b = 0; b < r->nbatches && row < nrows; b++) {
        const weir_batch *bt = r->batches[b];
        for (int32_t i = 0; i < bt->nrows && row < nrows; i++, row++) {
            for (int c = 0; c < ncols; c++) {
                weir_value v;
                weir_vec_get(bt->cols[c], i, &v);
                weir_sb_reset(&val);
                text_value(&v, tz, WEIR_TEXT_SHOW, &val);
                make_cell(&text, &tmp, val.p ? val.p : "", val.len, truncate,
                          &cells[(size_t)(row + 1) * (size_t)ncols + (size_t)c]);
            }
        }
    }
    if (text.oom || tmp.oom || val.oom) out->oom = 1;
    const char *tp = text.p ? text.p : "";

    if (!vertical) {
        for (int c = 0; c < ncols; c++) {
            colw[c] = 3;
            for (int64_t k = 0; k <= nrows; k++) {
                const show_cell *cl = &cells[(size_t)k * (size_t)ncols + (size_t)c];
                if (cl->width > colw[c]) colw[c] = cl->width;
            }
        }
        /* separator line: "+" cols joined by "+" then "+\n" */
        weir_strbuf sep = WEIR_STRBUF_INIT;
        weir_sb_putc(&sep, '+');
        for (int c = 0; c < ncols; c++) {
            if (c) weir_sb_putc(&sep, '+');
            weir_sb_fill(&sep, '-', (size_t)colw[c]);
        }
        weir_sb_append(&sep, "+\n", 2);
        /* Spark builds the separator with addString(sb, ...), which also writes it first */
        if (sep.p) weir_sb_append(out, sep.p, sep.len);
        for (int64_t k = 0; k <= nrows; k++) {
            weir_sb_putc(out, '|');
            for (int c = 0; c < ncols; c++) {
                if (c) weir_sb_putc(out, '|');
                pad_cell(out, tp, &cells[(size_t)k * (size_t)ncols + (size_t)c], colw[c],
                         truncate > 0);
            }
            weir_sb_append(out, "|\n", 2);
            if (k == 0 && sep.p) weir_sb_append(out, sep.p, sep.len);
        }
        if (sep.p) weir_sb_append(out, sep.p, sep.len);
        if (sep.oom) out->oom = 1;
        weir_sb_free(&sep);
    } else {
        int64_t namew = 3, dataw = 3;
        for (int c = 0; c < ncols; c++)
            if (cells[c].width > namew) namew = cells[c].width;
        for (int64_t k = 1; k <= nrows; k++)
            for (int c = 0; c < ncols; c++) {
                const show_cell *cl = &cells[(size_t)k * (size_t)ncols + (size_t)c];
                if (cl->width > dataw) dataw = cl->width;
            }
        for (int64_t k = 1; k <= nrows; k++) {
            char head[48];
            int hl = snprintf(head, sizeof head, "-RECORD %lld", (long long)(k - 1));
            weir_sb_append(out, head, (size_t)hl);
            if (namew + dataw + 5 > hl) weir_sb_fill(out, '-', (size_t)(namew + dataw + 5 - hl));
            weir_sb_putc(out, '\n');
            for (int c = 0; c < ncols; c++) {
                weir_sb_putc(out, ' ');
                pad_cell(out, tp, &cells[c], namew, false);
                weir_sb_append(out, " | ", 3);
                pad_cell(out, tp, &cells[(size_t)k * (size_t)ncols + (size_t)c], dataw, false);
                weir_sb_append(out, " \n", 2);
            }
        }
    }
    if (vertical && nrows == 0)
        weir_sb_puts(out, "(0 rows)\n");
    else if (has_more)
        weir_sb_printf(out, "only showing top %lld %s\n", (long long)num_rows,
                       num_rows == 1 ? "row" : "rows");

    weir_sb_free(&text);
    weir_sb_free(&tmp);
    weir_sb_free(&val);
    free(cells);
    free(colw);
}
