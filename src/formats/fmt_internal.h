/*
 * Internal contract between the files of the formats layer: the per-format vtable, the
 * reader/writer base objects, option helpers, and the shared JSON lexer (strict JSON as
 * Jackson reads it with Spark's default features: single quotes allowed, NaN/Infinity
 * allowed, no comments, no leading zeros, no unescaped control characters).
 */
#ifndef WEIR_FORMATS_FMT_INTERNAL_H
#define WEIR_FORMATS_FMT_INTERNAL_H

#include "formats/formats.h"

/* ---- format vtable ------------------------------------------------------------------- */

struct weir_format {
    const char *name;
    int (*check)(const weir_kv *opts, int nopts, weir_error *err);
    int (*infer)(const char *data, size_t len, void *state, const weir_kv *opts, int nopts,
                 const weir_tz *tz, weir_arena *a, weir_error *err);
    /* infer state lifecycle: begin -> infer per buffer -> finish */
    void *(*infer_begin)(const weir_kv *opts, int nopts, weir_arena *a);
    int (*infer_finish)(void *state, const weir_kv *opts, int nopts, weir_arena *a,
                        const weir_type **schema, weir_error *err);
    int (*open)(weir_reader *r, weir_error *err);
    int (*next)(weir_reader *r, weir_arena *a, weir_batch **out, weir_error *err);
    int (*record)(weir_reader *r, const char *rec, size_t len, bool array_rows,
                  weir_vec *const *cols, int32_t *nrows, weir_error *err);
    void (*close)(weir_reader *r);
    int (*wopen)(weir_writer *w, weir_error *err);
    void (*wbegin)(weir_writer *w, weir_strbuf *out);
    int (*write)(weir_writer *w, const weir_batch *b, weir_strbuf *out, weir_error *err);
    void (*wclose)(weir_writer *w);
};

extern const weir_format weir_fmt_json, weir_fmt_csv, weir_fmt_text;

struct weir_reader {
    const weir_format *fmt;
    const weir_type *schema;
    bool *want;     /* per schema field */
    int ncols;      /* wanted fields */
    int *col_field; /* output column -> schema field */
    const weir_tz *tz;
    weir_kv *opts; /* copied */
    int nopts;
    weir_parse_mode mode;
    const char *corrupt_name;
    int corrupt_field; /* schema index of the corrupt-record column, -1 if none */
    int corrupt_col;   /* its output column, -1 if not wanted/absent */
    const char *in, *in_end, *pos;
    bool at_start;    /* no record of the current input read yet (CSV header) */
    weir_arena arena; /* reader-lifetime allocations (plans, names) */
    void *impl;       /* format specific */
};

struct weir_writer {
    const weir_format *fmt;
    const weir_type *schema;
    const weir_tz *tz;
    weir_kv *opts;
    int nopts;
    weir_arena arena;
    void *impl;
};

/* ---- options ------------------------------------------------------------------------ */

/* Boolean option as Scala's toBoolean; error "For input string: ..." otherwise. */
int weir_fmt_opt_bool(const weir_kv *opts, int nopts, const char *key, bool dflt, bool *out,
                      weir_error *err);
/* The corrupt-record column name (option or "_corrupt_record"). */
const char *weir_fmt_corrupt_name(const weir_kv *opts, int nopts);
/* The FAILFAST error for a malformed record; `row_text` is Spark's InternalRow.toString of
 * the partial row, e.g. "[null,null]". */
int weir_fmt_failfast_error(weir_error *err, const char *row_text);
/* Appends the InternalRow.toString form of row `row` of the output columns (used by the
 * FAILFAST message). */
void weir_fmt_row_text(weir_vec *const *cols, int ncols, int32_t row, weir_strbuf *sb);

/* ---- vector helpers ------------------------------------------------------------------ */

