/*
 * Expression grammar of Spark SQL 3.5 (SqlBaseParser.g4 booleanExpression / predicate /
 * valueExpression / primaryExpression), hand-written so that keywords can be column names
 * (timestamp, window, count, key, value, end, ...) the way Spark's default mode allows.
 * Operator precedence, loosest first: OR, AND, NOT, predicates (BETWEEN / IN / LIKE / IS),
 * comparisons, |, ^, &, + - ||, * / % DIV, unary - + ~, postfix [i] .field ::type.
 * Literals keep their text so the binder can type them as Spark does; interval literals are
 * evaluated here (Spark also folds them in the parser).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"

#define US_PER_SEC  INT64_C(1000000)
#define US_PER_MIN  (60 * US_PER_SEC)
#define US_PER_HOUR (60 * US_PER_MIN)
#define US_PER_DAY  (24 * US_PER_HOUR)

static weir_ast_expr *parse_or(weir_parser *p);
static weir_ast_expr *parse_unary(weir_parser *p);

/* ---- node helpers ------------------------------------------------------------------- */

weir_ast_expr *weir_wp_new_expr(weir_parser *p, weir_ast_expr_kind kind, int tok_index)
{
    weir_ast_expr *e = weir_wp_alloc(p, sizeof *e);
    if (!e) return NULL;
    const weir_token *t = &p->t[tok_index];
    e->kind = kind;
    e->line = t->line;
    e->pos = t->pos;
    e->start = t->start;
    e->end = t->end;
    return e;
}

void weir_wp_finish(weir_parser *p, weir_ast_expr *e)
{
    if (e && p->i > 0) e->end = p->t[p->i - 1].end;
}

static int add_arg(weir_parser *p, weir_ast_expr *e, weir_ast_expr *arg, int *cap)
{
    return weir_wp_push(p, &e->args, &e->nargs, cap, sizeof arg, &arg);
}

static weir_ast_expr *make_n(weir_parser *p, weir_ast_expr_kind kind, weir_ast_op op, int s,
                             int nargs, weir_ast_expr *a0, weir_ast_expr *a1, weir_ast_expr *a2)
{
    weir_ast_expr *e = weir_wp_new_expr(p, kind, s);
    if (!e) return NULL;
    e->op = op;
    e->args = weir_wp_alloc(p, sizeof(weir_ast_expr *) * 3);
    if (!e->args) return NULL;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
    e->nargs = nargs;
    weir_wp_finish(p, e);
    return e;
}

static weir_ast_expr *lit(weir_parser *p, weir_ast_lit_kind k, int s)
{
    weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_LITERAL, s);
    if (!e) return NULL;
    e->lit.kind = k;
    return e;
}

static bool is_number_tok(weir_tok_kind k)
{
    return k >= WEIR_TK_INTEGER && k <= WEIR_TK_BIGDECIMAL;
}

static bool kw_in(const weir_token *t, const char *const *kws)
{
    for (; *kws; kws++)
        if (weir_tok_is_kw(t, *kws)) return true;
    return false;
}

static int unsupported(weir_parser *p, int tok, const char *what)
{
    return weir_wp_error_at_tok(p, WEIR_EUNSUPPORTED, tok, "%s are not supported yet.", what);
}

/* ---- literals ----------------------------------------------------------------------- */

/* Numeric literal at the current token; neg: a '-' token was consumed before (index s). */
static weir_ast_expr *number_lit(weir_parser *p, int s, bool neg)
{
    const weir_token *t = wp_cur(p);
    weir_ast_lit_kind k;
    switch (t->kind) {
    case WEIR_TK_INTEGER: k = WEIR_LIT_INTEGER; break;
    case WEIR_TK_BIGINT: k = WEIR_LIT_BIGINT; break;
    case WEIR_TK_SMALLINT: k = WEIR_LIT_SMALLINT; break;
    case WEIR_TK_TINYINT: k = WEIR_LIT_TINYINT; break;
    case WEIR_TK_DECIMAL:
    case WEIR_TK_BIGDECIMAL: k = WEIR_LIT_DECIMAL; break;
    case WEIR_TK_FLOAT: k = WEIR_LIT_FLOAT; break;
    default: k = WEIR_LIT_DOUBLE; break; /* EXPONENT, DOUBLE */
    }
    weir_ast_expr *e = lit(p, k, s);
    if (!e) return NULL;
    if (neg) {
        char *txt = weir_wp_alloc(p, (size_t)t->vlen + 2);
        if (!txt) return NULL;
        txt[0] = '-';
        memcpy(txt + 1, t->val, (size_t)t->vlen);
        e->lit.text = txt;
    } else {
        e->lit.text = t->val;
    }
    p->i++;
    weir_wp_finish(p, e);
    return e;
}

weir_ast_expr *weir_wp_string_lit(weir_parser *p)
{
    int s = p->i;
    if (!wp_is(p, WEIR_TK_STRING)) {
        weir_wp_syntax_error(p);
        return NULL;
    }
    size_t total = 0;
    int j = p->i;
    while (p->t[j].kind == WEIR_TK_STRING)
        total += (size_t)p->t[j++].vlen;
    weir_ast_expr *e = lit(p, WEIR_LIT_STRING, s);
    if (!e) return NULL;
    if (j == p->i + 1) {
        e->lit.str = p->t[p->i].val;
    } else {
        char *buf = weir_wp_alloc(p, total + 1);
        if (!buf) return NULL;
        size_t off = 0;
        for (int k = p->i; k < j; k++) {
            memcpy(buf + off, p->t[k].val, (size_t)p->t[k].vlen);
            off += (size_t)p->t[k].vlen;
        }
        e->lit.str = buf;
    }
    e->lit.len = (int32_t)total;
    p->i = j;
    weir_wp_finish(p, e);
    return e;
}

