/*
 * `weir sql`: the interactive shell. Lines are collected until they hold a complete
 * statement (a ';' outside quotes and comments), then every complete statement runs and
 * whatever follows the last ';' stays as the start of the next one, as in psql. On a
 * terminal the shell edits lines with libedit and keeps history in ~/.weir_history; with
 * stdin redirected it reads the same syntax without prompts, so scripts and tests can
 * drive it, and it reports failures through its exit status.
 *
 * Meta-commands (a line starting with a backslash): \q quit, \h help, \r reset the query
 * buffer, \watch [N] re-run the last query every N seconds until Ctrl-C (psql's \watch;
 * the natural way to follow a memory-sink streaming table).
 */
#include <errno.h>
#include <histedit.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sql/ast.h"

#define PROMPT                "weir> "
#define PROMPT_MORE           "   ...> "
#define HISTORY_SIZE          1000
#define WATCH_DEFAULT_SECONDS 2.0

static const char help_text[] =
    "Statements end with ';' and may span lines. Results print as Spark's Dataset.show().\n"
    "  \\q            quit (also Ctrl-D)\n"
    "  \\h, \\?        this help\n"
    "  \\r            reset (clear) the statement being typed\n"
    "  \\watch [N]    run the last query (or the one being typed) every N seconds\n"
    "                (default 2) until Ctrl-C\n";

/* Set by the SIGINT handler while the shell waits for input or sleeps in \watch. */
static volatile sig_atomic_t g_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    g_interrupted = 1;
}

/* Catches SIGINT into g_interrupted (without SA_RESTART, so blocking reads and sleeps
 * return early) until restore_sigint. */
static void catch_sigint(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    g_interrupted = 0;
    sigaction(SIGINT, &sa, old);
}

static void restore_sigint(const struct sigaction *old)
{
    sigaction(SIGINT, old, NULL);
}

/* ---- growable text ------------------------------------------------------------------ */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static bool text_append(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *bigger = realloc(t->s, cap);
        if (bigger == NULL) return false;
        t->s = bigger;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
    return true;
}

static void text_set(text *t, const char *s)
{
    t->len = 0;
    if (t->s != NULL) t->s[0] = '\0';
    text_append(t, s, strlen(s));
}

static const char *text_str(const text *t)
{
    return t->s != NULL ? t->s : "";
}

/* ---- the shell ---------------------------------------------------------------------- */

typedef struct shell {
    weir_db *db;
    bool interactive;
    EditLine *el;
    History *hist;
    char *hist_path;
    text pending;               /* statement text typed so far, not yet complete */
    weir_cli_cursor pending_at; /* position of pending's first character */
    int lines_read;             /* input lines consumed */
    text last;                  /* the last statement run, for \watch */
    weir_cli_cursor last_at;
    bool failed; /* a statement or command failed (exit status when not interactive) */
    bool quit;
} shell;

static const char *g_prompt = PROMPT;

static char *prompt_fn(EditLine *el)
{
    (void)el;
    return (char *)g_prompt;
}

static void history_path(shell *sh)
{
    const char *env = getenv("WEIR_HISTORY");
    if (env != NULL) {
        sh->hist_path = *env ? strdup(env) : NULL; /* empty: no history file */
        return;
    }
    const char *home = getenv("HOME");
    if (home == NULL || *home == '\0') return;
    size_t n = strlen(home) + sizeof "/.weir_history";
    sh->hist_path = malloc(n);
    if (sh->hist_path != NULL) snprintf(sh->hist_path, n, "%s/.weir_history", home);
}

static bool editor_open(shell *sh)
{
    setlocale(LC_CTYPE, ""); /* lets libedit edit UTF-8 text */
    HistEvent ev;
    sh->hist = history_init();
    if (sh->hist == NULL) return false;
    history(sh->hist, &ev, H_SETSIZE, HISTORY_SIZE);
    history(sh->hist, &ev, H_SETUNIQUE, 1);
    history_path(sh);
    if (sh->hist_path != NULL) history(sh->hist, &ev, H_LOAD, sh->hist_path);

    sh->el = el_init("weir", stdin, stdout, stderr);
    if (sh->el == NULL) return false;
    el_set(sh->el, EL_EDITOR, "emacs");
    el_set(sh->el, EL_SIGNAL, 1);
    el_set(sh->el, EL_PROMPT, prompt_fn);
    el_set(sh->el, EL_HIST, history, sh->hist);
    el_source(sh->el, NULL); /* the user's ~/.editrc */
    return true;
}

