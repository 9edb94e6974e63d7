/*
 * The JSON lexer shared by the reader, inference, to_json/get_json_object: token
 * validation with the grammar Jackson accepts under Spark's default JSONOptions, string
 * decoding (\uXXXX with surrogate pairs to UTF-8), validated skipping, and the compact
 * re-serialization Jackson's copyCurrentStructure produces (used when a nested value is
 * read into a STRING column, and by get_json_object). A small DOM serves the functions that
 * need random access (get_json_object, schema_of_json); the reader never builds one.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exec/show.h"
#include "formats/fmt_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

const weir_jlex weir_jlex_default = {
    .single_quotes = true,
    .non_numeric = true,
};

int weir_jlex_from_opts(weir_jlex *lx, const weir_kv *opts, int nopts, weir_error *err)
{
    *lx = weir_jlex_default;
    int rc;
    if ((rc = weir_fmt_opt_bool(opts, nopts, "allowSingleQuotes", true, &lx->single_quotes, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "allowNonNumericNumbers", true, &lx->non_numeric,
                                err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "allowNumericLeadingZeros", false, &lx->leading_zeros,
                                err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "allowUnquotedControlChars", false, &lx->control_chars,
                                err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "allowBackslashEscapingAnyCharacter", false,
                                &lx->any_escape, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "allowComments", false, &lx->comments, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "allowUnquotedFieldNames", false, &lx->unquoted_names,
                                err)))
        return rc;
    return WEIR_OK;
}

const char *weir_jskip_ws(const weir_jlex *lx, const char *p, const char *end)
{
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        if (!lx->comments || p + 1 >= end || *p != '/') return p;
        if (p[1] == '/') {
            while (p < end && *p != '\n')
                p++;
        } else if (p[1] == '*') {
            const char *q = p + 2;
            while (q + 1 < end && !(q[0] == '*' && q[1] == '/'))
                q++;
            if (q + 1 >= end) return p; /* unterminated: let the caller fail on '/' */
            p = q + 2;
        } else {
            return p;
        }
    }
}

static bool match_word(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(end - p) < n || memcmp(p, w, n) != 0) return false;
    /* Jackson rejects a literal glued to identifier characters ("truex"). */
    if (p + n < end) {
        unsigned char c = (unsigned char)p[n];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_' || c >= 0x80)
            return false;
    }
    return true;
}

const char *weir_jscan_number(const weir_jlex *lx, const char *p, const char *end, int *kind)
{
    const char *s = p;
    if (p < end && (*p == '-' || *p == '+')) {
        bool plus = *p == '+';
        p++;
        if (p < end && (*p == 'I' || *p == 'N')) {
            if (!lx->non_numeric) return NULL;
            if (match_word(p, end, "Infinity")) {
                *kind = WEIR_JNUM_NAN;
                return p + 8;
            }
            if (match_word(p, end, "INF")) {
                *kind = WEIR_JNUM_NAN;
                return p + 3;
            }
            return NULL;
        }
        if (plus) return NULL;
    } else if (p < end && (*p == 'N' || *p == 'I')) {
        if (!lx->non_numeric) return NULL;
        if (match_word(p, end, "NaN")) {
            *kind = WEIR_JNUM_NAN;
            return p + 3;
        }
        if (match_word(p, end, "Infinity")) {
            *kind = WEIR_JNUM_NAN;
            return p + 8;
        }
        return NULL;
    }
    if (p >= end || (unsigned)(*p - '0') > 9) return NULL;
    if (*p == '0' && p + 1 < end && (unsigned)(p[1] - '0') <= 9 && !lx->leading_zeros) return NULL;
    while (p < end && (unsigned)(*p - '0') <= 9)
        p++;
    int k = WEIR_JNUM_INT;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || (unsigned)(*p - '0') > 9) return NULL;
        while (p < end && (unsigned)(*p - '0') <= 9)
            p++;
        k = WEIR_JNUM_FLOAT;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || (unsigned)(*p - '0') > 9) return NULL;
        while (p < end && (unsigned)(*p - '0') <= 9)
            p++;
        k = WEIR_JNUM_FLOAT;
    }
    (void)s;
    *kind = k;
    return p;
}

