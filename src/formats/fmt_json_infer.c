/*
 * JSON schema inference with JsonInferSchema's rules (Spark 3.5): each record's type is
 * inferred, folded into the running root type with compatibleRootType/compatibleType, and
 * canonicalized at the end (NULL -> STRING, empty structs dropped). Per-record types live
 * in a scratch arena that is reset for every record; the running type is copied into the
 * state arena only when a record changes it, so inferring a large file uses memory in
 * proportion to its schema, not its size.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "formats/fmt_internal.h"

struct weir_jinfer {
    weir_jlex lx;
    bool primitives_as_string, prefers_decimal, drop_all_null, infer_ts, multiline;
    weir_parse_mode mode;
    const char *corrupt;
    const char *line_sep;
    weir_dtfmt *ts_fmt;
    const weir_tz *tz;
    const weir_type *acc; /* in *state */
    weir_arena *state;    /* owner of acc (the caller's arena) */
    weir_arena scratch;
    weir_strbuf tmp;
};

/* ---- type algebra ------------------------------------------------------------------------- */

typedef struct nfield {
    const char *name;
    const weir_type *type;
} nfield;

static int cmp_name(const void *a, const void *b)
{
    const weir_field *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static const weir_type *compatible(weir_arena *a, const weir_type *t1, const weir_type *t2);

static const weir_type *decimal_merge(weir_arena *a, const weir_type *t1, const weir_type *t2)
{
    int scale = t1->scale > t2->scale ? t1->scale : t2->scale;
    int r1 = t1->precision - t1->scale, r2 = t2->precision - t2->scale;
    int range = r1 > r2 ? r1 : r2;
    if (range + scale > 38) return WEIR_TYPE_DOUBLE;
    return weir_type_decimal(a, range + scale, scale);
}

static const weir_type *merge_structs(weir_arena *a, const weir_type *t1, const weir_type *t2)
{
    int n1 = t1->nfields, n2 = t2->nfields;
    weir_field *f = WEIR_ARENA_NEWN(a, weir_field, n1 + n2 + 1);
    if (!f) return NULL;
    int i = 0, j = 0, n = 0;
    while (i < n1 && j < n2) {
        int c = strcmp(t1->fields[i].name, t2->fields[j].name);
        if (c == 0) {
            const weir_type *t = compatible(a, t1->fields[i].type, t2->fields[j].type);
            if (!t) return NULL;
            f[n++] = (weir_field){t1->fields[i].name, t, true};
            i++, j++;
        } else if (c < 0) {
            f[n++] = t1->fields[i++];
        } else {
            f[n++] = t2->fields[j++];
        }
    }
    while (i < n1)
        f[n++] = t1->fields[i++];
    while (j < n2)
        f[n++] = t2->fields[j++];
    return weir_type_struct(a, f, n);
}

static bool is_integral(const weir_type *t)
{
    return t->id >= WEIR_T_TINYINT && t->id <= WEIR_T_BIGINT;
}

static const weir_type *compatible(weir_arena *a, const weir_type *t1, const weir_type *t2)
{
    if (weir_type_equal(t1, t2)) return t1;
    if (t1->id == WEIR_T_NULL) return t2;
    if (t2->id == WEIR_T_NULL) return t1;
    /* findTightestCommonType on numerics */
    bool n1 = weir_type_is_numeric(t1), n2 = weir_type_is_numeric(t2);
    if (n1 && n2) {
        if (t1->id != WEIR_T_DECIMAL && t2->id != WEIR_T_DECIMAL)
            return t1->id > t2->id ? t1 : t2; /* BIGINT < DOUBLE in weir_type_id order */
        if ((t1->id == WEIR_T_DOUBLE || t1->id == WEIR_T_FLOAT) && t2->id == WEIR_T_DECIMAL)
            return WEIR_TYPE_DOUBLE;
        if ((t2->id == WEIR_T_DOUBLE || t2->id == WEIR_T_FLOAT) && t1->id == WEIR_T_DECIMAL)
            return WEIR_TYPE_DOUBLE;
        if (is_integral(t1) || is_integral(t2)) {
            const weir_type *dec = t1->id == WEIR_T_DECIMAL ? t1 : t2;
            const weir_type *in = t1->id == WEIR_T_DECIMAL ? t2 : t1;
            int digits = in->id == WEIR_T_BIGINT     ? 20
                         : in->id == WEIR_T_INT      ? 10
                         : in->id == WEIR_T_SMALLINT ? 5
                                                     : 3;
            if (dec->precision - dec->scale >= digits && dec->scale >= 0) return dec;
            const weir_type *asdec = weir_type_decimal(a, digits, 0);
            return asdec ? decimal_merge(a, asdec, dec) : NULL;
        }
        return decimal_merge(a, t1, t2);
    }
    if ((t1->id == WEIR_T_TIMESTAMP && t2->id == WEIR_T_DATE) ||
        (t1->id == WEIR_T_DATE && t2->id == WEIR_T_TIMESTAMP))
        return WEIR_TYPE_TIMESTAMP;
    if (t1->id == WEIR_T_STRUCT && t2->id == WEIR_T_STRUCT) return merge_structs(a, t1, t2);
    if (t1->id == WEIR_T_ARRAY && t2->id == WEIR_T_ARRAY) {
        const weir_type *e = compatible(a, t1->elem, t2->elem);
        return e ? weir_type_array(a, e) : NULL;
    }
    return WEIR_TYPE_STRING;
}

/* Deep copy of a type into arena a (primitive singletons are shared). */
static const weir_type *copy_type(weir_arena *a, const weir_type *t)
{
    switch (t->id) {
    case WEIR_T_DECIMAL: return weir_type_decimal(a, t->precision, t->scale);
    case WEIR_T_ARRAY: {
        const weir_type *e = copy_type(a, t->elem);
        return e ? weir_type_array(a, e) : NULL;
    }
    case WEIR_T_MAP: {
        const weir_type *k = copy_type(a, t->elem), *v = copy_type(a, t->value);
        return k && v ? weir_type_map(a, k, v) : NULL;
    }
    case WEIR_T_STRUCT: {
        weir_field *f = WEIR_ARENA_NEWN(a, weir_field, t->nfields + 1);
        if (!f) return NULL;
        for (int i = 0; i < t->nfields; i++) {
            f[i] = t->fields[i];
            if (!(f[i].type = copy_type(a, t->fields[i].type))) return NULL;
        }
        return weir_type_struct(a, f, t->nfields);
    }
    default: return t;
    }
}

/* canonicalizeType: NULL -> STRING (or dropped), empty structs and their arrays dropped,
 * empty field names dropped. Returns NULL for "None" and sets *oom on allocation failure. */
static const weir_type *canonical(weir_arena *a, const weir_type *t, bool drop_null, bool *oom)
{
    switch (t->id) {
    case WEIR_T_NULL: return drop_null ? NULL : WEIR_TYPE_STRING;
    case WEIR_T_ARRAY: {
        const weir_type *e = canonical(a, t->elem, drop_null, oom);
        if (!e) return NULL;
        const weir_type *r = weir_type_array(a, e);
        if (!r) *oom = true;
        return r;
    }
    case WEIR_T_STRUCT: {
        weir_field *f = WEIR_ARENA_NEWN(a, weir_field, t->nfields + 1);
        if (!f) {
            *oom = true;
            return NULL;
        }
        int n = 0;
        for (int i = 0; i < t->nfields; i++) {
            if (!t->fields[i].name[0]) continue;
            const weir_type *ft = canonical(a, t->fields[i].type, drop_null, oom);
            if (*oom) return NULL;
            if (!ft) continue;
            f[n++] = (weir_field){t->fields[i].name, ft, true};
        }
        if (n == 0) return NULL;
        const weir_type *r = weir_type_struct(a, f, n);
        if (!r) *oom = true;
        return r;
    }
    default: return copy_type(a, t);
    }
}

/* ---- per-record inference ------------------------------------------------------------------- */

/* BigDecimal precision/scale of a number text. */
static void decimal_shape(const char *p, const char *q, int *prec, int *scale)
{
    int nd = 0, frac = 0, lead = 1;
    bool point = false;
    long exp = 0;
    const char *s = p;
    if (s < q && (*s == '-' || *s == '+')) s++;
    for (; s < q; s++) {
        if (*s == '.') {
            point = true;
        } else if (*s == 'e' || *s == 'E') {
            exp = strtol(s + 1, NULL, 10);
            break;
        } else {
            if (point) frac++;
            if (lead && *s == '0') continue;
            lead = 0;
            nd++;
        }
    }
    *prec = nd ? nd : 1;
    *scale = (int)(frac - exp);
}

static const char *infer_value(weir_jinfer *st, const char *p, const char *end, int depth,
                               const weir_type **out);

static const char *infer_value(weir_jinfer *st, const char *p, const char *end, int depth,
                               const weir_type **out)
{
    weir_arena *a = &st->scratch;
    const weir_jlex *lx = &st->lx;
    if (p >= end) return NULL;
    char c = *p;
    if (c == '"' || (c == '\'' && lx->single_quotes)) {
        bool esc;
        const char *q = weir_jscan_string(lx, p, end, &esc);
        if (!q) return NULL;
        const char *s = p + 1;
        size_t n = (size_t)(q - p - 2);
        if (esc) {
            weir_sb_reset(&st->tmp);
            weir_jdecode_string(lx, p, q, &st->tmp);
            s = st->tmp.p ? st->tmp.p : "";
            n = st->tmp.len;
        }
        if (n == 0) {
            *out = WEIR_TYPE_NULL; /* empty strings are treated like nulls */
            return q;
        }
        *out = WEIR_TYPE_STRING;
        if (st->prefers_decimal) {
            int prec, scale;
            __int128 d;
            decimal_shape(s, s + n, &prec, &scale);
            if (weir_fmt_parse_decimal(s, n, 38, scale < 0 ? 0 : scale, &d) && scale >= 0 &&
                scale <= prec && prec <= 38) {
                *out = weir_type_decimal(a, prec, scale);
                return *out ? q : NULL;
            }
        }
        if (st->infer_ts) {
            int64_t us;
            bool ok = st->ts_fmt ? weir_dtfmt_parse(st->ts_fmt, s, n, st->tz, &us)
                                 : weir_parse_timestamp(s, n, st->tz, &us);
            if (ok) *out = WEIR_TYPE_TIMESTAMP;
        }
        return q;
    }
    if (c == '{') {
        if (depth >= WEIR_JSON_MAX_DEPTH) return NULL;
        int cap = 8, n = 0;
        weir_field *f = WEIR_ARENA_NEWN(a, weir_field, cap);
        if (!f) return NULL;
        p = weir_jskip_ws(lx, p + 1, end);
        if (p < end && *p == '}') {
            *out = weir_type_struct(a, f, 0);
            return p + 1;
        }
        for (;;) {
            if (p >= end) return NULL;
            const char *name;
            if (*p == '"' || (*p == '\'' && lx->single_quotes)) {
                bool esc;
                const char *q = weir_jscan_string(lx, p, end, &esc);
                if (!q) return NULL;
                weir_sb_reset(&st->tmp);
                if (esc)
                    weir_jdecode_string(lx, p, q, &st->tmp);
                else
                    weir_sb_append(&st->tmp, p + 1, (size_t)(q - p - 2));
                name = weir_arena_strndup(a, st->tmp.p ? st->tmp.p : "", st->tmp.len);
                p = q;
            } else if (lx->unquoted_names) {
                const char *s = p;
                while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$'))
                    p++;
                if (p == s) return NULL;
                name = weir_arena_strndup(a, s, (size_t)(p - s));
            } else {
                return NULL;
            }
            if (!name) return NULL;
            p = weir_jskip_ws(lx, p, end);
            if (p >= end || *p != ':') return NULL;
            p = weir_jskip_ws(lx, p + 1, end);
            const weir_type *ft;
            p = infer_value(st, p, end, depth + 1, &ft);
            if (!p) return NULL;
            if (n == cap) {
                weir_field *nf = weir_arena_realloc(a, f, sizeof(weir_field) * (size_t)cap,
                                                    sizeof(weir_field) * (size_t)cap * 2);
                if (!nf) return NULL;
                f = nf;
                cap *= 2;
            }
            f[n++] = (weir_field){name, ft, true};
            p = weir_jskip_ws(lx, p, end);
            if (p >= end) return NULL;
            if (*p == ',') {
                p = weir_jskip_ws(lx, p + 1, end);
                continue;
            }
            if (*p != '}') return NULL;
            p++;
            break;
        }
        /* Sort by name (stable), merging duplicate keys (weir: Spark keeps both). */
        for (int i = 1; i < n; i++) {
            weir_field x = f[i];
            int j = i - 1;
            while (j >= 0 && cmp_name(&f[j], &x) > 0) {
                f[j + 1] = f[j];
                j--;
            }
            f[j + 1] = x;
        }
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m && strcmp(f[m - 1].name, f[i].name) == 0) {
                f[m - 1].type = compatible(a, f[m - 1].type, f[i].type);
                if (!f[m - 1].type) return NULL;
            } else {
                f[m++] = f[i];
            }
        }
        *out = weir_type_struct(a, f, m);
        return *out ? p : NULL;
    }
    if (c == '[') {
        if (depth >= WEIR_JSON_MAX_DEPTH) return NULL;
        const weir_type *et = WEIR_TYPE_NULL;
        p = weir_jskip_ws(lx, p + 1, end);
        if (p < end && *p == ']') {
            p++;
        } else {
            for (;;) {
                const weir_type *t;
                p = infer_value(st, p, end, depth + 1, &t);
                if (!p) return NULL;
                if (!(et = compatible(a, et, t))) return NULL;
                p = weir_jskip_ws(lx, p, end);
                if (p >= end) return NULL;
                if (*p == ',') {
                    p = weir_jskip_ws(lx, p + 1, end);
                    continue;
                }
                if (*p != ']') return NULL;
                p++;
                break;
            }
        }
        *out = weir_type_array(a, et);
        return *out ? p : NULL;
    }
    if (c == 't' || c == 'f' || c == 'n') {
        const char *q = weir_jskip_value(lx, p, end, depth);
        if (!q) return NULL;
        *out = c == 'n' ? WEIR_TYPE_NULL
                        : (st->primitives_as_string ? WEIR_TYPE_STRING : WEIR_TYPE_BOOLEAN);
        return q;
    }
    int kind;
    const char *q = weir_jscan_number(lx, p, end, &kind);
    if (!q) return NULL;
    if (st->primitives_as_string) {
        *out = WEIR_TYPE_STRING;
        return q;
    }
    if (kind == WEIR_JNUM_INT) {
        const char *d = p + (*p == '-');
        while (d < q - 1 && *d == '0')
            d++;
        size_t nd = (size_t)(q - d);
        bool fits = nd < 19;
        if (nd == 19) {
            /* compare against 9223372036854775807 / ...808 */
            const char *lim = *p == '-' ? "9223372036854775808" : "9223372036854775807";
            fits = memcmp(d, lim, 19) <= 0;
        }
        if (fits)
            *out = WEIR_TYPE_BIGINT;
        else
            *out = nd <= 38 ? weir_type_decimal(a, (int)nd, 0) : WEIR_TYPE_DOUBLE;
        return *out ? q : NULL;
    }
    if (kind == WEIR_JNUM_FLOAT && st->prefers_decimal) {
        int prec, scale;
        decimal_shape(p, q, &prec, &scale);
        int ps = prec > scale ? prec : scale;
        if (ps <= 38 && scale >= 0)
            *out = weir_type_decimal(a, ps, scale);
        else
            *out = WEIR_TYPE_DOUBLE;
        return *out ? q : NULL;
    }
    *out = WEIR_TYPE_DOUBLE;
    return q;
}