/* DATE 'x', TIMESTAMP 'x', X'0AFF', ... at the type word (index s). */
static weir_ast_expr *typed_lit(weir_parser *p)
{
    int s = p->i;
    const weir_token *t = wp_cur(p);
    const weir_token *v = wp_peek(p, 1);
    weir_ast_lit_kind k;
    if (weir_tok_is_kw(t, "DATE"))
        k = WEIR_LIT_DATE;
    else if (weir_tok_is_kw(t, "TIMESTAMP") || weir_tok_is_kw(t, "TIMESTAMP_LTZ"))
        k = WEIR_LIT_TIMESTAMP;
    else if (weir_tok_is_kw(t, "X"))
        k = WEIR_LIT_BINARY;
    else if (weir_tok_is_kw(t, "TIMESTAMP_NTZ")) {
        unsupported(p, s, "TIMESTAMP_NTZ literals");
        return NULL;
    } else {
        char up[64];
        size_t n = strlen(t->val);
        if (n >= sizeof up) n = sizeof up - 1;
        for (size_t i = 0; i < n; i++)
            up[i] = (char)toupper((unsigned char)t->val[i]);
        up[n] = '\0';
        weir_wp_error_at_tok(p, WEIR_EPARSE, s,
                             "[UNSUPPORTED_TYPED_LITERAL] Literals of the type \"%s\" are not "
                             "supported. Supported types are \"DATE\", \"TIMESTAMP_NTZ\", "
                             "\"TIMESTAMP_LTZ\", \"TIMESTAMP\", \"INTERVAL\", \"X\".",
                             up);
        return NULL;
    }
    weir_ast_expr *e = lit(p, k, s);
    if (!e) return NULL;
    if (k == WEIR_LIT_BINARY) {
        /* hex digits, an odd count padded with a leading 0 as Spark does */
        int n = v->vlen;
        char *out = weir_wp_alloc(p, (size_t)(n + 1) / 2 + 1);
        if (!out) return NULL;
        int o = 0, acc = 0, half = n % 2; /* half: a high nibble 0 is already pending */
        for (int i = 0; i < n; i++) {
            int c = (unsigned char)v->val[i], h;
            if (c >= '0' && c <= '9')
                h = c - '0';
            else if (c >= 'a' && c <= 'f')
                h = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                h = c - 'A' + 10;
            else {
                weir_wp_error_at_tok(p, WEIR_EPARSE, s,
                                     "[INVALID_TYPED_LITERAL] The value of the typed literal "
                                     "\"X\" is invalid: '%s'.",
                                     v->val);
                return NULL;
            }
            if (half) {
                out[o++] = (char)(acc * 16 + h);
                half = 0;
            } else {
                acc = h;
                half = 1;
            }
        }
        out[o] = '\0';
        e->lit.str = out;
        e->lit.len = o;
    } else {
        e->lit.str = v->val;
        e->lit.len = v->vlen;
    }
    p->i += 2;
    weir_wp_finish(p, e);
    return e;
}

/* ---- intervals ---------------------------------------------------------------------- */

typedef enum iunit {
    IU_NANO,
    IU_MICRO,
    IU_MILLI,
    IU_SECOND,
    IU_MINUTE,
    IU_HOUR,
    IU_DAY,
    IU_WEEK,
    IU_MONTH,
    IU_YEAR,
    IU_NONE
} iunit;

static iunit unit_of(const char *w, size_t n)
{
    static const struct {
        const char *name;
        iunit u;
    } units[] = {{"NANOSECOND", IU_NANO}, {"MICROSECOND", IU_MICRO}, {"MILLISECOND", IU_MILLI},
                 {"SECOND", IU_SECOND},   {"MINUTE", IU_MINUTE},     {"HOUR", IU_HOUR},
                 {"DAY", IU_DAY},         {"WEEK", IU_WEEK},         {"MONTH", IU_MONTH},
                 {"YEAR", IU_YEAR}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t l = strlen(units[i].name);
        if ((n == l || (n == l + 1 && (w[l] == 's' || w[l] == 'S'))) &&
            strncasecmp(w, units[i].name, l) == 0)
            return units[i].u;
    }
    return IU_NONE;
}

static iunit tok_unit(const weir_token *t)
{
    if (t->kind != WEIR_TK_IDENT) return IU_NONE;
    return unit_of(t->val, (size_t)t->vlen);
}

static weir_interval_unit field_of(iunit u)
{
    switch (u) {
    case IU_WEEK:
    case IU_DAY: return WEIR_IU_DAY;
    case IU_HOUR: return WEIR_IU_HOUR;
    case IU_MINUTE: return WEIR_IU_MINUTE;
    default: return WEIR_IU_SECOND;
    }
}

/* Accumulates "value unit" into *acc. The value is [+-]digits[.digits]; only seconds may
 * have a fraction (as Spark's stringToInterval). Returns false when invalid / overflowing. */
static bool add_unit_value(const char *v, size_t n, bool neg, iunit u, int64_t *acc)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)v[i]))
        i++;
    while (n > i && isspace((unsigned char)v[n - 1]))
        n--;
    if (i < n && (v[i] == '+' || v[i] == '-')) {
        if (v[i] == '-') neg = !neg;
        i++;
    }
    if (i >= n) return false;
    int64_t whole = 0;
    bool digits = false;
    while (i < n && isdigit((unsigned char)v[i])) {
        if (__builtin_mul_overflow(whole, 10, &whole) ||
            __builtin_add_overflow(whole, v[i] - '0', &whole))
            return false;
        digits = true;
        i++;
    }
    int64_t frac_us = 0;
    bool has_frac = false;
    if (i < n && v[i] == '.') {
        has_frac = true;
        i++;
        int nd = 0;
        int64_t nanos = 0;
        while (i < n && isdigit((unsigned char)v[i])) {
            if (nd >= 9) return false; /* nanosecond precision at most */
            nanos = nanos * 10 + (v[i] - '0');
            nd++;
            i++;
            digits = true;
        }
        for (; nd < 9; nd++)
            nanos *= 10;
        frac_us = nanos / 1000;
    }
    if (i != n || !digits) return false;
    if (has_frac && u != IU_SECOND) return false;
    int64_t mul;
    switch (u) {
    case IU_NANO: mul = 0; break;
    case IU_MICRO: mul = 1; break;
    case IU_MILLI: mul = 1000; break;
    case IU_SECOND: mul = US_PER_SEC; break;
    case IU_MINUTE: mul = US_PER_MIN; break;
    case IU_HOUR: mul = US_PER_HOUR; break;
    case IU_DAY: mul = US_PER_DAY; break;
    case IU_WEEK: mul = 7 * US_PER_DAY; break;
    default: return false;
    }
    int64_t us;
    if (u == IU_NANO)
        us = whole / 1000;
    else if (__builtin_mul_overflow(whole, mul, &us))
        return false;
    if (__builtin_add_overflow(us, frac_us, &us)) return false;
    if (neg) us = -us;
    return !__builtin_add_overflow(*acc, us, acc);
}

/* Unit-to-unit string: '[+|-]d h:m:s.f' shapes of Spark's ANSI day-time parsing. */
static bool day_time_string(const char *v, size_t n, iunit from, iunit to, int64_t *out)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)v[i]))
        i++;
    while (n > i && isspace((unsigned char)v[n - 1]))
        n--;
    bool neg = false;
    if (i < n && (v[i] == '+' || v[i] == '-')) {
        neg = v[i] == '-';
        i++;
    }
    static const iunit order[] = {IU_DAY, IU_HOUR, IU_MINUTE, IU_SECOND};
    static const char seps[] = {' ', ':', ':'};
    static const int64_t mul[] = {US_PER_DAY, US_PER_HOUR, US_PER_MIN, US_PER_SEC};
    static const int64_t maxv[] = {0, 23, 59, 59};
    int fi = 0, ti = 0;
    for (int k = 0; k < 4; k++) {
        if (order[k] == from) fi = k;
        if (order[k] == to) ti = k;
    }
    int64_t total = 0;
    for (int k = fi; k <= ti; k++) {
        if (k > fi) {
            if (i >= n || v[i] != seps[k - 1]) return false;
            i++;
        }
        int64_t x = 0;
        int nd = 0;
        while (i < n && isdigit((unsigned char)v[i])) {
            if (__builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, v[i] - '0', &x))
                return false;
            i++;
            nd++;
        }
        if (nd == 0 || (k > fi && (nd > 2 || x > maxv[k]))) return false;
        int64_t part;
        if (__builtin_mul_overflow(x, mul[k], &part) || __builtin_add_overflow(total, part, &total))
            return false;
        if (k == 3 && i < n && v[i] == '.') {
            i++;
            int64_t nanos = 0;
            int fd = 0;
            while (i < n && isdigit((unsigned char)v[i])) {
                if (fd >= 9) return false;
                nanos = nanos * 10 + (v[i] - '0');
                fd++;
                i++;
            }
            for (; fd < 9; fd++)
                nanos *= 10;
            total += nanos / 1000;
        }
    }
    if (i != n) return false;
    *out = neg ? -total : total;
    return true;
}