static void editor_close(shell *sh)
{
    if (sh->hist != NULL) {
        HistEvent ev;
        if (sh->hist_path != NULL) history(sh->hist, &ev, H_SAVE, sh->hist_path);
        history_end(sh->hist);
    }
    if (sh->el != NULL) el_end(sh->el);
    free(sh->hist_path);
}

/* The next input line without its newline (malloc'd), or NULL at the end of input.
 * *cancelled is set when Ctrl-C interrupted the editing of a line. */
static char *read_line(shell *sh, bool *cancelled)
{
    *cancelled = false;
    char *line = NULL;
    if (sh->interactive) {
        g_prompt = weir_cli_is_blank_sql(text_str(&sh->pending)) ? PROMPT : PROMPT_MORE;
        struct sigaction old;
        catch_sigint(&old);
        int count = 0;
        const char *got = el_gets(sh->el, &count);
        int err = errno;
        restore_sigint(&old);
        if (g_interrupted || (got == NULL && count == -1 && err == EINTR)) {
            *cancelled = true;
            return NULL;
        }
        if (got == NULL || count <= 0) return NULL;
        line = strdup(got);
        if (line == NULL) return NULL;
    } else {
        size_t cap = 0;
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) {
            free(line);
            return NULL;
        }
    }
    sh->lines_read++;
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (sh->interactive && n > 0) {
        HistEvent ev;
        history(sh->hist, &ev, H_ENTER, line);
    }
    return line;
}

/* Runs every complete statement of the pending text; what follows the last complete
 * statement stays pending. */
static void run_pending(shell *sh)
{
    const char *p = text_str(&sh->pending);
    weir_cli_cursor cur = sh->pending_at;
    while (weir_sql_is_complete(p)) {
        weir_cli_cursor at = cur;
        const char *tail = NULL;
        weir_cli_status st = weir_cli_run_first(sh->db, p, &cur, &tail);
        if (st == WEIR_CLI_ERROR) sh->failed = true;
        if (st == WEIR_CLI_OK || (st == WEIR_CLI_ERROR && tail != NULL)) {
            text_set(&sh->last, "");
            text_append(&sh->last, p, (size_t)(tail - p));
            sh->last_at = at;
        }
        if (st == WEIR_CLI_DONE || tail == NULL || tail == p) {
            p = ""; /* nothing left, or the rest could not be split from a bad statement */
            break;
        }
        p = tail;
    }
    if (weir_cli_is_blank_sql(p)) {
        text_set(&sh->pending, "");
        return;
    }
    /* Keep the unfinished rest; p points into pending, so move it down first. */
    char *rest = strdup(p);
    if (rest == NULL) return;
    text_set(&sh->pending, rest);
    free(rest);
    sh->pending_at = cur;
}

/* psql's \watch: header with the time and interval, then the result, until Ctrl-C or an
 * error. Returns to the prompt either way. */
