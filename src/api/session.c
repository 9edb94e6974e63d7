/*
 * Sessions and statements: the implementation of include/weir.h. A session holds the
 * settings (SET), the temporary views and the last error; a statement is parsed and
 * planned by weir_prepare and executed lazily by weir_step, one batch at a time.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "exec/show.h"
#include "formats/formats.h"

/* ---- settings ------------------------------------------------------------------------- */

typedef struct conf_default {
    const char *key, *value;
} conf_default;

static const conf_default conf_defaults[] = {
    {"spark.sql.ansi.enabled", "false"},
    {"spark.sql.caseSensitive", "false"},
    {"spark.sql.shuffle.partitions", "200"},
    {"spark.sql.streaming.multipleWatermarkPolicy", "min"},
    {"spark.sql.streaming.noDataMicroBatches.enabled", "true"},
    {"spark.sql.streaming.statefulOperator.allowMultiple", "true"},
    {NULL, NULL},
};

static weir_conf_entry *conf_find(weir_db *db, const char *key)
{
    for (weir_conf_entry *e = db->conf; e; e = e->next)
        if (strcmp(e->key, key) == 0) return e;
    return NULL;
}

const char *weir_api_conf_value(weir_db *db, const char *key)
{
    weir_conf_entry *e = conf_find(db, key);
    if (e) return e->value;
    if (strcmp(key, "spark.sql.session.timeZone") == 0) return weir_tz_id(weir_tz_default());
    for (const conf_default *d = conf_defaults; d->key; d++)
        if (strcmp(d->key, key) == 0) return d->value;
    return NULL;
}

static int conf_apply(weir_db *db, const char *key, const char *value, weir_error *err)
{
    if (strcmp(key, "spark.sql.session.timeZone") == 0) {
        const weir_tz *tz = value ? weir_tz_get(value, err) : weir_tz_default();
        if (!tz)
            return weir_err(err, WEIR_EARG,
                            "[INVALID_CONF_VALUE.TIME_ZONE] The value '%s' in the config "
                            "\"spark.sql.session.timeZone\" is invalid. Cannot resolve the given "
                            "timezone.",
                            value);
        db->confv.tz = tz;
    } else if (strcmp(key, "spark.sql.ansi.enabled") == 0) {
        db->confv.ansi = value && strcasecmp(value, "true") == 0;
    } else if (strcmp(key, "spark.sql.caseSensitive") == 0) {
        db->confv.case_sensitive = value && strcasecmp(value, "true") == 0;
    } else if (strcmp(key, "spark.sql.shuffle.partitions") == 0 && value) {
        char *end;
        long n = strtol(value, &end, 10);
        if (*end || n <= 0)
            return weir_err(err, WEIR_EARG,
                            "[INVALID_CONF_VALUE] The value '%s' in the config "
                            "\"spark.sql.shuffle.partitions\" is invalid. The shuffle partition "
                            "number must be positive.",
                            value);
    }
    return WEIR_OK;
}

int weir_set(weir_db *db, const char *key, const char *value)
{
    weir_err_clear(&db->err);
    int rc = conf_apply(db, key, value, &db->err);
    if (rc != WEIR_OK) return rc;
    weir_conf_entry *e = conf_find(db, key);
    if (!value) {
        for (weir_conf_entry **pp = &db->conf; *pp; pp = &(*pp)->next)
            if (*pp == e) {
                *pp = e->next;
                free(e->key);
                free(e->value);
                free(e);
                break;
            }
        return WEIR_OK;
    }
    char *v = strdup(value);
    if (!v) return weir_err_nomem(&db->err);
    if (e) {
        free(e->value);
        e->value = v;
        return WEIR_OK;
    }
    e = calloc(1, sizeof(*e));
    if (!e || !(e->key = strdup(key))) {
        free(e);
        free(v);
        return weir_err_nomem(&db->err);
    }
    e->value = v;
    /* append to keep SET listings in the order keys were set */
    weir_conf_entry **pp = &db->conf;
    while (*pp)
        pp = &(*pp)->next;
    *pp = e;
    return WEIR_OK;
}

