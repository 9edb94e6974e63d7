/*
 * CSV with Spark 3.5's CSV data source behaviour (CSVOptions, UnivocityParser,
 * CSVInferSchema, UnivocityGenerator): tokenizing with sep/quote/escape, nullValue and
 * emptyValue, per-field conversion with partial results on failure, a token count that
 * differs from the schema making the record malformed, header handling, type inference,
 * and a writer that quotes only when needed.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exec/show.h"
#include "formats/fmt_internal.h"

typedef struct csvopt {
    char sep[16];
    size_t seplen;
    char quote, escape, comment;
    bool header, infer, ign_lead, ign_trail, multiline, prefer_date, quote_all, escape_quotes;
    const char *null_value, *empty_value, *empty_write, *nan, *pinf, *ninf, *line_sep;
    weir_dtfmt *ts, *date;
} csvopt;

typedef struct ctok {
    int32_t off, len;
    bool null; /* univocity produced its null (an empty unquoted field) */
} ctok;

typedef struct csvctx {
    csvopt o;
    ctok *tok;
    int ntok, cap;
    weir_strbuf buf;
    weir_fmt_tscache tsc;
} csvctx;

/* ---- options ----------------------------------------------------------------------------------
 */

static int opt_char(const weir_kv *opts, int nopts, const char *key, char dflt, char *out,
                    weir_error *err)
{
    const char *v = weir_opt_get(opts, nopts, key);
    *out = dflt;
    if (!v) return WEIR_OK;
    size_t n = strlen(v);
    if (n == 0)
        *out = 0;
    else if (n == 1)
        *out = v[0];
    else
        return weir_err(err, WEIR_EARG, "%s cannot be more than one character", key);
    return WEIR_OK;
}

/* CSVExprUtils.toDelimiterStr */
static int delimiter(const char *s, char *out, size_t *n, weir_error *err)
{
    if (!*s) return weir_err(err, WEIR_EARG, "Delimiter cannot be empty string");
    size_t k = 0;
    for (size_t i = 0; s[i];) {
        if (k + 1 >= 16) return weir_err(err, WEIR_EARG, "Delimiter is too long: %s", s);
        if (s[i] == '\\') {
            if (!s[i + 1]) {
                if (i == 0)
                    return weir_err(err, WEIR_EARG,
                                    "Single backslash is prohibited. It has special meaning as "
                                    "beginning of an escape sequence. To get the backslash "
                                    "character, pass a string with two backslashes as the "
                                    "delimiter.");
                return weir_err(err, WEIR_EARG, "Unsupported special character for delimiter: \\");
            }
            char c = s[i + 1];
            switch (c) {
            case 't': out[k++] = '\t'; break;
            case 'r': out[k++] = '\r'; break;
            case 'b': out[k++] = '\b'; break;
            case 'f': out[k++] = '\f'; break;
            case '"': out[k++] = '"'; break;
            case '\'': out[k++] = '\''; break;
            case '\\': out[k++] = '\\'; break;
            case 'u':
                if (strcmp(s, "\\u0000") == 0) {
                    out[k++] = 0;
                    i += 6;
                    continue;
                }
                /* fall through */
            default:
                return weir_err(err, WEIR_EARG, "Unsupported special character for delimiter: \\%c",
                                c);
            }
            i += 2;
        } else {
            out[k++] = s[i++];
        }
    }
    out[k] = 0;
    *n = k;
    return WEIR_OK;
}

static int csv_parse_opts(const weir_kv *opts, int nopts, csvopt *o, weir_error *err)
{
    memset(o, 0, sizeof(*o));
    const char *sep = weir_opt_get(opts, nopts, "sep");
    if (!sep) sep = weir_opt_get(opts, nopts, "delimiter");
    int rc = delimiter(sep ? sep : ",", o->sep, &o->seplen, err);
    if (rc) return rc;
    if ((rc = opt_char(opts, nopts, "quote", '"', &o->quote, err)) ||
        (rc = opt_char(opts, nopts, "escape", '\\', &o->escape, err)) ||
        (rc = opt_char(opts, nopts, "comment", 0, &o->comment, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "header", false, &o->header, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "inferSchema", false, &o->infer, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "multiLine", false, &o->multiline, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "preferDate", true, &o->prefer_date, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "quoteAll", false, &o->quote_all, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "escapeQuotes", true, &o->escape_quotes, err)) ||
        (rc = weir_fmt_opt_bool(opts, nopts, "enforceSchema", true, &(bool){0}, err)))
        return rc;
    o->null_value = weir_opt_get(opts, nopts, "nullValue");
    if (!o->null_value) o->null_value = "";
    o->empty_value = weir_opt_get(opts, nopts, "emptyValue");
    o->empty_write = o->empty_value ? o->empty_value : "\"\"";
    if (!o->empty_value) o->empty_value = "";
    o->nan = weir_opt_get(opts, nopts, "nanValue");
    if (!o->nan) o->nan = "NaN";
    o->pinf = weir_opt_get(opts, nopts, "positiveInf");
    if (!o->pinf) o->pinf = "Inf";
    o->ninf = weir_opt_get(opts, nopts, "negativeInf");
    if (!o->ninf) o->ninf = "-Inf";
    o->line_sep = weir_opt_get(opts, nopts, "lineSep");
    if (o->line_sep && !*o->line_sep)
        return weir_err(err, WEIR_EARG, "requirement failed: 'lineSep' cannot be an empty string");
    if (o->line_sep && strlen(o->line_sep) > 2)
        return weir_err(err, WEIR_EARG,
                        "requirement failed: 'lineSep' can contain only 1 character.");
    if (o->line_sep && (strcmp(o->line_sep, "\n") == 0 || strcmp(o->line_sep, "\r\n") == 0))
        o->line_sep = NULL;
    return WEIR_OK;
}

