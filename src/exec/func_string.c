/*
 * String functions (Spark's stringExpressions.scala / regexpExpressions.scala), as whole-
 * vector kernels. Spark strings are UTF8String: positions and lengths count code points
 * (not bytes), its "numBytesForFirstByte" stepping is reproduced so malformed UTF-8 counts
 * the way Spark counts it, and NULL in any argument gives NULL unless Spark says otherwise
 * (concat_ws skips NULLs, locate with a NULL start gives 0).
 *
 * Where a Spark expression fills in a default argument (split's limit -1, substring's
 * length Int.MaxValue, regexp_extract's group 1, lpad's ' ', ...), bind appends that
 * literal so the automatic column name prints it, as Spark's does ("split(s,  , -1)").
 *
 * Patterns that are literals (regexes, LIKE patterns, translate tables) are compiled once
 * at bind time into bind_data; others are compiled per distinct value with a one-entry
 * cache that lives for one kernel call. Compile errors surface when the first non-NULL row
 * is evaluated, as in Spark (whose pattern cache is lazy).
 */
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "exec/regex.h"
#include "plan/expr.h"

/* ==== shared helpers ===================================================================== */

static inline bool row_null(const weir_vec *v, int32_t i)
{
    return v->type->id == WEIR_T_NULL || (v->valid && !weir_bit_get(v->valid, i));
}

static inline const char *sget(const weir_vec *v, int32_t i, int32_t *n)
{
    return weir_vec_str(v, i, n);
}

static inline int32_t iget(const weir_vec *v, int32_t i)
{
    return ((const int32_t *)v->data)[i];
}

static inline int64_t lget(const weir_vec *v, int32_t i)
{
    return ((const int64_t *)v->data)[i];
}

static bool any_null(weir_vec **args, int nargs, int32_t i)
{
    for (int k = 0; k < nargs; k++)
        if (row_null(args[k], i)) return true;
    return false;
}

static int nomem(weir_eval_ctx *ctx)
{
    return weir_err_nomem(ctx->err);
}

/* UTF-8 stepping as Spark's UTF8String.numBytesForFirstByte. */
static inline int u8n(unsigned char c)
{
    if (c < 0xC0) return 1;
    if (c < 0xE0) return 2;
    if (c < 0xF0) return 3;
    if (c < 0xF8) return 4;
    return 1;
}

static int32_t u8_chars(const char *s, int32_t n)
{
    int32_t c = 0;
    for (int32_t i = 0; i < n; c++)
        i += u8n((unsigned char)s[i]);
    return c;
}

/* Byte offset k characters after byte offset off (clamped to n). */
static int32_t u8_skip(const char *s, int32_t n, int32_t off, int64_t k)
{
    while (k > 0 && off < n) {
        off += u8n((unsigned char)s[off]);
        k--;
    }
    return off > n ? n : off;
}

/* Decodes the code point at *i and advances *i; malformed bytes decode as themselves. */
static uint32_t u8_dec(const char *s, int32_t n, int32_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    int k = u8n(p[0]);
    if (k == 1 || *i + k > n) {
        (*i)++;
        return p[0];
    }
    uint32_t cp = k == 2 ? (p[0] & 0x1Fu) : k == 3 ? (p[0] & 0x0Fu) : (p[0] & 0x07u);
    for (int j = 1; j < k; j++)
        cp = (cp << 6) | (p[j] & 0x3Fu);
    *i += k;
    return cp;
}

static int u8_enc(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Builds one variable-length row of a STRING/BINARY vector in place. */
typedef struct rowbuf {
    weir_vec *v;
    int64_t w;
} rowbuf;

static int rb_begin(rowbuf *b, weir_vec *v)
{
    b->v = v;
    b->w = 0;
    return v->len < v->cap ? WEIR_OK : weir_vec_reserve(v, v->len + 1);
}

/* Room for n more bytes; returns the write position (valid until the next reserve). */
static char *rb_room(rowbuf *b, int64_t n)
{
    if (weir_vec_reserve_bytes(b->v, b->w + n) != WEIR_OK) return NULL;
    return (char *)b->v->data + b->v->offsets[b->v->len] + b->w;
}

static int rb_add(rowbuf *b, const char *p, int64_t n)
{
    char *d = rb_room(b, n);
    if (!d) return WEIR_ENOMEM;
    if (n) memcpy(d, p, (size_t)n);
    b->w += n;
    return WEIR_OK;
}

static void rb_end(rowbuf *b)
{
    weir_vec *v = b->v;
    v->offsets[v->len + 1] = v->offsets[v->len] + (int32_t)b->w;
    v->len++;
}

/* A fixed-width result vector of n rows (values written by index, len set to n). */
static weir_vec *fixed_out(weir_eval_ctx *ctx, const weir_type *t, int32_t n)
{
    weir_vec *o = weir_vec_new(ctx->arena, t, n);
    if (o) o->len = n;
    return o;
}

/* Spark's toSQLValue for a string: '...' with \ and ' escaped (cut when very long). */
static const char *sql_str(char *buf, size_t cap, const char *p, int32_t n)
{
    size_t k = 0;
    buf[k++] = '\'';
    for (int32_t i = 0; i < n && k + 4 < cap; i++) {
        if (p[i] == '\\' || p[i] == '\'') buf[k++] = '\\';
        buf[k++] = p[i];
    }
    buf[k++] = '\'';
    buf[k] = 0;
    return buf;
}

/* ---- bind helpers ---------------------------------------------------------------------- */

static void nullable_any(weir_expr *e)
{
    e->nullable = false;
    for (int i = 0; i < e->nargs; i++)
        e->nullable |= e->args[i]->nullable;
}

/* Coerces the arguments by a signature, one letter per argument (the last repeats):
 * S string, I int, L bigint, B binary, X string or binary (binary stays), A as it is.
 * Result type ret (NULL: the first argument's); nullable if any argument is. */
static int sig(weir_bind_ctx *bc, weir_expr *e, weir_error *err, const char *s,
               const weir_type *ret)
{
    size_t sl = strlen(s);
    for (int i = 0; i < e->nargs; i++) {
        char c = s[(size_t)i < sl ? (size_t)i : sl - 1];
        const weir_type *t;
        switch (c) {
        case 'S': t = WEIR_TYPE_STRING; break;
        case 'I': t = WEIR_TYPE_INT; break;
        case 'L': t = WEIR_TYPE_BIGINT; break;
        case 'B': t = WEIR_TYPE_BINARY; break;
        case 'X':
            t = e->args[i]->type->id == WEIR_T_BINARY ? WEIR_TYPE_BINARY : WEIR_TYPE_STRING;
            break;
        default: continue;
        }
        int rc = weir_coerce_arg(bc, e, i, t, err);
        if (rc != WEIR_OK) return rc;
    }
    e->type = ret ? ret : e->args[0]->type;
    nullable_any(e);
    return WEIR_OK;
}

static int add_arg(weir_bind_ctx *bc, weir_expr *e, const weir_value *v, weir_error *err)
{
    weir_expr **na = WEIR_ARENA_NEWN(bc->arena, weir_expr *, e->nargs + 1);
    weir_expr *lit = weir_expr_literal(bc->arena, v);
    if (!na || !lit) return weir_err_nomem(err);
    if (e->nargs) memcpy(na, e->args, sizeof(*na) * (size_t)e->nargs);
    na[e->nargs] = lit;
    e->args = na;
    e->nargs++;
    return WEIR_OK;
}

static int add_int(weir_bind_ctx *bc, weir_expr *e, int64_t x, weir_error *err)
{
    weir_value v = {.type = WEIR_TYPE_INT};
    v.u.i = x;
    return add_arg(bc, e, &v, err);
}

static int add_str(weir_bind_ctx *bc, weir_expr *e, const char *s, weir_error *err)
{
    weir_value v = {.type = WEIR_TYPE_STRING};
    v.u.s.p = s;
    v.u.s.len = (int32_t)strlen(s);
    return add_arg(bc, e, &v, err);
}

/* A non-NULL string literal argument. */
static bool lit_str(const weir_expr *a, const char **p, int32_t *n)
{
    if (a->kind != WEIR_EX_LITERAL || a->lit.is_null || a->type->id != WEIR_T_STRING) return false;
    *p = a->lit.u.s.p;
    *n = a->lit.u.s.len;
    return true;
}

static bool lit_int(const weir_expr *a, int64_t *x)
{
    if (a->kind != WEIR_EX_LITERAL || a->lit.is_null || !weir_type_is_integral(a->type))
        return false;
    *x = a->lit.u.i;
    return true;
}

static const char *arg_pretty(weir_arena *a, const weir_expr *e, int i)
{
    const char *p = weir_expr_pretty(a, e->args[i]);
    return p ? p : "?";
}

/* ==== case mapping ======================================================================= */

static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_init(void)
{
    utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static uint32_t cp_lower(uint32_t c)
{
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    return utf8_loc ? (uint32_t)towlower_l((wint_t)c, utf8_loc) : c;
}

static uint32_t cp_upper(uint32_t c)
{
    if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
    return utf8_loc ? (uint32_t)towupper_l((wint_t)c, utf8_loc) : c;
}

/* Java's String.toUpperCase/toLowerCase (which Spark's upper/lower/initcap use for
 * non-ASCII text) map a few code points to several (SpecialCasing.txt): the ones that
 * occur in real text are listed here; towupper/towlower cover the one-to-one rest. */
static const struct {
    uint32_t cp;
    const char *to;
} upper_special[] = {
    {0x00DF, "SS"},      {0x0149, "\u02BCN"}, {0x01F0, "J\u030C"}, {0x1E96, "H\u0331"},
    {0x1E97, "T\u0308"}, {0x1E98, "W\u030A"}, {0x1E99, "Y\u030A"}, {0x1E9A, "A\u02BE"},
    {0xFB00, "FF"},      {0xFB01, "FI"},      {0xFB02, "FL"},      {0xFB03, "FFI"},
    {0xFB04, "FFL"},     {0xFB05, "ST"},      {0xFB06, "ST"},
};

static bool cp_cased(uint32_t c)
{
    if (c < 0x80) return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    return utf8_loc && (iswupper_l((wint_t)c, utf8_loc) || iswlower_l((wint_t)c, utf8_loc));
}

/* Java lower-cases a capital sigma that ends a word (a cased letter before it and none
 * after it) to the final form U+03C2. */
static bool sigma_is_final(const char *s, int32_t n, int32_t st, int32_t next)
{
    int32_t p = st - 1;
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
        p--;
    if (p < 0) return false;
    int32_t q = p;
    if (!cp_cased(u8_dec(s, n, &q))) return false;
    if (next >= n) return true;
    return !cp_cased(u8_dec(s, n, &next));
}

/* Writes the multi-code-point mapping of cp into d (returns its length), or 0 when cp maps
 * one to one. */
static int special_case(uint32_t (*f)(uint32_t), uint32_t cp, const char *s, int32_t n, int32_t st,
                        int32_t next, char *d)
{
    if (f == cp_upper) {
        for (size_t k = 0; k < sizeof(upper_special) / sizeof(upper_special[0]); k++)
            if (upper_special[k].cp == cp) {
                size_t l = strlen(upper_special[k].to);
                memcpy(d, upper_special[k].to, l);
                return (int)l;
            }
    } else if (f == cp_lower) {
        if (cp == 0x0130) { /* capital I with dot above: i + combining dot above */
            memcpy(d, "i\u0307", 3);
            return 3;
        }
        if (cp == 0x03A3 && sigma_is_final(s, n, st, next)) return u8_enc(0x03C2, d);
    }
    return 0;
}

/* Maps s[0..n) through f into b (UTF-8 in, UTF-8 out), with Java's one-to-many special
 * cases. When title is set, the first character and every character after a ' ' go
 * through cp_upper (Java's Character.toTitleCase, one to one). */
static int map_case(rowbuf *b, const char *s, int32_t n, uint32_t (*f)(uint32_t), bool title)
{
    char *d = rb_room(b, (int64_t)n * 4);
    if (!d) return WEIR_ENOMEM;
    int32_t i = 0, w = 0;
    bool prev_space = true;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            uint32_t m = (title && prev_space) ? cp_upper(c) : f(c);
            d[w++] = (char)m;
            prev_space = c == ' ';
            i++;
            continue;
        }
        int32_t st = i;
        uint32_t cp = u8_dec(s, n, &i);
        if (i - st == 1) { /* malformed byte: keep */
            d[w++] = (char)c;
            prev_space = false;
            continue;
        }
        if (title && prev_space) {
            w += u8_enc(cp_upper(f(cp)), d + w);
        } else {
            int sp = special_case(f, cp, s, n, st, i, d + w);
            w += sp ? sp : u8_enc(f(cp), d + w);
        }
        prev_space = false;
    }
    b->w += w;
    return WEIR_OK;
}

