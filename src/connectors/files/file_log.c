/*
 * The file source's metadata logs in Spark's formats, so a weir checkpoint and a Spark one
 * mean the same thing:
 *
 *   FileStreamSourceLog  <checkpoint>/sources/<i>/N: "v1", then one line per file
 *                        {"path":"file:///abs/f.json","timestamp":<mtime ms>,"batchId":N}
 *                        (no newline after the last line, as CompactibleFileStreamLog
 *                        writes); every 10th batch (N + 1 divisible by 10) is "N.compact"
 *                        and repeats every entry so far.
 *   FileStreamSinkLog    <dir>/_spark_metadata/N[.compact]: "v1", then
 *                        {"path":...,"size":...,"isDir":false,"modificationTime":...,
 *                         "blockReplication":1,"blockSize":...,"action":"add"} lines.
 *
 * weir never deletes old log files (Spark removes compacted-away files after 10 minutes);
 * readers cope with either layout by probing "N" and "N.compact" and falling back to a
 * later compaction when a batch file is gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "connectors/files/file_internal.h"

int weir_flog_push(weir_flog_list *l, const char *url, const char *local, int64_t ts, int64_t size,
                   int64_t batch)
{
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 16;
        weir_flog_file *nv = realloc(l->v, sizeof(*nv) * (size_t)nc);
        if (!nv) return WEIR_ENOMEM;
        l->v = nv;
        l->cap = nc;
    }
    weir_flog_file *f = &l->v[l->n];
    f->url = strdup(url);
    f->local = local ? strdup(local) : weir_flog_url_to_path(url);
    if (!f->url || !f->local) {
        free(f->url);
        free(f->local);
        return WEIR_ENOMEM;
    }
    f->ts = ts;
    f->size = size;
    f->batch = batch;
    l->n++;
    return WEIR_OK;
}

void weir_flog_free(weir_flog_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].url);
        free(l->v[i].local);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* ---- URLs -------------------------------------------------------------------------------- */

static bool uri_path_char(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    if (c >= 0x80) return true; /* java.net.URI keeps "other" characters */
    return c && strchr("-_.!~*'(),;:$&+=/@", c) != NULL;
}

char *weir_flog_path_to_url(const char *path)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_sb_puts(&sb, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (uri_path_char(*p))
            weir_sb_putc(&sb, (char)*p);
        else
            weir_sb_printf(&sb, "%%%02X", *p);
    }
    if (sb.oom) {
        weir_sb_free(&sb);
        return NULL;
    }
    return weir_sb_take(&sb);
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *weir_flog_url_to_path(const char *url)
{
    const char *p = url;
    if (strncmp(p, "file://", 7) == 0) {
        p += 7;
        if (*p != '/') { /* file://host/path: only an empty or localhost authority is local */
            if (strncmp(p, "localhost/", 10) != 0) return NULL;
            p += 9;
        }
    } else if (strncmp(p, "file:", 5) == 0) {
        p += 5;
    } else if (*p != '/') {
        return NULL;
    }
    size_t n = strlen(p);
    char *out = malloc(n + 1), *o = out;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (p[i] == '%' && i + 2 < n && (h = hexv(p[i + 1])) >= 0 && (l = hexv(p[i + 2])) >= 0) {
            *o++ = (char)(h * 16 + l);
            i += 2;
        } else {
            *o++ = p[i];
        }
    }
    *o = 0;
    return out;
}

/* ---- generic log files ----------------------------------------------------------------------- */

typedef int (*line_fn)(void *user, const weir_src_jfield *f, int nf, weir_error *err);

/* Reads one log file: version line, then JSON lines. *missing when absent. */
static int read_log_file(const char *path, line_fn fn, void *user, bool *missing, weir_error *err)
{
    char *data;
    size_t len;
    int rc = weir_src_read_file(path, &data, &len, missing, err);
    if (rc != WEIR_OK || *missing) return rc;
    char *nl = memchr(data, '\n', len);
    size_t vl = nl ? (size_t)(nl - data) : len;
    if (len == 0) {
        free(data);
        return weir_err(err, WEIR_ERUNTIME, "Incomplete log file");
    }
    int64_t ver = 0;
    char vb[32];
    bool vok = false;
    if (data[0] == 'v' && vl > 1 && vl < sizeof(vb)) {
        memcpy(vb, data + 1, vl - 1);
        vb[vl - 1] = 0;
        if (vb[vl - 2] == '\r') vb[vl - 2] = 0;
        vok = weir_src_parse_i64(vb, &ver) && ver > 0;
    }
    if (!vok) {
        rc = weir_err(err, WEIR_ERUNTIME,
                      "Log file was malformed: failed to read correct log version from %.*s.",
                      (int)(vl > 64 ? 64 : vl), data);
        free(data);
        return rc;
    }
    if (ver > 1) {
        free(data);
        return weir_err(err, WEIR_ERUNTIME,
                        "UnsupportedLogVersion: maximum supported log version is v1, but "
                        "encountered v%lld. The log file was produced by a newer version of "
                        "Spark and cannot be read by this version. Please upgrade.",
                        (long long)ver);
    }
    char *p = nl ? nl + 1 : data + len, *e = data + len;
    while (p < e && rc == WEIR_OK) {
        char *le = memchr(p, '\n', (size_t)(e - p));
        if (!le) le = e;
        size_t ll = (size_t)(le - p);
        while (ll && (p[ll - 1] == '\r' || p[ll - 1] == ' '))
            ll--;
        if (ll) {
            weir_src_jfield *f;
            int nf;
            if (weir_src_json_parse(p, ll, &f, &nf) != WEIR_OK) {
                rc = weir_err(err, WEIR_ERUNTIME, "Malformed entry in metadata log %s: %.*s", path,
                              (int)(ll > 200 ? 200 : ll), p);
                break;
            }
            rc = fn(user, f, nf, err);
            weir_src_json_free(f, nf);
        }
        p = le + 1;
    }
    free(data);
    return rc;
}

