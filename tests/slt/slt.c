/*
 * weir_slt: a sqllogictest-style runner. End-to-end behaviour of weir is specified as
 * .test files (see tests/README.md for the record syntax): a statement and what it must
 * produce, compared against Spark's documented results. The runner uses the public API
 * only, so every test also exercises what an embedding application sees.
 *
 * Structure: a file is read into lines, cut into records (blank-line separated), and each
 * record is dispatched on its first word through `record_kinds`. Later record types
 * (streaming steps such as appending input, firing a trigger, restarting from a
 * checkpoint) are added as new table entries; a handler may replace the session.
 * A failing record is reported with its file:line, SQL and a diff, and the run goes on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weir.h"

#define ENGINE_NAME    "weir" /* for skipif / onlyif */
#define MAX_ARGS       16
#define DIFF_CONTEXT   3
#define DIFF_MAX_CELLS 16000000 /* LCS table size above which the diff is not minimised */

/* ---- small helpers ------------------------------------------------------------------ */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fputs("weir_slt: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL) {
        fputs("weir_slt: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool is_blank_line(const char *s)
{
    while (is_space(*s))
        s++;
    return *s == '\0';
}

/* True when text holds only white space and SQL comments (--, nested slash-star). */
static bool is_blank_sql(const char *p)
{
    while (*p) {
        if (is_space(*p)) {
            p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            int depth = 0;
            do {
                if (*p == '\0') return false;
                if (p[0] == '/' && p[1] == '*') {
                    depth++;
                    p += 2;
                } else if (p[0] == '*' && p[1] == '/') {
                    depth--;
                    p += 2;
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

/* A list of lines (each malloc'd). */
typedef struct lines {
    char **v;
    int n, cap;
} lines;

static void lines_push(lines *l, char *owned)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = owned;
}

static void lines_free(lines *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Splits text at newlines; a final newline does not start another line. */
static void lines_split(lines *l, const char *text)
{
    if (text == NULL) return;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *s = xmalloc(n + 1);
        memcpy(s, p, n);
        s[n] = '\0';
        lines_push(l, s);
        p += n;
        if (*p == '\n') p++;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- unified diff of two line lists ---------------------------------------------- */

typedef struct edit {
    char op;  /* ' ', '-' (expected only), '+' (actual only) */
    int a, b; /* indices into expected / actual */
} edit;

/* Shortest edit script from the longest common subsequence (quadratic, fine for test
 * outputs; very large inputs fall back to "all removed, all added"). */
static edit *diff_edits(const lines *x, const lines *y, int *nedits)
{
    int n = x->n, m = y->n;
    edit *e = xmalloc((size_t)(n + m + 1) * sizeof *e);
    int k = 0;
    if ((long long)(n + 1) * (m + 1) > DIFF_MAX_CELLS) {
        for (int i = 0; i < n; i++)
            e[k++] = (edit){'-', i, 0};
        for (int j = 0; j < m; j++)
            e[k++] = (edit){'+', n, j};
        *nedits = k;
        return e;
    }
    int *t = xmalloc((size_t)(n + 1) * (size_t)(m + 1) * sizeof *t);
#define T(i, j) t[(size_t)(i) * (size_t)(m + 1) + (size_t)(j)]
    for (int i = n; i >= 0; i--) {
        for (int j = m; j >= 0; j--) {
            if (i == n || j == m)
                T(i, j) = 0;
            else if (strcmp(x->v[i], y->v[j]) == 0)
                T(i, j) = T(i + 1, j + 1) + 1;
            else
                T(i, j) = T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
        }
    }
    int i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && strcmp(x->v[i], y->v[j]) == 0) {
            e[k++] = (edit){' ', i++, j++};
        } else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1))) {
            e[k++] = (edit){'-', i++, j}; /* removals first, as diff -u prints them */
        } else {
            e[k++] = (edit){'+', i, j++};
        }
    }
#undef T
    free(t);
    *nedits = k;
    return e;
}

static void print_diff(const lines *expected, const lines *actual)
{
    int ne = 0;
    edit *e = diff_edits(expected, actual, &ne);
    printf("--- expected\n+++ actual\n");
    int i = 0;
    while (i < ne) {
        while (i < ne && e[i].op == ' ')
            i++;
        if (i == ne) break;
        /* A hunk: from DIFF_CONTEXT lines before this change to DIFF_CONTEXT lines after
         * the last change that is closer than 2 * DIFF_CONTEXT to the one before. */
        int start = i - DIFF_CONTEXT < 0 ? 0 : i - DIFF_CONTEXT;
        int end = i;
        for (;;) {
            while (end < ne && e[end].op != ' ')
                end++;
            int same = end;
            while (same < ne && e[same].op == ' ')
                same++;
            if (same < ne && same - end <= 2 * DIFF_CONTEXT) {
                end = same;
                continue;
            }
            end = end + DIFF_CONTEXT < ne ? end + DIFF_CONTEXT : ne;
            if (end > same) end = same;
            break;
        }
        int na = 0, nb = 0;
        for (int h = start; h < end; h++) {
            if (e[h].op != '+') na++;
            if (e[h].op != '-') nb++;
        }
        int a0 = e[start].a + (na > 0 ? 1 : 0), b0 = e[start].b + (nb > 0 ? 1 : 0);
        printf("@@ -%d,%d +%d,%d @@\n", a0, na, b0, nb);
        for (int h = start; h < end; h++) {
            const char *text = e[h].op == '+' ? actual->v[e[h].b] : expected->v[e[h].a];
            printf("%c%s\n", e[h].op, text);
        }
        i = end;
    }
    free(e);
}

/* ---- records ------------------------------------------------------------------------ */

typedef struct slt_record {
    int line;             /* line of the record's first word in the file */
    char *header;         /* the header line as written */
    char *argv[MAX_ARGS]; /* its words (argv[0] is the record type) */
    int argc;
    char *body; /* the lines after the header up to "----" or a blank line, joined */
    int body_line;
    bool has_expected; /* a "----" line was present */
    lines expected;    /* the lines after "----" up to a blank line */
} slt_record;

typedef struct slt_runner {
    const char *file;
    weir_db *db;
    int passed, failed;
    bool halted;
    char tmp[64]; /* per-file scratch directory, substituted for ${tmp} */
    char *output; /* console sink output not yet checked by an `output` record */
    size_t output_len;
    pthread_mutex_t output_mu;
    char **setup; /* bodies of `statement ok` records, replayed by `restart` */
    int nsetup;
    int listen_fd, conn_fd; /* `serve`: a TCP server the socket source connects to */
    char port[16];          /* substituted for ${port} */
} slt_runner;

typedef enum slt_result { SLT_PASS, SLT_FAIL, SLT_SKIP } slt_result;

static void record_free(slt_record *r)
{
    free(r->header);
    for (int i = 0; i < r->argc; i++)
        free(r->argv[i]);
    free(r->body);
    lines_free(&r->expected);
}

/* Starts a failure report: "file:line: <header>: <reason>" and the record's SQL. */
static void fail_begin(slt_runner *rn, const slt_record *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_begin(slt_runner *rn, const slt_record *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s:%d: %s: FAILED: ", rn->file, r->line, r->header);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    if (r->body != NULL && *r->body) {
        lines sql = {0};
        lines_split(&sql, r->body);
        for (int i = 0; i < sql.n; i++)
            printf("    %s\n", sql.v[i]);
        lines_free(&sql);
    }
}

/* The session's last error as the CLI prints it. Returns a malloc'd string. */
static char *error_text(weir_db *db)
{
    const char *msg = weir_errmsg(db);
    if (msg == NULL) msg = "unknown error";
    size_t n = strlen(msg) + 64;
    char *s = xmalloc(n);
    if (weir_errline(db) > 0)
        snprintf(s, n, "error: %s (line %d, pos %d)", msg, weir_errline(db), weir_errpos(db));
    else
        snprintf(s, n, "error: %s", msg);
    return s;
}

/* Runs a prepared statement to its end, discarding the result batches. */
static int drain(weir_stmt *stmt)
{
    for (;;) {
        struct ArrowArray batch;
        memset(&batch, 0, sizeof batch);
        int rc = weir_step(stmt, &batch);
        if (batch.release != NULL) batch.release(&batch);
        if (rc == WEIR_DONE) return WEIR_OK;
        if (rc != WEIR_ROW) return rc;
    }
}

/* Runs every statement of the record's body. Returns WEIR_OK or the first error code. */
static int run_all(slt_runner *rn, const slt_record *r)
{
    const char *sql = r->body;
    int line = r->body_line, pos = 0;
    while (sql != NULL && !is_blank_sql(sql)) {
        weir_stmt *stmt = NULL;
        const char *tail = NULL;
        int rc = weir_prepare_at(rn->db, sql, line, pos, &stmt, &tail);
        if (rc != WEIR_OK) {
            weir_finalize(stmt);
            return rc;
        }
        if (stmt != NULL) {
            rc = drain(stmt);
            weir_finalize(stmt);
            if (rc != WEIR_OK) return rc;
        }
        if (tail == NULL || tail <= sql) break;
        for (const char *p = sql; p < tail; p++) {
            if (*p == '\n') {
                line++;
                pos = 0;
            } else if (((unsigned char)*p & 0xC0) != 0x80) {
                pos += ((unsigned char)*p & 0xF8) == 0xF0 ? 2 : 1; /* UTF-16 units */
            }
        }
        sql = tail;
    }
    return WEIR_OK;
}

/* Prepares the record's single statement. On failure reports it and returns NULL. */
static weir_stmt *prepare_one(slt_runner *rn, const slt_record *r)
{
    if (r->body == NULL || is_blank_sql(r->body)) {
        fail_begin(rn, r, "the record has no SQL");
        return NULL;
    }
    weir_stmt *stmt = NULL;
    const char *tail = NULL;
    int rc = weir_prepare_at(rn->db, r->body, r->body_line, 0, &stmt, &tail);
    if (rc != WEIR_OK || stmt == NULL) {
        char *err = rc != WEIR_OK ? error_text(rn->db) : xstrdup("no statement");
        fail_begin(rn, r, "%s", err);
        free(err);
        weir_finalize(stmt);
        return NULL;
    }
    if (tail != NULL && !is_blank_sql(tail)) {
        fail_begin(rn, r, "the record holds more than one statement");
        weir_finalize(stmt);
        return NULL;
    }
    if (!weir_stmt_has_result(stmt)) {
        fail_begin(rn, r, "the statement has no result");
        weir_finalize(stmt);
        return NULL;
    }
    return stmt;
}

/* Compares line lists; on a difference reports the failure with a diff. */
static slt_result compare(slt_runner *rn, const slt_record *r, const lines *expected,
                          const lines *actual, const char *what)
{
    bool same = expected->n == actual->n;
    for (int i = 0; same && i < expected->n; i++)
        same = strcmp(expected->v[i], actual->v[i]) == 0;
    if (same) return SLT_PASS;
    fail_begin(rn, r, "%s differ", what);
    print_diff(expected, actual);
    return SLT_FAIL;
}

/* ---- record handlers ----------------------------------------------------------------- */

/* statement ok | statement error [substring]  (the substring may also follow "----") */
static slt_result run_statement(slt_runner *rn, slt_record *r)
{
    if (r->argc < 2 || (strcmp(r->argv[1], "ok") != 0 && strcmp(r->argv[1], "error") != 0) ||
        (strcmp(r->argv[1], "ok") == 0 && (r->argc > 2 || r->has_expected))) {
        fail_begin(rn, r, "expected 'statement ok' or 'statement error [message]'");
        return SLT_FAIL;
    }
    if (r->body == NULL || is_blank_sql(r->body)) {
        fail_begin(rn, r, "the record has no SQL");
        return SLT_FAIL;
    }
    bool want_error = strcmp(r->argv[1], "error") == 0;
    int rc = run_all(rn, r);
    if (!want_error) {
        if (rc == WEIR_OK) return SLT_PASS;
        char *err = error_text(rn->db);
        fail_begin(rn, r, "%s", err);
        free(err);
        return SLT_FAIL;
    }
    /* The expected message: the rest of the header line after "error", or the lines
     * after "----" joined with newlines. */
    const char *want = strstr(r->header, "error") + strlen("error");
    while (is_space(*want))
        want++;
    char *want_owned = NULL;
    if (r->has_expected) {
        size_t n = 1;
        for (int i = 0; i < r->expected.n; i++)
            n += strlen(r->expected.v[i]) + 1;
        want_owned = xmalloc(n);
        want_owned[0] = '\0';
        for (int i = 0; i < r->expected.n; i++) {
            if (i > 0) strcat(want_owned, "\n");
            strcat(want_owned, r->expected.v[i]);
        }
        want = want_owned;
    }
    slt_result res = SLT_PASS;
    if (rc == WEIR_OK) {
        fail_begin(rn, r, "expected an error containing \"%s\", but the statement succeeded", want);
        res = SLT_FAIL;
    } else if (strstr(weir_errmsg(rn->db) ? weir_errmsg(rn->db) : "", want) == NULL) {
        char *err = error_text(rn->db);
        fail_begin(rn, r, "wrong error message");
        printf("expected (substring): %s\nactual: %s\n", want, err);
        free(err);
        res = SLT_FAIL;
    }
    free(want_owned);
    return res;
}

/* The type letter of a Spark type name: I integral, R fractional, T anything else. */
static char type_letter(const char *type)
{
    static const char *const ints[] = {"tinyint", "smallint", "int", "bigint"};
    static const char *const reals[] = {"float", "double"};
    if (type == NULL) return 'T';
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(type, ints[i]) == 0) return 'I';
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        if (strcmp(type, reals[i]) == 0) return 'R';
    if (strncmp(type, "decimal", 7) == 0) return 'R';
    return 'T';
}

/* query <types> [rowsort|nosort] */
static slt_result run_query(slt_runner *rn, slt_record *r)
{
    bool rowsort = false;
    if (r->argc < 2 || r->argc > 3 || strspn(r->argv[1], "IRT") != strlen(r->argv[1]) ||
        (r->argc == 3 && strcmp(r->argv[2], "rowsort") != 0 && strcmp(r->argv[2], "nosort") != 0)) {
        fail_begin(rn, r, "expected 'query <I|R|T per column> [rowsort|nosort]'");
        return SLT_FAIL;
    }
    if (r->argc == 3) rowsort = strcmp(r->argv[2], "rowsort") == 0;
    weir_stmt *stmt = prepare_one(rn, r);
    if (stmt == NULL) return SLT_FAIL;

    const char *types = r->argv[1];
    int ncols = weir_stmt_ncols(stmt);
    char *actual_types = xmalloc((size_t)ncols + 1);
    for (int i = 0; i < ncols; i++)
        actual_types[i] = type_letter(weir_stmt_coltype(stmt, i));
    actual_types[ncols] = '\0';
    if (strcmp(types, actual_types) != 0) {
        fail_begin(rn, r, "column types differ: expected %s, got %s", types, actual_types);
        for (int i = 0; i < ncols; i++)
            printf("  column %d: %s %s\n", i + 1, weir_stmt_colname(stmt, i),
                   weir_stmt_coltype(stmt, i));
        free(actual_types);
        weir_finalize(stmt);
        return SLT_FAIL;
    }
    free(actual_types);

    char *text = NULL;
    int rc = weir_stmt_rows_text(stmt, &text);
    if (rc != WEIR_OK) {
        char *err = error_text(rn->db);
        fail_begin(rn, r, "%s", err);
        free(err);
        weir_free(text);
        weir_finalize(stmt);
        return SLT_FAIL;
    }
    lines actual = {0};
    lines_split(&actual, text);
    weir_free(text);
    weir_finalize(stmt);

    /* An empty cell is written "(empty)": an empty line would end the record. */
    for (int i = 0; i < actual.n; i++) {
        const char *s = actual.v[i];
        size_t n = strlen(s), extra = 0;
        for (size_t k = 0; k <= n; k++)
            if ((k == 0 || s[k - 1] == '\t') && (k == n || s[k] == '\t')) extra++;
        if (extra == 0) continue;
        char *t = xmalloc(n + extra * strlen("(empty)") + 1), *o = t;
        for (size_t k = 0; k <= n; k++) {
            if ((k == 0 || s[k - 1] == '\t') && (k == n || s[k] == '\t')) o = stpcpy(o, "(empty)");
            if (k < n) *o++ = s[k];
        }
        *o = '\0';
        free(actual.v[i]);
        actual.v[i] = t;
    }
    if (rowsort) {
        qsort(actual.v, (size_t)actual.n, sizeof *actual.v, cmp_str);
        qsort(r->expected.v, (size_t)r->expected.n, sizeof *r->expected.v, cmp_str);
    }
    slt_result res = compare(rn, r, &r->expected, &actual, "rows");
    lines_free(&actual);
    return res;
}

/* show [numRows] [truncate] : Dataset.show(numRows, truncate) text, byte for byte */
static slt_result run_show(slt_runner *rn, slt_record *r)
{
    long long num_rows = 20;
    long truncate = 20;
    bool ok = r->argc <= 3;
    if (ok && r->argc >= 2) {
        char *end = NULL;
        num_rows = strtoll(r->argv[1], &end, 10);
        ok = *end == '\0' && end != r->argv[1];
    }
    if (ok && r->argc >= 3) {
        if (strcmp(r->argv[2], "true") == 0) {
            truncate = 20; /* show(n, truncate = true) */
        } else if (strcmp(r->argv[2], "false") == 0) {
            truncate = 0;
        } else {
            char *end = NULL;
            truncate = strtol(r->argv[2], &end, 10);
            ok = *end == '\0' && end != r->argv[2] && truncate >= 0;
        }
    }
    if (!ok) {
        fail_begin(rn, r, "expected 'show [numRows] [truncate]'");
        return SLT_FAIL;
    }
    weir_stmt *stmt = prepare_one(rn, r);
    if (stmt == NULL) return SLT_FAIL;
    char *text = NULL;
    int rc = weir_stmt_show(stmt, num_rows, (int)truncate, &text);
    weir_finalize(stmt);
    if (rc != WEIR_OK) {
        char *err = error_text(rn->db);
        fail_begin(rn, r, "%s", err);
        free(err);
        weir_free(text);
        return SLT_FAIL;
    }
    lines actual = {0};
    lines_split(&actual, text);
    bool final_newline = text != NULL && *text && text[strlen(text) - 1] == '\n';
    weir_free(text);
    slt_result res = compare(rn, r, &r->expected, &actual, "show() lines");
    if (res == SLT_PASS && actual.n > 0 && !final_newline) {
        fail_begin(rn, r, "show() output does not end with a newline");
        res = SLT_FAIL;
    }
    lines_free(&actual);
    return res;
}

/* columns : the result's column names, tab-separated (Spark's automatic names) */
static slt_result run_columns(slt_runner *rn, slt_record *r)
{
    if (r->argc != 1) {
        fail_begin(rn, r, "expected 'columns'");
        return SLT_FAIL;
    }
    weir_stmt *stmt = prepare_one(rn, r);
    if (stmt == NULL) return SLT_FAIL;
    int ncols = weir_stmt_ncols(stmt);
    size_t n = 1;
    for (int i = 0; i < ncols; i++) {
        const char *name = weir_stmt_colname(stmt, i);
        n += strlen(name ? name : "") + 1;
    }
    char *names = xmalloc(n);
    names[0] = '\0';
    for (int i = 0; i < ncols; i++) {
        const char *name = weir_stmt_colname(stmt, i);
        if (i > 0) strcat(names, "\t");
        strcat(names, name ? name : "");
    }
    weir_finalize(stmt);
    lines actual = {0};
    lines_push(&actual, names);
    slt_result res = compare(rn, r, &r->expected, &actual, "column names");
    lines_free(&actual);
    return res;
}

/* halt : ignore the rest of the file */
static slt_result run_halt(slt_runner *rn, slt_record *r)
{
    (void)r;
    rn->halted = true;
    return SLT_SKIP;
}

/* ---- streaming steps ------------------------------------------------------------------ */

/* Console sink output of the session's streaming queries, collected for `output`. */
static void capture_output(void *user, const char *text)
{
    slt_runner *rn = user;
    size_t n = strlen(text);
    pthread_mutex_lock(&rn->output_mu);
    rn->output = xrealloc(rn->output, rn->output_len + n + 1);
    memcpy(rn->output + rn->output_len, text, n + 1);
    rn->output_len += n;
    pthread_mutex_unlock(&rn->output_mu);
}

/* Replaces every ${tmp} in s by the file's scratch directory (malloc'd result). */
static char *subst_tmp(const slt_runner *rn, const char *s)
{
    size_t n = strlen(s) + 1, tl = strlen(rn->tmp);
    for (const char *p = strstr(s, "${tmp}"); p; p = strstr(p + 6, "${tmp}"))
        n += tl;
    char *out = xmalloc(n), *o = out;
    for (;;) {
        const char *p = strstr(s, "${tmp}");
        if (!p) {
            strcpy(o, s);
            break;
        }
        memcpy(o, s, (size_t)(p - s));
        o += p - s;
        memcpy(o, rn->tmp, tl);
        o += tl;
        s = p + 6;
    }
    return out;
}

/* Replaces ${port} too (after ${tmp}). */
static char *subst_all(const slt_runner *rn, const char *s)
{
    char *t = subst_tmp(rn, s);
    for (const char *p = strstr(t, "${port}"); p; p = strstr(t, "${port}")) {
        size_t n = strlen(t) + strlen(rn->port) + 1;
        char *o = xmalloc(n);
        snprintf(o, n, "%.*s%s%s", (int)(p - t), t, rn->port, p + 7);
        free(t);
        t = o;
    }
    return t;
}

static void subst_record(const slt_runner *rn, slt_record *r)
{
    char *b = subst_all(rn, r->body ? r->body : "");
    free(r->body);
    r->body = b;
    for (int i = 0; i < r->argc; i++) {
        char *a = subst_all(rn, r->argv[i]);
        free(r->argv[i]);
        r->argv[i] = a;
    }
    for (int i = 0; i < r->expected.n; i++) {
        char *e = subst_all(rn, r->expected.v[i]);
        free(r->expected.v[i]);
        r->expected.v[i] = e;
    }
}

static int mkdirs(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    int rc = mkdir(p, 0755);
    free(p);
    return rc == 0 || errno == EEXIST ? 0 : -1;
}

/* file PATH : writes the record's body (plus a final newline) to PATH atomically, as a
 * file appearing in a streaming source's directory. */
static slt_result run_file_step(slt_runner *rn, slt_record *r)
{
    if (r->argc != 2) {
        fail_begin(rn, r, "expected 'file PATH'");
        return SLT_FAIL;
    }
    const char *path = r->argv[1];
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
        mkdirs(dir);
        *slash = '/';
    }
    size_t n = strlen(path) + 16;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.writing", path);
    /* hidden while written: a leading '.' on the name */
    char *base = strrchr(tmp, '/');
    char *hidden = xmalloc(n + 1);
    if (base) {
        size_t k = (size_t)(base - tmp) + 1;
        memcpy(hidden, tmp, k);
        hidden[k] = '.';
        strcpy(hidden + k + 1, base + 1);
    } else {
        hidden[0] = '.';
        strcpy(hidden + 1, tmp);
    }
    FILE *f = fopen(hidden, "wb");
    bool ok = f != NULL;
    if (ok) {
        if (r->body && *r->body) fprintf(f, "%s\n", r->body);
        ok = fclose(f) == 0 && rename(hidden, path) == 0;
    }
    free(dir);
    free(tmp);
    free(hidden);
    if (!ok) {
        fail_begin(rn, r, "cannot write %s: %s", path, strerror(errno));
        return SLT_FAIL;
    }
    return SLT_PASS;
}

static weir_query *find_query(slt_runner *rn, slt_record *r, const char *what)
{
    if (r->argc < 2) {
        fail_begin(rn, r, "expected '%s NAME'", what);
        return NULL;
    }
    weir_query *q = weir_query_find(rn->db, r->argv[1]);
    if (!q) fail_begin(rn, r, "no streaming table named %s", r->argv[1]);
    return q;
}

/* trigger NAME [N] : runs N triggers (default 1) of a manually triggered query.
 * The optional expectation after ---- is the number of triggers that ran a batch. */
static slt_result run_trigger_step(slt_runner *rn, slt_record *r)
{
    weir_query *q = find_query(rn, r, "trigger");
    if (!q) return SLT_FAIL;
    bool until = r->argc > 2 && strcmp(r->argv[2], "until-batch") == 0;
    int n = r->argc > 2 && !until ? atoi(r->argv[2]) : 1, ran_count = 0;
    /* until-batch: data arrives asynchronously (socket): trigger until a batch runs, 10 s max */
    for (int i = 0, tries = 0; i < n; i++) {
        bool ran = false;
        if (weir_query_trigger(q, &ran) != WEIR_OK) {
            char *err = error_text(rn->db);
            fail_begin(rn, r, "%s", err);
            free(err);
            return SLT_FAIL;
        }
        ran_count += ran;
        if (until && !ran && ++tries < 10000) {
            poll(NULL, 0, 1);
            i--;
        }
    }
    if (r->has_expected) {
        char buf[32];
        snprintf(buf, sizeof buf, "%d", ran_count);
        lines actual = {0};
        lines_push(&actual, xstrdup(buf));
        slt_result res = compare(rn, r, &r->expected, &actual, "batches run");
        lines_free(&actual);
        return res;
    }
    return SLT_PASS;
}

/* process NAME : waits until the query has processed everything available now. */
static slt_result run_process_step(slt_runner *rn, slt_record *r)
{
    weir_query *q = find_query(rn, r, "process");
    if (!q) return SLT_FAIL;
    if (weir_query_process_all_available(q) != WEIR_OK) {
        char *err = error_text(rn->db);
        fail_begin(rn, r, "%s", err);
        free(err);
        return SLT_FAIL;
    }
    return SLT_PASS;
}

/* await NAME : waits until the query stops (trigger 'once' / 'availableNow'). An error
 * the query failed with is compared with the expectation after ----, if any. */
static slt_result run_await_step(slt_runner *rn, slt_record *r)
{
    weir_query *q = find_query(rn, r, "await");
    if (!q) return SLT_FAIL;
    bool done = false;
    int rc = weir_query_await(q, 60000, &done);
    if (!done) {
        fail_begin(rn, r, "the query did not stop within 60 s");
        return SLT_FAIL;
    }
    if (rc != WEIR_OK && !r->has_expected) {
        char *err = error_text(rn->db);
        fail_begin(rn, r, "%s", err);
        free(err);
        return SLT_FAIL;
    }
    if (r->has_expected) {
        lines actual = {0};
        lines_push(&actual, xstrdup(rc == WEIR_OK ? "ok" : weir_errmsg(rn->db)));
        slt_result res = compare(rn, r, &r->expected, &actual, "termination");
        lines_free(&actual);
        return res;
    }
    return SLT_PASS;
}

/* output : the console sink output since the last `output` record, empty lines dropped
 * (a record's expectation cannot hold one). */
static slt_result run_output_step(slt_runner *rn, slt_record *r)
{
    pthread_mutex_lock(&rn->output_mu);
    char *text = rn->output ? rn->output : xstrdup("");
    rn->output = NULL;
    rn->output_len = 0;
    pthread_mutex_unlock(&rn->output_mu);
    lines all = {0}, actual = {0};
    lines_split(&all, text);
    for (int i = 0; i < all.n; i++)
        if (!is_blank_line(all.v[i])) lines_push(&actual, xstrdup(all.v[i]));
    lines_free(&all);
    free(text);
    slt_result res = compare(rn, r, &r->expected, &actual, "console output");
    lines_free(&actual);
    return res;
}

/* clock MS : advances the session's manual clock. */
static slt_result run_clock_step(slt_runner *rn, slt_record *r)
{
    if (r->argc != 2) {
        fail_begin(rn, r, "expected 'clock MILLISECONDS'");
        return SLT_FAIL;
    }
    weir_advance_clock(rn->db, strtoll(r->argv[1], NULL, 10));
    return SLT_PASS;
}

/* progress NAME FIELD... : top-level fields of the query's last progress JSON. */
static slt_result run_progress_step(slt_runner *rn, slt_record *r)
{
    weir_query *q = find_query(rn, r, "progress");
    if (!q) return SLT_FAIL;
    char *json = weir_query_last_progress(q);
    lines actual = {0};
    for (int i = 2; i < r->argc; i++) {
        char key[128];
        snprintf(key, sizeof key, "\n  \"%s\" : ", r->argv[i]);
        const char *p = json ? strstr(json, key) : NULL;
        if (!p) {
            lines_push(&actual, xstrdup("(absent)"));
            continue;
        }
        p += strlen(key);
        size_t n = strcspn(p, ",\n");
        char *v = xmalloc(n + 1);
        memcpy(v, p, n);
        v[n] = 0;
        lines_push(&actual, v);
    }
    free(json);
    slt_result res = compare(rn, r, &r->expected, &actual, "progress");
    lines_free(&actual);
    return res;
}

/* ---- progress-json: values anywhere in the progress JSON ---------------------------- */

/* A minimal JSON walker over the progress text (read only; no tree is built). Each
 * function takes a pointer into the text and returns the position after what it read, or
 * NULL when the text is not well-formed there. */
static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *json_skip_string(const char *p)
{
    if (*p != '"') return NULL;
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && *++p == '\0') return NULL;
    return *p == '"' ? p + 1 : NULL;
}