char *weir_get(weir_db *db, const char *key)
{
    const char *v = weir_api_conf_value(db, key);
    return v ? strdup(v) : NULL;
}

/* ---- sessions ----------------------------------------------------------------------------- */

int weir_open(weir_db **out_db)
{
    weir_db *db = calloc(1, sizeof(*db));
    *out_db = db;
    if (!db) return WEIR_ENOMEM;
    db->confv.tz = weir_tz_default();
    weir_clock_init(&db->wall_clock, false, 0);
    weir_clock_init(&db->manual_clock, true, 0);
    return WEIR_OK;
}

static void view_free(weir_view *v)
{
    weir_arena_free(&v->arena);
    free(v);
}

void weir_close(weir_db *db)
{
    if (!db) return;
    weir_stop_all(db);
    for (weir_query *q = db->queries, *n; q; q = n) {
        n = q->next;
        weir_squery_free(q->sq);
        weir_memtable_free(q->memtable);
        free(q);
    }
    for (weir_view *v = db->graveyard, *n; v; v = n) {
        n = v->next;
        view_free(v);
    }
    weir_clock_destroy(&db->wall_clock);
    weir_clock_destroy(&db->manual_clock);
    for (weir_conf_entry *e = db->conf, *n; e; e = n) {
        n = e->next;
        free(e->key);
        free(e->value);
        free(e);
    }
    for (weir_view *v = db->views, *n; v; v = n) {
        n = v->next;
        view_free(v);
    }
    free(db);
}

const char *weir_errmsg(weir_db *db)
{
    return db ? db->err.msg : "out of memory";
}
int weir_errcode(weir_db *db)
{
    return db ? db->err.code : WEIR_ENOMEM;
}
int weir_errline(weir_db *db)
{
    return db ? db->err.line : 0;
}
int weir_errpos(weir_db *db)
{
    return db ? db->err.pos : 0;
}

void weir_free(void *p)
{
    free(p);
}

weir_view *weir_api_view_find(weir_db *db, const char *name)
{
    for (weir_view *v = db->views; v; v = v->next)
        if (strcasecmp(v->name, name) == 0) return v;
    return NULL;
}

const weir_view *weir_api_view_lookup(void *user, const char *name)
{
    return weir_api_view_find(user, name);
}

/* Unlinks a view; it is freed with the session since a running query may still use it. */
void weir_api_view_retire(weir_db *db, weir_view *v)
{
    for (weir_view **pp = &db->views; *pp; pp = &(*pp)->next)
        if (*pp == v) {
            *pp = v->next;
            v->next = db->graveyard;
            db->graveyard = v;
            return;
        }
}

/* ---- statements ------------------------------------------------------------------------------ */

static weir_bind_env bind_env(weir_stmt *st)
{
    weir_bind_env env = {&st->arena, &st->db->confv, weir_api_view_lookup, st->db, st->text, NULL};
    return env;
}

/* Result schema + one prebuilt batch of string columns (utility statements). */
int weir_api_utility_result(weir_stmt *st, const char *const *names, int ncols,
                            const char *const *cells, int nrows)
{
    weir_arena *a = &st->arena;
    weir_field *f = WEIR_ARENA_NEWN(a, weir_field, ncols);
    if (!f) return weir_err_nomem(&st->db->err);
    for (int c = 0; c < ncols; c++)
        f[c] = (weir_field){names[c], WEIR_TYPE_STRING, true};
    st->schema = weir_type_struct(a, f, ncols);
    st->rows = st->schema ? weir_batch_for_schema(a, st->schema, nrows ? nrows : 1) : NULL;
    if (!st->rows) return weir_err_nomem(&st->db->err);
    st->rows->nrows = nrows;
    for (int r = 0; r < nrows; r++)
        for (int c = 0; c < ncols; c++) {
            const char *v = cells[r * ncols + c];
            int rc = v ? weir_vec_append_str(st->rows->cols[c], v, (int32_t)strlen(v))
                       : weir_vec_append_null(st->rows->cols[c]);
            if (rc != WEIR_OK) return weir_err_nomem(&st->db->err);
        }
    return WEIR_OK;
}