/* Drops rows [n, len) (recursively for nested types) so the row can be rewritten. */
void weir_fmt_vec_truncate(weir_vec *v, int32_t n);
/* Appends a fixed-width value; fast path without the generic append. */
static inline int weir_fmt_push_fixed(weir_vec *v, const void *val, size_t w)
{
    if (v->len >= v->cap && weir_vec_reserve(v, v->len + 1) != WEIR_OK) return WEIR_ENOMEM;
    memcpy((char *)v->data + w * (size_t)v->len, val, w);
    if (v->valid) weir_bit_set(v->valid, v->len);
    v->len++;
    return WEIR_OK;
}
static inline int weir_fmt_push_str(weir_vec *v, const char *s, size_t n)
{
    if (v->len >= v->cap && weir_vec_reserve(v, v->len + 1) != WEIR_OK) return WEIR_ENOMEM;
    int32_t off = v->offsets[v->len];
    if ((int64_t)off + (int64_t)n > v->data_cap && weir_vec_reserve_bytes(v, (int64_t)n) != WEIR_OK)
        return WEIR_ENOMEM;
    if (n) memcpy((char *)v->data + off, s, n);
    v->offsets[v->len + 1] = off + (int32_t)n;
    if (v->valid) weir_bit_set(v->valid, v->len);
    v->len++;
    return WEIR_OK;
}
/* Appends a NULL (any type). */
int weir_fmt_push_null(weir_vec *v);

/* ---- JSON lexer ------------------------------------------------------------------------ */

typedef struct weir_jlex {
    bool single_quotes;  /* allowSingleQuotes (default true) */
    bool non_numeric;    /* allowNonNumericNumbers (default true) */
    bool leading_zeros;  /* allowNumericLeadingZeros (default false) */
    bool control_chars;  /* allowUnquotedControlChars (default false) */
    bool any_escape;     /* allowBackslashEscapingAnyCharacter (default false) */
    bool comments;       /* allowComments (default false) */
    bool unquoted_names; /* allowUnquotedFieldNames (default false) */
} weir_jlex;

extern const weir_jlex weir_jlex_default;
int weir_jlex_from_opts(weir_jlex *lx, const weir_kv *opts, int nopts, weir_error *err);

enum { WEIR_JNUM_INT = 1, WEIR_JNUM_FLOAT = 2, WEIR_JNUM_NAN = 3 };

/* Skips whitespace (and comments when allowed). */
const char *weir_jskip_ws(const weir_jlex *lx, const char *p, const char *end);
/* Scans a number at p; returns its end or NULL when malformed; *kind INT/FLOAT/NAN. */
const char *weir_jscan_number(const weir_jlex *lx, const char *p, const char *end, int *kind);
/* Scans a string whose opening quote is at p; returns the position after the closing
 * quote, or NULL when malformed; *escaped tells whether it holds backslashes. */
const char *weir_jscan_string(const weir_jlex *lx, const char *p, const char *end, bool *escaped);
/* Decodes the string whose opening quote is at p (already scanned: q = end) into sb
 * (appended). false on a bad escape. */
bool weir_jdecode_string(const weir_jlex *lx, const char *p, const char *q, weir_strbuf *sb);
/* Skips (and validates) one value at p; returns its end or NULL. */
const char *weir_jskip_value(const weir_jlex *lx, const char *p, const char *end, int depth);
/* Appends the value at p re-serialized as Jackson's copyCurrentStructure writes it
 * (compact, strings re-escaped, integers normalized, floats as Double.toString). Returns
 * its end or NULL when malformed. */
const char *weir_jcopy_value(const weir_jlex *lx, const char *p, const char *end, weir_strbuf *out,
                             int depth);
/* Appends s escaped as Jackson writes string contents (no quotes). */
void weir_json_escape(const char *s, size_t n, weir_strbuf *out);
/* Appends the canonical text of the number token [p, q) (Jackson's copy). */
void weir_jnumber_text(const char *p, const char *q, int kind, weir_strbuf *out);

#define WEIR_JSON_MAX_DEPTH 1000

/* ---- JSON DOM (get_json_object, schema_of_json) ---------------------------------------- */

typedef enum weir_jkind {
    WEIR_JV_NULL,
    WEIR_JV_FALSE,
    WEIR_JV_TRUE,
    WEIR_JV_NUM,
    WEIR_JV_STR,
    WEIR_JV_ARR,
    WEIR_JV_OBJ
} weir_jkind;

typedef struct weir_jval weir_jval;
struct weir_jval {
    weir_jkind kind;
    int numkind;       /* NUM: WEIR_JNUM_* */
    const char *s;     /* NUM: raw token; STR: decoded bytes */
    int32_t n;         /* length of s, or element count */
    const char **keys; /* OBJ: decoded keys */
    int32_t *klens;
    weir_jval **items; /* ARR/OBJ children */
};