static int infer_fail(weir_jinfer *st, const weir_type *other, weir_error *err)
{
    if (!other)
        return weir_err(err, WEIR_ERUNTIME,
                        "[MALFORMED_RECORD_IN_SCHEMA_INFERENCE] Malformed records are detected in "
                        "schema inference. Parse Mode: FAILFAST.");
    char buf[256];
    return weir_err(err, WEIR_ERUNTIME,
                    "[MALFORMED_RECORD_IN_SCHEMA_INFERENCE] Malformed records are detected in "
                    "schema inference. Parse Mode: FAILFAST. Reasons: Failed to infer a common "
                    "schema. Struct types are expected, but `%s` was found.",
                    weir_type_sql(other, buf, sizeof(buf)));
}

/* The struct plus the corrupt-record column (sorted in), per withCorruptField. */
static const weir_type *with_corrupt(weir_jinfer *st, const weir_type *s)
{
    weir_arena *a = &st->scratch;
    for (int i = 0; i < s->nfields; i++)
        if (strcmp(s->fields[i].name, st->corrupt) == 0) return s;
    weir_field one = {st->corrupt, WEIR_TYPE_STRING, true};
    const weir_type *c = weir_type_struct(a, &one, 1);
    return c ? merge_structs(a, s, c) : NULL;
}

