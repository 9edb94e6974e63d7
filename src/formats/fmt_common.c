/*
 * The format-independent half of the formats layer: the format registry and the public
 * entry points that dispatch to a format, option helpers with Spark's parsing rules, file
 * listing with Spark's hidden-file filter, the FAILFAST message, vector row rollback, and
 * small codecs (timestamps, decimals, base64) shared by the JSON and CSV readers.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec/show.h"
#include "formats/fmt_internal.h"

/* ---- options ---------------------------------------------------------------------------- */

const char *weir_opt_get(const weir_kv *opts, int nopts, const char *key)
{
    const char *v = NULL;
    for (int i = 0; i < nopts; i++)
        if (opts[i].key && strcasecmp(opts[i].key, key) == 0) v = opts[i].value;
    return v;
}

int weir_fmt_opt_bool(const weir_kv *opts, int nopts, const char *key, bool dflt, bool *out,
                      weir_error *err)
{
    const char *v = weir_opt_get(opts, nopts, key);
    *out = dflt;
    if (!v) return WEIR_OK;
    if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0)
        *out = false;
    else
        return weir_err(err, WEIR_EARG, "For input string: \"%s\"", v);
    return WEIR_OK;
}

const char *weir_fmt_corrupt_name(const weir_kv *opts, int nopts)
{
    const char *v = weir_opt_get(opts, nopts, "columnNameOfCorruptRecord");
    return v ? v : "_corrupt_record";
}

weir_parse_mode weir_parse_mode_of(const char *value)
{
    if (!value) return WEIR_MODE_PERMISSIVE;
    if (strcasecmp(value, "DROPMALFORMED") == 0) return WEIR_MODE_DROPMALFORMED;
    if (strcasecmp(value, "FAILFAST") == 0) return WEIR_MODE_FAILFAST;
    return WEIR_MODE_PERMISSIVE; /* Spark: "... is not a valid parse mode. Using PERMISSIVE." */
}

const char *weir_parse_mode_name(weir_parse_mode m)
{
    switch (m) {
    case WEIR_MODE_DROPMALFORMED: return "DROPMALFORMED";
    case WEIR_MODE_FAILFAST: return "FAILFAST";
    default: return "PERMISSIVE";
    }
}

int weir_fmt_failfast_error(weir_error *err, const char *row_text)
{
    /* Spark joins the main template and the (empty) WITHOUT_SUGGESTION sub-template with a
     * space, hence the trailing blank. */
    return weir_err(err, WEIR_ERUNTIME,
                    "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are "
                    "detected in record parsing: %s.\nParse Mode: FAILFAST. To process "
                    "malformed records as null result, try setting the option 'mode' as "
                    "'PERMISSIVE'. ",
                    row_text);
}

static void value_internal_text(const weir_vec *v, int32_t row, weir_strbuf *sb)
{
    if (weir_vec_is_null(v, row) || v->type->id == WEIR_T_NULL) {
        weir_sb_puts(sb, "null");
        return;
    }
    char buf[64];
    switch (v->type->id) {
    case WEIR_T_BOOLEAN: weir_sb_puts(sb, WEIR_VEC_DATA(v, uint8_t)[row] ? "true" : "false"); break;
    case WEIR_T_TINYINT: weir_sb_printf(sb, "%d", WEIR_VEC_DATA(v, int8_t)[row]); break;
    case WEIR_T_SMALLINT: weir_sb_printf(sb, "%d", WEIR_VEC_DATA(v, int16_t)[row]); break;
    case WEIR_T_INT:
    case WEIR_T_DATE: weir_sb_printf(sb, "%d", WEIR_VEC_DATA(v, int32_t)[row]); break;
    case WEIR_T_BIGINT:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL:
        weir_sb_printf(sb, "%lld", (long long)WEIR_VEC_DATA(v, int64_t)[row]);
        break;
    case WEIR_T_FLOAT:
        weir_format_float(WEIR_VEC_DATA(v, float)[row], buf);
        weir_sb_puts(sb, buf);
        break;
    case WEIR_T_DOUBLE:
        weir_format_double(WEIR_VEC_DATA(v, double)[row], buf);
        weir_sb_puts(sb, buf);
        break;
    case WEIR_T_DECIMAL: {
        __int128 d;
        memcpy(&d, (const char *)v->data + 16 * (size_t)row, 16);
        weir_format_decimal_java(d, v->type->scale, buf);
        weir_sb_puts(sb, buf);
        break;
    }
    case WEIR_T_STRING:
    case WEIR_T_BINARY: {
        int32_t n;
        const char *s = weir_vec_str(v, row, &n);
        weir_sb_append(sb, s, (size_t)n);
        break;
    }
    case WEIR_T_STRUCT:
        weir_sb_putc(sb, '[');
        for (int c = 0; c < v->nchild; c++) {
            if (c) weir_sb_putc(sb, ',');
            value_internal_text(v->child[c], row, sb);
        }
        weir_sb_putc(sb, ']');
        break;
    default: {
        /* GenericArrayData / ArrayBasedMapData have no readable toString in Spark. */
        const char *cls = v->type->id == WEIR_T_ARRAY ? "org.apache.spark.sql.catalyst.util."
                                                        "GenericArrayData"
                                                      : "org.apache.spark.sql.catalyst.util."
                                                        "ArrayBasedMapData";
        weir_sb_puts(sb, cls);
        break;
    }
    }
}