static int csv_rw_opts(const weir_kv *opts, int nopts, bool write, csvopt *o, weir_error *err)
{
    int rc = csv_parse_opts(opts, nopts, o, err);
    if (rc) return rc;
    if ((rc =
             weir_fmt_opt_bool(opts, nopts, "ignoreLeadingWhiteSpace", write, &o->ign_lead, err)) ||
        (rc =
             weir_fmt_opt_bool(opts, nopts, "ignoreTrailingWhiteSpace", write, &o->ign_trail, err)))
        return rc;
    const char *tf = weir_opt_get(opts, nopts, "timestampFormat");
    const char *df = weir_opt_get(opts, nopts, "dateFormat");
    if (tf && !(o->ts = weir_dtfmt_compile(tf, err))) return err->code ? err->code : WEIR_EARG;
    if (df && !(o->date = weir_dtfmt_compile(df, err))) return err->code ? err->code : WEIR_EARG;
    return WEIR_OK;
}

static void csv_free_opts(csvopt *o)
{
    if (o->ts) weir_dtfmt_free(o->ts);
    if (o->date) weir_dtfmt_free(o->date);
    o->ts = o->date = NULL;
}

static int csv_check(const weir_kv *opts, int nopts, weir_error *err)
{
    csvopt o;
    int rc = csv_rw_opts(opts, nopts, false, &o, err);
    csv_free_opts(&o);
    return rc;
}

/* ---- tokenizer --------------------------------------------------------------------------------
 */

static int tok_push(csvctx *c, int32_t off, int32_t len, bool null)
{
    if (c->ntok == c->cap) {
        int nc = c->cap ? c->cap * 2 : 32;
        if (nc > 20480 * 2) return WEIR_ENOMEM;
        ctok *nt = realloc(c->tok, sizeof(ctok) * (size_t)nc);
        if (!nt) return WEIR_ENOMEM;
        c->tok = nt;
        c->cap = nc;
    }
    c->tok[c->ntok++] = (ctok){off, len, null};
    return WEIR_OK;
}

static inline bool at_sep(const csvctx *c, const char *p, const char *end)
{
    return (size_t)(end - p) >= c->o.seplen && memcmp(p, c->o.sep, c->o.seplen) == 0;
}

static inline bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Tokenizes one record from p. Line-based unless multiLine, where newlines inside quotes
 * belong to the value. Returns the position after the record. */
static const char *csv_tokenize(csvctx *c, const char *p, const char *end, int *rc)
{
    c->ntok = 0;
    weir_sb_reset(&c->buf);
    const csvopt *o = &c->o;
    *rc = WEIR_OK;
    for (;;) {
        if (o->ign_lead)
            while (p < end && is_blank(*p))
                p++;
        int32_t off = (int32_t)c->buf.len;
        bool quoted = false;
        if (p < end && o->quote && *p == o->quote) {
            quoted = true;
            p++;
            for (;;) {
                if (p >= end) break; /* unterminated: take what is there */
                char ch = *p;
                if (ch == o->escape && o->escape != o->quote && p + 1 < end &&
                    (p[1] == o->quote || p[1] == o->escape)) {
                    weir_sb_putc(&c->buf, p[1]);
                    p += 2;
                    continue;
                }
                if (ch == o->quote) {
                    if (p + 1 < end && p[1] == o->quote) {
                        weir_sb_putc(&c->buf, o->quote);
                        p += 2;
                        continue;
                    }
                    p++;
                    /* after the closing quote: text up to the delimiter is kept */
                    const char *s = p;
                    while (p < end && !at_sep(c, p, end) && *p != '\n' && *p != '\r')
                        p++;
                    const char *e = p;
                    while (e > s && is_blank(e[-1]))
                        e--;
                    if (e > s) {
                        weir_sb_putc(&c->buf, o->quote);
                        weir_sb_append(&c->buf, s, (size_t)(e - s));
                    }
                    break;
                }
                if (!o->multiline && (ch == '\n' || ch == '\r')) break;
                weir_sb_putc(&c->buf, ch);
                p++;
            }
        } else {
            const char *s = p;
            while (p < end && !at_sep(c, p, end) && *p != '\n' && *p != '\r')
                p++;
            const char *e = p;
            if (o->ign_trail)
                while (e > s && is_blank(e[-1]))
                    e--;
            weir_sb_append(&c->buf, s, (size_t)(e - s));
        }
        int32_t len = (int32_t)c->buf.len - off;
        if (quoted && o->ign_trail) {
            /* trailing blanks inside quotes are data; nothing to trim */
        }
        bool null = !quoted && len == 0;
        if (quoted && len == 0) {
            /* an empty quoted value reads as emptyValue */
            size_t el = strlen(o->empty_value);
            weir_sb_append(&c->buf, o->empty_value, el);
            len = (int32_t)el;
        }
        if ((*rc = tok_push(c, off, len, null))) return end;
        if (p < end && at_sep(c, p, end)) {
            p += c->o.seplen;
            continue;
        }
        /* end of record */
        if (p < end && *p == '\r') p++;
        if (p < end && *p == '\n') p++;
        break;
    }
    if (c->buf.oom) *rc = WEIR_ENOMEM;
    return p;
}