/* First byte in [p, end) that is the quote q, a backslash or a control character. */
static inline const char *find_special(const char *p, const char *end, char q)
{
#if defined(__SSE2__)
    const __m128i vq = _mm_set1_epi8(q), vb = _mm_set1_epi8('\\'), v1f = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vb));
        /* x <= 0x1f unsigned  <=>  max(x, 0x1f) == 0x1f */
        m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(x, v1f), v1f));
        int bits = _mm_movemask_epi8(m);
        if (bits) return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
#endif
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == (unsigned char)q || c == '\\' || c < 0x20) return p;
        p++;
    }
    return end;
}

static inline int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool valid_escape(const weir_jlex *lx, const char *p, const char *end, char q,
                         const char **next)
{
    /* p points at the character after the backslash */
    if (p >= end) return false;
    switch (*p) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': *next = p + 1; return true;
    case 'u':
        if (end - p < 5) return false;
        for (int i = 1; i <= 4; i++)
            if (hexval(p[i]) < 0) return false;
        *next = p + 5;
        return true;
    default:
        if (lx->any_escape || (*p == '\'' && lx->single_quotes)) {
            *next = p + 1;
            return true;
        }
        (void)q;
        return false;
    }
}

const char *weir_jscan_string(const weir_jlex *lx, const char *p, const char *end, bool *escaped)
{
    char q = *p++;
    bool esc = false;
    for (;;) {
        p = find_special(p, end, q);
        if (p >= end) return NULL;
        char c = *p;
        if (c == q) {
            *escaped = esc;
            return p + 1;
        }
        if (c == '\\') {
            esc = true;
            if (!valid_escape(lx, p + 1, end, q, &p)) return NULL;
            continue;
        }
        /* control character */
        if (!lx->control_chars) return NULL;
        p++;
    }
}

static void put_utf8(weir_strbuf *sb, unsigned cp)
{
    char b[4];
    if (cp < 0x80) {
        weir_sb_putc(sb, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        weir_sb_append(sb, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        weir_sb_append(sb, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        weir_sb_append(sb, b, 4);
    }
}

bool weir_jdecode_string(const weir_jlex *lx, const char *p, const char *q, weir_strbuf *sb)
{
    char quote = *p++;
    const char *end = q - 1; /* closing quote */
    (void)quote;
    while (p < end) {
        const char *s = p;
        while (p < end && *p != '\\')
            p++;
        if (p > s) weir_sb_append(sb, s, (size_t)(p - s));
        if (p >= end) break;
        p++; /* backslash */
        char c = *p++;
        switch (c) {
        case 'b': weir_sb_putc(sb, '\b'); break;
        case 'f': weir_sb_putc(sb, '\f'); break;
        case 'n': weir_sb_putc(sb, '\n'); break;
        case 'r': weir_sb_putc(sb, '\r'); break;
        case 't': weir_sb_putc(sb, '\t'); break;
        case 'u': {
            unsigned cp = (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 |
                                     hexval(p[3]));
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && hexval(p[2]) >= 0 &&
                    hexval(p[3]) >= 0 && hexval(p[4]) >= 0 && hexval(p[5]) >= 0) {
                    unsigned lo = (unsigned)(hexval(p[2]) << 12 | hexval(p[3]) << 8 |
                                             hexval(p[4]) << 4 | hexval(p[5]));
                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        put_utf8(sb, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
                        p += 6;
                        break;
                    }
                }
                weir_sb_putc(sb, '?'); /* unpaired surrogate: Java's UTF-8 encoder writes '?' */
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                weir_sb_putc(sb, '?');
            } else {
                put_utf8(sb, cp);
            }
            break;
        }
        default: weir_sb_putc(sb, c); break; /* \" \\ \/ \' and any-escape */
        }
    }
    (void)lx;
    return true;
}

const char *weir_jskip_value(const weir_jlex *lx, const char *p, const char *end, int depth)
{
    if (p >= end) return NULL;
    char c = *p;
    if (c == '"' || (c == '\'' && lx->single_quotes)) {
        bool esc;
        return weir_jscan_string(lx, p, end, &esc);
    }
    if (c == '{' || c == '[') {
        if (depth >= WEIR_JSON_MAX_DEPTH) return NULL;
        char close = c == '{' ? '}' : ']';
        p = weir_jskip_ws(lx, p + 1, end);
        if (p < end && *p == close) return p + 1;
        for (;;) {
            if (c == '{') {
                if (p >= end) return NULL;
                if (*p == '"' || (*p == '\'' && lx->single_quotes)) {
                    bool esc;
                    p = weir_jscan_string(lx, p, end, &esc);
                } else if (lx->unquoted_names) {
                    const char *s = p;
                    while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$'))
                        p++;
                    if (p == s) return NULL;
                } else {
                    return NULL;
                }
                if (!p) return NULL;
                p = weir_jskip_ws(lx, p, end);
                if (p >= end || *p != ':') return NULL;
                p = weir_jskip_ws(lx, p + 1, end);
            }
            p = weir_jskip_value(lx, p, end, depth + 1);
            if (!p) return NULL;
            p = weir_jskip_ws(lx, p, end);
            if (p >= end) return NULL;
            if (*p == ',') {
                p = weir_jskip_ws(lx, p + 1, end);
                continue;
            }
            if (*p == close) return p + 1;
            return NULL;
        }
    }
    if (c == 't') return match_word(p, end, "true") ? p + 4 : NULL;
    if (c == 'f') return match_word(p, end, "false") ? p + 5 : NULL;
    if (c == 'n') return match_word(p, end, "null") ? p + 4 : NULL;
    int kind;
    return weir_jscan_number(lx, p, end, &kind);
}

void weir_json_escape(const char *s, size_t n, weir_strbuf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (unsigned char)s[j] >= 0x20 && s[j] != '"' && s[j] != '\\')
            j++;
        if (j > i) weir_sb_append(out, s + i, j - i);
        if (j >= n) break;
        unsigned char c = (unsigned char)s[j];
        char e[6] = {'\\', 0};
        switch (c) {
        case '"':
            e[1] = '"';
            weir_sb_append(out, e, 2);
            break;
        case '\\':
            e[1] = '\\';
            weir_sb_append(out, e, 2);
            break;
        case '\b':
            e[1] = 'b';
            weir_sb_append(out, e, 2);
            break;
        case '\f':
            e[1] = 'f';
            weir_sb_append(out, e, 2);
            break;
        case '\n':
            e[1] = 'n';
            weir_sb_append(out, e, 2);
            break;
        case '\r':
            e[1] = 'r';
            weir_sb_append(out, e, 2);
            break;
        case '\t':
            e[1] = 't';
            weir_sb_append(out, e, 2);
            break;
        default:
            e[1] = 'u';
            e[2] = '0';
            e[3] = '0';
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            weir_sb_append(out, e, 6);
            break;
        }
        i = j + 1;
    }
}

