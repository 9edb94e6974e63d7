/*
 * weir's command-line program: `weir run` executes SQL scripts (files, -e text, stdin),
 * `weir sql` is the interactive shell. This file only parses the command line and
 * dispatches; exit statuses are part of the interface (0 ok, 1 SQL or I/O error, 2 usage)
 * so scripts and CI can rely on them.
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define EXIT_USAGE 2
#define HELP_SHOWN (-1) /* parse_options printed --help: exit 0 */

static const char usage_text[] =
    "usage: weir run [--conf KEY=VALUE]... (FILE.sql | -e SQL | -)...\n"
    "       weir sql [--conf KEY=VALUE]...\n"
    "       weir --version | --help\n"
    "\n"
    "commands:\n"
    "  run    run the statements of each script in order, printing every result as\n"
    "         Spark's Dataset.show() does; stop at the first error (exit status 1)\n"
    "  sql    interactive SQL shell (reads statements from stdin when it is not a\n"
    "         terminal); type \\h in the shell for its commands\n"
    "\n"
    "options:\n"
    "  -e SQL              run SQL given on the command line\n"
    "  -                   read a script from standard input\n"
    "  --conf KEY=VALUE    set a session setting before running (repeatable), as\n"
    "                      SET KEY = VALUE does\n"
    "  -h, --help          show this help\n"
    "  -V, --version       show the version\n"
    "\n"
    "Errors are printed to stderr as \"error: <message> (line L, pos P)\".\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("weir: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'weir --help' for more information.\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

/* One script of `weir run`, in command-line order. */
typedef enum source_kind { SRC_FILE, SRC_TEXT, SRC_STDIN } source_kind;
typedef struct source {
    source_kind kind;
    const char *arg;
} source;

typedef struct options {
    const char **confs; /* "key=value" strings */
    int nconfs;
    source *sources;
    int nsources;
} options;

static void options_free(options *o)
{
    free(o->confs);
    free(o->sources);
}

/* Parses the arguments after the command name. Returns 0, HELP_SHOWN, or an exit status
 * (the problem printed). */
static int parse_options(int argc, char **argv, bool allow_sources, options *o)
{
    o->confs = calloc((size_t)argc + 1, sizeof *o->confs);
    o->sources = calloc((size_t)argc + 1, sizeof *o->sources);
    if (o->confs == NULL || o->sources == NULL) {
        fputs("error: out of memory\n", stderr);
        return 1;
    }
    bool only_files = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || (a[1] == '\0')) {
            if (!allow_sources) return usage_error("unexpected argument '%s'", a);
            source_kind k = (!only_files && strcmp(a, "-") == 0) ? SRC_STDIN : SRC_FILE;
            o->sources[o->nsources++] = (source){k, a};
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            return HELP_SHOWN;
        } else if (strcmp(a, "--") == 0) {
            only_files = true;
        } else if (strcmp(a, "-e") == 0) {
            if (!allow_sources) return usage_error("unexpected argument '%s'", a);
            if (i + 1 >= argc) return usage_error("option '%s' needs an argument", a);
            o->sources[o->nsources++] = (source){SRC_TEXT, argv[++i]};
        } else if (strcmp(a, "--conf") == 0 || strncmp(a, "--conf=", 7) == 0) {
            const char *kv;
            if (a[6] == '=') {
                kv = a + 7;
            } else {
                if (i + 1 >= argc) return usage_error("option '%s' needs an argument", a);
                kv = argv[++i];
            }
            const char *eq = strchr(kv, '=');
            if (eq == NULL || eq == kv) return usage_error("--conf needs KEY=VALUE, got '%s'", kv);
            o->confs[o->nconfs++] = kv;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    return 0;
}

/* Applies the --conf settings. Returns 0, or 1 after printing the error. */
static int apply_confs(weir_db *db, const options *o)
{
    for (int i = 0; i < o->nconfs; i++) {
        const char *kv = o->confs[i];
        const char *eq = strchr(kv, '=');
        size_t klen = (size_t)(eq - kv);
        char *key = malloc(klen + 1);
        if (key == NULL) {
            fputs("error: out of memory\n", stderr);
            return 1;
        }
        memcpy(key, kv, klen);
        key[klen] = '\0';
        int rc = weir_set(db, key, eq + 1);
        free(key);
        if (rc != WEIR_OK) {
            weir_cli_print_error(db);
            return 1;
        }
    }
    return 0;
}