static int bind_case(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    pthread_once(&utf8_once, utf8_init);
    return sig(bc, e, err, "S", WEIR_TYPE_STRING);
}

static int exec_case(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                     weir_vec **out, uint32_t (*f)(uint32_t), bool title)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[0], i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t len;
        const char *s = sget(args[0], i, &len);
        rowbuf b;
        if (rb_begin(&b, o) || map_case(&b, s, len, f, title)) return nomem(ctx);
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

static int exec_lower(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    return exec_case(ctx, e, args, n, out, cp_lower, false);
}

static int exec_upper(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    return exec_case(ctx, e, args, n, out, cp_upper, false);
}

static int exec_initcap(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    return exec_case(ctx, e, args, n, out, cp_lower, true);
}

/* ==== concat / concat_ws ================================================================= */

static int bind_concat(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 0) {
        e->type = WEIR_TYPE_STRING;
        e->nullable = false;
        return WEIR_OK;
    }
    bool all_bin = true, any_arr = false;
    for (int i = 0; i < e->nargs; i++) {
        all_bin &= e->args[i]->type->id == WEIR_T_BINARY;
        any_arr |= e->args[i]->type->id == WEIR_T_ARRAY;
    }
    if (any_arr) {
        int rc = weir_coerce_args_common(bc, e, 0, e->nargs, err);
        if (rc != WEIR_OK) return rc;
        e->type = e->args[0]->type;
        if (e->type->id != WEIR_T_ARRAY) return sig(bc, e, err, "S", WEIR_TYPE_STRING);
        nullable_any(e);
        return WEIR_OK;
    }
    return all_bin ? sig(bc, e, err, "B", WEIR_TYPE_BINARY)
                   : sig(bc, e, err, "S", WEIR_TYPE_STRING);
}

static int exec_concat(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    bool arr = e->type->id == WEIR_T_ARRAY;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, e->nargs, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        if (arr) {
            for (int k = 0; k < e->nargs; k++) {
                const weir_vec *a = args[k];
                int32_t b0 = a->offsets[i], b1 = a->offsets[i + 1];
                if (weir_vec_append_range(o->child[0], a->child[0], b0, b1 - b0)) return nomem(ctx);
            }
            o->offsets[o->len + 1] = o->child[0]->len;
            o->len++;
            continue;
        }
        rowbuf b;
        if (rb_begin(&b, o)) return nomem(ctx);
        for (int k = 0; k < e->nargs; k++) {
            int32_t len;
            const char *s = sget(args[k], i, &len);
            if (rb_add(&b, s, len)) return nomem(ctx);
        }
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

static int bind_concat_ws(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    const weir_type *arr_str = weir_type_array(bc->arena, WEIR_TYPE_STRING);
    if (!arr_str) return weir_err_nomem(err);
    for (int i = 0; i < e->nargs; i++) {
        const weir_type *t =
            (i > 0 && e->args[i]->type->id == WEIR_T_ARRAY) ? arr_str : WEIR_TYPE_STRING;
        int rc = weir_coerce_arg(bc, e, i, t, err);
        if (rc != WEIR_OK) return rc;
    }
    e->type = WEIR_TYPE_STRING;
    e->nullable = e->args[0]->nullable;
    return WEIR_OK;
}

static int exec_concat_ws(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                          weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[0], i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t seplen;
        const char *sep = sget(args[0], i, &seplen);
        rowbuf b;
        if (rb_begin(&b, o)) return nomem(ctx);
        bool first = true;
        for (int k = 1; k < e->nargs; k++) {
            const weir_vec *a = args[k];
            if (row_null(a, i)) continue;
            if (a->type->id == WEIR_T_ARRAY) {
                const weir_vec *c = a->child[0];
                for (int32_t j = a->offsets[i]; j < a->offsets[i + 1]; j++) {
                    if (row_null(c, j)) continue;
                    int32_t len;
                    const char *s = sget(c, j, &len);
                    if ((!first && rb_add(&b, sep, seplen)) || rb_add(&b, s, len))
                        return nomem(ctx);
                    first = false;
                }
                continue;
            }
            int32_t len;
            const char *s = sget(a, i, &len);
            if ((!first && rb_add(&b, sep, seplen)) || rb_add(&b, s, len)) return nomem(ctx);
            first = false;
        }
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

/* ==== substring family =================================================================== */

/* UTF8String.substringSQL(pos, length) on characters (bytes when binary); returns the
 * slice of s as [*b0, *b1). */
static void substr_sql(const char *s, int32_t n, bool binary, int64_t pos, int64_t length,
                       int32_t *b0, int32_t *b1)
{
    int64_t len = 0;
    if (pos < 0) len = binary ? n : u8_chars(s, n);
    int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? len + pos : 0);
    int64_t end = start + length;
    if (end > INT32_MAX) end = INT32_MAX;
    if (start < 0) start = 0;
    if (start >= end) {
        *b0 = *b1 = 0;
        return;
    }
    if (binary) {
        *b0 = start > n ? n : (int32_t)start;
        *b1 = end > n ? n : (int32_t)end;
        return;
    }
    *b0 = u8_skip(s, n, 0, start);
    *b1 = u8_skip(s, n, *b0, end - start);
}

static int bind_substring(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 2) {
        int rc = add_int(bc, e, INT32_MAX, err);
        if (rc != WEIR_OK) return rc;
    }
    return sig(bc, e, err, "XII", NULL);
}