void weir_fmt_row_text(weir_vec *const *cols, int ncols, int32_t row, weir_strbuf *sb)
{
    if (ncols == 0) {
        weir_sb_puts(sb, "[empty row]");
        return;
    }
    weir_sb_putc(sb, '[');
    for (int c = 0; c < ncols; c++) {
        if (c) weir_sb_putc(sb, ',');
        value_internal_text(cols[c], row, sb);
    }
    weir_sb_putc(sb, ']');
}

/* ---- vectors ------------------------------------------------------------------------------- */

void weir_fmt_vec_truncate(weir_vec *v, int32_t n)
{
    /* Children are cut even when v itself has no row n yet: a nested value that failed
     * half-way may have appended elements/fields without finishing its own row. */
    if (v->len < n) return;
    switch (v->type->id) {
    case WEIR_T_ARRAY:
    case WEIR_T_MAP:
        for (int c = 0; c < v->nchild; c++)
            weir_fmt_vec_truncate(v->child[c], v->offsets[n]);
        break;
    case WEIR_T_STRUCT:
        for (int c = 0; c < v->nchild; c++)
            weir_fmt_vec_truncate(v->child[c], n);
        break;
    default: break;
    }
    if (v->valid)
        for (int32_t i = n; i < v->len; i++)
            weir_bit_set(v->valid, i);
    v->len = n;
}

int weir_fmt_push_null(weir_vec *v)
{
    return weir_vec_append_null(v);
}

/* ---- registry and dispatch ------------------------------------------------------------------ */

static const weir_format *const formats[] = {&weir_fmt_json, &weir_fmt_csv, &weir_fmt_text};

const weir_format *weir_format_lookup(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcasecmp(formats[i]->name, name) == 0) return formats[i];
    return NULL;
}

const char *weir_format_name(const weir_format *f)
{
    return f->name;
}

int weir_format_check_options(const weir_format *f, const weir_kv *opts, int nopts, weir_error *err)
{
    return f->check ? f->check(opts, nopts, err) : WEIR_OK;
}

static int read_whole_file(const char *path, char **data, size_t *len, weir_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return weir_err(err, WEIR_EIO, "[PATH_NOT_FOUND] Path does not exist: file:%s.", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(fp);
        return weir_err_nomem(err);
    }
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(fp);
                return weir_err_nomem(err);
            }
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, fp);
        n += k;
        if (k == 0) break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return weir_err(err, WEIR_EIO, "Error reading file %s: %s", path, strerror(errno));
    }
    *data = buf;
    *len = n;
    return WEIR_OK;
}

int weir_format_infer(const weir_format *f, const char *const *files, int nfiles,
                      const weir_kv *opts, int nopts, const weir_tz *tz, weir_arena *a,
                      const weir_type **schema, weir_error *err)
{
    void *st = f->infer_begin(opts, nopts, a);
    if (!st) return weir_err_nomem(err);
    for (int i = 0; i < nfiles; i++) {
        char *data = NULL;
        size_t len = 0;
        int rc = read_whole_file(files[i], &data, &len, err);
        if (rc == WEIR_OK) {
            rc = f->infer(data, len, st, opts, nopts, tz, a, err);
            free(data);
        }
        if (rc != WEIR_OK) {
            const weir_type *ignored;
            weir_error e2;
            f->infer_finish(st, opts, nopts, a, &ignored, &e2); /* releases the state */
            return rc;
        }
    }
    return f->infer_finish(st, opts, nopts, a, schema, err);
}

int weir_format_infer_buffer(const weir_format *f, const char *data, size_t len,
                             const weir_kv *opts, int nopts, const weir_tz *tz, weir_arena *a,
                             const weir_type **schema, weir_error *err)
{
    void *st = f->infer_begin(opts, nopts, a);
    if (!st) return weir_err_nomem(err);
    int rc = f->infer(data, len, st, opts, nopts, tz, a, err);
    if (rc != WEIR_OK) {
        const weir_type *ignored;
        weir_error e2;
        f->infer_finish(st, opts, nopts, a, &ignored, &e2); /* releases the state */
        return rc;
    }
    return f->infer_finish(st, opts, nopts, a, schema, err);
}

