/*
 * Time zones, resolved the way java.time does for Spark (ZoneId.of with SHORT_IDS, after
 * Spark's getZoneId rewrites of "+h:mm" / "+hh:m"), with rules read from the system tz
 * database. weir reads TZif v2+ files itself instead of going through TZ/localtime so that
 * any number of zones can be used at once, reentrantly, and without touching process state.
 *
 * A loaded region zone is a sorted array of UTC transition instants with the offset in force
 * from each one. At load the table is extended with the transitions of the file's POSIX TZ
 * footer rule up to year 2200 so that the hot path (offset of an instant) is one binary
 * search; later instants evaluate the footer rule directly. Zones are cached for the life of
 * the process behind a mutex; a per-thread "last interval" cache makes runs of nearby
 * timestamps (the common case in a batch) cost a couple of compares.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/datetime.h"
#include "base/tz_internal.h"

#define TZDIR            "/usr/share/zoneinfo"
#define EXTEND_UNTIL_SEC INT64_C(7258118400) /* 2200-01-01T00:00:00Z */

/* ---- POSIX TZ footer rules --------------------------------------------------------------- */

typedef struct tz_rule_date {
    char kind; /* 'J' (1..365, no leap day), 'D' (0..365), 'M' (month.week.wday) */
    int a, b, c;
    int32_t time; /* seconds after local midnight (may be negative or > 24h) */
} tz_rule_date;

typedef struct tz_rule {
    bool present; /* a footer was parsed */
    bool has_dst;
    int32_t std_off, dst_off; /* UTC offsets (east positive) */
    char std_abbr[16], dst_abbr[16];
    tz_rule_date start, end;
} tz_rule;

typedef struct tz_type {
    int32_t off;
    bool isdst;
    char abbr[16];
} tz_type;

struct weir_tz {
    char id[128];
    bool fixed;
    int32_t fixed_off;
    int32_t n;        /* transitions */
    int64_t *trans;   /* UTC seconds, ascending */
    uint8_t *type_of; /* type index in force from trans[i] */
    tz_type *types;
    int32_t ntypes;
    int32_t initial;   /* type index before the first transition */
    int64_t table_end; /* instants >= this (when rule.present) use the rule directly */
    tz_rule rule;
};

/* ---- small parsing helpers ---------------------------------------------------------------- */

static int parse_uint(const char **p, const char *end, int maxdigits, int *out)
{
    int v = 0, d = 0;
    while (*p < end && d < maxdigits && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        d++;
    }
    if (d == 0) return -1;
    *out = v;
    return d;
}

