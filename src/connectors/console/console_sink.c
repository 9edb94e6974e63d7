/*
 * The console sink (Spark's ConsoleTable / ConsoleWrite): at the commit of batch N it
 * prints a banner ("Batch: N" between two lines of 43 dashes) and the batch's rows as
 * Dataset.show(numRows, truncate) prints them, followed by show()'s println newline.
 *
 * Only the rows show() can print are kept: the first numRows + 1 (the extra row tells
 * show() to add its "only showing top N rows" line); the rest are counted and dropped, so
 * a large batch costs no memory. Kept rows are copied into the sink's batch arena, which
 * is reset when the next batch begins. Replayed batches print again, as Spark's console
 * does (it is not an idempotent sink).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/sinks_internal.h"
#include "exec/show.h"

typedef struct console_sink {
    weir_sink base;
    int num_rows; /* numRows option (default 20) */
    int truncate; /* show()'s truncate width: 20, or 0 with truncate=false */
    const weir_type *schema;
    const weir_tz *tz;
    void (*print)(void *user, const char *text);
    void *print_user;
    weir_arena arena; /* the current batch's kept rows */
    weir_batch **kept;
    int nkept, capkept;
    int64_t kept_rows, total_rows;
    const char **names;
    char describe[96];
} console_sink;

static int parse_opts(const weir_sink_args *args, int *num_rows, int *truncate, weir_error *err)
{
    bool trunc;
    int rc = weir_sink_opt_int(args->opts, args->nopts, "numRows", 20, num_rows, err);
    if (rc == WEIR_OK)
        rc = weir_sink_opt_bool(args->opts, args->nopts, "truncate", true, &trunc, err);
    if (rc == WEIR_OK) *truncate = trunc ? 20 : 0;
    return rc;
}

int weir_console_sink_check(const weir_sink_args *args, weir_error *err)
{
    int n, t;
    return parse_opts(args, &n, &t, err);
}

static int console_begin(weir_sink *k, int64_t batch_id, bool *skip, weir_error *err)
{
    console_sink *s = (console_sink *)k;
    weir_arena_reset(&s->arena);
    s->kept = NULL;
    s->nkept = s->capkept = 0;
    s->kept_rows = s->total_rows = 0;
    *skip = false;
    return WEIR_OK;
}

static int console_write(weir_sink *k, const weir_batch *b, weir_error *err)
{
    console_sink *s = (console_sink *)k;
    s->total_rows += b->nrows;
    /* show() needs numRows + 1 rows (clamped as Dataset.showString clamps numRows). */
    int64_t want = (s->num_rows < 0 ? 0 : (int64_t)s->num_rows) + 1;
    if (s->kept_rows >= want || b->nrows == 0) return WEIR_OK;
    int32_t n = b->nrows;
    if ((int64_t)n > want - s->kept_rows) n = (int32_t)(want - s->kept_rows);
    if (s->nkept == s->capkept) {
        int nc = s->capkept ? s->capkept * 2 : 4;
        weir_batch **nv = weir_arena_realloc(&s->arena, s->kept, sizeof(*nv) * (size_t)s->capkept,
                                             sizeof(*nv) * (size_t)nc);
        if (!nv) return weir_err_nomem(err);
        s->kept = nv;
        s->capkept = nc;
    }
    weir_batch *copy = weir_batch_new(&s->arena, b->ncols);
    if (!copy) return weir_err_nomem(err);
    for (int c = 0; c < b->ncols; c++)
        if (!(copy->cols[c] = weir_vec_gather(&s->arena, b->cols[c], NULL, n)))
            return weir_err_nomem(err);
    copy->nrows = n;
    s->kept[s->nkept++] = copy;
    s->kept_rows += n;
    return WEIR_OK;
}

static int console_commit(weir_sink *k, int64_t batch_id, int64_t *rows_out, weir_error *err)
{
    console_sink *s = (console_sink *)k;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_sb_printf(&sb,
                   "-------------------------------------------\n"
                   "Batch: %lld\n"
                   "-------------------------------------------\n",
                   (long long)batch_id);
    weir_result_view rv = {s->schema->nfields, s->names, s->kept, s->nkept};
    weir_show(&rv, s->num_rows, s->truncate, false, s->tz, &sb);
    weir_sb_putc(&sb, '\n'); /* show() prints the table with println */
    if (sb.oom) {
        weir_sb_free(&sb);
        return weir_err_nomem(err);
    }
    if (s->print) {
        s->print(s->print_user, sb.p);
    } else {
        fputs(sb.p, stdout);
        fflush(stdout);
    }
    weir_sb_free(&sb);
    if (rows_out) *rows_out = s->total_rows;
    return WEIR_OK;
}

static void console_abort(weir_sink *k)
{
    console_sink *s = (console_sink *)k;
    weir_arena_reset(&s->arena);
    s->kept = NULL;
    s->nkept = s->capkept = 0;
    s->kept_rows = s->total_rows = 0;
}

static const char *console_describe(weir_sink *k)
{
    return ((console_sink *)k)->describe;
}

static void console_destroy(weir_sink *k)
{
    console_sink *s = (console_sink *)k;
    if (!s) return;
    weir_arena_free(&s->arena);
    free(s->names);
    free(s);
}

static const weir_sink_vt console_vt = {
    console_begin, console_write, console_commit, console_abort, console_describe, console_destroy,
};

int weir_console_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err)
{
    *out = NULL;
    int num_rows, truncate;
    int rc = parse_opts(args, &num_rows, &truncate, err);
    if (rc != WEIR_OK) return rc;
    if (!args->schema || args->schema->id != WEIR_T_STRUCT)
        return weir_err(err, WEIR_EARG, "the console sink needs a STRUCT schema");
    console_sink *s = calloc(1, sizeof(*s));
    if (!s) return weir_err_nomem(err);
    s->base.vt = &console_vt;
    s->num_rows = num_rows;
    s->truncate = truncate;
    s->schema = args->schema;
    s->tz = args->conf && args->conf->tz ? args->conf->tz : weir_tz_default();
    s->print = args->print;
    s->print_user = args->print_user;
    weir_arena_init(&s->arena, 0);
    int nf = args->schema->nfields;
    s->names = calloc(nf ? (size_t)nf : 1, sizeof(*s->names));
    if (!s->names) {
        console_destroy(&s->base);
        return weir_err_nomem(err);
    }
    for (int i = 0; i < nf; i++)
        s->names[i] = args->schema->fields[i].name;
    snprintf(s->describe, sizeof s->describe,
             "org.apache.spark.sql.execution.streaming.ConsoleTable$@%x",
             weir_sink_identity_hash(s));
    *out = &s->base;
    return WEIR_OK;
}
