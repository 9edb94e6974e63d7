/*
 * Java regex over PCRE2; see regex.h for why. The translation is a single pass over the
 * Java pattern that rewrites only what PCRE2 spells differently; everything else (groups,
 * lookaround, possessive quantifiers, \Q..\E, named groups, inline flags) is shared syntax.
 * PCRE2 runs in UTF mode without UCP, so \w \d \s stay ASCII as in Java, and with
 * NEWLINE_ANY so that '.' and '$' treat \r, \u0085, \u2028, \u2029 as line ends like Java.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "exec/regex.h"

#include <pcre2.h>
#include <string.h>

#include "base/strbuf.h"

static void *arena_malloc(PCRE2_SIZE n, void *data)
{
    return weir_arena_alloc((weir_arena *)data, n ? n : 1);
}

static void arena_free(void *p, void *data)
{
    (void)p;
    (void)data;
}

/* Java's POSIX-style \p{Name} classes (ASCII only in Java) and their POSIX bracket names. */
static const char *posix_name(const char *name, size_t n)
{
    static const char *const map[][2] = {
        {"Lower", "lower"}, {"Upper", "upper"}, {"ASCII", "ascii"}, {"Alpha", "alpha"},
        {"Digit", "digit"}, {"Alnum", "alnum"}, {"Punct", "punct"}, {"Graph", "graph"},
        {"Print", "print"}, {"Blank", "blank"}, {"Cntrl", "cntrl"}, {"XDigit", "xdigit"},
        {"Space", "space"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strlen(map[i][0]) == n && memcmp(map[i][0], name, n) == 0) return map[i][1];
    return NULL;
}

/* Java's java.lang.Character-based classes. */
static const char *java_class(const char *name, size_t n)
{
    static const char *const map[][2] = {
        {"javaLowerCase", "\\p{Ll}"},
        {"javaUpperCase", "\\p{Lu}"},
        {"javaWhitespace", "\\s"},
        {"javaMirrored", "\\p{Ps}\\p{Pe}"},
        {"javaDigit", "\\p{Nd}"},
        {"javaLetter", "\\p{L}"},
        {"javaLetterOrDigit", "\\p{L}\\p{Nd}"},
        {"javaAlphabetic", "\\p{L}\\p{Nl}"},
        {"IsAlphabetic", "\\p{L}\\p{Nl}"},
        {"IsDigit", "\\p{Nd}"},
        {"IsLetter", "\\p{L}"},
        {"IsWhite_Space", "\\s"},
        {"IsWhiteSpace", "\\s"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strlen(map[i][0]) == n && memcmp(map[i][0], name, n) == 0) return map[i][1];
    return NULL;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Rewrites Java-only syntax into sb. */
static void java_to_pcre(const char *p, int32_t n, weir_strbuf *sb)
{
    bool in_class = false;
    int32_t i = 0;
    while (i < n) {
        char c = p[i];
        if (c == '\\' && i + 1 < n) {
            char d = p[i + 1];
            if (d == 'Q') { /* quoted run: copy through \E untouched */
                int32_t j = i + 2;
                while (j + 1 < n && !(p[j] == '\\' && p[j + 1] == 'E'))
                    j++;
                int32_t end = (j + 1 < n) ? j + 2 : n;
                weir_sb_append(sb, p + i, (size_t)(end - i));
                i = end;
                continue;
            }
            if (d == 'u' && i + 5 < n && is_hex(p[i + 2]) && is_hex(p[i + 3]) && is_hex(p[i + 4]) &&
                is_hex(p[i + 5])) {
                weir_sb_puts(sb, "\\x{");
                weir_sb_append(sb, p + i + 2, 4);
                weir_sb_putc(sb, '}');
                i += 6;
                continue;
            }
            if (d == '0') { /* Java octal \0n, \0nn, \0mnn */
                int32_t j = i + 2, k = 0, v = 0;
                while (j < n && k < 3 && p[j] >= '0' && p[j] <= '7' &&
                       v * 8 + (p[j] - '0') <= 0377) {
                    v = v * 8 + (p[j] - '0');
                    j++;
                    k++;
                }
                weir_sb_printf(sb, "\\x{%x}", (unsigned)v);
                i = j;
                continue;
            }
            if ((d == 'p' || d == 'P') && i + 2 < n && p[i + 2] == '{') {
                int32_t j = i + 3;
                while (j < n && p[j] != '}')
                    j++;
                if (j < n) {
                    const char *name = p + i + 3;
                    size_t nl = (size_t)(j - (i + 3));
                    bool neg = d == 'P';
                    const char *px = posix_name(name, nl);
                    const char *jc = px ? NULL : java_class(name, nl);
                    if (px) {
                        if (in_class)
                            weir_sb_printf(sb, "[:%s%s:]", neg ? "^" : "", px);
                        else
                            weir_sb_printf(sb, "[%s[:%s:]]", neg ? "^" : "", px);
                        i = j + 1;
                        continue;
                    }
                    if (jc) {
                        if (in_class && !neg)
                            weir_sb_puts(sb, jc);
                        else
                            weir_sb_printf(sb, "%s[%s%s]%s", in_class ? "]" : "", neg ? "^" : "",
                                           jc, in_class ? "[" : "");
                        i = j + 1;
                        continue;
                    }
                    /* Is<Script>/Is<Category>, script=, sc=, general_category=, gc= */
                    const char *q = name;
                    size_t ql = nl;
                    static const char *const prefixes[] = {
                        "Is", "script=", "sc=", "general_category=", "gc="};
                    for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
                        size_t pl = strlen(prefixes[k]);
                        if (ql > pl && memcmp(q, prefixes[k], pl) == 0) {
                            q += pl;
                            ql -= pl;
                            break;
                        }
                    }
                    weir_sb_printf(sb, "\\%c{", d);
                    weir_sb_append(sb, q, ql);
                    weir_sb_putc(sb, '}');
                    i = j + 1;
                    continue;
                }
            }
            weir_sb_append(sb, p + i, 2);
            i += 2;
            continue;
        }
        if (in_class) {
            if (c == '[' && i + 1 < n && p[i + 1] == ':') {
                weir_sb_puts(sb, "\\["); /* Java has no POSIX brackets: '[' is literal */
                i++;
                continue;
            }
            if (c == ']') in_class = false;
            weir_sb_putc(sb, c);
            i++;
            continue;
        }
        if (c == '[') {
            in_class = true;
            weir_sb_putc(sb, c);
            i++;
            if (i < n && p[i] == '^') weir_sb_putc(sb, p[i++]);
            if (i < n && p[i] == ']') weir_sb_putc(sb, p[i++]); /* leading ']' is literal */
            continue;
        }
        weir_sb_putc(sb, c);
        i++;
    }
}

static bool has_meta(const char *p, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        if (strchr(".$|()[]{}^?*+\\", p[i]) && p[i] != '\0') return true;
    return false;
}

int weir_regex_compile(weir_arena *a, const char *p, int32_t n, weir_regex **out,
                       const char **errmsg)
{
    weir_regex *re = WEIR_ARENA_NEW(a, weir_regex);
    if (!re) return WEIR_ENOMEM;
    re->src = weir_arena_strndup(a, p, (size_t)n);
    re->src_len = n;
    if (!re->src) return WEIR_ENOMEM;
    if (n > 0 && !has_meta(p, n)) {
        re->literal = true;
        re->ngroups = 0;
        *out = re;
        return WEIR_OK;
    }
    weir_strbuf sb = WEIR_STRBUF_INIT;
    java_to_pcre(p, n, &sb);
    if (sb.oom) {
        weir_sb_free(&sb);
        return WEIR_ENOMEM;
    }
    pcre2_general_context *g = pcre2_general_context_create(arena_malloc, arena_free, a);
    pcre2_compile_context *cc = g ? pcre2_compile_context_create(g) : NULL;
    if (!cc) {
        weir_sb_free(&sb);
        return WEIR_ENOMEM;
    }
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
    int ecode = 0;
    PCRE2_SIZE eoff = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(sb.p ? sb.p : ""), sb.len,
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ecode, &eoff, cc);
    weir_sb_free(&sb);
    if (!code) {
        PCRE2_UCHAR buf[256];
        if (pcre2_get_error_message(ecode, buf, sizeof(buf)) < 0)
            strcpy((char *)buf, "invalid pattern");
        *errmsg = weir_arena_strdup(a, (const char *)buf);
        if (!*errmsg) *errmsg = "invalid pattern";
        return WEIR_EARG;
    }
    uint32_t cap = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &cap);
    re->code = code;
    re->ngroups = cap;
    *out = re;
    return WEIR_OK;
}