int weir_reader_open(const weir_format *f, const weir_type *schema, const bool *want,
                     const weir_kv *opts, int nopts, const weir_tz *tz, weir_reader **out,
                     weir_error *err)
{
    *out = NULL;
    if (!schema || schema->id != WEIR_T_STRUCT)
        return weir_err(err, WEIR_EARG, "a data source schema must be a STRUCT");
    int rc = weir_format_check_options(f, opts, nopts, err);
    if (rc != WEIR_OK) return rc;
    weir_reader *r = calloc(1, sizeof(*r));
    if (!r) return weir_err_nomem(err);
    weir_arena_init(&r->arena, 0);
    r->fmt = f;
    r->schema = schema;
    r->tz = tz ? tz : weir_tz_default();
    int nf = schema->nfields;
    r->want = WEIR_ARENA_NEWN(&r->arena, bool, nf ? nf : 1);
    r->col_field = WEIR_ARENA_NEWN(&r->arena, int, nf ? nf : 1);
    r->opts = WEIR_ARENA_NEWN(&r->arena, weir_kv, nopts ? nopts : 1);
    if (!r->want || !r->col_field || !r->opts) goto oom;
    for (int i = 0; i < nopts; i++) {
        r->opts[i].key = weir_arena_strdup(&r->arena, opts[i].key ? opts[i].key : "");
        r->opts[i].value = weir_arena_strdup(&r->arena, opts[i].value ? opts[i].value : "");
        if (!r->opts[i].key || !r->opts[i].value) goto oom;
    }
    r->nopts = nopts;
    r->mode = weir_parse_mode_of(weir_opt_get(opts, nopts, "mode"));
    r->corrupt_name = weir_fmt_corrupt_name(r->opts, nopts);
    r->corrupt_field = -1;
    r->corrupt_col = -1;
    for (int i = 0; i < nf; i++) {
        r->want[i] = want ? want[i] : true;
        if (strcmp(schema->fields[i].name, r->corrupt_name) == 0) r->corrupt_field = i;
    }
    if (r->corrupt_field >= 0 && f != &weir_fmt_text) {
        const weir_type *ct = schema->fields[r->corrupt_field].type;
        if (ct->id != WEIR_T_STRING || !schema->fields[r->corrupt_field].nullable) {
            weir_reader_close(r);
            return weir_err(err, WEIR_EANALYSIS,
                            "The field for corrupt records must be string type and nullable");
        }
    }
    for (int i = 0; i < nf; i++) {
        if (!r->want[i]) continue;
        if (i == r->corrupt_field) r->corrupt_col = r->ncols;
        r->col_field[r->ncols++] = i;
    }
    rc = f->open(r, err);
    if (rc != WEIR_OK) {
        weir_reader_close(r);
        return rc;
    }
    *out = r;
    return WEIR_OK;
oom:
    weir_reader_close(r);
    return weir_err_nomem(err);
}

void weir_reader_set_input(weir_reader *r, const char *data, size_t len)
{
    r->in = data;
    r->pos = data;
    r->in_end = data + len;
    r->at_start = true;
}

int weir_reader_next(weir_reader *r, weir_arena *a, weir_batch **out, weir_error *err)
{
    *out = NULL;
    if (!r->in || r->pos >= r->in_end) return WEIR_OK;
    return r->fmt->next(r, a, out, err);
}

int weir_reader_parse_record(weir_reader *r, const char *rec, size_t len, bool allow_array_as_rows,
                             weir_vec *const *cols, int32_t *nrows, weir_error *err)
{
    *nrows = 0;
    if (!r->fmt->record)
        return weir_err(err, WEIR_EUNSUPPORTED, "format %s cannot parse single records",
                        r->fmt->name);
    return r->fmt->record(r, rec, len, allow_array_as_rows, cols, nrows, err);
}

int weir_reader_ncols(const weir_reader *r)
{
    return r->ncols;
}

weir_parse_mode weir_reader_mode(const weir_reader *r)
{
    return r->mode;
}

void weir_reader_close(weir_reader *r)
{
    if (!r) return;
    if (r->fmt && r->fmt->close) r->fmt->close(r);
    weir_arena_free(&r->arena);
    free(r);
}

int weir_writer_open(const weir_format *f, const weir_type *schema, const weir_kv *opts, int nopts,
                     const weir_tz *tz, weir_writer **out, weir_error *err)
{
    *out = NULL;
    if (!schema || schema->id != WEIR_T_STRUCT)
        return weir_err(err, WEIR_EARG, "a data source schema must be a STRUCT");
    int rc = weir_format_check_options(f, opts, nopts, err);
    if (rc != WEIR_OK) return rc;
    weir_writer *w = calloc(1, sizeof(*w));
    if (!w) return weir_err_nomem(err);
    weir_arena_init(&w->arena, 0);
    w->fmt = f;
    w->schema = schema;
    w->tz = tz ? tz : weir_tz_default();
    w->opts = WEIR_ARENA_NEWN(&w->arena, weir_kv, nopts ? nopts : 1);
    if (!w->opts) {
        weir_writer_close(w);
        return weir_err_nomem(err);
    }
    for (int i = 0; i < nopts; i++) {
        w->opts[i].key = weir_arena_strdup(&w->arena, opts[i].key ? opts[i].key : "");
        w->opts[i].value = weir_arena_strdup(&w->arena, opts[i].value ? opts[i].value : "");
    }
    w->nopts = nopts;
    rc = f->wopen(w, err);
    if (rc != WEIR_OK) {
        weir_writer_close(w);
        return rc;
    }
    *out = w;
    return WEIR_OK;
}

void weir_writer_begin(weir_writer *w, weir_strbuf *out)
{
    if (w->fmt->wbegin) w->fmt->wbegin(w, out);
}

int weir_writer_write(weir_writer *w, const weir_batch *b, weir_strbuf *out, weir_error *err)
{
    int rc = w->fmt->write(w, b, out, err);
    if (rc == WEIR_OK && out->oom) return weir_err_nomem(err);
    return rc;
}

void weir_writer_close(weir_writer *w)
{
    if (!w) return;
    if (w->fmt && w->fmt->wclose) w->fmt->wclose(w);
    weir_arena_free(&w->arena);
    free(w);
}

/* ---- file listing ------------------------------------------------------------------------ */

