/*
 * The file stream source (Spark's FileStreamSource with FileStreamOptions): json, csv and
 * text files appearing in a directory (or matching a glob) become rows exactly once.
 *
 * latest() lists the path, keeps the files it has not seen (SeenFilesMap: by URL, or by name
 * with fileNameOnly; files older than maxFileAge before the newest one are forgotten and
 * ignored), caps them by maxFilesPerTrigger (newest first with latestFirst), and records
 * them as the next batch of its metadata log BEFORE returning the new offset
 * {"logOffset":N}. A restart rebuilds the seen set from the log, so files already assigned
 * to a log batch are never assigned again, and a batch re-run reads exactly the files of
 * log batches (start, end]. When the path holds a file sink's `_spark_metadata`, only files
 * the sink committed are visible (MetadataLogFileIndex).
 *
 * Row order inside a batch follows Spark's scan planning for small files: each file is its
 * own input partition and partitions are ordered by file size, largest first (ties keep
 * the log order). Files are read through the formats layer, each one mmapped and decoded
 * straight into the batch arena's vectors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/files/file_internal.h"

#define DISCARD_UNSEEN_FILES_RATIO 0.2
#define MAX_CACHED_UNSEEN_FILES    10000

typedef enum clean_mode {
    CLEAN_OFF,
    CLEAN_DELETE,
    CLEAN_ARCHIVE,
} clean_mode;

typedef struct file_opts {
    int32_t max_files; /* 0: unlimited */
    int64_t max_age_ms;
    bool latest_first, file_name_only;
    clean_mode clean;
    const char *archive_dir;
} file_opts;

/* ---- SeenFilesMap --------------------------------------------------------------------------- */

typedef struct seen_map {
    char **keys; /* open addressing; NULL = empty slot */
    int64_t *vals;
    size_t cap, n;
    int64_t max_age_ms;
    int64_t latest_ts, last_purge_ts;
} seen_map;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t seen_slot(const seen_map *m, const char *key)
{
    size_t i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static bool seen_rehash(seen_map *m, size_t cap)
{
    char **ok = m->keys;
    int64_t *ov = m->vals;
    size_t ocap = m->cap;
    m->keys = calloc(cap, sizeof(char *));
    m->vals = calloc(cap, sizeof(int64_t));
    if (!m->keys || !m->vals) {
        free(m->keys);
        free(m->vals);
        m->keys = ok;
        m->vals = ov;
        return false;
    }
    m->cap = cap;
    for (size_t i = 0; i < ocap; i++)
        if (ok[i]) {
            size_t j = seen_slot(m, ok[i]);
            m->keys[j] = ok[i];
            m->vals[j] = ov[i];
        }
    free(ok);
    free(ov);
    return true;
}

static bool seen_add(seen_map *m, const char *key, int64_t ts)
{
    if ((m->n + 1) * 2 > m->cap && !seen_rehash(m, m->cap ? m->cap * 2 : 64)) return false;
    size_t i = seen_slot(m, key);
    if (!m->keys[i]) {
        if (!(m->keys[i] = strdup(key))) return false;
        m->n++;
    }
    m->vals[i] = ts;
    if (ts > m->latest_ts) m->latest_ts = ts;
    return true;
}

static bool seen_has(const seen_map *m, const char *key)
{
    return m->cap && m->keys[seen_slot(m, key)] != NULL;
}

static bool seen_is_new(const seen_map *m, const char *key, int64_t ts)
{
    /* against the last purge, so a file older than the horizon but not purged yet is not
     * mistaken for new */
    return ts >= m->last_purge_ts && !seen_has(m, key);
}

static void seen_purge(seen_map *m)
{
    int64_t t;
    if (__builtin_sub_overflow(m->latest_ts, m->max_age_ms, &t)) t = INT64_MIN;
    m->last_purge_ts = t;
    bool any = false;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] && m->vals[i] < t) {
            free(m->keys[i]);
            m->keys[i] = NULL;
            m->n--;
            any = true;
        }
    if (any) seen_rehash(m, m->cap); /* restore probe chains */
}

static void seen_free(seen_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
}

/* ---- the source object -------------------------------------------------------------------- */

