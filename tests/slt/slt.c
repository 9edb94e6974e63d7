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

typedef struct slt_kind {
    const char *name;
    slt_result (*run)(slt_runner *rn, slt_record *r);
} slt_kind;

static const slt_kind record_kinds[] = {
    {"statement", run_statement}, {"query", run_query}, {"show", run_show},
    {"columns", run_columns},     {"halt", run_halt},
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
    if (weir_open(&rn.db) != WEIR_OK) {
        printf("%s: cannot open a session\n", path);
        printf("0 passed, 1 failed\n");
        weir_close(rn.db);
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