static bool hidden_name(const char *name)
{
    size_t n = strlen(name);
    bool exclude = (name[0] == '_' && !strchr(name, '=')) || name[0] == '.' ||
                   (n >= 10 && strcmp(name + n - 10, "._COPYING_") == 0);
    bool include = strncmp(name, "_common_metadata", 16) == 0 || strncmp(name, "_metadata", 9) == 0;
    return exclude && !include;
}

typedef struct flist {
    char **v;
    int n, cap;
} flist;

static int flist_add(flist *l, const char *s)
{
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 16;
        char **nv = realloc(l->v, sizeof(char *) * (size_t)nc);
        if (!nv) return WEIR_ENOMEM;
        l->v = nv;
        l->cap = nc;
    }
    if (!(l->v[l->n] = strdup(s))) return WEIR_ENOMEM;
    l->n++;
    return WEIR_OK;
}

static void flist_free(flist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds a path: a file itself, or the visible files directly inside a directory. */
static int add_path(flist *l, const char *p)
{
    struct stat st;
    if (stat(p, &st) != 0) return WEIR_EIO;
    if (!S_ISDIR(st.st_mode)) return flist_add(l, p);
    DIR *d = opendir(p);
    if (!d) return WEIR_EIO;
    struct dirent *de;
    int rc = WEIR_OK;
    size_t plen = strlen(p);
    while ((de = readdir(d)) != NULL && rc == WEIR_OK) {
        if (hidden_name(de->d_name)) continue;
        size_t n = plen + strlen(de->d_name) + 2;
        char *full = malloc(n);
        if (!full) {
            rc = WEIR_ENOMEM;
            break;
        }
        snprintf(full, n, "%s%s%s", p, (plen && p[plen - 1] == '/') ? "" : "/", de->d_name);
        struct stat fs;
        if (stat(full, &fs) == 0 && S_ISREG(fs.st_mode)) rc = flist_add(l, full);
        free(full);
    }
    closedir(d);
    return rc;
}

/* ---- directories written by a streaming file sink ---------------------------------------------
 *
 * A directory holding "_spark_metadata" is the output of a file sink (Spark's FileStreamSink
 * or weir's): its data files are exactly those its manifest log names, as Spark's
 * MetadataLogFileIndex reads them (CompactibleFileStreamLog.allFiles): the latest batch N,
 * then batches getAllValidBatches(N) -- the last "K.compact" file at or before N and every
 * batch after it -- each a "v1" line followed by one SinkFileStatus JSON per line. Files
 * in the directory that no manifest names (a batch that never committed) are not listed. */

#define SINK_LOG_DIR             "_spark_metadata"
#define SINK_LOG_DEFAULT_COMPACT 10 /* spark.sql.streaming.fileSink.log.compactInterval */

/* Batch id of a log file name ("12" or "12.compact"), -1 for any other name. */
static int64_t sink_log_batch(const char *name, bool *compact)
{
    int64_t id = 0;
    const char *p = name;
    if (!isdigit((unsigned char)*p)) return -1;
    for (; isdigit((unsigned char)*p); p++) {
        if (id > (INT64_MAX - 9) / 10) return -1;
        id = id * 10 + (*p - '0');
    }
    *compact = strcmp(p, ".compact") == 0;
    return *p == 0 || *compact ? id : -1;
}

static char *sink_log_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        weir_sb_append(&sb, buf, k);
    bool bad = ferror(f) || sb.oom;
    fclose(f);
    if (bad) {
        weir_sb_free(&sb);
        errno = EIO;
        return NULL;
    }
    *len = sb.len;
    if (!sb.p) return calloc(1, 1);
    return weir_sb_take(&sb);
}

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes the JSON string starting after its opening quote into sb; returns the position
 * after the closing quote, NULL when malformed. */
static const char *sink_log_jstr(const char *p, const char *e, weir_strbuf *sb)
{
    while (p < e && *p != '"') {
        if (*p != '\\') {
            weir_sb_putc(sb, *p++);
            continue;
        }
        if (++p >= e) return NULL;
        char c = *p++;
        switch (c) {
        case 'b': weir_sb_putc(sb, '\b'); break;
        case 'f': weir_sb_putc(sb, '\f'); break;
        case 'n': weir_sb_putc(sb, '\n'); break;
        case 'r': weir_sb_putc(sb, '\r'); break;
        case 't': weir_sb_putc(sb, '\t'); break;
        case 'u': {
            if (e - p < 4) return NULL;
            unsigned cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexval(p[i]);
                if (h < 0) return NULL;
                cp = cp * 16 + (unsigned)h;
            }
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                unsigned lo = 0;
                bool ok = true;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(p[2 + i]);
                    ok = ok && h >= 0;
                    lo = lo * 16 + (unsigned)(h < 0 ? 0 : h);
                }
                if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
            }
            char u[4];
            int n;
            if (cp < 0x80) {
                u[0] = (char)cp, n = 1;
            } else if (cp < 0x800) {
                u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 63)), n = 2;
            } else if (cp < 0x10000) {
                u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 63));
                u[2] = (char)(0x80 | (cp & 63)), n = 3;
            } else {
                u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 63));
                u[2] = (char)(0x80 | ((cp >> 6) & 63)), u[3] = (char)(0x80 | (cp & 63)), n = 4;
            }
            weir_sb_append(sb, u, (size_t)n);
            break;
        }
        default: weir_sb_putc(sb, c); break; /* \" \\ \/ */
        }
    }
    return p < e ? p + 1 : NULL;
}