typedef struct file_source {
    weir_source base;
    weir_arena arena;
    const weir_format *fmt;
    weir_kv *opts;
    int nopts;
    const weir_tz *tz;
    char *abs_path; /* absolute, normalized; may be a glob */
    bool is_glob;
    char *meta_dir;
    char *desc;
    file_opts o;
    int has_metadata; /* -1 unknown yet, 0 no, 1 the path is a file sink's output */
    seen_map seen;
    int64_t log_offset;    /* latest log batch (-1: none) */
    weir_flog_list unread; /* files listed but left for later batches (maxFilesPerTrigger) */
    bool read_all;         /* trigger 'once': no maxFilesPerTrigger cap */
    bool frozen;           /* trigger 'availableNow': only the files listed at start */
    bool *want;            /* per schema field: decode it (NULL: all) */
    int *wanted_index;     /* per schema field: its column in the reader's batches, or -1 */
} file_source;

typedef struct file_reader {
    file_source *src;
    weir_flog_list files;
    int cur; /* -1 before the first file */
    weir_reader *rd;
    char *map;
    size_t map_len;
} file_reader;

/* ---- options -------------------------------------------------------------------------------- */

static int parse_file_opts(const weir_source_args *args, file_opts *o, weir_error *err)
{
    memset(o, 0, sizeof(*o));
    const char *v = weir_opt_get(args->opts, args->nopts, "maxFilesPerTrigger");
    if (v && (!weir_src_parse_i32(v, &o->max_files) || o->max_files <= 0))
        return weir_err(err, WEIR_EARG,
                        "Invalid value '%s' for option 'maxFilesPerTrigger', must be a positive "
                        "integer",
                        v);
    v = weir_opt_get(args->opts, args->nopts, "maxFileAge");
    int rc = weir_src_time_string(v ? v : "7d", WEIR_SRC_MS, &o->max_age_ms, err);
    if (rc != WEIR_OK) return rc;
    static const char *const bools[] = {"latestFirst", "fileNameOnly"};
    bool *dst[] = {&o->latest_first, &o->file_name_only};
    for (int i = 0; i < 2; i++) {
        v = weir_opt_get(args->opts, args->nopts, bools[i]);
        if (v && !weir_src_parse_bool(v, dst[i]))
            return weir_err(err, WEIR_EARG,
                            "Invalid value '%s' for option '%s', must be 'true' or 'false'", v,
                            bools[i]);
    }
    o->archive_dir = weir_opt_get(args->opts, args->nopts, "sourceArchiveDir");
    v = weir_opt_get(args->opts, args->nopts, "cleanSource");
    if (v) {
        if (strcasecmp(v, "off") == 0)
            o->clean = CLEAN_OFF;
        else if (strcasecmp(v, "delete") == 0)
            o->clean = CLEAN_DELETE;
        else if (strcasecmp(v, "archive") == 0)
            o->clean = CLEAN_ARCHIVE;
        else
            return weir_err(err, WEIR_EARG,
                            "Invalid mode for clean source option Some(%s). Must be one of "
                            "ARCHIVE,DELETE,OFF",
                            v);
        if (o->clean == CLEAN_ARCHIVE && !o->archive_dir)
            return weir_err(err, WEIR_EARG,
                            "Archive mode must be used with 'sourceArchiveDir' option.");
    }
    /* Spark ignores maxFileAge when both latestFirst and maxFilesPerTrigger are set */
    if (o->latest_first && o->max_files) o->max_age_ms = INT64_MAX;
    if (o->max_age_ms < 0) return weir_err(err, WEIR_EARG, "requirement failed");
    return WEIR_OK;
}

static bool is_glob(const char *p)
{
    return strpbrk(p, "*?[{") != NULL;
}

/* ---- schema ------------------------------------------------------------------------------------
 */