static const char *json_skip_value(const char *p, int depth)
{
    p = json_ws(p);
    if (depth > 64) return NULL;
    if (*p == '"') return json_skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = json_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                p = json_skip_string(json_ws(p));
                if (!p || *(p = json_ws(p)) != ':') return NULL;
                p++;
            }
            if (!(p = json_skip_value(p, depth + 1))) return NULL;
            p = json_ws(p);
            if (*p == close) return p + 1;
            if (*p != ',') return NULL;
            p++;
        }
    }
    /* number, true, false, null */
    const char *s = p;
    while (*p && strchr("+-.0123456789eEtruefalsn", *p))
        p++;
    return p > s ? p : NULL;
}

/* The value of member `key` (length n) of the object at p, or NULL. */
static const char *json_member(const char *p, const char *key, size_t n)
{
    p = json_ws(p);
    if (*p != '{') return NULL;
    p = json_ws(p + 1);
    if (*p == '}') return NULL;
    for (;;) {
        const char *k = json_ws(p), *ke = json_skip_string(k);
        if (!ke) return NULL;
        p = json_ws(ke);
        if (*p != ':') return NULL;
        p = json_ws(p + 1);
        /* keys of progress reports carry no escapes: compare the raw text */
        if ((size_t)(ke - k - 2) == n && strncmp(k + 1, key, n) == 0) return p;
        if (!(p = json_skip_value(p, 0))) return NULL;
        p = json_ws(p);
        if (*p != ',') return NULL;
        p++;
    }
}

