/*
 * Dates, timestamps, zones, datetime patterns and the datetime SQL functions. Expected
 * values come from Spark's own suites (DateTimeUtilsSuite, DateExpressionsSuite,
 * DateFunctionsSuite) and the ExpressionDescription examples of datetimeExpressions.scala
 * (which assume the session zone America/Los_Angeles).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/datetime.h"
#include "plan/expr.h"

extern const weir_func weir_funcs_datetime[];

static const weir_tz *zone(const char *id)
{
    weir_error err;
    const weir_tz *z = weir_tz_get(id, &err);
    assert_non_null(z);
    return z;
}

/* local wall time in zone -> micros (via the library's own conversion) */
static int64_t ts(const char *zid, int y, int mo, int d, int h, int mi, int s, int us)
{
    int64_t local = ((int64_t)weir_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) *
                        WEIR_US_PER_SEC +
                    us;
    return weir_tz_local_to_utc(zone(zid), local);
}

/* UTC instant with an explicit offset in seconds */
static int64_t ts_off(int y, int mo, int d, int h, int mi, int s, int us, int off)
{
    return ((int64_t)weir_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off) *
               WEIR_US_PER_SEC +
           us;
}

static bool pts(const char *s, const char *zid, int64_t *out)
{
    return weir_parse_timestamp(s, strlen(s), zone(zid), out);
}

static const char *fmt_ts(int64_t us, const char *zid)
{
    static char buf[64];
    weir_format_timestamp(us, zone(zid), buf);
    return buf;
}

/* ---- calendar ------------------------------------------------------------------------------ */

static void test_civil(void **state)
{
    (void)state;
    assert_int_equal(weir_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(weir_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(weir_days_from_civil(2016, 3, 18), 16878);
    assert_int_equal(weir_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(weir_days_from_civil(2000, 3, 1), 11017);
    for (int32_t d = -800000; d < 800000; d += 997) {
        int y, m, dd;
        weir_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(weir_days_from_civil(y, m, dd), d);
    }
    int y, m, d;
    weir_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    assert_int_equal(weir_floor_div(-1, 1000000), -1);
    assert_int_equal(weir_floor_mod(-1, 1000000), 999999);
}

/* ---- CAST(string AS DATE) (DateTimeUtilsSuite "string to date") -------------------------- */

static void test_parse_date(void **state)
{
    (void)state;
    int32_t d;
    const char *ok[] = {"2015-03-18",        "2015-03-18 ",       " 2015-03-18", " 2015-03-18 ",
                        "2015-03-18 123142", "2015-03-18T123123", "2015-03-18T"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_true(weir_parse_date(ok[i], strlen(ok[i]), &d));
        assert_int_equal(d, weir_days_from_civil(2015, 3, 18));
    }
    assert_true(weir_parse_date("2015-01-28", 10, &d));
    assert_int_equal(d, weir_days_from_civil(2015, 1, 28));
    assert_true(weir_parse_date("2015", 4, &d));
    assert_int_equal(d, weir_days_from_civil(2015, 1, 1));
    assert_true(weir_parse_date("0001", 4, &d));
    assert_int_equal(d, weir_days_from_civil(1, 1, 1));
    assert_true(weir_parse_date("2015-03", 7, &d));
    assert_int_equal(d, weir_days_from_civil(2015, 3, 1));
    assert_true(weir_parse_date("2015-3-8", 8, &d));
    assert_int_equal(d, weir_days_from_civil(2015, 3, 8));
    assert_true(weir_parse_date("-0001-01-01", 11, &d));
    assert_int_equal(d, weir_days_from_civil(-1, 1, 1));
    const char *bad[] = {
        "2015-03-18X", "2015/03/18", "2015.03.18",         "20150318", "2015-031-8", "015-03-18",
        "015",         "1999 08 01", "1999-08 01",         "1999 08",  "",           "   ",
        "2015-02-29",  "2015-04-31", "2015-02-29 00:00:00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(weir_parse_date(bad[i], strlen(bad[i]), &d));
}

/* ---- CAST(string AS TIMESTAMP) (DateTimeUtilsSuite "string to timestamp") ---------------- */

static void test_parse_timestamp(void **state)
{
    (void)state;
    const char *zones[] = {"UTC", "America/Los_Angeles", "Asia/Seoul", "Europe/Amsterdam"};
    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        const char *zid = zones[z];
        int64_t v;
        assert_true(pts("1969-12-31 16:00:00", zid, &v));
        assert_int_equal(v, ts(zid, 1969, 12, 31, 16, 0, 0, 0));
        assert_true(pts("0001", zid, &v));
        assert_int_equal(v, ts(zid, 1, 1, 1, 0, 0, 0, 0));
        assert_true(pts("2015-03", zid, &v));
        assert_int_equal(v, ts(zid, 2015, 3, 1, 0, 0, 0, 0));
        const char *days[] = {"2015-03-18", "2015-03-18 ", " 2015-03-18", " 2015-03-18 "};
        for (int i = 0; i < 4; i++) {
            assert_true(pts(days[i], zid, &v));
            assert_int_equal(v, ts(zid, 2015, 3, 18, 0, 0, 0, 0));
        }
        int64_t exp = ts(zid, 2015, 3, 18, 12, 3, 17, 0);
        assert_true(pts("2015-03-18 12:03:17", zid, &v));
        assert_int_equal(v, exp);
        assert_true(pts("2015-03-18T12:03:17", zid, &v));
        assert_int_equal(v, exp);
        assert_true(pts("2015-3-8 1:3:7", zid, &v));
        assert_int_equal(v, ts(zid, 2015, 3, 8, 1, 3, 7, 0));

        /* a zone in the text wins over the session zone */
        exp = ts_off(2015, 3, 18, 12, 3, 17, 0, -(13 * 3600 + 53 * 60));
        assert_true(pts("2015-03-18T12:03:17-13:53", zid, &v));
        assert_int_equal(v, exp);
        assert_true(pts("2015-03-18T12:03:17GMT-13:53", zid, &v));
        assert_int_equal(v, exp);
        exp = ts_off(2015, 3, 18, 12, 3, 17, 0, 0);
        const char *utcs[] = {"2015-03-18T12:03:17Z", "2015-03-18 12:03:17Z",
                              "2015-03-18 12:03:17UTC", "2015-03-18 12:03:17 UTC"};
        for (int i = 0; i < 4; i++) {
            assert_true(pts(utcs[i], zid, &v));
            assert_int_equal(v, exp);
        }
        exp = ts_off(2015, 3, 18, 12, 3, 17, 0, -3600);
        const char *m1[] = {"2015-03-18T12:03:17-1:0", "2015-03-18T12:03:17-01:00",
                            "2015-03-18T12:03:17GMT-01:00"};
        for (int i = 0; i < 3; i++) {
            assert_true(pts(m1[i], zid, &v));
            assert_int_equal(v, exp);
        }
        exp = ts_off(2015, 3, 18, 12, 3, 17, 0, 7 * 3600 + 1800);
        assert_true(pts("2015-03-18T12:03:17+07:30", zid, &v));
        assert_int_equal(v, exp);
        assert_true(pts("2015-03-18T12:03:17 GMT+07:30", zid, &v));
        assert_int_equal(v, exp);
        exp = ts_off(2015, 3, 18, 12, 3, 17, 0, 7 * 3600 + 180);
        assert_true(pts("2015-03-18T12:03:17+07:03", zid, &v));
        assert_int_equal(v, exp);

        /* fractions: 1-6 digits, more are truncated */
        assert_true(pts("2015-03-18 12:03:17.123", zid, &v));
        assert_int_equal(v, ts(zid, 2015, 3, 18, 12, 3, 17, 123000));
        assert_true(pts("2015-03-18T12:03:17.456Z", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 456000, 0));
        assert_true(pts("2015-03-18 12:03:17.456 UTC", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 456000, 0));
        assert_true(pts("2015-03-18T12:03:17.123-1:0", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 123000, -3600));
        assert_true(pts("2015-03-18T12:03:17.123121+7:30", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 123121, 27000));
        assert_true(pts("2015-03-18T12:03:17.123121 GMT+0730", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 123121, 27000));
        assert_true(pts("2015-03-18T12:03:17.12312 UT+07:30", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 123120, 27000));
        assert_true(pts("2011-05-06 07:08:09.1000", zid, &v));
        assert_int_equal(v, ts(zid, 2011, 5, 6, 7, 8, 9, 100000));
        assert_true(pts("2015-03-18T12:03:17.123456789+0:00", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 123456, 0));
        assert_true(pts("2015-03-18T12:03:17.123456789 UTC+0", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 123456, 0));
        assert_true(pts("2015-03-18T12:03:17.123456 Europe/Moscow", zid, &v));
        assert_int_equal(v, ts_off(2015, 3, 18, 12, 3, 17, 123456, 3 * 3600));
        assert_true(pts("2016-12-31T10:11:12 Asia/Seoul", zid, &v));
        assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 0, 9 * 3600));
        assert_true(pts("2016-12-31 10:11:12+09:00", zid, &v));
        assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 0, 9 * 3600));

        const char *bad[] = {"238",
                             "2015-03-18 123142",
                             "2015-03-18T123123",
                             "2015-03-18X",
                             "2015/03/18",
                             "2015.03.18",
                             "20150318",
                             "2015-031-8",
                             "015-01-18",
                             "2015-03-18T12:03.17-20:0",
                             "2015-03-18T12:03.17-0:70",
                             "2015-03-18T12:03.17-1:0:0",
                             "1999 08 01",
                             "1999-08 01",
                             "1999 08",
                             ":8:434421+ 98:38",
                             "2015-02-29 00:00:00",
                             "2015-04-31",
                             "2015-03-18 24:00:00",
                             "2015-03-18 12:60:00",
                             "2015-03-18 12:03:17 Mars/Olympus",
                             "",
                             "  "};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            assert_false(pts(bad[i], zid, &v));
    }
    /* time only: today in the zone */
    int64_t v;
    assert_true(pts("18:12:15", "UTC", &v));
    assert_int_equal(weir_floor_mod(v, WEIR_US_PER_DAY),
                     (18 * 3600 + 12 * 60 + 15) * WEIR_US_PER_SEC);
    assert_true(pts("T18:12:15.12312+7:30", "UTC", &v));
    assert_int_equal(weir_floor_mod(v + 27000 * WEIR_US_PER_SEC, WEIR_US_PER_DAY),
                     (18 * 3600 + 12 * 60 + 15) * WEIR_US_PER_SEC + 123120);
    /* negative years */
    assert_true(pts("-0001-01-01 00:00:00", "UTC", &v));
    assert_int_equal(v, (int64_t)weir_days_from_civil(-1, 1, 1) * WEIR_US_PER_DAY);
    /* SPARK-35780: the full range of years */
    assert_true(pts("-1969-12-31 16:00:00", "UTC", &v));
    assert_int_equal(v, ts_off(-1969, 12, 31, 16, 0, 0, 0, 0));
    assert_true(pts("02015-03-18 16:00:00", "UTC", &v));
    assert_int_equal(v, ts_off(2015, 3, 18, 16, 0, 0, 0, 0));
    assert_true(pts("000001", "UTC", &v));
    assert_int_equal(v, ts_off(1, 1, 1, 0, 0, 0, 0, 0));
    assert_true(pts("-000001", "UTC", &v));
    assert_int_equal(v, ts_off(-1, 1, 1, 0, 0, 0, 0, 0));
    assert_true(pts("00238", "UTC", &v));
    assert_int_equal(v, ts_off(238, 1, 1, 0, 0, 0, 0, 0));
    assert_true(pts("99999-03-01T12:03:17", "UTC", &v));
    assert_int_equal(v, ts_off(99999, 3, 1, 12, 3, 17, 0, 0));
    assert_true(pts("294247-01-10T04:00:54.775807Z", "UTC", &v));
    assert_int_equal(v, INT64_MAX);
    assert_false(pts("294247-01-10T04:00:54.775808Z", "UTC", &v));
    assert_true(pts("-290308-12-21T19:59:05.224192Z", "UTC", &v));
    assert_int_equal(v, INT64_MIN);
    assert_false(pts("-290308-12-21T19:59:05.224191Z", "UTC", &v));
    const char *bad2[] = {"+12:12:12",
                          "-12:12:12",
                          "+",
                          "4294967297",
                          "2021-4294967297-11",
                          "4294967297:30:00",
                          "2021-11-4294967297T12:30:00",
                          "2021-01-01T12:4294967297:00",
                          "2021-01-01T12:30:4294967297",
                          "2021-01-01T12:30:4294967297.123456",
                          "2021-01-01T12:30:4294967297+07:30",
                          "2021-01-01T12:30:4294967297UTC",
                          "2021-01-01T12:30:4294967297+4294967297:30"};
    for (size_t i = 0; i < sizeof(bad2) / sizeof(bad2[0]); i++)
        assert_false(pts(bad2[i], "UTC", &v));
}