int weir_src_file_schema(const weir_source_args *args, weir_arena *a, const weir_type **schema,
                         weir_error *err)
{
    const weir_format *fmt = weir_format_lookup(args->format);
    if (!fmt) return weir_err(err, WEIR_EANALYSIS, "unknown file format %s", args->format);
    const char *path = weir_opt_get(args->opts, args->nopts, "path");
    if (!path) return weir_err(err, WEIR_EARG, "'path' is not specified");
    /* a glob may only match once data arrives, so only plain paths must exist */
    if (!is_glob(path)) {
        char *q = weir_src_qualify_path(path);
        if (!q) return weir_err_nomem(err);
        struct stat st;
        bool exists = stat(q, &st) == 0;
        free(q);
        if (!exists)
            return weir_err(err, WEIR_EANALYSIS, "[PATH_NOT_FOUND] Path does not exist: %s.", path);
    }
    bool is_text = strcasecmp(weir_format_name(fmt), "text") == 0;
    if (!args->schema && !is_text)
        return weir_err(err, WEIR_EARG,
                        "Schema must be specified when creating a streaming source DataFrame. If "
                        "some files already exist in the directory, then depending on the file "
                        "format you may be able to create a static DataFrame on that directory "
                        "with 'spark.read.load(directory)' and infer schema from it.");
    file_opts o;
    int rc = parse_file_opts(args, &o, err);
    if (rc != WEIR_OK) return rc;
    if ((rc = weir_format_check_options(fmt, args->opts, args->nopts, err)) != WEIR_OK) return rc;
    if (args->schema) {
        *schema = weir_src_type_copy(a, args->schema);
    } else {
        weir_field f = {"value", WEIR_TYPE_STRING, true};
        *schema = weir_type_struct(a, &f, 1);
    }
    return *schema ? WEIR_OK : weir_err_nomem(err);
}

/* ---- listing ----------------------------------------------------------------------------------
 */

static int cmp_oldest_first(const void *a, const void *b)
{
    const weir_flog_file *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    return strcmp(x->url, y->url);
}

static int cmp_newest_first(const void *a, const void *b)
{
    const weir_flog_file *x = a, *y = b;
    if (x->ts != y->ts) return x->ts > y->ts ? -1 : 1;
    return strcmp(x->url, y->url);
}

/* The data files under the path (InMemoryFileIndex): a missing path lists nothing. */
static int list_dir(file_source *s, weir_flog_list *out, weir_error *err)
{
    weir_arena a;
    weir_arena_init(&a, 0);
    const char **files;
    int n;
    weir_error e2;
    int rc = weir_list_files(s->abs_path, &a, &files, &n, &e2);
    if (rc != WEIR_OK) {
        weir_arena_free(&a);
        if (strncmp(e2.msg, "[PATH_NOT_FOUND]", 16) == 0) return WEIR_OK;
        *err = e2;
        return rc;
    }
    for (int i = 0; i < n && rc == WEIR_OK; i++) {
        struct stat st;
        if (stat(files[i], &st) != 0 || !S_ISREG(st.st_mode)) continue;
        char *url = weir_flog_path_to_url(files[i]);
        if (!url) {
            rc = weir_err_nomem(err);
            break;
        }
        int64_t ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
        if (weir_flog_push(out, url, files[i], ms, (int64_t)st.st_size, -1) != WEIR_OK)
            rc = weir_err_nomem(err);
        free(url);
    }
    weir_arena_free(&a);
    return rc;
}

static int use_sink_metadata(file_source *s, weir_error *err)
{
    if (s->o.clean != CLEAN_OFF)
        return weir_err(err, WEIR_EUNSUPPORTED,
                        "Clean up source files is not supported when reading from the output "
                        "directory of FileStreamSink.");
    s->has_metadata = 1;
    return WEIR_OK;
}

/* fetchAllFiles: every visible file, sorted by modification time (newest first with
 * latestFirst), ties by path. */
static int fetch_all_files(file_source *s, weir_flog_list *out, weir_error *err)
{
    int rc = WEIR_OK;
    if (s->has_metadata < 0) {
        if (weir_flog_sink_has_metadata(s->abs_path)) {
            if ((rc = use_sink_metadata(s, err)) != WEIR_OK) return rc;
            rc = weir_flog_sink_files(s->abs_path, out, err);
        } else {
            rc = list_dir(s, out, err);
            /* decide only once something is there: a sink may create its log later */
            if (rc == WEIR_OK && out->n > 0) {
                if (weir_flog_sink_has_metadata(s->abs_path)) {
                    if ((rc = use_sink_metadata(s, err)) != WEIR_OK) return rc;
                    weir_flog_free(out);
                    rc = weir_flog_sink_files(s->abs_path, out, err);
                } else {
                    s->has_metadata = 0;
                }
            }
        }
    } else if (s->has_metadata == 1) {
        rc = weir_flog_sink_files(s->abs_path, out, err);
    } else {
        rc = list_dir(s, out, err);
    }
    if (rc != WEIR_OK) return rc;
    if (out->n > 1)
        qsort(out->v, (size_t)out->n, sizeof(weir_flog_file),
              s->o.latest_first ? cmp_newest_first : cmp_oldest_first);
    return WEIR_OK;
}