static int interval_error(weir_parser *p, int s)
{
    const weir_token *t0 = &p->t[s];
    int end = p->t[p->i > s ? p->i - 1 : s].end;
    return weir_wp_error_at_tok(p, WEIR_EPARSE, s, "Cannot parse the INTERVAL value: %.*s",
                                end - t0->start, p->src + t0->start);
}

static int ym_error(weir_parser *p, int tok)
{
    return weir_wp_error_at_tok(p, WEIR_EUNSUPPORTED, tok,
                                "year-month intervals are not supported yet");
}

/* INTERVAL 'n unit [n unit ...]' : the string form (Spark parses it with stringToInterval). */
static int interval_from_string(weir_parser *p, int s, const char *v, size_t n, int64_t *us,
                                weir_interval_unit *from, weir_interval_unit *to)
{
    size_t i = 0;
    int pairs = 0;
    *us = 0;
    int lo = 99, hi = -1;
    while (i < n && isspace((unsigned char)v[i]))
        i++;
    if (n - i >= 8 && strncasecmp(v + i, "interval", 8) == 0 &&
        (n - i == 8 || isspace((unsigned char)v[i + 8]))) {
        i += 8;
    }
    for (;;) {
        while (i < n && isspace((unsigned char)v[i]))
            i++;
        if (i >= n) break;
        size_t vs = i;
        while (i < n && !isspace((unsigned char)v[i]) && !isalpha((unsigned char)v[i]))
            i++;
        size_t ve = i;
        while (i < n && isspace((unsigned char)v[i]))
            i++;
        size_t us0 = i;
        while (i < n && isalpha((unsigned char)v[i]))
            i++;
        iunit u = unit_of(v + us0, i - us0);
        if (u == IU_MONTH || u == IU_YEAR) return ym_error(p, s);
        if (ve == vs || u == IU_NONE || !add_unit_value(v + vs, ve - vs, false, u, us))
            return interval_error(p, s);
        int f = (int)field_of(u);
        if (f < lo) lo = f;
        if (f > hi) hi = f;
        pairs++;
    }
    if (pairs == 0) return interval_error(p, s);
    *from = (weir_interval_unit)lo;
    *to = (weir_interval_unit)hi;
    return 0;
}

/* True when an interval "value unit" pair starts at token offset k. */
static bool pair_at(const weir_parser *p, int k)
{
    const weir_token *t = wp_peek(p, k);
    if (t->kind == WEIR_TK_PLUS || t->kind == WEIR_TK_MINUS) t = wp_peek(p, ++k);
    if (t->kind != WEIR_TK_INTEGER && t->kind != WEIR_TK_DECIMAL && t->kind != WEIR_TK_STRING)
        return false;
    return tok_unit(wp_peek(p, k + 1)) != IU_NONE;
}

weir_ast_expr *weir_wp_interval(weir_parser *p)
{
    int s = p->i - 1; /* the INTERVAL keyword */
    weir_ast_expr *e = lit(p, WEIR_LIT_INTERVAL, s);
    if (!e) return NULL;
    if (wp_is(p, WEIR_TK_STRING) && !pair_at(p, 0)) {
        const weir_token *t = wp_cur(p);
        p->i++;
        if (interval_from_string(p, s, t->val, (size_t)t->vlen, &e->lit.interval_us,
                                 &e->lit.iv_from, &e->lit.iv_to))
            return NULL;
        weir_wp_finish(p, e);
        return e;
    }
    if (!pair_at(p, 0)) {
        /* INTERVAL followed by a value without a unit, or nothing usable */
        const weir_token *t = wp_cur(p);
        if (t->kind == WEIR_TK_PLUS || t->kind == WEIR_TK_MINUS) p->i++;
        if (wp_is(p, WEIR_TK_INTEGER) || wp_is(p, WEIR_TK_DECIMAL) || wp_is(p, WEIR_TK_STRING))
            p->i++;
        weir_wp_syntax_error(p);
        return NULL;
    }
    int64_t total = 0;
    int lo = 99, hi = -1, npairs = 0;
    while (pair_at(p, 0)) {
        bool neg = false;
        if (wp_is(p, WEIR_TK_PLUS) || wp_is(p, WEIR_TK_MINUS)) {
            neg = wp_is(p, WEIR_TK_MINUS);
            p->i++;
        }
        const weir_token *v = wp_cur(p);
        int unit_tok = p->i + 1;
        iunit u = tok_unit(&p->t[unit_tok]);
        p->i += 2;
        if (npairs == 0 && wp_kw(p, "TO")) {
            /* unit TO unit */
            p->i++;
            const weir_token *tt = wp_cur(p);
            iunit u2 = tok_unit(tt);
            if (u == IU_YEAR || u == IU_MONTH) {
                ym_error(p, unit_tok);
                return NULL;
            }
            if (u2 == IU_NONE) {
                weir_wp_syntax_error(p);
                return NULL;
            }
            p->i++;
            if (u2 == IU_YEAR || u2 == IU_MONTH) {
                ym_error(p, unit_tok);
                return NULL;
            }
            bool okpair = (u == IU_DAY || u == IU_HOUR || u == IU_MINUTE) &&
                          (u2 == IU_HOUR || u2 == IU_MINUTE || u2 == IU_SECOND) && u2 < u;
            if (!okpair || v->kind != WEIR_TK_STRING) {
                interval_error(p, s);
                return NULL;
            }
            int64_t us;
            if (!day_time_string(v->val, (size_t)v->vlen, u, u2, &us)) {
                interval_error(p, s);
                return NULL;
            }
            e->lit.interval_us = neg ? -us : us;
            e->lit.iv_from = field_of(u);
            e->lit.iv_to = field_of(u2);
            weir_wp_finish(p, e);
            return e;
        }
        if (u == IU_YEAR || u == IU_MONTH) {
            ym_error(p, unit_tok);
            return NULL;
        }
        if (v->kind == WEIR_TK_STRING) {
            /* Spark rejects letters inside a quoted value ('1 day' HOUR) */
            for (int k = 0; k < v->vlen; k++)
                if (isalpha((unsigned char)v->val[k])) {
                    interval_error(p, s);
                    return NULL;
                }
        }
        if (!add_unit_value(v->val, (size_t)v->vlen, neg, u, &total)) {
            interval_error(p, s);
            return NULL;
        }
        int f = (int)field_of(u);
        if (f < lo) lo = f;
        if (f > hi) hi = f;
        npairs++;
    }
    e->lit.interval_us = total;
    e->lit.iv_from = (weir_interval_unit)lo;
    e->lit.iv_to = (weir_interval_unit)hi;
    weir_wp_finish(p, e);
    return e;
}