static bool is_file_format(const char *f)
{
    return weir_format_lookup(f) != NULL;
}

static bool is_known_source(const char *f)
{
    static const char *const known[] = {"json", "csv",   "text", "socket",
                                        "rate", "kafka", "jdbc", NULL};
    for (int i = 0; known[i]; i++)
        if (strcasecmp(known[i], f) == 0) return true;
    return false;
}

static bool is_stream_only(const char *f)
{
    return strcasecmp(f, "socket") == 0 || strcasecmp(f, "rate") == 0;
}

/* Copies the parts of a CREATE VIEW statement the view keeps into its own arena by
 * re-parsing the statement's text there. */
static int view_from_stmt(weir_stmt *st, const char *text, weir_view **out)
{
    weir_view *v = calloc(1, sizeof(*v));
    if (!v) return weir_err_nomem(&st->db->err);
    weir_arena_init(&v->arena, 16 * 1024);
    weir_ast_stmt **stmts;
    int n;
    int rc = weir_sql_parse(&v->arena, text, &stmts, &n, &st->db->err);
    if (rc != WEIR_OK || n != 1) {
        view_free(v);
        return rc != WEIR_OK ? rc : weir_err(&st->db->err, WEIR_EPARSE, "view definition");
    }
    weir_ast_stmt *s = stmts[0];
    v->name = weir_arena_strdup(&v->arena, s->name);
    v->sql = weir_arena_strdup(&v->arena, text);
    if (s->kind == WEIR_STMT_CREATE_VIEW_USING) {
        v->kind = WEIR_VIEW_SOURCE;
        v->format = s->format;
        v->options = s->options;
        v->noptions = s->noptions;
        if (s->ncolumns) {
            weir_field *f = WEIR_ARENA_NEWN(&v->arena, weir_field, s->ncolumns);
            if (!f) {
                view_free(v);
                return weir_err_nomem(&st->db->err);
            }
            for (int i = 0; i < s->ncolumns; i++)
                f[i] =
                    (weir_field){s->columns[i].name, s->columns[i].type, !s->columns[i].not_null};
            v->user_schema = weir_type_struct(&v->arena, f, s->ncolumns);
        }
    } else {
        v->kind = WEIR_VIEW_QUERY;
        v->query = s->query;
        v->col_names = s->col_names;
        v->ncol_names = s->ncol_names;
    }
    *out = v;
    return WEIR_OK;
}