/* The SeenFilesMap key of a file. */
static const char *seen_key(const file_source *s, const weir_flog_file *f)
{
    if (!s->o.file_name_only) return f->url;
    const char *slash = strrchr(f->local, '/');
    return slash ? slash + 1 : f->local;
}

/* ---- vtable ------------------------------------------------------------------------------------
 */

/* An offset as the log batch id: {"logOffset":N}, or a bare number (older checkpoints). */
static bool parse_log_offset(const char *t, int64_t *out)
{
    if (!t) return false;
    while (*t == ' ' || *t == '\n')
        t++;
    if (*t == '{') {
        weir_src_jfield *f;
        int nf;
        if (weir_src_json_parse(t, strlen(t), &f, &nf) != WEIR_OK) return false;
        const weir_src_jfield *x = weir_src_json_get(f, nf, "logOffset");
        bool ok = x && !x->is_string && weir_src_parse_i64(x->str, out);
        weir_src_json_free(f, nf);
        return ok;
    }
    char buf[32];
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\n'))
        n--;
    if (!n || n >= sizeof(buf)) return false;
    memcpy(buf, t, n);
    buf[n] = 0;
    return weir_src_parse_i64(buf, out);
}

static int bad_offset(weir_error *err, const char *t)
{
    return weir_err(err, WEIR_ERUNTIME, "Invalid file source offset: %s", t ? t : "null");
}

/* fetchMaxOffset: assigns new files to the next log batch (written before returning). */
static int file_latest(weir_source *src, const char *start, weir_arena *a, const char **out,
                       weir_error *err)
{
    file_source *s = (file_source *)src;
    *out = NULL;
    weir_flog_list cand = {0}, batch = {0}, rest = {0};
    int rc = WEIR_OK;
    if (s->unread.n > 0 || s->frozen) {
        cand = s->unread;
        memset(&s->unread, 0, sizeof(s->unread));
    } else {
        weir_flog_list all = {0};
        rc = fetch_all_files(s, &all, err);
        for (int i = 0; i < all.n && rc == WEIR_OK; i++) {
            weir_flog_file *f = &all.v[i];
            if (!seen_is_new(&s->seen, seen_key(s, f), f->ts)) continue;
            if (weir_flog_push(&cand, f->url, f->local, f->ts, f->size, -1) != WEIR_OK)
                rc = weir_err_nomem(err);
        }
        weir_flog_free(&all);
    }
    /* the batch: everything, or the first maxFilesPerTrigger (oldest or newest first) */
    int take = cand.n;
    if (s->o.max_files && !s->read_all && take > s->o.max_files) take = s->o.max_files;
    for (int i = 0; i < cand.n && rc == WEIR_OK; i++) {
        weir_flog_file *f = &cand.v[i];
        weir_flog_list *dst = i < take ? &batch : &rest;
        if (weir_flog_push(dst, f->url, f->local, f->ts, f->size, -1) != WEIR_OK)
            rc = weir_err_nomem(err);
    }
    weir_flog_free(&cand);
    /* Without latestFirst the rest of the listing is kept for the next batches (a fresh listing
     * would re-sort newer files in), unless too little is left to be worth it. */
    if (rc == WEIR_OK && s->o.max_files &&
        (s->frozen ||
         (!s->o.latest_first && !((double)rest.n < s->o.max_files * DISCARD_UNSEEN_FILES_RATIO)))) {
        for (int i = 0; i < rest.n && (s->frozen || i < MAX_CACHED_UNSEEN_FILES) && rc == WEIR_OK;
             i++)
            if (weir_flog_push(&s->unread, rest.v[i].url, rest.v[i].local, rest.v[i].ts,
                               rest.v[i].size, -1) != WEIR_OK)
                rc = weir_err_nomem(err);
    }
    weir_flog_free(&rest);
    for (int i = 0; i < batch.n && rc == WEIR_OK; i++)
        if (!seen_add(&s->seen, seen_key(s, &batch.v[i]), batch.v[i].ts)) rc = weir_err_nomem(err);
    if (rc == WEIR_OK) seen_purge(&s->seen);
    if (rc == WEIR_OK && batch.n > 0) {
        int64_t id = s->log_offset + 1;
        bool existed;
        rc = weir_flog_write_batch(s->meta_dir, id, batch.v, batch.n, &existed, err);
        if (rc == WEIR_OK && existed)
            rc = weir_err(err, WEIR_ERUNTIME,
                          "Concurrent update to the log. Multiple streaming jobs detected for %lld",
                          (long long)id);
        if (rc == WEIR_OK) s->log_offset = id;
    }
    weir_flog_free(&batch);
    if (rc != WEIR_OK) return rc;
    if (s->log_offset < 0) return WEIR_OK; /* nothing yet: no offset */
    *out = weir_arena_sprintf(a, "{\"logOffset\":%lld}", (long long)s->log_offset);
    return *out ? WEIR_OK : weir_err_nomem(err);
}