static int run_source(weir_db *db, const source *s)
{
    weir_cli_cursor start = {1, 0};
    if (s->kind == SRC_TEXT) return weir_cli_run_script(db, s->arg, start);
    FILE *f = s->kind == SRC_STDIN ? stdin : fopen(s->arg, "rb");
    if (f == NULL) {
        fprintf(stderr, "error: cannot open %s: %s\n", s->arg, strerror(errno));
        return 1;
    }
    char *text = weir_cli_read_all(f);
    int err = errno;
    if (f != stdin) fclose(f);
    if (text == NULL) {
        fprintf(stderr, "error: cannot read %s: %s\n",
                s->kind == SRC_STDIN ? "standard input" : s->arg, strerror(err));
        return 1;
    }
    int rc = weir_cli_run_script(db, text, start);
    free(text);
    return rc;
}

static int open_session(weir_db **db, const options *o)
{
    int rc = weir_open(db);
    if (rc != WEIR_OK) {
        if (*db != NULL)
            weir_cli_print_error(*db);
        else
            fprintf(stderr, "error: cannot open a session (code %d)\n", rc);
        weir_close(*db);
        *db = NULL;
        return 1;
    }
    if (apply_confs(*db, o) != 0) {
        weir_close(*db);
        *db = NULL;
        return 1;
    }
    return 0;
}

/* ---- waiting for streaming queries --------------------------------------------------- */

static volatile int interrupted;
static bool status_shown;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Console sink output: clear the live status line first so they do not mix. */
static void print_output(void *user, const char *text)
{
    (void)user;
    if (status_shown) {
        fputs("\r\033[K", stderr);
        status_shown = false;
    }
    fputs(text, stdout);
    fflush(stdout);
}

/* weir run ends when every streaming query has stopped; SIGINT/SIGTERM stop them
 * gracefully (the running batch finishes and commits). On a terminal a one-line status
 * shows what each query is doing. */
static int wait_streams(weir_db *db)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    bool tty = isatty(STDERR_FILENO);
    bool stopping = false;
    for (;;) {
        weir_query *active = NULL;
        for (int i = 0; i < weir_query_count(db) && !active; i++)
            if (weir_query_is_active(weir_query_at(db, i))) active = weir_query_at(db, i);
        if (!active) break;
        if (interrupted && !stopping) {
            stopping = true;
            weir_stop_all(db);
            continue;
        }
        if (tty) {
            char *line = weir_query_status_line(active);
            if (line) {
                fprintf(stderr, "\r\033[K%s", line);
                status_shown = true;
            }
            free(line);
        }
        bool done;
        weir_query_await(active, 250, &done);
    }
    if (status_shown) fputs("\r\033[K", stderr);
    status_shown = false;
    int rc = weir_await_all(db, NULL);
    if (rc != WEIR_OK) {
        weir_cli_print_error(db);
        return 1;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, true, &o);
    if (rc == 0 && o.nsources == 0)
        rc = usage_error("run needs a script: FILE.sql, -e SQL or - (stdin)");
    weir_db *db = NULL;
    if (rc == 0) rc = open_session(&db, &o);
    if (rc == 0) weir_set_output(db, print_output, NULL);
    for (int i = 0; rc == 0 && i < o.nsources; i++)
        rc = run_source(db, &o.sources[i]);
    if (rc == 0) rc = wait_streams(db);
    fflush(stdout);
    weir_close(db);
    options_free(&o);
    return rc == HELP_SHOWN ? 0 : rc;
}

static int cmd_sql(int argc, char **argv)
{
    options o = {0};
    int rc = parse_options(argc, argv, false, &o);
    weir_db *db = NULL;
    if (rc == 0) rc = open_session(&db, &o);
    if (rc == 0) rc = weir_cli_shell(db);
    fflush(stdout);
    weir_close(db);
    options_free(&o);
    return rc == HELP_SHOWN ? 0 : rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("weir %s\n", WEIR_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "sql") == 0) return cmd_sql(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}