static int exec_substring(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                          weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    bool bin = e->type->id == WEIR_T_BINARY;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 3, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t len, b0, b1;
        const char *s = sget(args[0], i, &len);
        substr_sql(s, len, bin, iget(args[1], i), iget(args[2], i), &b0, &b1);
        if (weir_vec_append_str(o, s + b0, b1 - b0)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

static int bind_left_right(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "XI", NULL);
}

static int exec_left_right(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out, bool right)
{
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    bool bin = e->type->id == WEIR_T_BINARY;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 2, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t len, b0 = 0, b1 = 0;
        const char *s = sget(args[0], i, &len);
        int64_t k = iget(args[1], i);
        if (!right)
            substr_sql(s, len, bin, 1, k, &b0, &b1);
        else if (k > 0)
            substr_sql(s, len, bin, -k, k, &b0, &b1);
        if (weir_vec_append_str(o, s + b0, b1 - b0)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

static int exec_left(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                     weir_vec **out)
{
    return exec_left_right(ctx, e, args, n, out, false);
}

static int exec_right(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    return exec_left_right(ctx, e, args, n, out, true);
}

/* overlay(input, replace, pos[, len]): input[1, pos) + replace + input[pos + len, end). */
static int bind_overlay(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 3) {
        int rc = add_int(bc, e, -1, err);
        if (rc != WEIR_OK) return rc;
    }
    bool bin = e->args[0]->type->id == WEIR_T_BINARY && e->args[1]->type->id == WEIR_T_BINARY;
    return sig(bc, e, err, bin ? "BBII" : "SSII", NULL);
}

static int exec_overlay(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    bool bin = e->type->id == WEIR_T_BINARY;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 4, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t sl, rl, a0, a1, c0, c1;
        const char *s = sget(args[0], i, &sl);
        const char *r = sget(args[1], i, &rl);
        int64_t pos = iget(args[2], i), len = iget(args[3], i);
        if (len < 0) len = bin ? rl : u8_chars(r, rl);
        substr_sql(s, sl, bin, 1, pos - 1, &a0, &a1);
        substr_sql(s, sl, bin, pos + len, INT32_MAX, &c0, &c1);
        rowbuf b;
        if (rb_begin(&b, o) || rb_add(&b, s + a0, a1 - a0) || rb_add(&b, r, rl) ||
            rb_add(&b, s + c0, c1 - c0))
            return nomem(ctx);
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

/* ==== trim family ======================================================================== */

typedef struct trim_bd {
    int src, set; /* argument indexes; set -1 when trimming spaces */
    bool left, right;
} trim_bd;

static int bind_trim_common(weir_bind_ctx *bc, weir_expr *e, weir_error *err, bool left, bool right,
                            bool set_first)
{
    int rc = sig(bc, e, err, "S", WEIR_TYPE_STRING);
    if (rc != WEIR_OK) return rc;
    trim_bd *bd = WEIR_ARENA_NEW(bc->arena, trim_bd);
    if (!bd) return weir_err_nomem(err);
    bd->left = left;
    bd->right = right;
    bd->src = (e->nargs == 2 && set_first) ? 1 : 0;
    bd->set = e->nargs == 2 ? 1 - bd->src : -1;
    e->bind_data = bd;
    return WEIR_OK;
}

static int bind_trim(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_trim_common(bc, e, err, true, true, true);
}

static int bind_ltrim(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_trim_common(bc, e, err, true, false, true);
}

static int bind_rtrim(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_trim_common(bc, e, err, false, true, true);
}

static int bind_btrim(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return bind_trim_common(bc, e, err, true, true, false);
}

/* Is the code point starting at s[i] (length k) one of the characters of set? */
static bool in_set(const char *set, int32_t setn, const char *c, int k)
{
    for (int32_t j = 0; j < setn;) {
        int m = u8n((unsigned char)set[j]);
        if (m == k && memcmp(set + j, c, (size_t)k) == 0) return true;
        j += m;
    }
    return false;
}

static int exec_trim(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                     weir_vec **out)
{
    const trim_bd *bd = e->bind_data;
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, e->nargs, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t len, setn = 1;
        const char *s = sget(args[bd->src], i, &len);
        const char *set = " ";
        if (bd->set >= 0) set = sget(args[bd->set], i, &setn);
        int32_t b0 = 0, b1 = len;
        if (bd->left) {
            while (b0 < len) {
                int k = u8n((unsigned char)s[b0]);
                if (b0 + k > len || !in_set(set, setn, s + b0, k)) break;
                b0 += k;
            }
        }
        if (bd->right) {
            while (b1 > b0) {
                int32_t st = b1 - 1; /* back to the first byte of the last character */
                while (st > b0 && ((unsigned char)s[st] & 0xC0) == 0x80 && b1 - st < 4)
                    st--;
                int k = u8n((unsigned char)s[st]);
                if (st + k != b1) {
                    st = b1 - 1;
                    k = 1;
                }
                if (!in_set(set, setn, s + st, k)) break;
                b1 = st;
            }
        }
        if (weir_vec_append_str(o, s + b0, b1 - b0)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* TRIM(BOTH x FROM s): Spark's name for the two-argument forms of trim/ltrim/rtrim. */
static const char *pretty_trim(weir_arena *a, const weir_expr *e)
{
    const trim_bd *bd = e->bind_data;
    const char *f = e->fname ? e->fname : e->fn->name;
    if (e->nargs != 2 || !bd) {
        return weir_arena_sprintf(a, "%s(%s)", f, e->nargs ? arg_pretty(a, e, 0) : "");
    }
    const char *dir = bd->left && bd->right ? "BOTH" : bd->left ? "LEADING" : "TRAILING";
    return weir_arena_sprintf(a, "TRIM(%s %s FROM %s)", dir, arg_pretty(a, e, bd->set),
                              arg_pretty(a, e, bd->src));
}

/* ==== lengths ============================================================================ */

static int bind_length(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "X", WEIR_TYPE_INT);
}

static int exec_len_kind(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out, int kind /* 0 chars, 1 bytes, 2 bits */)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, n);
    if (!o) return nomem(ctx);
    bool bin = args[0]->type->id == WEIR_T_BINARY;
    int32_t *d = o->data;
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[0], i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t len;
        const char *s = sget(args[0], i, &len);
        d[i] = kind == 0 ? (bin ? len : u8_chars(s, len)) : kind == 1 ? len : len * 8;
    }
    *out = o;
    return WEIR_OK;
}

static int exec_length(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    return exec_len_kind(ctx, e, args, n, out, 0);
}

static int exec_octet_length(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                             weir_vec **out)
{
    return exec_len_kind(ctx, e, args, n, out, 1);
}

static int exec_bit_length(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    return exec_len_kind(ctx, e, args, n, out, 2);
}

/* ==== regular expressions ================================================================ */

typedef struct rx_bd {
    int pat;             /* index of the pattern argument */
    weir_regex *re;      /* compiled at bind when the pattern is a literal */
    const char *lit_err; /* literal pattern that failed to compile: raised at run time */
    int rep;             /* regexp_replace: index of the replacement, else -1 */
    weir_repl repl;      /* literal replacement parsed against the literal regex */
    const char *repl_err;
    bool repl_ready;
} rx_bd;

/* The per-call cache of the last pattern compiled from a non-literal argument. */
typedef struct rx_state {
    const weir_regex *re;
    weir_matcher m;
    const char *key;
    int32_t keylen;
    bool ready;
    /* replacement cache */
    const char *rkey;
    int32_t rkeylen;
    const weir_regex *rre;
    weir_repl repl;
    bool rready;
} rx_state;

static int pattern_error(weir_error *err, const char *fname, const char *p, int32_t n)
{
    char q[512];
    return weir_err(err, WEIR_ERUNTIME,
                    "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` in "
                    "`%s` is invalid: %s",
                    fname, sql_str(q, sizeof(q), p, n));
}

static int bind_rx_common(weir_bind_ctx *bc, weir_expr *e, weir_error *err, int pat)
{
    rx_bd *bd = WEIR_ARENA_NEW(bc->arena, rx_bd);
    if (!bd) return weir_err_nomem(err);
    bd->pat = pat;
    bd->rep = -1;
    const char *p;
    int32_t pn;
    if (lit_str(e->args[pat], &p, &pn)) {
        const char *msg = NULL;
        int rc = weir_regex_compile(bc->arena, p, pn, &bd->re, &msg);
        if (rc == WEIR_EARG)
            bd->lit_err = msg;
        else if (rc != WEIR_OK)
            return weir_err_nomem(err);
    }
    e->bind_data = bd;
    return WEIR_OK;
}

/* The matcher for row i's pattern (literal or cached). */
static int rx_get(weir_eval_ctx *ctx, const weir_expr *e, const rx_bd *bd, rx_state *st,
                  weir_vec **args, int32_t i, weir_matcher **m)
{
    const char *fname = e->fn->name;
    if (bd->re) {
        if (!st->ready) {
            if (weir_matcher_init(ctx->arena, &st->m, bd->re)) return nomem(ctx);
            st->re = bd->re;
            st->ready = true;
        }
        *m = &st->m;
        return WEIR_OK;
    }
    int32_t pn;
    const char *p = sget(args[bd->pat], i, &pn);
    if (bd->lit_err) return pattern_error(ctx->err, fname, p, pn);
    if (!st->ready || st->keylen != pn || memcmp(st->key, p, (size_t)pn) != 0) {
        weir_regex *re;
        const char *msg = NULL;
        int rc = weir_regex_compile(ctx->arena, p, pn, &re, &msg);
        if (rc == WEIR_EARG) return pattern_error(ctx->err, fname, p, pn);
        if (rc != WEIR_OK || weir_matcher_init(ctx->arena, &st->m, re)) return nomem(ctx);
        st->re = re;
        st->key = p;
        st->keylen = pn;
        st->ready = true;
    }
    *m = &st->m;
    return WEIR_OK;
}

static int group_index_error(weir_error *err, const char *fname, uint32_t ngroups, int64_t idx)
{
    return weir_err(err, WEIR_ERUNTIME,
                    "[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of parameter(s) `idx` "
                    "in `%s` is invalid: Expects group index between 0 and %u, but got %lld.",
                    fname, ngroups, (long long)idx);
}

static int find_or_err(weir_eval_ctx *ctx, weir_matcher *m)
{
    int r = weir_matcher_find(m);
    if (r < 0) {
        weir_err(ctx->err, WEIR_ERUNTIME, "regular expression match failed (limit exceeded)");
        return -1;
    }
    return r;
}

/* rlike / regexp / regexp_like */
static int bind_rlike(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = sig(bc, e, err, "SS", WEIR_TYPE_BOOLEAN);
    return rc != WEIR_OK ? rc : bind_rx_common(bc, e, err, 1);
}

static int exec_rlike(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    const rx_bd *bd = e->bind_data;
    rx_state st = {0};
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_BOOLEAN, n);
    if (!o) return nomem(ctx);
    uint8_t *d = o->data;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 2, i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        weir_matcher *m;
        int rc = rx_get(ctx, e, bd, &st, args, i, &m);
        if (rc != WEIR_OK) return rc;
        int32_t len;
        const char *s = sget(args[0], i, &len);
        weir_matcher_reset(m, s, len);
        int r = find_or_err(ctx, m);
        if (r < 0) return WEIR_ERUNTIME;
        d[i] = (uint8_t)r;
    }
    *out = o;
    return WEIR_OK;
}

