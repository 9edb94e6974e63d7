/*
 * The schema-directed JSON reader: one pass over each record, values written straight
 * into the batch's column vectors with JacksonParser's conversion rules and
 * FailureSafeParser's parse modes. This is weir's hottest loop, so:
 *   - a "plan" compiled once per schema maps each struct's field names to output vectors;
 *     a field name is matched first against the field that followed the previous key on
 *     the last record (lines nearly always share field order), falling back to a hash;
 *   - strings without escapes are memcpy'd from the input into the column's byte buffer,
 *     numbers are parsed in place, common timestamps take a fixed-layout fast path;
 *   - unwanted fields and unknown keys are skipped with validation but no decoding;
 *   - nothing is allocated per row: rows are rolled back by truncating vectors.
 * Error model: a converter returns J_OK, J_PARTIAL (value written but something inside
 * failed: Spark 3.5's partial results), J_CONV (value consumed, not written: the enclosing
 * struct field becomes NULL) or J_SYNTAX (the record is malformed: all fields NULL).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/fmt_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { J_OK = 0, J_PARTIAL = 1, J_CONV = 2, J_SYNTAX = 3, J_NOMEM = 4 };

typedef struct jplan jplan;

typedef struct jfield {
    const char *name;
    int32_t nlen;
    uint64_t k8[2], m8[2]; /* name + closing quote as two masked words (nlen < 16) */
    bool plain;            /* no quote or backslash in the name: raw bytes can be compared */
    bool want;
    int slot; /* output vector index */
    jplan *conv;
} jfield;

struct jplan {
    const weir_type *type;
    weir_type_id id;
    /* STRUCT */
    int nfields, nwant;
    jfield *fields;
    int *guess;    /* [0]: first key; [i+1]: key after field i; [nfields+1]: after unknown */
    int32_t *htab; /* field index + 1, 0 = empty */
    uint32_t hmask;
    uint32_t *seen; /* generation stamp per field */
    uint32_t gen;
    /* ARRAY element / MAP value */
    jplan *elem;
};

typedef struct jctx {
    const char *p, *end;
    weir_jlex lx;
    weir_strbuf tmp;
    const weir_tz *tz;
    weir_fmt_tscache tsc;
    weir_dtfmt *ts_fmt, *date_fmt;
} jctx;

typedef struct jreader {
    jplan *root;
    jctx c;
    bool multiline;
    const char *line_sep;
    size_t line_sep_len;
    int64_t *str_hint; /* bytes used per STRING column in the last batch */
} jreader;

/* ---- plan ---------------------------------------------------------------------------------- */

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static jplan *plan_new(weir_arena *a, const weir_type *t, const bool *want, int corrupt, bool root,
                       weir_error *err);

static int plan_struct(weir_arena *a, jplan *pl, const weir_type *t, const bool *want, int corrupt,
                       bool root, weir_error *err)
{
    int nf = t->nfields;
    pl->nfields = nf;
    pl->fields = WEIR_ARENA_NEWN(a, jfield, nf ? nf : 1);
    pl->guess = WEIR_ARENA_NEWN(a, int, nf + 2);
    pl->seen = WEIR_ARENA_NEWN(a, uint32_t, nf ? nf : 1);
    uint32_t hs = 4;
    while (hs < (uint32_t)nf * 2 + 2)
        hs <<= 1;
    pl->htab = WEIR_ARENA_NEWN(a, int32_t, hs);
    pl->hmask = hs - 1;
    if (!pl->fields || !pl->guess || !pl->seen || !pl->htab) return weir_err_nomem(err);
    int slot = 0;
    for (int i = 0; i < nf; i++) {
        jfield *f = &pl->fields[i];
        f->name = t->fields[i].name;
        f->nlen = (int32_t)strlen(f->name);
        f->plain = !strpbrk(f->name, "\"\\");
        if (f->nlen < 16) {
            unsigned char kb[16] = {0}, mb[16] = {0};
            memcpy(kb, f->name, (size_t)f->nlen);
            kb[f->nlen] = '"';
            memset(mb, 0xff, (size_t)f->nlen + 1);
            memcpy(f->k8, kb, 16);
            memcpy(f->m8, mb, 16);
        }
        f->want = want ? want[i] : true;
        f->slot = -1;
        if (f->want) {
            f->slot = root ? slot++ : i;
            pl->nwant++;
            if (i != corrupt) {
                f->conv = plan_new(a, t->fields[i].type, NULL, -1, false, err);
                if (!f->conv) return err->code ? err->code : weir_err_nomem(err);
            }
        }
        if (i == corrupt) continue; /* the corrupt column never matches a key */
        uint32_t h = hash_bytes(f->name, (size_t)f->nlen) & pl->hmask;
        for (;;) {
            int32_t e = pl->htab[h];
            if (e == 0) {
                pl->htab[h] = i + 1;
                break;
            }
            if (strcmp(pl->fields[e - 1].name, f->name) == 0) {
                pl->htab[h] = i + 1; /* duplicate name: the last one wins (nameToIndex) */
                break;
            }
            h = (h + 1) & pl->hmask;
        }
    }
    for (int i = 0; i < nf + 2; i++)
        pl->guess[i] = (i < nf) ? i : -1;
    return WEIR_OK;
}

