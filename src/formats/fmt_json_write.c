/*
 * The JSON encoder with JacksonGenerator's output (to_json, the json file sink, Kafka
 * values): compact text, NULL struct fields omitted by default, timestamps as
 * yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the session zone, doubles as Java's Double.toString with
 * non-finite values quoted, strings escaped as Jackson does. Writes into a reusable
 * weir_strbuf so a sink encodes a whole batch without per-row allocation.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/show.h"
#include "formats/fmt_internal.h"

static void write_value(const weir_vec *v, int32_t row, const weir_json_wopts *o, weir_strbuf *out);

static void write_string(const char *s, size_t n, weir_strbuf *out)
{
    weir_sb_putc(out, '"');
    weir_json_escape(s, n, out);
    weir_sb_putc(out, '"');
}

static void write_struct_fields(const weir_type *t, weir_vec *const *cols, int32_t row,
                                const weir_json_wopts *o, weir_strbuf *out)
{
    weir_sb_putc(out, '{');
    bool first = true;
    for (int i = 0; i < t->nfields; i++) {
        const weir_vec *c = cols[i];
        bool isnull = c->type->id == WEIR_T_NULL || weir_vec_is_null(c, row);
        if (isnull && o->ignore_null_fields) continue;
        if (!first) weir_sb_putc(out, ',');
        first = false;
        write_string(t->fields[i].name, strlen(t->fields[i].name), out);
        weir_sb_putc(out, ':');
        if (isnull)
            weir_sb_puts(out, "null");
        else
            write_value(c, row, o, out);
    }
    weir_sb_putc(out, '}');
}

static void write_key(const weir_vec *k, int32_t i, const weir_json_wopts *o, weir_strbuf *out)
{
    /* Jackson writes the key's toString as a field name. */
    if (k->type->id == WEIR_T_STRING) {
        int32_t n;
        const char *s = weir_vec_str(k, i, &n);
        write_string(s, (size_t)n, out);
        return;
    }
    weir_strbuf tmp = WEIR_STRBUF_INIT;
    write_value(k, i, o, &tmp);
    const char *s = tmp.p ? tmp.p : "";
    size_t n = tmp.len;
    if (n >= 2 && s[0] == '"') {
        weir_sb_append(out, s, n);
    } else {
        weir_sb_putc(out, '"');
        weir_sb_append(out, s, n);
        weir_sb_putc(out, '"');
    }
    weir_sb_free(&tmp);
}