/* SQL names of the infix forms: "a LIKE b", "a RLIKE b", "a REGEXP_LIKE b". */
static const char *pretty_infix(weir_arena *a, const weir_expr *e)
{
    const char *f = e->fname ? e->fname : e->fn->name;
    char up[32];
    size_t k = 0;
    for (; f[k] && k < sizeof(up) - 1; k++)
        up[k] = (char)((f[k] >= 'a' && f[k] <= 'z') ? f[k] - 32 : f[k]);
    up[k] = 0;
    const char *base = weir_arena_sprintf(a, "%s %s %s", arg_pretty(a, e, 0), up,
                                          e->nargs > 1 ? arg_pretty(a, e, 1) : "");
    const char *esc;
    int32_t en;
    if (base && e->nargs > 2 && lit_str(e->args[2], &esc, &en) && !(en == 1 && esc[0] == '\\'))
        return weir_arena_sprintf(a, "%s ESCAPE '%.*s'", base, (int)en, esc);
    return base;
}

/* regexp_extract(str, regexp[, idx = 1]) */
static int bind_regexp_extract(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 2) {
        int rc = add_int(bc, e, 1, err);
        if (rc != WEIR_OK) return rc;
    }
    const weir_type *t = WEIR_TYPE_STRING;
    if (strcmp(e->fn->name, "regexp_extract_all") == 0 &&
        !(t = weir_type_array(bc->arena, WEIR_TYPE_STRING)))
        return weir_err_nomem(err);
    int rc = sig(bc, e, err, "SSI", t);
    return rc != WEIR_OK ? rc : bind_rx_common(bc, e, err, 1);
}

static int exec_regexp_extract(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    const rx_bd *bd = e->bind_data;
    rx_state st = {0};
    bool all = e->type->id == WEIR_T_ARRAY;
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 3, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        weir_matcher *m;
        int rc = rx_get(ctx, e, bd, &st, args, i, &m);
        if (rc != WEIR_OK) return rc;
        int32_t len;
        const char *s = sget(args[0], i, &len);
        int32_t idx = iget(args[2], i);
        weir_matcher_reset(m, s, len);
        weir_vec *dst = all ? o->child[0] : o;
        int found = 0;
        for (;;) {
            int r = find_or_err(ctx, m);
            if (r < 0) return WEIR_ERUNTIME;
            if (r == 0) break;
            found++;
            if (idx < 0 || (uint32_t)idx > m->re->ngroups)
                return group_index_error(ctx->err, e->fn->name, m->re->ngroups, idx);
            int32_t g0, g1;
            weir_matcher_group(m, (uint32_t)idx, &g0, &g1);
            if (weir_vec_append_str(dst, g0 < 0 ? "" : s + g0, g0 < 0 ? 0 : g1 - g0))
                return nomem(ctx);
            if (!all) break;
        }
        if (all) {
            o->offsets[o->len + 1] = o->child[0]->len;
            o->len++;
        } else if (!found && weir_vec_append_str(o, "", 0)) {
            return nomem(ctx);
        }
    }
    *out = o;
    return WEIR_OK;
}

/* regexp_count(str, regexp) -> INT; regexp_substr -> first match or NULL;
 * regexp_instr(str, regexp[, idx = 0]) -> 1-based character position of the match. */
static int bind_regexp_count(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = sig(bc, e, err, "SS", WEIR_TYPE_INT);
    return rc != WEIR_OK ? rc : bind_rx_common(bc, e, err, 1);
}

static int bind_regexp_substr(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = sig(bc, e, err, "SS", WEIR_TYPE_STRING);
    e->nullable = true;
    return rc != WEIR_OK ? rc : bind_rx_common(bc, e, err, 1);
}

static int bind_regexp_instr(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 2) {
        int rc = add_int(bc, e, 0, err);
        if (rc != WEIR_OK) return rc;
    }
    int rc = sig(bc, e, err, "SSI", WEIR_TYPE_INT);
    return rc != WEIR_OK ? rc : bind_rx_common(bc, e, err, 1);
}

static int exec_regexp_scan(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                            weir_vec **out)
{
    const rx_bd *bd = e->bind_data;
    rx_state st = {0};
    char kind = e->fn->name[7]; /* regexp_[c]ount, regexp_[s]ubstr, regexp_[i]nstr */
    weir_vec *o = kind == 's' ? weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n)
                              : fixed_out(ctx, WEIR_TYPE_INT, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, e->nargs, i)) {
            if (kind == 's' ? weir_vec_append_null(o) : weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        weir_matcher *m;
        int rc = rx_get(ctx, e, bd, &st, args, i, &m);
        if (rc != WEIR_OK) return rc;
        int32_t len;
        const char *s = sget(args[0], i, &len);
        weir_matcher_reset(m, s, len);
        int r = find_or_err(ctx, m);
        if (r < 0) return WEIR_ERUNTIME;
        int32_t g0, g1;
        if (kind == 'c') {
            int32_t cnt = 0;
            while (r == 1) {
                cnt++;
                if ((r = find_or_err(ctx, m)) < 0) return WEIR_ERUNTIME;
            }
            ((int32_t *)o->data)[i] = cnt;
        } else if (kind == 's') {
            if (!r) {
                if (weir_vec_append_null(o)) return nomem(ctx);
                continue;
            }
            weir_matcher_group(m, 0, &g0, &g1);
            if (g1 == g0 ? weir_vec_append_null(o) : weir_vec_append_str(o, s + g0, g1 - g0))
                return nomem(ctx);
        } else {
            int32_t idx = iget(args[2], i);
            if (!r) {
                ((int32_t *)o->data)[i] = 0;
                continue;
            }
            if (idx < 0 || (uint32_t)idx > m->re->ngroups)
                return group_index_error(ctx->err, e->fn->name, m->re->ngroups, idx);
            weir_matcher_group(m, (uint32_t)idx, &g0, &g1);
            ((int32_t *)o->data)[i] = g0 < 0 ? 0 : u8_chars(s, g0) + 1;
        }
    }
    *out = o;
    return WEIR_OK;
}

/* regexp_replace(str, regexp, rep[, position = 1]) */
static int bind_regexp_replace(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 3) {
        int rc = add_int(bc, e, 1, err);
        if (rc != WEIR_OK) return rc;
    }
    int rc = sig(bc, e, err, "SSSI", WEIR_TYPE_STRING);
    if (rc != WEIR_OK) return rc;
    int64_t pos;
    if (lit_int(e->args[3], &pos) && pos <= 0) {
        return weir_err(err, WEIR_EANALYSIS,
                        "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"%s\" due to data "
                        "type mismatch: The `position` must be between (0, 2147483647] (current "
                        "value = %lld).",
                        weir_expr_pretty(bc->arena, e), (long long)pos);
    }
    if ((rc = bind_rx_common(bc, e, err, 1)) != WEIR_OK) return rc;
    rx_bd *bd = e->bind_data;
    bd->rep = 2;
    const char *r;
    int32_t rn;
    if (bd->re && lit_str(e->args[2], &r, &rn)) {
        const char *msg = NULL;
        rc = weir_repl_parse(bc->arena, bd->re, r, rn, &bd->repl, &msg);
        if (rc == WEIR_ERUNTIME)
            bd->repl_err = msg;
        else if (rc != WEIR_OK)
            return weir_err_nomem(err);
        else
            bd->repl_ready = true;
    }
    return WEIR_OK;
}

static int exec_regexp_replace(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                               weir_vec **out)
{
    const rx_bd *bd = e->bind_data;
    rx_state st = {0};
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 4, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        weir_matcher *m;
        int rc = rx_get(ctx, e, bd, &st, args, i, &m);
        if (rc != WEIR_OK) return rc;
        const weir_repl *repl;
        if (bd->repl_ready) {
            repl = &bd->repl;
        } else {
            if (bd->repl_err) return weir_err(ctx->err, WEIR_ERUNTIME, "%s", bd->repl_err);
            int32_t rn;
            const char *r = sget(args[2], i, &rn);
            if (!st.rready || st.rre != m->re || st.rkeylen != rn ||
                memcmp(st.rkey, r, (size_t)rn) != 0) {
                const char *msg = NULL;
                rc = weir_repl_parse(ctx->arena, m->re, r, rn, &st.repl, &msg);
                if (rc == WEIR_ERUNTIME) return weir_err(ctx->err, WEIR_ERUNTIME, "%s", msg);
                if (rc != WEIR_OK) return nomem(ctx);
                st.rkey = r;
                st.rkeylen = rn;
                st.rre = m->re;
                st.rready = true;
            }
            repl = &st.repl;
        }
        int32_t len;
        const char *s = sget(args[0], i, &len);
        int64_t pos = (int64_t)iget(args[3], i) - 1;
        int32_t off = pos <= 0 ? 0 : u8_skip(s, len, 0, pos);
        if (pos > 0 && off >= len) { /* position past the end: unchanged */
            if (weir_vec_append_str(o, s, len)) return nomem(ctx);
            continue;
        }
        rowbuf b;
        if (rb_begin(&b, o) || rb_add(&b, s, off)) return nomem(ctx);
        const char *sub = s + off;
        int32_t sublen = len - off, last = 0;
        weir_matcher_reset(m, sub, sublen);
        for (;;) {
            int r = find_or_err(ctx, m);
            if (r < 0) return WEIR_ERUNTIME;
            if (r == 0) break;
            int32_t g0, g1;
            weir_matcher_group(m, 0, &g0, &g1);
            if (rb_add(&b, sub + last, g0 - last)) return nomem(ctx);
            for (int k = 0; k < repl->nparts; k++) {
                const weir_repl_part *p = &repl->parts[k];
                if (p->group < 0) {
                    if (rb_add(&b, p->lit, p->len)) return nomem(ctx);
                    continue;
                }
                int32_t q0, q1;
                weir_matcher_group(m, (uint32_t)p->group, &q0, &q1);
                if (q0 >= 0 && rb_add(&b, sub + q0, q1 - q0)) return nomem(ctx);
            }
            last = g1;
        }
        if (rb_add(&b, sub + last, sublen - last)) return nomem(ctx);
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

/* split(str, regex[, limit = -1]): Java's String.split as UTF8String.split uses it. */
static int bind_split(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 2) {
        int rc = add_int(bc, e, -1, err);
        if (rc != WEIR_OK) return rc;
    }
    const weir_type *t = weir_type_array(bc->arena, WEIR_TYPE_STRING);
    if (!t) return weir_err_nomem(err);
    int rc = sig(bc, e, err, "SSI", t);
    return rc != WEIR_OK ? rc : bind_rx_common(bc, e, err, 1);
}