/* [+-]hh[:mm[:ss]] as seconds; returns 0 on success. */
static int parse_posix_time(const char **p, const char *end, int32_t *out)
{
    int sign = 1, h = 0, m = 0, s = 0;
    if (*p < end && (**p == '+' || **p == '-')) {
        if (**p == '-') sign = -1;
        (*p)++;
    }
    if (parse_uint(p, end, 3, &h) < 0) return -1;
    if (*p < end && **p == ':') {
        (*p)++;
        if (parse_uint(p, end, 2, &m) < 0) return -1;
        if (*p < end && **p == ':') {
            (*p)++;
            if (parse_uint(p, end, 2, &s) < 0) return -1;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return 0;
}

static int parse_posix_name(const char **p, const char *end, char *out, size_t cap)
{
    size_t n = 0;
    if (*p < end && **p == '<') {
        (*p)++;
        while (*p < end && **p != '>') {
            if (n + 1 < cap) out[n++] = **p;
            (*p)++;
        }
        if (*p >= end) return -1;
        (*p)++;
    } else {
        while (*p < end && isalpha((unsigned char)**p)) {
            if (n + 1 < cap) out[n++] = **p;
            (*p)++;
        }
        if (n < 3) return -1;
    }
    out[n] = 0;
    return 0;
}

static int parse_rule_date(const char **p, const char *end, tz_rule_date *d)
{
    d->time = 7200;
    if (*p < end && **p == 'J') {
        (*p)++;
        d->kind = 'J';
        if (parse_uint(p, end, 3, &d->a) < 0) return -1;
    } else if (*p < end && **p == 'M') {
        (*p)++;
        d->kind = 'M';
        if (parse_uint(p, end, 2, &d->a) < 0 || *p >= end || **p != '.') return -1;
        (*p)++;
        if (parse_uint(p, end, 1, &d->b) < 0 || *p >= end || **p != '.') return -1;
        (*p)++;
        if (parse_uint(p, end, 1, &d->c) < 0) return -1;
        if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c > 6) return -1;
    } else {
        d->kind = 'D';
        if (parse_uint(p, end, 3, &d->a) < 0) return -1;
    }
    if (*p < end && **p == '/') {
        (*p)++;
        if (parse_posix_time(p, end, &d->time) != 0) return -1;
    }
    return 0;
}

static int parse_posix_tz(const char *s, size_t n, tz_rule *r)
{
    const char *p = s, *end = s + n;
    memset(r, 0, sizeof(*r));
    if (parse_posix_name(&p, end, r->std_abbr, sizeof(r->std_abbr)) != 0) return -1;
    int32_t t;
    if (parse_posix_time(&p, end, &t) != 0) return -1;
    r->std_off = -t;
    r->present = true;
    if (p == end) return 0;
    if (parse_posix_name(&p, end, r->dst_abbr, sizeof(r->dst_abbr)) != 0) return -1;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (p < end && *p != ',') {
        if (parse_posix_time(&p, end, &t) != 0) return -1;
        r->dst_off = -t;
    }
    if (p >= end || *p != ',') {
        /* No rule: POSIX default is US rules; tz files always carry one. */
        r->start = (tz_rule_date){'M', 3, 2, 0, 7200};
        r->end = (tz_rule_date){'M', 11, 1, 0, 7200};
        return 0;
    }
    p++;
    if (parse_rule_date(&p, end, &r->start) != 0) return -1;
    if (p >= end || *p != ',') return -1;
    p++;
    if (parse_rule_date(&p, end, &r->end) != 0) return -1;
    return p == end ? 0 : -1;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since epoch of a rule date in year y. */
static int64_t rule_day(const tz_rule_date *d, int64_t y)
{
    int64_t jan1 = weir_days_from_civil(y, 1, 1);
    switch (d->kind) {
    case 'J': {
        int doy = d->a - 1; /* 0-based, Feb 29 never counted */
        if (is_leap(y) && d->a >= 60) doy++;
        return jan1 + doy;
    }
    case 'D': return jan1 + d->a;
    default: {
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int64_t first = weir_days_from_civil(y, d->a, 1);
        int wd_first = (int)weir_floor_mod(first + 4, 7); /* 1970-01-01 was a Thursday (4) */
        int64_t day = first + ((d->c - wd_first + 7) % 7) + (int64_t)(d->b - 1) * 7;
        int len = mdays[d->a - 1] + (d->a == 2 && is_leap(y));
        while (day >= first + len)
            day -= 7;
        return day;
    }
    }
}

/* UTC instants (seconds) where DST starts and ends in year y. */
static void rule_transitions(const tz_rule *r, int64_t y, int64_t *start, int64_t *end)
{
    *start = rule_day(&r->start, y) * 86400 + r->start.time - r->std_off;
    *end = rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
}

static int64_t year_of_secs(int64_t secs)
{
    int y, m, d;
    weir_civil_from_days((int32_t)weir_floor_div(secs, 86400), &y, &m, &d);
    return y;
}

/* Offset by the footer rule alone at UTC second secs. */
static int32_t rule_offset(const tz_rule *r, int64_t secs, bool *isdst)
{
    if (isdst) *isdst = false;
    if (!r->has_dst) return r->std_off;
    int64_t y = year_of_secs(secs + r->std_off);
    int64_t s, e;
    rule_transitions(r, y, &s, &e);
    bool dst = s < e ? (secs >= s && secs < e) : !(secs >= e && secs < s);
    if (isdst) *isdst = dst;
    return dst ? r->dst_off : r->std_off;
}

/* ---- TZif reading ------------------------------------------------------------------------- */

static int64_t be32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}
static int64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap > (1u << 22)) {
                free(buf);
                buf = NULL;
                break;
            }
            unsigned char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0) break;
        n += r;
    }
    fclose(f);
    *len = n;
    return buf;
}

