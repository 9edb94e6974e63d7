/*
 * Internal interface between the files of the command-line program (src/cli). The CLI is
 * the only part of weir that prints or exits, and it is built on the public API
 * (include/weir.h) alone, plus weir_sql_is_complete for the shell, so everything it
 * does is something an embedding application could do too.
 */
#ifndef WEIR_CLI_H
#define WEIR_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "weir.h"

#ifndef WEIR_VERSION
#define WEIR_VERSION "0.1.0"
#endif

/* Outcome of running one statement of a script. */
typedef enum weir_cli_status {
    WEIR_CLI_DONE,  /* nothing but white space and comments was left */
    WEIR_CLI_EMPTY, /* an empty statement was skipped; more text follows */
    WEIR_CLI_OK,    /* one statement ran and its result (if any) was printed */
    WEIR_CLI_ERROR, /* the statement failed; the error was printed to stderr */
} weir_cli_status;

/* Where a piece of SQL text starts in its script: 1-based line, 0-based pos (UTF-16 units),
 * the coordinates weir_prepare_at takes and Spark prints. */
typedef struct weir_cli_cursor {
    int line;
    int pos;
} weir_cli_cursor;

/* Moves cur over the text [from, to): newlines start a new line at pos 0, every other
 * character advances pos by its length in UTF-16 units (Spark's charPositionInLine). */
void weir_cli_cursor_advance(weir_cli_cursor *cur, const char *from, const char *to);

/* Prepares the first statement of sql (which starts at *cur), runs it and prints its
 * result to stdout as Dataset.show() does (20 rows, truncate 20), or the error to stderr.
 * On WEIR_CLI_OK and WEIR_CLI_EMPTY *tail is the rest of sql and *cur its position (the
 * statement was sql up to *tail); on WEIR_CLI_DONE *tail
 * points at the end of sql. On WEIR_CLI_ERROR *tail is the rest of sql when the statement
 * was prepared but failed while running, NULL when it could not be prepared. */
weir_cli_status weir_cli_run_first(weir_db *db, const char *sql, weir_cli_cursor *cur,
                                   const char **tail);

/* Runs every statement of sql in order, stopping at the first error.
 * Returns 0 when all succeeded, 1 after an error (already printed). */
int weir_cli_run_script(weir_db *db, const char *sql, weir_cli_cursor start);

/* Prints "error: <message>" and, when the error has a position, " (line L, pos P)". */
void weir_cli_print_error(weir_db *db);

/* Reads the whole stream into a NUL-terminated malloc'd buffer; NULL on a read error
 * (errno set). A leading UTF-8 byte order mark is dropped. */
char *weir_cli_read_all(FILE *f);

/* True when text holds nothing but white space and SQL comments. */
bool weir_cli_is_blank_sql(const char *text);

/* The interactive shell (`weir sql`). Reads statements from stdin, with line editing,
 * prompts and history when stdin is a terminal. Returns the process exit status. */
int weir_cli_shell(weir_db *db);

#endif
