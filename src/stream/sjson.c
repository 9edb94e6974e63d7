/*
 * The stream layer's JSON tree and writer (see sjson.h). The writer reproduces Jackson's
 * output byte for byte because progress reports are compared with Spark's: compact form
 * has no spaces at all; the pretty form is DefaultPrettyPrinter's ("key" : value, objects
 * broken over lines with two spaces per level, arrays inline as "[ a, b ]", empty
 * containers as "{ }" and "[ ]").
 */
#include "stream/sjson.h"

#include <stdlib.h>
#include <string.h>

#include "exec/show.h"

/* Parsed documents deeper than this are refused; the writer adds at most a few levels
 * above a parsed value (a progress report nests offsets three deep). */
#define SJ_MAX_DEPTH 56

typedef struct sj_parser {
    const char *p, *end;
    weir_arena *a;
    const char *why;
} sj_parser;

static void sj_ws(sj_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static weir_sjson *sj_fail(sj_parser *ps, const char *why)
{
    if (!ps->why) ps->why = why;
    return NULL;
}

static weir_sjson *sj_new(sj_parser *ps, weir_sjson_kind k)
{
    weir_sjson *v = WEIR_ARENA_NEW(ps->a, weir_sjson);
    if (!v) return sj_fail(ps, "out of memory");
    v->kind = k;
    return v;
}

static int sj_hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static void sj_put_utf8(weir_strbuf *sb, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    weir_sb_append(sb, b, n);
}

/* A string literal at ps->p (the opening quote); decoded into the arena. */
static bool sj_string(sj_parser *ps, const char **out, size_t *out_len)
{
    ps->p++; /* " */
    const char *start = ps->p;
    bool plain = true;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20) {
            sj_fail(ps, "control character in a string");
            return false;
        }
        if (c == '\\') {
            plain = false;
            if (ps->p + 1 >= ps->end) break;
            ps->p += 2;
        } else {
            ps->p++;
        }
    }
    if (ps->p >= ps->end) {
        sj_fail(ps, "unterminated string");
        return false;
    }
    const char *stop = ps->p;
    ps->p++; /* closing " */
    if (plain) {
        *out = weir_arena_strndup(ps->a, start, (size_t)(stop - start));
        *out_len = (size_t)(stop - start);
        if (!*out) sj_fail(ps, "out of memory");
        return *out != NULL;
    }
    weir_strbuf sb = WEIR_STRBUF_INIT;
    for (const char *q = start; q < stop;) {
        if (*q != '\\') {
            const char *r = q;
            while (r < stop && *r != '\\')
                r++;
            weir_sb_append(&sb, q, (size_t)(r - q));
            q = r;
            continue;
        }
        char e = q[1];
        q += 2;
        switch (e) {
        case '"': weir_sb_putc(&sb, '"'); break;
        case '\\': weir_sb_putc(&sb, '\\'); break;
        case '/': weir_sb_putc(&sb, '/'); break;
        case 'b': weir_sb_putc(&sb, '\b'); break;
        case 'f': weir_sb_putc(&sb, '\f'); break;
        case 'n': weir_sb_putc(&sb, '\n'); break;
        case 'r': weir_sb_putc(&sb, '\r'); break;
        case 't': weir_sb_putc(&sb, '\t'); break;
        case 'u': {
            int h = stop - q >= 4 ? sj_hex4(q) : -1;
            if (h < 0) {
                weir_sb_free(&sb);
                sj_fail(ps, "bad \\u escape");
                return false;
            }
            q += 4;
            uint32_t cp = (uint32_t)h;
            if (cp >= 0xD800 && cp < 0xDC00 && stop - q >= 6 && q[0] == '\\' && q[1] == 'u') {
                int lo = sj_hex4(q + 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    q += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD; /* lone surrogate */
            sj_put_utf8(&sb, cp);
            break;
        }
        default:
            weir_sb_free(&sb);
            sj_fail(ps, "bad escape in a string");
            return false;
        }
    }
    if (sb.oom) {
        weir_sb_free(&sb);
        sj_fail(ps, "out of memory");
        return false;
    }
    *out_len = sb.len;
    *out = weir_arena_strndup(ps->a, sb.p ? sb.p : "", sb.len);
    weir_sb_free(&sb);
    if (!*out) sj_fail(ps, "out of memory");
    return *out != NULL;
}

static weir_sjson *sj_number(sj_parser *ps)
{
    const char *s = ps->p, *q = s;
    if (q < ps->end && *q == '-') q++;
    if (q >= ps->end || *q < '0' || *q > '9') return sj_fail(ps, "bad number");
    if (*q == '0') {
        q++;
        if (q < ps->end && *q >= '0' && *q <= '9') return sj_fail(ps, "leading zero in a number");
    } else {
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    bool is_float = false;
    if (q < ps->end && *q == '.') {
        is_float = true;
        q++;
        if (q >= ps->end || *q < '0' || *q > '9') return sj_fail(ps, "bad number");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        is_float = true;
        q++;
        if (q < ps->end && (*q == '+' || *q == '-')) q++;
        if (q >= ps->end || *q < '0' || *q > '9') return sj_fail(ps, "bad number");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    ps->p = q;
    weir_sjson *v = sj_new(ps, is_float ? WEIR_SJ_DOUBLE : WEIR_SJ_INT);
    if (!v) return NULL;
    char *t = weir_arena_strndup(ps->a, s, (size_t)(q - s));
    if (!t) return sj_fail(ps, "out of memory");
    if (is_float) {
        v->d = strtod(t, NULL);
    } else if (t[0] == '-' && t[1] == '0') {
        t = t + 1; /* BigInteger has no negative zero */
    }
    v->text = t;
    v->len = strlen(t);
    return v;
}

static bool sj_lit(sj_parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) return false;
    ps->p += n;
    return true;
}

typedef struct sj_list {
    weir_sjson **items;
    const char **keys;
    size_t *key_lens;
    int n, cap;
} sj_list;

static bool sj_push(sj_parser *ps, sj_list *l, weir_sjson *v, const char *key, size_t klen)
{
    if (l->n == l->cap) {
        int ncap = l->cap ? l->cap * 2 : 4;
        weir_sjson **ni = weir_arena_realloc(ps->a, l->items, sizeof(*ni) * (size_t)l->cap,
                                             sizeof(*ni) * (size_t)ncap);
        const char **nk = weir_arena_realloc(ps->a, l->keys, sizeof(*nk) * (size_t)l->cap,
                                             sizeof(*nk) * (size_t)ncap);
        size_t *nl = weir_arena_realloc(ps->a, l->key_lens, sizeof(*nl) * (size_t)l->cap,
                                        sizeof(*nl) * (size_t)ncap);
        if (!ni || !nk || !nl) {
            sj_fail(ps, "out of memory");
            return false;
        }
        l->items = ni;
        l->keys = nk;
        l->key_lens = nl;
        l->cap = ncap;
    }
    l->items[l->n] = v;
    l->keys[l->n] = key;
    l->key_lens[l->n] = klen;
    l->n++;
    return true;
}

static weir_sjson *sj_value(sj_parser *ps, int depth)
{
    sj_ws(ps);
    if (ps->p >= ps->end) return sj_fail(ps, "unexpected end of input");
    char c = *ps->p;
    if (c == '{' || c == '[') {
        if (depth >= SJ_MAX_DEPTH) return sj_fail(ps, "nested too deeply");
        bool obj = c == '{';
        weir_sjson *v = sj_new(ps, obj ? WEIR_SJ_OBJECT : WEIR_SJ_ARRAY);
        if (!v) return NULL;
        ps->p++;
        sj_list l = {0};
        sj_ws(ps);
        if (ps->p < ps->end && *ps->p == (obj ? '}' : ']')) {
            ps->p++;
            return v;
        }
        for (;;) {
            const char *key = NULL;
            size_t klen = 0;
            if (obj) {
                sj_ws(ps);
                if (ps->p >= ps->end) return sj_fail(ps, "unexpected end of input");
                if (*ps->p != '"') return sj_fail(ps, "expected a field name");
                if (!sj_string(ps, &key, &klen)) return NULL;
                sj_ws(ps);
                if (ps->p >= ps->end) return sj_fail(ps, "unexpected end of input");
                if (*ps->p != ':') return sj_fail(ps, "expected ':'");
                ps->p++;
            }
            weir_sjson *item = sj_value(ps, depth + 1);
            if (!item || !sj_push(ps, &l, item, key, klen)) return NULL;
            sj_ws(ps);
            if (ps->p >= ps->end) return sj_fail(ps, "unexpected end of input");
            if (*ps->p == ',') {
                ps->p++;
                continue;
            }
            if (*ps->p == (obj ? '}' : ']')) {
                ps->p++;
                break;
            }
            return sj_fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        }
        v->n = l.n;
        v->items = l.items;
        if (obj) {
            v->keys = l.keys;
            v->key_lens = l.key_lens;
        }
        return v;
    }
    if (c == '"') {
        weir_sjson *v = sj_new(ps, WEIR_SJ_STRING);
        if (!v || !sj_string(ps, &v->text, &v->len)) return NULL;
        return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return sj_number(ps);
    if (sj_lit(ps, "true") || sj_lit(ps, "false")) {
        weir_sjson *v = sj_new(ps, WEIR_SJ_BOOL);
        if (v) v->b = c == 't';
        return v;
    }
    if (sj_lit(ps, "null")) return sj_new(ps, WEIR_SJ_NULL);
    return sj_fail(ps, "unexpected character");
}

weir_sjson *weir_sjson_parse(const char *p, size_t n, bool allow_trailing, weir_arena *a,
                             const char **why)
{
    sj_parser ps = {p, p + n, a, NULL};
    weir_sjson *v = p ? sj_value(&ps, 0) : sj_fail(&ps, "no input");
    if (v && !allow_trailing) {
        sj_ws(&ps);
        if (ps.p < ps.end) v = sj_fail(&ps, "unexpected content after the value");
    }
    if (!v && why) *why = ps.why ? ps.why : "malformed JSON";
    return v;
}

const weir_sjson *weir_sjson_get(const weir_sjson *obj, const char *key)
{
    if (!obj || obj->kind != WEIR_SJ_OBJECT) return NULL;
    size_t kl = strlen(key);
    for (int i = 0; i < obj->n; i++)
        if (obj->key_lens[i] == kl && memcmp(obj->keys[i], key, kl) == 0) return obj->items[i];
    return NULL;
}

bool weir_sjson_int64(const weir_sjson *v, int64_t *out)
{
    if (!v || v->kind != WEIR_SJ_INT) return false;
    const char *s = v->text;
    bool neg = *s == '-';
    if (neg) s++;
    uint64_t acc = 0;
    for (; *s; s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (acc > (UINT64_MAX - d) / 10) return false;
        acc = acc * 10 + d;
    }
    if (neg ? acc > (uint64_t)INT64_MAX + 1 : acc > (uint64_t)INT64_MAX) return false;
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return true;
}

/* ---- writer --------------------------------------------------------------------------------- */

void weir_sjson_escape(weir_strbuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        weir_sb_append(sb, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 0, '0', '0', 0, 0};
        size_t en = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            e[1] = 'u';
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            en = 6;
        }
        weir_sb_append(sb, e, en);
    }
    weir_sb_append(sb, s + run, n - run);
}

void weir_sjw_init(weir_sjw *w, weir_strbuf *sb, bool pretty)
{
    memset(w, 0, sizeof(*w));
    w->sb = sb;
    w->pretty = pretty;
}

static void sjw_newline(weir_sjw *w)
{
    weir_sb_putc(w->sb, '\n');
    weir_sb_fill(w->sb, ' ', (size_t)w->nesting * 2);
}

/* Separator before a value: nothing after a key or at the root, else the array's. */
static void sjw_before_value(weir_sjw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    int i = w->depth - 1;
    if (i < 0 || i >= 64) return;
    if (w->count[i]++ > 0) weir_sb_putc(w->sb, ',');
    if (w->pretty) weir_sb_putc(w->sb, ' '); /* FixedSpaceIndenter */
}

/* A field name; keys may hold NUL bytes (\u0000), hence the length. */
static void sjw_key_n(weir_sjw *w, const char *key, size_t n)
{
    int i = w->depth - 1;
    if (i < 0 || i >= 64) return;
    if (w->count[i]++ > 0) weir_sb_putc(w->sb, ',');
    if (w->pretty) sjw_newline(w);
    weir_sb_putc(w->sb, '"');
    weir_sjson_escape(w->sb, key, n);
    weir_sb_puts(w->sb, w->pretty ? "\" : " : "\":");
    w->after_key = true;
}

void weir_sjw_key(weir_sjw *w, const char *key)
{
    sjw_key_n(w, key, strlen(key));
}

static void sjw_open(weir_sjw *w, bool obj)
{
    sjw_before_value(w);
    weir_sb_putc(w->sb, obj ? '{' : '[');
    if (w->depth < 64) {
        w->count[w->depth] = 0;
        w->is_obj[w->depth] = obj;
    }
    w->depth++;
    if (obj) w->nesting++;
}

static void sjw_close(weir_sjw *w, bool obj)
{
    w->depth--;
    int n = w->depth < 64 ? w->count[w->depth] : 1;
    if (obj) w->nesting--;
    if (w->pretty) {
        if (obj && n > 0)
            sjw_newline(w);
        else
            weir_sb_putc(w->sb, ' ');
    }
    weir_sb_putc(w->sb, obj ? '}' : ']');
}

void weir_sjw_begin_object(weir_sjw *w)
{
    sjw_open(w, true);
}

void weir_sjw_end_object(weir_sjw *w)
{
    sjw_close(w, true);
}

void weir_sjw_begin_array(weir_sjw *w)
{
    sjw_open(w, false);
}

void weir_sjw_end_array(weir_sjw *w)
{
    sjw_close(w, false);
}

void weir_sjw_string(weir_sjw *w, const char *s, size_t n)
{
    sjw_before_value(w);
    if (!s) {
        weir_sb_puts(w->sb, "null");
        return;
    }
    weir_sb_putc(w->sb, '"');
    weir_sjson_escape(w->sb, s, n);
    weir_sb_putc(w->sb, '"');
}

void weir_sjw_int(weir_sjw *w, int64_t v)
{
    sjw_before_value(w);
    weir_sb_printf(w->sb, "%lld", (long long)v);
}

void weir_sjw_double(weir_sjw *w, double v)
{
    sjw_before_value(w);
    char buf[40];
    int n = weir_format_double(v, buf);
    weir_sb_append(w->sb, buf, (size_t)n);
}

void weir_sjw_null(weir_sjw *w)
{
    sjw_before_value(w);
    weir_sb_puts(w->sb, "null");
}

void weir_sjw_value(weir_sjw *w, const weir_sjson *v)
{
    switch (v->kind) {
    case WEIR_SJ_NULL: weir_sjw_null(w); break;
    case WEIR_SJ_BOOL:
        sjw_before_value(w);
        weir_sb_puts(w->sb, v->b ? "true" : "false");
        break;
    case WEIR_SJ_INT:
        sjw_before_value(w);
        weir_sb_append(w->sb, v->text, v->len);
        break;
    case WEIR_SJ_DOUBLE: weir_sjw_double(w, v->d); break;
    case WEIR_SJ_STRING: weir_sjw_string(w, v->text, v->len); break;
    case WEIR_SJ_ARRAY:
        weir_sjw_begin_array(w);
        for (int i = 0; i < v->n; i++)
            weir_sjw_value(w, v->items[i]);
        weir_sjw_end_array(w);
        break;
    case WEIR_SJ_OBJECT:
        weir_sjw_begin_object(w);
        for (int i = 0; i < v->n; i++) {
            sjw_key_n(w, v->keys[i], v->key_lens[i]);
            weir_sjw_value(w, v->items[i]);
        }
        weir_sjw_end_object(w);
        break;
    }
}