/* One SinkFileStatus line: its path (URI text), whether it is a directory, and whether its
 * action is "delete". false when the line is not such an object. */
static bool sink_log_entry(const char *p, const char *e, weir_strbuf *path, bool *is_dir,
                           bool *is_delete)
{
    weir_strbuf key = WEIR_STRBUF_INIT, val = WEIR_STRBUF_INIT;
    bool ok = false, have_path = false;
    *is_dir = *is_delete = false;
    while (p < e && isspace((unsigned char)*p))
        p++;
    if (p >= e || *p++ != '{') goto done;
    for (;;) {
        while (p < e && isspace((unsigned char)*p))
            p++;
        if (p < e && *p == '}') break;
        if (p >= e || *p++ != '"') goto done;
        weir_sb_reset(&key);
        if (!(p = sink_log_jstr(p, e, &key))) goto done;
        while (p < e && isspace((unsigned char)*p))
            p++;
        if (p >= e || *p++ != ':') goto done;
        while (p < e && isspace((unsigned char)*p))
            p++;
        weir_sb_reset(&val);
        if (p < e && *p == '"') {
            if (!(p = sink_log_jstr(p + 1, e, &val))) goto done;
        } else {
            const char *t = p;
            while (p < e && *p != ',' && *p != '}' && !isspace((unsigned char)*p))
                p++;
            weir_sb_append(&val, t, (size_t)(p - t));
        }
        const char *k = key.p ? key.p : "", *v = val.p ? val.p : "";
        if (strcmp(k, "path") == 0) {
            weir_sb_reset(path);
            weir_sb_append(path, v, val.len);
            have_path = true;
        } else if (strcmp(k, "isDir") == 0) {
            *is_dir = strcmp(v, "true") == 0;
        } else if (strcmp(k, "action") == 0) {
            *is_delete = strcmp(v, "delete") == 0;
        }
        while (p < e && isspace((unsigned char)*p))
            p++;
        if (p < e && *p == ',') {
            p++;
            continue;
        }
        if (p < e && *p == '}') break;
        goto done;
    }
    ok = have_path && !key.oom && !val.oom && !path->oom;
done:
    weir_sb_free(&key);
    weir_sb_free(&val);
    return ok;
}

/* A local file path from a manifest URI: "file:///a/b%20c" and "file:/a/b%20c" give
 * "/a/b c"; other texts are only percent-decoded. malloc'd. */
