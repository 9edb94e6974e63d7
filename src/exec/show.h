/*
 * Spark's text forms of values and of result tables.
 *   weir_value_to_text: CAST(x AS STRING) (top level) and the nested forms Spark uses
 *   inside show(): struct "{a, b}", array "[1, 2]", map "{k -> v}", NULL "null" (nested),
 *   doubles as Java's Double.toString ("1.0", "1.0E10", "NaN", "Infinity"), floats as
 *   Float.toString, decimals plain, timestamps in the session zone, binary in show() as
 *   "[0A FF]" (weir_text_show) vs raw bytes for CAST.
 *   weir_show: Dataset.show(numRows, truncate, vertical) over a result.
 */
#ifndef WEIR_EXEC_SHOW_H
#define WEIR_EXEC_SHOW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/datetime.h"
#include "base/strbuf.h"
#include "exec/vector.h"

typedef enum weir_text_mode {
    WEIR_TEXT_CAST, /* CAST(x AS STRING): top-level NULL is the caller's business */
    WEIR_TEXT_SHOW, /* Dataset.show() cells: NULL -> "null", binary -> "[0A FF]" */
} weir_text_mode;

/* Appends the text of v. A NULL value appends "null". */
void weir_value_to_text(const weir_value *v, const weir_tz *tz, weir_text_mode mode,
                        weir_strbuf *sb);
/* Java's Double.toString / Float.toString (shortest repr that round-trips). buf >= 32. */
int weir_format_double(double d, char *buf);
int weir_format_float(float f, char *buf);
/* Decimal unscaled value with scale, as Spark prints it (BigDecimal.toPlainString). */
int weir_format_decimal(__int128 unscaled, int scale, char *buf /* >= 48 */);

/* A result to print: column names and the batches holding its rows. */
typedef struct weir_result_view {
    int ncols;
    const char *const *names;
    weir_batch *const *batches;
    int nbatches;
} weir_result_view;

/* Dataset.show(numRows, truncate, vertical): truncate 0 = off, else max cell width
 * (Spark: 20 by default; cells longer than truncate become first truncate-3 chars + "...";
 * right-aligned when truncating, left-aligned otherwise). Appends, including the final
 * newline and "only showing top N rows" (+ newline) when cut. Widths count characters
 * (UTF-8 code points; East Asian wide characters count 2, as Spark's stringHalfWidth). */
void weir_show(const weir_result_view *r, int64_t num_rows, int truncate, bool vertical,
               const weir_tz *tz, weir_strbuf *out);

#endif
