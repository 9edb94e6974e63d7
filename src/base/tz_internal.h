/*
 * Internals shared by the datetime module's files (tz.c, datetime.c, dtfmt.c) only: the
 * parts of a zone that formatting needs (abbreviations, whether it is a fixed offset) and
 * java.time's ZoneOffset id parser. Not part of the public contract (base/datetime.h).
 */
#ifndef WEIR_BASE_TZ_INTERNAL_H
#define WEIR_BASE_TZ_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/datetime.h"

/* java.time ZoneOffset.of: "Z", "+h", "+hh", "+hhmm", "+hh:mm", "+hhmmss", "+hh:mm:ss"
 * (max 18 hours). Returns 0 and the offset in seconds, or -1. */
int weir_tz_parse_offset_id(const char *s, size_t n, int32_t *out);
/* Offset, DST flag and abbreviation (NULL for fixed offsets) at a UTC instant. */
void weir_tz_info_at_utc(const weir_tz *tz, int64_t utc_us, int32_t *off, bool *isdst,
                         const char **abbr);
/* True for fixed-offset zones ("+09:00", "UTC", "GMT-8"); *off receives the offset. */
bool weir_tz_is_fixed(const weir_tz *tz, int32_t *off);
void weir_tz_free_internal(weir_tz *z);

/* Spark refuses some pattern letters for parsing only ('E', 'F', 'q', 'Q'): false and the
 * error Spark raises when f is used to parse. */
bool weir_dtfmt_check_parse(const weir_dtfmt *f, weir_error *err);
/* The pattern text f was compiled from (lives as long as f). */
const char *weir_dtfmt_pattern(const weir_dtfmt *f);

#endif
