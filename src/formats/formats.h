/*
 * File formats (json, csv, text): listing a path's data files, inferring a schema,
 * decoding bytes straight into column vectors, and encoding rows back to text, with the
 * behaviour of Spark 3.5's data sources (JacksonParser, JsonInferSchema, UnivocityParser,
 * FailureSafeParser, JacksonGenerator, UnivocityGenerator).
 *
 * The reader is the hot path of every file and Kafka query: it parses each record once,
 * writes values directly into the batch's vectors (no per-row allocation, no intermediate
 * tree), skips unwanted fields without decoding them, and never copies the input buffer.
 *
 * Lifetimes: a reader/writer is malloc'd by open and freed by close (safe on NULL). The
 * input bytes handed to a reader must stay valid until the next set_input/close; batches
 * and every buffer they reference live in the arena passed to weir_reader_next.
 */
#ifndef WEIR_FORMATS_FORMATS_H
#define WEIR_FORMATS_FORMATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/datetime.h"
#include "base/error.h"
#include "base/strbuf.h"
#include "base/types.h"
#include "exec/vector.h"

/* One option, as DataStreamReader.option(key, value). Keys are case-insensitive (Spark's
 * CaseInsensitiveMap); when a key repeats, the last one wins. */
typedef struct weir_kv {
    const char *key, *value;
} weir_kv;

/* The value of option `key` (case-insensitive, last wins), or NULL. */
const char *weir_opt_get(const weir_kv *opts, int nopts, const char *key);

/* "json", "csv", "text" (case-insensitive); NULL if unknown. */
typedef struct weir_format weir_format;
const weir_format *weir_format_lookup(const char *name);
const char *weir_format_name(const weir_format *f);

/* Parse modes (option `mode`). Spark falls back to PERMISSIVE (with a log warning) for an
 * unknown value, so there is no error for a bad mode on file sources. */
typedef enum weir_parse_mode {
    WEIR_MODE_PERMISSIVE = 0,
    WEIR_MODE_DROPMALFORMED,
    WEIR_MODE_FAILFAST,
} weir_parse_mode;
weir_parse_mode weir_parse_mode_of(const char *value); /* NULL -> PERMISSIVE */
const char *weir_parse_mode_name(weir_parse_mode m);   /* "PERMISSIVE", ... */

/* Lists the data files of a path as Spark's file index does: a file; a directory
 * (non-recursive, skipping names starting with '_' or '.', and subdirectories); or a glob
 * pattern (*, ?, [...], {a,b}). Sorted by full path. A missing path fails with Spark's
 * "[PATH_NOT_FOUND] Path does not exist: file:/abs/path." (an empty directory lists no
 * file). Names and the array live in arena a. */
int weir_list_files(const char *path, weir_arena *a, const char ***files, int *nfiles,
                    weir_error *err);

/* Checks options up front with Spark's messages (e.g. CSV "Delimiter cannot be empty
 * string", boolean options that are not true/false, a bad timestampFormat pattern). */
int weir_format_check_options(const weir_format *f, const weir_kv *opts, int nopts,
                              weir_error *err);

/* Infers the schema of the given files (read fully):
 *  json: JsonInferSchema -- integers BIGINT (beyond 64 bits DECIMAL), fractions DOUBLE
 *        (prefersDecimal option: DECIMAL), true/false BOOLEAN, strings STRING (empty
 *        strings count as null), objects STRUCT with fields sorted by name, arrays ARRAY;
 *        conflicting types widened (BIGINT+DOUBLE -> DOUBLE, anything+STRING or mismatched
 *        kinds -> STRING, STRUCTs merged field by field); fields only ever null -> STRING;
 *        empty structs dropped; malformed lines or non-object roots add the STRING column
 *        columnNameOfCorruptRecord in PERMISSIVE, are ignored in DROPMALFORMED, fail in
 *        FAILFAST.
 *  csv:  header names (or _c0.._cN); with inferSchema: INT, BIGINT, DECIMAL (integers
 *        beyond 64 bits), DOUBLE, DATE (yyyy-MM-dd, preferDate), TIMESTAMP, BOOLEAN, else
 *        STRING; without inferSchema every column STRING.
 *  text: value STRING.
 * The schema is a STRUCT built in arena a. */
int weir_format_infer(const weir_format *f, const char *const *files, int nfiles,
                      const weir_kv *opts, int nopts, const weir_tz *tz, weir_arena *a,
                      const weir_type **schema, weir_error *err);
/* The same over in-memory records (one buffer, e.g. a file already read). */
int weir_format_infer_buffer(const weir_format *f, const char *data, size_t len,
                             const weir_kv *opts, int nopts, const weir_tz *tz, weir_arena *a,
                             const weir_type **schema, weir_error *err);

/* ---- reading ------------------------------------------------------------------------ */

typedef struct weir_reader weir_reader;

/* `schema` (a STRUCT) is the full data schema, including the corrupt-record column when the
 * query wants one (a STRING field named by columnNameOfCorruptRecord, default
 * "_corrupt_record"). want[i] (NULL = all) says whether field i is materialized; unwanted
 * fields are skipped without building values (projection push-down), and a bad value in an
 * unwanted field does not make the record malformed (as Spark's pruned required schema).
 * Batch columns are the wanted fields in schema order. `schema` and `tz` must outlive the
 * reader. */