static int exec_split(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    const rx_bd *bd = e->bind_data;
    rx_state st = {0};
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    weir_vec *c = o->child[0];
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 3, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t len, pn;
        const char *s = sget(args[0], i, &len);
        sget(args[1], i, &pn);
        int32_t limit = iget(args[2], i);
        if (len > 0 && pn == 0) {
            /* Empty pattern: one element per character, the last takes the rest. */
            int32_t nch = u8_chars(s, len);
            int32_t nl = (limit > nch || limit <= 0) ? nch : limit;
            int32_t b = 0;
            for (int32_t k = 0; k < nl - 1; k++) {
                int32_t nb = u8_skip(s, len, b, 1);
                if (weir_vec_append_str(c, s + b, nb - b)) return nomem(ctx);
                b = nb;
            }
            if (weir_vec_append_str(c, s + b, len - b)) return nomem(ctx);
        } else {
            weir_matcher *m;
            int rc = rx_get(ctx, e, bd, &st, args, i, &m);
            if (rc != WEIR_OK) return rc;
            if (limit == 0) limit = -1;
            int32_t first = c->len; /* elements of this row start here */
            int32_t index = 0, count = 0;
            weir_matcher_reset(m, s, len);
            for (;;) {
                int r = find_or_err(ctx, m);
                if (r < 0) return WEIR_ERUNTIME;
                if (r == 0) break;
                int32_t g0, g1;
                weir_matcher_group(m, 0, &g0, &g1);
                if (limit <= 0 || count < limit - 1) {
                    if (index == 0 && g0 == 0 && g1 == 0) continue; /* no leading empty */
                    if (weir_vec_append_str(c, s + index, g0 - index)) return nomem(ctx);
                    count++;
                    index = g1;
                } else {
                    break;
                }
            }
            if (index == 0) {
                c->len = first; /* nothing split off: the whole input */
                if (weir_vec_append_str(c, s, len)) return nomem(ctx);
            } else if (weir_vec_append_str(c, s + index, len - index)) {
                return nomem(ctx);
            }
        }
        o->offsets[o->len + 1] = c->len;
        o->len++;
    }
    *out = o;
    return WEIR_OK;
}

/* ==== LIKE / ILIKE ======================================================================= */

/* A compiled LIKE pattern: segments separated by '%', each a run of elements that are
 * literal bytes or '_' (one character). */
typedef struct like_elem {
    const char *lit; /* NULL: '_' */
    int32_t len;
} like_elem;

typedef struct like_seg {
    like_elem *el;
    int nel;
    int32_t nchars; /* characters the segment matches (literal chars + '_') */
} like_seg;

typedef struct like_pat {
    like_seg *seg; /* the non-empty segments */
    int nseg;
    bool lead_pct, trail_pct; /* pattern starts / ends with '%' */
    bool any_pct;
    const char *err; /* invalid pattern: Spark's message */
} like_pat;

typedef struct like_bd {
    like_pat *pat; /* literal pattern */
    uint32_t esc;  /* escape character */
    bool ci;       /* ILIKE */
} like_bd;

/* Compiles pattern p (already lower-cased for ILIKE) in arena a. */
static int like_compile(weir_arena *a, const char *p, int32_t n, uint32_t esc, like_pat **out)
{
    like_pat *lp = WEIR_ARENA_NEW(a, like_pat);
    char *buf = weir_arena_alloc(a, (size_t)n + 1);
    like_elem *els = WEIR_ARENA_NEWN(a, like_elem, n + 1);
    like_seg *segs = WEIR_ARENA_NEWN(a, like_seg, n + 2);
    if (!lp || !buf || !els || !segs) return WEIR_ENOMEM;
    *out = lp;
    lp->seg = segs;
    int32_t bl = 0, i = 0;
    int nel = 0;
    like_seg *cur = NULL; /* open segment */
    bool lit_open = false;
    while (i < n) {
        int32_t st = i;
        uint32_t c = u8_dec(p, n, &i);
        const char *lit = NULL;
        int32_t litn = 0;
        if (c == esc) {
            char q[512], q2[16];
            if (i >= n) {
                lp->err = weir_arena_sprintf(a,
                                             "[INVALID_FORMAT.ESC_AT_THE_END] The format is "
                                             "invalid: %s. The escape character is not allowed "
                                             "to end with.",
                                             sql_str(q, sizeof(q), p, n));
                return lp->err ? WEIR_OK : WEIR_ENOMEM;
            }
            int32_t st2 = i;
            uint32_t d = u8_dec(p, n, &i);
            if (d != '_' && d != '%' && d != esc) {
                lp->err = weir_arena_sprintf(
                    a,
                    "[INVALID_FORMAT.ESC_IN_THE_MIDDLE] The format is invalid: %s. The escape "
                    "character is not allowed to precede %s.",
                    sql_str(q, sizeof(q), p, n), sql_str(q2, sizeof(q2), p + st2, i - st2));
                return lp->err ? WEIR_OK : WEIR_ENOMEM;
            }
            lit = p + st2;
            litn = i - st2;
        } else if (c == '%') {
            if (st == 0) lp->lead_pct = true;
            lp->any_pct = true;
            lp->trail_pct = i == n;
            cur = NULL;
            lit_open = false;
            continue;
        }
        lp->trail_pct = false;
        if (!cur) {
            cur = &segs[lp->nseg++];
            cur->el = els + nel;
        }
        if (!lit && c == '_') {
            els[nel++] = (like_elem){NULL, 0};
            cur->nel++;
            cur->nchars++;
            lit_open = false;
            continue;
        }
        if (!lit) {
            lit = p + st;
            litn = i - st;
        }
        memcpy(buf + bl, lit, (size_t)litn); /* extend the open literal element */
        if (lit_open) {
            els[nel - 1].len += litn;
        } else {
            els[nel++] = (like_elem){buf + bl, litn};
            cur->nel++;
            lit_open = true;
        }
        bl += litn;
        cur->nchars++;
    }
    return WEIR_OK;
}

/* Does segment g match s[0..n) at byte offset at? Sets *end to the byte after the match. */
static bool seg_match(const like_seg *g, const char *s, int32_t n, int32_t at, int32_t *end)
{
    for (int k = 0; k < g->nel; k++) {
        const like_elem *el = &g->el[k];
        if (el->lit) {
            if (n - at < el->len || memcmp(s + at, el->lit, (size_t)el->len) != 0) return false;
            at += el->len;
        } else {
            if (at >= n) return false;
            at += u8n((unsigned char)s[at]);
            if (at > n) at = n;
        }
    }
    *end = at;
    return true;
}

static bool like_match(const like_pat *lp, const char *s, int32_t n)
{
    int lo = 0, hi = lp->nseg - 1;
    if (lp->nseg == 0) return lp->any_pct || n == 0;
    int32_t pos = 0, lim = n, end;
    if (!lp->lead_pct && !lp->trail_pct && lp->nseg == 1)
        return seg_match(&lp->seg[0], s, n, 0, &end) && end == n;
    if (!lp->lead_pct) { /* the first segment is anchored at the start */
        if (!seg_match(&lp->seg[0], s, n, 0, &end)) return false;
        pos = end;
        lo++;
    }
    if (!lp->trail_pct) { /* the last segment is anchored at the end */
        const like_seg *g = &lp->seg[hi];
        int32_t b = n;
        for (int32_t c = 0; c < g->nchars; c++) {
            if (b <= pos) return false;
            b--;
            while (b > pos && ((unsigned char)s[b] & 0xC0) == 0x80)
                b--;
        }
        if (b < pos || !seg_match(g, s, n, b, &end) || end != n) return false;
        lim = b;
        hi--;
    }
    for (int k = lo; k <= hi; k++) { /* middle segments: leftmost match each */
        const like_seg *g = &lp->seg[k];
        bool ok = false;
        int32_t at = pos;
        while (at <= lim) {
            if (g->el[0].lit) {
                const char *h =
                    memmem(s + at, (size_t)(lim - at), g->el[0].lit, (size_t)g->el[0].len);
                if (!h) return false;
                at = (int32_t)(h - s);
            }
            if (seg_match(g, s, lim, at, &end)) {
                pos = end;
                ok = true;
                break;
            }
            if (at >= lim) break;
            at += u8n((unsigned char)s[at]);
        }
        if (!ok) return false;
    }
    return true;
}

static int bind_like(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    bool ci = strcmp(e->fn->name, "ilike") == 0;
    if (ci) pthread_once(&utf8_once, utf8_init);
    int rc = sig(bc, e, err, "SS", WEIR_TYPE_BOOLEAN);
    if (rc != WEIR_OK) return rc;
    like_bd *bd = WEIR_ARENA_NEW(bc->arena, like_bd);
    if (!bd) return weir_err_nomem(err);
    bd->esc = '\\';
    bd->ci = ci;
    if (e->nargs == 3) {
        const char *p;
        int32_t pn;
        if (!lit_str(e->args[2], &p, &pn)) {
            return weir_err(err, WEIR_EANALYSIS,
                            "[INVALID_ESCAPE_CHAR] The escape character must be a string literal "
                            "of length one, but got %s.",
                            arg_pretty(bc->arena, e, 2));
        }
        int32_t j = 0;
        uint32_t c = pn ? u8_dec(p, pn, &j) : 0;
        if (pn == 0 || j != pn) {
            char q[64];
            return weir_err(err, WEIR_EANALYSIS,
                            "[INVALID_ESC] Found an invalid escape string: %s. The escape string "
                            "must contain only one character.",
                            sql_str(q, sizeof(q), p, pn));
        }
        bd->esc = c;
        e->nullable = e->args[0]->nullable || e->args[1]->nullable;
    }
    const char *p;
    int32_t pn;
    if (lit_str(e->args[1], &p, &pn)) {
        if (ci) {
            weir_vec *v = weir_vec_new(bc->arena, WEIR_TYPE_STRING, 1);
            rowbuf b;
            if (!v || rb_begin(&b, v) || map_case(&b, p, pn, cp_lower, false))
                return weir_err_nomem(err);
            rb_end(&b);
            p = sget(v, 0, &pn);
        }
        if (like_compile(bc->arena, p, pn, bd->esc, &bd->pat) != WEIR_OK)
            return weir_err_nomem(err);
    }
    e->bind_data = bd;
    return WEIR_OK;
}

