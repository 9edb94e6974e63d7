/*
 * Dates, timestamps, time zones and intervals with Spark's rules.
 *   TIMESTAMP = int64 microseconds since 1970-01-01T00:00:00Z; DATE = int32 days.
 *   Time zones come from the system tz database (/usr/share/zoneinfo TZif files, read by
 *   weir itself, not via TZ/localtime) or fixed offsets ("+09:00", "UTC", "Z", "GMT+9").
 *   Proleptic Gregorian calendar throughout (Spark 3 default).
 * Everything here is reentrant; loaded zones are cached process-wide (thread-safe).
 */
#ifndef WEIR_BASE_DATETIME_H
#define WEIR_BASE_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define WEIR_US_PER_SEC INT64_C(1000000)
#define WEIR_US_PER_DAY INT64_C(86400000000)

typedef struct weir_tz weir_tz;

/* Looks up a zone by Spark's accepted ids: region ids ("Asia/Seoul", "UTC", "Etc/GMT+9"),
 * "Z", offsets "+09:00", "-0530", "+9", "UTC+09:00", "GMT-8". Returns NULL and sets err for
 * an unknown id ("[INVALID_CONF_VALUE.TIME_ZONE] ..." is the caller's business). The
 * returned zone lives until process exit. */
const weir_tz *weir_tz_get(const char *id, weir_error *err);
/* The zone of the machine (TZ env, /etc/localtime, else UTC): Spark's default session zone. */
const weir_tz *weir_tz_default(void);
const char *weir_tz_id(const weir_tz *tz);
/* Offset from UTC in seconds at the UTC instant utc_us. */
int32_t weir_tz_offset_at_utc(const weir_tz *tz, int64_t utc_us);
/* Converts a local wall-clock time (µs since the local epoch) to UTC as java.time does:
 * in an overlap the earlier offset is used, in a gap the time is shifted forward by the gap. */
int64_t weir_tz_local_to_utc(const weir_tz *tz, int64_t local_us);
static inline int64_t weir_tz_utc_to_local(const weir_tz *tz, int64_t utc_us)
{
    return utc_us + (int64_t)weir_tz_offset_at_utc(tz, utc_us) * WEIR_US_PER_SEC;
}

/* Civil calendar <-> days since epoch. */
int32_t weir_days_from_civil(int64_t y, int m, int d);
void weir_civil_from_days(int32_t days, int *y, int *m, int *d);
/* floor division helpers for negative timestamps */
static inline int64_t weir_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
static inline int64_t weir_floor_mod(int64_t a, int64_t b)
{
    int64_t m = a % b;
    return (m != 0 && ((m < 0) != (b < 0))) ? m + b : m;
}

/* CAST(string AS TIMESTAMP) as Spark (DateTimeUtils.stringToTimestamp): leading/trailing
 * whitespace trimmed; "yyyy", "yyyy-[m]m", "yyyy-[m]m-[d]d", then optional ' ' or 'T' and
 * "[h]h:[m]m:[s]s.[fraction up to 6 digits]" and an optional zone ("Z", "+09:00", "UTC",
 * region id). Without a zone the text is local time in tz. false when not a timestamp. */
bool weir_parse_timestamp(const char *s, size_t n, const weir_tz *tz, int64_t *out_us);
/* CAST(string AS DATE) (stringToDate): "yyyy", "yyyy-[m]m", "yyyy-[m]m-[d]d" followed by
 * optional ' ' or 'T' and anything. */
bool weir_parse_date(const char *s, size_t n, int32_t *out_days);
/* CAST(timestamp AS STRING): "yyyy-MM-dd HH:mm:ss" plus ".SSSSSS" with trailing zeros
 * removed when the fraction is non-zero; years outside 0..9999 as Spark prints them.
 * Writes a NUL-terminated string into buf (>= 40 bytes); returns its length. */
int weir_format_timestamp(int64_t us, const weir_tz *tz, char *buf);
/* CAST(date AS STRING): "yyyy-MM-dd". buf >= 16 bytes; returns length. */
int weir_format_date(int32_t days, char *buf);

/* Spark datetime patterns (to_timestamp(s, fmt), date_format, unix_timestamp,
 * from_unixtime, timestampFormat/dateFormat options): y, M, d, H, h, m, s, S, a, E, D, z,
 * X, x, Z, V, literal text in '...', optional sections [...]. */
typedef struct weir_dtfmt weir_dtfmt;
/* Compiles a pattern; NULL + err for an invalid one (Spark's message). Allocates with
 * malloc; free with weir_dtfmt_free. */
weir_dtfmt *weir_dtfmt_compile(const char *pattern, weir_error *err);
void weir_dtfmt_free(weir_dtfmt *f);
/* Parses text with the pattern; false when it does not match (the caller yields NULL). */
bool weir_dtfmt_parse(const weir_dtfmt *f, const char *s, size_t n, const weir_tz *tz,
                      int64_t *out_us);
/* Formats a timestamp; returns the length written (NUL-terminated, truncated to n-1). */
int weir_dtfmt_format(const weir_dtfmt *f, int64_t us, const weir_tz *tz, char *buf, size_t n);

/* Parses an interval string as Spark's CalendarInterval / window durations accept:
 * "10 minutes", "5 minute", "1 hour 30 minutes", "interval 10 seconds", "2 days",
 * "100 milliseconds", "10 microseconds", "1 week". Months/years are rejected (false) since
 * weir intervals are day-time. */
bool weir_parse_interval(const char *s, size_t n, int64_t *out_us);

#endif
