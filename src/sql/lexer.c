/*
 * SQL lexer following Spark's SqlBaseLexer.g4 rules so that the same text splits into the
 * same tokens: numeric literal suffixes (L, S, Y, F, D, BD) and exponents, the
 * "longest match wins, the earlier rule on ties" choice between numbers and identifiers
 * (123abc is an identifier, 10L a BIGINT), Spark's string escapes, nested bracketed
 * comments. Non-ASCII letters are identifier characters so Korean names need no quoting.
 * Positions are counted in UTF-16 units like ANTLR, so error positions match Spark's.
 */
#include "sql/lexer.h"

#include <string.h>

typedef struct lexer {
    weir_arena *a;
    const char *s;
    int n;
    int i;
    /* position bookkeeping: column of byte offset col_off on line `line` */
    int line, col, col_off;
    weir_token *toks;
    int ntok, cap;
    weir_error *err;
} lexer;

int weir_sql_utf8_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1;
}

/* Decodes one code point at s[i] (n bytes available); returns its byte length. */
static int utf8_decode(const char *s, int n, int i, unsigned *cp)
{
    unsigned char c = (unsigned char)s[i];
    int len = weir_sql_utf8_len(c);
    if (i + len > n) len = 1;
    if (len == 1) {
        *cp = c;
        return 1;
    }
    unsigned v = c & (0xFF >> (len + 1));
    for (int k = 1; k < len; k++) {
        unsigned char cc = (unsigned char)s[i + k];
        if ((cc & 0xC0) != 0x80) {
            *cp = c;
            return 1;
        }
        v = (v << 6) | (cc & 0x3F);
    }
    *cp = v;
    return len;
}

/* Moves the line/column bookkeeping forward to byte offset off. */
static void advance_to(lexer *L, int off)
{
    int i = L->col_off;
    while (i < off) {
        unsigned char c = (unsigned char)L->s[i];
        if (c == '\n') {
            L->line++;
            L->col = 0;
            i++;
            continue;
        }
        int len = weir_sql_utf8_len(c);
        if (i + len > L->n) len = 1;
        L->col += len == 4 ? 2 : 1;
        i += len;
    }
    L->col_off = off > i ? off : i;
}

static bool is_space_cp(unsigned cp)
{
    switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\f':
    case '\r':
    case 0x0B:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
    }
}

