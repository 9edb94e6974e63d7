/*
 * A small JSON tree for the stream layer's own files (private to src/stream).
 *
 * Why not formats/: the JSON data source decodes straight into column vectors and never
 * builds a tree, while the checkpoint logs and progress reports need the opposite: read a
 * few small documents whole (offsets metadata, commits, the stream metadata file) and
 * re-render offset JSON the way Spark's json4s/Jackson pair does (SourceProgress parses
 * each offset and prints it again, normalizing spacing and numbers). Documents are tiny
 * and read once per batch, so an arena-allocated tree is the simple, safe choice.
 *
 * Parsing is strict RFC 8259 (Jackson's defaults: no comments, no NaN, no leading zeros,
 * no raw control characters in strings) and bounded in depth, so garbage never crashes.
 */
#ifndef WEIR_STREAM_SJSON_H
#define WEIR_STREAM_SJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/strbuf.h"

typedef enum weir_sjson_kind {
    WEIR_SJ_NULL,
    WEIR_SJ_BOOL,
    WEIR_SJ_INT,    /* integer literal; text holds its digits (any size, as Java's BigInteger) */
    WEIR_SJ_DOUBLE, /* literal with a fraction or exponent; d holds its value */
    WEIR_SJ_STRING, /* text holds the decoded UTF-8 bytes */
    WEIR_SJ_ARRAY,
    WEIR_SJ_OBJECT,
} weir_sjson_kind;

typedef struct weir_sjson weir_sjson;
struct weir_sjson {
    weir_sjson_kind kind;
    bool b;
    double d;
    const char *text; /* INT digits / STRING bytes, NUL-terminated */
    size_t len;
    int n;              /* ARRAY elements / OBJECT members */
    weir_sjson **items; /* n values */
    const char **keys;  /* OBJECT: n decoded keys (NUL-terminated) */
    size_t *key_lens;
};

/* Parses one JSON value from p[0..n) into arena a. Whitespace may surround it; anything
 * else after it is an error unless allow_trailing (Jackson's ObjectMapper.readValue ignores
 * trailing content). NULL on failure, with a short reason in *why (static text). */
weir_sjson *weir_sjson_parse(const char *p, size_t n, bool allow_trailing, weir_arena *a,
                             const char **why);
/* The first member named key of an object, or NULL. */
const weir_sjson *weir_sjson_get(const weir_sjson *obj, const char *key);
/* An INT that fits in int64_t. */
bool weir_sjson_int64(const weir_sjson *v, int64_t *out);

/* ---- writing, as Jackson's generator does (compact, or DefaultPrettyPrinter) ------------- */

typedef struct weir_sjw {
    weir_strbuf *sb;
    bool pretty;
    int nesting;     /* objects open (the pretty printer's indentation level) */
    int depth;       /* containers open */
    int count[64];   /* entries written in each open container */
    bool is_obj[64]; /* container kind */
    bool after_key;  /* a field name was just written: the value follows it */
} weir_sjw;

void weir_sjw_init(weir_sjw *w, weir_strbuf *sb, bool pretty);
void weir_sjw_begin_object(weir_sjw *w);
void weir_sjw_end_object(weir_sjw *w);
void weir_sjw_begin_array(weir_sjw *w);
void weir_sjw_end_array(weir_sjw *w);
void weir_sjw_key(weir_sjw *w, const char *key);
/* s NULL writes null (Jackson's writeString(null)). */
void weir_sjw_string(weir_sjw *w, const char *s, size_t n);
void weir_sjw_int(weir_sjw *w, int64_t v);
/* Java's Double.toString; the caller leaves out NaN/Infinity (Spark maps them to JNothing). */
void weir_sjw_double(weir_sjw *w, double v);
void weir_sjw_null(weir_sjw *w);
/* A parsed tree (keys in document order, duplicates kept, numbers normalized). */
void weir_sjw_value(weir_sjw *w, const weir_sjson *v);
/* Jackson's string escaping: \" \\ \b \f \n \r \t, other controls \u00XX, the rest as is. */
void weir_sjson_escape(weir_strbuf *sb, const char *s, size_t n);

#endif