/* ---- zones ---------------------------------------------------------------------------------- */

static void test_zones(void **state)
{
    (void)state;
    weir_error err;
    const weir_tz *seoul = zone("Asia/Seoul");
    assert_string_equal(weir_tz_id(seoul), "Asia/Seoul");
    assert_int_equal(weir_tz_offset_at_utc(seoul, ts_off(2016, 8, 31, 0, 0, 0, 0, 0)), 9 * 3600);
    /* Seoul had DST in 1988: +10 in July */
    assert_int_equal(weir_tz_offset_at_utc(seoul, ts_off(1988, 7, 1, 0, 0, 0, 0, 0)), 10 * 3600);
    assert_string_equal(weir_tz_id(zone("+9")), "+09:00");
    assert_string_equal(weir_tz_id(zone("+09:00")), "+09:00");
    assert_string_equal(weir_tz_id(zone("-0530")), "-05:30");
    assert_string_equal(weir_tz_id(zone("Z")), "Z");
    assert_string_equal(weir_tz_id(zone("UTC")), "UTC");
    assert_string_equal(weir_tz_id(zone("GMT+9")), "GMT+09:00");
    assert_string_equal(weir_tz_id(zone("UTC+8:00")), "UTC+08:00");
    assert_string_equal(weir_tz_id(zone("GMT+0")), "GMT");
    assert_string_equal(weir_tz_id(zone("PST")), "America/Los_Angeles");
    assert_string_equal(weir_tz_id(zone("EST")), "-05:00");
    assert_int_equal(weir_tz_offset_at_utc(zone("-07:10:20"), 0), -(7 * 3600 + 10 * 60 + 20));
    assert_int_equal(weir_tz_offset_at_utc(zone("Etc/GMT+9"), 0), -9 * 3600);
    assert_null(weir_tz_get("Mars/Olympus", &err));
    assert_string_equal(err.msg, "Unknown time-zone ID: Mars/Olympus");
    assert_null(weir_tz_get("+25:00", &err));
    assert_null(weir_tz_get("asia/seoul", &err)); /* ids are case-sensitive, as in Java */
    assert_null(weir_tz_get("../etc/passwd", &err));
    assert_null(weir_tz_get("", &err));
    assert_ptr_equal(zone("Asia/Seoul"), seoul); /* cached */
    assert_non_null(weir_tz_default());

    /* America/Los_Angeles: the 2016 gap (02:00 -> 03:00 on Mar 13) and overlap (Nov 6) */
    const weir_tz *la = zone("America/Los_Angeles");
    int64_t day = (int64_t)weir_days_from_civil(2016, 3, 13) * WEIR_US_PER_DAY;
    assert_int_equal(
        weir_tz_local_to_utc(la, day + 1 * 3600 * WEIR_US_PER_SEC + 59 * 60 * WEIR_US_PER_SEC),
        ts_off(2016, 3, 13, 9, 59, 0, 0, 0));
    /* 02:30 does not exist: java.time moves it forward by the gap -> 03:30 PDT */
    assert_int_equal(weir_tz_local_to_utc(la, day + 150 * 60 * WEIR_US_PER_SEC),
                     ts_off(2016, 3, 13, 10, 30, 0, 0, 0));
    assert_int_equal(weir_tz_local_to_utc(la, day + 3 * 3600 * WEIR_US_PER_SEC),
                     ts_off(2016, 3, 13, 10, 0, 0, 0, 0));
    /* 01:30 on Nov 6 happens twice: the earlier offset (PDT) is used */
    day = (int64_t)weir_days_from_civil(2016, 11, 6) * WEIR_US_PER_DAY;
    assert_int_equal(weir_tz_local_to_utc(la, day + 90 * 60 * WEIR_US_PER_SEC),
                     ts_off(2016, 11, 6, 8, 30, 0, 0, 0));
    assert_int_equal(weir_tz_local_to_utc(la, day + 2 * 3600 * WEIR_US_PER_SEC),
                     ts_off(2016, 11, 6, 10, 0, 0, 0, 0));
    /* from UTC (DateTimeUtilsSuite "from UTC timestamp" with PST) */
    assert_string_equal(fmt_ts(ts_off(2016, 3, 13, 9, 59, 59, 0, 0), "America/Los_Angeles"),
                        "2016-03-13 01:59:59");
    assert_string_equal(fmt_ts(ts_off(2016, 3, 13, 10, 0, 0, 0, 0), "America/Los_Angeles"),
                        "2016-03-13 03:00:00");
    assert_string_equal(fmt_ts(ts_off(2016, 11, 6, 8, 59, 59, 0, 0), "America/Los_Angeles"),
                        "2016-11-06 01:59:59");
    assert_string_equal(fmt_ts(ts_off(2016, 11, 6, 9, 0, 0, 0, 0), "America/Los_Angeles"),
                        "2016-11-06 01:00:00");
    assert_string_equal(fmt_ts(ts_off(2016, 11, 6, 10, 0, 0, 0, 0), "America/Los_Angeles"),
                        "2016-11-06 02:00:00");
    /* far future follows the POSIX rule of the tz file; far past uses local mean time */
    assert_int_equal(weir_tz_offset_at_utc(la, ts_off(2300, 7, 1, 0, 0, 0, 0, 0)), -7 * 3600);
    assert_int_equal(weir_tz_offset_at_utc(la, ts_off(2300, 1, 1, 0, 0, 0, 0, 0)), -8 * 3600);
    assert_int_equal(weir_tz_offset_at_utc(la, ts_off(1800, 1, 1, 0, 0, 0, 0, 0)), -28378);
    /* minutes in Australia/North (DateTimeUtilsSuite "minutes") */
    int64_t in = ts("America/Los_Angeles", 2015, 3, 18, 13, 2, 11, 0);
    assert_string_equal(fmt_ts(in, "Australia/North"), "2015-03-19 05:32:11");
}