void weir_jnumber_text(const char *p, const char *q, int kind, weir_strbuf *out)
{
    if (kind == WEIR_JNUM_NAN) {
        /* Jackson writes non-finite doubles as quoted strings (QUOTE_NON_NUMERIC_NUMBERS). */
        bool neg = *p == '-';
        const char *w = (p[neg || *p == '+'] == 'N') ? "\"NaN\""
                        : neg                        ? "\"-Infinity\""
                                                     : "\"Infinity\"";
        weir_sb_puts(out, w);
        return;
    }
    if (kind == WEIR_JNUM_INT) {
        bool neg = *p == '-';
        const char *d = p + neg;
        while (d < q - 1 && *d == '0')
            d++;
        if (*d == '0' && d == q - 1) {
            weir_sb_putc(out, '0');
            return;
        }
        if (neg) weir_sb_putc(out, '-');
        weir_sb_append(out, d, (size_t)(q - d));
        return;
    }
    char tmp[512];
    size_t n = (size_t)(q - p);
    if (n >= sizeof(tmp)) n = sizeof(tmp) - 1;
    memcpy(tmp, p, n);
    tmp[n] = 0;
    double d = strtod(tmp, NULL);
    char buf[40];
    if (!isfinite(d)) {
        weir_sb_puts(out, d < 0 ? "\"-Infinity\"" : "\"Infinity\"");
        return;
    }
    weir_format_double(d, buf);
    weir_sb_puts(out, buf);
}

