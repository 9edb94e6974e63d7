/*
 * Spark datetime patterns ("yyyy-MM-dd HH:mm:ss.SSS", ...) for to_timestamp, date_format,
 * unix_timestamp, from_unixtime and the timestampFormat option.
 *
 * Spark 3 hands patterns to java.time's DateTimeFormatter after its own checks
 * (DateTimeFormatterHelper: week-based letters and a few others refused, 'y' read as the
 * signed proleptic year 'u' unless an era 'G' is present, fractions parsed with 1..n
 * digits), in Locale.US, case-insensitive, with the STRICT resolver. What users see is the
 * result of those layers, so this file reproduces them: the same letters and counts, Java's
 * number widths and sign styles (including "adjacent value parsing" for patterns such as
 * "yyyyMMdd"), optional sections, whole-input matching, and strict field validation. Text is
 * English only.
 *
 * A compiled pattern is an immutable token array; parse and format are reentrant and do not
 * allocate.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/datetime.h"
#include "base/tz_internal.h"

enum { TK_LIT, TK_FIELD, TK_OPT_START, TK_OPT_END };
enum { SS_NORMAL, SS_NOT_NEG, SS_EXCEEDS };

typedef struct dt_tok {
    uint8_t kind;
    char letter; /* 'u' proleptic year; 'y' year-of-era (with G); others as written */
    uint8_t count;
    bool number;  /* printed/parsed as a number */
    bool reduced; /* yy: two digits, base 2000 */
    uint8_t minw, maxw, sign;
    uint8_t subseq; /* widths of the fixed-width numbers that follow (adjacent parsing) */
    int32_t lit_off, lit_len;
    int32_t match; /* OPT_START: index of its OPT_END */
} dt_tok;

struct weir_dtfmt {
    int ntok;
    dt_tok *toks;
    char *pool;
    char parse_bad; /* a letter Spark refuses when parsing, or 0 */
    char *pattern;
};

/* ---- compile ---------------------------------------------------------------------------- */

#define UPGRADE_MSG                                                                                \
    "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION] You may get a different "  \
    "result due to the upgrading to Spark >= 3.0: Fail to recognize '%s' pattern in the "          \
    "DateTimeFormatter. 1) You can set \"spark.sql.legacy.timeParserPolicy\" to \"LEGACY\" to "    \
    "restore the behavior before Spark 3.0. 2) You can form a valid datetime pattern with the "    \
    "guide from 'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'."

/* Would java.text.SimpleDateFormat accept the pattern? (Spark then reports an upgrade issue
 * instead of the new formatter's own complaint.) */
static bool legacy_pattern_ok(const char *p)
{
    bool inq = false;
    for (size_t i = 0; p[i]; i++) {
        char c = p[i];
        if (c == '\'') {
            inq = !inq;
            continue;
        }
        if (inq) continue;
        if (isalpha((unsigned char)c) && !strchr("GyYMLwWDdFEuaHkKhmsSzZX", c)) return false;
        if (c == 'X') {
            size_t k = i;
            while (p[k] == 'X')
                k++;
            if (k - i > 3) return false;
            i = k - 1;
        }
    }
    return !inq;
}

typedef struct builder {
    dt_tok toks[256];
    int n;
    char pool[1024];
    int pool_len;
    int active; /* index of the variable-width number heading an adjacent run, or -1 */
    int opt_stack[16];
    int nopt;
    char msg[256];
} builder;

static int b_push(builder *b, dt_tok t)
{
    if (b->n >= (int)(sizeof(b->toks) / sizeof(b->toks[0]))) {
        snprintf(b->msg, sizeof(b->msg), "Pattern too long");
        return -1;
    }
    b->toks[b->n] = t;
    return b->n++;
}

static int b_lit(builder *b, const char *s, int len)
{
    b->active = -1;
    if (b->pool_len + len > (int)sizeof(b->pool)) {
        snprintf(b->msg, sizeof(b->msg), "Pattern too long");
        return -1;
    }
    /* merge with a preceding literal */
    if (b->n > 0 && b->toks[b->n - 1].kind == TK_LIT &&
        b->toks[b->n - 1].lit_off + b->toks[b->n - 1].lit_len == b->pool_len) {
        memcpy(b->pool + b->pool_len, s, (size_t)len);
        b->pool_len += len;
        b->toks[b->n - 1].lit_len += len;
        return 0;
    }
    dt_tok t = {.kind = TK_LIT, .lit_off = b->pool_len, .lit_len = len};
    memcpy(b->pool + b->pool_len, s, (size_t)len);
    b->pool_len += len;
    return b_push(b, t) < 0 ? -1 : 0;
}

static int b_number(builder *b, char letter, int count, int minw, int maxw, int sign, bool reduced)
{
    dt_tok t = {.kind = TK_FIELD,
                .letter = letter,
                .count = (uint8_t)count,
                .number = true,
                .reduced = reduced,
                .minw = (uint8_t)minw,
                .maxw = (uint8_t)maxw,
                .sign = (uint8_t)sign};
    bool fixed = minw == maxw && sign == SS_NOT_NEG;
    if (b->active >= 0) {
        if (fixed) {
            b->toks[b->active].subseq = (uint8_t)(b->toks[b->active].subseq + maxw);
            return b_push(b, t) < 0 ? -1 : 0;
        }
        int i = b_push(b, t);
        if (i < 0) return -1;
        b->active = i;
        return 0;
    }
    int i = b_push(b, t);
    if (i < 0) return -1;
    b->active = i;
    return 0;
}

static int b_other(builder *b, char letter, int count)
{
    b->active = -1;
    dt_tok t = {.kind = TK_FIELD, .letter = letter, .count = (uint8_t)count};
    return b_push(b, t) < 0 ? -1 : 0;
}