/* ---- primary expressions ------------------------------------------------------------ */

weir_ast_expr *weir_wp_column_ref(weir_parser *p)
{
    int s = p->i;
    if (!wp_identlike(wp_cur(p))) {
        weir_wp_syntax_error(p);
        return NULL;
    }
    weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_COLUMN, s);
    if (!e) return NULL;
    int cap = 0;
    for (;;) {
        const char *name = weir_wp_ident(wp_cur(p));
        if (weir_wp_push(p, &e->parts, &e->nparts, &cap, sizeof name, &name)) return NULL;
        p->i++;
        if (wp_is(p, WEIR_TK_DOT) && wp_identlike(wp_peek(p, 1))) {
            p->i++;
            continue;
        }
        break;
    }
    weir_wp_finish(p, e);
    return e;
}

static const char *const DT_UNITS[] = {"YEAR",   "QUARTER",     "MONTH",       "WEEK",
                                       "DAY",    "DAYOFYEAR",   "HOUR",        "MINUTE",
                                       "SECOND", "MILLISECOND", "MICROSECOND", NULL};

/* Arguments of a call after '(' (already consumed); first, when not NULL, is an argument
 * already parsed. Handles DISTINCT, named arguments, SUBSTRING's FROM/FOR, FIRST/LAST's
 * IGNORE NULLS, and the OVER / FILTER / WITHIN GROUP suffixes Spark allows. */
static weir_ast_expr *call_rest(weir_parser *p, weir_ast_expr *e, weir_ast_expr *first)
{
    int cap = 0;
    bool substr = !strcasecmp(e->name, "substring") || !strcasecmp(e->name, "substr");
    bool first_like = !strcasecmp(e->name, "first") || !strcasecmp(e->name, "last") ||
                      !strcasecmp(e->name, "any_value");
    bool ignore_nulls = false;
    if (first) {
        if (add_arg(p, e, first, &cap)) return NULL;
        goto separator;
    }
    if (wp_is(p, WEIR_TK_RPAREN)) goto close;
    if (!strcasecmp(e->name, "timestampadd") || !strcasecmp(e->name, "dateadd") ||
        !strcasecmp(e->name, "date_add") || !strcasecmp(e->name, "timestampdiff") ||
        !strcasecmp(e->name, "datediff") || !strcasecmp(e->name, "date_diff") ||
        !strcasecmp(e->name, "timediff")) {
        /* TIMESTAMPADD(unit, n, ts): the unit keyword becomes an upper-case string */
        if (kw_in(wp_cur(p), DT_UNITS) && wp_peek(p, 1)->kind == WEIR_TK_COMMA) {
            weir_ast_expr *u = lit(p, WEIR_LIT_STRING, p->i);
            if (!u) return NULL;
            const weir_token *t = wp_cur(p);
            char *up = weir_wp_strndup(p, t->val, (size_t)t->vlen);
            if (!up) return NULL;
            for (char *c = up; *c; c++)
                *c = (char)toupper((unsigned char)*c);
            u->lit.str = up;
            u->lit.len = t->vlen;
            p->i++;
            weir_wp_finish(p, u);
            if (add_arg(p, e, u, &cap)) return NULL;
            goto separator;
        }
    }
    if ((wp_kw(p, "DISTINCT") || wp_kw(p, "ALL")) && wp_peek(p, 1)->kind != WEIR_TK_COMMA &&
        wp_peek(p, 1)->kind != WEIR_TK_RPAREN) {
        e->distinct = wp_kw(p, "DISTINCT");
        p->i++;
    }
    for (;;) {
        weir_ast_expr *arg;
        if (wp_identlike(wp_cur(p)) && wp_peek(p, 1)->kind == WEIR_TK_FATARROW) {
            arg = weir_wp_new_expr(p, WEIR_AST_NAMED_ARG, p->i);
            if (!arg) return NULL;
            arg->name = weir_wp_ident(wp_cur(p));
            p->i += 2;
            weir_ast_expr *v = weir_wp_expr(p);
            if (!v) return NULL;
            arg->args = weir_wp_alloc(p, sizeof(weir_ast_expr *));
            if (!arg->args) return NULL;
            arg->args[0] = v;
            arg->nargs = 1;
            weir_wp_finish(p, arg);
        } else {
            arg = weir_wp_expr(p);
            if (!arg) return NULL;
        }
        if (add_arg(p, e, arg, &cap)) return NULL;
        if (first_like && wp_kw(p, "IGNORE") && wp_kw_at(p, 1, "NULLS")) {
            p->i += 2;
            ignore_nulls = true;
        } else if (first_like && wp_kw(p, "RESPECT") && wp_kw_at(p, 1, "NULLS")) {
            p->i += 2;
        }
    separator:
        if (weir_wp_accept(p, WEIR_TK_COMMA)) continue;
        if (substr && e->nargs == 1 && weir_wp_accept_kw(p, "FROM")) continue;
        if (substr && e->nargs == 2 && weir_wp_accept_kw(p, "FOR")) continue;
        break;
    }
close:
    if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
    if (wp_kw(p, "WITHIN") && wp_kw_at(p, 1, "GROUP")) {
        unsupported(p, p->i, "WITHIN GROUP clauses");
        return NULL;
    }
    if (wp_kw(p, "FILTER") && wp_peek(p, 1)->kind == WEIR_TK_LPAREN) {
        unsupported(p, p->i, "FILTER clauses of aggregate functions");
        return NULL;
    }
    if ((wp_kw(p, "IGNORE") || wp_kw(p, "RESPECT")) && wp_kw_at(p, 1, "NULLS")) {
        if (wp_kw(p, "IGNORE")) {
            if (!first_like) {
                unsupported(p, p->i, "IGNORE NULLS options of this function");
                return NULL;
            }
            ignore_nulls = true;
        }
        p->i += 2;
    }
    if (wp_kw(p, "OVER") && (wp_peek(p, 1)->kind == WEIR_TK_LPAREN ||
                             (wp_identlike(wp_peek(p, 1)) && !weir_wp_is_clause_word(p, 1)))) {
        unsupported(p, p->i, "Window functions (OVER)");
        return NULL;
    }
    if (ignore_nulls) {
        weir_ast_expr *t = lit(p, WEIR_LIT_BOOL, p->i - 1);
        if (!t) return NULL;
        t->lit.b = true;
        if (add_arg(p, e, t, &cap)) return NULL;
    }
    weir_wp_finish(p, e);
    return e;
}