static int exec_create_view(weir_stmt *st, const char *text)
{
    weir_db *db = st->db;
    weir_ast_stmt *s = st->ast;
    weir_view *old = weir_api_view_find(db, s->name);
    if (old && !s->or_replace)
        return weir_err_at(&db->err, WEIR_EANALYSIS, s->line, s->pos,
                           "[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view "
                           "`%s` because it already exists.\nChoose a different name, drop or "
                           "replace the existing view, or add the IF NOT EXISTS clause to "
                           "tolerate pre-existing views.",
                           s->name);
    if (s->kind == WEIR_STMT_CREATE_VIEW_USING) {
        if (!is_known_source(s->format))
            return weir_err_at(
                &db->err, WEIR_EANALYSIS, s->line, s->pos,
                "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: %s. Please "
                "find packages at `https://spark.apache.org/third-party-projects.html`.",
                s->format);
        if (s->ncolumns && strcasecmp(s->format, "kafka") == 0)
            return weir_err_at(&db->err, WEIR_EANALYSIS, s->line, s->pos,
                               "Kafka source has a fixed schema and cannot be set with a custom "
                               "one");
        if (s->ncolumns && strcasecmp(s->format, "text") == 0 &&
            (s->ncolumns != 1 || s->columns[0].type->id != WEIR_T_STRING))
            return weir_err_at(&db->err, WEIR_EANALYSIS, s->line, s->pos,
                               "Text data source supports only a single column, and you have %d "
                               "columns.",
                               s->ncolumns);
    }
    weir_view *v = NULL;
    int rc = view_from_stmt(st, text, &v);
    if (rc != WEIR_OK) return rc;
    if (v->kind == WEIR_VIEW_SOURCE && is_stream_only(v->format)) {
        /* options and schema are checked when the source is defined, as Spark's load() */
        const weir_type *schema;
        rc = weir_api_stream_schema_of(db, v, &v->arena, &schema, &db->err);
        if (rc != WEIR_OK) {
            if (!db->err.line) {
                db->err.line = s->line;
                db->err.pos = s->pos;
            }
            view_free(v);
            return rc;
        }
    }
    /* Validate now, as Spark resolves a view when it is created: a file source's path must
     * exist and its schema be known; a query view must analyze. */
    if (v->kind == WEIR_VIEW_QUERY || is_file_format(v->format)) {
        weir_view probe = *v;
        probe.next = db->views;
        weir_view *saved = db->views;
        db->views = &probe;
        weir_ast_from from = {.kind = WEIR_FROM_TABLE, .line = s->line, .pos = s->pos};
        const char *parts[1] = {v->name};
        from.parts = parts;
        from.nparts = 1;
        weir_ast_select_item item = {0};
        weir_ast_expr star = {.kind = WEIR_AST_STAR, .line = s->line, .pos = s->pos};
        item.expr = &star;
        weir_ast_select sel = {.items = &item, .nitems = 1, .from = &from};
        weir_ast_query q = {
            .kind = WEIR_QUERY_SELECT, .select = &sel, .line = s->line, .pos = s->pos};
        weir_bind_env env = bind_env(st);
        weir_stream_refs refs = {NULL, 0, 0, weir_api_stream_schema_of, db};
        env.streams = &refs; /* a view over a stream is a streaming view */
        weir_lplan *plan;
        rc = weir_bind_query(&env, v->kind == WEIR_VIEW_QUERY ? v->query : &q, &plan, &db->err);
        db->views = saved;
        if (rc != WEIR_OK) {
            view_free(v);
            return rc;
        }
    }
    if (old) weir_api_view_retire(db, old);
    v->next = db->views;
    db->views = v;
    return WEIR_OK;
}

static int exec_set(weir_stmt *st)
{
    weir_db *db = st->db;
    weir_ast_stmt *s = st->ast;
    int rc;
    switch (s->kind) {
    case WEIR_STMT_SET:
        rc = weir_set(db, s->key, s->value);
        if (rc != WEIR_OK && db->err.line == 0) {
            db->err.line = s->line;
            db->err.pos = s->pos;
        }
        return rc;
    case WEIR_STMT_RESET:
        if (s->key) return weir_set(db, s->key, NULL);
        while (db->conf) {
            rc = weir_set(db, db->conf->key, NULL);
            if (rc != WEIR_OK) return rc;
        }
        return WEIR_OK;
    default: break;
    }
    /* SET key | SET: a key/value table */
    static const char *const names[2] = {"key", "value"};
    if (s->key) {
        const char *v = weir_api_conf_value(db, s->key);
        const char *cells[2] = {s->key, v ? v : "<undefined>"};
        return weir_api_utility_result(st, names, 2, cells, 1);
    }
    int n = 0;
    for (weir_conf_entry *e = db->conf; e; e = e->next)
        n++;
    const char **cells = WEIR_ARENA_NEWN(&st->arena, const char *, 2 * n + 2);
    if (!cells) return weir_err_nomem(&db->err);
    int r = 0;
    for (weir_conf_entry *e = db->conf; e; e = e->next, r++) {
        cells[2 * r] = e->key;
        cells[2 * r + 1] = e->value;
    }
    return weir_api_utility_result(st, names, 2, cells, n);
}