static inline const char *tok_str(const csvctx *c, int i)
{
    return c->buf.p ? c->buf.p + c->tok[i].off : "";
}

/* Is token i NULL for the reader (the univocity null or the nullValue text)? */
static bool tok_is_null(const csvctx *c, int i)
{
    const ctok *t = &c->tok[i];
    if (t->null) return true;
    size_t nl = strlen(c->o.null_value);
    return (size_t)t->len == nl && memcmp(tok_str(c, i), c->o.null_value, nl) == 0;
}

/* ---- conversions ---------------------------------------------------------------------------- */

/* Integer.parseInt / Long.parseLong */
static bool java_parse_long(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) neg = s[i++] == '-';
    if (i == n) return false;
    __int128 v = 0;
    for (; i < n; i++) {
        if ((unsigned)(s[i] - '0') > 9) return false;
        v = v * 10 + (s[i] - '0');
        if (v > (__int128)hi + 1) return false;
    }
    if (neg) v = -v;
    if (v < lo || v > hi) return false;
    *out = (int64_t)v;
    return true;
}

/* Double.parseDouble: surrounding whitespace, optional f/F/d/D suffix, NaN/Infinity. */
static bool java_parse_double(const char *s, size_t n, double *out)
{
    while (n && (unsigned char)*s <= ' ')
        s++, n--;
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    if (!n || n > 400) return false;
    char buf[416];
    memcpy(buf, s, n);
    buf[n] = 0;
    const char *b = buf + (buf[0] == '+' || buf[0] == '-');
    if (strcmp(b, "NaN") == 0) {
        *out = NAN;
        return true;
    }
    if (strcmp(b, "Infinity") == 0) {
        *out = buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (n > 1 && strchr("fFdD", buf[n - 1])) buf[--n] = 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789+-.eExXpPabcdefABCDEF", buf[i])) return false;
    if (strpbrk(buf, "nN")) return false;
    char *e;
    errno = 0;
    *out = strtod(buf, &e);
    return e == buf + n && e != buf;
}

static bool csv_infnan(const csvopt *o, const char *s, size_t n, double *d)
{
    if (strlen(o->nan) == n && memcmp(s, o->nan, n) == 0)
        *d = NAN;
    else if (strlen(o->pinf) == n && memcmp(s, o->pinf, n) == 0)
        *d = INFINITY;
    else if (strlen(o->ninf) == n && memcmp(s, o->ninf, n) == 0)
        *d = -INFINITY;
    else
        return false;
    return true;
}

/* Appends the converted token to v; false (nothing appended) when it does not convert. */
static int csv_convert(csvctx *c, const weir_type *t, const char *s, size_t n, const weir_tz *tz,
                       weir_vec *v, bool *ok)
{
    *ok = true;
    switch (t->id) {
    case WEIR_T_STRING:
    case WEIR_T_BINARY: return weir_fmt_push_str(v, s, n);
    case WEIR_T_TINYINT:
    case WEIR_T_SMALLINT:
    case WEIR_T_INT:
    case WEIR_T_BIGINT: {
        int64_t x;
        int64_t lo = t->id == WEIR_T_TINYINT    ? INT8_MIN
                     : t->id == WEIR_T_SMALLINT ? INT16_MIN
                     : t->id == WEIR_T_INT      ? INT32_MIN
                                                : INT64_MIN;
        int64_t hi = t->id == WEIR_T_TINYINT    ? INT8_MAX
                     : t->id == WEIR_T_SMALLINT ? INT16_MAX
                     : t->id == WEIR_T_INT      ? INT32_MAX
                                                : INT64_MAX;
        if (!java_parse_long(s, n, lo, hi, &x)) break;
        if (t->id == WEIR_T_BIGINT) return weir_fmt_push_fixed(v, &x, 8);
        if (t->id == WEIR_T_INT) return weir_fmt_push_fixed(v, &(int32_t){(int32_t)x}, 4);
        if (t->id == WEIR_T_SMALLINT) return weir_fmt_push_fixed(v, &(int16_t){(int16_t)x}, 2);
        return weir_fmt_push_fixed(v, &(int8_t){(int8_t)x}, 1);
    }
    case WEIR_T_FLOAT:
    case WEIR_T_DOUBLE: {
        double d;
        if (!csv_infnan(&c->o, s, n, &d) && !java_parse_double(s, n, &d)) break;
        if (t->id == WEIR_T_FLOAT) return weir_fmt_push_fixed(v, &(float){(float)d}, 4);
        return weir_fmt_push_fixed(v, &d, 8);
    }
    case WEIR_T_BOOLEAN: {
        uint8_t b;
        if (n == 4 && strncasecmp(s, "true", 4) == 0)
            b = 1;
        else if (n == 5 && strncasecmp(s, "false", 5) == 0)
            b = 0;
        else
            break;
        return weir_fmt_push_fixed(v, &b, 1);
    }
    case WEIR_T_DECIMAL: {
        char buf[256];
        size_t k = 0;
        for (size_t i = 0; i < n && k < sizeof(buf); i++)
            if (s[i] != ',') buf[k++] = s[i];
        __int128 d;
        if (!weir_fmt_parse_decimal(buf, k, t->precision, t->scale, &d)) break;
        return weir_fmt_push_fixed(v, &d, 16);
    }
    case WEIR_T_TIMESTAMP: {
        int64_t us;
        bool good = c->o.ts ? weir_dtfmt_parse(c->o.ts, s, n, tz, &us)
                            : weir_fmt_ts_parse(s, n, tz, &c->tsc, &us);
        if (!good) break;
        return weir_fmt_push_fixed(v, &us, 8);
    }
    case WEIR_T_DATE: {
        int32_t days;
        if (c->o.date) {
            int64_t us;
            if (!weir_dtfmt_parse(c->o.date, s, n, weir_fmt_utc(), &us)) break;
            days = (int32_t)weir_floor_div(us, WEIR_US_PER_DAY);
        } else if (!weir_parse_date(s, n, &days)) {
            break;
        }
        return weir_fmt_push_fixed(v, &days, 4);
    }
    case WEIR_T_INTERVAL: {
        int64_t us;
        if (!weir_parse_interval(s, n, &us)) break;
        return weir_fmt_push_fixed(v, &us, 8);
    }
    case WEIR_T_NULL: return weir_fmt_push_null(v);
    default: break;
    }
    *ok = false;
    return WEIR_OK;
}

/* ---- reader ------------------------------------------------------------------------------------
 */

typedef struct creader {
    csvctx c;
    int ndata;      /* schema fields other than the corrupt column */
    int *tok_field; /* schema field -> token index (-1 for the corrupt column) */
    bool pruned;
} creader;

static int csv_open(weir_reader *r, weir_error *err)
{
    creader *cr = WEIR_ARENA_NEW(&r->arena, creader);
    if (!cr) return weir_err_nomem(err);
    r->impl = cr;
    int rc = csv_rw_opts(r->opts, r->nopts, false, &cr->c.o, err);
    if (rc) return rc;
    cr->c.tsc.hour = INT64_MIN;
    int nf = r->schema->nfields;
    cr->tok_field = WEIR_ARENA_NEWN(&r->arena, int, nf ? nf : 1);
    if (!cr->tok_field) return weir_err_nomem(err);
    for (int i = 0; i < nf; i++) {
        const weir_type *t = r->schema->fields[i].type;
        if (i == r->corrupt_field) {
            cr->tok_field[i] = -1;
            continue;
        }
        if (t->id == WEIR_T_STRUCT || t->id == WEIR_T_ARRAY || t->id == WEIR_T_MAP) {
            char buf[128];
            return weir_err(err, WEIR_EANALYSIS,
                            "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't "
                            "support the column `%s` of the type \"%s\".",
                            r->schema->fields[i].name, weir_type_sql(t, buf, sizeof(buf)));
        }
        cr->tok_field[i] = cr->ndata++;
        if (!r->want[i]) cr->pruned = true;
    }
    return WEIR_OK;
}

static void csv_close(weir_reader *r)
{
    creader *cr = r->impl;
    if (!cr) return;
    csv_free_opts(&cr->c.o);
    free(cr->c.tok);
    weir_sb_free(&cr->c.buf);
}

/* Converts the tokens of one record into row `row` of cols. */
static int csv_row(weir_reader *r, creader *cr, weir_vec *const *cols, const char *rec,
                   size_t reclen, int32_t *nrows, weir_error *err)
{
    csvctx *c = &cr->c;
    *nrows = 0;
    int32_t row = r->ncols ? cols[0]->len : 0;
    bool bad = !cr->pruned && c->ntok != cr->ndata;
    for (int k = 0; k < r->ncols; k++) {
        int fi = r->col_field[k];
        weir_vec *v = cols[k];
        int ti = cr->tok_field[fi];
        if (ti < 0 || ti >= c->ntok || tok_is_null(c, ti)) {
            if (weir_fmt_push_null(v)) return weir_err_nomem(err);
            continue;
        }
        bool ok;
        if (csv_convert(c, r->schema->fields[fi].type, tok_str(c, ti), (size_t)c->tok[ti].len,
                        r->tz, v, &ok))
            return weir_err_nomem(err);
        if (!ok) {
            bad = true;
            if (weir_fmt_push_null(v)) return weir_err_nomem(err);
        }
    }
    if (!bad) {
        *nrows = 1;
        return WEIR_OK;
    }
    if (r->mode == WEIR_MODE_DROPMALFORMED) {
        for (int k = 0; k < r->ncols; k++)
            weir_fmt_vec_truncate(cols[k], row);
        return WEIR_OK;
    }
    if (r->corrupt_col >= 0) {
        weir_fmt_vec_truncate(cols[r->corrupt_col], row);
        if (weir_fmt_push_str(cols[r->corrupt_col], rec, reclen)) return weir_err_nomem(err);
    }
    if (r->mode == WEIR_MODE_FAILFAST) {
        weir_strbuf sb = WEIR_STRBUF_INIT;
        weir_fmt_row_text(cols, r->ncols, row, &sb);
        int rc = weir_fmt_failfast_error(err, sb.p ? sb.p : "");
        weir_sb_free(&sb);
        for (int k = 0; k < r->ncols; k++)
            weir_fmt_vec_truncate(cols[k], row);
        return rc;
    }
    *nrows = 1;
    return WEIR_OK;
}

/* The next record [*s, *e) (quote-aware when multiLine); returns the position after it. */
static const char *csv_next_record(creader *cr, const char *pos, const char *end, const char **s,
                                   const char **e, int *rc)
{
    const csvopt *o = &cr->c.o;
    if (!o->multiline) {
        const char *next = weir_fmt_next_line(pos, end, o->line_sep,
                                              o->line_sep ? strlen(o->line_sep) : 0, false, s, e);
        csv_tokenize(&cr->c, *s, *e, rc);
        return next;
    }
    const char *after = csv_tokenize(&cr->c, pos, end, rc);
    *s = pos;
    const char *q = after;
    if (q > pos && q[-1] == '\n') q--;
    if (q > pos && q[-1] == '\r') q--;
    *e = q;
    return after;
}

static int csv_next(weir_reader *r, weir_arena *a, weir_batch **out, weir_error *err)
{
    creader *cr = r->impl;
    weir_batch *b = weir_batch_new(a, r->ncols);
    if (!b) return weir_err_nomem(err);
    for (int i = 0; i < r->ncols; i++)
        if (!(b->cols[i] =
                  weir_vec_new(a, r->schema->fields[r->col_field[i]].type, WEIR_BATCH_ROWS)))
            return weir_err_nomem(err);
    int32_t n = 0;
    while (n < WEIR_BATCH_ROWS && r->pos < r->in_end) {
        const char *s, *e;
        int rc;
        const char *next = csv_next_record(cr, r->pos, r->in_end, &s, &e, &rc);
        if (rc) return weir_err_nomem(err);
        r->pos = next;
        bool header = r->at_start && cr->c.o.header;
        r->at_start = false;
        if (header) continue;
        if (e == s) continue; /* empty lines are skipped */
        if (cr->c.o.comment && *s == cr->c.o.comment) continue;
        int32_t k;
        rc = csv_row(r, cr, b->cols, s, (size_t)(e - s), &k, err);
        if (rc) return rc;
        n += k;
    }
    b->nrows = n;
    *out = b;
    return WEIR_OK;
}

static int csv_record(weir_reader *r, const char *rec, size_t len, bool array_rows,
                      weir_vec *const *cols, int32_t *nrows, weir_error *err)
{
    creader *cr = r->impl;
    int rc;
    *nrows = 0;
    const char *e = rec + len;
    while (e > rec && (e[-1] == '\n' || e[-1] == '\r'))
        e--;
    if (e == rec) return WEIR_OK;
    csv_tokenize(&cr->c, rec, e, &rc);
    if (rc) return weir_err_nomem(err);
    return csv_row(r, cr, cols, rec, (size_t)(e - rec), nrows, err);
}

/* ---- inference
 * ------------------------------------------------------------------------------------- */

typedef struct cinfer {
    csvctx c;
    int ncols;
    char **names;
    bool *generated; /* name made up as _cN */
    const weir_type **types;
    bool have_header;
    const weir_tz *tz;
    weir_arena *a;
} cinfer;

static void *csv_infer_begin(const weir_kv *opts, int nopts, weir_arena *a)
{
    cinfer *st = WEIR_ARENA_NEW(a, cinfer);
    if (!st) return NULL;
    weir_error e;
    if (csv_rw_opts(opts, nopts, false, &st->c.o, &e)) return NULL;
    st->c.tsc.hour = INT64_MIN;
    st->a = a;
    st->ncols = -1;
    return st;
}

static bool strict_date(const char *s, size_t n)
{
    /* yyyy-MM-dd exactly, as the Iso8601DateFormatter with the default pattern */
    if (n != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (unsigned)(s[i] - '0') > 9) return false;
    int32_t d;
    return weir_parse_date(s, n, &d);
}

/* CSVInferSchema.inferField's chain from a starting type. */
static const weir_type *infer_token(cinfer *st, const weir_type *so_far, const char *s, size_t n)
{
    const csvopt *o = &st->c.o;
    int64_t x;
    double d;
    int stage; /* 0 int, 1 long, 2 decimal, 3 double, 4 date, 5 ts, 6 bool, 7 string */
    switch (so_far->id) {
    case WEIR_T_NULL:
    case WEIR_T_INT: stage = 0; break;
    case WEIR_T_BIGINT: stage = 1; break;
    case WEIR_T_DECIMAL: stage = 2; break;
    case WEIR_T_DOUBLE: stage = 3; break;
    case WEIR_T_DATE: stage = 4; break;
    case WEIR_T_TIMESTAMP: stage = 5; break;
    case WEIR_T_BOOLEAN: stage = 6; break;
    default: return WEIR_TYPE_STRING;
    }
    switch (stage) {
    case 0:
        if (java_parse_long(s, n, INT32_MIN, INT32_MAX, &x)) return WEIR_TYPE_INT;
        /* fall through */
    case 1:
        if (java_parse_long(s, n, INT64_MIN, INT64_MAX, &x)) return WEIR_TYPE_BIGINT;
        /* fall through */
    case 2: {
        /* integers beyond 64 bits (scale <= 0) become DECIMAL */
        size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
        bool digits = i < n;
        for (size_t k = i; k < n; k++)
            if ((unsigned)(s[k] - '0') > 9) digits = false;
        if (digits) {
            while (i < n - 1 && s[i] == '0')
                i++;
            size_t nd = n - i;
            if (nd <= 38) return weir_type_decimal(st->a, (int)nd, 0);
        }
    }
        /* fall through */
    case 3:
        if (java_parse_double(s, n, &d) || csv_infnan(o, s, n, &d)) return WEIR_TYPE_DOUBLE;
        /* fall through */
    case 4:
        if (o->prefer_date) {
            bool isdate;
            if (o->date) {
                int64_t us;
                isdate = weir_dtfmt_parse(o->date, s, n, weir_fmt_utc(), &us);
            } else {
                isdate = strict_date(s, n);
            }
            if (isdate) return WEIR_TYPE_DATE;
        }
        /* fall through */
    case 5: {
        int64_t us;
        bool ts = o->ts ? weir_dtfmt_parse(o->ts, s, n, st->tz, &us)
                        : weir_parse_timestamp(s, n, st->tz, &us);
        if (ts) return WEIR_TYPE_TIMESTAMP;
    }
        /* fall through */
    case 6:
        if ((n == 4 && strncasecmp(s, "true", 4) == 0) ||
            (n == 5 && strncasecmp(s, "false", 5) == 0))
            return WEIR_TYPE_BOOLEAN;
        /* fall through */
    default: return WEIR_TYPE_STRING;
    }
}

/* CSVInferSchema.compatibleType (None -> STRING) */
static const weir_type *csv_compatible(weir_arena *a, const weir_type *t1, const weir_type *t2)
{
    if (weir_type_equal(t1, t2)) return t1;
    if (t1->id == WEIR_T_NULL) return t2;
    if (t2->id == WEIR_T_NULL) return t1;
    if (t1->id == WEIR_T_STRING || t2->id == WEIR_T_STRING) return WEIR_TYPE_STRING;
    bool n1 = weir_type_is_numeric(t1), n2 = weir_type_is_numeric(t2);
    if (n1 && n2) {
        if (t1->id == WEIR_T_DECIMAL || t2->id == WEIR_T_DECIMAL) {
            if (t1->id == WEIR_T_DOUBLE || t2->id == WEIR_T_DOUBLE) return WEIR_TYPE_DOUBLE;
            const weir_type *x = t1, *y = t2;
            if (x->id != WEIR_T_DECIMAL)
                x = weir_type_decimal(a, x->id == WEIR_T_BIGINT ? 20 : 10, 0);
            if (y->id != WEIR_T_DECIMAL)
                y = weir_type_decimal(a, y->id == WEIR_T_BIGINT ? 20 : 10, 0);
            if (!x || !y) return NULL;
            int scale = x->scale > y->scale ? x->scale : y->scale;
            int r1 = x->precision - x->scale, r2 = y->precision - y->scale;
            int range = r1 > r2 ? r1 : r2;
            if (range + scale > 38) return WEIR_TYPE_DOUBLE;
            return weir_type_decimal(a, range + scale, scale);
        }
        return t1->id > t2->id ? t1 : t2;
    }
    if ((t1->id == WEIR_T_DATE && t2->id == WEIR_T_TIMESTAMP) ||
        (t1->id == WEIR_T_TIMESTAMP && t2->id == WEIR_T_DATE))
        return WEIR_TYPE_TIMESTAMP;
    return WEIR_TYPE_STRING;
}

static int csv_infer(const char *data, size_t len, void *state, const weir_kv *opts, int nopts,
                     const weir_tz *tz, weir_arena *a, weir_error *err)
{
    cinfer *st = state;
    st->tz = tz ? tz : weir_tz_default();
    creader tmp = {.c = st->c};
    const char *pos = data, *end = data + len;
    bool first_of_file = true;
    int rc = WEIR_OK;
    while (pos < end) {
        const char *s, *e;
        pos = csv_next_record(&tmp, pos, end, &s, &e, &rc);
        if (rc) break;
        if (e == s) continue;
        if (st->c.o.comment && *s == st->c.o.comment) continue;
        csvctx *c = &tmp.c;
        if (st->ncols < 0) {
            /* the first record fixes the columns (names from it when header=true) */
            st->ncols = c->ntok;
            st->names = WEIR_ARENA_NEWN(a, char *, c->ntok + 1);
            st->types = WEIR_ARENA_NEWN(a, const weir_type *, c->ntok + 1);
            st->generated = WEIR_ARENA_NEWN(a, bool, c->ntok + 1);
            if (!st->names || !st->types || !st->generated) {
                rc = WEIR_ENOMEM;
                break;
            }
            for (int i = 0; i < c->ntok; i++) {
                st->types[i] = WEIR_TYPE_NULL;
                if (st->c.o.header && !tok_is_null(c, i) && c->tok[i].len > 0)
                    st->names[i] = weir_arena_strndup(a, tok_str(c, i), (size_t)c->tok[i].len);
                else {
                    st->names[i] = weir_arena_sprintf(a, "_c%d", i);
                    st->generated[i] = true;
                }
            }
            st->have_header = st->c.o.header;
            first_of_file = false;
            if (st->c.o.header) continue;
        } else if (first_of_file && st->c.o.header) {
            first_of_file = false;
            continue; /* header line of a later file */
        }
        first_of_file = false;
        if (!st->c.o.infer) continue;
        int m = c->ntok < st->ncols ? c->ntok : st->ncols;
        for (int i = 0; i < m; i++) {
            if (tok_is_null(c, i) || c->tok[i].len == 0) continue;
            const weir_type *t =
                infer_token(st, st->types[i], tok_str(c, i), (size_t)c->tok[i].len);
            if (!t || !(st->types[i] = csv_compatible(a, st->types[i], t))) {
                rc = WEIR_ENOMEM;
                break;
            }
        }
        if (rc) break;
    }
    st->c.tok = tmp.c.tok;
    st->c.cap = tmp.c.cap;
    st->c.buf = tmp.c.buf;
    return rc ? weir_err_nomem(err) : WEIR_OK;
}

static int csv_infer_finish(void *state, const weir_kv *opts, int nopts, weir_arena *a,
                            const weir_type **schema, weir_error *err)
{
    cinfer *st = state;
    int rc = WEIR_OK;
    int n = st->ncols < 0 ? 0 : st->ncols;
    weir_field *f = WEIR_ARENA_NEWN(a, weir_field, n + 1);
    if (!f) rc = weir_err_nomem(err);
    /* makeSafeHeader: case-insensitive duplicates get their index appended */
    for (int i = 0; i < n && !rc; i++) {
        bool dup = false;
        if (st->have_header && !st->generated[i])
            for (int j = 0; j < n; j++)
                if (j != i && !st->generated[j] && strcasecmp(st->names[i], st->names[j]) == 0)
                    dup = true;
        const char *name = st->names[i];
        if (dup) name = weir_arena_sprintf(a, "%s%d", st->names[i], i);
        const weir_type *t = st->c.o.infer ? st->types[i] : WEIR_TYPE_STRING;
        if (t->id == WEIR_T_NULL) t = WEIR_TYPE_STRING;
        f[i] = (weir_field){name, t, true};
    }
    if (!rc) {
        *schema = weir_type_struct(a, f, n);
        if (!*schema) rc = weir_err_nomem(err);
    }
    csv_free_opts(&st->c.o);
    free(st->c.tok);
    weir_sb_free(&st->c.buf);
    st->c.tok = NULL;
    return rc;
}

/* ---- writer
 * -------------------------------------------------------------------------------------- */

typedef struct cwriter {
    csvopt o;
    weir_strbuf tmp;
} cwriter;

static int csv_wopen(weir_writer *w, weir_error *err)
{
    cwriter *cw = WEIR_ARENA_NEW(&w->arena, cwriter);
    if (!cw) return weir_err_nomem(err);
    w->impl = cw;
    for (int i = 0; i < w->schema->nfields; i++) {
        const weir_type *t = w->schema->fields[i].type;
        if (t->id == WEIR_T_STRUCT || t->id == WEIR_T_ARRAY || t->id == WEIR_T_MAP) {
            char buf[128];
            return weir_err(err, WEIR_EANALYSIS,
                            "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't "
                            "support the column `%s` of the type \"%s\".",
                            w->schema->fields[i].name, weir_type_sql(t, buf, sizeof(buf)));
        }
    }
    return csv_rw_opts(w->opts, w->nopts, true, &cw->o, err);
}

static void csv_wclose(weir_writer *w)
{
    cwriter *cw = w->impl;
    if (!cw) return;
    csv_free_opts(&cw->o);
    weir_sb_free(&cw->tmp);
}

/* Writes one field value as univocity does with Spark's writer settings. */
static void csv_put(const csvopt *o, const char *s, size_t n, weir_strbuf *out)
{
    if (o->ign_lead)
        while (n && is_blank(*s))
            s++, n--;
    if (o->ign_trail)
        while (n && is_blank(s[n - 1]))
            n--;
    if (n == 0) {
        weir_sb_puts(out, o->empty_write);
        return;
    }
    bool need = o->quote_all;
    for (size_t i = 0; i < n && !need; i++) {
        char c = s[i];
        if (c == o->quote || c == '\n' || c == '\r' ||
            (o->seplen && n - i >= o->seplen && memcmp(s + i, o->sep, o->seplen) == 0))
            need = true;
        if (o->escape_quotes && c == o->escape && o->escape != o->quote) need = need || false;
    }
    if (o->comment && s[0] == o->comment) need = true;
    if (!need || !o->quote) {
        weir_sb_append(out, s, n);
        return;
    }
    weir_sb_putc(out, o->quote);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == o->quote && o->escape_quotes)
            weir_sb_putc(out, o->escape ? o->escape : o->quote);
        weir_sb_putc(out, s[i]);
    }
    weir_sb_putc(out, o->quote);
}