typedef struct trans_ent {
    int64_t at;
    uint8_t type;
} trans_ent;

static int cmp_trans(const void *a, const void *b)
{
    const trans_ent *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

static int add_type(weir_tz *z, int32_t off, bool isdst, const char *abbr, int cap)
{
    for (int i = 0; i < z->ntypes; i++)
        if (z->types[i].off == off && z->types[i].isdst == isdst &&
            strcmp(z->types[i].abbr, abbr) == 0)
            return i;
    if (z->ntypes >= cap) return -1;
    tz_type *t = &z->types[z->ntypes];
    t->off = off;
    t->isdst = isdst;
    snprintf(t->abbr, sizeof(t->abbr), "%s", abbr);
    return z->ntypes++;
}

static weir_tz *tzif_parse(const unsigned char *b, size_t len)
{
    if (len < 44 || memcmp(b, "TZif", 4) != 0) return NULL;
    int version = b[4];
    size_t pos = 0;
    int tsize = 4;
    if (version >= '2') {
        /* skip the v1 block */
        int64_t isut = be32(b + 20), isstd = be32(b + 24), leap = be32(b + 28), tcnt = be32(b + 32),
                typ = be32(b + 36), chr = be32(b + 40);
        pos = 44 + (size_t)(tcnt * 5 + typ * 6 + chr + leap * 8 + isstd + isut);
        if (pos + 44 > len || memcmp(b + pos, "TZif", 4) != 0) return NULL;
        tsize = 8;
    }
    const unsigned char *h = b + pos;
    int64_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), tcnt = be32(h + 32),
            typ = be32(h + 36), chr = be32(h + 40);
    if (tcnt < 0 || typ <= 0 || typ > 255 || chr < 0 || leap < 0 || isstd < 0 || isut < 0)
        return NULL;
    size_t data = pos + 44;
    size_t need = (size_t)(tcnt * (tsize + 1) + typ * 6 + chr + leap * (tsize + 4) + isstd + isut);
    if (data + need > len) return NULL;
    const unsigned char *tp = b + data;
    const unsigned char *ip = tp + tcnt * tsize;
    const unsigned char *ty = ip + tcnt;
    const char *chars = (const char *)(ty + typ * 6);

    tz_rule rule = {0};
    if (version >= '2') {
        const unsigned char *f = b + data + need;
        const unsigned char *fend = b + len;
        if (f < fend && *f == '\n') {
            const unsigned char *nl = memchr(f + 1, '\n', (size_t)(fend - f - 1));
            if (nl && nl > f + 1) {
                if (parse_posix_tz((const char *)f + 1, (size_t)(nl - f - 1), &rule) != 0)
                    memset(&rule, 0, sizeof(rule));
            }
        }
    }

    /* extension transitions from the rule */
    int64_t last =
        tcnt > 0 ? (tsize == 8 ? be64(tp + (tcnt - 1) * 8) : be32(tp + (tcnt - 1) * 4)) : INT64_MIN;
    int64_t ext_from_year = tcnt > 0 ? year_of_secs(last) : 1900;
    int64_t next = rule.has_dst ? (2200 - ext_from_year + 2) * 2 : 1;
    if (next < 1) next = 1;
    int typecap = (int)typ + 2;
    weir_tz *z = calloc(1, sizeof(*z));
    trans_ent *ents = malloc(sizeof(trans_ent) * (size_t)(tcnt + next));
    if (z) z->types = calloc((size_t)typecap, sizeof(tz_type));
    if (!z || !ents || !z->types) {
        if (z) free(z->types);
        free(z);
        free(ents);
        return NULL;
    }
    /* copy file types, deduplicating identical ones */
    uint8_t map[256];
    for (int i = 0; i < typ; i++) {
        const unsigned char *t = ty + i * 6;
        int ai = t[5];
        char abbr[16] = "";
        if (ai < chr)
            snprintf(abbr, sizeof(abbr), "%.*s", (int)strnlen(chars + ai, (size_t)(chr - ai)),
                     chars + ai);
        map[i] = (uint8_t)add_type(z, (int32_t)be32(t), t[4] != 0, abbr, typecap);
    }
    int64_t ne = 0;
    for (int64_t i = 0; i < tcnt; i++) {
        int64_t at = tsize == 8 ? be64(tp + i * 8) : be32(tp + i * 4);
        if (ip[i] >= typ) continue;
        ents[ne].at = at;
        ents[ne].type = map[ip[i]];
        ne++;
    }
    z->initial = map[0];
    z->table_end = INT64_MAX;
    if (rule.present) {
        int std = add_type(z, rule.std_off, false, rule.std_abbr, typecap);
        if (rule.has_dst) {
            int dst = add_type(z, rule.dst_off, true, rule.dst_abbr, typecap);
            int64_t first = ne;
            for (int64_t y = ext_from_year; y < 2200; y++) {
                int64_t s, e;
                rule_transitions(&rule, y, &s, &e);
                if (s > last) ents[ne++] = (trans_ent){s, (uint8_t)dst};
                if (e > last) ents[ne++] = (trans_ent){e, (uint8_t)std};
            }
            qsort(ents + first, (size_t)(ne - first), sizeof(trans_ent), cmp_trans);
            z->table_end = EXTEND_UNTIL_SEC;
        } else if (ne == 0 || z->types[ents[ne - 1].type].off != rule.std_off) {
            /* after the table the standard offset holds */
            if (ne == 0)
                z->initial = std;
            else
                ents[ne++] = (trans_ent){last + 1, (uint8_t)std};
        }
    }
    z->rule = rule;
    z->n = (int32_t)ne;
    z->trans = malloc(sizeof(int64_t) * (size_t)(ne ? ne : 1));
    z->type_of = malloc((size_t)(ne ? ne : 1));
    if (!z->trans || !z->type_of) {
        free(z->trans);
        free(z->type_of);
        free(z->types);
        free(z);
        free(ents);
        return NULL;
    }
    for (int64_t i = 0; i < ne; i++) {
        z->trans[i] = ents[i].at;
        z->type_of[i] = ents[i].type;
    }
    free(ents);
    return z;
}

