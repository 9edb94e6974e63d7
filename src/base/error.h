/*
 * Errors: every fallible weir function returns an int status (WEIR_OK = 0, else a
 * weir_status code) and fills a caller-provided weir_error with a message in Spark's words
 * (Spark's error class in brackets first where Spark has one, e.g.
 * "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `x` ...")
 * and, when the error comes from SQL text, the position (1-based line, 0-based pos, as
 * Spark's "(line 1, pos 7)"). Nothing below the CLI prints or exits.
 */
#ifndef WEIR_BASE_ERROR_H
#define WEIR_BASE_ERROR_H

#include <stddef.h>

#ifndef WEIR_OK
#define WEIR_OK 0 /* also defined, identically, by weir.h */
#endif

typedef enum weir_status {
    WEIR_EPARSE = 1, /* SQL syntax error */
    WEIR_EANALYSIS =
        2,             /* name resolution, types, unsupported operation (Spark AnalysisException) */
    WEIR_ERUNTIME = 3, /* error while executing (e.g. FAILFAST malformed record, cast in ANSI) */
    WEIR_EIO = 4,      /* file system / network */
    WEIR_ENOMEM = 5,   /* out of memory */
    WEIR_EUNSUPPORTED = 6, /* valid SQL that weir does not implement (yet) */
    WEIR_EARG = 7,         /* bad option or argument */
} weir_status;

#define WEIR_ERROR_MSG_MAX 1024

typedef struct weir_error {
    int code; /* weir_status */
    int line; /* 1-based line in the SQL text, 0 when unknown */
    int pos;  /* 0-based column in that line (Spark's "pos") */
    char msg[WEIR_ERROR_MSG_MAX];
} weir_error;

/* Sets err (if not NULL) and returns code. The position is cleared. */
int weir_err(weir_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Same with a SQL position (line >= 1). */
int weir_err_at(weir_error *err, int code, int line, int pos, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Shorthand for out of memory. */
int weir_err_nomem(weir_error *err);
/* Clears err to WEIR_OK. */
void weir_err_clear(weir_error *err);
/* Renders "message (line L, pos P)" (or just the message) into buf. */
const char *weir_err_format(const weir_error *err, char *buf, size_t n);

#endif