static int exec_show_tables(weir_stmt *st)
{
    static const char *const names[3] = {"namespace", "tableName", "isTemporary"};
    int n = 0;
    for (weir_view *v = st->db->views; v; v = v->next)
        n++;
    const char **names_sorted = WEIR_ARENA_NEWN(&st->arena, const char *, n + 1);
    const char **cells = WEIR_ARENA_NEWN(&st->arena, const char *, 3 * n + 3);
    if (!cells || !names_sorted) return weir_err_nomem(&st->db->err);
    int k = 0;
    for (weir_view *v = st->db->views; v; v = v->next)
        names_sorted[k++] = v->name;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcasecmp(names_sorted[j - 1], names_sorted[j]) > 0; j--) {
            const char *t = names_sorted[j];
            names_sorted[j] = names_sorted[j - 1];
            names_sorted[j - 1] = t;
        }
    for (int i = 0; i < n; i++) {
        cells[3 * i] = "";
        cells[3 * i + 1] = names_sorted[i];
        cells[3 * i + 2] = "true";
    }
    return weir_api_utility_result(st, names, 3, cells, n);
}

static int exec_describe(weir_stmt *st)
{
    weir_db *db = st->db;
    weir_ast_stmt *s = st->ast;
    weir_lplan *plan;
    weir_bind_env env = bind_env(st);
    int rc;
    if (s->query) {
        rc = weir_bind_query(&env, s->query, &plan, &db->err);
    } else {
        weir_ast_from from = {.kind = WEIR_FROM_TABLE, .line = s->line, .pos = s->pos};
        const char *parts[1] = {s->name};
        from.parts = parts;
        from.nparts = 1;
        weir_ast_expr star = {.kind = WEIR_AST_STAR, .line = s->line, .pos = s->pos};
        weir_ast_select_item item = {.expr = &star};
        weir_ast_select sel = {.items = &item, .nitems = 1, .from = &from};
        weir_ast_query q = {
            .kind = WEIR_QUERY_SELECT, .select = &sel, .line = s->line, .pos = s->pos};
        rc = weir_bind_query(&env, &q, &plan, &db->err);
    }
    if (rc != WEIR_OK) return rc;
    static const char *const names[3] = {"col_name", "data_type", "comment"};
    int n = plan->schema->nfields;
    const char **cells = WEIR_ARENA_NEWN(&st->arena, const char *, 3 * n + 3);
    if (!cells) return weir_err_nomem(&db->err);
    for (int i = 0; i < n; i++) {
        char tb[1024];
        cells[3 * i] = plan->schema->fields[i].name;
        cells[3 * i + 1] = weir_arena_strdup(
            &st->arena, weir_type_name(plan->schema->fields[i].type, tb, sizeof tb));
        cells[3 * i + 2] = NULL;
    }
    return weir_api_utility_result(st, names, 3, cells, n);
}

static const char *lp_name(const weir_lplan *p)
{
    switch (p->kind) {
    case WEIR_LP_SCAN: return "FileScan";
    case WEIR_LP_VALUES: return "LocalTableScan";
    case WEIR_LP_RANGE: return "Range";
    case WEIR_LP_PROJECT: return "Project";
    case WEIR_LP_FILTER: return "Filter";
    case WEIR_LP_AGG: return "HashAggregate";
    case WEIR_LP_EXPAND: return "Expand";
    case WEIR_LP_SORT: return "Sort";
    case WEIR_LP_LIMIT: return "Limit";
    case WEIR_LP_UNION: return "Union";
    case WEIR_LP_JOIN: return "HashJoin";
    case WEIR_LP_GENERATE: return "Generate";
    case WEIR_LP_EMPTY: return "OneRowRelation";
    case WEIR_LP_WINDOW: return "Expand(window)";
    case WEIR_LP_STREAM_SCAN: return "StreamingRelation";
    case WEIR_LP_MEMTABLE: return "InMemoryRelation";
    case WEIR_LP_WATERMARK: return "EventTimeWatermark";
    case WEIR_LP_DEDUP: return "Deduplicate";
    }
    return "?";
}

