/*
 * Java-regex-compatible matching over PCRE2, for Spark's regex functions (rlike,
 * regexp_extract, regexp_replace, split, ...). Spark hands patterns to java.util.regex, so
 * weir translates the few Java-only spellings (\p{Alpha}, \uXXXX, \0nn, ...) to PCRE2 and
 * reproduces Matcher.find()'s stepping over empty matches and appendReplacement's "$1 /
 * ${name} / \x" replacement syntax.
 *
 * Everything (compiled code, match data, PCRE2's own scratch) lives in a weir arena: plan
 * arena for patterns compiled at bind time, batch arena for per-batch patterns. Nothing
 * is freed individually, so no JIT (its executable memory could not be released).
 */
#ifndef WEIR_EXEC_REGEX_H
#define WEIR_EXEC_REGEX_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"

typedef struct weir_regex {
    void *code;       /* pcre2_code_8 */
    uint32_t ngroups; /* capturing groups */
    bool literal;     /* no metacharacters: matched with memmem */
    const char *src;  /* the Java pattern, NUL-terminated (arena) */
    int32_t src_len;
} weir_regex;

/* Compiles Java pattern p[0..n) into arena a. On a syntax error returns WEIR_EARG and sets
 * *errmsg (arena string, or a static one) to the reason; *out is untouched. */
int weir_regex_compile(weir_arena *a, const char *p, int32_t n, weir_regex **out,
                       const char **errmsg);

/* A match cursor over one subject (Java's Matcher). */
typedef struct weir_matcher {
    const weir_regex *re;
    void *md;   /* pcre2_match_data_8 */
    void *gctx; /* pcre2_general_context_8 */
    const char *s;
    int32_t len;
    int32_t from; /* where the next find() starts */
    bool done;
    int32_t ovec[2]; /* literal mode: the match */
} weir_matcher;

/* Prepares m for re; match data comes from arena a. */
int weir_matcher_init(weir_arena *a, weir_matcher *m, const weir_regex *re);
/* Starts over on subject s[0..len). */
void weir_matcher_reset(weir_matcher *m, const char *s, int32_t len);
/* Matcher.find(): 1 when a match was found, 0 when none is left, WEIR_ERUNTIME when PCRE2
 * gave up (match limit). After an empty match the next search starts one character on. */
int weir_matcher_find(weir_matcher *m);
/* Byte span of group g of the last match; start -1 when the group did not participate. */
void weir_matcher_group(const weir_matcher *m, uint32_t g, int32_t *start, int32_t *end);

/* ---- replacement strings (Matcher.appendReplacement) ---------------------------------- */

typedef struct weir_repl_part {
    int32_t group; /* -1: literal text lit[0..len) */
    const char *lit;
    int32_t len;
} weir_repl_part;

typedef struct weir_repl {
    weir_repl_part *parts;
    int nparts;
    bool simple; /* no group references: plain literal text */
} weir_repl;

/* Parses a Java replacement string against re's groups. Errors (Java's
 * IllegalArgumentException / IndexOutOfBoundsException messages, e.g. "No group 3") return
 * WEIR_ERUNTIME with *errmsg set. */
int weir_repl_parse(weir_arena *a, const weir_regex *re, const char *r, int32_t n, weir_repl *out,
                    const char **errmsg);

#endif