/* name ( ... ) where the name token(s) start at s and p->i is at '('. */
static weir_ast_expr *func_call(weir_parser *p, int s, const char *name)
{
    weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_FUNC, s);
    if (!e) return NULL;
    e->name = name;
    p->i++; /* ( */
    const weir_token *nt = &p->t[s];
    bool single = p->i - 1 == s + 1 && nt->kind == WEIR_TK_IDENT;
    if (single && weir_tok_is_kw(nt, "EXTRACT") && wp_identlike(wp_cur(p)) &&
        wp_kw_at(p, 1, "FROM")) {
        /* EXTRACT(field FROM source) -> extract('field', source), as Spark builds it */
        weir_ast_expr *f = lit(p, WEIR_LIT_STRING, p->i);
        if (!f) return NULL;
        f->lit.str = weir_wp_ident(wp_cur(p));
        f->lit.len = (int32_t)strlen(f->lit.str);
        p->i += 2;
        weir_wp_finish(p, f);
        weir_ast_expr *src = weir_wp_value_expr(p);
        if (!src) return NULL;
        int cap = 0;
        if (add_arg(p, e, f, &cap) || add_arg(p, e, src, &cap)) return NULL;
        if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
        weir_wp_finish(p, e);
        return e;
    }
    if (single && weir_tok_is_kw(nt, "POSITION") && !wp_is(p, WEIR_TK_RPAREN)) {
        weir_ast_expr *a0 = weir_wp_value_expr(p);
        if (!a0) return NULL;
        if (weir_wp_accept_kw(p, "IN")) {
            weir_ast_expr *a1 = weir_wp_value_expr(p);
            if (!a1) return NULL;
            int cap = 0;
            if (add_arg(p, e, a0, &cap) || add_arg(p, e, a1, &cap)) return NULL;
            if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
            weir_wp_finish(p, e);
            return e;
        }
        return call_rest(p, e, a0);
    }
    if (single && weir_tok_is_kw(nt, "TRIM")) {
        /* TRIM([BOTH | LEADING | TRAILING] [trimStr] FROM str) */
        int opt = 0;
        if ((wp_kw(p, "BOTH") || wp_kw(p, "LEADING") || wp_kw(p, "TRAILING")) &&
            wp_peek(p, 1)->kind != WEIR_TK_COMMA && wp_peek(p, 1)->kind != WEIR_TK_RPAREN) {
            opt = wp_kw(p, "BOTH") ? 1 : wp_kw(p, "LEADING") ? 2 : 3;
            p->i++;
        }
        weir_ast_expr *trim_str = NULL, *src = NULL;
        if (!weir_wp_accept_kw(p, "FROM")) {
            if (!opt && wp_is(p, WEIR_TK_RPAREN)) return call_rest(p, e, NULL);
            trim_str = weir_wp_value_expr(p);
            if (!trim_str) return NULL;
            if (!weir_wp_accept_kw(p, "FROM")) {
                if (opt) {
                    weir_wp_syntax_error(p);
                    return NULL;
                }
                return call_rest(p, e, trim_str);
            }
        }
        src = weir_wp_value_expr(p);
        if (!src) return NULL;
        if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
        e->name = opt == 2 ? "ltrim" : opt == 3 ? "rtrim" : "trim";
        int cap = 0;
        if (trim_str && add_arg(p, e, trim_str, &cap)) return NULL;
        if (add_arg(p, e, src, &cap)) return NULL;
        weir_wp_finish(p, e);
        return e;
    }
    return call_rest(p, e, NULL);
}

/* CASE ... END at the CASE keyword. */
static weir_ast_expr *case_expr(weir_parser *p)
{
    weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_CASE, p->i);
    if (!e) return NULL;
    p->i++;
    if (!wp_kw(p, "WHEN")) {
        weir_ast_expr *op = weir_wp_expr(p);
        if (!op) return NULL;
        e->args = weir_wp_alloc(p, sizeof(weir_ast_expr *));
        if (!e->args) return NULL;
        e->args[0] = op;
        e->nargs = 1;
    }
    int capw = 0, capt = 0, nthen = 0;
    while (weir_wp_accept_kw(p, "WHEN")) {
        weir_ast_expr *w = weir_wp_expr(p);
        if (!w) return NULL;
        if (weir_wp_expect_kw(p, "THEN")) return NULL;
        weir_ast_expr *t = weir_wp_expr(p);
        if (!t) return NULL;
        if (weir_wp_push(p, &e->case_when, &e->ncase, &capw, sizeof w, &w)) return NULL;
        if (weir_wp_push(p, &e->case_then, &nthen, &capt, sizeof t, &t)) return NULL;
    }
    if (e->ncase == 0) {
        weir_wp_syntax_error(p);
        return NULL;
    }
    if (weir_wp_accept_kw(p, "ELSE")) {
        e->case_else = weir_wp_expr(p);
        if (!e->case_else) return NULL;
    }
    if (weir_wp_expect_kw(p, "END")) return NULL;
    weir_wp_finish(p, e);
    return e;
}

static weir_ast_expr *cast_expr(weir_parser *p)
{
    weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_CAST, p->i);
    if (!e) return NULL;
    e->try_cast = wp_kw(p, "TRY_CAST");
    p->i += 2;
    weir_ast_expr *x = weir_wp_expr(p);
    if (!x) return NULL;
    if (weir_wp_expect_kw(p, "AS")) return NULL;
    e->cast_type = weir_wp_type(p);
    if (!e->cast_type) return NULL;
    if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
    e->args = weir_wp_alloc(p, sizeof(weir_ast_expr *));
    if (!e->args) return NULL;
    e->args[0] = x;
    e->nargs = 1;
    weir_wp_finish(p, e);
    return e;
}

/* ( query ) at '(' when a query certainly or possibly starts there. Returns the query, or
 * NULL: *failed tells whether that is an error (true) or "not a query, try an expression"
 * (false; the position is restored). */
static weir_ast_query *paren_query(weir_parser *p, bool *failed)
{
    int np;
    *failed = false;
    if (!weir_wp_starts_query(p, 1, &np)) return NULL;
    int save = p->i;
    p->i++;
    if (np == 0) {
        weir_ast_query *q = weir_wp_query(p);
        if (!q || weir_wp_expect(p, WEIR_TK_RPAREN)) {
            *failed = true;
            return NULL;
        }
        return q;
    }
    /* '((' ... : a parenthesized query or a parenthesized expression; try the query first */
    weir_error saved = *p->err;
    int saved_tok = p->err_tok;
    weir_ast_query *q = weir_wp_query(p);
    if (q && wp_is(p, WEIR_TK_RPAREN)) {
        p->i++;
        return q;
    }
    if (!q && p->err->code == WEIR_ENOMEM) {
        *failed = true;
        return NULL;
    }
    *p->err = saved;
    p->err_tok = saved_tok;
    p->i = save;
    return NULL;
}

static weir_ast_expr *paren_expr(weir_parser *p, bool *paren)
{
    int s = p->i;
    bool failed;
    weir_ast_query *q = paren_query(p, &failed);
    if (failed) return NULL;
    if (q) {
        weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_SUBQUERY, s);
        if (!e) return NULL;
        e->query = q;
        weir_wp_finish(p, e);
        return e;
    }
    p->i++;
    weir_ast_expr *first = weir_wp_expr(p);
    if (!first) return NULL;
    if (wp_is(p, WEIR_TK_COMMA)) {
        /* (a, b, ...) row constructor: Spark's CreateStruct, i.e. struct(a, b, ...) */
        weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_FUNC, s);
        if (!e) return NULL;
        e->name = "struct";
        int cap = 0;
        if (add_arg(p, e, first, &cap)) return NULL;
        while (weir_wp_accept(p, WEIR_TK_COMMA)) {
            weir_ast_expr *x = weir_wp_expr(p);
            if (!x) return NULL;
            if (add_arg(p, e, x, &cap)) return NULL;
        }
        if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
        if (wp_is(p, WEIR_TK_ARROW)) {
            unsupported(p, s, "Lambda functions");
            return NULL;
        }
        weir_wp_finish(p, e);
        return e;
    }
    if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
    if (wp_is(p, WEIR_TK_ARROW)) {
        unsupported(p, s, "Lambda functions");
        return NULL;
    }
    *paren = true;
    return first;
}

