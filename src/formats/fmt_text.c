/*
 * The text format (Spark's TextFileFormat): each line is a row of `value STRING`
 * ("\n", "\r\n" and "\r" end lines, as Hadoop's LineRecordReader; or lineSep), or the
 * whole input is one row with wholetext=true. The writer emits the single STRING column,
 * one line per row (NULL as an empty line).
 */
#include <string.h>

#include "formats/fmt_internal.h"

typedef struct treader {
    bool wholetext;
    const char *sep;
    size_t seplen;
} treader;

static int text_check(const weir_kv *opts, int nopts, weir_error *err)
{
    bool b;
    int rc = weir_fmt_opt_bool(opts, nopts, "wholetext", false, &b, err);
    if (rc) return rc;
    const char *ls = weir_opt_get(opts, nopts, "lineSep");
    if (ls && !*ls)
        return weir_err(err, WEIR_EARG, "requirement failed: 'lineSep' cannot be an empty string");
    return WEIR_OK;
}

static int text_open(weir_reader *r, weir_error *err)
{
    if (r->schema->nfields != 1 || r->schema->fields[0].type->id != WEIR_T_STRING)
        return weir_err(err, WEIR_EANALYSIS,
                        "Text data source supports only a single column, and you have %d "
                        "columns.",
                        r->schema->nfields);
    treader *tr = WEIR_ARENA_NEW(&r->arena, treader);
    if (!tr) return weir_err_nomem(err);
    r->impl = tr;
    int rc = weir_fmt_opt_bool(r->opts, r->nopts, "wholetext", false, &tr->wholetext, err);
    if (rc) return rc;
    tr->sep = weir_opt_get(r->opts, r->nopts, "lineSep");
    tr->seplen = tr->sep ? strlen(tr->sep) : 0;
    return WEIR_OK;
}

static int text_next(weir_reader *r, weir_arena *a, weir_batch **out, weir_error *err)
{
    treader *tr = r->impl;
    weir_batch *b = weir_batch_new(a, r->ncols);
    if (!b) return weir_err_nomem(err);
    weir_vec *v = NULL;
    if (r->ncols) {
        int64_t guess = (int64_t)(r->in_end - r->pos);
        if (!(v = b->cols[0] = weir_vec_new(a, WEIR_TYPE_STRING, WEIR_BATCH_ROWS)))
            return weir_err_nomem(err);
        if (guess > 1 << 20) guess = 1 << 20;
        if (weir_vec_reserve_bytes(v, guess) != WEIR_OK) return weir_err_nomem(err);
    }
    int32_t n = 0;
    if (tr->wholetext) {
        if (v && weir_fmt_push_str(v, r->pos, (size_t)(r->in_end - r->pos)))
            return weir_err_nomem(err);
        r->pos = r->in_end;
        n = 1;
    } else {
        while (n < WEIR_BATCH_ROWS && r->pos < r->in_end) {
            const char *s, *e;
            r->pos = weir_fmt_next_line(r->pos, r->in_end, tr->sep, tr->seplen, true, &s, &e);
            if (v && weir_fmt_push_str(v, s, (size_t)(e - s))) return weir_err_nomem(err);
            n++;
        }
    }
    b->nrows = n;
    *out = b;
    return WEIR_OK;
}

static int text_record(weir_reader *r, const char *rec, size_t len, bool array_rows,
                       weir_vec *const *cols, int32_t *nrows, weir_error *err)
{
    if (r->ncols && weir_fmt_push_str(cols[0], rec, len)) return weir_err_nomem(err);
    *nrows = 1;
    return WEIR_OK;
}

static void *text_infer_begin(const weir_kv *opts, int nopts, weir_arena *a)
{
    return a; /* no state: the schema is fixed */
}

static int text_infer(const char *data, size_t len, void *state, const weir_kv *opts, int nopts,
                      const weir_tz *tz, weir_arena *a, weir_error *err)
{
    return WEIR_OK;
}

static int text_infer_finish(void *state, const weir_kv *opts, int nopts, weir_arena *a,
                             const weir_type **schema, weir_error *err)
{
    weir_field f = {"value", WEIR_TYPE_STRING, true};
    *schema = weir_type_struct(a, &f, 1);
    return *schema ? WEIR_OK : weir_err_nomem(err);
}

static int text_wopen(weir_writer *w, weir_error *err)
{
    if (w->schema->nfields != 1)
        return weir_err(err, WEIR_EANALYSIS,
                        "Text data source supports only a single column, and you have %d "
                        "columns.",
                        w->schema->nfields);
    const weir_type *t = w->schema->fields[0].type;
    if (t->id != WEIR_T_STRING) {
        char buf[64];
        return weir_err(err, WEIR_EANALYSIS,
                        "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Text datasource doesn't "
                        "support the column `%s` of the type \"%s\".",
                        w->schema->fields[0].name, weir_type_sql(t, buf, sizeof(buf)));
    }
    const char *ls = weir_opt_get(w->opts, w->nopts, "lineSep");
    w->impl = (void *)(ls ? ls : "\n");
    return WEIR_OK;
}

static int text_write(weir_writer *w, const weir_batch *b, weir_strbuf *out, weir_error *err)
{
    const char *sep = w->impl;
    const weir_vec *v = b->cols[0];
    for (int32_t r = 0; r < b->nrows; r++) {
        if (!weir_vec_is_null(v, r)) {
            int32_t n;
            const char *s = weir_vec_str(v, r, &n);
            weir_sb_append(out, s, (size_t)n);
        }
        weir_sb_puts(out, sep);
    }
    return WEIR_OK;
}

const weir_format weir_fmt_text = {
    .name = "text",
    .check = text_check,
    .infer = text_infer,
    .infer_begin = text_infer_begin,
    .infer_finish = text_infer_finish,
    .open = text_open,
    .next = text_next,
    .record = text_record,
    .wopen = text_wopen,
    .write = text_write,
};