/* compatibleRootType */
static int root_merge(weir_jinfer *st, const weir_type *t1, const weir_type *t2,
                      const weir_type **out, weir_error *err)
{
    weir_arena *a = &st->scratch;
    if (t1->id == WEIR_T_ARRAY) return root_merge(st, t1->elem, t2, out, err);
    if (t2->id == WEIR_T_ARRAY) return root_merge(st, t1, t2->elem, out, err);
    if (t1->id == WEIR_T_STRUCT && t2->id == WEIR_T_NULL) {
        *out = t1;
        return WEIR_OK;
    }
    if (t1->id == WEIR_T_NULL && t2->id == WEIR_T_STRUCT) {
        *out = t2;
        return WEIR_OK;
    }
    if ((t1->id == WEIR_T_STRUCT) != (t2->id == WEIR_T_STRUCT)) {
        const weir_type *s = t1->id == WEIR_T_STRUCT ? t1 : t2;
        const weir_type *o = t1->id == WEIR_T_STRUCT ? t2 : t1;
        if (st->mode == WEIR_MODE_FAILFAST) return infer_fail(st, o, err);
        *out = st->mode == WEIR_MODE_PERMISSIVE ? with_corrupt(st, s) : s;
        return *out ? WEIR_OK : weir_err_nomem(err);
    }
    *out = compatible(a, t1, t2);
    return *out ? WEIR_OK : weir_err_nomem(err);
}