static int too_many(builder *b, char c)
{
    snprintf(b->msg, sizeof(b->msg), "Too many pattern letters: %c", c);
    return -1;
}

static int b_letter(builder *b, char c, int count)
{
    switch (c) {
    case 'u':
    case 'y':
        if (count == 2) return b_number(b, c, count, 2, 2, SS_NOT_NEG, true);
        if (count < 4) return b_number(b, c, count, count, 19, SS_NORMAL, false);
        return b_number(b, c, count, count, 19, SS_EXCEEDS, false);
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
        if (count == 1) return b_number(b, c, count, 1, 19, SS_NORMAL, false);
        if (count == 2) return b_number(b, c, count, 2, 2, SS_NOT_NEG, false);
        if (count <= 5) return b_other(b, c, count);
        return too_many(b, c);
    case 'd':
    case 'h':
    case 'H':
    case 'k':
    case 'K':
    case 'm':
    case 's':
        if (count == 1) return b_number(b, c, count, 1, 19, SS_NORMAL, false);
        if (count == 2) return b_number(b, c, count, 2, 2, SS_NOT_NEG, false);
        return too_many(b, c);
    case 'D':
        if (count == 1) return b_number(b, c, count, 1, 19, SS_NORMAL, false);
        if (count <= 3) return b_number(b, c, count, count, 3, SS_NOT_NEG, false);
        return too_many(b, c);
    case 'F':
        if (count == 1) return b_number(b, c, count, 1, 19, SS_NORMAL, false);
        return too_many(b, c);
    case 'E':
    case 'G':
        if (count <= 5) return b_other(b, c, count);
        return too_many(b, c);
    case 'a':
        if (count == 1) return b_other(b, c, count);
        return too_many(b, c);
    case 'S':
        if (count > 9) {
            snprintf(b->msg, sizeof(b->msg),
                     "Maximum width must be from 1 to 9 inclusive but was %d", count);
            return -1;
        }
        return b_other(b, c, count);
    case 'V':
        if (count != 2) {
            snprintf(b->msg, sizeof(b->msg), "Pattern letter count must be 2: V");
            return -1;
        }
        return b_other(b, c, count);
    case 'z':
        if (count > 4) return too_many(b, c);
        return b_other(b, c, count);
    case 'O':
        if (count != 1 && count != 4) {
            snprintf(b->msg, sizeof(b->msg), "Pattern letter count must be 1 or 4: O");
            return -1;
        }
        return b_other(b, c, count);
    case 'X':
    case 'x':
    case 'Z':
        if (count > 5) return too_many(b, c);
        return b_other(b, c, count);
    default: snprintf(b->msg, sizeof(b->msg), "Unknown pattern letter: %c", c); return -1;
    }
}

/* java.time DateTimeFormatterBuilder.appendPattern on Spark's converted pattern. */
static int build(builder *b, const char *p)
{
    size_t n = strlen(p);
    b->active = -1;
    for (size_t pos = 0; pos < n; pos++) {
        char c = p[pos];
        if (isalpha((unsigned char)c)) {
            size_t start = pos;
            while (pos + 1 < n && p[pos + 1] == c)
                pos++;
            int count = (int)(pos - start + 1);
            if (b_letter(b, c, count) != 0) return -1;
        } else if (c == '\'') {
            size_t start = pos++;
            for (; pos < n; pos++) {
                if (p[pos] == '\'') {
                    if (pos + 1 < n && p[pos + 1] == '\'')
                        pos++;
                    else
                        break;
                }
            }
            if (pos >= n) {
                snprintf(b->msg, sizeof(b->msg),
                         "Pattern ends with an incomplete string literal: %s", p);
                return -1;
            }
            const char *lit = p + start + 1;
            size_t len = pos - start - 1;
            if (len == 0) {
                if (b_lit(b, "'", 1) != 0) return -1;
            } else {
                char tmp[256];
                size_t m = 0;
                for (size_t k = 0; k < len && m < sizeof(tmp); k++) {
                    tmp[m++] = lit[k];
                    if (lit[k] == '\'' && k + 1 < len && lit[k + 1] == '\'') k++;
                }
                if (b_lit(b, tmp, (int)m) != 0) return -1;
            }
        } else if (c == '[') {
            b->active = -1;
            if (b->nopt >= 16) {
                snprintf(b->msg, sizeof(b->msg), "Pattern too deeply nested");
                return -1;
            }
            int i = b_push(b, (dt_tok){.kind = TK_OPT_START});
            if (i < 0) return -1;
            b->opt_stack[b->nopt++] = i;
        } else if (c == ']') {
            if (b->nopt == 0) {
                snprintf(b->msg, sizeof(b->msg),
                         "Pattern invalid as it contains ] without previous [");
                return -1;
            }
            b->active = -1;
            int i = b_push(b, (dt_tok){.kind = TK_OPT_END});
            if (i < 0) return -1;
            b->toks[b->opt_stack[--b->nopt]].match = i;
        } else if (c == '{' || c == '}' || c == '#') {
            snprintf(b->msg, sizeof(b->msg), "Pattern includes reserved character: '%c'", c);
            return -1;
        } else {
            if (b_lit(b, &c, 1) != 0) return -1;
        }
    }
    /* unclosed optional sections end at the end of the pattern */
    while (b->nopt > 0) {
        int i = b_push(b, (dt_tok){.kind = TK_OPT_END});
        if (i < 0) return -1;
        b->toks[b->opt_stack[--b->nopt]].match = i;
    }
    return 0;
}

