/*
 * Spark's text forms of values and of result tables.
 *   weir_value_to_text: CAST(x AS STRING) and the nested forms: struct "{a, b}", array
 *   "[1, 2]", map "{k -> v}", doubles as Java's Double.toString ("1.0", "1.0E10", "NaN",
 *   "Infinity"), floats as Float.toString, timestamps in the session zone, intervals as
 *   "INTERVAL '0 00:10:00' DAY TO SECOND".
 *   CAST mode: nested NULL "null", binary raw bytes, decimals as BigDecimal.toString ("1.0E-7"
 *   below 1e-6; CAST_ANSI: plain). SHOW mode is Spark 3.5's ToPrettyString, which show()
 *   uses for every cell: NULL "NULL" at any depth (Spark >= 3.5; 3.4 printed "null"), binary
 *   "[0A FF]", decimals plain.
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
    WEIR_TEXT_CAST,      /* CAST(x AS STRING): top-level NULL is the caller's business */
    WEIR_TEXT_SHOW,      /* Dataset.show() cells (Spark 3.5 ToPrettyString): NULL -> "NULL" at any
                            depth, binary -> "[0A FF]", decimals plain */
    WEIR_TEXT_CAST_ANSI, /* CAST with spark.sql.ansi.enabled / try_cast: as CAST, but decimals
                            always plain (Cast.useDecimalPlainString) */
} weir_text_mode;

/* Appends the text of v. A NULL value appends "null" ("NULL" in WEIR_TEXT_SHOW). */
void weir_value_to_text(const weir_value *v, const weir_tz *tz, weir_text_mode mode,
                        weir_strbuf *sb);
/* Java's Double.toString / Float.toString (shortest repr that round-trips). buf >= 32. */
int weir_format_double(double d, char *buf);
int weir_format_float(float f, char *buf);
/* Decimal unscaled value with scale, as Spark prints it (BigDecimal.toPlainString). */
int weir_format_decimal(__int128 unscaled, int scale, char *buf /* >= 48 */);
/* Decimal as non-ANSI CAST(d AS STRING) prints it (java.math.BigDecimal.toString): plain, but
 * scientific when the adjusted exponent is below -6 ("1E-7", "1.5E-8", "0E-10"). */
int weir_format_decimal_java(__int128 unscaled, int scale, char *buf /* >= 48 */);
/* DayTimeInterval (microseconds) as Spark prints it: "INTERVAL '0 00:10:00' DAY TO SECOND",
 * "INTERVAL '-1 02:03:04.5' DAY TO SECOND". buf >= 64; returns the length. */
int weir_format_interval(int64_t us, char *buf);

/* A result to print: column names and the batches holding its rows. */
typedef struct weir_result_view {
    int ncols;
    const char *const *names;
    weir_batch *const *batches;
    int nbatches;
} weir_result_view;

/* Dataset.show(numRows, truncate, vertical): truncate 0 = off, else max cell width
 * (Spark: 20 by default; cells longer than truncate become first truncate-3 chars + "...";
 * right-aligned when truncating, left-aligned otherwise). Appends exactly Spark's
 * Dataset.showString: the table ending in its last "+---+\n" line, then "only showing top N
 * rows\n" when cut (vertical: "(0 rows)\n" when empty). show() itself prints that with
 * println, so a console adds one more "\n" after it. Lengths count UTF-16 units as Java does;
 * widths add 1 for East Asian wide characters (Spark's stringHalfWidth). Cells escape \n \r \t
 * \f \b \v \a as two-character sequences (SchemaUtils.escapeMetaCharacters). */
void weir_show(const weir_result_view *r, int64_t num_rows, int truncate, bool vertical,
               const weir_tz *tz, weir_strbuf *out);

#endif