weir_jinfer *weir_jinfer_new(const weir_kv *opts, int nopts, weir_arena *a)
{
    weir_jinfer *st = WEIR_ARENA_NEW(a, weir_jinfer);
    if (!st) return NULL;
    weir_error e;
    if (weir_jlex_from_opts(&st->lx, opts, nopts, &e)) st->lx = weir_jlex_default;
    weir_fmt_opt_bool(opts, nopts, "primitivesAsString", false, &st->primitives_as_string, &e);
    weir_fmt_opt_bool(opts, nopts, "prefersDecimal", false, &st->prefers_decimal, &e);
    weir_fmt_opt_bool(opts, nopts, "dropFieldIfAllNull", false, &st->drop_all_null, &e);
    weir_fmt_opt_bool(opts, nopts, "inferTimestamp", false, &st->infer_ts, &e);
    weir_fmt_opt_bool(opts, nopts, "multiLine", false, &st->multiline, &e);
    st->mode = weir_parse_mode_of(weir_opt_get(opts, nopts, "mode"));
    st->corrupt = weir_arena_strdup(a, weir_fmt_corrupt_name(opts, nopts));
    const char *ls = weir_opt_get(opts, nopts, "lineSep");
    st->line_sep = ls && strcmp(ls, "\n") ? weir_arena_strdup(a, ls) : NULL;
    st->tz = weir_tz_default();
    const char *tf = weir_opt_get(opts, nopts, "timestampFormat");
    if (tf && st->infer_ts) st->ts_fmt = weir_dtfmt_compile(tf, &e);
    st->state = a;
    st->acc = weir_type_struct(a, NULL, 0);
    weir_arena_init(&st->scratch, 0);
    return st->acc && st->corrupt ? st : NULL;
}