static weir_ast_expr *exists_expr(weir_parser *p, int s)
{
    /* at EXISTS; '(' follows and starts a query */
    weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_EXISTS, s);
    if (!e) return NULL;
    p->i += 2;
    e->query = weir_wp_query(p);
    if (!e->query) return NULL;
    if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
    weir_wp_finish(p, e);
    return e;
}

static bool exists_follows(const weir_parser *p, int k)
{
    int np;
    return weir_tok_is_kw(wp_peek(p, k), "EXISTS") && wp_peek(p, k + 1)->kind == WEIR_TK_LPAREN &&
           weir_wp_starts_query(p, k + 2, &np);
}

/* Primary expression. *paren: the result was written in parentheses; *chain: the result is a
 * COLUMN built only from names, which '.name', '.*' and '(' may still extend. */
static weir_ast_expr *primary(weir_parser *p, bool *paren, bool *chain)
{
    const weir_token *t = wp_cur(p);
    int s = p->i;
    *paren = *chain = false;
    if (is_number_tok(t->kind)) return number_lit(p, s, false);
    switch (t->kind) {
    case WEIR_TK_STRING: return weir_wp_string_lit(p);
    case WEIR_TK_STAR: {
        weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_STAR, s);
        if (!e) return NULL;
        p->i++;
        weir_wp_finish(p, e);
        return e;
    }
    case WEIR_TK_LPAREN: return paren_expr(p, paren);
    case WEIR_TK_QUESTION: unsupported(p, s, "Parameter markers"); return NULL;
    case WEIR_TK_QIDENT: break;
    case WEIR_TK_IDENT: break;
    default: weir_wp_syntax_error(p); return NULL;
    }
    const weir_token *nk = wp_peek(p, 1);
    if (t->kind == WEIR_TK_IDENT) {
        if (weir_tok_is_kw(t, "NULL")) {
            weir_ast_expr *e = lit(p, WEIR_LIT_NULL, s);
            p->i++;
            return e;
        }
        if (weir_tok_is_kw(t, "TRUE") || weir_tok_is_kw(t, "FALSE")) {
            weir_ast_expr *e = lit(p, WEIR_LIT_BOOL, s);
            if (!e) return NULL;
            e->lit.b = weir_tok_is_kw(t, "TRUE");
            p->i++;
            return e;
        }
        if (weir_tok_is_kw(t, "CASE")) return case_expr(p);
        if ((weir_tok_is_kw(t, "CAST") || weir_tok_is_kw(t, "TRY_CAST")) &&
            nk->kind == WEIR_TK_LPAREN)
            return cast_expr(p);
        if (exists_follows(p, 0)) return exists_expr(p, s);
        if (weir_tok_is_kw(t, "INTERVAL") && (nk->kind == WEIR_TK_STRING || pair_at(p, 1))) {
            p->i++;
            return weir_wp_interval(p);
        }
        if (nk->kind == WEIR_TK_STRING && !weir_wp_is_reserved_operand(t)) return typed_lit(p);
        if (nk->kind == WEIR_TK_ARROW) {
            unsupported(p, s, "Lambda functions");
            return NULL;
        }
        if (weir_wp_is_reserved_operand(t)) {
            weir_wp_syntax_error(p);
            return NULL;
        }
    }
    weir_ast_expr *e = weir_wp_new_expr(p, WEIR_AST_COLUMN, s);
    if (!e) return NULL;
    e->parts = weir_wp_alloc(p, sizeof(const char *));
    if (!e->parts) return NULL;
    e->parts[0] = weir_wp_ident(t);
    e->nparts = 1;
    p->i++;
    *chain = true;
    return e;
}

static weir_ast_expr *postfix(weir_parser *p)
{
    int s = p->i;
    bool paren, chain;
    weir_ast_expr *e = primary(p, &paren, &chain);
    if (!e) return NULL;
    int pcap = e->nparts;
    for (;;) {
        if (wp_is(p, WEIR_TK_LBRACKET)) {
            p->i++;
            weir_ast_expr *idx = weir_wp_value_expr(p);
            if (!idx) return NULL;
            if (weir_wp_expect(p, WEIR_TK_RBRACKET)) return NULL;
            e = make_n(p, WEIR_AST_SUBSCRIPT, WEIR_OP_NONE, s, 2, e, idx, NULL);
            if (!e) return NULL;
            chain = paren = false;
        } else if (wp_is(p, WEIR_TK_DOT)) {
            const weir_token *nx = wp_peek(p, 1);
            if (wp_identlike(nx)) {
                const char *name = weir_wp_ident(nx);
                p->i += 2;
                if (chain && !paren) {
                    if (weir_wp_push(p, &e->parts, &e->nparts, &pcap, sizeof name, &name))
                        return NULL;
                    weir_wp_finish(p, e);
                } else {
                    e = make_n(p, WEIR_AST_FIELD, WEIR_OP_NONE, s, 1, e, NULL, NULL);
                    if (!e) return NULL;
                    e->name = name;
                    chain = paren = false;
                }
            } else if (nx->kind == WEIR_TK_STAR && chain && !paren) {
                p->i += 2;
                e->kind = WEIR_AST_STAR;
                weir_wp_finish(p, e);
                return e;
            } else {
                p->i++;
                weir_wp_syntax_error(p);
                return NULL;
            }
        } else if (wp_is(p, WEIR_TK_DCOLON)) {
            p->i++;
            const weir_type *ty = weir_wp_type(p);
            if (!ty) return NULL;
            e = make_n(p, WEIR_AST_CAST, WEIR_OP_NONE, s, 1, e, NULL, NULL);
            if (!e) return NULL;
            e->cast_type = ty;
            chain = paren = false;
        } else if (wp_is(p, WEIR_TK_LPAREN) && chain && !paren) {
            const char *name = e->parts[0];
            if (e->nparts > 1) {
                size_t len = 0;
                for (int k = 0; k < e->nparts; k++)
                    len += strlen(e->parts[k]) + 1;
                char *buf = weir_wp_alloc(p, len);
                if (!buf) return NULL;
                for (int k = 0; k < e->nparts; k++) {
                    if (k) strcat(buf, ".");
                    strcat(buf, e->parts[k]);
                }
                name = buf;
            }
            e = func_call(p, s, name);
            if (!e) return NULL;
            chain = paren = false;
        } else {
            break;
        }
    }
    return e;
}