/* Element i of the array at p, or NULL. */
static const char *json_element(const char *p, long i)
{
    p = json_ws(p);
    if (*p != '[' || i < 0) return NULL;
    p = json_ws(p + 1);
    if (*p == ']') return NULL;
    for (long k = 0;; k++) {
        if (k == i) return json_ws(p);
        if (!(p = json_skip_value(p, 0))) return NULL;
        p = json_ws(p);
        if (*p != ',') return NULL;
        p = json_ws(p + 1);
    }
}

/* Follows a path such as `stateOperators[0].numRowsTotal` or `eventTime.watermark` from
 * the document at p: keys separated by '.', each optionally followed by [index]es. */
static const char *json_path(const char *p, const char *path)
{
    const char *s = path;
    while (p && *s) {
        size_t n = strcspn(s, ".[");
        if (n == 0 && *s != '[') return NULL; /* an empty key: "a..b", ".a" */
        if (n > 0) p = json_member(p, s, n);
        s += n;
        while (p && *s == '[') {
            char *end = NULL;
            long i = strtol(s + 1, &end, 10);
            if (end == s + 1 || *end != ']') return NULL;
            p = json_element(p, i);
            s = end + 1;
        }
        if (*s == '.') {
            s++;
            if (*s == '\0') return NULL;
        } else if (*s) {
            return NULL;
        }
    }
    return p;
}