/* ---- CAST(timestamp AS STRING) -------------------------------------------------------------- */

static void test_format_timestamp(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(fmt_ts(ts_off(2016, 3, 20, 12, 20, 0, 0, 0), "UTC"), "2016-03-20 12:20:00");
    assert_string_equal(fmt_ts(ts_off(2016, 3, 20, 12, 20, 0, 500000, 0), "UTC"),
                        "2016-03-20 12:20:00.5");
    assert_string_equal(fmt_ts(ts_off(2016, 3, 20, 12, 20, 0, 123456, 0), "UTC"),
                        "2016-03-20 12:20:00.123456");
    assert_string_equal(fmt_ts(ts_off(2016, 3, 20, 12, 20, 0, 120, 0), "UTC"),
                        "2016-03-20 12:20:00.00012");
    assert_string_equal(fmt_ts(-1, "UTC"), "1969-12-31 23:59:59.999999");
    assert_string_equal(fmt_ts(-1000000, "UTC"), "1969-12-31 23:59:59");
    assert_string_equal(fmt_ts(0, "America/Los_Angeles"), "1969-12-31 16:00:00");
    assert_string_equal(fmt_ts(0, "Asia/Seoul"), "1970-01-01 09:00:00");
    assert_string_equal(fmt_ts(ts_off(10000, 1, 1, 0, 0, 0, 0, 0), "UTC"), "+10000-01-01 00:00:00");
    assert_string_equal(fmt_ts(ts_off(-1, 1, 1, 0, 0, 0, 0, 0), "UTC"), "-0001-01-01 00:00:00");
    assert_int_equal(weir_format_date(0, buf), 10);
    assert_string_equal(buf, "1970-01-01");
    weir_format_date(-1, buf);
    assert_string_equal(buf, "1969-12-31");
    weir_format_date(weir_days_from_civil(1, 1, 1), buf);
    assert_string_equal(buf, "0001-01-01");
    weir_format_date(weir_days_from_civil(0, 1, 1), buf);
    assert_string_equal(buf, "0000-01-01");
}

/* ---- interval strings (window durations) ------------------------------------------------------
 */

static void test_interval(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int64_t us;
    } ok[] = {
        {"10 minutes", 600000000},
        {"5 minute", 300000000},
        {"1 hour", 3600000000},
        {"2 days", 172800000000},
        {"1 week", 604800000000},
        {"100 milliseconds", 100000},
        {"10 microseconds", 10},
        {"interval 10 seconds", 10000000},
        {"INTERVAL 10 SECONDS", 10000000},
        {"1 hour 30 minutes", 5400000000},
        {"-10 minutes", -600000000},
        {"1 day -1 hour", 82800000000},
        {"1.5 seconds", 1500000},
        {"  10   minutes  ", 600000000},
        {"interval '10 minutes'", 600000000},
        {"interval '10' minute", 600000000},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int64_t v = 0;
        assert_true(weir_parse_interval(ok[i].s, strlen(ok[i].s), &v));
        assert_int_equal(v, ok[i].us);
    }
    const char *bad[] = {"1 month",     "2 years",      "1 year 1 day", "",
                         "interval",    "10",           "minutes",      "10 minutesx",
                         "1.5 minutes", "10 fortnights"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t v;
        assert_false(weir_parse_interval(bad[i], strlen(bad[i]), &v));
    }
}

/* ---- datetime patterns -------------------------------------------------------------------------
 */

static bool fparse(const char *pat, const char *s, const char *zid, int64_t *out)
{
    weir_error err;
    weir_dtfmt *f = weir_dtfmt_compile(pat, &err);
    assert_non_null(f);
    bool ok = weir_dtfmt_parse(f, s, strlen(s), zone(zid), out);
    weir_dtfmt_free(f);
    return ok;
}

static const char *fformat(const char *pat, int64_t us, const char *zid)
{
    static char buf[256];
    weir_error err;
    weir_dtfmt *f = weir_dtfmt_compile(pat, &err);
    assert_non_null(f);
    weir_dtfmt_format(f, us, zone(zid), buf, sizeof buf);
    weir_dtfmt_free(f);
    return buf;
}