static int int_field(const weir_src_jfield *f, int nf, const char *key, int64_t *out)
{
    const weir_src_jfield *x = weir_src_json_get(f, nf, key);
    if (!x || x->is_string) return -1;
    *out = x->num;
    return 0;
}

/* ---- FileStreamSourceLog ----------------------------------------------------------------------
 */

typedef struct src_ctx {
    weir_flog_list *out;
    int64_t only_batch; /* -1: every entry */
    const char *path;
} src_ctx;

static int src_line(void *user, const weir_src_jfield *f, int nf, weir_error *err)
{
    src_ctx *c = user;
    const weir_src_jfield *p = weir_src_json_get(f, nf, "path");
    int64_t ts, batch;
    if (!p || !p->is_string || int_field(f, nf, "timestamp", &ts) ||
        int_field(f, nf, "batchId", &batch))
        return weir_err(err, WEIR_ERUNTIME, "Malformed entry in metadata log %s", c->path);
    if (c->only_batch >= 0 && batch != c->only_batch) return WEIR_OK;
    char *local = weir_flog_url_to_path(p->str);
    int rc = weir_flog_push(c->out, p->str, local ? local : p->str, ts, -1, batch);
    free(local);
    return rc == WEIR_OK ? WEIR_OK : weir_err_nomem(err);
}

static int read_src_file(const char *dir, int64_t id, bool compact, int64_t only,
                         weir_flog_list *out, bool *missing, weir_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%lld%s", dir, (long long)id, compact ? ".compact" : "");
    src_ctx c = {out, only, path};
    return read_log_file(path, src_line, &c, missing, err);
}

int weir_flog_latest(const char *dir, int64_t *latest, weir_error *err)
{
    int64_t *ids;
    bool *cp;
    int n;
    int rc = weir_src_log_list(dir, &ids, &cp, &n, err);
    if (rc != WEIR_OK) return rc;
    *latest = n ? ids[n - 1] : -1;
    free(ids);
    free(cp);
    return WEIR_OK;
}

/* Every entry of a log directory: the latest compaction file at or below the latest id, then
 * the delta files after it (or every delta when nothing was compacted). */
static int read_all_generic(const char *dir, line_fn fn, void *user, weir_error *err)
{
    int64_t *ids;
    bool *cp;
    int n;
    int rc = weir_src_log_list(dir, &ids, &cp, &n, err);
    if (rc != WEIR_OK || n == 0) {
        free(ids);
        free(cp);
        return rc;
    }
    int from = 0;
    for (int i = n - 1; i >= 0; i--)
        if (cp[i]) {
            from = i;
            break;
        }
    for (int i = from; i < n && rc == WEIR_OK; i++) {
        if (i > from && ids[i] == ids[i - 1]) continue; /* both N and N.compact: read one */
        char path[4096];
        snprintf(path, sizeof(path), "%s/%lld%s", dir, (long long)ids[i], cp[i] ? ".compact" : "");
        bool missing;
        rc = read_log_file(path, fn, user, &missing, err);
    }
    free(ids);
    free(cp);
    return rc;
}

int weir_flog_read_all(const char *dir, weir_flog_list *out, weir_error *err)
{
    src_ctx c = {out, -1, dir};
    return read_all_generic(dir, src_line, &c, err);
}