void weir_lplan_explain(const weir_lplan *p, int depth, void *strbuf)
{
    weir_strbuf *sb = strbuf;
    weir_sb_fill(sb, ' ', (size_t)depth * 3);
    if (depth) weir_sb_puts(sb, "+- ");
    weir_sb_puts(sb, lp_name(p));
    if (p->kind == WEIR_LP_SCAN) {
        weir_sb_printf(sb, " %s [", p->format);
        bool first = true;
        for (int i = 0; i < p->data_schema->nfields; i++)
            if (p->want[i]) {
                weir_sb_printf(sb, "%s%s", first ? "" : ",", p->data_schema->fields[i].name);
                first = false;
            }
        weir_sb_puts(sb, "]");
    }
    weir_sb_puts(sb, " [");
    for (int i = 0; i < p->schema->nfields; i++)
        weir_sb_printf(sb, "%s%s", i ? ", " : "", p->schema->fields[i].name);
    weir_sb_puts(sb, "]\n");
    for (int i = 0; i < p->nchildren; i++)
        weir_lplan_explain(p->children[i], depth + 1, sb);
}

static int exec_explain(weir_stmt *st)
{
    weir_bind_env env = bind_env(st);
    weir_lplan *plan;
    int rc = weir_bind_query(&env, st->ast->query, &plan, &st->db->err);
    if (rc != WEIR_OK) return rc;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_sb_puts(&sb, "== Physical Plan ==\n");
    weir_lplan_explain(plan, 0, &sb);
    char *text = weir_arena_strdup(&st->arena, sb.p ? sb.p : "");
    weir_sb_free(&sb);
    if (!text) return weir_err_nomem(&st->db->err);
    static const char *const names[1] = {"plan"};
    const char *cells[1] = {text};
    return weir_api_utility_result(st, names, 1, cells, 1);
}

/* Plans (queries) or runs (DDL, SET) a parsed statement. */
static int stmt_prepare(weir_stmt *st, const char *text)
{
    weir_db *db = st->db;
    weir_ast_stmt *s = st->ast;
    switch (s->kind) {
    case WEIR_STMT_QUERY: {
        weir_bind_env env = bind_env(st);
        int rc = weir_bind_query(&env, s->query, &st->plan, &db->err);
        if (rc != WEIR_OK) return rc;
        st->schema = st->plan->schema;
        return WEIR_OK;
    }
    case WEIR_STMT_SET:
    case WEIR_STMT_SET_SHOW:
    case WEIR_STMT_RESET: return exec_set(st);
    case WEIR_STMT_CREATE_VIEW_USING:
    case WEIR_STMT_CREATE_VIEW_AS: return exec_create_view(st, text);
    case WEIR_STMT_DROP_VIEW: {
        weir_view *v = weir_api_view_find(db, s->name);
        if (!v && !s->if_exists)
            return weir_err_at(&db->err, WEIR_EANALYSIS, s->line, s->pos,
                               "[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s` cannot be found. "
                               "Verify the spelling and correctness of the schema and catalog.",
                               s->name);
        if (v) weir_api_view_retire(db, v);
        return WEIR_OK;
    }
    case WEIR_STMT_SHOW_TABLES: return exec_show_tables(st);
    case WEIR_STMT_DESCRIBE: return exec_describe(st);
    case WEIR_STMT_EXPLAIN: return exec_explain(st);
    case WEIR_STMT_CREATE_STREAMING_TABLE: return weir_api_create_streaming_table(st);
    case WEIR_STMT_SHOW_STREAMING_TABLES: return weir_api_show_streaming_tables(st);
    case WEIR_STMT_DESCRIBE_STREAMING_TABLE: return weir_api_describe_streaming_table(st);
    case WEIR_STMT_AWAIT_STREAMING_TABLE: return weir_api_await_streaming_table(st);
    case WEIR_STMT_STOP_STREAMING_TABLE: return weir_api_stop_streaming_table(st);
    }
    return weir_err(&db->err, WEIR_EUNSUPPORTED, "unknown statement");
}

static void shift_position(weir_error *err, int first_line, int first_pos)
{
    if (err->line <= 0) return;
    if (err->line == 1) err->pos += first_pos;
    err->line += first_line - 1;
}