weir_dtfmt *weir_dtfmt_compile(const char *pattern, weir_error *err)
{
    size_t n = strlen(pattern);
    if (n > 512) {
        weir_err(err, WEIR_ERUNTIME, "Pattern too long: %s", pattern);
        return NULL;
    }
    /* Spark's checks on the unquoted parts, and 'y' -> 'u' unless there is an era */
    char conv[520];
    bool era = false, inq = false;
    for (size_t i = 0; i < n; i++) {
        if (pattern[i] == '\'')
            inq = !inq;
        else if (!inq && pattern[i] == 'G')
            era = true;
    }
    char spark_msg[256] = "";
    char parse_bad = 0;
    inq = false;
    for (size_t i = 0; i < n; i++) {
        char c = pattern[i];
        conv[i] = c;
        if (c == '\'') {
            inq = !inq;
            continue;
        }
        if (inq) continue;
        if (!spark_msg[0] && strchr("YWwuec", c))
            snprintf(spark_msg, sizeof(spark_msg),
                     "All week-based patterns are unsupported since Spark 3.0, detected: %c, "
                     "Please use the SQL function EXTRACT instead",
                     c);
        if (!spark_msg[0] && strchr("ABnNp", c))
            snprintf(spark_msg, sizeof(spark_msg), "Illegal pattern character: %c", c);
        if (!parse_bad && strchr("EFqQ", c)) parse_bad = c;
        size_t run = 1;
        while (i + run < n && pattern[i + run] == c)
            run++;
        if (!spark_msg[0] && ((strchr("GMLEQq", c) && run >= 5) || (c == 'y' && run >= 7)))
            snprintf(spark_msg, sizeof(spark_msg), "Too many pattern letters: %c", c);
        if (c == 'y' && !era) conv[i] = 'u';
    }
    conv[n] = 0;
    builder *b = calloc(1, sizeof(*b));
    if (!b) {
        weir_err_nomem(err);
        return NULL;
    }
    int rc = spark_msg[0] ? -1 : build(b, conv);
    if (rc != 0) {
        if (legacy_pattern_ok(pattern))
            weir_err(err, WEIR_ERUNTIME, UPGRADE_MSG, pattern);
        else
            weir_err(err, WEIR_ERUNTIME, "%s", spark_msg[0] ? spark_msg : b->msg);
        free(b);
        return NULL;
    }
    weir_dtfmt *f = calloc(1, sizeof(*f));
    if (f) {
        f->toks = malloc(sizeof(dt_tok) * (size_t)(b->n ? b->n : 1));
        f->pool = malloc((size_t)b->pool_len + 1);
        f->pattern = strdup(pattern);
    }
    if (!f || !f->toks || !f->pool || !f->pattern) {
        weir_dtfmt_free(f);
        free(b);
        weir_err_nomem(err);
        return NULL;
    }
    memcpy(f->toks, b->toks, sizeof(dt_tok) * (size_t)b->n);
    memcpy(f->pool, b->pool, (size_t)b->pool_len);
    f->ntok = b->n;
    f->parse_bad = parse_bad;
    free(b);
    return f;
}

void weir_dtfmt_free(weir_dtfmt *f)
{
    if (!f) return;
    free(f->toks);
    free(f->pool);
    free(f->pattern);
    free(f);
}

const char *weir_dtfmt_pattern(const weir_dtfmt *f)
{
    return f->pattern;
}

bool weir_dtfmt_check_parse(const weir_dtfmt *f, weir_error *err)
{
    if (!f->parse_bad) return true;
    weir_err(err, WEIR_ERUNTIME, UPGRADE_MSG, f->pattern);
    return false;
}

/* ---- English text ------------------------------------------------------------------------- */