/* ---- id resolution (java.time.ZoneId.of with SHORT_IDS) ---------------------------------- */

static const char *const short_ids[][2] = {
    {"ACT", "Australia/Darwin"},
    {"AET", "Australia/Sydney"},
    {"AGT", "America/Argentina/Buenos_Aires"},
    {"ART", "Africa/Cairo"},
    {"AST", "America/Anchorage"},
    {"BET", "America/Sao_Paulo"},
    {"BST", "Asia/Dhaka"},
    {"CAT", "Africa/Harare"},
    {"CNT", "America/St_Johns"},
    {"CST", "America/Chicago"},
    {"CTT", "Asia/Shanghai"},
    {"EAT", "Africa/Addis_Ababa"},
    {"ECT", "Europe/Paris"},
    {"IET", "America/Indiana/Indianapolis"},
    {"IST", "Asia/Kolkata"},
    {"JST", "Asia/Tokyo"},
    {"MIT", "Pacific/Apia"},
    {"NET", "Asia/Yerevan"},
    {"NST", "Pacific/Auckland"},
    {"PLT", "Asia/Karachi"},
    {"PNT", "America/Phoenix"},
    {"PRT", "America/Puerto_Rico"},
    {"PST", "America/Los_Angeles"},
    {"SST", "Pacific/Guadalcanal"},
    {"VST", "Asia/Ho_Chi_Minh"},
    {"EST", "-05:00"},
    {"MST", "-07:00"},
    {"HST", "-10:00"},
};