int weir_prepare_at(weir_db *db, const char *sql, int first_line, int first_pos,
                    weir_stmt **out_stmt, const char **tail)
{
    *out_stmt = NULL;
    weir_err_clear(&db->err);
    size_t len = weir_sql_first_statement(sql);
    if (tail) *tail = sql + len + (sql[len] == ';' ? 1 : 0);
    weir_stmt *st = calloc(1, sizeof(*st));
    if (!st) return weir_err_nomem(&db->err);
    st->db = db;
    weir_arena_init(&st->arena, 32 * 1024);
    char *text = weir_arena_strndup(&st->arena, sql, len);
    st->text = text;
    weir_ast_stmt **stmts = NULL;
    int n = 0;
    int rc =
        text ? weir_sql_parse(&st->arena, text, &stmts, &n, &db->err) : weir_err_nomem(&db->err);
    if (rc == WEIR_OK && n == 0) {
        weir_finalize(st);
        return WEIR_OK; /* only white space and comments */
    }
    if (rc == WEIR_OK) {
        st->ast = stmts[0];
        rc = stmt_prepare(st, text);
    }
    if (rc != WEIR_OK) {
        shift_position(&db->err, first_line, first_pos);
        weir_finalize(st);
        return rc;
    }
    if (st->schema) {
        int nc = st->schema->nfields;
        st->names = WEIR_ARENA_NEWN(&st->arena, const char *, nc ? nc : 1);
        st->type_names = WEIR_ARENA_NEWN(&st->arena, char *, nc ? nc : 1);
        if (!st->names || !st->type_names) {
            weir_finalize(st);
            return weir_err_nomem(&db->err);
        }
        for (int i = 0; i < nc; i++) {
            char tb[1024];
            st->names[i] = st->schema->fields[i].name;
            st->type_names[i] = weir_arena_strdup(
                &st->arena, weir_type_name(st->schema->fields[i].type, tb, sizeof tb));
        }
    }
    *out_stmt = st;
    return WEIR_OK;
}

int weir_prepare(weir_db *db, const char *sql, weir_stmt **out_stmt, const char **tail)
{
    return weir_prepare_at(db, sql, 1, 0, out_stmt, tail);
}

bool weir_stmt_has_result(weir_stmt *st)
{
    return st && st->schema != NULL;
}
int weir_stmt_ncols(weir_stmt *st)
{
    return st && st->schema ? st->schema->nfields : 0;
}
const char *weir_stmt_colname(weir_stmt *st, int i)
{
    return st && st->schema && i >= 0 && i < st->schema->nfields ? st->names[i] : NULL;
}
const char *weir_stmt_coltype(weir_stmt *st, int i)
{
    return st && st->schema && i >= 0 && i < st->schema->nfields ? st->type_names[i] : NULL;
}

/* The next batch of a statement's result (valid until the next call), or NULL at the end. */
static int stmt_next_batch(weir_stmt *st, weir_batch **out)
{
    *out = NULL;
    if (!st->schema) return WEIR_OK;
    if (st->rows) {
        if (!st->rows_done) *out = st->rows;
        st->rows_done = true;
        return WEIR_OK;
    }
    if (!st->root) {
        st->ctx.conf = &st->db->confv;
        st->ctx.err = &st->db->err;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        st->ctx.now_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
        int rc = weir_op_build(&st->ctx, st->plan, &st->root);
        if (rc != WEIR_OK) return rc;
    }
    return weir_op_next(st->root, out);
}

int weir_step(weir_stmt *st, struct ArrowArray *out)
{
    if (!st) return WEIR_DONE;
    weir_err_clear(&st->db->err);
    weir_batch *b;
    int rc = stmt_next_batch(st, &b);
    if (rc != WEIR_OK) return rc;
    if (!b) return WEIR_DONE;
    if (out && (rc = weir_arrow_export_batch(b, st->schema, out)) != WEIR_OK)
        return weir_err_nomem(&st->db->err);
    return WEIR_ROW;
}

int weir_stmt_schema(weir_stmt *st, struct ArrowSchema *out)
{
    if (!st || !st->schema)
        return weir_err(st ? &st->db->err : NULL, WEIR_EARG, "statement has no result");
    return weir_arrow_export_schema(st->schema, out);
}