static jplan *plan_new(weir_arena *a, const weir_type *t, const bool *want, int corrupt, bool root,
                       weir_error *err)
{
    jplan *pl = WEIR_ARENA_NEW(a, jplan);
    if (!pl) return NULL;
    pl->type = t;
    pl->id = t->id;
    switch (t->id) {
    case WEIR_T_STRUCT:
        if (plan_struct(a, pl, t, want, corrupt, root, err) != WEIR_OK) return NULL;
        break;
    case WEIR_T_ARRAY:
        if (!(pl->elem = plan_new(a, t->elem, NULL, -1, false, err))) return NULL;
        break;
    case WEIR_T_MAP:
        if (t->elem->id != WEIR_T_STRING) {
            char buf[128];
            weir_err(err, WEIR_EUNSUPPORTED,
                     "JSON reading of %s is not supported: map keys must be STRING",
                     weir_type_sql(t, buf, sizeof(buf)));
            return NULL;
        }
        if (!(pl->elem = plan_new(a, t->value, NULL, -1, false, err))) return NULL;
        break;
    default: break;
    }
    return pl;
}

static inline int lookup(const jplan *pl, const char *k, size_t n)
{
    uint32_t h = hash_bytes(k, n) & pl->hmask;
    for (;;) {
        int32_t e = pl->htab[h];
        if (e == 0) return -1;
        const jfield *f = &pl->fields[e - 1];
        if ((size_t)f->nlen == n && memcmp(f->name, k, n) == 0) return e - 1;
        h = (h + 1) & pl->hmask;
    }
}

/* ---- converters ------------------------------------------------------------------------------ */

static int conv_value(jctx *c, jplan *pl, weir_vec *v);

static inline const char *ws(const jctx *c, const char *p)
{
    if (!c->lx.comments) {
        while (p < c->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        return p;
    }
    return weir_jskip_ws(&c->lx, p, c->end);
}

static int skip_fail(jctx *c)
{
    const char *q = weir_jskip_value(&c->lx, c->p, c->end, 0);
    if (!q) return J_SYNTAX;
    c->p = q;
    return J_CONV;
}

static inline const char *scan_plain(const char *p, const char *end);

/* The text of the string token at c->p (decoded when escaped; then in c->tmp). */
static int string_token(jctx *c, const char **s, size_t *n)
{
    bool esc;
    const char *p = c->p;
    if (*p == '"') {
        const char *q = scan_plain(p + 1, c->end);
        if (q < c->end && *q == '"') {
            *s = p + 1;
            *n = (size_t)(q - p - 1);
            c->p = q + 1;
            return J_OK;
        }
    }
    const char *q = weir_jscan_string(&c->lx, p, c->end, &esc);
    if (!q) return J_SYNTAX;
    c->p = q;
    if (!esc) {
        *s = p + 1;
        *n = (size_t)(q - p - 2);
    } else {
        weir_sb_reset(&c->tmp);
        weir_jdecode_string(&c->lx, p, q, &c->tmp);
        if (c->tmp.oom) return J_NOMEM;
        *s = c->tmp.p ? c->tmp.p : "";
        *n = c->tmp.len;
    }
    return J_OK;
}

static inline bool is_quote(const jctx *c, char ch)
{
    return ch == '"' || (ch == '\'' && c->lx.single_quotes);
}

/* Parses an integer token; J_CONV (after consuming the number) when it is a float or does
 * not fit in 64 bits. */
static int int_token(jctx *c, int64_t *out)
{
    const char *p = c->p, *end = c->end;
    bool neg = false;
    if (p < end && *p == '-') {
        neg = true;
        p++;
    }
    const char *d = p;
    uint64_t v = 0;
    while (p < end && (unsigned)(*p - '0') <= 9 && p - d < 19)
        v = v * 10 + (uint64_t)(*p++ - '0');
    bool simple = p > d &&
                  (p >= end || ((unsigned)(*p - '0') > 9 && *p != '.' && *p != 'e' && *p != 'E')) &&
                  !(*d == '0' && p - d > 1);
    if (simple) {
        if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX) {
            c->p = p;
            return J_CONV;
        }
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        c->p = p;
        return J_OK;
    }
    int kind;
    const char *q = weir_jscan_number(&c->lx, c->p, end, &kind);
    if (!q) return J_SYNTAX;
    if (kind == WEIR_JNUM_INT && c->lx.leading_zeros) {
        /* leading zeros allowed: reparse without them */
        const char *s = c->p + neg;
        while (s < q - 1 && *s == '0')
            s++;
        if (q - s <= 18) {
            int64_t x = 0;
            for (; s < q; s++)
                x = x * 10 + (*s - '0');
            *out = neg ? -x : x;
            c->p = q;
            return J_OK;
        }
    }
    c->p = q;
    return J_CONV; /* float token or too many digits */
}

