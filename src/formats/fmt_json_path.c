/*
 * get_json_object: Spark's JsonPath subset ($, .name, ['name'], [n], [*], .*, ['*']) and
 * its evaluation over a JSON document with the exact output rules of GetJsonObject
 * (strings unquoted at the top, wildcard matches wrapped in an array only when more than
 * one matched, Hive's flattening double wildcard). The document is parsed into a small
 * DOM in a scratch arena; the emitted text follows a tiny Jackson-like generator that
 * inserts separators between values as Jackson's does.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/fmt_internal.h"

typedef enum { PI_SUBSCRIPT, PI_WILDCARD, PI_KEY, PI_INDEX, PI_NAMED } pi_kind;

typedef struct pinstr {
    pi_kind kind;
    int64_t index;
    const char *name;
    size_t nlen;
} pinstr;

struct weir_json_path {
    int n;
    pinstr *ins;
};

static const char *skip_sp(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
        p++;
    return p;
}

weir_json_path *weir_json_path_compile(const char *s, size_t len, weir_arena *a)
{
    const char *p = s, *end = s + len;
    p = skip_sp(p, end);
    if (p >= end || *p != '$') return NULL;
    p++;
    weir_json_path *jp = WEIR_ARENA_NEW(a, weir_json_path);
    if (!jp) return NULL;
    int cap = 8;
    jp->ins = WEIR_ARENA_NEWN(a, pinstr, cap);
    if (!jp->ins) return NULL;
#define PUSH(K, I, N, L)                                                                           \
    do {                                                                                           \
        if (jp->n == cap) {                                                                        \
            pinstr *ni = weir_arena_realloc(a, jp->ins, sizeof(pinstr) * (size_t)cap,              \
                                            sizeof(pinstr) * (size_t)cap * 2);                     \
            if (!ni) return NULL;                                                                  \
            jp->ins = ni;                                                                          \
            cap *= 2;                                                                              \
        }                                                                                          \
        jp->ins[jp->n++] = (pinstr){K, I, N, L};                                                   \
    } while (0)
    for (;;) {
        p = skip_sp(p, end);
        if (p >= end) break;
        if (end - p >= 2 && p[0] == '.' && p[1] == '*') {
            PUSH(PI_WILDCARD, 0, NULL, 0);
            p += 2;
        } else if (end - p >= 5 && memcmp(p, "['*']", 5) == 0) {
            PUSH(PI_WILDCARD, 0, NULL, 0);
            p += 5;
        } else if (*p == '.') {
            const char *q = skip_sp(p + 1, end), *s0 = q;
            while (q < end && *q != '.' && *q != '[')
                q++;
            if (q == s0) return NULL;
            PUSH(PI_KEY, 0, NULL, 0);
            PUSH(PI_NAMED, 0, s0, (size_t)(q - s0));
            p = q;
        } else if (end - p >= 2 && p[0] == '[' && p[1] == '\'') {
            const char *q = p + 2, *s0 = q;
            while (q < end && *q != '\'' && *q != '?')
                q++;
            if (q == s0 || end - q < 2 || q[0] != '\'' || q[1] != ']') return NULL;
            PUSH(PI_KEY, 0, NULL, 0);
            PUSH(PI_NAMED, 0, s0, (size_t)(q - s0));
            p = q + 2;
        } else if (*p == '[') {
            const char *q = skip_sp(p + 1, end);
            if (q < end && *q == '*') {
                q = skip_sp(q + 1, end);
                if (q >= end || *q != ']') return NULL;
                PUSH(PI_SUBSCRIPT, 0, NULL, 0);
                PUSH(PI_WILDCARD, 0, NULL, 0);
            } else {
                const char *d = q;
                int64_t v = 0;
                while (q < end && *q >= '0' && *q <= '9') {
                    if (q - d >= 18) return NULL;
                    v = v * 10 + (*q++ - '0');
                }
                if (q == d) return NULL;
                q = skip_sp(q, end);
                if (q >= end || *q != ']') return NULL;
                PUSH(PI_SUBSCRIPT, 0, NULL, 0);
                PUSH(PI_INDEX, v, NULL, 0);
            }
            p = q + 1;
        } else {
            return NULL;
        }
    }
#undef PUSH
    return jp;
}

/* ---- a minimal generator ----------------------------------------------------------------------
 */

#define GEN_MAX 64

typedef struct gen {
    weir_strbuf *out;
    int depth;
    int count[GEN_MAX + 1]; /* nesting comes only from wildcards in the path */
    bool arr[GEN_MAX + 1];
} gen;

static void gen_init(gen *g, weir_strbuf *out)
{
    g->out = out;
    g->depth = 0;
    g->count[0] = 0;
    g->arr[0] = false;
}

static void gen_value(gen *g)
{
    if (g->count[g->depth] > 0) weir_sb_putc(g->out, g->arr[g->depth] ? ',' : ' ');
    g->count[g->depth]++;
}