/* Trigger 'once' reads everything in one batch; 'availableNow' lists the new files now and
 * serves only those (Spark's prepareForTriggerAvailableNow). */
static int file_prepare(weir_source *src, weir_read_limit limit, weir_error *err)
{
    file_source *s = (file_source *)src;
    if (limit == WEIR_READ_ALL_ONCE) s->read_all = true;
    if (limit != WEIR_READ_AVAILABLE_NOW) return WEIR_OK;
    weir_flog_list all = {0};
    int rc = fetch_all_files(s, &all, err);
    for (int i = 0; i < all.n && rc == WEIR_OK; i++) {
        weir_flog_file *f = &all.v[i];
        if (!seen_is_new(&s->seen, seen_key(s, f), f->ts)) continue;
        if (weir_flog_push(&s->unread, f->url, f->local, f->ts, f->size, -1) != WEIR_OK)
            rc = weir_err_nomem(err);
    }
    weir_flog_free(&all);
    s->frozen = rc == WEIR_OK;
    return rc;
}

static int cmp_size_desc(const void *a, const void *b)
{
    const weir_flog_file *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->batch < y->batch ? -1 : x->batch > y->batch; /* batch = position: stable */
}

static int file_open(weir_source *src, const char *start, const char *end, weir_source_reader **out,
                     weir_error *err)
{
    file_source *s = (file_source *)src;
    *out = NULL;
    int64_t so = -1, eo;
    if (start && !parse_log_offset(start, &so)) return bad_offset(err, start);
    if (!parse_log_offset(end, &eo)) return bad_offset(err, end);
    if (so > eo)
        return weir_err(err, WEIR_ERUNTIME, "assertion failed: %lld <= %lld", (long long)so,
                        (long long)eo);
    file_reader *r = calloc(1, sizeof(*r));
    if (!r) return weir_err_nomem(err);
    r->src = s;
    r->cur = -1;
    weir_flog_list logged = {0};
    int rc = WEIR_OK;
    for (int64_t id = so + 1; id <= eo && rc == WEIR_OK; id++)
        rc = weir_flog_read_batch(s->meta_dir, id, &logged, err);
    /* Files deleted since they were logged are skipped, as Spark's listing of the batch's
     * paths ignores missing root paths. */
    for (int i = 0; i < logged.n && rc == WEIR_OK; i++) {
        struct stat st;
        if (stat(logged.v[i].local, &st) != 0 || S_ISDIR(st.st_mode)) continue;
        if (weir_flog_push(&r->files, logged.v[i].url, logged.v[i].local, logged.v[i].ts,
                           (int64_t)st.st_size, r->files.n) != WEIR_OK)
            rc = weir_err_nomem(err);
    }
    weir_flog_free(&logged);
    if (rc == WEIR_OK && r->files.n > 1)
        qsort(r->files.v, (size_t)r->files.n, sizeof(weir_flog_file), cmp_size_desc);
    if (rc == WEIR_OK)
        rc = weir_reader_open(s->fmt, s->base.schema, s->want, s->opts, s->nopts, s->tz, &r->rd,
                              err);
    if (rc != WEIR_OK) {
        weir_flog_free(&r->files);
        weir_reader_close(r->rd);
        free(r);
        return rc;
    }
    *out = (weir_source_reader *)r;
    return WEIR_OK;
}