int weir_matcher_init(weir_arena *a, weir_matcher *m, const weir_regex *re)
{
    memset(m, 0, sizeof(*m));
    m->re = re;
    if (re->literal) return WEIR_OK;
    m->gctx = pcre2_general_context_create(arena_malloc, arena_free, a);
    if (!m->gctx) return WEIR_ENOMEM;
    m->md = pcre2_match_data_create_from_pattern(re->code, m->gctx);
    return m->md ? WEIR_OK : WEIR_ENOMEM;
}

void weir_matcher_reset(weir_matcher *m, const char *s, int32_t len)
{
    m->s = s ? s : "";
    m->len = len;
    m->from = 0;
    m->done = false;
}

static int32_t next_char(const char *s, int32_t len, int32_t i)
{
    unsigned char c = (unsigned char)s[i];
    int32_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    return i + k > len ? len : i + k;
}

int weir_matcher_find(weir_matcher *m)
{
    if (m->done || m->from > m->len) return 0;
    int32_t st, en;
    if (m->re->literal) {
        const char *hit =
            memmem(m->s + m->from, (size_t)(m->len - m->from), m->re->src, (size_t)m->re->src_len);
        if (!hit) {
            m->done = true;
            return 0;
        }
        st = (int32_t)(hit - m->s);
        en = st + m->re->src_len;
        m->ovec[0] = st;
        m->ovec[1] = en;
    } else {
        int rc = pcre2_match(m->re->code, (PCRE2_SPTR)m->s, (PCRE2_SIZE)m->len, (PCRE2_SIZE)m->from,
                             0, m->md, NULL);
        if (rc == PCRE2_ERROR_NOMATCH) {
            m->done = true;
            return 0;
        }
        if (rc < 0) return WEIR_ERUNTIME;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
        st = (int32_t)ov[0];
        en = (int32_t)ov[1];
    }
    if (en == st) {
        if (en >= m->len)
            m->done = true;
        else
            m->from = next_char(m->s, m->len, en);
    } else {
        m->from = en;
    }
    return 1;
}