static char *sink_log_local(const char *uri)
{
    const char *p = uri;
    if (strncmp(p, "file://", 7) == 0 && p[7] == '/')
        p += 7;
    else if (strncmp(p, "file:", 5) == 0 && p[5] == '/')
        p += 5;
    char *out = malloc(strlen(p) + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (; *p; p++) {
        int h1, h2;
        if (*p == '%' && (h1 = hexval(p[1])) >= 0 && (h2 = hexval(p[2])) >= 0) {
            out[o++] = (char)(h1 * 16 + h2);
            p += 2;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = 0;
    return out;
}

static int cmp_i64_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Adds the files a sink directory's manifest names. *is_sink is false (and nothing is
 * added) when `dir` has no "_spark_metadata" directory. */
static int add_sink_log(flist *l, const char *dir, bool *is_sink, weir_error *err)
{
    *is_sink = false;
    size_t ml = strlen(dir) + sizeof(SINK_LOG_DIR) + 2;
    char *meta = malloc(ml);
    if (!meta) return weir_err_nomem(err);
    snprintf(meta, ml, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", SINK_LOG_DIR);
    struct stat st;
    if (stat(meta, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(meta);
        return WEIR_OK;
    }
    *is_sink = true;
    /* batch ids present, and those of ".compact" files */
    int64_t *ids = NULL, *cids = NULL;
    int nids = 0, ncids = 0, cap = 0, ccap = 0;
    int rc = WEIR_OK;
    DIR *d = opendir(meta);
    if (!d) rc = weir_err(err, WEIR_EIO, "Cannot list %s: %s", meta, strerror(errno));
    struct dirent *de;
    while (rc == WEIR_OK && (de = readdir(d)) != NULL) {
        bool compact;
        int64_t id = sink_log_batch(de->d_name, &compact);
        if (id < 0) continue;
        for (int which = 0; which < (compact ? 2 : 1) && rc == WEIR_OK; which++) {
            int64_t **v = which ? &cids : &ids;
            int *n = which ? &ncids : &nids, *c = which ? &ccap : &cap;
            if (*n == *c) {
                int nc = *c ? *c * 2 : 16;
                int64_t *nv = realloc(*v, sizeof(int64_t) * (size_t)nc);
                if (!nv) {
                    rc = weir_err_nomem(err);
                    break;
                }
                *v = nv;
                *c = nc;
            }
            (*v)[(*n)++] = id;
        }
    }
    if (d) closedir(d);
    if (rc == WEIR_OK) {
        if (nids) qsort(ids, (size_t)nids, sizeof(int64_t), cmp_i64_desc);
        if (ncids) qsort(cids, (size_t)ncids, sizeof(int64_t), cmp_i64_desc);
    }
    /* CompactibleFileStreamLog.compactInterval */
    int64_t interval = SINK_LOG_DEFAULT_COMPACT;
    if (ncids >= 2) {
        interval = cids[0] - cids[1];
    } else if (ncids == 1) {
        int64_t n = cids[0] + 1;
        interval = n;
        if (n > SINK_LOG_DEFAULT_COMPACT && SINK_LOG_DEFAULT_COMPACT < n / 2)
            for (int64_t i = SINK_LOG_DEFAULT_COMPACT; i <= n / 2; i++)
                if (n % i == 0) {
                    interval = i;
                    break;
                }
    }
    if (interval <= 0) interval = SINK_LOG_DEFAULT_COMPACT;
    char *bp = malloc(ml + 32);
    if (rc == WEIR_OK && !bp) rc = weir_err_nomem(err);
#define BATCH_PATH(id)                                                                             \
    snprintf(bp, ml + 32, "%s/%lld%s", meta, (long long)(id),                                      \
             ((id) + 1) % interval == 0 ? ".compact" : "")
    /* the latest batch: the highest id whose file exists under its expected name */
    int64_t latest = -1;
    for (int i = 0; rc == WEIR_OK && i < nids && latest < 0; i++) {
        BATCH_PATH(ids[i]);
        if (stat(bp, &st) == 0) latest = ids[i];
    }
    /* deleted paths (older logs record deletions; their files are not live) */
    flist adds = {0}, dels = {0};
    weir_strbuf upath = WEIR_STRBUF_INIT;
    if (rc == WEIR_OK && latest >= 0) {
        int64_t start = (latest + 1) / interval * interval - 1;
        if (start < 0) start = 0;
        for (int64_t id = start; rc == WEIR_OK && id <= latest; id++) {
            BATCH_PATH(id);
            size_t len = 0;
            char *text = sink_log_slurp(bp, &len);
            if (!text) {
                rc = errno == ENOENT
                         ? weir_err(err, WEIR_EIO,
                                    "file:%s doesn't exist (latestId: %lld, "
                                    "compactInterval: %lld)",
                                    bp, (long long)latest, (long long)interval)
                         : weir_err(err, WEIR_EIO, "Cannot read %s: %s", bp, strerror(errno));
                break;
            }
            const char *e = text + len, *nl = memchr(text, '\n', len);
            const char *ve = nl ? nl : e;
            if (ve - text < 2 || text[0] != 'v' || !isdigit((unsigned char)text[1])) {
                rc = weir_err(err, WEIR_EIO,
                              "Log file was malformed: failed to read correct log version from "
                              "%.*s.",
                              (int)(ve - text), text);
            } else if (strtol(text + 1, NULL, 10) > 1) {
                rc = weir_err(err, WEIR_EIO,
                              "UnsupportedLogVersion: maximum supported log version is v1, but "
                              "encountered v%ld. The log file was produced by a newer version "
                              "of Spark and cannot be read by this version. Please upgrade.",
                              strtol(text + 1, NULL, 10));
            }
            for (const char *q = nl; rc == WEIR_OK && q && q < e;) {
                const char *line = q + 1, *end = memchr(line, '\n', (size_t)(e - line));
                if (!end) end = e;
                bool is_dir, is_del;
                if (end > line && sink_log_entry(line, end, &upath, &is_dir, &is_del)) {
                    char *local = sink_log_local(upath.p ? upath.p : "");
                    if (!local) {
                        rc = weir_err_nomem(err);
                    } else {
                        if (!is_dir && flist_add(is_del ? &dels : &adds, local) != WEIR_OK)
                            rc = weir_err_nomem(err);
                        free(local);
                    }
                } else if (end > line) {
                    rc = weir_err(err, WEIR_EIO, "Malformed entry in %s: %.*s", bp,
                                  (int)(end - line), line);
                }
                q = end < e ? end : NULL;
            }
            free(text);
        }
    }
#undef BATCH_PATH
    if (rc == WEIR_OK && dels.n) qsort(dels.v, (size_t)dels.n, sizeof(char *), cmp_str);
    for (int i = 0; rc == WEIR_OK && i < adds.n; i++) {
        if (dels.n && bsearch(&adds.v[i], dels.v, (size_t)dels.n, sizeof(char *), cmp_str))
            continue;
        if (flist_add(l, adds.v[i]) != WEIR_OK) rc = weir_err_nomem(err);
    }
    flist_free(&adds);
    flist_free(&dels);
    weir_sb_free(&upath);
    free(bp);
    free(ids);
    free(cids);
    free(meta);
    return rc;
}

int weir_list_files(const char *path, weir_arena *a, const char ***files, int *nfiles,
                    weir_error *err)
{
    *files = NULL;
    *nfiles = 0;
    if (!path || !*path)
        return weir_err(err, WEIR_EARG, "[PATH_NOT_FOUND] Path does not exist: file:.");
    /* Spark qualifies the path against the working directory ("file:/abs/path"). */
    char abs[PATH_MAX * 2];
    const char *p = path;
    if (strncmp(p, "file://", 7) == 0)
        p += 7;
    else if (strncmp(p, "file:", 5) == 0)
        p += 5;
    if (p[0] == '/') {
        snprintf(abs, sizeof(abs), "%s", p);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd))) cwd[0] = 0;
        const char *q = p;
        while (q[0] == '.' && q[1] == '/')
            q += 2;
        snprintf(abs, sizeof(abs), "%s/%s", cwd, q);
    }
    size_t al = strlen(abs);
    while (al > 1 && abs[al - 1] == '/')
        abs[--al] = 0;

    flist l = {0};
    int rc = WEIR_OK;
    if (strpbrk(abs, "*?[{")) {
        glob_t g;
        int gr = glob(abs, GLOB_BRACE | GLOB_NOSORT, NULL, &g);
        if (gr == 0) {
            for (size_t i = 0; i < g.gl_pathc && rc == WEIR_OK; i++) {
                rc = add_path(&l, g.gl_pathv[i]);
                if (rc == WEIR_EIO) rc = WEIR_OK;
            }
            globfree(&g);
        } else if (gr != GLOB_NOMATCH) {
            rc = WEIR_EIO;
        }
        if (rc == WEIR_OK && l.n == 0 && gr == GLOB_NOMATCH) {
            flist_free(&l);
            return weir_err(err, WEIR_EIO, "[PATH_NOT_FOUND] Path does not exist: file:%s.", abs);
        }
    } else {
        struct stat st;
        if (stat(abs, &st) != 0) {
            flist_free(&l);
            return weir_err(err, WEIR_EIO, "[PATH_NOT_FOUND] Path does not exist: file:%s.", abs);
        }
        bool is_sink = false;
        if (S_ISDIR(st.st_mode)) {
            rc = add_sink_log(&l, abs, &is_sink, err);
            if (rc != WEIR_OK) {
                flist_free(&l);
                return rc;
            }
        }
        if (!is_sink) rc = add_path(&l, abs);
    }
    if (rc != WEIR_OK) {
        flist_free(&l);
        if (rc == WEIR_ENOMEM) return weir_err_nomem(err);
        return weir_err(err, WEIR_EIO, "Cannot list %s: %s", abs, strerror(errno));
    }
    if (l.n) qsort(l.v, (size_t)l.n, sizeof(char *), cmp_str);
    const char **out = WEIR_ARENA_NEWN(a, const char *, l.n ? l.n : 1);
    if (!out) {
        flist_free(&l);
        return weir_err_nomem(err);
    }
    for (int i = 0; i < l.n; i++) {
        if (!(out[i] = weir_arena_strdup(a, l.v[i]))) {
            flist_free(&l);
            return weir_err_nomem(err);
        }
    }
    *files = out;
    *nfiles = l.n;
    flist_free(&l);
    return WEIR_OK;
}

const weir_tz *weir_fmt_utc(void)
{
    static const weir_tz *utc;
    const weir_tz *z = __atomic_load_n(&utc, __ATOMIC_ACQUIRE);
    if (!z) {
        z = weir_tz_get("UTC", NULL);
        __atomic_store_n(&utc, z, __ATOMIC_RELEASE);
    }
    return z;
}

/* ---- timestamps ------------------------------------------------------------------------------ */

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

static inline bool two_digits(const char *s, int *v)
{
    unsigned a = (unsigned)(s[0] - '0'), b = (unsigned)(s[1] - '0');
    *v = (int)(a * 10 + b);
    return a <= 9 && b <= 9;
}

/* The ":mm:ss[.f]" tail of a fixed-layout timestamp; false when malformed. */
static inline bool ts_tail(const char *s, size_t n, int64_t *us_in_hour)
{
    int mi, se;
    if (s[13] != ':' || s[16] != ':' || !two_digits(s + 14, &mi) || !two_digits(s + 17, &se) ||
        mi >= 60 || se >= 60)
        return false;
    int64_t frac = 0;
    if (n > 19) {
        if (s[19] != '.' || n == 20) return false;
        int k = 0;
        for (size_t i = 20; i < n; i++, k++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (d > 9) return false;
            frac = frac * 10 + d;
        }
        for (; k < 6; k++)
            frac *= 10;
    }
    *us_in_hour = (int64_t)(mi * 60 + se) * WEIR_US_PER_SEC + frac;
    return true;
}

bool weir_fmt_ts_parse(const char *s, size_t n, const weir_tz *tz, weir_fmt_tscache *c,
                       int64_t *out)
{
    /* Fast path: exactly yyyy-MM-dd[ T]HH:mm:ss[.f{1,6}] (local time, no zone, no blanks).
     * Consecutive values usually share their hour: the UTC start of the last hour is
     * cached with its text, so only ":mm:ss" is parsed then. */
    if (n >= 19 && n <= 26) {
        int64_t tail;
        if (c && c->has_prefix && memcmp(s, c->prefix, 13) == 0 && ts_tail(s, n, &tail)) {
            *out = (c->hour * 3600 * WEIR_US_PER_SEC - c->off_us) + tail;
            return true;
        }
        int yh, yl, mo, d, h;
        if (s[4] == '-' && s[7] == '-' && (s[10] == ' ' || s[10] == 'T') && two_digits(s, &yh) &&
            two_digits(s + 2, &yl) && two_digits(s + 5, &mo) && two_digits(s + 8, &d) &&
            two_digits(s + 11, &h) && ts_tail(s, n, &tail)) {
            int y = yh * 100 + yl;
            if (mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) && h < 24) {
                int64_t days = weir_days_from_civil(y, mo, d);
                int64_t hour = days * 24 + h;
                int64_t local = hour * 3600 * WEIR_US_PER_SEC + tail;
                if (c && c->hour == hour) {
                    *out = local - c->off_us;
                    return true;
                }
                int64_t utc = weir_tz_local_to_utc(tz, local);
                *out = utc;
                if (c) {
                    /* Cache the offset of this local hour when it holds over the whole hour. */
                    int64_t off = local - utc;
                    int64_t h0 = hour * 3600 * WEIR_US_PER_SEC - off;
                    int64_t h1 = h0 + 3600 * WEIR_US_PER_SEC - 1;
                    c->has_prefix = false;
                    c->hour = INT64_MIN;
                    if ((int64_t)weir_tz_offset_at_utc(tz, h0) * WEIR_US_PER_SEC == off &&
                        (int64_t)weir_tz_offset_at_utc(tz, h1) * WEIR_US_PER_SEC == off) {
                        c->hour = hour;
                        c->off_us = off;
                        memcpy(c->prefix, s, 13);
                        c->has_prefix = true;
                    }
                }
                return true;
            }
        }
    }
    return weir_parse_timestamp(s, n, tz, out);
}