int weir_tz_parse_offset_id(const char *s, size_t n, int32_t *out)
{
    if (n == 1 && s[0] == 'Z') {
        *out = 0;
        return 0;
    }
    if (n < 2 || (s[0] != '+' && s[0] != '-')) return -1;
    int sign = s[0] == '-' ? -1 : 1;
    const char *d = s + 1;
    size_t m = n - 1;
    int h, mi = 0, se = 0;
#define DIG(i) (isdigit((unsigned char)d[i]) ? d[i] - '0' : -100)
    switch (m) {
    case 1: h = DIG(0); break;
    case 2: h = DIG(0) * 10 + DIG(1); break;
    case 4:
        h = DIG(0) * 10 + DIG(1);
        mi = DIG(2) * 10 + DIG(3);
        break;
    case 5:
        if (d[2] != ':') return -1;
        h = DIG(0) * 10 + DIG(1);
        mi = DIG(3) * 10 + DIG(4);
        break;
    case 6:
        h = DIG(0) * 10 + DIG(1);
        mi = DIG(2) * 10 + DIG(3);
        se = DIG(4) * 10 + DIG(5);
        break;
    case 8:
        if (d[2] != ':' || d[5] != ':') return -1;
        h = DIG(0) * 10 + DIG(1);
        mi = DIG(3) * 10 + DIG(4);
        se = DIG(6) * 10 + DIG(7);
        break;
    default: return -1;
    }
#undef DIG
    if (h < 0 || mi < 0 || se < 0 || h > 18 || mi > 59 || se > 59) return -1;
    int32_t total = h * 3600 + mi * 60 + se;
    if (total > 18 * 3600) return -1;
    *out = sign * total;
    return 0;
}

/* java.time ZoneOffset.getId(): "Z", "+09:00", "-07:10:20". */
static void offset_id(int32_t off, char *buf, size_t cap)
{
    if (off == 0) {
        snprintf(buf, cap, "Z");
        return;
    }
    int32_t a = off < 0 ? -off : off;
    if (a % 60)
        snprintf(buf, cap, "%c%02d:%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
    else
        snprintf(buf, cap, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static weir_tz *make_fixed(const char *id, int32_t off)
{
    weir_tz *z = calloc(1, sizeof(*z));
    if (!z) return NULL;
    snprintf(z->id, sizeof(z->id), "%s", id);
    z->fixed = true;
    z->fixed_off = off;
    z->table_end = INT64_MAX;
    return z;
}

static bool region_id_ok(const char *s)
{
    /* ZoneRegion's pattern [A-Za-z][A-Za-z0-9~/._+-]+, and nothing outside the database */
    size_t n = strlen(s);
    if (n < 2 || !isalpha((unsigned char)s[0])) return false;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || strchr("~/._+-", c))) return false;
    }
    if (strstr(s, "..") || strstr(s, "//") || s[n - 1] == '/') return false;
    if (strncmp(s, "posix/", 6) == 0 || strncmp(s, "right/", 6) == 0) return false;
    static const char *const bad[] = {"posixrules",        "localtime", "Factory",  "leapseconds",
                                      "leap-seconds.list", "tzdata.zi", "zone.tab", "zone1970.tab",
                                      "iso3166.tab",       "SECURITY"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (strcmp(s, bad[i]) == 0) return false;
    return true;
}

static weir_tz *load_region(const char *id)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", TZDIR, id);
    size_t len = 0;
    unsigned char *buf = read_file(path, &len);
    if (!buf) return NULL;
    weir_tz *z = tzif_parse(buf, len);
    free(buf);
    if (z) snprintf(z->id, sizeof(z->id), "%s", id);
    return z;
}