static const double pow10tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A number token as double (Clinger's fast path when exact, else strtod). */
static int double_token(jctx *c, double *out)
{
    int kind;
    const char *p = c->p;
    const char *q = weir_jscan_number(&c->lx, p, c->end, &kind);
    if (!q) return J_SYNTAX;
    c->p = q;
    if (kind == WEIR_JNUM_NAN) {
        bool neg = *p == '-';
        const char *w = p + (neg || *p == '+');
        *out = *w == 'N' ? NAN : (neg ? -INFINITY : INFINITY);
        return J_OK;
    }
    const char *s = p;
    bool neg = *s == '-';
    if (neg) s++;
    uint64_t m = 0;
    int nd = 0, frac = 0;
    bool point = false, fast = true;
    for (; s < q; s++) {
        if (*s == '.') {
            point = true;
            continue;
        }
        if (*s == 'e' || *s == 'E') {
            fast = false;
            break;
        }
        if (nd == 0 && *s == '0' && !point) continue;
        if (++nd > 15) {
            fast = false;
            break;
        }
        m = m * 10 + (uint64_t)(*s - '0');
        if (point) frac++;
    }
    if (fast && frac <= 22) {
        double d = (double)m / pow10tab[frac];
        *out = neg ? -d : d;
        return J_OK;
    }
    char buf[128];
    size_t n = (size_t)(q - p);
    if (n >= sizeof(buf)) {
        char *t = malloc(n + 1);
        if (!t) return J_NOMEM;
        memcpy(t, p, n);
        t[n] = 0;
        *out = strtod(t, NULL);
        free(t);
    } else {
        memcpy(buf, p, n);
        buf[n] = 0;
        *out = strtod(buf, NULL);
    }
    return J_OK;
}

static bool special_double(const char *s, size_t n, double *out)
{
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, n) == 0)
    if (IS("NaN"))
        *out = NAN;
    else if (IS("+INF") || IS("+Infinity") || IS("Infinity"))
        *out = INFINITY;
    else if (IS("-INF") || IS("-Infinity"))
        *out = -INFINITY;
    else
        return false;
#undef IS
    return true;
}

/* First quote, backslash or control character in [p, end). */
static inline const char *scan_plain(const char *p, const char *end)
{
#if defined(__SSE2__)
    const __m128i vq = _mm_set1_epi8('"'), vb = _mm_set1_epi8('\\'), v1f = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vb));
        m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(x, v1f), v1f));
        int bits = _mm_movemask_epi8(m);
        if (bits) return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
#endif
    while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
        p++;
    return p;
}

static int conv_string(jctx *c, weir_vec *v)
{
    const char *p = c->p;
    if (*p == '"') {
        const char *q = scan_plain(p + 1, c->end);
        if (q < c->end && *q == '"') {
            c->p = q + 1;
            return weir_fmt_push_str(v, p + 1, (size_t)(q - p - 1)) ? J_NOMEM : J_OK;
        }
        /* escapes (or control characters when allowed): validate, then decode */
        bool esc;
        q = weir_jscan_string(&c->lx, p, c->end, &esc);
        if (!q) return J_SYNTAX;
        c->p = q;
        if (!esc) return weir_fmt_push_str(v, p + 1, (size_t)(q - p - 2)) ? J_NOMEM : J_OK;
        weir_sb_reset(&c->tmp);
        weir_jdecode_string(&c->lx, p, q, &c->tmp);
        if (c->tmp.oom) return J_NOMEM;
        return weir_fmt_push_str(v, c->tmp.p ? c->tmp.p : "", c->tmp.len) ? J_NOMEM : J_OK;
    }
    if (*p == '\'' && c->lx.single_quotes) {
        const char *s;
        size_t n;
        int st = string_token(c, &s, &n);
        if (st) return st;
        return weir_fmt_push_str(v, s, n) ? J_NOMEM : J_OK;
    }
    /* Any other token: its JSON text as Jackson's copyCurrentStructure writes it. */
    weir_sb_reset(&c->tmp);
    const char *q = weir_jcopy_value(&c->lx, p, c->end, &c->tmp, 0);
    if (!q) return J_SYNTAX;
    if (c->tmp.oom) return J_NOMEM;
    c->p = q;
    return weir_fmt_push_str(v, c->tmp.p ? c->tmp.p : "", c->tmp.len) ? J_NOMEM : J_OK;
}

static int conv_struct(jctx *c, jplan *pl, weir_vec *const *outs, int32_t row);

