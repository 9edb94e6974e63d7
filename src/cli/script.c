/*
 * Running SQL scripts from the command line: prepare one statement at a time with
 * weir_prepare_at, so that an error in the 40th line of a file is reported at line 40 and
 * not at line 1 of its statement, print each result the way Spark's Dataset.show() does,
 * and report the first error. Shared by `weir run` and the shell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void weir_cli_cursor_advance(weir_cli_cursor *cur, const char *from, const char *to)
{
    for (const char *p = from; p < to; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\n') {
            cur->line++;
            cur->pos = 0;
        } else if ((c & 0xC0) != 0x80) {
            /* Spark (ANTLR) counts UTF-16 units: characters beyond the BMP count two. */
            cur->pos += (c & 0xF8) == 0xF0 ? 2 : 1;
        }
    }
}

void weir_cli_print_error(weir_db *db)
{
    fflush(stdout); /* results printed so far come before the error */
    const char *msg = weir_errmsg(db);
    if (msg == NULL || *msg == '\0') msg = "unknown error";
    int line = weir_errline(db);
    if (line > 0)
        fprintf(stderr, "error: %s (line %d, pos %d)\n", msg, line, weir_errpos(db));
    else
        fprintf(stderr, "error: %s\n", msg);
    fflush(stderr);
}

/* Prints text followed by an empty line: Dataset.show() is println(showString(...)) and
 * showString already ends with a newline. */
static void print_show_text(const char *text)
{
    size_t n = strlen(text);
    fputs(text, stdout);
    if (n == 0 || text[n - 1] != '\n') fputc('\n', stdout);
    fputc('\n', stdout);
}

/* Runs a prepared statement to its end, printing its result if it has one. */
static int run_stmt(weir_stmt *stmt)
{
    if (weir_stmt_has_result(stmt)) {
        char *text = NULL;
        int rc = weir_stmt_show(stmt, 20, 20, &text);
        if (rc != WEIR_OK) {
            weir_free(text);
            return rc;
        }
        if (text != NULL) print_show_text(text);
        weir_free(text);
        return WEIR_OK;
    }
    for (;;) {
        struct ArrowArray batch;
        memset(&batch, 0, sizeof batch);
        int rc = weir_step(stmt, &batch);
        if (batch.release != NULL) batch.release(&batch);
        if (rc == WEIR_DONE) return WEIR_OK;
        if (rc != WEIR_ROW) return rc;
    }
}

weir_cli_status weir_cli_run_first(weir_db *db, const char *sql, weir_cli_cursor *cur,
                                   const char **tail)
{
    weir_stmt *stmt = NULL;
    const char *rest = NULL;
    *tail = NULL;
    int rc = weir_prepare_at(db, sql, cur->line, cur->pos, &stmt, &rest);
    if (rc != WEIR_OK) {
        weir_finalize(stmt);
        weir_cli_print_error(db);
        return WEIR_CLI_ERROR;
    }
    if (rest == NULL || rest < sql) rest = sql + strlen(sql);
    weir_cli_cursor_advance(cur, sql, rest);
    *tail = rest;
    if (stmt == NULL) {
        /* Nothing but white space and comments (or an empty statement) was consumed. */
        return *rest == '\0' || rest == sql ? WEIR_CLI_DONE : WEIR_CLI_EMPTY;
    }
    rc = run_stmt(stmt);
    fflush(stdout);
    weir_finalize(stmt);
    if (rc != WEIR_OK) {
        weir_cli_print_error(db);
        return WEIR_CLI_ERROR;
    }
    return WEIR_CLI_OK;
}

int weir_cli_run_script(weir_db *db, const char *sql, weir_cli_cursor start)
{
    weir_cli_cursor cur = start;
    const char *p = sql;
    for (;;) {
        const char *tail = NULL;
        weir_cli_status st = weir_cli_run_first(db, p, &cur, &tail);
        if (st == WEIR_CLI_ERROR) return 1;
        if (st == WEIR_CLI_DONE || tail == NULL || *tail == '\0' || tail == p) return 0;
        p = tail;
    }
}

char *weir_cli_read_all(FILE *f)
{
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) return NULL;
    for (;;) {
        if (cap - len < 4096) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        errno = e ? e : EIO;
        return NULL;
    }
    buf[len] = '\0';
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) memmove(buf, buf + 3, len - 2);
    return buf;
}

bool weir_cli_is_blank_sql(const char *text)
{
    const char *p = text;
    while (*p) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v') {
            p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            /* Spark's bracketed comments nest. An unterminated one is not blank: the
             * statement is still being typed. */
            int depth = 0;
            do {
                if (p[0] == '/' && p[1] == '*') {
                    depth++;
                    p += 2;
                } else if (p[0] == '*' && p[1] == '/') {
                    depth--;
                    p += 2;
                } else if (*p == '\0') {
                    return false;
                } else {
                    p++;
                }
            } while (depth > 0);
        } else {
            return false;
        }
    }
    return true;
}