/* Runs the statement to the end, accumulating its rows into vectors in the statement arena. */
static int stmt_collect(weir_stmt *st, weir_batch **all)
{
    int nc = st->schema->nfields;
    weir_batch *acc = weir_batch_for_schema(&st->arena, st->schema, WEIR_BATCH_ROWS);
    if (!acc) return weir_err_nomem(&st->db->err);
    for (;;) {
        weir_batch *b;
        int rc = stmt_next_batch(st, &b);
        if (rc != WEIR_OK) return rc;
        if (!b) break;
        for (int c = 0; c < nc; c++) {
            int r =
                b->cols[c] ? weir_vec_append_range(acc->cols[c], b->cols[c], 0, b->nrows) : WEIR_OK;
            if (r != WEIR_OK) return weir_err_nomem(&st->db->err);
        }
        acc->nrows += b->nrows;
    }
    *all = acc;
    return WEIR_OK;
}

int weir_stmt_show(weir_stmt *st, int64_t num_rows, int truncate, char **out_text)
{
    *out_text = NULL;
    if (!st || !st->schema) return WEIR_OK;
    weir_err_clear(&st->db->err);
    weir_batch *all;
    int rc = stmt_collect(st, &all);
    if (rc != WEIR_OK) return rc;
    weir_result_view rv = {st->schema->nfields, st->names, &all, 1};
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_show(&rv, num_rows, st->untruncated ? 0 : truncate, false, st->db->confv.tz, &sb);
    if (sb.oom) {
        weir_sb_free(&sb);
        return weir_err_nomem(&st->db->err);
    }
    *out_text = weir_sb_take(&sb);
    return *out_text ? WEIR_OK : weir_err_nomem(&st->db->err);
}

int weir_stmt_rows_text(weir_stmt *st, char **out_text)
{
    *out_text = NULL;
    if (!st || !st->schema) return WEIR_OK;
    weir_err_clear(&st->db->err);
    weir_batch *all;
    int rc = stmt_collect(st, &all);
    if (rc != WEIR_OK) return rc;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    for (int32_t r = 0; r < all->nrows; r++) {
        for (int c = 0; c < all->ncols; c++) {
            if (c) weir_sb_putc(&sb, '\t');
            weir_value v;
            weir_vec_get(all->cols[c], r, &v);
            if (v.is_null)
                weir_sb_puts(&sb, "NULL");
            else
                weir_value_to_text(&v, st->db->confv.tz, WEIR_TEXT_SHOW, &sb);
        }
        weir_sb_putc(&sb, '\n');
    }
    if (!sb.p) weir_sb_puts(&sb, "");
    if (sb.oom) {
        weir_sb_free(&sb);
        return weir_err_nomem(&st->db->err);
    }
    *out_text = weir_sb_take(&sb);
    return WEIR_OK;
}

void weir_finalize(weir_stmt *st)
{
    if (!st) return;
    weir_op_close(st->root);
    weir_arena_free(&st->arena);
    free(st);
}

int weir_exec(weir_db *db, const char *sql, void (*cb)(void *user, const char *text), void *user)
{
    const char *p = sql;
    int line = 1, pos = 0;
    while (*p) {
        weir_stmt *st;
        const char *tail;
        int rc = weir_prepare_at(db, p, line, pos, &st, &tail);
        if (rc != WEIR_OK) return rc;
        if (st && st->schema) {
            char *text;
            rc = weir_stmt_show(st, 20, 20, &text);
            if (rc == WEIR_OK && cb) cb(user, text);
            free(text);
        }
        weir_finalize(st);
        if (rc != WEIR_OK) return rc;
        for (const unsigned char *q = (const unsigned char *)p; q < (const unsigned char *)tail;
             q++) {
            /* positions count UTF-16 units, as Spark's (and the lexer's) */
            if (*q == '\n') {
                line++;
                pos = 0;
            } else if ((*q & 0xC0) != 0x80)
                pos += (*q >= 0xF0) ? 2 : 1;
        }
        p = tail;
    }
    return WEIR_OK;
}