static int conv_value(jctx *c, jplan *pl, weir_vec *v)
{
    const char *p = c->p;
    if (p >= c->end) return J_SYNTAX;
    char ch = *p;
    if (ch == 'n') {
        if (c->end - p >= 4 && memcmp(p, "null", 4) == 0 &&
            (c->end - p == 4 || !((p[4] >= 'a' && p[4] <= 'z') || (p[4] >= 'A' && p[4] <= 'Z') ||
                                  (p[4] >= '0' && p[4] <= '9') || p[4] == '_'))) {
            c->p = p + 4;
            return weir_fmt_push_null(v) ? J_NOMEM : J_OK;
        }
        return J_SYNTAX;
    }
    switch (pl->id) {
    case WEIR_T_STRING: return conv_string(c, v);
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: {
        if (!(ch == '-' || (unsigned)(ch - '0') <= 9)) return skip_fail(c);
        int64_t x;
        int st = int_token(c, &x);
        if (st) return st;
        if (pl->id == WEIR_T_BIGINT) return weir_fmt_push_fixed(v, &x, 8) ? J_NOMEM : J_OK;
        if (pl->id == WEIR_T_INT) {
            if (x < INT32_MIN || x > INT32_MAX) return J_CONV;
            int32_t y = (int32_t)x;
            return weir_fmt_push_fixed(v, &y, 4) ? J_NOMEM : J_OK;
        }
        if (pl->id == WEIR_T_SMALLINT) {
            if (x < INT16_MIN || x > INT16_MAX) return J_CONV;
            int16_t y = (int16_t)x;
            return weir_fmt_push_fixed(v, &y, 2) ? J_NOMEM : J_OK;
        }
        /* Jackson's getByteValue accepts -128..255 (unsigned bytes wrap). */
        if (x < -128 || x > 255) return J_CONV;
        int8_t y = (int8_t)(uint8_t)x;
        return weir_fmt_push_fixed(v, &y, 1) ? J_NOMEM : J_OK;
    }
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: {
        double d;
        if (ch == '-' || ch == '+' || (unsigned)(ch - '0') <= 9 || ch == 'N' || ch == 'I') {
            int st = double_token(c, &d);
            if (st) return st;
            if (pl->id == WEIR_T_FLOAT && fabs(d) < INFINITY && !isnan(d)) {
                /* Float.parseFloat rounds the text directly */
                char buf[64];
                size_t n =
                    (size_t)(c->p - p) < sizeof(buf) - 1 ? (size_t)(c->p - p) : sizeof(buf) - 1;
                memcpy(buf, p, n);
                buf[n] = 0;
                float f = strtof(buf, NULL);
                return weir_fmt_push_fixed(v, &f, 4) ? J_NOMEM : J_OK;
            }
        } else if (is_quote(c, ch)) {
            const char *s;
            size_t n;
            int st = string_token(c, &s, &n);
            if (st) return st;
            if (!c->lx.non_numeric || !special_double(s, n, &d)) return J_CONV;
        } else {
            return skip_fail(c);
        }
        if (pl->id == WEIR_T_FLOAT) {
            float f = (float)d;
            return weir_fmt_push_fixed(v, &f, 4) ? J_NOMEM : J_OK;
        }
        return weir_fmt_push_fixed(v, &d, 8) ? J_NOMEM : J_OK;
    }
    case WEIR_T_BOOLEAN: {
        uint8_t b;
        if (ch == 't' && c->end - p >= 4 && memcmp(p, "true", 4) == 0) {
            b = 1;
            c->p = p + 4;
        } else if (ch == 'f' && c->end - p >= 5 && memcmp(p, "false", 5) == 0) {
            b = 0;
            c->p = p + 5;
        } else {
            return skip_fail(c);
        }
        /* "truex" must still be a syntax error */
        if (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= '0' && *c->p <= '9')))
            return J_SYNTAX;
        return weir_fmt_push_fixed(v, &b, 1) ? J_NOMEM : J_OK;
    }
    case WEIR_T_TIMESTAMP: {
        int64_t us;
        if (is_quote(c, ch)) {
            const char *s;
            size_t n;
            int st = string_token(c, &s, &n);
            if (st) return st;
            if (n == 0) return J_CONV;
            bool ok = c->ts_fmt ? weir_dtfmt_parse(c->ts_fmt, s, n, c->tz, &us)
                                : weir_fmt_ts_parse(s, n, c->tz, &c->tsc, &us);
            if (!ok) return J_CONV;
        } else if (ch == '-' || (unsigned)(ch - '0') <= 9) {
            int64_t secs;
            int st = int_token(c, &secs);
            if (st) return st;
            us = (int64_t)((uint64_t)secs * 1000000u); /* Java long multiply wraps */
        } else {
            return skip_fail(c);
        }
        return weir_fmt_push_fixed(v, &us, 8) ? J_NOMEM : J_OK;
    }
    case WEIR_T_DATE: {
        if (!is_quote(c, ch)) return skip_fail(c);
        const char *s;
        size_t n;
        int st = string_token(c, &s, &n);
        if (st) return st;
        if (n == 0) return J_CONV;
        int32_t days;
        if (c->date_fmt) {
            int64_t us;
            if (!weir_dtfmt_parse(c->date_fmt, s, n, weir_fmt_utc(), &us)) return J_CONV;
            days = (int32_t)weir_floor_div(us, WEIR_US_PER_DAY);
        } else if (!weir_parse_date(s, n, &days)) {
            /* Spark 1.5 stored dates as day counts in strings */
            size_t i = (n && s[0] == '-') ? 1 : 0;
            if (i == n || n - i > 10) return J_CONV;
            int64_t x = 0;
            for (size_t k = i; k < n; k++) {
                if ((unsigned)(s[k] - '0') > 9) return J_CONV;
                x = x * 10 + (s[k] - '0');
            }
            if (i) x = -x;
            if (x < INT32_MIN || x > INT32_MAX) return J_CONV;
            days = (int32_t)x;
        }
        return weir_fmt_push_fixed(v, &days, 4) ? J_NOMEM : J_OK;
    }
    case WEIR_T_DECIMAL: {
        __int128 d;
        if (is_quote(c, ch)) {
            const char *s;
            size_t n;
            int st = string_token(c, &s, &n);
            if (st) return st;
            char buf[256];
            size_t k = 0;
            for (size_t i = 0; i < n && k < sizeof(buf); i++)
                if (s[i] != ',') buf[k++] = s[i]; /* the US-locale parser drops grouping */
            if (n == 0 || !weir_fmt_parse_decimal(buf, k, pl->type->precision, pl->type->scale, &d))
                return J_CONV;
        } else if (ch == '-' || (unsigned)(ch - '0') <= 9) {
            int kind;
            const char *q = weir_jscan_number(&c->lx, p, c->end, &kind);
            if (!q) return J_SYNTAX;
            c->p = q;
            if (!weir_fmt_parse_decimal(p, (size_t)(q - p), pl->type->precision, pl->type->scale,
                                        &d))
                return J_CONV;
        } else {
            return skip_fail(c);
        }
        return weir_fmt_push_fixed(v, &d, 16) ? J_NOMEM : J_OK;
    }
    case WEIR_T_BINARY: {
        if (!is_quote(c, ch)) return skip_fail(c);
        const char *s;
        size_t n;
        int st = string_token(c, &s, &n);
        if (st) return st;
        weir_strbuf b = WEIR_STRBUF_INIT;
        bool ok = weir_fmt_base64_decode(s, n, &b);
        int rc = ok ? (weir_fmt_push_str(v, b.p ? b.p : "", b.len) ? J_NOMEM : J_OK) : J_CONV;
        weir_sb_free(&b);
        return rc;
    }
    case WEIR_T_INTERVAL: {
        if (!is_quote(c, ch)) return skip_fail(c);
        const char *s;
        size_t n;
        int st = string_token(c, &s, &n);
        if (st) return st;
        int64_t us;
        if (!weir_parse_interval(s, n, &us)) return J_CONV;
        return weir_fmt_push_fixed(v, &us, 8) ? J_NOMEM : J_OK;
    }
    case WEIR_T_NULL: {
        const char *q = weir_jskip_value(&c->lx, p, c->end, 0);
        if (!q) return J_SYNTAX;
        c->p = q;
        return weir_fmt_push_null(v) ? J_NOMEM : J_OK;
    }
    case WEIR_T_STRUCT: {
        if (ch != '{') return skip_fail(c);
        int32_t row = v->len;
        if (v->len >= v->cap && weir_vec_reserve(v, v->len + 1)) return J_NOMEM;
        int st = conv_struct(c, pl, v->child, row);
        if (st >= J_CONV) return st;
        if (v->valid) weir_bit_set(v->valid, row);
        v->len++;
        return st;
    }
    case WEIR_T_ARRAY: {
        if (ch != '[') return skip_fail(c);
        weir_vec *ev = v->child[0];
        int status = J_OK;
        const char *q = ws(c, p + 1);
        if (q < c->end && *q == ']') {
            c->p = q + 1;
        } else {
            for (;;) {
                c->p = q;
                int st = conv_value(c, pl->elem, ev);
                if (st >= J_SYNTAX) return st;
                if (st == J_CONV) {
                    /* the element's failure voids the whole array: consume the rest */
                    status = J_CONV;
                } else if (st > status) {
                    status = st;
                }
                q = ws(c, c->p);
                if (q >= c->end) return J_SYNTAX;
                if (*q == ',') {
                    q = ws(c, q + 1);
                    continue;
                }
                if (*q == ']') {
                    c->p = q + 1;
                    break;
                }
                return J_SYNTAX;
            }
        }
        if (status == J_CONV) return J_CONV;
        if (v->len >= v->cap && weir_vec_reserve(v, v->len + 1)) return J_NOMEM;
        v->offsets[v->len + 1] = ev->len;
        if (v->valid) weir_bit_set(v->valid, v->len);
        v->len++;
        return status;
    }
    case WEIR_T_MAP: {
        if (ch != '{') return skip_fail(c);
        weir_vec *kv = v->child[0], *vv = v->child[1];
        int status = J_OK;
        const char *q = ws(c, p + 1);
        if (q < c->end && *q == '}') {
            c->p = q + 1;
        } else {
            for (;;) {
                if (q >= c->end || !is_quote(c, *q)) return J_SYNTAX;
                c->p = q;
                const char *s;
                size_t n;
                int st = string_token(c, &s, &n);
                if (st) return st;
                if (status != J_CONV && weir_fmt_push_str(kv, s, n)) return J_NOMEM;
                q = ws(c, c->p);
                if (q >= c->end || *q != ':') return J_SYNTAX;
                c->p = ws(c, q + 1);
                st = conv_value(c, pl->elem, vv);
                if (st >= J_SYNTAX) return st;
                if (st == J_CONV)
                    status = J_CONV;
                else if (st > status)
                    status = st;
                q = ws(c, c->p);
                if (q >= c->end) return J_SYNTAX;
                if (*q == ',') {
                    q = ws(c, q + 1);
                    continue;
                }
                if (*q == '}') {
                    c->p = q + 1;
                    break;
                }
                return J_SYNTAX;
            }
        }
        if (status == J_CONV) return J_CONV;
        if (v->len >= v->cap && weir_vec_reserve(v, v->len + 1)) return J_NOMEM;
        v->offsets[v->len + 1] = kv->len;
        if (v->valid) weir_bit_set(v->valid, v->len);
        v->len++;
        return status;
    }
    default: return skip_fail(c);
    }
}

