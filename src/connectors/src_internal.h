/*
 * Private to connectors/: the per-source constructors the registry (sources.c) dispatches
 * to, and the small helpers every source shares -- Java-compatible option parsing (Spark
 * parses options with Long.parseLong, String.toBoolean and JavaUtils.timeStringAs, and its
 * error texts quote those), a flat JSON-line reader for the metadata logs, and atomic
 * "create once" file writes with HDFSMetadataLog's semantics.
 */
#ifndef WEIR_CONNECTORS_SRC_INTERNAL_H
#define WEIR_CONNECTORS_SRC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "stream/stream.h"

/* ---- per-source entry points (schema: validate + row schema; create: the object) ----- */

int weir_src_file_schema(const weir_source_args *args, weir_arena *a, const weir_type **schema,
                         weir_error *err);
int weir_src_file_create(const weir_source_args *args, weir_source **out, weir_error *err);
int weir_src_socket_schema(const weir_source_args *args, weir_arena *a, const weir_type **schema,
                           weir_error *err);
int weir_src_socket_create(const weir_source_args *args, weir_source **out, weir_error *err);
int weir_src_rate_schema(const weir_source_args *args, weir_arena *a, const weir_type **schema,
                         weir_error *err);
int weir_src_rate_create(const weir_source_args *args, weir_source **out, weir_error *err);

/* ---- Java-compatible parsing ------------------------------------------------------------ */

/* Long.parseLong / Integer.parseInt: optional sign, decimal digits only, no spaces, in range.
 * On failure the error is Java's NumberFormatException text: For input string: "x". */
bool weir_src_parse_i64(const char *s, int64_t *out);
bool weir_src_parse_i32(const char *s, int32_t *out);
int weir_src_number_error(weir_error *err, const char *s);
/* Scala's String.toBoolean: "true"/"false", case-insensitive. */
bool weir_src_parse_bool(const char *s, bool *out);

typedef enum weir_src_time_unit {
    WEIR_SRC_MS,
    WEIR_SRC_SEC,
} weir_src_time_unit;
/* JavaUtils.timeStringAs: "(-?[0-9]+)([a-z]+)?" after lower-casing and trimming; suffixes us,
 * ms, s, m, min, h, d; no suffix = `unit`; the result truncated to `unit`. Errors carry
 * JavaUtils' text. */
int weir_src_time_string(const char *s, weir_src_time_unit unit, int64_t *out, weir_error *err);

/* ---- files ------------------------------------------------------------------------------- */

/* mkdir -p. */
int weir_src_mkdirs(const char *dir, weir_error *err);
/* Writes dir/name with data unless it exists (HDFSMetadataLog.add): a temporary file, fsync,
 * link() to the final name (fails when the name exists: *existed = true, nothing written),
 * fsync of the directory. */
int weir_src_write_once(const char *dir, const char *name, const char *data, size_t len,
                        bool *existed, weir_error *err);
/* Reads a whole file (malloc'd, NUL-terminated). *missing when it does not exist. */
int weir_src_read_file(const char *path, char **data, size_t *len, bool *missing, weir_error *err);

/* Batch ids of the files in a metadata log directory ("N" and "N.compact"; hidden and
 * temporary files skipped), sorted ascending; is_compact[i] says which name. malloc'd
 * arrays (free both); a missing directory lists nothing. */
int weir_src_log_list(const char *dir, int64_t **ids, bool **is_compact, int *n, weir_error *err);

/* ---- flat JSON objects (one metadata-log line) --------------------------------------------- */

typedef struct weir_src_jfield {
    const char *key;
    size_t key_len;
    bool is_string; /* value was a JSON string (decoded into str) */
    char *str;      /* decoded string (malloc'd by the parser) or the raw token */
    int64_t num;    /* integral numbers / booleans (1/0) */
} weir_src_jfield;

/* Parses {"k":v,...} with string, integer, boolean and null values (nested values are
 * rejected). Fields and their strings are malloc'd; free with weir_src_json_free. */
int weir_src_json_parse(const char *s, size_t n, weir_src_jfield **fields, int *nfields);
void weir_src_json_free(weir_src_jfield *fields, int nfields);
const weir_src_jfield *weir_src_json_get(const weir_src_jfield *f, int n, const char *key);
/* Appends s as a JSON string (quotes included) with Jackson's escapes. */
void weir_src_json_string(weir_strbuf *sb, const char *s);

/* Deep copy of a type into arena a. */
const weir_type *weir_src_type_copy(weir_arena *a, const weir_type *t);

/* Qualifies a path as Hadoop's Path does: "file:" prefix dropped, relative paths against the
 * working directory, "." and ".." resolved, duplicate and trailing slashes removed
 * (malloc'd; NULL on failure). Shared by the file source and the file sink. */
char *weir_src_qualify_path(const char *path);

#endif