const char *weir_jcopy_value(const weir_jlex *lx, const char *p, const char *end, weir_strbuf *out,
                             int depth)
{
    if (p >= end) return NULL;
    char c = *p;
    if (c == '"' || (c == '\'' && lx->single_quotes)) {
        bool esc;
        const char *q = weir_jscan_string(lx, p, end, &esc);
        if (!q) return NULL;
        weir_sb_putc(out, '"');
        if (!esc && c == '"') {
            /* no escapes: only control characters (when allowed) need rewriting */
            weir_json_escape(p + 1, (size_t)(q - p - 2), out);
        } else {
            weir_strbuf tmp = WEIR_STRBUF_INIT;
            weir_jdecode_string(lx, p, q, &tmp);
            weir_json_escape(tmp.p ? tmp.p : "", tmp.len, out);
            weir_sb_free(&tmp);
        }
        weir_sb_putc(out, '"');
        return q;
    }
    if (c == '{' || c == '[') {
        if (depth >= WEIR_JSON_MAX_DEPTH) return NULL;
        char close = c == '{' ? '}' : ']';
        weir_sb_putc(out, c);
        p = weir_jskip_ws(lx, p + 1, end);
        if (p < end && *p == close) {
            weir_sb_putc(out, close);
            return p + 1;
        }
        bool first = true;
        for (;;) {
            if (!first) weir_sb_putc(out, ',');
            first = false;
            if (c == '{') {
                if (p >= end) return NULL;
                if (*p == '"' || (*p == '\'' && lx->single_quotes)) {
                    p = weir_jcopy_value(lx, p, end, out, depth + 1);
                } else if (lx->unquoted_names) {
                    const char *s = p;
                    while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$'))
                        p++;
                    if (p == s) return NULL;
                    weir_sb_putc(out, '"');
                    weir_sb_append(out, s, (size_t)(p - s));
                    weir_sb_putc(out, '"');
                } else {
                    return NULL;
                }
                if (!p) return NULL;
                p = weir_jskip_ws(lx, p, end);
                if (p >= end || *p != ':') return NULL;
                weir_sb_putc(out, ':');
                p = weir_jskip_ws(lx, p + 1, end);
            }
            p = weir_jcopy_value(lx, p, end, out, depth + 1);
            if (!p) return NULL;
            p = weir_jskip_ws(lx, p, end);
            if (p >= end) return NULL;
            if (*p == ',') {
                p = weir_jskip_ws(lx, p + 1, end);
                continue;
            }
            if (*p == close) {
                weir_sb_putc(out, close);
                return p + 1;
            }
            return NULL;
        }
    }
    if (c == 't' || c == 'f' || c == 'n') {
        const char *q = weir_jskip_value(lx, p, end, depth);
        if (q) weir_sb_append(out, p, (size_t)(q - p));
        return q;
    }
    int kind;
    const char *q = weir_jscan_number(lx, p, end, &kind);
    if (q) weir_jnumber_text(p, q, kind, out);
    return q;
}

/* ---- DOM ------------------------------------------------------------------------------------ */

static const char *dom_value(const weir_jlex *lx, const char *p, const char *end, weir_arena *a,
                             weir_jval **out, int depth, weir_strbuf *tmp);

static bool dom_string(const weir_jlex *lx, const char *p, const char *end, weir_arena *a,
                       const char **s, int32_t *n, const char **next, weir_strbuf *tmp)
{
    bool esc;
    const char *q = weir_jscan_string(lx, p, end, &esc);
    if (!q) return false;
    if (!esc) {
        *s = p + 1;
        *n = (int32_t)(q - p - 2);
    } else {
        weir_sb_reset(tmp);
        weir_jdecode_string(lx, p, q, tmp);
        char *c = weir_arena_strndup(a, tmp->p ? tmp->p : "", tmp->len);
        if (!c) return false;
        *s = c;
        *n = (int32_t)tmp->len;
    }
    *next = q;
    return true;
}