static void write_value(const weir_vec *v, int32_t row, const weir_json_wopts *o, weir_strbuf *out)
{
    if (v->type->id == WEIR_T_NULL || weir_vec_is_null(v, row)) {
        weir_sb_puts(out, "null");
        return;
    }
    char buf[96];
    switch (v->type->id) {
    case WEIR_T_BOOLEAN:
        weir_sb_puts(out, WEIR_VEC_DATA(v, uint8_t)[row] ? "true" : "false");
        break;
    case WEIR_T_TINYINT: weir_sb_printf(out, "%d", WEIR_VEC_DATA(v, int8_t)[row]); break;
    case WEIR_T_SMALLINT: weir_sb_printf(out, "%d", WEIR_VEC_DATA(v, int16_t)[row]); break;
    case WEIR_T_INT: weir_sb_printf(out, "%d", WEIR_VEC_DATA(v, int32_t)[row]); break;
    case WEIR_T_BIGINT:
        weir_sb_printf(out, "%lld", (long long)WEIR_VEC_DATA(v, int64_t)[row]);
        break;
    case WEIR_T_FLOAT: {
        float f = WEIR_VEC_DATA(v, float)[row];
        weir_format_float(f, buf);
        if (isfinite(f))
            weir_sb_puts(out, buf);
        else
            weir_sb_printf(out, "\"%s\"", buf);
        break;
    }
    case WEIR_T_DOUBLE: {
        double d = WEIR_VEC_DATA(v, double)[row];
        weir_format_double(d, buf);
        if (isfinite(d))
            weir_sb_puts(out, buf);
        else
            weir_sb_printf(out, "\"%s\"", buf);
        break;
    }
    case WEIR_T_DECIMAL: {
        __int128 d;
        memcpy(&d, (const char *)v->data + 16 * (size_t)row, 16);
        weir_format_decimal_java(d, v->type->scale, buf);
        weir_sb_puts(out, buf);
        break;
    }
    case WEIR_T_STRING: {
        int32_t n;
        const char *s = weir_vec_str(v, row, &n);
        write_string(s, (size_t)n, out);
        break;
    }
    case WEIR_T_BINARY: {
        int32_t n;
        const char *s = weir_vec_str(v, row, &n);
        weir_sb_putc(out, '"');
        weir_fmt_base64_encode((const unsigned char *)s, (size_t)n, out);
        weir_sb_putc(out, '"');
        break;
    }
    case WEIR_T_DATE: {
        int32_t days = WEIR_VEC_DATA(v, int32_t)[row];
        int n;
        if (o->date_fmt)
            n = weir_dtfmt_format(o->date_fmt, (int64_t)days * WEIR_US_PER_DAY, weir_fmt_utc(), buf,
                                  sizeof(buf));
        else
            n = weir_format_date(days, buf);
        write_string(buf, (size_t)n, out);
        break;
    }
    case WEIR_T_TIMESTAMP: {
        int64_t us = WEIR_VEC_DATA(v, int64_t)[row];
        int n = o->ts_fmt ? weir_dtfmt_format(o->ts_fmt, us, o->tz, buf, sizeof(buf))
                          : weir_fmt_ts_iso(us, o->tz, buf);
        write_string(buf, (size_t)n, out);
        break;
    }
    case WEIR_T_INTERVAL: {
        int n = weir_format_interval(WEIR_VEC_DATA(v, int64_t)[row], buf);
        write_string(buf, (size_t)n, out);
        break;
    }
    case WEIR_T_STRUCT: write_struct_fields(v->type, v->child, row, o, out); break;
    case WEIR_T_ARRAY: {
        weir_sb_putc(out, '[');
        for (int32_t i = v->offsets[row]; i < v->offsets[row + 1]; i++) {
            if (i > v->offsets[row]) weir_sb_putc(out, ',');
            write_value(v->child[0], i, o, out);
        }
        weir_sb_putc(out, ']');
        break;
    }
    case WEIR_T_MAP: {
        weir_sb_putc(out, '{');
        for (int32_t i = v->offsets[row]; i < v->offsets[row + 1]; i++) {
            if (i > v->offsets[row]) weir_sb_putc(out, ',');
            write_key(v->child[0], i, o, out);
            weir_sb_putc(out, ':');
            write_value(v->child[1], i, o, out);
        }
        weir_sb_putc(out, '}');
        break;
    }
    default: weir_sb_puts(out, "null"); break;
    }
}

void weir_json_write_row(const weir_vec *v, int32_t row, const weir_json_wopts *o, weir_strbuf *out)
{
    weir_json_wopts d = {0};
    if (!o) {
        d.tz = weir_tz_default();
        d.ignore_null_fields = true;
        o = &d;
    }
    write_value(v, row, o, out);
}

void weir_json_write_batch_row(const weir_batch *b, const weir_type *schema, int32_t row,
                               const weir_json_wopts *o, weir_strbuf *out)
{
    weir_json_wopts d = {0};
    if (!o) {
        d.tz = weir_tz_default();
        d.ignore_null_fields = true;
        o = &d;
    }
    write_struct_fields(schema, b->cols, row, o, out);
}

/* ---- the json file sink ---------------------------------------------------------------------- */

typedef struct jwriter {
    weir_json_wopts o;
    weir_dtfmt *ts, *date;
    const char *line_sep;
} jwriter;