static int exec_like(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                     weir_vec **out)
{
    const like_bd *bd = e->bind_data;
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_BOOLEAN, n);
    if (!o) return nomem(ctx);
    uint8_t *d = o->data;
    const like_pat *cached = bd->pat;
    const char *ckey = NULL;
    int32_t ckeylen = -1;
    /* ILIKE lower-cases each row into this scratch vector (reset per row). */
    weir_vec *scratch = bd->ci ? weir_vec_new(ctx->arena, WEIR_TYPE_STRING, 1) : NULL;
    if (bd->ci && !scratch) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 2, i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t len;
        const char *s = sget(args[0], i, &len);
        if (!bd->pat) {
            int32_t pn;
            const char *p = sget(args[1], i, &pn);
            if (!cached || pn != ckeylen || memcmp(p, ckey, (size_t)pn) != 0) {
                ckey = p;
                ckeylen = pn;
                if (bd->ci) {
                    rowbuf b;
                    scratch->len = 0;
                    if (rb_begin(&b, scratch) || map_case(&b, p, pn, cp_lower, false))
                        return nomem(ctx);
                    rb_end(&b);
                    p = sget(scratch, 0, &pn);
                }
                like_pat *lp;
                if (like_compile(ctx->arena, p, pn, bd->esc, &lp)) return nomem(ctx);
                cached = lp;
            }
        }
        if (cached->err) return weir_err(ctx->err, WEIR_EANALYSIS, "%s", cached->err);
        if (bd->ci) {
            rowbuf b;
            scratch->len = 0;
            if (rb_begin(&b, scratch) || map_case(&b, s, len, cp_lower, false)) return nomem(ctx);
            rb_end(&b);
            s = sget(scratch, 0, &len);
        }
        d[i] = like_match(cached, s, len);
    }
    *out = o;
    return WEIR_OK;
}

/* ==== padding, repetition, search ======================================================== */

static int bind_pad(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 2) {
        int rc = add_str(bc, e, " ", err);
        if (rc != WEIR_OK) return rc;
    }
    return sig(bc, e, err, "SIS", WEIR_TYPE_STRING);
}

static int exec_pad(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                    weir_vec **out, bool left)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 3, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t sl, pl;
        const char *s = sget(args[0], i, &sl);
        const char *pad = sget(args[2], i, &pl);
        int64_t len = iget(args[1], i);
        int32_t nch = u8_chars(s, sl);
        int64_t spaces = len - nch;
        if (spaces <= 0 || pl == 0) { /* no padding: the first len characters */
            int32_t b1 = len <= 0 ? 0 : u8_skip(s, sl, 0, len);
            if (weir_vec_append_str(o, s, b1)) return nomem(ctx);
            continue;
        }
        rowbuf b;
        if (rb_begin(&b, o)) return nomem(ctx);
        if (!left && rb_add(&b, s, sl)) return nomem(ctx);
        int32_t pch = u8_chars(pad, pl);
        int64_t full = spaces / pch, rest = spaces % pch;
        for (int64_t k = 0; k < full; k++)
            if (rb_add(&b, pad, pl)) return nomem(ctx);
        if (rb_add(&b, pad, u8_skip(pad, pl, 0, rest))) return nomem(ctx);
        if (left && rb_add(&b, s, sl)) return nomem(ctx);
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

static int exec_lpad(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                     weir_vec **out)
{
    return exec_pad(ctx, e, args, n, out, true);
}

static int exec_rpad(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                     weir_vec **out)
{
    return exec_pad(ctx, e, args, n, out, false);
}

static int bind_repeat(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "SI", WEIR_TYPE_STRING);
}

static int exec_repeat(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 2, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t sl;
        const char *s = sget(args[0], i, &sl);
        int64_t k = iget(args[1], i);
        if ((int64_t)sl * (k > 0 ? k : 0) > INT32_MAX)
            return weir_err(ctx->err, WEIR_ERUNTIME, "repeat: result exceeds 2147483647 bytes");
        rowbuf b;
        if (rb_begin(&b, o)) return nomem(ctx);
        for (int64_t j = 0; j < k; j++)
            if (rb_add(&b, s, sl)) return nomem(ctx);
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

static int bind_space(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "I", WEIR_TYPE_STRING);
}

static int exec_space(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[0], i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t k = iget(args[0], i);
        if (k < 0) k = 0;
        rowbuf b;
        char *d;
        if (rb_begin(&b, o) || !(d = rb_room(&b, k))) return nomem(ctx);
        memset(d, ' ', (size_t)k);
        b.w = k;
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

/* UTF8String.indexOf(v, start): character index of v at or after character start, -1. */
static int32_t str_index_of(const char *s, int32_t n, const char *v, int32_t vn, int64_t start)
{
    if (vn == 0) return 0;
    int32_t i = 0, c = 0;
    while (i < n && c < start) {
        i += u8n((unsigned char)s[i]);
        c++;
    }
    if (i >= n) return -1;
    const char *h = memmem(s + i, (size_t)(n - i), v, (size_t)vn);
    if (!h) return -1;
    int32_t hb = (int32_t)(h - s);
    while (i < hb) {
        i += u8n((unsigned char)s[i]);
        c++;
    }
    return c;
}

static int bind_instr(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "SS", WEIR_TYPE_INT);
}

static int exec_instr(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, n);
    if (!o) return nomem(ctx);
    int32_t *d = o->data;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 2, i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t sl, vl;
        const char *s = sget(args[0], i, &sl);
        const char *v = sget(args[1], i, &vl);
        d[i] = str_index_of(s, sl, v, vl, 0) + 1;
    }
    *out = o;
    return WEIR_OK;
}

/* locate(substr, str[, pos = 1]) and position(...) */
static int bind_locate(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 2) {
        int rc = add_int(bc, e, 1, err);
        if (rc != WEIR_OK) return rc;
    }
    int rc = sig(bc, e, err, "SSI", WEIR_TYPE_INT);
    e->nullable = e->args[0]->nullable || e->args[1]->nullable;
    return rc;
}

static int exec_locate(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, n);
    if (!o) return nomem(ctx);
    int32_t *d = o->data;
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[2], i)) { /* NULL start: 0, as Hive */
            d[i] = 0;
            continue;
        }
        if (any_null(args, 2, i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t start = iget(args[2], i);
        if (start < 1) {
            d[i] = 0;
            continue;
        }
        int32_t vl, sl;
        const char *v = sget(args[0], i, &vl);
        const char *s = sget(args[1], i, &sl);
        d[i] = str_index_of(s, sl, v, vl, start - 1) + 1;
    }
    *out = o;
    return WEIR_OK;
}

/* replace(str, search[, replace = '']) */
static int bind_replace(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 2) {
        int rc = add_str(bc, e, "", err);
        if (rc != WEIR_OK) return rc;
    }
    return sig(bc, e, err, "SSS", WEIR_TYPE_STRING);
}

