/*
 * Calendar arithmetic and Spark's text forms of dates, timestamps and intervals.
 *
 * The parsers follow Spark's hand-written ones (SparkDateTimeUtils.parseTimestampString /
 * stringToDate, IntervalUtils.stringToInterval) rule for rule, since users feed weir the
 * same strings they fed Spark and expect the same rows to turn NULL. They run on the JSON
 * reader's hot path, so they never allocate; a zone suffix that is a plain offset ("Z",
 * "+09:00") is handled without a zone lookup.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/datetime.h"
#include "base/tz_internal.h"

/* ---- civil calendar (proleptic Gregorian; H. Hinnant's algorithms) ------------------------ */

static int64_t days_from_civil64(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int32_t weir_days_from_civil(int64_t y, int m, int d)
{
    return (int32_t)days_from_civil64(y, m, d);
}

void weir_civil_from_days(int32_t days, int *y, int *m, int *d)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (mm <= 2));
    *m = mm;
    *d = dd;
}

static bool leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int64_t y, int m)
{
    static const int ml[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return ml[m - 1] + (m == 2 && leap_year(y));
}

/* UTF8String.isWhitespaceOrISOControl on a byte */
static bool ws_or_ctl(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}

/* ---- CAST(string AS DATE) ------------------------------------------------------------------- */

bool weir_parse_date(const char *s, size_t n, int32_t *out_days)
{
    size_t j = 0, end = n;
    while (j < n && ws_or_ctl((unsigned char)s[j]))
        j++;
    while (end > j && ws_or_ctl((unsigned char)s[end - 1]))
        end--;
    if (j == end) return false;
    int sign = 1;
    if (s[j] == '-' || s[j] == '+') {
        sign = s[j] == '-' ? -1 : 1;
        j++;
    }
    int64_t seg[3] = {1, 1, 1};
    int i = 0, digits = 0;
    int64_t cur = 0;
    while (j < end && i < 3 && !(s[j] == ' ' || s[j] == 'T')) {
        char b = s[j];
        if (i < 2 && b == '-') {
            if (i == 0 ? (digits < 4 || digits > 7) : (digits < 1 || digits > 2)) return false;
            seg[i++] = cur;
            cur = 0;
            digits = 0;
        } else if (b >= '0' && b <= '9') {
            if (digits < 10) cur = cur * 10 + (b - '0');
            digits++;
        } else {
            return false;
        }
        j++;
    }
    if (i == 0 ? (digits < 4 || digits > 7) : (digits < 1 || digits > 2)) return false;
    if (i < 2 && j < end) return false;
    seg[i] = cur;
    int64_t y = sign * seg[0];
    if (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > month_len(y, (int)seg[1])) return false;
    int64_t days = days_from_civil64(y, (int)seg[1], (int)seg[2]);
    if (days > INT32_MAX || days < INT32_MIN) return false; /* toIntExact */
    *out_days = (int32_t)days;
    return true;
}

/* ---- CAST(string AS TIMESTAMP) -------------------------------------------------------------- */

static inline bool ts_valid_digits(int seg, int digits)
{
    return seg == 6 || (seg == 0 && digits >= 4 && digits <= 6) || (seg == 7 && digits <= 2) ||
           (seg != 0 && seg != 6 && seg != 7 && digits > 0 && digits <= 2);
}

/* Resolves the zone suffix of a timestamp string. Plain offsets skip the zone cache. */
static bool ts_zone(const char *z, size_t n, const weir_tz **tz, int32_t *fixed, bool *is_fixed)
{
    while (n > 0 && (unsigned char)z[0] <= ' ')
        z++, n--;
    while (n > 0 && (unsigned char)z[n - 1] <= ' ')
        n--;
    if (n == 0 || n > 100) return false;
    char buf[128];
    if (z[0] == '+' || z[0] == '-' || (n == 1 && z[0] == 'Z')) {
        /* Spark's rewrites of "+h:mm" and "+hh:m", then ZoneOffset.of */
        size_t o = 0;
        buf[o++] = z[0];
        size_t k = 1;
        if (n >= 3 && z[0] != 'Z' && isdigit((unsigned char)z[1]) && z[2] == ':') buf[o++] = '0';
        for (; k < n && o < sizeof(buf) - 2; k++)
            buf[o++] = z[k];
        if (o >= 5 && isdigit((unsigned char)buf[o - 4]) && isdigit((unsigned char)buf[o - 3]) &&
            buf[o - 2] == ':' && isdigit((unsigned char)buf[o - 1]) &&
            (buf[o - 5] == '+' || buf[o - 5] == '-')) {
            buf[o] = buf[o - 1];
            buf[o - 1] = '0';
            o++;
        }
        if (weir_tz_parse_offset_id(buf, o, fixed) != 0) return false;
        *is_fixed = true;
        return true;
    }
    memcpy(buf, z, n);
    buf[n] = 0;
    weir_error err;
    const weir_tz *t = weir_tz_get(buf, &err);
    if (!t) return false;
    *tz = t;
    *is_fixed = weir_tz_is_fixed(t, fixed);
    return true;
}

/* Largest |seconds| whose microseconds (plus a day of slack for zone lookups) fit int64. */
#define MAX_TS_SECS (INT64_MAX / WEIR_US_PER_SEC - 2 * 86400)

bool weir_parse_timestamp(const char *s, size_t n, const weir_tz *tz, int64_t *out_us)
{
    size_t j = 0, end = n;
    while (j < n && ws_or_ctl((unsigned char)s[j]))
        j++;
    while (end > j && ws_or_ctl((unsigned char)s[end - 1]))
        end--;
    if (j == end) return false;

    int64_t seg[9] = {1, 1, 1, 0, 0, 0, 0, 0, 0};
    int i = 0, digits = 0, digits_milli = 0;
    int64_t cur = 0;
    bool just_time = false;
    int year_sign = 0;
    const char *zone = NULL;
    size_t zone_len = 0;
    if (s[j] == '-' || s[j] == '+') {
        year_sign = s[j] == '-' ? -1 : 1;
        j++;
    }
    for (; j < end; j++) {
        unsigned char b = (unsigned char)s[j];
        if (b >= '0' && b <= '9') {
            if (i == 6) digits_milli++;
            if (i != 6 ? digits < 10 : digits < 6) cur = cur * 10 + (b - '0');
            digits++;
            continue;
        }
        if (j == 0 && b == 'T') {
            just_time = true;
            i += 3;
        } else if (i < 2) {
            if (b == '-') {
                if (!ts_valid_digits(i, digits)) return false;
                seg[i++] = cur;
                cur = 0;
                digits = 0;
            } else if (i == 0 && b == ':' && year_sign == 0) {
                just_time = true;
                if (!ts_valid_digits(3, digits)) return false;
                seg[3] = cur;
                cur = 0;
                digits = 0;
                i = 4;
            } else {
                return false;
            }
        } else if (i == 2) {
            if (b != ' ' && b != 'T') return false;
            if (!ts_valid_digits(i, digits)) return false;
            seg[i++] = cur;
            cur = 0;
            digits = 0;
        } else if (i == 3 || i == 4) {
            if (b != ':') return false;
            if (!ts_valid_digits(i, digits)) return false;
            seg[i++] = cur;
            cur = 0;
            digits = 0;
        } else if (i == 5 || i == 6) {
            if (!ts_valid_digits(i, digits)) return false;
            seg[i++] = cur;
            cur = 0;
            digits = 0;
            if (!(b == '.' && i == 6)) {
                zone = s + j;
                zone_len = end - j;
                j = end - 1;
            }
            if (i == 6 && b != '.') i++;
        } else {
            if (i < 9 && (b == ':' || b == ' ')) {
                if (!ts_valid_digits(i, digits)) return false;
                seg[i++] = cur;
                cur = 0;
                digits = 0;
            } else {
                return false;
            }
        }
    }
    if (i > 8 || !ts_valid_digits(i, digits)) return false;
    seg[i] = cur;
    while (digits_milli < 6) {
        seg[6] *= 10;
        digits_milli++;
    }
    if (year_sign) seg[0] *= year_sign;

    int32_t fixed = 0;
    bool is_fixed = false;
    const weir_tz *z = tz;
    if (zone) {
        if (!ts_zone(zone, zone_len, &z, &fixed, &is_fixed)) return false;
    } else {
        is_fixed = weir_tz_is_fixed(tz, &fixed);
    }
    if (seg[3] > 23 || seg[4] > 59 || seg[5] > 59) return false;
    int64_t days;
    if (just_time) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int64_t now_us = (int64_t)now.tv_sec * WEIR_US_PER_SEC;
        int64_t off = is_fixed ? fixed : weir_tz_offset_at_utc(z, now_us);
        days = weir_floor_div((int64_t)now.tv_sec + off, 86400);
    } else {
        if (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > month_len(seg[0], (int)seg[1]))
            return false;
        days = days_from_civil64(seg[0], (int)seg[1], (int)seg[2]);
    }
    int64_t secs = days * 86400 + seg[3] * 3600 + seg[4] * 60 + seg[5];
    if (!is_fixed) {
        if (secs < MAX_TS_SECS && secs > -MAX_TS_SECS) {
            *out_us = weir_tz_local_to_utc(z, secs * WEIR_US_PER_SEC + seg[6]);
            return true;
        }
        /* near the ends of the range: the offset of the instant read as UTC */
        fixed = weir_tz_offset_at_utc(z, secs > 0 ? INT64_MAX - WEIR_US_PER_DAY
                                                  : INT64_MIN + WEIR_US_PER_DAY);
    }
    /* Instant -> micros as Spark's instantToMicros: exact, None on overflow */
    int64_t usecs = secs - fixed, us;
    if (usecs < 0 && seg[6] > 0) {
        if (__builtin_mul_overflow(usecs + 1, WEIR_US_PER_SEC, &us) ||
            __builtin_add_overflow(us, seg[6] - WEIR_US_PER_SEC, &us))
            return false;
    } else if (__builtin_mul_overflow(usecs, WEIR_US_PER_SEC, &us) ||
               __builtin_add_overflow(us, seg[6], &us)) {
        return false;
    }
    *out_us = us;
    return true;
}