void weir_matcher_group(const weir_matcher *m, uint32_t g, int32_t *start, int32_t *end)
{
    if (m->re->literal) {
        *start = g == 0 ? m->ovec[0] : -1;
        *end = g == 0 ? m->ovec[1] : -1;
        return;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    uint32_t cnt = pcre2_get_ovector_count(m->md);
    if (g >= cnt || ov[2 * g] == PCRE2_UNSET) {
        *start = *end = -1;
        return;
    }
    *start = (int32_t)ov[2 * g];
    *end = (int32_t)ov[2 * g + 1];
}

/* ---- replacement ------------------------------------------------------------------------ */

static int add_part(weir_arena *a, weir_repl *r, int *cap, int32_t group, const char *lit,
                    int32_t len)
{
    if (group < 0 && len == 0) return WEIR_OK;
    if (group < 0 && r->nparts > 0 && r->parts[r->nparts - 1].group < 0 &&
        r->parts[r->nparts - 1].lit + r->parts[r->nparts - 1].len == lit) {
        r->parts[r->nparts - 1].len += len; /* extend the adjacent literal */
        return WEIR_OK;
    }
    if (r->nparts == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        weir_repl_part *np =
            weir_arena_realloc(a, r->parts, sizeof(*np) * (size_t)*cap, sizeof(*np) * (size_t)nc);
        if (!np) return WEIR_ENOMEM;
        r->parts = np;
        *cap = nc;
    }
    r->parts[r->nparts++] = (weir_repl_part){group, lit, len};
    return WEIR_OK;
}

int weir_repl_parse(weir_arena *a, const weir_regex *re, const char *r, int32_t n, weir_repl *out,
                    const char **errmsg)
{
    memset(out, 0, sizeof(*out));
    int cap = 0, rc;
    /* Literal bytes are copied so that escapes can be dropped. */
    char *buf = weir_arena_alloc(a, (size_t)n + 1);
    if (!buf) return WEIR_ENOMEM;
    int32_t bl = 0, lit_start = 0;
    int32_t i = 0;
    out->simple = true;
#define FLUSH()                                                                                    \
    do {                                                                                           \
        if ((rc = add_part(a, out, &cap, -1, buf + lit_start, bl - lit_start)) != WEIR_OK)         \
            return rc;                                                                             \
        lit_start = bl;                                                                            \
    } while (0)
    while (i < n) {
        char c = r[i];
        if (c == '\\') {
            if (i + 1 >= n) {
                *errmsg = "character to be escaped is missing";
                return WEIR_ERUNTIME;
            }
            buf[bl++] = r[i + 1];
            i += 2;
            continue;
        }
        if (c != '$') {
            buf[bl++] = c;
            i++;
            continue;
        }
        i++;
        if (i >= n) {
            *errmsg = "Illegal group reference: group index is missing";
            return WEIR_ERUNTIME;
        }
        int32_t group;
        if (r[i] == '{') {
            int32_t j = i + 1;
            while (j < n && ((r[j] >= 'a' && r[j] <= 'z') || (r[j] >= 'A' && r[j] <= 'Z') ||
                             (r[j] >= '0' && r[j] <= '9')))
                j++;
            if (j == i + 1) {
                *errmsg = "named capturing group has 0 length name";
                return WEIR_ERUNTIME;
            }
            if (j >= n || r[j] != '}') {
                *errmsg = "named capturing group is missing trailing '}'";
                return WEIR_ERUNTIME;
            }
            char *name = weir_arena_strndup(a, r + i + 1, (size_t)(j - i - 1));
            if (!name) return WEIR_ENOMEM;
            int num = re->literal ? PCRE2_ERROR_NOSUBSTRING
                                  : pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
            if (num < 0) {
                *errmsg = weir_arena_sprintf(a, "No group with name {%s}", name);
                if (!*errmsg) *errmsg = "No group with name";
                return WEIR_ERUNTIME;
            }
            group = num;
            i = j + 1;
        } else {
            if (r[i] < '0' || r[i] > '9') {
                *errmsg = "Illegal group reference";
                return WEIR_ERUNTIME;
            }
            group = r[i] - '0';
            if ((uint32_t)group > re->ngroups) {
                *errmsg = weir_arena_sprintf(a, "No group %d", group);
                if (!*errmsg) *errmsg = "No group";
                return WEIR_ERUNTIME;
            }
            i++;
            while (i < n && r[i] >= '0' && r[i] <= '9') {
                int32_t g2 = group * 10 + (r[i] - '0');
                if ((uint32_t)g2 > re->ngroups) break;
                group = g2;
                i++;
            }
        }
        FLUSH();
        if ((rc = add_part(a, out, &cap, group, NULL, 0)) != WEIR_OK) return rc;
        out->simple = false;
    }
    FLUSH();
#undef FLUSH
    return WEIR_OK;
}