static int exec_replace(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 3, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t sl, fl, rl;
        const char *s = sget(args[0], i, &sl);
        const char *f = sget(args[1], i, &fl);
        const char *r = sget(args[2], i, &rl);
        if (fl == 0) {
            if (weir_vec_append_str(o, s, sl)) return nomem(ctx);
            continue;
        }
        rowbuf b;
        if (rb_begin(&b, o)) return nomem(ctx);
        int32_t at = 0;
        for (;;) {
            const char *h = memmem(s + at, (size_t)(sl - at), f, (size_t)fl);
            if (!h) break;
            int32_t hb = (int32_t)(h - s);
            if (rb_add(&b, s + at, hb - at) || rb_add(&b, r, rl)) return nomem(ctx);
            at = hb + fl;
        }
        if (rb_add(&b, s + at, sl - at)) return nomem(ctx);
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

/* reverse(str) on characters; reverse(array) on elements. */
static int bind_reverse(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    if (e->nargs == 1 && e->args[0]->type->id == WEIR_T_ARRAY) {
        e->type = e->args[0]->type;
        e->nullable = e->args[0]->nullable;
        return WEIR_OK;
    }
    return sig(bc, e, err, "S", WEIR_TYPE_STRING);
}

static int exec_reverse(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                        weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, e->type, n);
    if (!o) return nomem(ctx);
    const weir_vec *a = args[0];
    bool arr = e->type->id == WEIR_T_ARRAY;
    int32_t *sel = NULL;
    int32_t selcap = 0;
    for (int32_t i = 0; i < n; i++) {
        if (row_null(a, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        if (arr) {
            int32_t b0 = a->offsets[i], cnt = a->offsets[i + 1] - b0;
            if (cnt > selcap) {
                selcap = cnt * 2;
                if (!(sel = weir_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)selcap)))
                    return nomem(ctx);
            }
            for (int32_t k = 0; k < cnt; k++)
                sel[k] = b0 + cnt - 1 - k;
            for (int32_t k = 0; k < cnt; k++)
                if (weir_vec_append_range(o->child[0], a->child[0], sel[k], 1)) return nomem(ctx);
            o->offsets[o->len + 1] = o->child[0]->len;
            o->len++;
            continue;
        }
        int32_t sl;
        const char *s = sget(a, i, &sl);
        rowbuf b;
        char *d;
        if (rb_begin(&b, o) || !(d = rb_room(&b, sl))) return nomem(ctx);
        int32_t j = 0;
        while (j < sl) {
            int k = u8n((unsigned char)s[j]);
            if (j + k > sl) k = sl - j;
            memcpy(d + sl - j - k, s + j, (size_t)k);
            j += k;
        }
        b.w = sl;
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

/* translate(src, matching, replace): character map; characters of matching beyond
 * replace's length are deleted; the first mapping of a repeated character wins. */
typedef struct tr_dict {
    int n;
    uint32_t *from;
    int64_t *to; /* -1 delete */
} tr_dict;

static int tr_build(weir_arena *a, const char *m, int32_t mn, const char *r, int32_t rn, tr_dict *d)
{
    d->n = 0;
    d->from = WEIR_ARENA_NEWN(a, uint32_t, mn + 1);
    d->to = WEIR_ARENA_NEWN(a, int64_t, mn + 1);
    if (!d->from || !d->to) return WEIR_ENOMEM;
    int32_t i = 0, j = 0;
    while (i < mn) {
        int64_t to = -1;
        if (j < rn) to = u8_dec(r, rn, &j);
        uint32_t f = u8_dec(m, mn, &i);
        bool seen = false;
        for (int k = 0; k < d->n && !seen; k++)
            seen = d->from[k] == f;
        if (seen) continue;
        d->from[d->n] = f;
        d->to[d->n] = to == 0 ? -1 : to;
        d->n++;
    }
    return WEIR_OK;
}

typedef struct tr_bd {
    bool lit;
    tr_dict dict;
} tr_bd;

static int bind_translate(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    int rc = sig(bc, e, err, "SSS", WEIR_TYPE_STRING);
    if (rc != WEIR_OK) return rc;
    tr_bd *bd = WEIR_ARENA_NEW(bc->arena, tr_bd);
    if (!bd) return weir_err_nomem(err);
    const char *m, *r;
    int32_t mn, rn;
    if (lit_str(e->args[1], &m, &mn) && lit_str(e->args[2], &r, &rn)) {
        if (tr_build(bc->arena, m, mn, r, rn, &bd->dict)) return weir_err_nomem(err);
        bd->lit = true;
    }
    e->bind_data = bd;
    return WEIR_OK;
}

static int exec_translate(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                          weir_vec **out)
{
    const tr_bd *bd = e->bind_data;
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    tr_dict cache = {0};
    const tr_dict *d = bd->lit ? &bd->dict : NULL;
    const char *km = NULL, *kr = NULL;
    int32_t kmn = -1, krn = -1;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 3, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        if (!bd->lit) {
            int32_t mn, rn;
            const char *m = sget(args[1], i, &mn);
            const char *r = sget(args[2], i, &rn);
            if (!d || mn != kmn || rn != krn || memcmp(m, km, (size_t)mn) ||
                memcmp(r, kr, (size_t)rn)) {
                if (tr_build(ctx->arena, m, mn, r, rn, &cache)) return nomem(ctx);
                d = &cache;
                km = m;
                kmn = mn;
                kr = r;
                krn = rn;
            }
        }
        int32_t sl;
        const char *s = sget(args[0], i, &sl);
        rowbuf b;
        char *w;
        if (rb_begin(&b, o) || !(w = rb_room(&b, (int64_t)sl * 4))) return nomem(ctx);
        int32_t j = 0, k = 0;
        while (j < sl) {
            int32_t st = j;
            uint32_t c = u8_dec(s, sl, &j);
            int hit = -1;
            for (int q = 0; q < d->n; q++)
                if (d->from[q] == c) {
                    hit = q;
                    break;
                }
            if (hit < 0) {
                memcpy(w + k, s + st, (size_t)(j - st));
                k += j - st;
            } else if (d->to[hit] >= 0) {
                k += u8_enc((uint32_t)d->to[hit], w + k);
            }
        }
        b.w = k;
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

static int bind_ascii(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "S", WEIR_TYPE_INT);
}

static int exec_ascii(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                      weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, n);
    if (!o) return nomem(ctx);
    int32_t *d = o->data;
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[0], i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t sl, j = 0;
        const char *s = sget(args[0], i, &sl);
        d[i] = sl ? (int32_t)u8_dec(s, sl, &j) : 0;
    }
    *out = o;
    return WEIR_OK;
}

/* chr(n): the character (n mod 256); '' when n < 0. */
static int bind_chr(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "L", WEIR_TYPE_STRING);
}

static int exec_chr(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                    weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[0], i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int64_t v = lget(args[0], i);
        char buf[4];
        int k = v < 0 ? 0 : u8_enc((uint32_t)(v & 0xFF), buf);
        if (weir_vec_append_str(o, buf, k)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* startswith / endswith / contains (strings, or both binary) */
static int bind_str_pred(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    bool bin = e->args[0]->type->id == WEIR_T_BINARY && e->args[1]->type->id == WEIR_T_BINARY;
    return sig(bc, e, err, bin ? "B" : "S", WEIR_TYPE_BOOLEAN);
}

static int exec_str_pred(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    char kind = e->fn->name[0]; /* s, e, c */
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_BOOLEAN, n);
    if (!o) return nomem(ctx);
    uint8_t *d = o->data;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 2, i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t sl, vl;
        const char *s = sget(args[0], i, &sl);
        const char *v = sget(args[1], i, &vl);
        bool r;
        if (vl > sl)
            r = false;
        else if (kind == 's')
            r = memcmp(s, v, (size_t)vl) == 0;
        else if (kind == 'e')
            r = memcmp(s + sl - vl, v, (size_t)vl) == 0;
        else
            r = vl == 0 || memmem(s, (size_t)sl, v, (size_t)vl) != NULL;
        d[i] = r;
    }
    *out = o;
    return WEIR_OK;
}

/* find_in_set(str, strlist): 1-based index in the comma-separated list, 0 if absent or if
 * str has a comma. */
static int bind_find_in_set(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "SS", WEIR_TYPE_INT);
}

static int exec_find_in_set(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                            weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, n);
    if (!o) return nomem(ctx);
    int32_t *d = o->data;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 2, i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t sl, ll;
        const char *s = sget(args[0], i, &sl);
        const char *l = sget(args[1], i, &ll);
        d[i] = 0;
        if (memchr(s, ',', (size_t)sl)) continue;
        int32_t idx = 1, st = 0;
        for (int32_t j = 0; j <= ll; j++) {
            if (j == ll || l[j] == ',') {
                if (j - st == sl && memcmp(l + st, s, (size_t)sl) == 0) {
                    d[i] = idx;
                    break;
                }
                idx++;
                st = j + 1;
            }
        }
    }
    *out = o;
    return WEIR_OK;
}

/* substring_index(str, delim, count) */
static int bind_substring_index(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "SSI", WEIR_TYPE_STRING);
}

static int exec_substring_index(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                                weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 3, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t sl, dl;
        const char *s = sget(args[0], i, &sl);
        const char *dm = sget(args[1], i, &dl);
        int32_t cnt = iget(args[2], i);
        int32_t b0 = 0, b1 = 0;
        if (dl > 0 && cnt != 0) {
            if (cnt > 0) {
                int32_t at = 0, k = 0;
                b1 = sl;
                for (;;) {
                    const char *h = memmem(s + at, (size_t)(sl - at), dm, (size_t)dl);
                    if (!h) break;
                    if (++k == cnt) {
                        b1 = (int32_t)(h - s);
                        break;
                    }
                    at = (int32_t)(h - s) + 1;
                }
            } else {
                int32_t k = 0;
                b0 = 0;
                b1 = sl;
                for (int32_t at = sl - dl; at >= 0; at--) {
                    if (memcmp(s + at, dm, (size_t)dl) == 0 && ++k == -(int64_t)cnt) {
                        b0 = at + dl;
                        break;
                    }
                }
            }
        }
        if (weir_vec_append_str(o, s + b0, b1 - b0)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* split_part(str, delimiter, partNum) */
static int bind_split_part(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "SSI", WEIR_TYPE_STRING);
}

static int exec_split_part(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                           weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, 3, i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t sl, dl;
        const char *s = sget(args[0], i, &sl);
        const char *dm = sget(args[1], i, &dl);
        int32_t part = iget(args[2], i);
        if (part == 0)
            return weir_err(ctx->err, WEIR_ERUNTIME,
                            "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be "
                            "either < 0 or > 0 (the first element has index 1).");
        /* count the parts, then pick one */
        int32_t nparts = 1;
        if (dl > 0) {
            for (int32_t at = 0;;) {
                const char *h = memmem(s + at, (size_t)(sl - at), dm, (size_t)dl);
                if (!h) break;
                nparts++;
                at = (int32_t)(h - s) + dl;
            }
        }
        int64_t want = part > 0 ? part : (int64_t)nparts + part + 1;
        if (want < 1 || want > nparts) {
            if (weir_vec_append_str(o, "", 0)) return nomem(ctx);
            continue;
        }
        int32_t st = 0, en = sl;
        if (dl > 0) {
            int32_t k = 1, at = 0;
            for (;;) {
                const char *h = memmem(s + at, (size_t)(sl - at), dm, (size_t)dl);
                int32_t hb = h ? (int32_t)(h - s) : sl;
                if (k == want) {
                    st = at;
                    en = hb;
                    break;
                }
                k++;
                at = hb + dl;
            }
        }
        if (weir_vec_append_str(o, s + st, en - st)) return nomem(ctx);
    }
    *out = o;
    return WEIR_OK;
}

/* levenshtein(a, b[, threshold]): edit distance on characters; -1 above threshold. */
static int bind_levenshtein(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "SSI", WEIR_TYPE_INT);
}