int weir_fmt_json_wopen(weir_writer *w, weir_error *err)
{
    jwriter *jw = WEIR_ARENA_NEW(&w->arena, jwriter);
    if (!jw) return weir_err_nomem(err);
    w->impl = jw;
    jw->o.tz = w->tz;
    int rc = weir_fmt_opt_bool(w->opts, w->nopts, "ignoreNullFields", true,
                               &jw->o.ignore_null_fields, err);
    if (rc) return rc;
    const char *tf = weir_opt_get(w->opts, w->nopts, "timestampFormat");
    const char *df = weir_opt_get(w->opts, w->nopts, "dateFormat");
    if (tf && !(jw->ts = weir_dtfmt_compile(tf, err))) return err->code ? err->code : WEIR_EARG;
    if (df && !(jw->date = weir_dtfmt_compile(df, err))) return err->code ? err->code : WEIR_EARG;
    jw->o.ts_fmt = jw->ts;
    jw->o.date_fmt = jw->date;
    const char *ls = weir_opt_get(w->opts, w->nopts, "lineSep");
    jw->line_sep = ls ? ls : "\n";
    return WEIR_OK;
}

int weir_fmt_json_write(weir_writer *w, const weir_batch *b, weir_strbuf *out, weir_error *err)
{
    jwriter *jw = w->impl;
    for (int32_t r = 0; r < b->nrows; r++) {
        write_struct_fields(w->schema, b->cols, r, &jw->o, out);
        weir_sb_puts(out, jw->line_sep);
    }
    return WEIR_OK;
}

void weir_fmt_json_wclose(weir_writer *w)
{
    jwriter *jw = w->impl;
    if (!jw) return;
    if (jw->ts) weir_dtfmt_free(jw->ts);
    if (jw->date) weir_dtfmt_free(jw->date);
}

/* ---- schema_of_json / get_json_object ----------------------------------------------------------
 */

static void type_ddl(const weir_type *t, weir_strbuf *out)
{
    /* Spark's DataType.sql: STRUCT<a: BIGINT, `b c`: STRING>, ARRAY<...>. */
    char buf[64];
    switch (t->id) {
    case WEIR_T_STRUCT:
        weir_sb_puts(out, "STRUCT<");
        for (int i = 0; i < t->nfields; i++) {
            if (i) weir_sb_puts(out, ", ");
            const char *n = t->fields[i].name;
            bool plain = *n != 0;
            for (const char *c = n; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '_'))
                    plain = false;
            if (plain) {
                weir_sb_puts(out, n);
            } else {
                weir_sb_putc(out, '`');
                for (const char *c = n; *c; c++) {
                    if (*c == '`') weir_sb_putc(out, '`');
                    weir_sb_putc(out, *c);
                }
                weir_sb_putc(out, '`');
            }
            weir_sb_puts(out, ": ");
            type_ddl(t->fields[i].type, out);
        }
        weir_sb_putc(out, '>');
        break;
    case WEIR_T_ARRAY:
        weir_sb_puts(out, "ARRAY<");
        type_ddl(t->elem, out);
        weir_sb_putc(out, '>');
        break;
    case WEIR_T_MAP:
        weir_sb_puts(out, "MAP<");
        type_ddl(t->elem, out);
        weir_sb_puts(out, ", ");
        type_ddl(t->value, out);
        weir_sb_putc(out, '>');
        break;
    default: weir_sb_puts(out, weir_type_sql(t, buf, sizeof(buf))); break;
    }
}

int weir_json_schema_of(const char *json, size_t len, const weir_kv *opts, int nopts, weir_arena *a,
                        const char **ddl, weir_error *err)
{
    const weir_type *t;
    int rc = weir_jinfer_value(json, len, opts, nopts, a, &t, err);
    if (rc) return rc;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    type_ddl(t, &sb);
    if (sb.oom) {
        weir_sb_free(&sb);
        return weir_err_nomem(err);
    }
    *ddl = weir_arena_strndup(a, sb.p ? sb.p : "", sb.len);
    weir_sb_free(&sb);
    return *ddl ? WEIR_OK : weir_err_nomem(err);
}