int weir_fmt_ts_iso(int64_t us, const weir_tz *tz, char *buf)
{
    int32_t off = weir_tz_offset_at_utc(tz, us);
    int64_t local = us + (int64_t)off * WEIR_US_PER_SEC;
    int64_t days = weir_floor_div(local, WEIR_US_PER_DAY);
    int64_t tod = local - days * WEIR_US_PER_DAY;
    int y, m, d;
    weir_civil_from_days((int32_t)days, &y, &m, &d);
    int64_t secs = tod / WEIR_US_PER_SEC;
    int ms = (int)((tod % WEIR_US_PER_SEC) / 1000);
    int len;
    if (y >= 0 && y <= 9999)
        len = sprintf(buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, m, d, (int)(secs / 3600),
                      (int)(secs / 60 % 60), (int)(secs % 60), ms);
    else
        len = sprintf(buf, "%+05d-%02d-%02dT%02d:%02d:%02d.%03d", y, m, d, (int)(secs / 3600),
                      (int)(secs / 60 % 60), (int)(secs % 60), ms);
    if (off == 0) {
        buf[len++] = 'Z';
        buf[len] = 0;
    } else {
        int a = off < 0 ? -off : off;
        len += sprintf(buf + len, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
        if (a % 60) len += sprintf(buf + len, ":%02d", a % 60);
    }
    return len;
}

/* ---- decimals -------------------------------------------------------------------------------- */

bool weir_fmt_parse_decimal(const char *s, size_t n, int precision, int scale, __int128 *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    /* Collect significant digits and the position of the decimal point. */
    char dig[128];
    int nd = 0, frac = 0, lead = 1;
    bool any = false, point = false;
    for (; i < n; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            any = true;
            if (point) frac++;
            if (lead && ch == '0') continue;
            lead = 0;
            if (nd >= (int)sizeof(dig)) return false;
            dig[nd++] = ch;
        } else if (ch == '.' && !point) {
            point = true;
        } else {
            break;
        }
    }
    if (!any) return false;
    long exp = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= n || s[i] < '0' || s[i] > '9') return false;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (exp < 100000) exp = exp * 10 + (s[i] - '0');
        if (eneg) exp = -exp;
    }
    if (i != n) return false;
    /* value = digits * 10^(exp - frac); leading zeros were dropped from dig. When digits
     * after the point were zeros before the first significant digit they still count in
     * frac, which is what we want. */
    long shift = (long)scale + exp - frac; /* multiply digits by 10^shift */
    __int128 v = 0;
    const __int128 lim = (__int128)1 << 125;
    int keep = nd;
    bool round_up = false;
    if (shift < 0) {
        long drop = -shift;
        if (drop >= nd) {
            keep = 0;
            round_up = drop == nd && nd > 0 && dig[0] >= '5';
        } else {
            keep = nd - (int)drop;
            round_up = dig[keep] >= '5';
        }
        shift = 0;
    }
    for (int k = 0; k < keep; k++) {
        v = v * 10 + (dig[k] - '0');
        if (v > lim) return false;
    }
    for (long k = 0; k < shift; k++) {
        v *= 10;
        if (v > lim) return false;
    }
    if (round_up) v += 1;
    __int128 maxv = 1;
    for (int k = 0; k < precision; k++)
        maxv *= 10;
    if (v >= maxv) return false;
    *out = neg ? -v : v;
    return true;
}

/* ---- base64 --------------------------------------------------------------------------------- */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void weir_fmt_base64_encode(const unsigned char *s, size_t n, weir_strbuf *out)
{
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
        char q[4] = {b64chars[v >> 18], b64chars[(v >> 12) & 63], b64chars[(v >> 6) & 63],
                     b64chars[v & 63]};
        weir_sb_append(out, q, 4);
    }
    if (i < n) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0);
        char q[4] = {b64chars[v >> 18], b64chars[(v >> 12) & 63],
                     i + 1 < n ? b64chars[(v >> 6) & 63] : '=', '='};
        weir_sb_append(out, q, 4);
    }
}

bool weir_fmt_base64_decode(const char *s, size_t n, weir_strbuf *out)
{
    unsigned acc = 0;
    int bits = 0;
    size_t pad = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        int v;
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9')
            v = ch - '0' + 52;
        else if (ch == '+')
            v = 62;
        else if (ch == '/')
            v = 63;
        else if (ch == '=') {
            pad++;
            continue;
        } else
            return false;
        if (pad) return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            weir_sb_putc(out, (char)((acc >> bits) & 0xff));
        }
    }
    return pad <= 2;
}