/* ---- formatting ----------------------------------------------------------------------------- */

/* ISO year: 4 digits zero padded, '-' for negative years, '+' beyond 9999. */
static int put_year(char *p, int y)
{
    if (y > 9999) return sprintf(p, "+%d", y);
    if (y < 0) return sprintf(p, "-%04d", -y);
    return sprintf(p, "%04d", y);
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

int weir_format_date(int32_t days, char *buf)
{
    int y, m, d;
    weir_civil_from_days(days, &y, &m, &d);
    int k = put_year(buf, y);
    buf[k] = '-';
    put2(buf + k + 1, m);
    buf[k + 3] = '-';
    put2(buf + k + 4, d);
    buf[k + 6] = 0;
    return k + 6;
}

int weir_format_timestamp(int64_t us, const weir_tz *tz, char *buf)
{
    int64_t local = weir_tz_utc_to_local(tz, us);
    int64_t days = weir_floor_div(local, WEIR_US_PER_DAY);
    int64_t tod = local - days * WEIR_US_PER_DAY;
    int k = weir_format_date((int32_t)days, buf);
    int64_t secs = tod / WEIR_US_PER_SEC;
    int frac = (int)(tod % WEIR_US_PER_SEC);
    buf[k++] = ' ';
    put2(buf + k, (int)(secs / 3600));
    buf[k + 2] = ':';
    put2(buf + k + 3, (int)(secs / 60 % 60));
    buf[k + 5] = ':';
    put2(buf + k + 6, (int)(secs % 60));
    k += 8;
    if (frac) {
        buf[k++] = '.';
        int div = 100000;
        while (frac) {
            buf[k++] = (char)('0' + frac / div);
            frac %= div;
            div /= 10;
        }
    }
    buf[k] = 0;
    return k;
}

/* ---- interval strings (window durations) ------------------------------------------------- */

static bool word_at(const char *s, size_t n, size_t i, const char *w)
{
    size_t l = strlen(w);
    return i + l <= n && strncasecmp(s + i, w, l) == 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool weir_parse_interval(const char *s, size_t n, int64_t *out_us)
{
    size_t i = 0;
    while (i < n && ((unsigned char)s[i] <= ' '))
        i++;
    while (n > i && ((unsigned char)s[n - 1] <= ' '))
        n--;
    if (i == n) return false;
    if (word_at(s, n, i, "interval")) {
        i += 8;
        if (i == n || !is_space(s[i])) return false;
        while (i < n && is_space(s[i]))
            i++;
        /* INTERVAL '...' as the SQL literal: the quoted text is itself a unit list */
        if (i < n && (s[i] == '\'' || s[i] == '"') && s[n - 1] == s[i] && n - i >= 2) {
            size_t q = i + 1;
            const char *close = memchr(s + q, s[i], n - q);
            if (close == s + n - 1) return weir_parse_interval(s + q, n - 1 - q, out_us);
        }
    }
    int64_t total = 0;
    bool any = false;
    while (i < n) {
        while (i < n && is_space(s[i]))
            i++;
        if (i == n) break;
        bool neg = false;
        if (s[i] == '-' || s[i] == '+') {
            neg = s[i] == '-';
            i++;
            while (i < n && is_space(s[i]))
                i++;
        }
        bool quoted = i < n && s[i] == '\'';
        if (quoted) {
            i++;
            if (i < n && (s[i] == '-' || s[i] == '+')) {
                if (s[i] == '-') neg = !neg;
                i++;
            }
        }
        if (i == n || !isdigit((unsigned char)s[i])) return false;
        int64_t v = 0;
        while (i < n && isdigit((unsigned char)s[i])) {
            if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v))
                return false;
            i++;
        }
        int64_t frac_us = 0;
        bool has_frac = false;
        if (i < n && s[i] == '.') {
            has_frac = true;
            i++;
            int fd = 0;
            while (i < n && isdigit((unsigned char)s[i])) {
                if (fd >= 9) return false;
                if (fd < 6) frac_us = frac_us * 10 + (s[i] - '0');
                fd++;
                i++;
            }
            for (int k = fd < 6 ? fd : 6; k < 6; k++)
                frac_us *= 10;
        }
        if (quoted) {
            if (i == n || s[i] != '\'') return false;
            i++;
        }
        if (i == n || !is_space(s[i])) return false;
        while (i < n && is_space(s[i]))
            i++;
        static const struct {
            const char *name;
            int64_t us;
        } units[] = {
            {"microsecond", 1},
            {"millisecond", 1000},
            {"second", WEIR_US_PER_SEC},
            {"minute", 60 * WEIR_US_PER_SEC},
            {"hour", 3600 * WEIR_US_PER_SEC},
            {"day", WEIR_US_PER_DAY},
            {"week", 7 * WEIR_US_PER_DAY},
            {"month", -1},
            {"year", -1},
        };
        int u = -1;
        for (int k = 0; k < 9; k++)
            if (word_at(s, n, i, units[k].name)) {
                u = k;
                break;
            }
        if (u < 0) return false;
        i += strlen(units[u].name);
        if (i < n && (s[i] == 's' || s[i] == 'S')) i++;
        if (i < n && !is_space(s[i])) return false;
        if (units[u].us < 0) return false; /* months and years are not day-time */
        if (has_frac && units[u].us != WEIR_US_PER_SEC) return false;
        int64_t part;
        if (__builtin_mul_overflow(v, units[u].us, &part)) return false;
        if (__builtin_add_overflow(part, frac_us, &part)) return false;
        if (neg) part = -part;
        if (__builtin_add_overflow(total, part, &total)) return false;
        any = true;
    }
    if (!any) return false;
    *out_us = total;
    return true;
}