static void gen_start_array(gen *g)
{
    gen_value(g);
    weir_sb_putc(g->out, '[');
    if (g->depth < GEN_MAX) g->depth++;
    g->count[g->depth] = 0;
    g->arr[g->depth] = true;
}

static void gen_end_array(gen *g)
{
    weir_sb_putc(g->out, ']');
    if (g->depth > 0) g->depth--;
}

static void gen_copy(gen *g, const weir_jval *v)
{
    gen_value(g);
    weir_jdom_write(v, g->out);
}

typedef enum { ST_RAW, ST_QUOTED, ST_FLATTEN } wstyle;

static bool eval(const weir_jval *v, gen *g, wstyle style, const pinstr *in, int n);

static bool eval(const weir_jval *v, gen *g, wstyle style, const pinstr *in, int n)
{
    if (n == 0) {
        if (v->kind == WEIR_JV_STR && style == ST_RAW) {
            weir_sb_append(g->out, v->s, (size_t)v->n); /* writeRaw: no separator */
            return true;
        }
        if (v->kind == WEIR_JV_ARR && style == ST_FLATTEN) {
            bool dirty = false;
            for (int32_t i = 0; i < v->n; i++)
                dirty |= eval(v->items[i], g, style, in, 0);
            return dirty;
        }
        gen_copy(g, v);
        return true;
    }
    if (v->kind == WEIR_JV_OBJ && in[0].kind == PI_KEY) {
        bool dirty = false;
        const pinstr *xs = in + 1;
        int xn = n - 1;
        for (int32_t i = 0; i < v->n && !dirty; i++) {
            if (xn > 0 && xs[0].kind == PI_NAMED) {
                if ((size_t)v->klens[i] == xs[0].nlen &&
                    memcmp(v->keys[i], xs[0].name, xs[0].nlen) == 0 &&
                    v->items[i]->kind != WEIR_JV_NULL)
                    dirty = eval(v->items[i], g, style, xs + 1, xn - 1);
            } else if (xn > 0 && xs[0].kind == PI_WILDCARD) {
                dirty = eval(v->items[i], g, style, xs + 1, xn - 1);
            }
        }
        return dirty;
    }
    if (v->kind == WEIR_JV_ARR && in[0].kind == PI_SUBSCRIPT && n >= 2) {
        if (in[1].kind == PI_WILDCARD) {
            if (n >= 4 && in[2].kind == PI_SUBSCRIPT && in[3].kind == PI_WILDCARD) {
                bool dirty = false;
                gen_start_array(g);
                for (int32_t i = 0; i < v->n; i++)
                    dirty |= eval(v->items[i], g, ST_FLATTEN, in + 4, n - 4);
                gen_end_array(g);
                return dirty;
            }
            if (style != ST_QUOTED) {
                wstyle next = style == ST_RAW ? ST_QUOTED : ST_FLATTEN;
                weir_strbuf buf = WEIR_STRBUF_INIT;
                gen g2;
                gen_init(&g2, &buf);
                gen_start_array(&g2);
                int dirty = 0;
                for (int32_t i = 0; i < v->n; i++)
                    dirty += eval(v->items[i], &g2, next, in + 2, n - 2) ? 1 : 0;
                gen_end_array(&g2);
                if (dirty > 1) {
                    gen_value(g);
                    weir_sb_append(g->out, buf.p, buf.len);
                } else if (dirty == 1) {
                    gen_value(g);
                    weir_sb_append(g->out, buf.p + 1, buf.len - 2);
                }
                weir_sb_free(&buf);
                return dirty > 0;
            }
            bool dirty = false;
            gen_start_array(g);
            for (int32_t i = 0; i < v->n; i++)
                dirty |= eval(v->items[i], g, ST_QUOTED, in + 2, n - 2);
            gen_end_array(g);
            return dirty;
        }
        if (in[1].kind == PI_INDEX) {
            int64_t idx = in[1].index;
            if (idx >= v->n) return false;
            const weir_jval *e = v->items[idx];
            if (n >= 4 && in[2].kind == PI_SUBSCRIPT && in[3].kind == PI_WILDCARD)
                return eval(e, g, ST_QUOTED, in + 2, n - 2);
            return eval(e, g, style, in + 2, n - 2);
        }
    }
    return false;
}

bool weir_json_path_eval(const weir_json_path *p, const char *json, size_t len, weir_arena *scratch,
                         weir_strbuf *out)
{
    weir_sb_reset(out);
    if (!p) return false;
    /* GetJsonObject's factory: Jackson defaults plus unescaped control characters. */
    weir_jlex lx = {.control_chars = true, .non_numeric = false};
    const weir_jval *v = weir_jdom_parse(&lx, json, json + len, scratch);
    if (!v) return false;
    gen g;
    gen_init(&g, out);
    bool matched = eval(v, &g, ST_RAW, p->ins, p->n);
    return matched && !out->oom;
}