/* Resolves an id (already rewritten by Spark's rules) to a new zone; NULL + message. */
static weir_tz *resolve(const char *id, char *msg, size_t msgcap)
{
    for (size_t i = 0; i < sizeof(short_ids) / sizeof(short_ids[0]); i++)
        if (strcmp(id, short_ids[i][0]) == 0) {
            id = short_ids[i][1];
            break;
        }
    size_t n = strlen(id);
    if (n <= 1 || id[0] == '+' || id[0] == '-') {
        int32_t off;
        if (weir_tz_parse_offset_id(id, n, &off) != 0) {
            snprintf(msg, msgcap, "Invalid ID for ZoneOffset, invalid format: %s", id);
            return NULL;
        }
        char buf[16];
        offset_id(off, buf, sizeof(buf));
        return make_fixed(buf, off);
    }
    static const char *const prefixes[] = {"UTC", "GMT", "UT"};
    for (int i = 0; i < 3; i++) {
        size_t pl = strlen(prefixes[i]);
        if (strncmp(id, prefixes[i], pl) != 0) continue;
        if (n == pl) return make_fixed(prefixes[i], 0);
        if (id[pl] == '+' || id[pl] == '-') {
            int32_t off;
            if (weir_tz_parse_offset_id(id + pl, n - pl, &off) != 0) {
                snprintf(msg, msgcap, "Invalid ID for offset-based ZoneId: %s", id);
                return NULL;
            }
            char buf[32], ob[16];
            offset_id(off, ob, sizeof(ob));
            if (off == 0)
                snprintf(buf, sizeof(buf), "%s", prefixes[i]);
            else
                snprintf(buf, sizeof(buf), "%s%s", prefixes[i], ob);
            return make_fixed(buf, off);
        }
    }
    if (!region_id_ok(id)) {
        snprintf(msg, msgcap, "Invalid ID for region-based ZoneId, invalid format: %s", id);
        return NULL;
    }
    weir_tz *z = load_region(id);
    if (!z) snprintf(msg, msgcap, "Unknown time-zone ID: %s", id);
    return z;
}

/* Spark's getZoneId rewrites: "(+|-)(\d):" -> "$10$2:" (first match anywhere), then
 * "(+|-)(\d\d):(\d)$" -> "$1$2:0$3". */
static void spark_rewrite(const char *in, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    bool done = false;
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        if (!done && (in[i] == '+' || in[i] == '-') && i + 2 < n &&
            isdigit((unsigned char)in[i + 1]) && in[i + 2] == ':') {
            out[o++] = in[i];
            out[o++] = '0';
            done = true;
            continue;
        }
        out[o++] = in[i];
    }
    out[o] = 0;
    if (o >= 5 && (out[o - 5] == '+' || out[o - 5] == '-') && isdigit((unsigned char)out[o - 4]) &&
        isdigit((unsigned char)out[o - 3]) && out[o - 2] == ':' &&
        isdigit((unsigned char)out[o - 1]) && o + 1 < cap) {
        out[o] = out[o - 1];
        out[o - 1] = '0';
        out[++o] = 0;
    }
}

/* ---- the process-wide cache ---------------------------------------------------------------- */

typedef struct tz_cache_ent {
    char key[128];
    weir_tz *tz;
    struct tz_cache_ent *next;
} tz_cache_ent;

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static tz_cache_ent *cache_head;

static _Thread_local struct {
    char key[128];
    const weir_tz *tz;
} tl_lookup;