static bool is_ident_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static weir_token *push(lexer *L, weir_tok_kind kind, int start, int end)
{
    if (L->ntok == L->cap) {
        int ncap = L->cap ? L->cap * 2 : 64;
        weir_token *t = weir_arena_realloc(L->a, L->toks, sizeof(weir_token) * (size_t)L->cap,
                                           sizeof(weir_token) * (size_t)ncap);
        if (!t) return NULL;
        L->toks = t;
        L->cap = ncap;
    }
    advance_to(L, start);
    weir_token *t = &L->toks[L->ntok++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->start = start;
    t->end = end;
    t->line = L->line;
    t->pos = L->col;
    return t;
}

/* ---- strings ------------------------------------------------------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int put_utf8(char *o, unsigned cp)
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

static bool hex_run(const char *s, int from, int count, int lim, unsigned *out)
{
    if (from + count > lim) return false;
    unsigned v = 0;
    for (int k = 0; k < count; k++) {
        int h = hexval(s[from + k]);
        if (h < 0) return false;
        v = v * 16 + (unsigned)h;
    }
    *out = v;
    return true;
}

/* Spark's ParserUtils.unescapeSQLString on the body s[b..e) (quotes excluded). */
static char *unescape(lexer *L, int b, int e, int *olen)
{
    const char *s = L->s;
    /* every escape shrinks or keeps the size except \% and \_ (kept as 2 bytes) and \uXXXX
     * (6 bytes -> at most 3), so the body length + 1 is enough */
    char *o = weir_arena_alloc(L->a, (size_t)(e - b) + 1);
    if (!o) return NULL;
    int n = 0;
    int i = b;
    while (i < e) {
        char c = s[i];
        if (c != '\\' || i + 1 >= e) {
            o[n++] = c;
            i++;
            continue;
        }
        char d = s[i + 1];
        unsigned cp;
        if (d == 'u' && hex_run(s, i + 2, 4, e, &cp)) {
            i += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= e && s[i] == '\\' && s[i + 1] == 'u') {
                unsigned lo;
                if (hex_run(s, i + 2, 4, e, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
            n += put_utf8(o + n, cp);
            continue;
        }
        if (d == 'U' && hex_run(s, i + 2, 8, e, &cp) && cp <= 0x10FFFF) {
            i += 10;
            if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
            n += put_utf8(o + n, cp);
            continue;
        }
        if ((d == '0' || d == '1') && i + 3 < e && s[i + 2] >= '0' && s[i + 2] <= '7' &&
            s[i + 3] >= '0' && s[i + 3] <= '7') {
            cp = (unsigned)((d - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            n += put_utf8(o + n, cp);
            i += 4;
            continue;
        }
        i += 2;
        switch (d) {
        case '0': o[n++] = '\0'; break;
        case 'b': o[n++] = '\b'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'Z': o[n++] = '\x1A'; break;
        case '%':
        case '_':
            o[n++] = '\\';
            o[n++] = d;
            break;
        default: o[n++] = d; break;
        }
    }
    o[n] = '\0';
    *olen = n;
    return o;
}

/* Scans a quoted string starting at the quote s[i]; returns the index after the closing
 * quote, or -1 when it is not closed. Backslash escapes any character. */
static int scan_quoted(const char *s, int n, int i, bool raw)
{
    char q = s[i];
    i++;
    while (i < n) {
        if (s[i] == '\\' && !raw) {
            i += 2;
            continue;
        }
        if (s[i] == q) return i + 1;
        i++;
    }
    return -1;
}

/* ---- numbers ------------------------------------------------------------------------ */

/* Lexes a number (or an identifier starting with a digit) at s[i]; s[i] is a digit, or a
 * '.' followed by a digit. Returns 0, -1 on out of memory. */
static int lex_number(lexer *L)
{
    const char *s = L->s;
    int n = L->n, st = L->i;
    int idlen = 0;
    if (is_digit(s[st]))
        while (st + idlen < n && is_ident_byte((unsigned char)s[st + idlen]))
            idlen++;

    int j = st;
    while (j < n && is_digit(s[j]))
        j++;
    int int_end = j;
    bool has_dot = false;
    if (j < n && s[j] == '.' && (j > st || (j + 1 < n && is_digit(s[j + 1])))) {
        has_dot = true;
        j++;
        while (j < n && is_digit(s[j]))
            j++;
    }
    int mant_end = j;
    bool has_exp = false;
    if (j < n && upper(s[j]) == 'E') {
        int k = j + 1;
        if (k < n && (s[k] == '+' || s[k] == '-')) k++;
        if (k < n && is_digit(s[k])) {
            while (k < n && is_digit(s[k]))
                k++;
            has_exp = true;
            j = k;
        }
    }
    int num_end = j; /* end of digits (without suffix) */
    weir_tok_kind kind;
    int tok_end = num_end;
    int c = j < n ? upper(s[j]) : 0;
    int c2 = j + 1 < n ? upper(s[j + 1]) : 0;
    if (c == 'B' && c2 == 'D') {
        kind = WEIR_TK_BIGDECIMAL;
        tok_end = j + 2;
    } else if (c == 'F') {
        kind = WEIR_TK_FLOAT;
        tok_end = j + 1;
    } else if (c == 'D') {
        kind = WEIR_TK_DOUBLE;
        tok_end = j + 1;
    } else if (!has_dot && !has_exp && (c == 'L' || c == 'S' || c == 'Y')) {
        kind = c == 'L' ? WEIR_TK_BIGINT : c == 'S' ? WEIR_TK_SMALLINT : WEIR_TK_TINYINT;
        tok_end = j + 1;
    } else if (has_exp) {
        kind = WEIR_TK_EXPONENT;
    } else if (has_dot) {
        kind = WEIR_TK_DECIMAL;
    } else {
        kind = WEIR_TK_INTEGER;
    }

    if (has_dot) {
        /* isValidDecimal(): a literal with a '.' must not run into a letter, digit or '_' */
        if (tok_end < n && is_ident_byte((unsigned char)s[tok_end]) &&
            (unsigned char)s[tok_end] < 0x80) {
            if (int_end == st) {
                /* ".5x": just the dot */
                weir_token *t = push(L, WEIR_TK_DOT, st, st + 1);
                if (!t) return -1;
                L->i = st + 1;
                return 0;
            }
            kind = WEIR_TK_INTEGER;
            num_end = tok_end = int_end;
            mant_end = int_end;
        }
    } else if (idlen > tok_end - st) {
        /* a longer identifier match wins (123abc, 10Lx, 1e10x) */
        weir_token *t = push(L, WEIR_TK_IDENT, st, st + idlen);
        if (!t) return -1;
        t->val = weir_arena_strndup(L->a, s + st, (size_t)idlen);
        if (!t->val) return -1;
        t->vlen = idlen;
        L->i = st + idlen;
        return 0;
    }
    (void)mant_end;
    weir_token *t = push(L, kind, st, tok_end);
    if (!t) return -1;
    t->val = weir_arena_strndup(L->a, s + st, (size_t)(num_end - st));
    if (!t->val) return -1;
    t->vlen = num_end - st;
    L->i = tok_end;
    return 0;
}

/* ---- main loop ---------------------------------------------------------------------- */

static int nomem(lexer *L)
{
    return weir_err_nomem(L->err);
}

/* Skips white space and comments. Returns 0, or WEIR_EPARSE for an unclosed comment. */
static int skip_trivia(lexer *L)
{
    const char *s = L->s;
    int n = L->n;
    while (L->i < n) {
        int i = L->i;
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (is_space_cp(c)) {
                L->i++;
                continue;
            }
            if (c == '-' && i + 1 < n && s[i + 1] == '-') {
                while (L->i < n && s[L->i] != '\n')
                    L->i++;
                continue;
            }
            if (c == '/' && i + 1 < n && s[i + 1] == '*') {
                /* nested bracketed comment; hints (/∗+ ... ∗/) are ignored the same way */
                int depth = 0, j = i;
                while (j < n) {
                    if (s[j] == '/' && j + 1 < n && s[j + 1] == '*') {
                        depth++;
                        j += 2;
                    } else if (s[j] == '*' && j + 1 < n && s[j + 1] == '/') {
                        depth--;
                        j += 2;
                        if (depth == 0) break;
                    } else {
                        j++;
                    }
                }
                if (depth > 0) {
                    advance_to(L, i);
                    return weir_err_at(L->err, WEIR_EPARSE, L->line, L->col,
                                       "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed "
                                       "comment. Please, append */ at the end of the comment.");
                }
                L->i = j;
                continue;
            }
            return 0;
        }
        unsigned cp;
        int len = utf8_decode(s, n, i, &cp);
        if (is_space_cp(cp)) {
            L->i += len;
            continue;
        }
        return 0;
    }
    return 0;
}

static int lex_one(lexer *L)
{
    const char *s = L->s;
    int n = L->n, i = L->i;
    char c = s[i];
    char c1 = i + 1 < n ? s[i + 1] : 0;
    char c2 = i + 2 < n ? s[i + 2] : 0;
    weir_token *t;

    /* raw strings r'...' / R"..." */
    if ((c == 'r' || c == 'R') && (c1 == '\'' || c1 == '"')) {
        int e = scan_quoted(s, n, i + 1, true);
        if (e > 0) {
            t = push(L, WEIR_TK_STRING, i, e);
            if (!t) return nomem(L);
            t->val = weir_arena_strndup(L->a, s + i + 2, (size_t)(e - i - 3));
            if (!t->val) return nomem(L);
            t->vlen = e - i - 3;
            L->i = e;
            return 0;
        }
    }
    if (is_digit(c) || (c == '.' && is_digit(c1))) return lex_number(L) ? nomem(L) : 0;
    if (is_ident_byte((unsigned char)c)) {
        int j = i;
        while (j < n) {
            unsigned char b = (unsigned char)s[j];
            if (b < 0x80) {
                if (!is_ident_byte(b)) break;
                j++;
                continue;
            }
            unsigned cp;
            int len = utf8_decode(s, n, j, &cp);
            if (is_space_cp(cp)) break;
            j += len;
        }
        t = push(L, WEIR_TK_IDENT, i, j);
        if (!t) return nomem(L);
        t->val = weir_arena_strndup(L->a, s + i, (size_t)(j - i));
        if (!t->val) return nomem(L);
        t->vlen = j - i;
        L->i = j;
        return 0;
    }
    if (c == '\'' || c == '"') {
        int e = scan_quoted(s, n, i, false);
        if (e < 0) {
            /* Spark's lexer cannot match STRING_LITERAL and falls back to UNRECOGNIZED */
            t = push(L, WEIR_TK_UNKNOWN, i, i + 1);
            if (!t) return nomem(L);
            L->i = i + 1;
            return 0;
        }
        t = push(L, WEIR_TK_STRING, i, e);
        if (!t) return nomem(L);
        t->val = unescape(L, i + 1, e - 1, &t->vlen);
        if (!t->val) return nomem(L);
        L->i = e;
        return 0;
    }
    if (c == '`') {
        int j = i + 1;
        for (;;) {
            if (j >= n) {
                j = -1;
                break;
            }
            if (s[j] == '`') {
                if (j + 1 < n && s[j + 1] == '`') {
                    j += 2;
                    continue;
                }
                break;
            }
            j++;
        }
        if (j < 0) {
            t = push(L, WEIR_TK_UNKNOWN, i, i + 1);
            if (!t) return nomem(L);
            L->i = i + 1;
            return 0;
        }
        t = push(L, WEIR_TK_QIDENT, i, j + 1);
        if (!t) return nomem(L);
        char *v = weir_arena_alloc(L->a, (size_t)(j - i));
        if (!v) return nomem(L);
        int k = 0;
        for (int m = i + 1; m < j; m++) {
            v[k++] = s[m];
            if (s[m] == '`') m++;
        }
        v[k] = '\0';
        t->val = v;
        t->vlen = k;
        L->i = j + 1;
        return 0;
    }

    weir_tok_kind kind = WEIR_TK_UNKNOWN;
    int len = 1;
    switch (c) {
    case '(': kind = WEIR_TK_LPAREN; break;
    case ')': kind = WEIR_TK_RPAREN; break;
    case ',': kind = WEIR_TK_COMMA; break;
    case '.': kind = WEIR_TK_DOT; break;
    case '[': kind = WEIR_TK_LBRACKET; break;
    case ']': kind = WEIR_TK_RBRACKET; break;
    case ';': kind = WEIR_TK_SEMI; break;
    case '+': kind = WEIR_TK_PLUS; break;
    case '*': kind = WEIR_TK_STAR; break;
    case '/': kind = WEIR_TK_SLASH; break;
    case '%': kind = WEIR_TK_PERCENT; break;
    case '~': kind = WEIR_TK_TILDE; break;
    case '&': kind = WEIR_TK_AMP; break;
    case '^': kind = WEIR_TK_HAT; break;
    case '?': kind = WEIR_TK_QUESTION; break;
    case '-':
        kind = WEIR_TK_MINUS;
        if (c1 == '>') kind = WEIR_TK_ARROW, len = 2;
        break;
    case '|':
        kind = WEIR_TK_PIPE;
        if (c1 == '|') kind = WEIR_TK_CONCAT, len = 2;
        break;
    case ':':
        kind = WEIR_TK_COLON;
        if (c1 == ':') kind = WEIR_TK_DCOLON, len = 2;
        break;
    case '=':
        kind = WEIR_TK_EQ;
        if (c1 == '=')
            len = 2;
        else if (c1 == '>')
            kind = WEIR_TK_FATARROW, len = 2;
        break;
    case '<':
        kind = WEIR_TK_LT;
        if (c1 == '=' && c2 == '>')
            kind = WEIR_TK_NSEQ, len = 3;
        else if (c1 == '=')
            kind = WEIR_TK_LE, len = 2;
        else if (c1 == '>')
            kind = WEIR_TK_NEQ, len = 2;
        break;
    case '>':
        /* '>>' is never one token here: the grammar needs no shifts and ARRAY<ARRAY<INT>>
         * must close two types */
        kind = WEIR_TK_GT;
        if (c1 == '=') kind = WEIR_TK_GE, len = 2;
        break;
    case '!':
        kind = WEIR_TK_BANG;
        if (c1 == '=')
            kind = WEIR_TK_NEQ, len = 2;
        else if (c1 == '>')
            kind = WEIR_TK_LE, len = 2;
        else if (c1 == '<')
            kind = WEIR_TK_GE, len = 2;
        break;
    default: break;
    }
    if (kind == WEIR_TK_UNKNOWN) len = weir_sql_utf8_len((unsigned char)c);
    if (i + len > n) len = n - i;
    t = push(L, kind, i, i + len);
    if (!t) return nomem(L);
    L->i = i + len;
    return 0;
}

int weir_sql_lex(weir_arena *a, const char *src, size_t n, weir_token **out, int *ntok,
                 weir_error *err)
{
    lexer L;
    memset(&L, 0, sizeof L);
    L.a = a;
    L.s = src;
    L.n = (int)n;
    L.line = 1;
    L.err = err;
    *out = NULL;
    *ntok = 0;
    for (;;) {
        int rc = skip_trivia(&L);
        if (rc) return rc;
        if (L.i >= L.n) break;
        rc = lex_one(&L);
        if (rc) return rc;
    }
    weir_token *t = push(&L, WEIR_TK_EOF, L.n, L.n);
    if (!t) return nomem(&L);
    t->val = "";
    *out = L.toks;
    *ntok = L.ntok;
    return WEIR_OK;
}