static void reader_unmap(file_reader *r)
{
    if (r->map && r->map_len) munmap(r->map, r->map_len);
    r->map = NULL;
    r->map_len = 0;
}

static int reader_map(file_reader *r, const char *path, weir_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return weir_err(err, WEIR_EIO,
                        "[FAILED_READ_FILE.FILE_NOT_EXIST] Encountered error while reading file "
                        "%s. File does not exist.",
                        path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return weir_err(err, WEIR_EIO, "cannot stat %s: %s", path, strerror(e));
    }
    r->map_len = (size_t)st.st_size;
    r->map = NULL;
    if (r->map_len) {
        void *m = mmap(NULL, r->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            int e = errno;
            close(fd);
            r->map_len = 0;
            return weir_err(err, WEIR_EIO, "cannot read %s: %s", path, strerror(e));
        }
        r->map = m;
        madvise(r->map, r->map_len, MADV_SEQUENTIAL);
    }
    close(fd);
    weir_reader_set_input(r->rd, r->map ? r->map : "", r->map_len);
    return WEIR_OK;
}

static int file_next(weir_source_reader *rr, weir_arena *a, weir_batch **out, weir_error *err)
{
    file_reader *r = (file_reader *)rr;
    *out = NULL;
    for (;;) {
        if (r->cur >= 0) {
            weir_batch *b;
            int rc = weir_reader_next(r->rd, a, &b, err);
            if (rc != WEIR_OK) return rc;
            if (b && r->src->want) { /* the decoded columns back at their schema positions */
                int nc = r->src->base.schema->nfields;
                weir_batch *full = weir_batch_new(a, nc);
                if (!full) return weir_err_nomem(err);
                full->nrows = b->nrows;
                for (int c = 0; c < nc; c++)
                    if (r->src->wanted_index[c] >= 0)
                        full->cols[c] = b->cols[r->src->wanted_index[c]];
                b = full;
            }
            if (b) {
                *out = b;
                return WEIR_OK;
            }
            reader_unmap(r);
        }
        if (r->cur + 1 >= r->files.n) return WEIR_OK;
        r->cur++;
        int rc = reader_map(r, r->files.v[r->cur].local, err);
        if (rc != WEIR_OK) return rc;
    }
}

static void file_close_reader(weir_source_reader *rr)
{
    file_reader *r = (file_reader *)rr;
    if (!r) return;
    reader_unmap(r);
    weir_reader_close(r->rd);
    weir_flog_free(&r->files);
    free(r);
}

/* cleanSource: the files of the committed log batch are deleted or moved into
 * sourceArchiveDir (keeping their absolute path); failures are ignored as Spark only warns. */
static int file_commit(weir_source *src, const char *end, weir_error *err)
{
    file_source *s = (file_source *)src;
    if (s->o.clean == CLEAN_OFF) return WEIR_OK;
    int64_t eo;
    if (!parse_log_offset(end, &eo)) return bad_offset(err, end);
    weir_flog_list l = {0};
    int rc = weir_flog_read_batch(s->meta_dir, eo, &l, err);
    for (int i = 0; i < l.n && rc == WEIR_OK; i++) {
        const char *p = l.v[i].local;
        if (s->o.clean == CLEAN_DELETE) {
            unlink(p);
            continue;
        }
        char dst[PATH_MAX * 2];
        size_t al = strlen(s->o.archive_dir);
        while (al > 1 && s->o.archive_dir[al - 1] == '/')
            al--;
        snprintf(dst, sizeof(dst), "%.*s%s", (int)al, s->o.archive_dir, p);
        char *slash = strrchr(dst, '/');
        if (slash && slash != dst) {
            *slash = 0;
            weir_error ignored;
            int mk = weir_src_mkdirs(dst, &ignored);
            *slash = '/';
            if (mk != WEIR_OK) continue;
        }
        if (rename(p, dst) != 0) continue;
    }
    weir_flog_free(&l);
    return rc;
}