static void csv_wbegin(weir_writer *w, weir_strbuf *out)
{
    cwriter *cw = w->impl;
    if (!cw->o.header) return;
    for (int i = 0; i < w->schema->nfields; i++) {
        if (i) weir_sb_append(out, cw->o.sep, cw->o.seplen);
        const char *nm = w->schema->fields[i].name;
        csv_put(&cw->o, nm, strlen(nm), out);
    }
    weir_sb_puts(out, cw->o.line_sep ? cw->o.line_sep : "\n");
}

static int csv_write(weir_writer *w, const weir_batch *b, weir_strbuf *out, weir_error *err)
{
    cwriter *cw = w->impl;
    const csvopt *o = &cw->o;
    char buf[96];
    for (int32_t r = 0; r < b->nrows; r++) {
        for (int c = 0; c < b->ncols; c++) {
            if (c) weir_sb_append(out, o->sep, o->seplen);
            const weir_vec *v = b->cols[c];
            if (v->type->id == WEIR_T_NULL || weir_vec_is_null(v, r)) {
                weir_sb_puts(out, o->null_value);
                continue;
            }
            const char *s = buf;
            size_t n;
            switch (v->type->id) {
            case WEIR_T_STRING:
            case WEIR_T_BINARY: {
                int32_t l;
                s = weir_vec_str(v, r, &l);
                n = (size_t)l;
                break;
            }
            case WEIR_T_TIMESTAMP: {
                int64_t us = WEIR_VEC_DATA(v, int64_t)[r];
                n = (size_t)(o->ts ? weir_dtfmt_format(o->ts, us, w->tz, buf, sizeof(buf))
                                   : weir_fmt_ts_iso(us, w->tz, buf));
                break;
            }
            case WEIR_T_DATE: {
                int32_t d = WEIR_VEC_DATA(v, int32_t)[r];
                n = (size_t)(o->date ? weir_dtfmt_format(o->date, (int64_t)d * WEIR_US_PER_DAY,
                                                         weir_fmt_utc(), buf, sizeof(buf))
                                     : weir_format_date(d, buf));
                break;
            }
            default: {
                weir_value val;
                weir_vec_get(v, r, &val);
                weir_sb_reset(&cw->tmp);
                weir_value_to_text(&val, w->tz, WEIR_TEXT_CAST, &cw->tmp);
                s = cw->tmp.p ? cw->tmp.p : "";
                n = cw->tmp.len;
                break;
            }
            }
            csv_put(o, s, n, out);
        }
        weir_sb_puts(out, o->line_sep ? o->line_sep : "\n");
    }
    return WEIR_OK;
}

const weir_format weir_fmt_csv = {
    .name = "csv",
    .check = csv_check,
    .infer = csv_infer,
    .infer_begin = csv_infer_begin,
    .infer_finish = csv_infer_finish,
    .open = csv_open,
    .next = csv_next,
    .record = csv_record,
    .close = csv_close,
    .wopen = csv_wopen,
    .wbegin = csv_wbegin,
    .write = csv_write,
    .wclose = csv_wclose,
};