/* Parses the object at c->p (a '{') into row `row` of the field vectors outs[slot]. Every
 * wanted field gets exactly one value (NULL when absent or unconvertible). */
static int conv_struct(jctx *c, jplan *pl, weir_vec *const *outs, int32_t row)
{
    const char *p = ws(c, c->p + 1), *end = c->end;
    uint32_t gen = ++pl->gen;
    if (gen == 0) {
        memset(pl->seen, 0, sizeof(uint32_t) * (size_t)(pl->nfields ? pl->nfields : 1));
        gen = pl->gen = 1;
    }
    int prev = 0; /* index into guess[] */
    int status = J_OK, nseen = 0;
    if (p < end && *p == '}') {
        p++;
        goto done;
    }
    for (;;) {
        if (p >= end) return J_SYNTAX;
        int fi = -1;
        char q = *p;
        int g = pl->guess[prev];
        if (q == '"' && g >= 0) {
            const jfield *f = &pl->fields[g];
            const char *ks = p + 1;
            if (f->nlen < 16 && end - ks >= 16) {
                /* compare name + closing quote with two masked 8-byte loads */
                uint64_t w0, w1;
                memcpy(&w0, ks, 8);
                memcpy(&w1, ks + 8, 8);
                if (((w0 & f->m8[0]) ^ f->k8[0]) == 0 && ((w1 & f->m8[1]) ^ f->k8[1]) == 0 &&
                    f->plain)
                    fi = g, p = ks + f->nlen + 1;
            } else if (f->plain && end - ks > f->nlen && ks[f->nlen] == '"' &&
                       memcmp(ks, f->name, (size_t)f->nlen) == 0) {
                fi = g, p = ks + f->nlen + 1;
            }
        }
        if (fi < 0) {
            const char *ks, *ke;
            if (q == '"' || (q == '\'' && c->lx.single_quotes)) {
                bool esc;
                const char *kq = weir_jscan_string(&c->lx, p, end, &esc);
                if (!kq) return J_SYNTAX;
                if (!esc) {
                    ks = p + 1;
                    ke = kq - 1;
                } else {
                    weir_sb_reset(&c->tmp);
                    weir_jdecode_string(&c->lx, p, kq, &c->tmp);
                    ks = c->tmp.p ? c->tmp.p : "";
                    ke = ks + c->tmp.len;
                }
                p = kq;
            } else if (c->lx.unquoted_names) {
                ks = p;
                while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                   (*p >= '0' && *p <= '9') || *p == '_' || *p == '$'))
                    p++;
                if (p == ks) return J_SYNTAX;
                ke = p;
            } else {
                return J_SYNTAX;
            }
            fi = lookup(pl, ks, (size_t)(ke - ks));
            pl->guess[prev] = fi;
        }
        p = ws(c, p);
        if (p >= end || *p != ':') return J_SYNTAX;
        p = ws(c, p + 1);
        if (fi >= 0 && pl->fields[fi].want) {
            const jfield *f = &pl->fields[fi];
            weir_vec *v = outs[f->slot];
            if (pl->seen[fi] == gen) {
                weir_fmt_vec_truncate(v, row); /* duplicate key: the last one wins */
            } else {
                pl->seen[fi] = gen;
                nseen++;
            }
            c->p = p;
            int st;
            weir_type_id tid = f->conv->id;
            char ch0 = p < end ? *p : 0;
            /* inline fast paths for the commonest shapes; everything else in conv_value */
            if (tid == WEIR_T_STRING && ch0 == '"') {
                const char *qe = scan_plain(p + 1, end);
                if (qe < end && *qe == '"') {
                    if (weir_fmt_push_str(v, p + 1, (size_t)(qe - p - 1))) return J_NOMEM;
                    c->p = qe + 1;
                    st = J_OK;
                } else {
                    st = conv_value(c, f->conv, v);
                }
            } else if ((tid == WEIR_T_INT || tid == WEIR_T_BIGINT) &&
                       (ch0 == '-' || (unsigned)(ch0 - '0') <= 9)) {
                int64_t x;
                st = int_token(c, &x);
                if (st == J_OK) {
                    if (tid == WEIR_T_BIGINT) {
                        if (weir_fmt_push_fixed(v, &x, 8)) return J_NOMEM;
                    } else if (x < INT32_MIN || x > INT32_MAX) {
                        st = J_CONV;
                    } else {
                        int32_t y = (int32_t)x;
                        if (weir_fmt_push_fixed(v, &y, 4)) return J_NOMEM;
                    }
                }
            } else {
                st = conv_value(c, f->conv, v);
            }
            if (st >= J_SYNTAX) return st;
            if (st == J_CONV) {
                weir_fmt_vec_truncate(v, row);
                if (weir_fmt_push_null(v)) return J_NOMEM;
                status = J_PARTIAL;
            } else if (st == J_PARTIAL) {
                status = J_PARTIAL;
            }
            p = c->p;
        } else if (p < end && *p == '"' && (c->p = scan_plain(p + 1, end)) < end && *c->p == '"') {
            p = c->p + 1; /* a plain string skipped without the general validator */
        } else {
            p = weir_jskip_value(&c->lx, p, end, 0);
            if (!p) return J_SYNTAX;
        }
        prev = fi >= 0 ? fi + 1 : pl->nfields + 1;
        p = ws(c, p);
        if (p >= end) return J_SYNTAX;
        if (*p == ',') {
            p = ws(c, p + 1);
            continue;
        }
        if (*p == '}') {
            p++;
            break;
        }
        return J_SYNTAX;
    }