int weir_jinfer_add(weir_jinfer *st, const char *rec, size_t len, weir_error *err)
{
    const char *end = rec + len;
    const char *p = weir_jskip_ws(&st->lx, rec, end);
    if (p >= end) return WEIR_OK; /* blank: NullType, discarded by the root merge */
    weir_arena_reset(&st->scratch);
    const weir_type *t;
    const char *q = infer_value(st, p, end, 0, &t);
    if (!q) {
        if (st->mode == WEIR_MODE_FAILFAST) return infer_fail(st, NULL, err);
        if (st->mode == WEIR_MODE_DROPMALFORMED) return WEIR_OK;
        weir_field one = {st->corrupt, WEIR_TYPE_STRING, true};
        if (!(t = weir_type_struct(&st->scratch, &one, 1))) return weir_err_nomem(err);
    }
    const weir_type *m;
    int rc = root_merge(st, st->acc, t, &m, err);
    if (rc) return rc;
    if (!weir_type_equal(m, st->acc)) {
        const weir_type *c = copy_type(st->state, m);
        if (!c) return weir_err_nomem(err);
        st->acc = c;
    }
    return WEIR_OK;
}

static void jinfer_free(weir_jinfer *st);

int weir_jinfer_result(weir_jinfer *st, const weir_type **out, weir_error *err)
{
    jinfer_free(st);
    bool oom = false;
    const weir_type *t = canonical(st->state, st->acc, st->drop_all_null, &oom);
    if (oom) return weir_err_nomem(err);
    if (!t || t->id != WEIR_T_STRUCT) t = weir_type_struct(st->state, NULL, 0);
    *out = t;
    return t ? WEIR_OK : weir_err_nomem(err);
}