int weir_reader_open(const weir_format *f, const weir_type *schema, const bool *want,
                     const weir_kv *opts, int nopts, const weir_tz *tz, weir_reader **out,
                     weir_error *err);
/* Binds the reader to whole records: data[0..len) (a file or a chunk ending at a line
 * boundary; a last line without '\n' is a record). Not copied. For CSV with header=true
 * the first line of each input is the header and is skipped. */
void weir_reader_set_input(weir_reader *r, const char *data, size_t len);
/* Decodes the next batch of at most WEIR_BATCH_ROWS rows into arena a. *out = NULL when
 * the input is exhausted. FAILFAST stops with the malformed-record error. */
int weir_reader_next(weir_reader *r, weir_arena *a, weir_batch **out, weir_error *err);
/* Decodes one record (no line splitting; used by from_json / Kafka values) and appends it
 * to cols (one vector per wanted field, as batch columns). *nrows is set to the rows
 * appended: 1, or 0 for a blank record or a dropped malformed one (DROPMALFORMED). For
 * JSON, an array of objects at the root gives one row per element when
 * allow_array_as_rows, else it is malformed (from_json). */
int weir_reader_parse_record(weir_reader *r, const char *rec, size_t len, bool allow_array_as_rows,
                             weir_vec *const *cols, int32_t *nrows, weir_error *err);
/* Number of output columns and the parse mode in effect. */
int weir_reader_ncols(const weir_reader *r);
weir_parse_mode weir_reader_mode(const weir_reader *r);
void weir_reader_close(weir_reader *r);

/* ---- writing ------------------------------------------------------------------------ */

/* Options of the JSON encoder (JacksonGenerator as to_json and the json sink use it). */
typedef struct weir_json_wopts {
    const weir_tz *tz;          /* session zone for timestamps */
    const weir_dtfmt *ts_fmt;   /* timestampFormat; NULL: yyyy-MM-dd'T'HH:mm:ss.SSSXXX */
    const weir_dtfmt *date_fmt; /* dateFormat; NULL: yyyy-MM-dd */
    bool ignore_null_fields;    /* ignoreNullFields (default true): omit NULL struct fields */
} weir_json_wopts;

/* Appends the JSON text of row `row` of a STRUCT, ARRAY or MAP vector, e.g.
 * {"a":1,"b":"x","t":"2016-03-20T12:20:00.000+09:00"} (no spaces; NULL fields omitted
 * unless !ignore_null_fields; NULL array elements and map values written as null;
 * doubles as Java's Double.toString; NaN/Infinity as "NaN"/"Infinity" strings;
 * binary base64; strings escaped as Jackson: \" \\ \b \f \n \r \t, other controls \u00XX). */
void weir_json_write_row(const weir_vec *v, int32_t row, const weir_json_wopts *o,
                         weir_strbuf *out);
/* The same for one row of a batch whose columns are the fields of `schema`. */
void weir_json_write_batch_row(const weir_batch *b, const weir_type *schema, int32_t row,
                               const weir_json_wopts *o, weir_strbuf *out);

/* Encodes batches as lines of a file sink: json (one object per line), csv (header line
 * when header=true, written by weir_writer_begin; quoting as Spark: only when needed),
 * text (the single STRING column). */
typedef struct weir_writer weir_writer;
int weir_writer_open(const weir_format *f, const weir_type *schema, const weir_kv *opts, int nopts,
                     const weir_tz *tz, weir_writer **out, weir_error *err);
/* Starts a new file (CSV: appends the header line when header=true). */
void weir_writer_begin(weir_writer *w, weir_strbuf *out);
/* Appends one line ("\n"-terminated, or lineSep) per row of b. */
int weir_writer_write(weir_writer *w, const weir_batch *b, weir_strbuf *out, weir_error *err);
void weir_writer_close(weir_writer *w);

/* ---- helpers shared with the JSON SQL functions ------------------------------------------ */

/* schema_of_json: infers the type of one JSON document; returns Spark's DDL text, e.g.
 * "STRUCT<a: BIGINT, b: ARRAY<STRING>>", in arena a. Fails (WEIR_ERUNTIME) on malformed
 * JSON with Spark's message. */
int weir_json_schema_of(const char *json, size_t len, const weir_kv *opts, int nopts, weir_arena *a,
                        const char **ddl, weir_error *err);

/* get_json_object: a compiled JsonPath ($, .name, ['name'], [n], [*], .*, ['*']). */
typedef struct weir_json_path weir_json_path;
/* NULL for a path Spark rejects (the function then returns NULL). */
weir_json_path *weir_json_path_compile(const char *path, size_t len, weir_arena *a);
/* Evaluates the path over one JSON text; false (NULL result) when nothing matched or the
 * JSON is malformed. The result is appended to out (out is reset first). */
bool weir_json_path_eval(const weir_json_path *p, const char *json, size_t len, weir_arena *scratch,
                         weir_strbuf *out);

#endif