/* The JSON text of the value at p on one line: white space outside strings removed. */
static char *json_compact(const char *p)
{
    p = json_ws(p);
    const char *e = json_skip_value(p, 0);
    if (!e) return xstrdup("(malformed)");
    char *out = xmalloc((size_t)(e - p) + 1), *o = out;
    while (p < e) {
        if (*p == '"') {
            const char *se = json_skip_string(p);
            memcpy(o, p, (size_t)(se - p));
            o += se - p;
            p = se;
        } else {
            if (!(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) *o++ = *p;
            p++;
        }
    }
    *o = '\0';
    return out;
}

/* progress-json NAME PATH... : the values at the given paths of the last progress report,
 * one per line, as JSON text (strings quoted, objects and arrays compacted), `(absent)`
 * when the path leads nowhere (or no batch has run yet). */
static slt_result run_progress_json_step(slt_runner *rn, slt_record *r)
{
    weir_query *q = find_query(rn, r, "progress-json");
    if (!q) return SLT_FAIL;
    if (r->argc < 3) {
        fail_begin(rn, r, "expected 'progress-json NAME PATH...'");
        return SLT_FAIL;
    }
    char *json = weir_query_last_progress(q);
    lines actual = {0};
    for (int i = 2; i < r->argc; i++) {
        const char *v = json ? json_path(json, r->argv[i]) : NULL;
        lines_push(&actual, v ? json_compact(v) : xstrdup("(absent)"));
    }
    free(json);
    slt_result res = compare(rn, r, &r->expected, &actual, "progress values");
    lines_free(&actual);
    return res;
}

static void open_session(slt_runner *rn)
{
    if (weir_open(&rn->db) != WEIR_OK) {
        weir_close(rn->db);
        rn->db = NULL;
        return;
    }
    weir_set_output(rn->db, capture_output, rn);
}

/* restart : closes the session (stopping its queries gracefully) and opens a new one that
 * re-runs every `statement ok` record so far — queries resume from their checkpoints. */
static slt_result run_restart_step(slt_runner *rn, slt_record *r)
{
    weir_close(rn->db);
    open_session(rn);
    if (!rn->db) {
        fail_begin(rn, r, "cannot open a session");
        return SLT_FAIL;
    }
    for (int i = 0; i < rn->nsetup; i++) {
        slt_record s = {.line = r->line, .header = "restart", .body = rn->setup[i], .body_line = 1};
        if (run_all(rn, &s) != WEIR_OK) {
            char *err = error_text(rn->db);
            fail_begin(rn, r, "replaying setup: %s", err);
            free(err);
            return SLT_FAIL;
        }
    }
    return SLT_PASS;
}

/* serve : listens on a free loopback port (${port} in later records) for the socket source. */
static slt_result run_serve_step(slt_runner *rn, slt_record *r)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        fail_begin(rn, r, "cannot listen: %s", strerror(errno));
        if (fd >= 0) close(fd);
        return SLT_FAIL;
    }
    rn->listen_fd = fd;
    snprintf(rn->port, sizeof rn->port, "%d", ntohs(a.sin_port));
    return SLT_PASS;
}