int weir_flog_read_batch(const char *dir, int64_t id, weir_flog_list *out, weir_error *err)
{
    bool missing;
    int rc = read_src_file(dir, id, false, -1, out, &missing, err);
    if (rc != WEIR_OK || !missing) return rc;
    rc = read_src_file(dir, id, true, id, out, &missing, err);
    if (rc != WEIR_OK || !missing) return rc;
    /* the batch file was compacted away: find it in a later compaction */
    int64_t *ids;
    bool *cp;
    int n;
    if ((rc = weir_src_log_list(dir, &ids, &cp, &n, err)) != WEIR_OK) return rc;
    bool found = false;
    for (int i = 0; i < n && !found && rc == WEIR_OK; i++) {
        if (!cp[i] || ids[i] < id) continue;
        rc = read_src_file(dir, ids[i], true, id, out, &missing, err);
        found = !missing;
    }
    free(ids);
    free(cp);
    if (rc == WEIR_OK && !found)
        rc = weir_err(err, WEIR_ERUNTIME, "batches (%lld) don't exist (startId: %lld, endId: %lld)",
                      (long long)id, (long long)id, (long long)id);
    return rc;
}

static void entry_json(weir_strbuf *sb, const weir_flog_file *f, int64_t batch)
{
    weir_sb_puts(sb, "\n{\"path\":");
    weir_src_json_string(sb, f->url);
    weir_sb_printf(sb, ",\"timestamp\":%lld,\"batchId\":%lld}", (long long)f->ts, (long long)batch);
}

int weir_flog_write_batch(const char *dir, int64_t id, const weir_flog_file *files, int n,
                          bool *existed, weir_error *err)
{
    *existed = false;
    int rc = weir_src_mkdirs(dir, err);
    if (rc != WEIR_OK) return rc;
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_sb_puts(&sb, "v1");
    bool compact = (id + 1) % WEIR_FLOG_COMPACT_INTERVAL == 0;
    if (compact) {
        weir_flog_list prev = {0};
        rc = weir_flog_read_all(dir, &prev, err);
        if (rc != WEIR_OK) {
            weir_flog_free(&prev);
            weir_sb_free(&sb);
            return rc;
        }
        for (int i = 0; i < prev.n; i++)
            if (prev.v[i].batch < id) entry_json(&sb, &prev.v[i], prev.v[i].batch);
        weir_flog_free(&prev);
    }
    for (int i = 0; i < n; i++)
        entry_json(&sb, &files[i], id);
    if (sb.oom) {
        weir_sb_free(&sb);
        return weir_err_nomem(err);
    }
    char name[40];
    snprintf(name, sizeof(name), "%lld%s", (long long)id, compact ? ".compact" : "");
    rc = weir_src_write_once(dir, name, sb.p, sb.len, existed, err);
    weir_sb_free(&sb);
    return rc;
}

/* ---- FileStreamSinkLog --------------------------------------------------------------------- */

bool weir_flog_sink_has_metadata(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    char p[4096];
    snprintf(p, sizeof(p), "%s/_spark_metadata", dir);
    return stat(p, &st) == 0;
}

typedef struct sink_ctx {
    weir_flog_list *adds;
    weir_flog_list *deletes;
    const char *path;
} sink_ctx;

static int sink_line(void *user, const weir_src_jfield *f, int nf, weir_error *err)
{
    sink_ctx *c = user;
    const weir_src_jfield *p = weir_src_json_get(f, nf, "path");
    const weir_src_jfield *act = weir_src_json_get(f, nf, "action");
    int64_t size = 0, mtime = 0, is_dir = 0;
    if (!p || !p->is_string)
        return weir_err(err, WEIR_ERUNTIME, "Malformed entry in metadata log %s", c->path);
    int_field(f, nf, "size", &size);
    int_field(f, nf, "modificationTime", &mtime);
    int_field(f, nf, "isDir", &is_dir);
    bool del = act && act->is_string && strcmp(act->str, "delete") == 0;
    char *local = weir_flog_url_to_path(p->str);
    int rc = weir_flog_push(del ? c->deletes : c->adds, p->str, local ? local : p->str, mtime,
                            is_dir ? -2 : size, -1);
    free(local);
    return rc == WEIR_OK ? WEIR_OK : weir_err_nomem(err);
}

int weir_flog_sink_files(const char *dir, weir_flog_list *out, weir_error *err)
{
    char md[4096];
    snprintf(md, sizeof(md), "%s/_spark_metadata", dir);
    weir_flog_list adds = {0}, dels = {0};
    sink_ctx c = {&adds, &dels, md};
    int rc = read_all_generic(md, sink_line, &c, err);
    for (int i = 0; i < adds.n && rc == WEIR_OK; i++) {
        if (adds.v[i].size == -2) continue; /* a directory */
        bool deleted = false;
        for (int j = 0; j < dels.n && !deleted; j++)
            deleted = strcmp(dels.v[j].url, adds.v[i].url) == 0;
        if (deleted) continue;
        if (weir_flog_push(out, adds.v[i].url, adds.v[i].local, adds.v[i].ts, adds.v[i].size, -1) !=
            WEIR_OK)
            rc = weir_err_nomem(err);
    }
    weir_flog_free(&adds);
    weir_flog_free(&dels);
    return rc;
}