done:
    if (nseen < pl->nwant) {
        for (int i = 0; i < pl->nfields; i++) {
            const jfield *f = &pl->fields[i];
            if (f->want && pl->seen[i] != gen)
                if (weir_fmt_push_null(outs[f->slot])) return J_NOMEM;
        }
    }
    c->p = p;
    return status;
}

/* ---- records -----------------------------------------------------------------------------------
 */

static void truncate_all(weir_vec *const *cols, int ncols, int32_t row)
{
    for (int i = 0; i < ncols; i++)
        weir_fmt_vec_truncate(cols[i], row);
}

/* Handles a malformed record per the parse mode. `partial` rows (n of them, from row on)
 * are kept in PERMISSIVE with the raw record in the corrupt column. */
static int bad_record(weir_reader *r, weir_vec *const *cols, int32_t row, bool partial,
                      const char *rec, size_t len, int32_t *nrows, bool arrays_as_structs,
                      weir_error *err)
{
    int nc = r->ncols;
    if (r->mode == WEIR_MODE_DROPMALFORMED) {
        truncate_all(cols, nc, row);
        *nrows = 0;
        return WEIR_OK;
    }
    if (!partial) {
        truncate_all(cols, nc, row);
        for (int i = 0; i < nc; i++)
            if (i != r->corrupt_col && weir_fmt_push_null(cols[i])) return weir_err_nomem(err);
        if (r->corrupt_col >= 0 && weir_fmt_push_str(cols[r->corrupt_col], rec, len))
            return weir_err_nomem(err);
    } else if (r->corrupt_col >= 0) {
        weir_fmt_vec_truncate(cols[r->corrupt_col], row);
        if (weir_fmt_push_str(cols[r->corrupt_col], rec, len)) return weir_err_nomem(err);
    }
    *nrows = 1;
    if (r->mode == WEIR_MODE_FAILFAST) {
        if (arrays_as_structs) {
            char *t = strndup(rec, len);
            int rc = weir_err(err, WEIR_ERUNTIME,
                              "[MALFORMED_RECORD_IN_PARSING.CANNOT_PARSE_JSON_ARRAYS_AS_STRUCTS] "
                              "Malformed records are detected in record parsing: %s.\nParse "
                              "Mode: FAILFAST. To process malformed records as null result, try "
                              "setting the option 'mode' as 'PERMISSIVE'. Parsing JSON arrays as "
                              "structs is forbidden.",
                              t ? t : "");
            free(t);
            truncate_all(cols, nc, row);
            return rc;
        }
        weir_strbuf sb = WEIR_STRBUF_INIT;
        weir_fmt_row_text(cols, nc, row, &sb);
        int rc = weir_fmt_failfast_error(err, sb.p ? sb.p : "");
        weir_sb_free(&sb);
        truncate_all(cols, nc, row);
        *nrows = 0;
        return rc;
    }
    return WEIR_OK;
}