/* send : writes the record's lines to the connected socket source (accepting it first). */
static slt_result run_send_step(slt_runner *rn, slt_record *r)
{
    if (rn->conn_fd < 0) {
        struct pollfd p = {rn->listen_fd, POLLIN, 0};
        if (rn->listen_fd < 0 || poll(&p, 1, 10000) != 1 ||
            (rn->conn_fd = accept(rn->listen_fd, NULL, NULL)) < 0) {
            fail_begin(rn, r, "no connection from the socket source");
            return SLT_FAIL;
        }
    }
    size_t n = strlen(r->body);
    char *msg = xmalloc(n + 2);
    memcpy(msg, r->body, n);
    msg[n] = '\n';
    msg[n + 1] = 0;
    bool ok = write(rn->conn_fd, msg, n + 1) == (ssize_t)(n + 1);
    free(msg);
    if (!ok) {
        fail_begin(rn, r, "send failed: %s", strerror(errno));
        return SLT_FAIL;
    }
    return SLT_PASS;
}

/* wait-batch NAME N : waits (10 s at most) until the query has completed batch N — for
 * queries that run in their own thread, e.g. processing-time triggers on a manual clock. */
static slt_result run_wait_batch_step(slt_runner *rn, slt_record *r)
{
    weir_query *q = find_query(rn, r, "wait-batch");
    if (!q) return SLT_FAIL;
    long want = r->argc > 2 ? atol(r->argv[2]) : 0;
    for (int tries = 0; tries < 10000; tries++) {
        char *json = weir_query_last_progress(q);
        const char *p = json ? strstr(json, "\"batchId\" : ") : NULL;
        long got = p ? atol(p + 12) : -1;
        free(json);
        if (got >= want) return SLT_PASS;
        if (!weir_query_is_active(q)) break;
        poll(NULL, 0, 1);
    }
    fail_begin(rn, r, "batch %ld did not complete", want);
    return SLT_FAIL;
}