static const char *file_describe(weir_source *src)
{
    return ((file_source *)src)->desc;
}

static void file_destroy(weir_source *src)
{
    if (!src) return;
    file_source *s = (file_source *)src;
    seen_free(&s->seen);
    weir_flog_free(&s->unread);
    free(s->abs_path);
    free(s->meta_dir);
    weir_arena_free(&s->arena);
    free(s);
}

static const weir_source_vt file_vt = {file_latest, file_open,     file_next,    file_close_reader,
                                       file_commit, file_describe, file_destroy, file_prepare};

int weir_src_file_create(const weir_source_args *args, weir_source **out, weir_error *err)
{
    *out = NULL;
    file_source *s = calloc(1, sizeof(*s));
    if (!s) return weir_err_nomem(err);
    weir_arena_init(&s->arena, 4096);
    s->base.vt = &file_vt;
    s->has_metadata = -1;
    s->log_offset = -1;
    int rc = weir_src_file_schema(args, &s->arena, &s->base.schema, err);
    if (rc == WEIR_OK) rc = parse_file_opts(args, &s->o, err);
    if (rc == WEIR_OK && !args->metadata_dir)
        rc = weir_err(err, WEIR_EARG, "the file source needs a metadata directory");
    if (rc != WEIR_OK) {
        file_destroy(&s->base);
        return rc;
    }
    s->fmt = weir_format_lookup(args->format);
    int nf = s->base.schema->nfields;
    if (args->want) { /* projection push-down: only the referenced columns are decoded */
        s->want = WEIR_ARENA_NEWN(&s->arena, bool, nf ? nf : 1);
        s->wanted_index = WEIR_ARENA_NEWN(&s->arena, int, nf ? nf : 1);
        if (!s->want || !s->wanted_index) {
            file_destroy(&s->base);
            return weir_err_nomem(err);
        }
        for (int c = 0, k = 0; c < nf; c++) {
            s->want[c] = args->want[c];
            s->wanted_index[c] = args->want[c] ? k++ : -1;
        }
    }
    s->tz = args->conf && args->conf->tz ? args->conf->tz : weir_tz_default();
    s->nopts = args->nopts;
    s->opts = WEIR_ARENA_NEWN(&s->arena, weir_kv, args->nopts ? args->nopts : 1);
    bool oom = !s->opts;
    for (int i = 0; i < args->nopts && !oom; i++) {
        s->opts[i].key = weir_arena_strdup(&s->arena, args->opts[i].key);
        s->opts[i].value = weir_arena_strdup(&s->arena, args->opts[i].value);
        oom = !s->opts[i].key || !s->opts[i].value;
    }
    if (!oom && s->o.archive_dir &&
        !(s->o.archive_dir = weir_arena_strdup(&s->arena, s->o.archive_dir)))
        oom = true;
    const char *path = weir_opt_get(args->opts, args->nopts, "path");
    if (!oom) {
        s->abs_path = weir_src_qualify_path(path);
        s->meta_dir = strdup(args->metadata_dir);
        oom = !s->abs_path || !s->meta_dir;
    }
    if (!oom) {
        s->is_glob = is_glob(s->abs_path);
        if (s->is_glob) s->has_metadata = 0;
        s->desc = weir_arena_sprintf(&s->arena, "FileStreamSource[file:%s]", s->abs_path);
        oom = !s->desc;
    }
    if (oom) {
        file_destroy(&s->base);
        return weir_err_nomem(err);
    }
    /* restore: every file already assigned to a log batch is seen */
    s->seen.max_age_ms = s->o.max_age_ms;
    weir_flog_list logged = {0};
    rc = weir_flog_read_all(s->meta_dir, &logged, err);
    for (int i = 0; i < logged.n && rc == WEIR_OK; i++)
        if (!seen_add(&s->seen, seen_key(s, &logged.v[i]), logged.v[i].ts))
            rc = weir_err_nomem(err);
    weir_flog_free(&logged);
    if (rc == WEIR_OK) rc = weir_flog_latest(s->meta_dir, &s->log_offset, err);
    if (rc != WEIR_OK) {
        file_destroy(&s->base);
        return rc;
    }
    seen_purge(&s->seen);
    *out = &s->base;
    return WEIR_OK;
}