static weir_ast_expr *parse_unary(weir_parser *p)
{
    int s = p->i;
    const weir_token *t = wp_cur(p);
    weir_ast_op op = WEIR_OP_NONE;
    if (t->kind == WEIR_TK_MINUS) {
        if (is_number_tok(wp_peek(p, 1)->kind)) {
            /* Spark's number rule: MINUS? INTEGER_VALUE etc. is one literal (-1, not -(1)) */
            p->i++;
            weir_ast_expr *e = number_lit(p, s, true);
            if (!e) return NULL;
            /* postfix operators still apply: -1::string */
            while (wp_is(p, WEIR_TK_DCOLON) || wp_is(p, WEIR_TK_LBRACKET) ||
                   (wp_is(p, WEIR_TK_DOT) && wp_identlike(wp_peek(p, 1)))) {
                if (wp_is(p, WEIR_TK_DCOLON)) {
                    p->i++;
                    const weir_type *ty = weir_wp_type(p);
                    if (!ty) return NULL;
                    e = make_n(p, WEIR_AST_CAST, WEIR_OP_NONE, s, 1, e, NULL, NULL);
                    if (!e) return NULL;
                    e->cast_type = ty;
                } else if (wp_is(p, WEIR_TK_LBRACKET)) {
                    p->i++;
                    weir_ast_expr *idx = weir_wp_value_expr(p);
                    if (!idx || weir_wp_expect(p, WEIR_TK_RBRACKET)) return NULL;
                    e = make_n(p, WEIR_AST_SUBSCRIPT, WEIR_OP_NONE, s, 2, e, idx, NULL);
                    if (!e) return NULL;
                } else {
                    const char *name = weir_wp_ident(wp_peek(p, 1));
                    p->i += 2;
                    e = make_n(p, WEIR_AST_FIELD, WEIR_OP_NONE, s, 1, e, NULL, NULL);
                    if (!e) return NULL;
                    e->name = name;
                }
            }
            return e;
        }
        op = WEIR_OP_NEG;
    } else if (t->kind == WEIR_TK_PLUS) {
        op = WEIR_OP_PLUS;
    } else if (t->kind == WEIR_TK_TILDE) {
        op = WEIR_OP_BITNOT;
    }
    if (op == WEIR_OP_NONE) return postfix(p);
    if (!weir_wp_enter(p)) return NULL;
    p->i++;
    weir_ast_expr *x = parse_unary(p);
    wp_leave(p);
    if (!x) return NULL;
    return make_n(p, WEIR_AST_UNARY, op, s, 1, x, NULL, NULL);
}

/* ---- operators ---------------------------------------------------------------------- */

static int binop(const weir_parser *p, weir_ast_op *op)
{
    const weir_token *t = wp_cur(p);
    switch (t->kind) {
    case WEIR_TK_EQ: *op = WEIR_OP_EQ; return 1;
    case WEIR_TK_NSEQ: *op = WEIR_OP_NSEQ; return 1;
    case WEIR_TK_NEQ: *op = WEIR_OP_NEQ; return 1;
    case WEIR_TK_LT: *op = WEIR_OP_LT; return 1;
    case WEIR_TK_LE: *op = WEIR_OP_LE; return 1;
    case WEIR_TK_GT: *op = WEIR_OP_GT; return 1;
    case WEIR_TK_GE: *op = WEIR_OP_GE; return 1;
    case WEIR_TK_PIPE: *op = WEIR_OP_BITOR; return 2;
    case WEIR_TK_HAT: *op = WEIR_OP_BITXOR; return 3;
    case WEIR_TK_AMP: *op = WEIR_OP_BITAND; return 4;
    case WEIR_TK_PLUS: *op = WEIR_OP_ADD; return 5;
    case WEIR_TK_MINUS: *op = WEIR_OP_SUB; return 5;
    case WEIR_TK_CONCAT: *op = WEIR_OP_CONCAT; return 5;
    case WEIR_TK_STAR: *op = WEIR_OP_MUL; return 6;
    case WEIR_TK_SLASH: *op = WEIR_OP_DIV; return 6;
    case WEIR_TK_PERCENT: *op = WEIR_OP_MOD; return 6;
    case WEIR_TK_IDENT:
        if (weir_tok_is_kw(t, "DIV")) {
            *op = WEIR_OP_IDIV;
            return 6;
        }
        return 0;
    default: return 0;
    }
}

static weir_ast_expr *value_prec(weir_parser *p, int minprec)
{
    int s = p->i;
    weir_ast_expr *l = parse_unary(p);
    if (!l) return NULL;
    for (;;) {
        weir_ast_op op;
        int prec = binop(p, &op);
        if (prec == 0 || prec < minprec) break;
        p->i++;
        if (!weir_wp_enter(p)) return NULL;
        weir_ast_expr *r = value_prec(p, prec + 1);
        wp_leave(p);
        if (!r) return NULL;
        l = make_n(p, WEIR_AST_BINARY, op, s, 2, l, r, NULL);
        if (!l) return NULL;
    }
    return l;
}

weir_ast_expr *weir_wp_value_expr(weir_parser *p)
{
    if (!weir_wp_enter(p)) return NULL;
    weir_ast_expr *e = value_prec(p, 1);
    wp_leave(p);
    return e;
}

/* ---- predicates and boolean operators ------------------------------------------------ */

static const char *const PRED_WORDS[] = {"BETWEEN", "IN", "LIKE", "ILIKE", "RLIKE", "REGEXP", NULL};