static int json_record(weir_reader *r, const char *rec, size_t len, bool array_rows,
                       weir_vec *const *cols, int32_t *nrows, weir_error *err)
{
    jreader *jr = r->impl;
    jctx *c = &jr->c;
    *nrows = 0;
    c->end = rec + len;
    const char *p = ws(c, rec);
    if (p >= c->end) return WEIR_OK; /* blank record: no row */
    int32_t row = r->ncols ? cols[0]->len : 0;
    int st;
    int32_t produced = 1;
    bool arrays_as_structs = false;
    if (*p == '{') {
        c->p = p;
        st = conv_struct(c, jr->root, cols, row);
    } else if (*p == '[' && array_rows) {
        produced = 0;
        st = J_OK;
        const char *q = ws(c, p + 1);
        if (q < c->end && *q == ']') {
            *nrows = 0;
            return WEIR_OK;
        }
        for (;;) {
            if (q >= c->end || *q != '{') {
                st = J_SYNTAX; /* a non-object element (or null) makes the record bad */
                break;
            }
            c->p = q;
            int s2 = conv_struct(c, jr->root, cols, row + produced);
            if (s2 >= J_CONV) {
                st = s2;
                break;
            }
            if (s2 > st) st = s2;
            produced++;
            q = ws(c, c->p);
            if (q < c->end && *q == ',') {
                q = ws(c, q + 1);
                continue;
            }
            if (q < c->end && *q == ']') break;
            st = J_SYNTAX;
            break;
        }
        if (st == J_PARTIAL && r->mode == WEIR_MODE_PERMISSIVE) {
            /* partial rows of an array record each carry the record text */
            if (r->corrupt_col >= 0) {
                weir_vec *cv = cols[r->corrupt_col];
                weir_fmt_vec_truncate(cv, row);
                for (int32_t k = 0; k < produced; k++)
                    if (weir_fmt_push_str(cv, rec, len)) return weir_err_nomem(err);
            }
            *nrows = produced;
            return WEIR_OK;
        }
        if (st == J_PARTIAL) st = J_SYNTAX; /* DROP / FAILFAST treat it as one bad record */
    } else {
        arrays_as_structs = *p == '[';
        st = J_SYNTAX;
    }
    if (st == J_NOMEM) return weir_err_nomem(err);
    if (st == J_OK) {
        *nrows = produced;
        return WEIR_OK;
    }
    return bad_record(r, cols, row, st == J_PARTIAL, rec, len, nrows, arrays_as_structs, err);
}

const char *weir_fmt_next_line(const char *pos, const char *end, const char *sep, size_t seplen,
                               bool cr_is_sep, const char **s, const char **e)
{
    *s = pos;
    if (sep) {
        const char *q = seplen ? memmem(pos, (size_t)(end - pos), sep, seplen) : NULL;
        if (!q) {
            *e = end;
            return end;
        }
        *e = q;
        return q + seplen;
    }
    if (cr_is_sep) {
        const char *q = pos;
        while (q < end && *q != '\n' && *q != '\r')
            q++;
        *e = q;
        if (q >= end) return end;
        if (*q == '\r' && q + 1 < end && q[1] == '\n') return q + 2;
        return q + 1;
    }
    const char *nl = memchr(pos, '\n', (size_t)(end - pos));
    const char *le = nl ? nl : end;
    if (le > pos && le[-1] == '\r') le--;
    *e = le;
    return nl ? nl + 1 : end;
}