static const char *dom_value(const weir_jlex *lx, const char *p, const char *end, weir_arena *a,
                             weir_jval **out, int depth, weir_strbuf *tmp)
{
    if (p >= end) return NULL;
    weir_jval *v = WEIR_ARENA_NEW(a, weir_jval);
    if (!v) return NULL;
    *out = v;
    char c = *p;
    if (c == '"' || (c == '\'' && lx->single_quotes)) {
        v->kind = WEIR_JV_STR;
        const char *q;
        if (!dom_string(lx, p, end, a, &v->s, &v->n, &q, tmp)) return NULL;
        return q;
    }
    if (c == '{' || c == '[') {
        if (depth >= WEIR_JSON_MAX_DEPTH) return NULL;
        bool obj = c == '{';
        char close = obj ? '}' : ']';
        v->kind = obj ? WEIR_JV_OBJ : WEIR_JV_ARR;
        int32_t cap = 0;
        p = weir_jskip_ws(lx, p + 1, end);
        if (p < end && *p == close) return p + 1;
        for (;;) {
            if (v->n == cap) {
                int32_t nc = cap ? cap * 2 : 4;
                weir_jval **ni = weir_arena_realloc(a, v->items, sizeof(void *) * (size_t)cap,
                                                    sizeof(void *) * (size_t)nc);
                if (!ni) return NULL;
                v->items = ni;
                if (obj) {
                    const char **nk = weir_arena_realloc(a, v->keys, sizeof(char *) * (size_t)cap,
                                                         sizeof(char *) * (size_t)nc);
                    int32_t *nl = weir_arena_realloc(a, v->klens, sizeof(int32_t) * (size_t)cap,
                                                     sizeof(int32_t) * (size_t)nc);
                    if (!nk || !nl) return NULL;
                    v->keys = nk;
                    v->klens = nl;
                }
                cap = nc;
            }
            if (obj) {
                if (p >= end) return NULL;
                if (*p == '"' || (*p == '\'' && lx->single_quotes)) {
                    if (!dom_string(lx, p, end, a, &v->keys[v->n], &v->klens[v->n], &p, tmp))
                        return NULL;
                } else if (lx->unquoted_names) {
                    const char *s = p;
                    while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$'))
                        p++;
                    if (p == s) return NULL;
                    v->keys[v->n] = s;
                    v->klens[v->n] = (int32_t)(p - s);
                } else {
                    return NULL;
                }
                p = weir_jskip_ws(lx, p, end);
                if (p >= end || *p != ':') return NULL;
                p = weir_jskip_ws(lx, p + 1, end);
            }
            p = dom_value(lx, p, end, a, &v->items[v->n], depth + 1, tmp);
            if (!p) return NULL;
            v->n++;
            p = weir_jskip_ws(lx, p, end);
            if (p >= end) return NULL;
            if (*p == ',') {
                p = weir_jskip_ws(lx, p + 1, end);
                continue;
            }
            if (*p == close) return p + 1;
            return NULL;
        }
    }
    if (c == 't' && match_word(p, end, "true")) {
        v->kind = WEIR_JV_TRUE;
        return p + 4;
    }
    if (c == 'f' && match_word(p, end, "false")) {
        v->kind = WEIR_JV_FALSE;
        return p + 5;
    }
    if (c == 'n' && match_word(p, end, "null")) {
        v->kind = WEIR_JV_NULL;
        return p + 4;
    }
    int kind;
    const char *q = weir_jscan_number(lx, p, end, &kind);
    if (!q) return NULL;
    v->kind = WEIR_JV_NUM;
    v->numkind = kind;
    v->s = p;
    v->n = (int32_t)(q - p);
    return q;
}

weir_jval *weir_jdom_parse(const weir_jlex *lx, const char *p, const char *end, weir_arena *a)
{
    weir_strbuf tmp = WEIR_STRBUF_INIT;
    p = weir_jskip_ws(lx, p, end);
    weir_jval *v = NULL;
    const char *q = p < end ? dom_value(lx, p, end, a, &v, 0, &tmp) : NULL;
    weir_sb_free(&tmp);
    return q ? v : NULL;
}

void weir_jdom_write(const weir_jval *v, weir_strbuf *out)
{
    switch (v->kind) {
    case WEIR_JV_NULL: weir_sb_puts(out, "null"); break;
    case WEIR_JV_TRUE: weir_sb_puts(out, "true"); break;
    case WEIR_JV_FALSE: weir_sb_puts(out, "false"); break;
    case WEIR_JV_NUM: weir_jnumber_text(v->s, v->s + v->n, v->numkind, out); break;
    case WEIR_JV_STR:
        weir_sb_putc(out, '"');
        weir_json_escape(v->s, (size_t)v->n, out);
        weir_sb_putc(out, '"');
        break;
    case WEIR_JV_ARR:
    case WEIR_JV_OBJ:
        weir_sb_putc(out, v->kind == WEIR_JV_OBJ ? '{' : '[');
        for (int32_t i = 0; i < v->n; i++) {
            if (i) weir_sb_putc(out, ',');
            if (v->kind == WEIR_JV_OBJ) {
                weir_sb_putc(out, '"');
                weir_json_escape(v->keys[i], (size_t)v->klens[i], out);
                weir_sb_puts(out, "\":");
            }
            weir_jdom_write(v->items[i], out);
        }
        weir_sb_putc(out, v->kind == WEIR_JV_OBJ ? '}' : ']');
        break;
    }
}