typedef struct slt_kind {
    const char *name;
    slt_result (*run)(slt_runner *rn, slt_record *r);
} slt_kind;

static const slt_kind record_kinds[] = {
    {"statement", run_statement},
    {"query", run_query},
    {"show", run_show},
    {"columns", run_columns},
    {"halt", run_halt},
    {"file", run_file_step},
    {"trigger", run_trigger_step},
    {"process", run_process_step},
    {"await", run_await_step},
    {"output", run_output_step},
    {"clock", run_clock_step},
    {"progress", run_progress_step},
    {"progress-json", run_progress_json_step},
    {"restart", run_restart_step},
    {"serve", run_serve_step},
    {"send", run_send_step},
    {"wait-batch", run_wait_batch_step},
};

/* ---- file loop ---------------------------------------------------------------------- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 8192, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (cap - len < 4096) buf = xrealloc(buf, cap *= 2);
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* Joins lines [from, to) with newlines. */
static char *join_lines(char **v, int from, int to)
{
    size_t n = 1;
    for (int i = from; i < to; i++)
        n += strlen(v[i]) + 1;
    char *s = xmalloc(n), *o = s;
    for (int i = from; i < to; i++) {
        if (i > from) *o++ = '\n';
        o = stpcpy(o, v[i]);
    }
    *o = '\0';
    return s;
}