static void test_pattern_parse(void **state)
{
    (void)state;
    int64_t v;
    assert_true(fparse("yyyy-MM-dd", "2016-12-31", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 0, 0, 0, 0, 0));
    assert_false(fparse("yyyy-MM-dd HH:mm:ss", "2016-12-31", "UTC", &v));
    assert_true(fparse("yyyy-MM-dd HH:mm:ss", "2016-12-31 00:12:00", "America/Los_Angeles", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 0, 12, 0, 0, -8 * 3600));
    /* fractions: 1..n digits for n S's */
    assert_true(fparse("yyyy-MM-dd HH:mm:ss.SSS", "2016-12-31 10:11:12.12", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 120000, 0));
    assert_true(fparse("yyyy-MM-dd HH:mm:ss.SSS", "2016-12-31 10:11:12.123", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 123000, 0));
    assert_false(fparse("yyyy-MM-dd HH:mm:ss.SSS", "2016-12-31 10:11:12.1234", "UTC", &v));
    assert_true(
        fparse("yyyy-MM-dd HH:mm:ss.SSSSSSSSS", "2019-10-06 10:11:12.123456789", "UTC", &v));
    assert_int_equal(v, ts_off(2019, 10, 6, 10, 11, 12, 123456, 0));
    /* widths: MM needs two digits, M takes one or two */
    assert_false(fparse("yyyy-MM-dd", "2016-1-5", "UTC", &v));
    assert_true(fparse("yyyy-M-d", "2016-1-5", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 0, 0, 0, 0, 0));
    /* adjacent value parsing */
    assert_true(fparse("yyyyMMdd", "20160105", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 0, 0, 0, 0, 0));
    assert_true(fparse("yyyyMMddHHmmss", "20160105103000", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 10, 30, 0, 0, 0));
    assert_true(fparse("yy-MM-dd", "16-01-05", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 0, 0, 0, 0, 0));
    /* text, case-insensitive */
    assert_true(fparse("dd MMM yyyy", "05 jan 2016", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 0, 0, 0, 0, 0));
    assert_true(fparse("MMMM d, yyyy", "January 5, 2016", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 0, 0, 0, 0, 0));
    assert_true(fparse("hh:mm a", "03:20 PM", "UTC", &v));
    assert_int_equal(v, ts_off(1970, 1, 1, 15, 20, 0, 0, 0));
    assert_true(fparse("hh:mm a", "12:20 AM", "UTC", &v));
    assert_int_equal(v, ts_off(1970, 1, 1, 0, 20, 0, 0, 0));
    /* missing fields default to 1970-01-01 00:00 */
    assert_true(fparse("MM/dd", "02/28", "UTC", &v));
    assert_int_equal(v, ts_off(1970, 2, 28, 0, 0, 0, 0, 0));
    assert_false(fparse("MM/dd", "02/29", "UTC", &v));
    assert_true(fparse("yyyy D", "2016 60", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 2, 29, 0, 0, 0, 0, 0));
    /* strict validation */
    assert_false(fparse("yyyy-MM-dd", "2019-02-29", "UTC", &v));
    assert_false(fparse("yyyy-MM-dd", "2019-13-01", "UTC", &v));
    assert_false(fparse("HH:mm", "24:00", "UTC", &v));
    assert_false(fparse("yyyy-MM-dd", "2016-12-31 ", "UTC", &v));
    assert_false(fparse("yyyy-MM-dd", " 2016-12-31", "UTC", &v));
    assert_false(fparse("yyyy", "12345", "UTC", &v));
    assert_true(fparse("yyyy", "+12345", "UTC", &v));
    /* zones and offsets */
    assert_true(fparse("yyyy-MM-dd'T'HH:mm:ssXXX", "2016-12-31T10:11:12+09:00", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 0, 9 * 3600));
    assert_true(fparse("yyyy-MM-dd'T'HH:mm:ssX", "2016-12-31T10:11:12Z", "Asia/Seoul", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 0, 0));
    assert_true(fparse("yyyy-MM-dd HH:mm:ss Z", "2016-12-31 10:11:12 -0800", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 0, -8 * 3600));
    assert_true(fparse("yyyy-MM-dd HH:mm:ss VV", "2016-12-31 10:11:12 Asia/Seoul", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 0, 9 * 3600));
    assert_true(fparse("yyyy-MM-dd HH:mm:ss z", "2016-12-31 10:11:12 PST", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 12, 31, 10, 11, 12, 0, -8 * 3600));
    /* optional sections and quoted literals */
    assert_true(fparse("yyyy-MM-dd[ HH:mm]", "2016-01-05", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 0, 0, 0, 0, 0));
    assert_true(fparse("yyyy-MM-dd[ HH:mm]", "2016-01-05 10:20", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 10, 20, 0, 0, 0));
    assert_true(fparse("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "2016-01-05T10:20:30.400Z", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 5, 10, 20, 30, 400000, 0));
    assert_true(fparse("yyyy 'o''clock' HH", "2016 o'clock 10", "UTC", &v));
    assert_int_equal(v, ts_off(2016, 1, 1, 10, 0, 0, 0, 0));
    /* a DST gap in the session zone moves forward */
    assert_true(fparse("yyyy-MM-dd HH:mm", "2016-03-13 02:30", "America/Los_Angeles", &v));
    assert_int_equal(v, ts_off(2016, 3, 13, 10, 30, 0, 0, 0));
}

static void test_pattern_format(void **state)
{
    (void)state;
    int64_t t = ts_off(2016, 4, 8, 13, 14, 15, 123456, 0);
    assert_string_equal(fformat("yyyy-MM-dd HH:mm", t, "UTC"), "2016-04-08 13:14");
    assert_string_equal(fformat("y", t, "UTC"), "2016");
    assert_string_equal(fformat("yy", t, "UTC"), "16");
    assert_string_equal(fformat("MM/dd/yyy", t, "UTC"), "04/08/2016");
    assert_string_equal(fformat("E EEEE a MMM MMMM", t, "UTC"), "Fri Friday PM Apr April");
    assert_string_equal(fformat("E", ts_off(2016, 4, 11, 0, 0, 0, 0, 0), "UTC"), "Mon");
    assert_string_equal(fformat("EEEE", ts_off(2016, 4, 11, 0, 0, 0, 0, 0), "UTC"), "Monday");
    assert_string_equal(fformat("MMM", ts_off(2016, 1, 11, 0, 0, 0, 0, 0), "UTC"), "Jan");
    assert_string_equal(fformat("a", ts_off(2016, 1, 11, 9, 0, 0, 0, 0), "UTC"), "AM");
    assert_string_equal(fformat("hh h K k H", ts_off(2016, 1, 11, 0, 5, 0, 0, 0), "UTC"),
                        "12 12 0 24 0");
    assert_string_equal(fformat("S SSS SSSSSS SSSSSSSS", t, "UTC"), "1 123 123456 12345600");
    assert_string_equal(fformat("D DDD Q QQQ QQQQ G GGGG", t, "UTC"),
                        "99 099 2 Q2 2nd quarter AD Anno Domini");
    assert_string_equal(fformat("'Time:' HH'h' ''", t, "UTC"), "Time: 13h '");
    assert_string_equal(fformat("yyyy-MM-dd[ HH:mm]", t, "UTC"), "2016-04-08 13:14");
    assert_string_equal(fformat("Z z zzzz VV O OOOO X XXX x xx", t, "America/Los_Angeles"),
                        "-0700 PDT Pacific Daylight Time America/Los_Angeles GMT-7 GMT-07:00 -07 "
                        "-07:00 -07 -0700");
    assert_string_equal(fformat("z VV X Z", t, "Asia/Seoul"), "KST Asia/Seoul +09 +0900");
    assert_string_equal(fformat("X XX XXX x Z ZZZZZ O", t, "UTC"), "Z Z Z +00 +0000 Z GMT");
    assert_string_equal(fformat("XXX", t, "+05:30"), "+05:30");
    assert_string_equal(fformat("X", t, "+05:30"), "+0530");
    assert_string_equal(fformat("yyyy-MM-dd", ts_off(-44, 3, 15, 0, 0, 0, 0, 0), "UTC"),
                        "-0044-03-15");
    assert_string_equal(fformat("yyyy G", ts_off(-44, 3, 15, 0, 0, 0, 0, 0), "UTC"), "0045 BC");
    assert_string_equal(fformat("yyyy", ts_off(12345, 1, 1, 0, 0, 0, 0, 0), "UTC"), "+12345");
    assert_string_equal(fformat("dd.MM.yyyy HH:mm:ss", -1, "UTC"), "31.12.1969 23:59:59");
    /* truncation to the buffer size */
    char small[6];
    weir_error err;
    weir_dtfmt *f = weir_dtfmt_compile("yyyy-MM-dd", &err);
    assert_int_equal(weir_dtfmt_format(f, t, zone("UTC"), small, sizeof small), 5);
    assert_string_equal(small, "2016-");
    weir_dtfmt_free(f);
}

static void test_pattern_errors(void **state)
{
    (void)state;
    weir_error err;
    const char *upgrade[] = {"YYYY-MM-dd",
                             "yyyy-ww",
                             "uuuu",
                             "EEEEE",
                             "MMMMM",
                             "yyyyyyy",
                             "yyyy-MM-dd hh:mm:ss.SSSSSSSSSS"};
    for (size_t i = 0; i < sizeof(upgrade) / sizeof(upgrade[0]); i++) {
        assert_null(weir_dtfmt_compile(upgrade[i], &err));
        assert_int_equal(err.code, WEIR_ERUNTIME);
        assert_non_null(
            strstr(err.msg, "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION]"));
        assert_non_null(strstr(err.msg, upgrade[i]));
    }
    assert_null(weir_dtfmt_compile("yyyy-MM-dd A", &err));
    assert_string_equal(err.msg, "Illegal pattern character: A");
    assert_null(weir_dtfmt_compile("yyyy bb", &err));
    assert_string_equal(err.msg, "Unknown pattern letter: b");
    assert_null(weir_dtfmt_compile("yyyy 'abc", &err));
    assert_null(weir_dtfmt_compile("yyyy {", &err));
    assert_null(weir_dtfmt_compile("VVV", &err));
    assert_string_equal(err.msg, "Pattern letter count must be 2: V");
    /* letters in quotes are text */
    weir_dtfmt *f = weir_dtfmt_compile("'YYYY week' yyyy", &err);
    assert_non_null(f);
    weir_dtfmt_free(f);
}

/* ---- the SQL functions through bind + exec -----------------------------------------------------
 */

typedef struct fx {
    weir_arena *arena;
    weir_conf_view conf;
    weir_bind_ctx bc;
    weir_eval_ctx ec;
    weir_error err;
} fx;

static fx F;

static int setup(void **state)
{
    (void)state;
    F.arena = weir_arena_new(0);
    F.conf.tz = zone("America/Los_Angeles");
    F.bc.arena = F.arena;
    F.bc.conf = &F.conf;
    F.ec.arena = F.arena;
    F.ec.conf = &F.conf;
    F.ec.err = &F.err;
    F.ec.now_us = ts_off(2020, 5, 17, 3, 4, 5, 0, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    weir_arena_destroy(F.arena);
    return 0;
}

static const weir_func *fn(const char *name)
{
    for (const weir_func *f = weir_funcs_datetime; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    fail_msg("no function %s", name);
    return NULL;
}

/* An argument: a column (vector given) or a string literal. */
typedef struct targ {
    weir_vec *col;   /* column input */
    const char *lit; /* string literal (when col is NULL) */
} targ;

static weir_vec *vec_str(const char *const *s, int n)
{
    weir_vec *v = weir_vec_new(F.arena, WEIR_TYPE_STRING, n);
    for (int i = 0; i < n; i++) {
        if (s[i])
            weir_vec_append_str(v, s[i], (int32_t)strlen(s[i]));
        else
            weir_vec_append_null(v);
    }
    return v;
}

static weir_vec *vec_fixed(const weir_type *t, const void *vals, const bool *nulls, int n)
{
    weir_vec *v = weir_vec_new(F.arena, t, n);
    size_t w = weir_type_width(t);
    for (int i = 0; i < n; i++) {
        if (nulls && nulls[i])
            weir_vec_append_null(v);
        else
            weir_vec_append_fixed(v, (const char *)vals + w * (size_t)i);
    }
    return v;
}

static weir_vec *vec_dates(const char *const *s, int n)
{
    int32_t d[16];
    bool nulls[16];
    for (int i = 0; i < n; i++) {
        nulls[i] = s[i] == NULL;
        d[i] = 0;
        if (s[i]) assert_true(weir_parse_date(s[i], strlen(s[i]), &d[i]));
    }
    return vec_fixed(WEIR_TYPE_DATE, d, nulls, n);
}

static weir_vec *vec_ts(const char *const *s, int n)
{
    int64_t d[16];
    bool nulls[16];
    for (int i = 0; i < n; i++) {
        nulls[i] = s[i] == NULL;
        d[i] = 0;
        if (s[i]) assert_true(weir_parse_timestamp(s[i], strlen(s[i]), F.conf.tz, &d[i]));
    }
    return vec_fixed(WEIR_TYPE_TIMESTAMP, d, nulls, n);
}

static weir_vec *vec_long(const weir_type *t, const int64_t *vals, int n)
{
    weir_vec *v = weir_vec_new(F.arena, t, n);
    for (int i = 0; i < n; i++) {
        if (vals[i] == INT64_MIN) {
            weir_vec_append_null(v);
            continue;
        }
        int32_t x32 = (int32_t)vals[i];
        if (t->id == WEIR_T_BIGINT)
            weir_vec_append_fixed(v, &vals[i]);
        else
            weir_vec_append_fixed(v, &x32);
    }
    return v;
}

/* Binds name(args...) and runs it over n rows. */
static weir_vec *call(const char *name, const targ *args, int nargs, int32_t n, weir_expr **out_e)
{
    const weir_func *f = fn(name);
    weir_expr *e = weir_expr_new(F.arena, WEIR_EX_CALL, NULL);
    e->fn = f;
    e->fname = name;
    e->nargs = nargs;
    e->args = weir_arena_calloc(F.arena, sizeof(weir_expr *) * (size_t)(nargs ? nargs : 1));
    weir_vec **vecs = weir_arena_calloc(F.arena, sizeof(weir_vec *) * (size_t)(nargs ? nargs : 1));
    for (int i = 0; i < nargs; i++) {
        if (args[i].col) {
            static const char *const names[] = {"a", "b", "c", "d", "e", "f", "g"};
            e->args[i] = weir_expr_new(F.arena, WEIR_EX_COLUMN, args[i].col->type);
            e->args[i]->col = i;
            e->args[i]->pretty = names[i];
            e->args[i]->nullable = true;
        } else {
            weir_value v = {.type = WEIR_TYPE_STRING};
            v.is_null = args[i].lit == NULL;
            if (args[i].lit) {
                v.u.s.p = args[i].lit;
                v.u.s.len = (int32_t)strlen(args[i].lit);
            } else {
                v.type = WEIR_TYPE_NULL;
            }
            e->args[i] = weir_expr_literal(F.arena, &v);
        }
    }
    int rc = f->bind(&F.bc, e, &F.err);
    if (rc) fail_msg("bind %s: %s", name, F.err.msg);
    for (int i = 0; i < nargs; i++) {
        if (args[i].col) {
            assert_true(weir_type_equal(e->args[i]->type, args[i].col->type));
            vecs[i] = args[i].col;
        } else {
            weir_value v = {.type = e->args[i]->type, .is_null = args[i].lit == NULL};
            if (args[i].lit) {
                v.u.s.p = args[i].lit;
                v.u.s.len = (int32_t)strlen(args[i].lit);
            }
            vecs[i] = weir_vec_const(F.arena, &v, n);
        }
    }
    weir_vec *res = NULL;
    rc = f->exec(&F.ec, e, vecs, n, &res);
    if (out_e) *out_e = e;
    if (rc) return NULL;
    assert_non_null(res);
    return res;
}

static void expect_strs(const weir_vec *v, const char *const *want, int n)
{
    for (int i = 0; i < n; i++) {
        if (!want[i]) {
            assert_true(weir_vec_is_null(v, i));
            continue;
        }
        assert_false(weir_vec_is_null(v, i));
        char buf[64];
        if (v->type->id == WEIR_T_TIMESTAMP)
            weir_format_timestamp(WEIR_VEC_DATA(v, int64_t)[i], F.conf.tz, buf);
        else if (v->type->id == WEIR_T_DATE)
            weir_format_date(WEIR_VEC_DATA(v, int32_t)[i], buf);
        else {
            int32_t len;
            const char *s = weir_vec_str(v, i, &len);
            snprintf(buf, sizeof buf, "%.*s", len, s);
        }
        assert_string_equal(buf, want[i]);
    }
}

static void expect_ints(const weir_vec *v, const int64_t *want, int n)
{
    for (int i = 0; i < n; i++) {
        if (want[i] == INT64_MIN) {
            assert_true(weir_vec_is_null(v, i));
            continue;
        }
        assert_false(weir_vec_is_null(v, i));
        int64_t got = v->type->id == WEIR_T_BIGINT ? WEIR_VEC_DATA(v, int64_t)[i]
                                                   : WEIR_VEC_DATA(v, int32_t)[i];
        assert_int_equal(got, want[i]);
    }
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_fn_parse_format(void **state)
{
    (void)state;
    weir_expr *e;
    const char *in[] = {"2016-12-31", "2016-12-31 10:11:12", NULL, "garbage"};
    weir_vec *sv = vec_str(in, 4);
    weir_vec *r = call("to_timestamp", (targ[]){{sv, NULL}, {NULL, "yyyy-MM-dd"}}, 2, 4, &e);
    assert_int_equal(e->type->id, WEIR_T_TIMESTAMP);
    expect_strs(r, (const char *[]){"2016-12-31 00:00:00", NULL, NULL, NULL}, 4);
    r = call("to_timestamp", (targ[]){{sv, NULL}, {NULL, "yyyy-MM-dd HH:mm:ss"}}, 2, 4, NULL);
    expect_strs(r, (const char *[]){NULL, "2016-12-31 10:11:12", NULL, NULL}, 4);
    r = call("to_date", (targ[]){{sv, NULL}, {NULL, "yyyy-MM-dd HH:mm:ss"}}, 2, 4, &e);
    assert_int_equal(e->type->id, WEIR_T_DATE);
    expect_strs(r, (const char *[]){NULL, "2016-12-31", NULL, NULL}, 4);
    /* a NULL pattern gives NULL rows */
    r = call("to_timestamp", (targ[]){{sv, NULL}, {NULL, NULL}}, 2, 4, NULL);
    expect_strs(r, (const char *[]){NULL, NULL, NULL, NULL}, 4);
    /* a pattern from a column, changing per row */
    const char *pats[] = {"yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy", "yyyy"};
    r = call("to_timestamp", (targ[]){{sv, NULL}, {vec_str(pats, 4), NULL}}, 2, 4, NULL);
    expect_strs(r, (const char *[]){"2016-12-31 00:00:00", "2016-12-31 10:11:12", NULL, NULL}, 4);
    /* a bad pattern fails on evaluation, with Spark's message */
    assert_null(call("to_timestamp", (targ[]){{sv, NULL}, {NULL, "YYYY"}}, 2, 4, NULL));
    assert_non_null(strstr(F.err.msg, "DATETIME_PATTERN_RECOGNITION"));
    assert_null(call("to_timestamp", (targ[]){{sv, NULL}, {NULL, "E yyyy"}}, 2, 4, NULL));

    /* unix_timestamp('2016-04-08', 'yyyy-MM-dd') = 1460098800 in America/Los_Angeles */
    const char *d1[] = {"2016-04-08", "bad"};
    r = call("unix_timestamp", (targ[]){{vec_str(d1, 2), NULL}, {NULL, "yyyy-MM-dd"}}, 2, 2, &e);
    assert_int_equal(e->type->id, WEIR_T_BIGINT);
    expect_ints(r, (int64_t[]){1460098800, INT64_MIN}, 2);
    r = call("to_unix_timestamp", (targ[]){{vec_str(d1, 2), NULL}, {NULL, "yyyy-MM-dd"}}, 2, 2,
             NULL);
    expect_ints(r, (int64_t[]){1460098800, INT64_MIN}, 2);
    const char *d2[] = {"2016-04-08 00:00:00", "1969-12-31 15:59:59"};
    r = call("unix_timestamp", (targ[]){{vec_str(d2, 2), NULL}}, 1, 2, &e);
    expect_ints(r, (int64_t[]){1460098800, -1}, 2);
    assert_string_equal(weir_expr_pretty(F.arena, e), "unix_timestamp(a, yyyy-MM-dd HH:mm:ss)");
    r = call("unix_timestamp", NULL, 0, 2, &e);
    expect_ints(r, (int64_t[]){1589684645, 1589684645}, 2);
    assert_true(e->nullable);
    r = call("unix_timestamp", (targ[]){{vec_dates(d1, 1), NULL}}, 1, 1, NULL);
    expect_ints(r, (int64_t[]){1460098800}, 1);

    /* date_format */
    const char *t1[] = {"2016-04-08 13:14:15.123", NULL};
    weir_vec *tv = vec_ts(t1, 2);
    r = call("date_format", (targ[]){{tv, NULL}, {NULL, "y"}}, 2, 2, &e);
    assert_int_equal(e->type->id, WEIR_T_STRING);
    expect_strs(r, (const char *[]){"2016", NULL}, 2);
    r = call("date_format", (targ[]){{tv, NULL}, {NULL, "yyyy-MM-dd HH:mm"}}, 2, 2, NULL);
    expect_strs(r, (const char *[]){"2016-04-08 13:14", NULL}, 2);
    r = call("date_format", (targ[]){{tv, NULL}, {NULL, "EEEE, MMM d yyyy hh:mm a SSS"}}, 2, 2,
             NULL);
    expect_strs(r, (const char *[]){"Friday, Apr 8 2016 01:14 PM 123", NULL}, 2);

    /* from_unixtime(0) = '1969-12-31 16:00:00' in America/Los_Angeles */
    weir_vec *secs = vec_long(WEIR_TYPE_BIGINT, (int64_t[]){0, INT64_MIN, 1460098800}, 3);
    r = call("from_unixtime", (targ[]){{secs, NULL}}, 1, 3, &e);
    expect_strs(r, (const char *[]){"1969-12-31 16:00:00", NULL, "2016-04-08 00:00:00"}, 3);
    assert_string_equal(weir_expr_pretty(F.arena, e), "from_unixtime(a, yyyy-MM-dd HH:mm:ss)");
    r = call("from_unixtime", (targ[]){{secs, NULL}, {NULL, "yyyy/MM/dd"}}, 2, 3, NULL);
    expect_strs(r, (const char *[]){"1969/12/31", NULL, "2016/04/08"}, 3);
}

static void test_fn_epoch(void **state)
{
    (void)state;
    weir_expr *e;
    weir_vec *s = vec_long(WEIR_TYPE_BIGINT, (int64_t[]){1230219000, INT64_MIN}, 2);
    weir_vec *r = call("timestamp_seconds", (targ[]){{s, NULL}}, 1, 2, &e);
    assert_int_equal(e->type->id, WEIR_T_TIMESTAMP);
    expect_strs(r, (const char *[]){"2008-12-25 07:30:00", NULL}, 2);
    double dv[] = {1230219000.123};
    r = call("timestamp_seconds", (targ[]){{vec_fixed(WEIR_TYPE_DOUBLE, dv, NULL, 1), NULL}}, 1, 1,
             NULL);
    expect_strs(r, (const char *[]){"2008-12-25 07:30:00.123"}, 1);
    r = call("timestamp_millis",
             (targ[]){{vec_long(WEIR_TYPE_BIGINT, (int64_t[]){1230219000123}, 1), NULL}}, 1, 1,
             NULL);
    expect_strs(r, (const char *[]){"2008-12-25 07:30:00.123"}, 1);
    r = call("timestamp_micros",
             (targ[]){{vec_long(WEIR_TYPE_BIGINT, (int64_t[]){1230219000123123}, 1), NULL}}, 1, 1,
             NULL);
    expect_strs(r, (const char *[]){"2008-12-25 07:30:00.123123"}, 1);
    /* overflow is an error, as Math.multiplyExact */
    assert_null(call("timestamp_seconds",
                     (targ[]){{vec_long(WEIR_TYPE_BIGINT, (int64_t[]){INT64_MAX / 10}, 1), NULL}},
                     1, 1, NULL));

    int64_t v[] = {1000001, -1, 0};
    weir_vec *tv = vec_fixed(WEIR_TYPE_TIMESTAMP, v, NULL, 3);
    r = call("unix_seconds", (targ[]){{tv, NULL}}, 1, 3, &e);
    assert_int_equal(e->type->id, WEIR_T_BIGINT);
    expect_ints(r, (int64_t[]){1, -1, 0}, 3);
    r = call("unix_millis", (targ[]){{tv, NULL}}, 1, 3, NULL);
    expect_ints(r, (int64_t[]){1000, -1, 0}, 3);
    r = call("unix_micros", (targ[]){{tv, NULL}}, 1, 3, NULL);
    expect_ints(r, (int64_t[]){1000001, -1, 0}, 3);

    r = call("current_timestamp", NULL, 0, 1, &e);
    assert_false(e->nullable);
    expect_strs(r, (const char *[]){"2020-05-16 20:04:05"}, 1);
    r = call("now", NULL, 0, 1, NULL);
    expect_strs(r, (const char *[]){"2020-05-16 20:04:05"}, 1);
    r = call("current_date", NULL, 0, 1, NULL);
    expect_strs(r, (const char *[]){"2020-05-16"}, 1); /* the date in the session zone */
    r = call("current_timezone", NULL, 0, 1, NULL);
    expect_strs(r, (const char *[]){"America/Los_Angeles"}, 1);
}

static void test_fn_fields(void **state)
{
    (void)state;
    weir_expr *e;
    const char *dates[] = {"2016-07-30", "2009-07-30", "2008-02-20",
                           "2016-04-09", NULL,         "2021-01-01"};
    weir_vec *dv = vec_dates(dates, 6);
    weir_vec *r = call("year", (targ[]){{dv, NULL}}, 1, 6, &e);
    assert_int_equal(e->type->id, WEIR_T_INT);
    expect_ints(r, (int64_t[]){2016, 2009, 2008, 2016, INT64_MIN, 2021}, 6);
    r = call("quarter", (targ[]){{dv, NULL}}, 1, 6, NULL);
    expect_ints(r, (int64_t[]){3, 3, 1, 2, INT64_MIN, 1}, 6);
    r = call("month", (targ[]){{dv, NULL}}, 1, 6, NULL);
    expect_ints(r, (int64_t[]){7, 7, 2, 4, INT64_MIN, 1}, 6);
    r = call("day", (targ[]){{dv, NULL}}, 1, 6, NULL);
    expect_ints(r, (int64_t[]){30, 30, 20, 9, INT64_MIN, 1}, 6);
    r = call("dayofmonth", (targ[]){{dv, NULL}}, 1, 6, NULL);
    expect_ints(r, (int64_t[]){30, 30, 20, 9, INT64_MIN, 1}, 6);
    r = call("dayofweek", (targ[]){{dv, NULL}}, 1, 6, NULL); /* 2009-07-30 is a Thursday */
    expect_ints(r, (int64_t[]){7, 5, 4, 7, INT64_MIN, 6}, 6);
    r = call("weekday", (targ[]){{dv, NULL}}, 1, 6, NULL);
    expect_ints(r, (int64_t[]){5, 3, 2, 5, INT64_MIN, 4}, 6);
    r = call("dayofyear", (targ[]){{dv, NULL}}, 1, 6, NULL);
    expect_ints(r, (int64_t[]){212, 211, 51, 100, INT64_MIN, 1}, 6);
    r = call("weekofyear", (targ[]){{dv, NULL}}, 1, 6, NULL); /* ISO weeks: 2021-01-01 is in 53 */
    expect_ints(r, (int64_t[]){30, 31, 8, 14, INT64_MIN, 53}, 6);

    const char *tss[] = {"2009-07-30 12:58:59", "1969-12-31 23:59:59.5", NULL};
    weir_vec *tv = vec_ts(tss, 3);
    r = call("hour", (targ[]){{tv, NULL}}, 1, 3, NULL);
    expect_ints(r, (int64_t[]){12, 23, INT64_MIN}, 3);
    r = call("minute", (targ[]){{tv, NULL}}, 1, 3, NULL);
    expect_ints(r, (int64_t[]){58, 59, INT64_MIN}, 3);
    r = call("second", (targ[]){{tv, NULL}}, 1, 3, NULL);
    expect_ints(r, (int64_t[]){59, 59, INT64_MIN}, 3);
}

static void test_fn_trunc_arith(void **state)
{
    (void)state;
    weir_expr *e;
    const char *t1[] = {"2015-03-05T09:32:05.359", "2015-03-05T09:32:05.123456", NULL};
    weir_vec *tv = vec_ts(t1, 3);
    static const struct {
        const char *unit, *want0, *want1;
    } tr[] = {
        {"YEAR", "2015-01-01 00:00:00", "2015-01-01 00:00:00"},
        {"yyyy", "2015-01-01 00:00:00", "2015-01-01 00:00:00"},
        {"quarter", "2015-01-01 00:00:00", "2015-01-01 00:00:00"},
        {"MM", "2015-03-01 00:00:00", "2015-03-01 00:00:00"},
        {"WEEK", "2015-03-02 00:00:00", "2015-03-02 00:00:00"},
        {"DD", "2015-03-05 00:00:00", "2015-03-05 00:00:00"},
        {"HOUR", "2015-03-05 09:00:00", "2015-03-05 09:00:00"},
        {"MINUTE", "2015-03-05 09:32:00", "2015-03-05 09:32:00"},
        {"SECOND", "2015-03-05 09:32:05", "2015-03-05 09:32:05"},
        {"MILLISECOND", "2015-03-05 09:32:05.359", "2015-03-05 09:32:05.123"},
        {"MICROSECOND", "2015-03-05 09:32:05.359", "2015-03-05 09:32:05.123456"},
        {"decade", NULL, NULL},
    };
    for (int i = 0; i < N(tr); i++) {
        weir_vec *r = call("date_trunc", (targ[]){{NULL, tr[i].unit}, {tv, NULL}}, 2, 3, &e);
        assert_int_equal(e->type->id, WEIR_T_TIMESTAMP);
        expect_strs(r, (const char *[]){tr[i].want0, tr[i].want1, NULL}, 3);
    }
    /* day truncation across the LA spring-forward day keeps local midnight */
    const char *t2[] = {"2016-03-13 12:00:00"};
    weir_vec *r = call("date_trunc", (targ[]){{NULL, "DAY"}, {vec_ts(t2, 1), NULL}}, 2, 1, NULL);
    expect_strs(r, (const char *[]){"2016-03-13 00:00:00"}, 1);

    const char *d1[] = {"2019-08-04", "2009-02-12", "2015-10-27"};
    weir_vec *dv = vec_dates(d1, 3);
    r = call("trunc", (targ[]){{dv, NULL}, {NULL, "week"}}, 2, 3, &e);
    assert_int_equal(e->type->id, WEIR_T_DATE);
    expect_strs(r, (const char *[]){"2019-07-29", "2009-02-09", "2015-10-26"}, 3);
    r = call("trunc", (targ[]){{dv, NULL}, {NULL, "quarter"}}, 2, 3, NULL);
    expect_strs(r, (const char *[]){"2019-07-01", "2009-01-01", "2015-10-01"}, 3);
    r = call("trunc", (targ[]){{dv, NULL}, {NULL, "MM"}}, 2, 3, NULL);
    expect_strs(r, (const char *[]){"2019-08-01", "2009-02-01", "2015-10-01"}, 3);
    r = call("trunc", (targ[]){{dv, NULL}, {NULL, "YEAR"}}, 2, 3, NULL);
    expect_strs(r, (const char *[]){"2019-01-01", "2009-01-01", "2015-01-01"}, 3);
    r = call("trunc", (targ[]){{dv, NULL}, {NULL, "DD"}}, 2, 3, NULL);
    expect_strs(r, (const char *[]){NULL, NULL, NULL}, 3);

    const char *d2[] = {"2016-07-30", NULL, "2016-08-31", "2016-01-31"};
    dv = vec_dates(d2, 4);
    weir_vec *ones = vec_long(WEIR_TYPE_INT, (int64_t[]){1, 1, 1, 1}, 4);
    r = call("date_add", (targ[]){{dv, NULL}, {ones, NULL}}, 2, 4, NULL);
    expect_strs(r, (const char *[]){"2016-07-31", NULL, "2016-09-01", "2016-02-01"}, 4);
    r = call("date_sub", (targ[]){{dv, NULL}, {ones, NULL}}, 2, 4, NULL);
    expect_strs(r, (const char *[]){"2016-07-29", NULL, "2016-08-30", "2016-01-30"}, 4);
    r = call("add_months", (targ[]){{dv, NULL}, {ones, NULL}}, 2, 4, NULL);
    expect_strs(r, (const char *[]){"2016-08-30", NULL, "2016-09-30", "2016-02-29"}, 4);
    weir_vec *m = vec_long(WEIR_TYPE_INT, (int64_t[]){36, 1, -13, -1}, 4);
    r = call(
        "add_months",
        (targ[]){
            {vec_dates((const char *[]){"1997-02-28", "2016-07-30", "1997-02-28", "2016-03-31"}, 4),
             NULL},
            {m, NULL}},
        2, 4, NULL);
    expect_strs(r, (const char *[]){"2000-02-28", "2016-08-30", "1996-01-28", "2016-02-29"}, 4);
    r = call("last_day",
             (targ[]){{vec_dates((const char *[]){"2009-01-12", "2016-02-01"}, 2), NULL}}, 1, 2,
             NULL);
    expect_strs(r, (const char *[]){"2009-01-31", "2016-02-29"}, 2);
    r = call(
        "next_day",
        (targ[]){{vec_dates((const char *[]){"2015-01-14", "2015-01-14", "2015-01-14"}, 3), NULL},
                 {vec_str((const char *[]){"TU", "wednesday", "xx"}, 3), NULL}},
        2, 3, NULL);
    expect_strs(r, (const char *[]){"2015-01-20", "2015-01-21", NULL}, 3);
    r = call("datediff",
             (targ[]){{vec_dates((const char *[]){"2009-07-31", "2009-07-30"}, 2), NULL},
                      {vec_dates((const char *[]){"2009-07-30", "2009-07-31"}, 2), NULL}},
             2, 2, &e);
    assert_int_equal(e->type->id, WEIR_T_INT);
    expect_ints(r, (int64_t[]){1, -1}, 2);

    /* months_between (DateTimeUtilsSuite, in UTC and LA) */
    const char *a[] = {"1997-02-28 10:30:00", "1997-02-28 10:30:00", "1997-02-28 10:30:00"};
    const char *b[] = {"1996-10-30 00:00:00", "2000-02-29 00:00:00", "1996-03-31 00:00:00"};
    r = call("months_between", (targ[]){{vec_ts(a, 3), NULL}, {vec_ts(b, 3), NULL}}, 2, 3, &e);
    assert_int_equal(e->type->id, WEIR_T_DOUBLE);
    assert_string_equal(weir_expr_pretty(F.arena, e), "months_between(a, b, true)");
    assert_true(WEIR_VEC_DATA(r, double)[0] == 3.94959677);
    assert_true(WEIR_VEC_DATA(r, double)[1] == -36.0);
    assert_true(WEIR_VEC_DATA(r, double)[2] == 11.0);
    weir_vec *f = weir_vec_new(F.arena, WEIR_TYPE_BOOLEAN, 1);
    uint8_t no = 0;
    weir_vec_append_fixed(f, &no);
    r = call("months_between", (targ[]){{vec_ts(a, 1), NULL}, {vec_ts(b, 1), NULL}, {f, NULL}}, 3,
             1, NULL);
    assert_true(WEIR_VEC_DATA(r, double)[0] == 3.9495967741935485);
}

static void test_fn_make_and_zones(void **state)
{
    (void)state;
    weir_expr *e;
    weir_vec *y = vec_long(WEIR_TYPE_INT, (int64_t[]){2013, 2019, 2019, 2019}, 4);
    weir_vec *mo = vec_long(WEIR_TYPE_INT, (int64_t[]){7, 7, 13, 2}, 4);
    weir_vec *d = vec_long(WEIR_TYPE_INT, (int64_t[]){15, INT64_MIN, 1, 29}, 4);
    weir_vec *r = call("make_date", (targ[]){{y, NULL}, {mo, NULL}, {d, NULL}}, 3, 4, &e);
    assert_int_equal(e->type->id, WEIR_T_DATE);
    expect_strs(r, (const char *[]){"2013-07-15", NULL, NULL, NULL}, 4);

    /* make_timestamp(2014, 12, 28, 6, 30, 45.887) and friends */
    const weir_type *d166 = weir_type_decimal(F.arena, 16, 6);
    __int128 secs[] = {45887000, 60000000, 60500000, 1000000};
    weir_vec *sv = vec_fixed(d166, secs, NULL, 4);
    weir_vec *c[5] = {vec_long(WEIR_TYPE_INT, (int64_t[]){2014, 2019, 2019, INT64_MIN}, 4),
                      vec_long(WEIR_TYPE_INT, (int64_t[]){12, 6, 6, 7}, 4),
                      vec_long(WEIR_TYPE_INT, (int64_t[]){28, 30, 30, 22}, 4),
                      vec_long(WEIR_TYPE_INT, (int64_t[]){6, 23, 23, 15}, 4),
                      vec_long(WEIR_TYPE_INT, (int64_t[]){30, 59, 59, 30}, 4)};
    targ args[7] = {{c[0], NULL}, {c[1], NULL}, {c[2], NULL}, {c[3], NULL},
                    {c[4], NULL}, {sv, NULL},   {NULL, "CET"}};
    r = call("make_timestamp", args, 6, 4, &e);
    assert_int_equal(e->type->id, WEIR_T_TIMESTAMP);
    expect_strs(r, (const char *[]){"2014-12-28 06:30:45.887", "2019-07-01 00:00:00", NULL, NULL},
                4);
    r = call("make_timestamp", args, 7, 4, NULL);
    expect_strs(r, (const char *[]){"2014-12-27 21:30:45.887", "2019-06-30 15:00:00", NULL, NULL},
                4);

    /* from_utc_timestamp / to_utc_timestamp (DateTimeUtilsSuite values) */
    F.conf.tz = zone("UTC");
    const char *t[] = {"2011-12-25 09:00:00.123456", NULL};
    weir_vec *tv = vec_ts(t, 2);
    static const struct {
        const char *zone, *from, *to;
    } cases[] = {
        {"UTC", "2011-12-25 09:00:00.123456", "2011-12-25 09:00:00.123456"},
        {"JST", "2011-12-25 18:00:00.123456", "2011-12-25 00:00:00.123456"},
        {"PST", "2011-12-25 01:00:00.123456", "2011-12-25 17:00:00.123456"},
        {"Asia/Shanghai", "2011-12-25 17:00:00.123456", "2011-12-25 01:00:00.123456"},
        {"-7", "2011-12-25 02:00:00.123456", "2011-12-25 16:00:00.123456"},
        {"+8:00", "2011-12-25 17:00:00.123456", "2011-12-25 01:00:00.123456"},
        {"+8:00:00", "2011-12-25 17:00:00.123456", "2011-12-25 01:00:00.123456"},
        {"+0800", "2011-12-25 17:00:00.123456", "2011-12-25 01:00:00.123456"},
        {"-071020", "2011-12-25 01:49:40.123456", "2011-12-25 16:10:20.123456"},
        {"-07:10:20", "2011-12-25 01:49:40.123456", "2011-12-25 16:10:20.123456"},
    };
    for (int i = 0; i < N(cases); i++) {
        r = call("from_utc_timestamp", (targ[]){{tv, NULL}, {NULL, cases[i].zone}}, 2, 2, NULL);
        expect_strs(r, (const char *[]){cases[i].from, NULL}, 2);
        r = call("to_utc_timestamp", (targ[]){{tv, NULL}, {NULL, cases[i].zone}}, 2, 2, NULL);
        expect_strs(r, (const char *[]){cases[i].to, NULL}, 2);
    }
    /* Spark docs: from_utc_timestamp('2016-08-31', 'Asia/Seoul') = 2016-08-31 09:00:00 */
    const char *t2[] = {"2016-08-31"};
    r = call("from_utc_timestamp", (targ[]){{vec_ts(t2, 1), NULL}, {NULL, "Asia/Seoul"}}, 2, 1,
             NULL);
    expect_strs(r, (const char *[]){"2016-08-31 09:00:00"}, 1);
    r = call("to_utc_timestamp", (targ[]){{vec_ts(t2, 1), NULL}, {NULL, "Asia/Seoul"}}, 2, 1, NULL);
    expect_strs(r, (const char *[]){"2016-08-30 15:00:00"}, 1);
    /* a zone from a column, and an unknown one */
    r = call("from_utc_timestamp",
             (targ[]){{vec_ts(t2, 1), NULL}, {vec_str((const char *[]){"+09:00"}, 1), NULL}}, 2, 1,
             NULL);
    expect_strs(r, (const char *[]){"2016-08-31 09:00:00"}, 1);
    assert_null(
        call("from_utc_timestamp", (targ[]){{vec_ts(t2, 1), NULL}, {NULL, "Mars/X"}}, 2, 1, NULL));
    assert_string_equal(F.err.msg, "Unknown time-zone ID: Mars/X");
    F.conf.tz = zone("America/Los_Angeles");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_timestamp),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_format_timestamp),
        cmocka_unit_test(test_interval),
        cmocka_unit_test(test_pattern_parse),
        cmocka_unit_test(test_pattern_format),
        cmocka_unit_test(test_pattern_errors),
        cmocka_unit_test(test_fn_parse_format),
        cmocka_unit_test(test_fn_epoch),
        cmocka_unit_test(test_fn_fields),
        cmocka_unit_test(test_fn_trunc_arith),
        cmocka_unit_test(test_fn_make_and_zones),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