/* Parses one JSON value at the start of [p, end) (whitespace allowed around; trailing
 * content ignored, as Jackson reads only the first value). NULL when malformed or empty. */
weir_jval *weir_jdom_parse(const weir_jlex *lx, const char *p, const char *end, weir_arena *a);
/* Appends the compact JSON text of a DOM value (Jackson copyCurrentStructure). */
void weir_jdom_write(const weir_jval *v, weir_strbuf *out);

/* ---- JSON inference (shared by the json format and schema_of_json) ------------------------ */

typedef struct weir_jinfer weir_jinfer;
weir_jinfer *weir_jinfer_new(const weir_kv *opts, int nopts, weir_arena *a);
/* Adds one record (a line, or from schema_of_json the whole text). */
int weir_jinfer_add(weir_jinfer *st, const char *rec, size_t len, weir_error *err);
/* The root type after canonicalization (STRUCT; empty when nothing was seen). */
int weir_jinfer_result(weir_jinfer *st, const weir_type **out, weir_error *err);
/* The type of a single value (schema_of_json): not restricted to STRUCT. */
int weir_jinfer_value(const char *json, size_t len, const weir_kv *opts, int nopts, weir_arena *a,
                      const weir_type **out, weir_error *err);

/* Format entry points implemented across files (vtables in fmt_json_read.c, fmt_csv.c,
 * fmt_text.c). */
void *weir_fmt_json_infer_begin(const weir_kv *opts, int nopts, weir_arena *a);
int weir_fmt_json_infer(const char *data, size_t len, void *state, const weir_kv *opts, int nopts,
                        const weir_tz *tz, weir_arena *a, weir_error *err);
int weir_fmt_json_infer_finish(void *state, const weir_kv *opts, int nopts, weir_arena *a,
                               const weir_type **schema, weir_error *err);
int weir_fmt_json_wopen(weir_writer *w, weir_error *err);
int weir_fmt_json_write(weir_writer *w, const weir_batch *b, weir_strbuf *out, weir_error *err);
void weir_fmt_json_wclose(weir_writer *w);
/* Shared JSON option check (mode-independent options, timestampFormat, dateFormat). */
int weir_fmt_json_check(const weir_kv *opts, int nopts, weir_error *err);
/* Line splitting for line-based formats: the next record [*s, *e) from pos, with "\n",
 * "\r\n" (and "\r" when cr_is_sep) or the custom lineSep; returns the position after
 * the separator. */
const char *weir_fmt_next_line(const char *pos, const char *end, const char *sep, size_t seplen,
                               bool cr_is_sep, const char **s, const char **e);

/* The UTC zone (looked up once). */
const weir_tz *weir_fmt_utc(void);

/* ---- datetime fast paths ----------------------------------------------------------------------
 */

/* Caches the UTC offset of the last local hour converted, for weir_fmt_ts_parse. */
typedef struct weir_fmt_tscache {
    int64_t hour; /* local hour index of the cached entry, INT64_MIN if empty */
    int64_t off_us;
    char prefix[16]; /* "yyyy-MM-dd HH" of the cached hour (13 bytes), when has_prefix */
    bool has_prefix;
} weir_fmt_tscache;
/* Spark's default timestamp parsing (stringToTimestamp) with a fast path for
 * "yyyy-MM-dd[ T]HH:mm:ss[.f]" without zone. */
bool weir_fmt_ts_parse(const char *s, size_t n, const weir_tz *tz, weir_fmt_tscache *c,
                       int64_t *out);
/* Writes a timestamp as yyyy-MM-dd'T'HH:mm:ss.SSSXXX in tz; returns the length. */
int weir_fmt_ts_iso(int64_t us, const weir_tz *tz, char *buf);
/* Parses a decimal text (BigDecimal syntax) rounded HALF_UP to `scale`; false when not a
 * number or the precision exceeds `precision`. */
bool weir_fmt_parse_decimal(const char *s, size_t n, int precision, int scale, __int128 *out);
/* Base64 (MIME, padding optional) decode into arena memory; false when invalid. */
bool weir_fmt_base64_decode(const char *s, size_t n, weir_strbuf *out);
void weir_fmt_base64_encode(const unsigned char *s, size_t n, weir_strbuf *out);

#endif