const weir_tz *weir_tz_get(const char *id, weir_error *err)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n >= 120) {
        weir_err(err, WEIR_EARG, "Invalid ID for region-based ZoneId, invalid format: %s",
                 id ? id : "");
        return NULL;
    }
    if (tl_lookup.tz && strcmp(tl_lookup.key, id) == 0) return tl_lookup.tz;
    char key[128];
    spark_rewrite(id, n, key, sizeof(key));

    pthread_mutex_lock(&cache_mu);
    weir_tz *found = NULL;
    for (tz_cache_ent *e = cache_head; e; e = e->next)
        if (strcmp(e->key, key) == 0) {
            found = e->tz;
            break;
        }
    if (!found) {
        /* the zone may already be loaded under its canonical id */
        char msg[256] = "";
        weir_tz *z = resolve(key, msg, sizeof(msg));
        if (!z) {
            pthread_mutex_unlock(&cache_mu);
            if (!msg[0]) snprintf(msg, sizeof(msg), "out of memory");
            weir_err(err, WEIR_EARG, "%s", msg);
            return NULL;
        }
        for (tz_cache_ent *e = cache_head; e; e = e->next)
            if (strcmp(e->tz->id, z->id) == 0 && e->tz->fixed == z->fixed &&
                e->tz->fixed_off == z->fixed_off && e->tz->n == z->n) {
                weir_tz_free_internal(z);
                z = e->tz;
                break;
            }
        tz_cache_ent *ne = calloc(1, sizeof(*ne));
        if (!ne) {
            pthread_mutex_unlock(&cache_mu);
            weir_err_nomem(err);
            return NULL;
        }
        snprintf(ne->key, sizeof(ne->key), "%s", key);
        ne->tz = z;
        ne->next = cache_head;
        cache_head = ne;
        found = z;
    }
    pthread_mutex_unlock(&cache_mu);
    snprintf(tl_lookup.key, sizeof(tl_lookup.key), "%s", id);
    tl_lookup.tz = found;
    return found;
}

void weir_tz_free_internal(weir_tz *z)
{
    if (!z) return;
    free(z->trans);
    free(z->type_of);
    free(z->types);
    free(z);
}

static const weir_tz *default_tz;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static const weir_tz *try_id(const char *id)
{
    weir_error e;
    return id && *id ? weir_tz_get(id, &e) : NULL;
}

static void init_default(void)
{
    const char *env = getenv("TZ");
    const weir_tz *z = NULL;
    if (env && *env) {
        if (*env == ':') env++;
        const char *zi = strstr(env, "zoneinfo/");
        z = try_id(zi ? zi + 9 : env);
    }
    if (!z) {
        FILE *f = fopen("/etc/timezone", "r");
        if (f) {
            char line[128] = "";
            if (fgets(line, sizeof(line), f)) {
                line[strcspn(line, " \t\r\n")] = 0;
                z = try_id(line);
            }
            fclose(f);
        }
    }
    if (!z) {
        char link[512];
        ssize_t r = readlink("/etc/localtime", link, sizeof(link) - 1);
        if (r > 0) {
            link[r] = 0;
            const char *zi = strstr(link, "zoneinfo/");
            if (zi) z = try_id(zi + 9);
        }
    }
    if (!z) z = try_id("UTC");
    default_tz = z;
}

const weir_tz *weir_tz_default(void)
{
    pthread_once(&default_once, init_default);
    return default_tz;
}

const char *weir_tz_id(const weir_tz *tz)
{
    return tz ? tz->id : "UTC";
}

/* ---- offset lookup -------------------------------------------------------------------------- */

static _Thread_local struct {
    const weir_tz *tz;
    int64_t lo, hi; /* [lo, hi) UTC seconds */
    int32_t type;
} tl_iv;