static void watch(shell *sh, const char *sql, weir_cli_cursor at, double seconds)
{
    struct sigaction old;
    catch_sigint(&old);
    while (!g_interrupted) {
        char stamp[128];
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        /* the C locale's %c, as psql prints it */
        if (strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S %Y", &tm) == 0) stamp[0] = '\0';
        printf("%s (every %gs)\n\n", stamp, seconds);
        fflush(stdout);
        if (weir_cli_run_script(sh->db, sql, at) != 0) {
            sh->failed = true;
            break;
        }
        double whole = floor(seconds);
        struct timespec ts = {(time_t)whole, (long)((seconds - whole) * 1e9)};
        while (!g_interrupted && nanosleep(&ts, &ts) == -1 && errno == EINTR)
            continue;
    }
    if (g_interrupted && sh->interactive) fputc('\n', stdout); /* after the echoed ^C */
    restore_sigint(&old);
}

static void meta_watch(shell *sh, const char *args)
{
    double seconds = WATCH_DEFAULT_SECONDS;
    while (*args == ' ' || *args == '\t')
        args++;
    if (*args != '\0') {
        char *end = NULL;
        seconds = strtod(args, &end);
        while (end != NULL && (*end == ' ' || *end == '\t'))
            end++;
        if (end == args || end == NULL || *end != '\0' || !(seconds > 0) || seconds > 1e9) {
            fprintf(stderr, "error: \\watch: incorrect interval value '%s'\n", args);
            sh->failed = true;
            return;
        }
    }
    /* A statement being typed is the one to watch (psql: "SELECT ... \watch 5"). */
    if (!weir_cli_is_blank_sql(text_str(&sh->pending))) {
        text_set(&sh->last, text_str(&sh->pending));
        sh->last_at = sh->pending_at;
        text_set(&sh->pending, "");
    }
    if (weir_cli_is_blank_sql(text_str(&sh->last))) {
        fputs("error: \\watch cannot be used with an empty query\n", stderr);
        sh->failed = true;
        return;
    }
    /* Copy: running the query must not see sh->last change under it. */
    char *sql = strdup(text_str(&sh->last));
    if (sql == NULL) return;
    watch(sh, sql, sh->last_at, seconds);
    free(sql);
}

static void meta_command(shell *sh, const char *cmd)
{
    const char *name = cmd + 1; /* after the backslash */
    size_t n = strcspn(name, " \t");
    const char *args = name + n;
    if ((n == 1 && name[0] == 'q') || (n == 4 && strncmp(name, "quit", 4) == 0)) {
        sh->quit = true;
    } else if ((n == 1 && (name[0] == 'h' || name[0] == '?')) ||
               (n == 4 && strncmp(name, "help", 4) == 0)) {
        fputs(help_text, stdout);
    } else if (n == 1 && name[0] == 'r') {
        text_set(&sh->pending, "");
        if (sh->interactive) puts("Query buffer reset (cleared).");
    } else if (n == 5 && strncmp(name, "watch", 5) == 0) {
        meta_watch(sh, args);
    } else {
        fflush(stdout);
        fprintf(stderr, "error: invalid command \\%.*s. Try \\h for help.\n", (int)n, name);
        sh->failed = true;
    }
    fflush(stdout);
}

static void handle_line(shell *sh, const char *line)
{
    const char *p = line + strspn(line, " \t");
    if (*p == '\\') {
        meta_command(sh, p);
        return;
    }
    if (weir_cli_is_blank_sql(text_str(&sh->pending))) {
        /* A new statement starts here: positions count from its first line on a terminal
         * (as spark-sql does), from the start of the input otherwise. */
        text_set(&sh->pending, "");
        sh->pending_at.line = sh->interactive ? 1 : sh->lines_read;
        sh->pending_at.pos = 0;
    }
    if (!text_append(&sh->pending, line, strlen(line)) || !text_append(&sh->pending, "\n", 1)) {
        fputs("error: out of memory\n", stderr);
        sh->failed = true;
        return;
    }
    run_pending(sh);
}

int weir_cli_shell(weir_db *db)
{
    shell sh;
    memset(&sh, 0, sizeof sh);
    sh.db = db;
    sh.interactive = isatty(STDIN_FILENO);
    if (sh.interactive && !editor_open(&sh)) {
        fputs("error: cannot initialise the line editor\n", stderr);
        editor_close(&sh);
        return 1;
    }
    if (sh.interactive) {
        printf("weir %s (Spark SQL). Type \\h for help, \\q to quit.\n", WEIR_VERSION);
        fflush(stdout);
    }
    while (!sh.quit) {
        bool cancelled = false;
        char *line = read_line(&sh, &cancelled);
        if (cancelled) {
            /* Ctrl-C at the prompt drops the statement being typed (psql). */
            text_set(&sh.pending, "");
            fputc('\n', stdout);
            continue;
        }
        if (line == NULL) break;
        handle_line(&sh, line);
        free(line);
    }
    if (!sh.quit) {
        if (sh.interactive) {
            fputc('\n', stdout); /* Ctrl-D leaves the cursor after the prompt */
        } else if (!weir_cli_is_blank_sql(text_str(&sh.pending))) {
            /* Piped input may end without a final ';': run what is left, as `weir run`. */
            if (weir_cli_run_script(db, text_str(&sh.pending), sh.pending_at) != 0)
                sh.failed = true;
        }
    }
    fflush(stdout);
    if (sh.interactive) editor_close(&sh);
    free(sh.pending.s);
    free(sh.last.s);
    return !sh.interactive && sh.failed ? 1 : 0;
}