static int exec_levenshtein(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                            weir_vec **out)
{
    weir_vec *o = fixed_out(ctx, WEIR_TYPE_INT, n);
    if (!o) return nomem(ctx);
    int32_t *d = o->data;
    uint32_t *ca = NULL, *cb = NULL;
    int32_t *row = NULL;
    int32_t cap = 0;
    for (int32_t i = 0; i < n; i++) {
        if (any_null(args, e->nargs, i)) {
            if (weir_vec_set_null(o, i)) return nomem(ctx);
            continue;
        }
        int32_t al, bl;
        const char *a = sget(args[0], i, &al);
        const char *b = sget(args[1], i, &bl);
        int32_t need = (al > bl ? al : bl) + 1;
        if (need > cap) {
            cap = need * 2;
            ca = weir_arena_alloc(ctx->arena, sizeof(uint32_t) * (size_t)cap);
            cb = weir_arena_alloc(ctx->arena, sizeof(uint32_t) * (size_t)cap);
            row = weir_arena_alloc(ctx->arena, sizeof(int32_t) * (size_t)cap);
            if (!ca || !cb || !row) return nomem(ctx);
        }
        int32_t na = 0, nb = 0;
        for (int32_t j = 0; j < al;)
            ca[na++] = u8_dec(a, al, &j);
        for (int32_t j = 0; j < bl;)
            cb[nb++] = u8_dec(b, bl, &j);
        for (int32_t j = 0; j <= nb; j++)
            row[j] = j;
        for (int32_t x = 1; x <= na; x++) {
            int32_t diag = row[0];
            row[0] = x;
            for (int32_t y = 1; y <= nb; y++) {
                int32_t up = row[y];
                int32_t best = diag + (ca[x - 1] != cb[y - 1]);
                if (up + 1 < best) best = up + 1;
                if (row[y - 1] + 1 < best) best = row[y - 1] + 1;
                row[y] = best;
                diag = up;
            }
        }
        int32_t dist = row[nb];
        if (e->nargs == 3 && dist > iget(args[2], i)) dist = -1;
        d[i] = dist;
    }
    *out = o;
    return WEIR_OK;
}

/* ==== base64 ============================================================================= */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int bind_base64(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "B", WEIR_TYPE_STRING);
}

/* Java's MIME encoder (what Spark 3.5's base64 uses): lines of 76 characters joined by
 * CRLF. */
static int exec_base64(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                       weir_vec **out)
{
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_STRING, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[0], i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t sl;
        const unsigned char *s = (const unsigned char *)sget(args[0], i, &sl);
        int64_t enc = ((int64_t)sl + 2) / 3 * 4;
        rowbuf b;
        char *w;
        if (rb_begin(&b, o) || !(w = rb_room(&b, enc + enc / 76 * 2))) return nomem(ctx);
        int32_t k = 0, line = 0;
        for (int32_t j = 0; j < sl; j += 3) {
            if (line == 76) {
                w[k++] = '\r';
                w[k++] = '\n';
                line = 0;
            }
            uint32_t v = (uint32_t)s[j] << 16;
            if (j + 1 < sl) v |= (uint32_t)s[j + 1] << 8;
            if (j + 2 < sl) v |= s[j + 2];
            w[k++] = b64[(v >> 18) & 63];
            w[k++] = b64[(v >> 12) & 63];
            w[k++] = j + 1 < sl ? b64[(v >> 6) & 63] : '=';
            w[k++] = j + 2 < sl ? b64[v & 63] : '=';
            line += 4;
        }
        b.w = k;
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

static int bind_unbase64(weir_bind_ctx *bc, weir_expr *e, weir_error *err)
{
    return sig(bc, e, err, "S", WEIR_TYPE_BINARY);
}

/* Java's MIME decoder: characters outside the alphabet are ignored; '=' ends the data. */
static int exec_unbase64(weir_eval_ctx *ctx, const weir_expr *e, weir_vec **args, int32_t n,
                         weir_vec **out)
{
    int8_t rev[256];
    memset(rev, -1, sizeof(rev));
    for (int k = 0; k < 64; k++)
        rev[(unsigned char)b64[k]] = (int8_t)k;
    weir_vec *o = weir_vec_new(ctx->arena, WEIR_TYPE_BINARY, n);
    if (!o) return nomem(ctx);
    for (int32_t i = 0; i < n; i++) {
        if (row_null(args[0], i)) {
            if (weir_vec_append_null(o)) return nomem(ctx);
            continue;
        }
        int32_t sl;
        const unsigned char *s = (const unsigned char *)sget(args[0], i, &sl);
        rowbuf b;
        char *w;
        if (rb_begin(&b, o) || !(w = rb_room(&b, (int64_t)sl * 3 / 4 + 3))) return nomem(ctx);
        uint32_t acc = 0;
        int bits = 0;
        int32_t k = 0;
        for (int32_t j = 0; j < sl; j++) {
            if (s[j] == '=') break;
            int8_t v = rev[s[j]];
            if (v < 0) continue;
            acc = (acc << 6) | (uint32_t)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                w[k++] = (char)((acc >> bits) & 0xFF);
            }
        }
        b.w = k;
        rb_end(&b);
    }
    *out = o;
    return WEIR_OK;
}

/* ==== table ============================================================================== */

#define SCALAR(nm, mn, mx, b, x)                                                                   \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = mn, .max_args = mx, .bind = b, .exec = x   \
    }
#define SCALARP(nm, mn, mx, b, x, p)                                                               \
    {                                                                                              \
        .name = nm, .kind = WEIR_FN_SCALAR, .min_args = mn, .max_args = mx, .bind = b, .exec = x,  \
        .pretty = p                                                                                \
    }

const weir_func weir_funcs_string[] = {
    SCALAR("concat", 0, -1, bind_concat, exec_concat),
    SCALAR("concat_ws", 1, -1, bind_concat_ws, exec_concat_ws),
    SCALAR("lower", 1, 1, bind_case, exec_lower),
    SCALAR("lcase", 1, 1, bind_case, exec_lower),
    SCALAR("upper", 1, 1, bind_case, exec_upper),
    SCALAR("ucase", 1, 1, bind_case, exec_upper),
    SCALAR("initcap", 1, 1, bind_case, exec_initcap),
    SCALAR("substring", 2, 3, bind_substring, exec_substring),
    SCALAR("substr", 2, 3, bind_substring, exec_substring),
    SCALAR("left", 2, 2, bind_left_right, exec_left),
    SCALAR("right", 2, 2, bind_left_right, exec_right),
    SCALAR("overlay", 3, 4, bind_overlay, exec_overlay),
    SCALARP("trim", 1, 2, bind_trim, exec_trim, pretty_trim),
    SCALARP("ltrim", 1, 2, bind_ltrim, exec_trim, pretty_trim),
    SCALARP("rtrim", 1, 2, bind_rtrim, exec_trim, pretty_trim),
    SCALAR("btrim", 1, 2, bind_btrim, exec_trim),
    SCALAR("length", 1, 1, bind_length, exec_length),
    SCALAR("char_length", 1, 1, bind_length, exec_length),
    SCALAR("character_length", 1, 1, bind_length, exec_length),
    SCALAR("len", 1, 1, bind_length, exec_length),
    SCALAR("octet_length", 1, 1, bind_length, exec_octet_length),
    SCALAR("bit_length", 1, 1, bind_length, exec_bit_length),
    SCALAR("split", 2, 3, bind_split, exec_split),
    SCALAR("split_part", 3, 3, bind_split_part, exec_split_part),
    SCALAR("regexp_extract", 2, 3, bind_regexp_extract, exec_regexp_extract),
    SCALAR("regexp_extract_all", 2, 3, bind_regexp_extract, exec_regexp_extract),
    SCALAR("regexp_replace", 3, 4, bind_regexp_replace, exec_regexp_replace),
    SCALAR("regexp_count", 2, 2, bind_regexp_count, exec_regexp_scan),
    SCALAR("regexp_substr", 2, 2, bind_regexp_substr, exec_regexp_scan),
    SCALAR("regexp_instr", 2, 3, bind_regexp_instr, exec_regexp_scan),
    SCALARP("rlike", 2, 2, bind_rlike, exec_rlike, pretty_infix),
    SCALARP("regexp", 2, 2, bind_rlike, exec_rlike, pretty_infix),
    SCALARP("regexp_like", 2, 2, bind_rlike, exec_rlike, pretty_infix),
    SCALARP("like", 2, 3, bind_like, exec_like, pretty_infix),
    SCALARP("ilike", 2, 3, bind_like, exec_like, pretty_infix),
    SCALAR("lpad", 2, 3, bind_pad, exec_lpad),
    SCALAR("rpad", 2, 3, bind_pad, exec_rpad),
    SCALAR("repeat", 2, 2, bind_repeat, exec_repeat),
    SCALAR("space", 1, 1, bind_space, exec_space),
    SCALAR("instr", 2, 2, bind_instr, exec_instr),
    SCALAR("locate", 2, 3, bind_locate, exec_locate),
    SCALAR("position", 2, 3, bind_locate, exec_locate),
    SCALAR("replace", 2, 3, bind_replace, exec_replace),
    SCALAR("reverse", 1, 1, bind_reverse, exec_reverse),
    SCALAR("translate", 3, 3, bind_translate, exec_translate),
    SCALAR("ascii", 1, 1, bind_ascii, exec_ascii),
    SCALAR("chr", 1, 1, bind_chr, exec_chr),
    SCALAR("char", 1, 1, bind_chr, exec_chr),
    SCALAR("startswith", 2, 2, bind_str_pred, exec_str_pred),
    SCALAR("endswith", 2, 2, bind_str_pred, exec_str_pred),
    SCALAR("contains", 2, 2, bind_str_pred, exec_str_pred),
    SCALAR("find_in_set", 2, 2, bind_find_in_set, exec_find_in_set),
    SCALAR("substring_index", 3, 3, bind_substring_index, exec_substring_index),
    SCALAR("levenshtein", 2, 3, bind_levenshtein, exec_levenshtein),
    SCALAR("base64", 1, 1, bind_base64, exec_base64),
    SCALAR("unbase64", 1, 1, bind_unbase64, exec_unbase64),
    {0},
};