static int json_next(weir_reader *r, weir_arena *a, weir_batch **out, weir_error *err)
{
    jreader *jr = r->impl;
    weir_batch *b = weir_batch_new(a, r->ncols);
    if (!b) return weir_err_nomem(err);
    for (int i = 0; i < r->ncols; i++) {
        const weir_type *t = r->schema->fields[r->col_field[i]].type;
        if (!(b->cols[i] = weir_vec_new(a, t, WEIR_BATCH_ROWS))) return weir_err_nomem(err);
        if (t->id == WEIR_T_STRING && jr->str_hint[i] > b->cols[i]->data_cap &&
            weir_vec_reserve_bytes(b->cols[i], jr->str_hint[i]) != WEIR_OK)
            return weir_err_nomem(err);
    }
    int32_t n = 0;
    if (jr->multiline) {
        int32_t k;
        int rc = json_record(r, r->pos, (size_t)(r->in_end - r->pos), true, b->cols, &k, err);
        r->pos = r->in_end;
        if (rc != WEIR_OK) return rc;
        n = k;
    } else {
        while (n < WEIR_BATCH_ROWS && r->pos < r->in_end) {
            const char *s, *e;
            const char *next = weir_fmt_next_line(r->pos, r->in_end, jr->line_sep, jr->line_sep_len,
                                                  false, &s, &e);
            int32_t k;
            int rc = json_record(r, s, (size_t)(e - s), true, b->cols, &k, err);
            if (rc != WEIR_OK) return rc;
            if (n + k > WEIR_BATCH_ROWS && n > 0) {
                /* a root array that does not fit: roll it back into the next batch */
                truncate_all(b->cols, r->ncols, n);
                break;
            }
            n += k;
            r->pos = next;
        }
    }
    for (int i = 0; i < r->ncols; i++)
        if (b->cols[i]->offsets && b->cols[i]->type->id == WEIR_T_STRING &&
            b->cols[i]->offsets[n] > jr->str_hint[i])
            jr->str_hint[i] = b->cols[i]->offsets[n];
    b->nrows = n;
    *out = b;
    return WEIR_OK;
}

int weir_fmt_json_check(const weir_kv *opts, int nopts, weir_error *err)
{
    weir_jlex lx;
    int rc = weir_jlex_from_opts(&lx, opts, nopts, err);
    if (rc) return rc;
    bool b;
    static const char *const bools[] = {"multiLine",        "primitivesAsString",
                                        "prefersDecimal",   "dropFieldIfAllNull",
                                        "ignoreNullFields", "inferTimestamp"};
    for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
        if ((rc = weir_fmt_opt_bool(opts, nopts, bools[i], false, &b, err))) return rc;
    const char *ls = weir_opt_get(opts, nopts, "lineSep");
    if (ls && !*ls)
        return weir_err(err, WEIR_EARG, "requirement failed: 'lineSep' cannot be an empty string");
    const char *keys[] = {"timestampFormat", "dateFormat"};
    for (int i = 0; i < 2; i++) {
        const char *f = weir_opt_get(opts, nopts, keys[i]);
        if (f) {
            weir_dtfmt *d = weir_dtfmt_compile(f, err);
            if (!d) return err->code ? err->code : WEIR_EARG;
            weir_dtfmt_free(d);
        }
    }
    return WEIR_OK;
}

static int json_open(weir_reader *r, weir_error *err)
{
    jreader *jr = WEIR_ARENA_NEW(&r->arena, jreader);
    if (!jr) return weir_err_nomem(err);
    r->impl = jr;
    int rc = weir_jlex_from_opts(&jr->c.lx, r->opts, r->nopts, err);
    if (rc) return rc;
    if ((rc = weir_fmt_opt_bool(r->opts, r->nopts, "multiLine", false, &jr->multiline, err)))
        return rc;
    jr->line_sep = weir_opt_get(r->opts, r->nopts, "lineSep");
    jr->line_sep_len = jr->line_sep ? strlen(jr->line_sep) : 0;
    if (jr->line_sep && strcmp(jr->line_sep, "\n") == 0) jr->line_sep = NULL;
    jr->c.tz = r->tz;
    jr->c.tsc.hour = INT64_MIN;
    const char *tf = weir_opt_get(r->opts, r->nopts, "timestampFormat");
    const char *df = weir_opt_get(r->opts, r->nopts, "dateFormat");
    if (tf && !(jr->c.ts_fmt = weir_dtfmt_compile(tf, err)))
        return err->code ? err->code : WEIR_EARG;
    if (df && !(jr->c.date_fmt = weir_dtfmt_compile(df, err)))
        return err->code ? err->code : WEIR_EARG;
    jr->str_hint = WEIR_ARENA_NEWN(&r->arena, int64_t, r->ncols ? r->ncols : 1);
    if (!jr->str_hint) return weir_err_nomem(err);
    err->code = 0;
    jr->root = plan_new(&r->arena, r->schema, r->want, r->corrupt_field, true, err);
    if (!jr->root) return err->code ? err->code : weir_err_nomem(err);
    return WEIR_OK;
}

static void json_close(weir_reader *r)
{
    jreader *jr = r->impl;
    if (!jr) return;
    weir_sb_free(&jr->c.tmp);
    if (jr->c.ts_fmt) weir_dtfmt_free(jr->c.ts_fmt);
    if (jr->c.date_fmt) weir_dtfmt_free(jr->c.date_fmt);
}

const weir_format weir_fmt_json = {
    .name = "json",
    .check = weir_fmt_json_check,
    .infer = weir_fmt_json_infer,
    .infer_begin = weir_fmt_json_infer_begin,
    .infer_finish = weir_fmt_json_infer_finish,
    .open = json_open,
    .next = json_next,
    .record = json_record,
    .close = json_close,
    .wopen = weir_fmt_json_wopen,
    .write = weir_fmt_json_write,
    .wclose = weir_fmt_json_wclose,
};