static weir_ast_expr *predicated(weir_parser *p)
{
    int s = p->i;
    weir_ast_expr *v = weir_wp_value_expr(p);
    if (!v) return NULL;
    bool negated = false;
    const weir_token *t = wp_cur(p);
    if (t->kind == WEIR_TK_BANG || weir_tok_is_kw(t, "NOT")) {
        if (!kw_in(wp_peek(p, 1), PRED_WORDS)) {
            weir_wp_syntax_error(p);
            return NULL;
        }
        negated = true;
        p->i++;
        t = wp_cur(p);
    }
    weir_ast_expr *e = NULL;
    if (weir_tok_is_kw(t, "BETWEEN")) {
        p->i++;
        weir_ast_expr *lo = weir_wp_value_expr(p);
        if (!lo || weir_wp_expect_kw(p, "AND")) return NULL;
        weir_ast_expr *hi = weir_wp_value_expr(p);
        if (!hi) return NULL;
        e = make_n(p, WEIR_AST_BETWEEN, WEIR_OP_NONE, s, 3, v, lo, hi);
    } else if (weir_tok_is_kw(t, "IN")) {
        p->i++;
        if (!wp_is(p, WEIR_TK_LPAREN)) {
            weir_wp_syntax_error(p);
            return NULL;
        }
        int ps = p->i;
        e = weir_wp_new_expr(p, WEIR_AST_IN, s);
        if (!e) return NULL;
        int cap = 0;
        if (add_arg(p, e, v, &cap)) return NULL;
        bool failed;
        weir_ast_query *q = paren_query(p, &failed);
        if (failed) return NULL;
        if (q) {
            weir_ast_expr *sq = weir_wp_new_expr(p, WEIR_AST_SUBQUERY, ps);
            if (!sq) return NULL;
            sq->query = q;
            weir_wp_finish(p, sq);
            if (add_arg(p, e, sq, &cap)) return NULL;
        } else {
            p->i++;
            do {
                weir_ast_expr *x = weir_wp_expr(p);
                if (!x) return NULL;
                if (add_arg(p, e, x, &cap)) return NULL;
            } while (weir_wp_accept(p, WEIR_TK_COMMA));
            if (weir_wp_expect(p, WEIR_TK_RPAREN)) return NULL;
        }
        weir_wp_finish(p, e);
    } else if (weir_tok_is_kw(t, "LIKE") || weir_tok_is_kw(t, "ILIKE")) {
        weir_ast_op op = weir_tok_is_kw(t, "LIKE") ? WEIR_OP_LIKE : WEIR_OP_ILIKE;
        p->i++;
        if ((wp_kw(p, "ANY") || wp_kw(p, "SOME") || wp_kw(p, "ALL")) &&
            wp_peek(p, 1)->kind == WEIR_TK_LPAREN) {
            unsupported(p, p->i, "LIKE ANY / SOME / ALL predicates");
            return NULL;
        }
        weir_ast_expr *pat = weir_wp_value_expr(p);
        if (!pat) return NULL;
        weir_ast_expr *esc = NULL;
        if (weir_wp_accept_kw(p, "ESCAPE")) {
            esc = weir_wp_string_lit(p);
            if (!esc) return NULL;
        }
        e = make_n(p, WEIR_AST_LIKE, op, s, esc ? 3 : 2, v, pat, esc);
    } else if (weir_tok_is_kw(t, "RLIKE") || weir_tok_is_kw(t, "REGEXP")) {
        p->i++;
        weir_ast_expr *pat = weir_wp_value_expr(p);
        if (!pat) return NULL;
        e = make_n(p, WEIR_AST_LIKE, WEIR_OP_RLIKE, s, 2, v, pat, NULL);
    } else if (weir_tok_is_kw(t, "IS")) {
        int is_tok = p->i;
        p->i++;
        bool neg = false;
        if (wp_kw(p, "NOT") || wp_is(p, WEIR_TK_BANG)) {
            neg = true;
            p->i++;
        }
        if (weir_wp_accept_kw(p, "NULL")) {
            e = make_n(p, WEIR_AST_IS_NULL, WEIR_OP_NONE, s, 1, v, NULL, NULL);
            if (e) e->negated = neg;
        } else if (wp_kw(p, "TRUE") || wp_kw(p, "FALSE") || wp_kw(p, "UNKNOWN")) {
            int bv = wp_kw(p, "TRUE") ? 1 : wp_kw(p, "FALSE") ? 0 : -1;
            p->i++;
            e = make_n(p, WEIR_AST_IS_BOOL, WEIR_OP_NONE, s, 1, v, NULL, NULL);
            if (e) {
                e->negated = neg;
                e->bool_value = bv;
            }
        } else if (wp_kw(p, "DISTINCT") && wp_kw_at(p, 1, "FROM")) {
            p->i += 2;
            weir_ast_expr *r = weir_wp_value_expr(p);
            if (!r) return NULL;
            /* IS [NOT] DISTINCT FROM: NOT (a <=> b) / a <=> b, as Spark rewrites it */
            e = make_n(p, WEIR_AST_BINARY, WEIR_OP_NSEQ, s, 2, v, r, NULL);
            if (e && !neg) e = make_n(p, WEIR_AST_UNARY, WEIR_OP_NOT, s, 1, e, NULL, NULL);
        } else {
            weir_wp_syntax_error_at(p, is_tok, NULL);
            return NULL;
        }
    } else {
        return v;
    }
    if (e && negated) e->negated = true;
    return e;
}

static weir_ast_expr *parse_not(weir_parser *p)
{
    int s = p->i;
    if (wp_kw(p, "NOT") || wp_is(p, WEIR_TK_BANG)) {
        if (exists_follows(p, 1)) {
            p->i++;
            weir_ast_expr *e = exists_expr(p, p->i);
            if (!e) return NULL;
            e->negated = true;
            e->line = p->t[s].line;
            e->pos = p->t[s].pos;
            e->start = p->t[s].start;
            return e;
        }
        if (!weir_wp_enter(p)) return NULL;
        p->i++;
        weir_ast_expr *x = parse_not(p);
        wp_leave(p);
        if (!x) return NULL;
        return make_n(p, WEIR_AST_UNARY, WEIR_OP_NOT, s, 1, x, NULL, NULL);
    }
    if (exists_follows(p, 0)) return exists_expr(p, s);
    return predicated(p);
}

static weir_ast_expr *parse_and(weir_parser *p)
{
    int s = p->i;
    weir_ast_expr *l = parse_not(p);
    while (l && wp_kw(p, "AND")) {
        p->i++;
        weir_ast_expr *r = parse_not(p);
        if (!r) return NULL;
        l = make_n(p, WEIR_AST_BINARY, WEIR_OP_AND, s, 2, l, r, NULL);
    }
    return l;
}

static weir_ast_expr *parse_or(weir_parser *p)
{
    int s = p->i;
    weir_ast_expr *l = parse_and(p);
    while (l && wp_kw(p, "OR")) {
        p->i++;
        weir_ast_expr *r = parse_and(p);
        if (!r) return NULL;
        l = make_n(p, WEIR_AST_BINARY, WEIR_OP_OR, s, 2, l, r, NULL);
    }
    return l;
}

weir_ast_expr *weir_wp_expr(weir_parser *p)
{
    if (!weir_wp_enter(p)) return NULL;
    weir_ast_expr *e = parse_or(p);
    wp_leave(p);
    return e;
}

/* ---- structural equality (GROUPING SETS matching) ------------------------------------ */

static bool str_eq(const char *a, const char *b, bool ci)
{
    if (!a || !b) return a == b;
    return ci ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

bool weir_ast_expr_equal(const weir_ast_expr *x, const weir_ast_expr *y)
{
    if (x == y) return true;
    if (!x || !y) return false;
    if (x->kind != y->kind || x->op != y->op || x->negated != y->negated ||
        x->distinct != y->distinct || x->try_cast != y->try_cast ||
        x->bool_value != y->bool_value || x->nargs != y->nargs || x->nparts != y->nparts ||
        x->ncase != y->ncase || x->query != y->query)
        return false;
    if (x->kind == WEIR_AST_LITERAL) {
        const weir_ast_lit *a = &x->lit, *b = &y->lit;
        if (a->kind != b->kind || a->b != b->b || !str_eq(a->text, b->text, false) ||
            a->len != b->len || a->interval_us != b->interval_us)
            return false;
        if ((a->str || b->str) && (!a->str || !b->str || memcmp(a->str, b->str, (size_t)a->len)))
            return false;
    }
    if (!str_eq(x->name, y->name, true)) return false;
    for (int i = 0; i < x->nparts; i++)
        if (!str_eq(x->parts[i], y->parts[i], true)) return false;
    for (int i = 0; i < x->nargs; i++)
        if (!weir_ast_expr_equal(x->args[i], y->args[i])) return false;
    for (int i = 0; i < x->ncase; i++)
        if (!weir_ast_expr_equal(x->case_when[i], y->case_when[i]) ||
            !weir_ast_expr_equal(x->case_then[i], y->case_then[i]))
            return false;
    if (!weir_ast_expr_equal(x->case_else, y->case_else)) return false;
    if (x->cast_type || y->cast_type) return weir_type_equal(x->cast_type, y->cast_type);
    return true;
}