/* Type index in force at UTC second secs; -1 when past the table (use the rule). */
static int32_t type_at(const weir_tz *tz, int64_t secs)
{
    if (tl_iv.tz == tz && secs >= tl_iv.lo && secs < tl_iv.hi) return tl_iv.type;
    if (secs >= tz->table_end) return -1;
    int32_t n = tz->n, t;
    int64_t lo, hi;
    if (n == 0 || secs < tz->trans[0]) {
        t = tz->initial;
        lo = INT64_MIN;
        hi = n ? tz->trans[0] : INT64_MAX;
    } else {
        int32_t a = 0, b = n - 1; /* last index with trans <= secs */
        while (a < b) {
            int32_t m = a + (b - a + 1) / 2;
            if (tz->trans[m] <= secs)
                a = m;
            else
                b = m - 1;
        }
        t = tz->type_of[a];
        lo = tz->trans[a];
        hi = a + 1 < n ? tz->trans[a + 1] : tz->table_end;
    }
    tl_iv.tz = tz;
    tl_iv.lo = lo;
    tl_iv.hi = hi;
    tl_iv.type = t;
    return t;
}

int32_t weir_tz_offset_at_utc(const weir_tz *tz, int64_t utc_us)
{
    if (tz->fixed) return tz->fixed_off;
    int64_t secs = weir_floor_div(utc_us, WEIR_US_PER_SEC);
    int32_t t = type_at(tz, secs);
    if (t < 0) return rule_offset(&tz->rule, secs, NULL);
    return tz->types[t].off;
}

void weir_tz_info_at_utc(const weir_tz *tz, int64_t utc_us, int32_t *off, bool *isdst,
                         const char **abbr)
{
    if (tz->fixed) {
        *off = tz->fixed_off;
        *isdst = false;
        *abbr = NULL;
        return;
    }
    int64_t secs = weir_floor_div(utc_us, WEIR_US_PER_SEC);
    int32_t t = type_at(tz, secs);
    if (t < 0) {
        *off = rule_offset(&tz->rule, secs, isdst);
        *abbr = *isdst ? tz->rule.dst_abbr : tz->rule.std_abbr;
        return;
    }
    *off = tz->types[t].off;
    *isdst = tz->types[t].isdst;
    *abbr = tz->types[t].abbr;
}

bool weir_tz_is_fixed(const weir_tz *tz, int32_t *off)
{
    if (tz->fixed && off) *off = tz->fixed_off;
    return tz->fixed;
}

/* java.time's ZonedDateTime.ofLocal with no preferred offset: in an overlap the earlier
 * offset (the one before the transition), in a gap the local time moved forward by the gap
 * length, which is the same as applying the offset before the transition. */
int64_t weir_tz_local_to_utc(const weir_tz *tz, int64_t local_us)
{
    if (tz->fixed) return local_us - (int64_t)tz->fixed_off * WEIR_US_PER_SEC;
    /* offsets a day before and after bracket every candidate instant (|offset| <= 18h) */
    int64_t a = weir_tz_offset_at_utc(tz, local_us - WEIR_US_PER_DAY) * WEIR_US_PER_SEC;
    int64_t b = weir_tz_offset_at_utc(tz, local_us + WEIR_US_PER_DAY) * WEIR_US_PER_SEC;
    if (a == b) {
        int64_t u = local_us - a;
        int64_t o = weir_tz_offset_at_utc(tz, u) * WEIR_US_PER_SEC;
        if (o == a) return u;
        /* two transitions within the window: settle on the offset at the guess */
        int64_t u2 = local_us - o;
        return weir_tz_offset_at_utc(tz, u2) * WEIR_US_PER_SEC == o ? u2 : u;
    }
    bool va = weir_tz_offset_at_utc(tz, local_us - a) * WEIR_US_PER_SEC == a;
    bool vb = weir_tz_offset_at_utc(tz, local_us - b) * WEIR_US_PER_SEC == b;
    if (va) return local_us - a; /* normal before the transition, or overlap: earlier */
    if (vb) return local_us - b;
    return local_us - a; /* gap */
}