static void split_words(slt_record *r)
{
    const char *p = r->header;
    while (r->argc < MAX_ARGS) {
        while (is_space(*p))
            p++;
        if (*p == '\0') break;
        const char *w = p;
        while (*p && !is_space(*p))
            p++;
        char *s = xmalloc((size_t)(p - w) + 1);
        memcpy(s, w, (size_t)(p - w));
        s[p - w] = '\0';
        r->argv[r->argc++] = s;
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Runs one file in a fresh session. Returns true when every record passed. */
static bool run_file(const char *path)
{
    slt_runner rn = {.file = path};
    char *text = read_file(path);
    if (text == NULL) {
        printf("%s: cannot read: %s\n", path, strerror(errno));
        printf("0 passed, 1 failed\n");
        return false;
    }
    pthread_mutex_init(&rn.output_mu, NULL);
    rn.listen_fd = rn.conn_fd = -1;
    snprintf(rn.tmp, sizeof rn.tmp, "/tmp/weir_slt_XXXXXX");
    if (!mkdtemp(rn.tmp)) {
        printf("%s: cannot create a scratch directory\n", path);
        printf("0 passed, 1 failed\n");
        free(text);
        return false;
    }
    open_session(&rn);
    if (!rn.db) {
        printf("%s: cannot open a session\n", path);
        printf("0 passed, 1 failed\n");
        free(text);
        return false;
    }
    /* Cut the text into lines in place (CR LF tolerated). */
    int nlines = 0, cap = 256;
    char **line = xmalloc((size_t)cap * sizeof *line);
    for (char *p = text; *p;) {
        if (nlines == cap) line = xrealloc(line, (size_t)(cap *= 2) * sizeof *line);
        line[nlines++] = p;
        char *nl = strchr(p, '\n');
        char *end = nl ? nl : p + strlen(p);
        if (end > p && end[-1] == '\r') end[-1] = '\0';
        if (nl == NULL) break;
        *nl = '\0';
        p = nl + 1;
    }

    int i = 0;
    while (i < nlines && !rn.halted) {
        if (is_blank_line(line[i]) || line[i][0] == '#') {
            i++;
            continue;
        }
        /* Conditions: "skipif <engine>" / "onlyif <engine>" lines before the header. */
        bool skip = false;
        for (;;) {
            bool skipif = strncmp(line[i], "skipif ", 7) == 0;
            bool onlyif = strncmp(line[i], "onlyif ", 7) == 0;
            if (!skipif && !onlyif) break;
            const char *engine = line[i] + 7;
            while (is_space(*engine))
                engine++;
            size_t n = strcspn(engine, " \t");
            bool match = n == strlen(ENGINE_NAME) && strncmp(engine, ENGINE_NAME, n) == 0;
            if (skipif ? match : !match) skip = true;
            i++;
            if (i == nlines || is_blank_line(line[i])) break;
        }
        if (i == nlines || is_blank_line(line[i])) continue;

        slt_record r = {.line = i + 1, .header = xstrdup(line[i])};
        split_words(&r);
        i++;
        int body_from = i;
        while (i < nlines && !is_blank_line(line[i]) && strcmp(line[i], "----") != 0)
            i++;
        r.body = join_lines(line, body_from, i);
        r.body_line = body_from + 1;
        if (i < nlines && strcmp(line[i], "----") == 0) {
            r.has_expected = true;
            i++;
            while (i < nlines && !is_blank_line(line[i]))
                lines_push(&r.expected, xstrdup(line[i++]));
        }
        if (!skip) {
            subst_record(&rn, &r);
            const slt_kind *kind = NULL;
            for (size_t k = 0; k < sizeof record_kinds / sizeof record_kinds[0]; k++)
                if (strcmp(record_kinds[k].name, r.argv[0]) == 0) kind = &record_kinds[k];
            slt_result res;
            if (kind == NULL) {
                fail_begin(&rn, &r, "unknown record type '%s'", r.argv[0]);
                res = SLT_FAIL;
            } else {
                res = kind->run(&rn, &r);
            }
            if (res == SLT_PASS && strcmp(r.argv[0], "statement") == 0 &&
                strcmp(r.argv[1], "ok") == 0) {
                rn.setup = xrealloc(rn.setup, sizeof(char *) * (size_t)(rn.nsetup + 1));
                rn.setup[rn.nsetup++] = xstrdup(r.body);
            }
            if (res == SLT_PASS) rn.passed++;
            if (res == SLT_FAIL) {
                rn.failed++;
                putchar('\n');
            }
            fflush(stdout);
        }
        record_free(&r);
    }
    printf("%d passed, %d failed\n", rn.passed, rn.failed);
    fflush(stdout);
    weir_close(rn.db);
    free(rn.output);
    for (int k = 0; k < rn.nsetup; k++)
        free(rn.setup[k]);
    free(rn.setup);
    nftw(rn.tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rn.conn_fd >= 0) close(rn.conn_fd);
    if (rn.listen_fd >= 0) close(rn.listen_fd);
    pthread_mutex_destroy(&rn.output_mu);
    free(line);
    free(text);
    return rn.failed == 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: weir_slt FILE.test...\n", stderr);
        return 2;
    }
    bool ok = true;
    for (int i = 1; i < argc; i++) {
        if (argc > 2) printf("== %s\n", argv[i]);
        if (!run_file(argv[i])) ok = false;
    }
    return ok ? 0 : 1;
}