static const char *const month_full[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
static const char *const month_short[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const month_narrow[] = {"J", "F", "M", "A", "M", "J",
                                           "J", "A", "S", "O", "N", "D"};
static const char *const dow_full[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
static const char *const dow_short[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const dow_narrow[] = {"M", "T", "W", "T", "F", "S", "S"};
static const char *const quarter_short[] = {"Q1", "Q2", "Q3", "Q4"};
static const char *const quarter_full[] = {"1st quarter", "2nd quarter", "3rd quarter",
                                           "4th quarter"};
static const char *const ampm_text[] = {"AM", "PM"};
static const char *const era_short[] = {"BC", "AD"};
static const char *const era_full[] = {"Before Christ", "Anno Domini"};
static const char *const era_narrow[] = {"B", "A"};

/* Full ("zzzz") names of the zones people use most; others print their abbreviation. */
static const struct {
    const char *id, *std, *dst;
} zone_names[] = {
    {"America/Los_Angeles", "Pacific Standard Time", "Pacific Daylight Time"},
    {"America/Denver", "Mountain Standard Time", "Mountain Daylight Time"},
    {"America/Phoenix", "Mountain Standard Time", "Mountain Daylight Time"},
    {"America/Chicago", "Central Standard Time", "Central Daylight Time"},
    {"America/New_York", "Eastern Standard Time", "Eastern Daylight Time"},
    {"UTC", "Coordinated Universal Time", "Coordinated Universal Time"},
    {"Etc/UTC", "Coordinated Universal Time", "Coordinated Universal Time"},
    {"GMT", "Greenwich Mean Time", "Greenwich Mean Time"},
    {"Europe/London", "Greenwich Mean Time", "British Summer Time"},
    {"Europe/Paris", "Central European Standard Time", "Central European Summer Time"},
    {"Europe/Berlin", "Central European Standard Time", "Central European Summer Time"},
    {"Asia/Seoul", "Korean Standard Time", "Korean Daylight Time"},
    {"Asia/Tokyo", "Japan Standard Time", "Japan Daylight Time"},
    {"Asia/Shanghai", "China Standard Time", "China Daylight Time"},
    {"Asia/Kolkata", "India Standard Time", "India Standard Time"},
};

/* Abbreviations accepted when parsing 'z', with the zone they stand for. */
static const struct {
    const char *abbr, *id;
} zone_abbrs[] = {
    {"PST", "America/Los_Angeles"}, {"PDT", "America/Los_Angeles"}, {"MST", "America/Denver"},
    {"MDT", "America/Denver"},      {"CST", "America/Chicago"},     {"CDT", "America/Chicago"},
    {"EST", "America/New_York"},    {"EDT", "America/New_York"},    {"KST", "Asia/Seoul"},
    {"JST", "Asia/Tokyo"},          {"CET", "Europe/Paris"},        {"CEST", "Europe/Paris"},
    {"BST", "Europe/London"},       {"IST", "Asia/Kolkata"},        {"HST", "Pacific/Honolulu"},
    {"AKST", "America/Anchorage"},  {"AKDT", "America/Anchorage"},
};

/* ---- formatting ----------------------------------------------------------------------------- */

typedef struct out {
    char *buf;
    size_t cap, len;
} outbuf;

static void put(outbuf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o->len + 1 < o->cap) o->buf[o->len] = s[i];
        o->len++;
    }
}
static void puts_(outbuf *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_num(outbuf *o, int64_t v, int minw)
{
    char tmp[32];
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int k = 0;
    do {
        tmp[k++] = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    while (k < minw && k < 30)
        tmp[k++] = '0';
    while (k > 0)
        put(o, &tmp[--k], 1);
}

static void put_offset(outbuf *o, int32_t off, const char *pat, const char *zero)
{
    /* pat: "+HH", "+HHmm", "+HH:mm", "+HHMM", "+HH:MM", "+HHMMss", "+HH:MM:ss", "+HHMMSS",
     * "+HH:MM:SS" (lower case parts are optional: printed only when non-zero) */
    if (off == 0) {
        puts_(o, zero);
        return;
    }
    int32_t a = off < 0 ? -off : off;
    int h = a / 3600, m = a / 60 % 60, s = a % 60;
    bool colon = strchr(pat, ':') != NULL;
    size_t pl = strlen(pat);
    put(o, off < 0 ? "-" : "+", 1);
    put_num(o, h, 2);
    /* minutes */
    if (pl > 3) {
        bool opt_m = pat[3 + colon] == 'm';
        if (!opt_m || m || s) {
            if (colon) put(o, ":", 1);
            put_num(o, m, 2);
        }
        size_t sec_at = colon ? 7 : 5;
        if (pl > sec_at) {
            bool opt_s = pat[sec_at + colon] == 's';
            if (!opt_s || s) {
                if (colon) put(o, ":", 1);
                put_num(o, s, 2);
            }
        }
    }
}

static void put_localized_offset(outbuf *o, int32_t off, bool full)
{
    puts_(o, "GMT");
    if (off == 0) return;
    int32_t a = off < 0 ? -off : off;
    int h = a / 3600, m = a / 60 % 60, s = a % 60;
    put(o, off < 0 ? "-" : "+", 1);
    if (full) {
        put_num(o, h, 2);
        put(o, ":", 1);
        put_num(o, m, 2);
        if (s) {
            put(o, ":", 1);
            put_num(o, s, 2);
        }
    } else {
        put_num(o, h, 1);
        if (m || s) {
            put(o, ":", 1);
            put_num(o, m, 2);
            if (s) {
                put(o, ":", 1);
                put_num(o, s, 2);
            }
        }
    }
}

static const char *const offset_patterns[] = {
    "+HH", "+HHmm", "+HH:mm", "+HHMM", "+HH:MM", "+HHMMss", "+HH:MM:ss", "+HHMMSS", "+HH:MM:SS"};

int weir_dtfmt_format(const weir_dtfmt *f, int64_t us, const weir_tz *tz, char *buf, size_t n)
{
    outbuf o = {buf, n, 0};
    int32_t off;
    bool isdst;
    const char *abbr;
    weir_tz_info_at_utc(tz, us, &off, &isdst, &abbr);
    int64_t local = us + (int64_t)off * WEIR_US_PER_SEC;
    int64_t days = weir_floor_div(local, WEIR_US_PER_DAY);
    int64_t tod = local - days * WEIR_US_PER_DAY;
    int y, mo, d;
    weir_civil_from_days((int32_t)days, &y, &mo, &d);
    int hour = (int)(tod / (3600 * WEIR_US_PER_SEC));
    int minute = (int)(tod / (60 * WEIR_US_PER_SEC) % 60);
    int sec = (int)(tod / WEIR_US_PER_SEC % 60);
    int micro = (int)(tod % WEIR_US_PER_SEC);
    int dow = (int)weir_floor_mod(days + 3, 7); /* 0 = Monday */
    int doy = (int)(days - weir_days_from_civil(y, 1, 1)) + 1;

    for (int i = 0; i < f->ntok; i++) {
        const dt_tok *t = &f->toks[i];
        if (t->kind == TK_LIT) {
            put(&o, f->pool + t->lit_off, (size_t)t->lit_len);
            continue;
        }
        if (t->kind != TK_FIELD) continue;
        int c = t->count;
        if (t->number) {
            int64_t v = 0;
            switch (t->letter) {
            case 'u': v = y; break;
            case 'y': v = y > 0 ? y : 1 - (int64_t)y; break;
            case 'M':
            case 'L': v = mo; break;
            case 'Q':
            case 'q': v = (mo - 1) / 3 + 1; break;
            case 'd': v = d; break;
            case 'D': v = doy; break;
            case 'F': v = (d - 1) % 7 + 1; break;
            case 'H': v = hour; break;
            case 'k': v = hour == 0 ? 24 : hour; break;
            case 'K': v = hour % 12; break;
            case 'h': v = hour % 12 == 0 ? 12 : hour % 12; break;
            case 'm': v = minute; break;
            case 's': v = sec; break;
            }
            if (t->reduced) {
                put_num(&o, (v < 0 ? -v : v) % 100, 2);
                continue;
            }
            if (v < 0)
                put(&o, "-", 1);
            else if (t->sign == SS_EXCEEDS && t->minw < 19) {
                int64_t lim = 1;
                for (int k = 0; k < t->minw; k++)
                    lim *= 10;
                if (v >= lim) put(&o, "+", 1);
            }
            put_num(&o, v, t->minw);
            continue;
        }
        switch (t->letter) {
        case 'M':
        case 'L':
            puts_(&o, c == 3   ? month_short[mo - 1]
                      : c == 4 ? month_full[mo - 1]
                               : month_narrow[mo - 1]);
            break;
        case 'Q':
        case 'q': {
            int q = (mo - 1) / 3;
            puts_(&o, c == 3   ? quarter_short[q]
                      : c == 4 ? quarter_full[q]
                               : (const char *[]){"1", "2", "3", "4"}[q]);
            break;
        }
        case 'E':
            puts_(&o, c <= 3 ? dow_short[dow] : c == 4 ? dow_full[dow] : dow_narrow[dow]);
            break;
        case 'G': {
            int e = y > 0;
            puts_(&o, c <= 3 ? era_short[e] : c == 4 ? era_full[e] : era_narrow[e]);
            break;
        }
        case 'a': puts_(&o, ampm_text[hour >= 12]); break;
        case 'S': {
            int64_t nano = (int64_t)micro * 1000;
            char digs[9];
            for (int k = 8; k >= 0; k--, nano /= 10)
                digs[k] = (char)('0' + nano % 10);
            put(&o, digs, (size_t)c);
            break;
        }
        case 'V': puts_(&o, weir_tz_id(tz)); break;
        case 'z': {
            int32_t fo;
            const char *id = weir_tz_id(tz);
            if (weir_tz_is_fixed(tz, &fo)) {
                if (c == 4 && (strcmp(id, "UTC") == 0 || strcmp(id, "GMT") == 0)) {
                    for (size_t k = 0; k < sizeof(zone_names) / sizeof(zone_names[0]); k++)
                        if (strcmp(zone_names[k].id, id) == 0) id = zone_names[k].std;
                }
                puts_(&o, id);
                break;
            }
            if (c == 4) {
                const char *full = NULL;
                for (size_t k = 0; k < sizeof(zone_names) / sizeof(zone_names[0]); k++)
                    if (strcmp(zone_names[k].id, id) == 0)
                        full = isdst ? zone_names[k].dst : zone_names[k].std;
                if (full) {
                    puts_(&o, full);
                    break;
                }
            }
            if (abbr && abbr[0] && abbr[0] != '+' && abbr[0] != '-')
                puts_(&o, abbr);
            else
                put_localized_offset(&o, off, true);
            break;
        }
        case 'O': put_localized_offset(&o, off, c == 4); break;
        case 'X': put_offset(&o, off, offset_patterns[c + (c == 1 ? 0 : 1)], "Z"); break;
        case 'x':
            put_offset(&o, off, offset_patterns[c + (c == 1 ? 0 : 1)],
                       c == 1 ? "+00" : (c % 2 == 0 ? "+0000" : "+00:00"));
            break;
        case 'Z':
            if (c < 4)
                put_offset(&o, off, "+HHMM", "+0000");
            else if (c == 4)
                put_localized_offset(&o, off, true);
            else
                put_offset(&o, off, "+HH:MM:ss", "Z");
            break;
        }
    }
    if (n > 0) buf[o.len < n ? o.len : n - 1] = 0;
    return (int)(o.len < n ? o.len : (n ? n - 1 : 0));
}

/* ---- parsing --------------------------------------------------------------------------------- */

enum {
    F_YEAR,
    F_YOE,
    F_ERA,
    F_MONTH,
    F_DOM,
    F_DOY,
    F_HOD,
    F_CHOD,
    F_CHAMPM,
    F_HAMPM,
    F_AMPM,
    F_MIN,
    F_SEC,
    F_NANO,
    F_OFF,
    F_QUARTER,
    F_DOW,
    F_ALDOW,
    F__N
};

typedef struct pstate {
    int64_t v[F__N];
    uint32_t has;
    const weir_tz *zone;
} pstate;

static bool setf(pstate *st, int f, int64_t v)
{
    if (st->has & (1u << f)) return st->v[f] == v;
    st->has |= 1u << f;
    st->v[f] = v;
    return true;
}

static bool ieq(char a, char b)
{
    return tolower((unsigned char)a) == tolower((unsigned char)b);
}

static bool match_ci(const char *s, size_t n, size_t pos, const char *w, size_t wl)
{
    if (pos + wl > n) return false;
    for (size_t i = 0; i < wl; i++)
        if (!ieq(s[pos + i], w[i])) return false;
    return true;
}

/* Longest case-insensitive match among texts; index or -1. */
static int match_text(const char *s, size_t n, size_t *pos, const char *const *texts, int count)
{
    int best = -1;
    size_t bl = 0;
    for (int i = 0; i < count; i++) {
        size_t l = strlen(texts[i]);
        if (l > bl && match_ci(s, n, *pos, texts[i], l)) {
            best = i;
            bl = l;
        }
    }
    if (best >= 0) *pos += bl;
    return best;
}

/* java.time NumberPrinterParser.parse in strict mode. */
static bool parse_number(const dt_tok *t, const char *s, size_t n, size_t *ppos, int64_t *out)
{
    size_t pos = *ppos;
    if (pos >= n) return false;
    bool neg = false, plus = false;
    bool fixed = t->minw == t->maxw;
    if (s[pos] == '+') {
        if (!(t->sign == SS_EXCEEDS)) return false;
        plus = true;
        pos++;
    } else if (s[pos] == '-') {
        if (!(t->sign == SS_EXCEEDS || t->sign == SS_NORMAL)) return false;
        neg = true;
        pos++;
    }
    (void)fixed;
    size_t start = pos;
    size_t minw = t->minw;
    size_t maxw = (size_t)t->maxw + t->subseq;
    if (start + minw > n) return false;
    size_t k = start;
    while (k < n && k - start < maxw && isdigit((unsigned char)s[k]))
        k++;
    size_t len = k - start;
    if (len < minw) return false;
    if (t->subseq > 0) {
        size_t eff = len > t->subseq ? len - t->subseq : 0;
        if (eff < minw) eff = minw;
        len = eff;
    }
    if (len > 18) return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (s[start + i] - '0');
    if (neg) {
        if (v == 0) return false;
        v = -v;
    } else if (t->sign == SS_EXCEEDS) {
        if (plus ? len <= minw : len > minw) return false;
    }
    *ppos = start + len;
    *out = v;
    return true;
}

/* An offset like "+HH:MM" per one of Java's offset patterns; or noOffsetText. */
static bool parse_offset(const char *s, size_t n, size_t *ppos, const char *pat, const char *zero,
                         int32_t *off)
{
    size_t pos = *ppos;
    size_t zl = strlen(zero);
    if (zl && match_ci(s, n, pos, zero, zl)) {
        *ppos = pos + zl;
        *off = 0;
        return true;
    }
    if (pos >= n || (s[pos] != '+' && s[pos] != '-')) return false;
    int sign = s[pos] == '-' ? -1 : 1;
    pos++;
    bool colon = strchr(pat, ':') != NULL;
    size_t pl = strlen(pat);
    int vals[3] = {0, 0, 0};
#define TWO(p) (p + 2 <= n && isdigit((unsigned char)s[p]) && isdigit((unsigned char)s[p + 1]))
    if (!TWO(pos)) return false;
    vals[0] = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    pos += 2;
    if (pl > 3) {
        bool opt = pat[3 + colon] == 'm';
        size_t p2 = pos + colon;
        bool ok = (!colon || (pos < n && s[pos] == ':')) && TWO(p2);
        if (ok) {
            vals[1] = (s[p2] - '0') * 10 + (s[p2 + 1] - '0');
            pos = p2 + 2;
            size_t sec_at = colon ? 7 : 5;
            if (pl > sec_at) {
                bool opts = pat[sec_at + colon] == 's';
                size_t p3 = pos + colon;
                bool ok3 = (!colon || (pos < n && s[pos] == ':')) && TWO(p3);
                if (ok3) {
                    vals[2] = (s[p3] - '0') * 10 + (s[p3 + 1] - '0');
                    pos = p3 + 2;
                } else if (!opts)
                    return false;
            }
        } else if (!opt)
            return false;
    }
#undef TWO
    if (vals[0] > 18 || vals[1] > 59 || vals[2] > 59) return false;
    int32_t tot = vals[0] * 3600 + vals[1] * 60 + vals[2];
    if (tot > 18 * 3600) return false;
    *off = sign * tot;
    *ppos = pos;
    return true;
}

static bool parse_localized_offset(const char *s, size_t n, size_t *ppos, int32_t *off)
{
    size_t pos = *ppos;
    if (!match_ci(s, n, pos, "GMT", 3)) return false;
    pos += 3;
    *off = 0;
    if (pos < n && (s[pos] == '+' || s[pos] == '-')) {
        int sign = s[pos] == '-' ? -1 : 1;
        pos++;
        int h = 0, hd = 0;
        while (pos < n && hd < 2 && isdigit((unsigned char)s[pos]))
            h = h * 10 + (s[pos++] - '0'), hd++;
        if (hd == 0) return false;
        int m = 0, sec = 0;
        if (pos + 2 < n + 0 && s[pos] == ':' && pos + 2 < n + 1 &&
            isdigit((unsigned char)s[pos + 1]) && pos + 2 < n &&
            isdigit((unsigned char)s[pos + 2])) {
            m = (s[pos + 1] - '0') * 10 + (s[pos + 2] - '0');
            pos += 3;
            if (pos + 2 < n && s[pos] == ':' && isdigit((unsigned char)s[pos + 1]) &&
                isdigit((unsigned char)s[pos + 2])) {
                sec = (s[pos + 1] - '0') * 10 + (s[pos + 2] - '0');
                pos += 3;
            }
        }
        if (h > 18 || m > 59 || sec > 59) return false;
        *off = sign * (h * 3600 + m * 60 + sec);
    }
    *ppos = pos;
    return true;
}

/* A zone id in text ('VV', also tried for 'z'): offsets, UTC/GMT/UT prefixes, region ids. */
static bool parse_zone_id(const char *s, size_t n, size_t *ppos, pstate *st)
{
    size_t pos = *ppos;
    if (pos >= n) return false;
    int32_t off;
    if (s[pos] == '+' || s[pos] == '-') {
        if (!parse_offset(s, n, &pos, "+HH:MM:ss", "", &off)) return false;
        *ppos = pos;
        return setf(st, F_OFF, off);
    }
    static const char *const pfx[] = {"UTC", "GMT", "UT"};
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(pfx[i]);
        if (match_ci(s, n, pos, pfx[i], l)) {
            size_t p2 = pos + l;
            int32_t o2 = 0;
            if (p2 < n && (s[p2] == '+' || s[p2] == '-')) {
                size_t p3 = p2;
                if (parse_offset(s, n, &p3, "+HH:MM:ss", "", &o2))
                    p2 = p3;
                else
                    o2 = 0;
            }
            /* a longer region id (e.g. "UTC" vs "Universal") is not tried here */
            *ppos = p2;
            return setf(st, F_OFF, o2);
        }
    }
    size_t end = pos;
    while (end < n && end - pos < 64 &&
           (isalnum((unsigned char)s[end]) || strchr("~/._+-", s[end])))
        end++;
    for (size_t e = end; e >= pos + 2; e--) {
        char id[80];
        memcpy(id, s + pos, e - pos);
        id[e - pos] = 0;
        if (!strchr(id, '/') && e - pos <= 3 && e != end) continue;
        weir_error err;
        const weir_tz *z = weir_tz_get(id, &err);
        if (z) {
            if (st->zone && st->zone != z) return false;
            st->zone = z;
            *ppos = e;
            return true;
        }
    }
    if (s[pos] == 'Z' || s[pos] == 'z') {
        *ppos = pos + 1;
        return setf(st, F_OFF, 0);
    }
    return false;
}

static bool parse_zone_name(const char *s, size_t n, size_t *ppos, pstate *st)
{
    size_t pos = *ppos;
    /* full names first (longest), then abbreviations */
    size_t best = 0;
    const char *best_id = NULL;
    for (size_t k = 0; k < sizeof(zone_names) / sizeof(zone_names[0]); k++) {
        const char *nm[2] = {zone_names[k].std, zone_names[k].dst};
        for (int j = 0; j < 2; j++) {
            size_t l = strlen(nm[j]);
            if (l > best && match_ci(s, n, pos, nm[j], l)) {
                best = l;
                best_id = zone_names[k].id;
            }
        }
    }
    for (size_t k = 0; k < sizeof(zone_abbrs) / sizeof(zone_abbrs[0]); k++) {
        size_t l = strlen(zone_abbrs[k].abbr);
        if (l > best && match_ci(s, n, pos, zone_abbrs[k].abbr, l) &&
            !(pos + l < n && isalpha((unsigned char)s[pos + l]))) {
            best = l;
            best_id = zone_abbrs[k].id;
        }
    }
    if (best_id) {
        weir_error err;
        const weir_tz *z = weir_tz_get(best_id, &err);
        if (!z) return false;
        if (st->zone && st->zone != z) return false;
        st->zone = z;
        *ppos = pos + best;
        return true;
    }
    return parse_zone_id(s, n, ppos, st);
}

static bool parse_field(const dt_tok *t, const char *s, size_t n, size_t *ppos, pstate *st)
{
    int c = t->count;
    if (t->number) {
        int64_t v;
        if (!parse_number(t, s, n, ppos, &v)) return false;
        if (t->reduced) v += 2000;
        switch (t->letter) {
        case 'u': return setf(st, F_YEAR, v);
        case 'y': return setf(st, F_YOE, v);
        case 'M':
        case 'L': return setf(st, F_MONTH, v);
        case 'Q':
        case 'q': return setf(st, F_QUARTER, v);
        case 'd': return setf(st, F_DOM, v);
        case 'D': return setf(st, F_DOY, v);
        case 'F': return setf(st, F_ALDOW, v);
        case 'H': return setf(st, F_HOD, v);
        case 'k': return setf(st, F_CHOD, v);
        case 'K': return setf(st, F_HAMPM, v);
        case 'h': return setf(st, F_CHAMPM, v);
        case 'm': return setf(st, F_MIN, v);
        case 's': return setf(st, F_SEC, v);
        }
        return false;
    }
    int idx;
    int32_t off;
    switch (t->letter) {
    case 'M':
    case 'L':
        idx = match_text(s, n, ppos, c == 3 ? month_short : c == 4 ? month_full : month_narrow, 12);
        return idx >= 0 && setf(st, F_MONTH, idx + 1);
    case 'Q':
    case 'q':
        idx = match_text(s, n, ppos, c == 3 ? quarter_short : quarter_full, 4);
        return idx >= 0 && setf(st, F_QUARTER, idx + 1);
    case 'E':
        idx = match_text(s, n, ppos, c <= 3 ? dow_short : c == 4 ? dow_full : dow_narrow, 7);
        return idx >= 0 && setf(st, F_DOW, idx + 1);
    case 'G':
        idx = match_text(s, n, ppos, c <= 3 ? era_short : c == 4 ? era_full : era_narrow, 2);
        return idx >= 0 && setf(st, F_ERA, idx);
    case 'a': idx = match_text(s, n, ppos, ampm_text, 2); return idx >= 0 && setf(st, F_AMPM, idx);
    case 'S': {
        /* 1..count digits (Spark's variable-length fraction parsing) */
        size_t pos = *ppos, k = pos;
        while (k < n && k - pos < (size_t)c && isdigit((unsigned char)s[k]))
            k++;
        if (k == pos) return false;
        int64_t nano = 0;
        for (size_t i = pos; i < pos + 9; i++)
            nano = nano * 10 + (i < k ? s[i] - '0' : 0);
        *ppos = k;
        return setf(st, F_NANO, nano);
    }
    case 'V': return parse_zone_id(s, n, ppos, st);
    case 'z': return parse_zone_name(s, n, ppos, st);
    case 'O': return parse_localized_offset(s, n, ppos, &off) && setf(st, F_OFF, off);
    case 'X':
        return parse_offset(s, n, ppos, offset_patterns[c + (c == 1 ? 0 : 1)], "Z", &off) &&
               setf(st, F_OFF, off);
    case 'x':
        return parse_offset(s, n, ppos, offset_patterns[c + (c == 1 ? 0 : 1)],
                            c == 1 ? "+00" : (c % 2 == 0 ? "+0000" : "+00:00"), &off) &&
               setf(st, F_OFF, off);
    case 'Z':
        if (c < 4) return parse_offset(s, n, ppos, "+HHMM", "+0000", &off) && setf(st, F_OFF, off);
        if (c == 4) return parse_localized_offset(s, n, ppos, &off) && setf(st, F_OFF, off);
        return parse_offset(s, n, ppos, "+HH:MM:ss", "Z", &off) && setf(st, F_OFF, off);
    }
    return false;
}

static bool parse_seq(const weir_dtfmt *f, int from, int to, const char *s, size_t n, size_t *ppos,
                      pstate *st)
{
    for (int i = from; i < to; i++) {
        const dt_tok *t = &f->toks[i];
        switch (t->kind) {
        case TK_LIT:
            if (!match_ci(s, n, *ppos, f->pool + t->lit_off, (size_t)t->lit_len)) return false;
            *ppos += (size_t)t->lit_len;
            break;
        case TK_FIELD:
            if (!parse_field(t, s, n, ppos, st)) return false;
            break;
        case TK_OPT_START: {
            pstate save = *st;
            size_t p = *ppos;
            if (parse_seq(f, i + 1, t->match, s, n, &p, st))
                *ppos = p;
            else
                *st = save;
            i = t->match;
            break;
        }
        case TK_OPT_END: break;
        }
    }
    return true;
}

#define HAS(f) (st.has & (1u << (f)))

bool weir_dtfmt_parse(const weir_dtfmt *f, const char *s, size_t n, const weir_tz *tz,
                      int64_t *out_us)
{
    pstate st;
    st.has = 0;
    st.zone = NULL;
    size_t pos = 0;
    if (!parse_seq(f, 0, f->ntok, s, n, &pos, &st) || pos != n) return false;

    /* STRICT resolution: ranges first */
    static const int64_t lo[F__N] = {
        [F_MONTH] = 1,   [F_DOM] = 1, [F_DOY] = 1,   [F_CHOD] = 1, [F_CHAMPM] = 1,
        [F_QUARTER] = 1, [F_DOW] = 1, [F_ALDOW] = 1, [F_YOE] = 1};
    static const int64_t hi[F__N] = {
        [F_MONTH] = 12,  [F_DOM] = 31,   [F_DOY] = 366, [F_HOD] = 23, [F_CHOD] = 24,
        [F_CHAMPM] = 12, [F_HAMPM] = 11, [F_AMPM] = 1,  [F_MIN] = 59, [F_SEC] = 59,
        [F_QUARTER] = 4, [F_DOW] = 7,    [F_ALDOW] = 7, [F_ERA] = 1,  [F_NANO] = 999999999};
    for (int k = 0; k < F__N; k++) {
        if (!HAS(k) || k == F_YEAR || k == F_OFF) continue;
        if (k == F_YOE) {
            if (st.v[k] < 1) return false;
            continue;
        }
        if (st.v[k] < lo[k] || st.v[k] > hi[k]) return false;
    }
    if (HAS(F_YEAR) && (st.v[F_YEAR] > 999999999 || st.v[F_YEAR] < -999999999)) return false;
    /* year of era + era -> year */
    if (HAS(F_YOE)) {
        if (HAS(F_ERA)) {
            int64_t y = st.v[F_ERA] == 1 ? st.v[F_YOE] : 1 - st.v[F_YOE];
            if (!setf(&st, F_YEAR, y)) return false;
        }
    }
    /* hours */
    if (HAS(F_CHOD) && !setf(&st, F_HOD, st.v[F_CHOD] == 24 ? 0 : st.v[F_CHOD])) return false;
    if (HAS(F_CHAMPM) && !setf(&st, F_HAMPM, st.v[F_CHAMPM] == 12 ? 0 : st.v[F_CHAMPM]))
        return false;
    if (HAS(F_AMPM) && HAS(F_HAMPM) && !setf(&st, F_HOD, st.v[F_AMPM] * 12 + st.v[F_HAMPM]))
        return false;
    if (HAS(F_AMPM) && HAS(F_HOD) && st.v[F_HOD] / 12 != st.v[F_AMPM]) return false;
    int64_t hour;
    if (HAS(F_HOD))
        hour = st.v[F_HOD];
    else if (HAS(F_HAMPM))
        hour = st.v[F_HAMPM];
    else if (HAS(F_AMPM) && st.v[F_AMPM] == 1)
        hour = 12;
    else
        hour = 0;
    int64_t minute = HAS(F_MIN) ? st.v[F_MIN] : 0;
    int64_t sec = HAS(F_SEC) ? st.v[F_SEC] : 0;
    int64_t nano = HAS(F_NANO) ? st.v[F_NANO] : 0;

    /* date (Spark's toLocalDate defaults: year 1970, month 1, day 1) */
    int64_t year = HAS(F_YEAR) ? st.v[F_YEAR] : 1970;
    int64_t days;
    if (year > 300000 || year < -300000) return false;
    if (HAS(F_DOY)) {
        int64_t dlen = ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0) ? 366 : 365;
        if (st.v[F_DOY] > dlen) return false;
        days = weir_days_from_civil(year, 1, 1) + st.v[F_DOY] - 1;
        int yy, mm, dd;
        weir_civil_from_days((int32_t)days, &yy, &mm, &dd);
        if (HAS(F_MONTH) && st.v[F_MONTH] != mm) return false;
        if (HAS(F_DOM) && st.v[F_DOM] != dd) return false;
    } else {
        int64_t m = HAS(F_MONTH) ? st.v[F_MONTH] : 1;
        int64_t d = HAS(F_DOM) ? st.v[F_DOM] : 1;
        static const int ml[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int len = ml[m - 1] + (m == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));
        if (d > len) return false;
        days = weir_days_from_civil(year, (int)m, (int)d);
    }
    /* cross-checks of fields that only validate a complete date */
    if (HAS(F_QUARTER) && (HAS(F_MONTH) || HAS(F_DOY))) {
        int yy, mm, dd;
        weir_civil_from_days((int32_t)days, &yy, &mm, &dd);
        if ((mm - 1) / 3 + 1 != st.v[F_QUARTER]) return false;
    }
    int64_t local =
        (days * 86400 + hour * 3600 + minute * 60 + sec) * WEIR_US_PER_SEC + nano / 1000;
    if (st.zone)
        *out_us = weir_tz_local_to_utc(st.zone, local);
    else if (HAS(F_OFF))
        *out_us = local - st.v[F_OFF] * WEIR_US_PER_SEC;
    else
        *out_us = weir_tz_local_to_utc(tz, local);
    return true;
}