static void jinfer_free(weir_jinfer *st)
{
    weir_arena_free(&st->scratch);
    weir_sb_free(&st->tmp);
    if (st->ts_fmt) weir_dtfmt_free(st->ts_fmt);
    st->ts_fmt = NULL;
}

int weir_jinfer_value(const char *json, size_t len, const weir_kv *opts, int nopts, weir_arena *a,
                      const weir_type **out, weir_error *err)
{
    weir_jinfer *st = weir_jinfer_new(opts, nopts, a);
    if (!st) return weir_err_nomem(err);
    const char *end = json + len;
    const char *p = weir_jskip_ws(&st->lx, json, end);
    const weir_type *t = NULL;
    const char *q = p < end ? infer_value(st, p, end, 0, &t) : NULL;
    int rc = WEIR_OK;
    if (!q) {
        rc = weir_err(err, WEIR_ERUNTIME,
                      "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are "
                      "detected in record parsing: [null].\nParse Mode: FAILFAST. To process "
                      "malformed records as null result, try setting the option 'mode' as "
                      "'PERMISSIVE'. ");
    } else {
        bool oom = false;
        const weir_type *c = canonical(a, t, st->drop_all_null, &oom);
        if (oom)
            rc = weir_err_nomem(err);
        else
            *out = c ? c : weir_type_struct(a, NULL, 0);
    }
    jinfer_free(st);
    return rc;
}

/* ---- the json format's inference hooks ---------------------------------------------------------
 */

void *weir_fmt_json_infer_begin(const weir_kv *opts, int nopts, weir_arena *a)
{
    return weir_jinfer_new(opts, nopts, a);
}

int weir_fmt_json_infer(const char *data, size_t len, void *state, const weir_kv *opts, int nopts,
                        const weir_tz *tz, weir_arena *a, weir_error *err)
{
    weir_jinfer *st = state;
    if (tz) st->tz = tz;
    if (st->multiline) return weir_jinfer_add(st, data, len, err);
    const char *pos = data, *end = data + len;
    size_t sl = st->line_sep ? strlen(st->line_sep) : 0;
    while (pos < end) {
        const char *s, *e;
        pos = weir_fmt_next_line(pos, end, st->line_sep, sl, false, &s, &e);
        int rc = weir_jinfer_add(st, s, (size_t)(e - s), err);
        if (rc) return rc;
    }
    return WEIR_OK;
}

int weir_fmt_json_infer_finish(void *state, const weir_kv *opts, int nopts, weir_arena *a,
                               const weir_type **schema, weir_error *err)
{
    return weir_jinfer_result(state, schema, err);
}
