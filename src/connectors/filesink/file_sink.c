/*
 * File sinks (json, csv, text): Spark's FileStreamSink with its ManifestFileCommitProtocol
 * and FileStreamSinkLog, for exactly-once output into a directory that Spark and weir
 * readers can both consume.
 *
 * Layout (identical to Spark's):
 *   <path>/part-00000-<uuid>-c000.json      data files (".csv", ".txt" for csv and text)
 *   <path>/_spark_metadata/N                the manifest of batch N: a "v1" line, then one
 *                                           SinkFileStatus JSON per file, no final newline
 *   <path>/_spark_metadata/N.compact        every (N+1) % 10 == 0 batch: all live entries
 * A file is part of the output only once the manifest of its batch names it; readers
 * (weir_list_files, Spark's MetadataLogFileIndex) list the manifest, never the directory.
 *
 * Crash safety: rows go to a hidden temporary file (".part-...json.tmp", skipped by plain
 * directory listings), which at commit is fsync'd and renamed to its final name; then the
 * manifest is written to a hidden temporary, fsync'd, linked into place without replacing
 * an existing one, and the directory fsync'd. A batch whose manifest exists is committed:
 * begin() reports skip for it (Spark: batchId <= the log's latest batch is skipped). A
 * crash before the manifest leaves at most a data file no manifest names; it is invisible
 * to readers and deleted (with stale temporaries) when the sink is created again.
 *
 * weir writes one data file per non-empty batch (Spark writes one per task/partition; an
 * empty batch there may still record an empty part-00000 file, weir records none).
 * numOutputRows is -1, as Spark reports for this V1 sink.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "connectors/sinks_internal.h"
#include "connectors/src_internal.h"

#define METADATA_DIR          "_spark_metadata"
#define DEFAULT_COMPACT       10        /* spark.sql.streaming.fileSink.log.compactInterval */
#define MIN_BATCHES_TO_RETAIN 100       /* spark.sql.streaming.minBatchesToRetain */
#define CLEANUP_DELAY_MS      600000    /* spark.sql.streaming.fileSink.log.cleanupDelay */
#define LOCAL_BLOCK_SIZE      33554432  /* Hadoop's fs.local.block.size */
#define FLUSH_BYTES           (1 << 20) /* encoded bytes buffered before a write(2) */

typedef struct file_sink {
    weir_sink base;
    const weir_format *fmt;
    const char *ext;
    weir_writer *w;
    char *dir;      /* absolute, normalized */
    char *meta;     /* dir/_spark_metadata */
    char *uri_dir;  /* "file://" + percent-encoded dir */
    char *describe; /* "FileSink[<path option>]" */
    int interval;   /* compact interval */
    /* current batch */
    bool skip;
    int fd; /* temporary data file, -1 when none */
    char *tmp_path, *final_name;
    weir_strbuf buf;
} file_sink;

/* ---- small file-system helpers ---------------------------------------------------------- */

static int io_err(weir_error *err, const char *what, const char *path)
{
    return weir_err(err, WEIR_EIO, "%s %s: %s", what, path, strerror(errno));
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd);
    if (r != 0 && (errno == EINVAL || errno == EROFS)) r = 0; /* not supported there */
    close(fd);
    return r;
}

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        int r = mkdir(path, 0777);
        *p = '/';
        if (r != 0 && errno != EEXIST) return -1;
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) return -1;
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 2);
    if (!s) return NULL;
    memcpy(s, a, na);
    s[na] = '/';
    memcpy(s + na + 1, b, nb + 1);
    return s;
}

/* A random (version 4) UUID in Java's UUID.toString form. */
static void uuid4(char out[37])
{
    unsigned char b[16];
    ssize_t got = getrandom(b, sizeof b, 0);
    if (got != (ssize_t)sizeof b) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid() ^
                     (uint64_t)(uintptr_t)out;
        for (int i = 0; i < 16; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b[i] = (unsigned char)x;
        }
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = 0;
}

/* java.net.URI's quoting of a path component (as Hadoop's Path.toUri().toString() prints
 * a local file): ASCII characters outside the URI path set become %XX, '%' included;
 * non-ASCII bytes stay as they are. */
static void uri_path_append(weir_strbuf *sb, const char *p)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *s = (const unsigned char *)p; *s; s++) {
        unsigned c = *s;
        bool keep = c >= 0x80 || isalnum((int)c) || (c && strchr("/_-!.~'()*,;:$&+=@", (int)c));
        if (keep) {
            weir_sb_putc(sb, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            weir_sb_append(sb, e, 3);
        }
    }
}

/* ---- the manifest log (CompactibleFileStreamLog) ----------------------------------------- */

typedef struct id_list {
    int64_t *v;
    int n, cap;
    int64_t *compact; /* ids of ".compact" files */
    int ncompact, capcompact;
} id_list;

static int id_push(int64_t **v, int *n, int *cap, int64_t x)
{
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        int64_t *nv = realloc(*v, sizeof(*nv) * (size_t)nc);
        if (!nv) return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = x;
    return 0;
}

static void id_free(id_list *l)
{
    free(l->v);
    free(l->compact);
}

/* Batch id of a log file name ("12" or "12.compact"); -1 for other names. */
static int64_t batch_of_name(const char *name, bool *compact)
{
    const char *p = name;
    int64_t id = 0;
    if (!isdigit((unsigned char)*p)) return -1;
    for (; isdigit((unsigned char)*p); p++) {
        if (id > (INT64_MAX - 9) / 10) return -1;
        id = id * 10 + (*p - '0');
    }
    *compact = false;
    if (*p == 0) return id;
    if (strcmp(p, ".compact") == 0) {
        *compact = true;
        return id;
    }
    return -1;
}

static int cmp_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int list_log(const char *meta, id_list *l)
{
    memset(l, 0, sizeof *l);
    DIR *d = opendir(meta);
    if (!d) return errno == ENOENT ? 0 : -1;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL && rc == 0) {
        bool compact;
        int64_t id = batch_of_name(de->d_name, &compact);
        if (id < 0) continue;
        rc = id_push(&l->v, &l->n, &l->cap, id);
        if (rc == 0 && compact) rc = id_push(&l->compact, &l->ncompact, &l->capcompact, id);
    }
    closedir(d);
    if (rc == 0) {
        if (l->n) qsort(l->v, (size_t)l->n, sizeof(int64_t), cmp_desc);
        if (l->ncompact) qsort(l->compact, (size_t)l->ncompact, sizeof(int64_t), cmp_desc);
    }
    return rc;
}

/* CompactibleFileStreamLog.compactInterval: the default unless existing ".compact" files
 * imply another one. */
static int derive_interval(const id_list *l)
{
    if (l->ncompact >= 2) return (int)(l->compact[0] - l->compact[1]);
    if (l->ncompact == 1) {
        int64_t n = l->compact[0] + 1;
        if (n <= DEFAULT_COMPACT) return (int)n;
        if (DEFAULT_COMPACT < n / 2) {
            for (int64_t i = DEFAULT_COMPACT; i <= n / 2; i++)
                if (n % i == 0) return (int)i;
        }
        return (int)n;
    }
    return DEFAULT_COMPACT;
}

static bool is_compaction(int64_t id, int interval)
{
    return (id + 1) % interval == 0;
}

static char *batch_path(const file_sink *s, int64_t id)
{
    char name[40];
    snprintf(name, sizeof name, "%lld%s", (long long)id,
             is_compaction(id, s->interval) ? ".compact" : "");
    return join(s->meta, name);
}

/* The latest committed batch (Spark's getLatest: the highest id whose file exists under
 * the name the interval gives it), or -1. */
static int latest_batch(const file_sink *s, int64_t *latest, weir_error *err)
{
    id_list l;
    *latest = -1;
    if (list_log(s->meta, &l) != 0) {
        id_free(&l);
        return io_err(err, "Cannot list", s->meta);
    }
    for (int i = 0; i < l.n && *latest < 0; i++) {
        /* listed as "<id>" or "<id>.compact": it counts under the name the interval gives */
        char *p = batch_path(s, l.v[i]);
        if (!p) {
            id_free(&l);
            return weir_err_nomem(err);
        }
        struct stat st;
        if (stat(p, &st) == 0) *latest = l.v[i];
        free(p);
    }
    id_free(&l);
    return WEIR_OK;
}

static int read_file(const char *path, weir_strbuf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buf[65536];
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0) {
            if (errno == EINTR) continue;
            close(fd);
            return -1;
        }
        if (k == 0) break;
        weir_sb_append(out, buf, (size_t)k);
    }
    close(fd);
    return out->oom ? -1 : 0;
}

/* Appends "\n<entry>" for every entry line of batch file `id` (after its version line). */
static int append_entries(const file_sink *s, int64_t id, int64_t compacting, weir_strbuf *out,
                          weir_error *err)
{
    char *p = batch_path(s, id);
    if (!p) return weir_err_nomem(err);
    weir_strbuf text = WEIR_STRBUF_INIT;
    if (read_file(p, &text) != 0) {
        int rc = errno == ENOENT ? weir_err(err, WEIR_EIO,
                                            "file:%s doesn't exist when compacting batch %lld "
                                            "(compactInterval: %d)",
                                            p, (long long)compacting, s->interval)
                                 : io_err(err, "Cannot read", p);
        free(p);
        weir_sb_free(&text);
        return rc;
    }
    const char *t = text.p ? text.p : "";
    const char *e = t + text.len;
    const char *nl = memchr(t, '\n', text.len);
    const char *first_end = nl ? nl : e;
    int rc = WEIR_OK;
    if (first_end - t < 2 || t[0] != 'v') {
        rc = weir_err(err, WEIR_EIO,
                      "Log file was malformed: failed to read correct log version from %.*s.",
                      (int)(first_end - t), t);
    } else {
        long v = strtol(t + 1, NULL, 10);
        if (v > 1)
            rc = weir_err(err, WEIR_EIO,
                          "UnsupportedLogVersion: maximum supported log version is v1, but "
                          "encountered v%ld. The log file was produced by a newer version of "
                          "Spark and cannot be read by this version. Please upgrade.",
                          v);
    }
    for (const char *q = nl; rc == WEIR_OK && q && q < e;) {
        const char *line = q + 1;
        const char *end = memchr(line, '\n', (size_t)(e - line));
        if (!end) end = e;
        if (end > line) {
            weir_sb_putc(out, '\n');
            weir_sb_append(out, line, (size_t)(end - line));
        }
        q = end < e ? end : NULL;
    }
    free(p);
    weir_sb_free(&text);
    return rc;
}

/* Writes `data` as `path`, atomically and never over an existing file: temporary file in
 * the same directory, fsync, hard link into place (EEXIST = another writer got there
 * first), unlink the temporary, fsync the directory. */
static int create_atomic(const char *dir, const char *name, const char *data, size_t len,
                         weir_error *err)
{
    char id[37];
    uuid4(id);
    size_t nt = strlen(name) + 48;
    char *tname = malloc(nt);
    if (!tname) return weir_err_nomem(err);
    snprintf(tname, nt, ".%s.%s.tmp", name, id);
    char *tmp = join(dir, tname), *fin = join(dir, name);
    free(tname);
    if (!tmp || !fin) {
        free(tmp);
        free(fin);
        return weir_err_nomem(err);
    }
    int rc = WEIR_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        rc = io_err(err, "Cannot create", tmp);
    } else {
        if (write_all(fd, data, len) != 0 || fsync(fd) != 0) rc = io_err(err, "Cannot write", tmp);
        if (close(fd) != 0 && rc == WEIR_OK) rc = io_err(err, "Cannot write", tmp);
        if (rc == WEIR_OK && link(tmp, fin) != 0) {
            if (errno == EEXIST) {
                rc = weir_err(err, WEIR_EIO, "Race while writing batch %s", name);
            } else if (access(fin, F_OK) == 0) {
                rc = weir_err(err, WEIR_EIO, "Race while writing batch %s", name);
            } else if (rename(tmp, fin) != 0) { /* a file system without hard links */
                rc = io_err(err, "Cannot rename to", fin);
            }
        }
        unlink(tmp);
        if (rc == WEIR_OK && fsync_dir(dir) != 0) rc = io_err(err, "Cannot sync", dir);
    }
    free(tmp);
    free(fin);
    return rc;
}

/* CompactibleFileStreamLog.deleteExpiredLog: log files older than the compaction batch
 * that keeps minBatchesToRetain batches, once they are older than the cleanup delay. */
static void delete_expired_log(const file_sink *s, int64_t current)
{
    if (s->interval > current + 1 - MIN_BATCHES_TO_RETAIN) return;
    int64_t min_batch = current + 1 - MIN_BATCHES_TO_RETAIN;
    int64_t min_compact = min_batch - (min_batch % s->interval) - 1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t expired = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 - CLEANUP_DELAY_MS;
    DIR *d = opendir(s->meta);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        bool compact;
        int64_t id = batch_of_name(de->d_name, &compact);
        if (id < 0 || id >= min_compact) continue;
        char *p = join(s->meta, de->d_name);
        struct stat st;
        if (p && stat(p, &st) == 0 &&
            (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000 <= expired)
            unlink(p);
        free(p);
    }
    closedir(d);
}

/* ---- recovery ------------------------------------------------------------------------------ */

/* "part-NNNNN-<uuid>-cNNN<ext>": a data file name this protocol produces. */
static bool is_part_name(const char *n, const char *ext)
{
    size_t len = strlen(n), el = strlen(ext);
    if (len != 5 + 5 + 1 + 36 + 5 + el || strncmp(n, "part-", 5) != 0) return false;
    for (int i = 5; i < 10; i++)
        if (!isdigit((unsigned char)n[i])) return false;
    if (n[10] != '-' || n[47] != '-' || n[48] != 'c') return false;
    for (int i = 49; i < 52; i++)
        if (!isdigit((unsigned char)n[i])) return false;
    return strcmp(n + 52, ext) == 0;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* After a crash: removes our stale temporaries and data files that no committed manifest
 * names (written by a batch that never committed, so never visible to a reader). */
static void recover(file_sink *s)
{
    DIR *d = opendir(s->meta);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            size_t n = strlen(de->d_name);
            if (de->d_name[0] == '.' && n > 5 && strcmp(de->d_name + n - 4, ".tmp") == 0) {
                char *p = join(s->meta, de->d_name);
                if (p) unlink(p);
                free(p);
            }
        }
        closedir(d);
    }
    /* Data files: only when the manifest is readable, and compared by file name (the
     * names carry a UUID) so that a manifest written through another path to the same
     * directory (a symlink, another mount) never makes a committed file look orphaned. */
    if (strpbrk(s->dir, "*?[{")) return; /* weir_list_files would glob such a path */
    weir_arena a;
    weir_arena_init(&a, 0);
    const char **live = NULL;
    int nlive = 0;
    weir_error e;
    if (weir_list_files(s->dir, &a, &live, &nlive, &e) != WEIR_OK) {
        weir_arena_free(&a);
        return;
    }
    for (int i = 0; i < nlive; i++) {
        const char *slash = strrchr(live[i], '/');
        if (slash) live[i] = slash + 1;
    }
    if (nlive) qsort(live, (size_t)nlive, sizeof(char *), cmp_cstr);
    d = opendir(s->dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            const char *nm = de->d_name;
            size_t n = strlen(nm);
            bool tmp = nm[0] == '.' && n > 5 && strcmp(nm + n - 4, ".tmp") == 0 &&
                       strncmp(nm + 1, "part-", 5) == 0;
            bool part = !tmp && is_part_name(nm, s->ext);
            if (!tmp && !part) continue;
            if (part && nlive && bsearch(&nm, live, (size_t)nlive, sizeof(char *), cmp_cstr))
                continue;
            char *p = join(s->dir, nm);
            if (p) unlink(p);
            free(p);
        }
        closedir(d);
    }
    weir_arena_free(&a);
}

/* ---- the sink ------------------------------------------------------------------------------ */

static void drop_temp(file_sink *s)
{
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->tmp_path) unlink(s->tmp_path);
    free(s->tmp_path);
    free(s->final_name);
    s->tmp_path = s->final_name = NULL;
    weir_sb_reset(&s->buf);
}

static int file_begin(weir_sink *k, int64_t batch_id, bool *skip, weir_error *err)
{
    file_sink *s = (file_sink *)k;
    drop_temp(s);
    int64_t latest;
    int rc = latest_batch(s, &latest, err);
    if (rc != WEIR_OK) return rc;
    s->skip = batch_id <= latest;
    *skip = s->skip;
    return WEIR_OK;
}

static int flush_buf(file_sink *s, weir_error *err)
{
    if (s->buf.len && write_all(s->fd, s->buf.p, s->buf.len) != 0)
        return io_err(err, "Cannot write", s->tmp_path);
    weir_sb_reset(&s->buf);
    return WEIR_OK;
}

static int file_write(weir_sink *k, const weir_batch *b, weir_error *err)
{
    file_sink *s = (file_sink *)k;
    if (s->skip || b->nrows == 0) return WEIR_OK;
    if (s->fd < 0) {
        char id[37];
        uuid4(id);
        size_t n = strlen(id) + strlen(s->ext) + 32;
        char *name = malloc(n), *tname = malloc(n + 8);
        if (!name || !tname) {
            free(name);
            free(tname);
            return weir_err_nomem(err);
        }
        /* one task (split 0) and one file per batch */
        snprintf(name, n, "part-00000-%s-c000%s", id, s->ext);
        snprintf(tname, n + 8, ".%s.tmp", name);
        s->final_name = name;
        s->tmp_path = join(s->dir, tname);
        free(tname);
        if (!s->tmp_path) return weir_err_nomem(err);
        s->fd = open(s->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (s->fd < 0) {
            int rc = io_err(err, "Cannot create", s->tmp_path);
            free(s->tmp_path);
            s->tmp_path = NULL;
            return rc;
        }
        weir_writer_begin(s->w, &s->buf);
    }
    int rc = weir_writer_write(s->w, b, &s->buf, err);
    if (rc == WEIR_OK && s->buf.oom) rc = weir_err_nomem(err);
    if (rc == WEIR_OK && s->buf.len >= FLUSH_BYTES) rc = flush_buf(s, err);
    return rc;
}

static void entry_json(const file_sink *s, const char *name, const struct stat *st,
                       weir_strbuf *out)
{
    weir_sb_puts(out, "\n{\"path\":\"");
    weir_sb_puts(out, s->uri_dir);
    weir_sb_putc(out, '/');
    uri_path_append(out, name);
    weir_sb_printf(out,
                   "\",\"size\":%lld,\"isDir\":false,\"modificationTime\":%lld,"
                   "\"blockReplication\":1,\"blockSize\":%d,\"action\":\"add\"}",
                   (long long)st->st_size,
                   (long long)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000,
                   LOCAL_BLOCK_SIZE);
}

static int file_commit(weir_sink *k, int64_t batch_id, int64_t *rows_out, weir_error *err)
{
    file_sink *s = (file_sink *)k;
    if (rows_out) *rows_out = -1; /* a V1 sink: Spark reports no row count */
    if (s->skip) {
        drop_temp(s);
        return WEIR_OK;
    }
    int rc = WEIR_OK;
    char *renamed = NULL; /* the data file once it has its final name */
    weir_strbuf man = WEIR_STRBUF_INIT;
    weir_sb_puts(&man, "v1");
    if (is_compaction(batch_id, s->interval)) {
        int64_t from = batch_id - s->interval > 0 ? batch_id - s->interval : 0;
        for (int64_t id = from; id < batch_id && rc == WEIR_OK; id++)
            rc = append_entries(s, id, batch_id, &man, err);
    }
    if (rc == WEIR_OK && s->fd >= 0) {
        rc = flush_buf(s, err);
        if (rc == WEIR_OK && fsync(s->fd) != 0) rc = io_err(err, "Cannot sync", s->tmp_path);
        if (close(s->fd) != 0 && rc == WEIR_OK) rc = io_err(err, "Cannot write", s->tmp_path);
        s->fd = -1;
        char *fin = rc == WEIR_OK ? join(s->dir, s->final_name) : NULL;
        if (rc == WEIR_OK && !fin) rc = weir_err_nomem(err);
        if (rc == WEIR_OK && rename(s->tmp_path, fin) != 0)
            rc = io_err(err, "Cannot rename to", fin);
        if (rc == WEIR_OK) {
            free(s->tmp_path);
            s->tmp_path = NULL;
            renamed = fin;
            fin = NULL;
            if (fsync_dir(s->dir) != 0) rc = io_err(err, "Cannot sync", s->dir);
        }
        struct stat st;
        if (rc == WEIR_OK && stat(renamed, &st) != 0) rc = io_err(err, "Cannot stat", renamed);
        if (rc == WEIR_OK) entry_json(s, s->final_name, &st, &man);
        free(fin);
    }
    if (rc == WEIR_OK && man.oom) rc = weir_err_nomem(err);
    if (rc == WEIR_OK) {
        char name[40];
        snprintf(name, sizeof name, "%lld%s", (long long)batch_id,
                 is_compaction(batch_id, s->interval) ? ".compact" : "");
        rc = create_atomic(s->meta, name, man.p, man.len, err);
        /* Spark's abortJob: a data file no manifest names is removed (best effort) */
        char *mp = rc != WEIR_OK && renamed ? join(s->meta, name) : NULL;
        if (mp && access(mp, F_OK) != 0) unlink(renamed);
        free(mp);
    } else if (renamed) {
        unlink(renamed);
    }
    free(renamed);
    weir_sb_free(&man);
    drop_temp(s);
    if (rc == WEIR_OK) delete_expired_log(s, batch_id);
    return rc;
}

static void file_abort(weir_sink *k)
{
    drop_temp((file_sink *)k);
}

static const char *file_describe(weir_sink *k)
{
    return ((file_sink *)k)->describe;
}

static void file_destroy(weir_sink *k)
{
    file_sink *s = (file_sink *)k;
    if (!s) return;
    drop_temp(s);
    weir_writer_close(s->w);
    weir_sb_free(&s->buf);
    free(s->dir);
    free(s->meta);
    free(s->uri_dir);
    free(s->describe);
    free(s);
}

static const weir_sink_vt file_vt = {
    file_begin, file_write, file_commit, file_abort, file_describe, file_destroy,
};

int weir_file_sink_check(const weir_sink_args *args, weir_error *err)
{
    /* DataSource.createSink: the path first, then the output mode */
    const char *path = weir_opt_get(args->opts, args->nopts, "path");
    if (!path) return weir_err(err, WEIR_EARG, "'path' is not specified.");
    if (!*path) return weir_err(err, WEIR_EARG, "Can not create a Path from an empty string");
    if (args->mode != WEIR_OUTPUT_APPEND)
        return weir_err(err, WEIR_EANALYSIS, "Data source %s does not support %s output mode.",
                        args->format, weir_output_mode_name(args->mode));
    const char *codec = weir_opt_get(args->opts, args->nopts, "compression");
    if (!codec) codec = weir_opt_get(args->opts, args->nopts, "codec");
    if (codec && strcasecmp(codec, "none") != 0 && strcasecmp(codec, "uncompressed") != 0)
        return weir_err(err, WEIR_EUNSUPPORTED,
                        "The %s file sink of weir does not support compression '%s'.", args->format,
                        codec);
    return weir_format_check_options(weir_format_lookup(args->format), args->opts, args->nopts,
                                     err);
}

int weir_file_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err)
{
    *out = NULL;
    int rc = weir_file_sink_check(args, err);
    if (rc != WEIR_OK) return rc;
    const weir_format *fmt = weir_format_lookup(args->format);
    const char *path = weir_opt_get(args->opts, args->nopts, "path");
    file_sink *s = calloc(1, sizeof(*s));
    if (!s) return weir_err_nomem(err);
    s->base.vt = &file_vt;
    s->fd = -1;
    s->fmt = fmt;
    const char *fname = weir_format_name(fmt);
    s->ext = strcmp(fname, "json") == 0 ? ".json" : strcmp(fname, "csv") == 0 ? ".csv" : ".txt";
    const weir_tz *tz = args->conf && args->conf->tz ? args->conf->tz : weir_tz_default();
    rc = weir_writer_open(fmt, args->schema, args->opts, args->nopts, tz, &s->w, err);
    if (rc != WEIR_OK) {
        file_destroy(&s->base);
        return rc;
    }
    s->dir = weir_src_qualify_path(path);
    s->meta = s->dir ? join(s->dir, METADATA_DIR) : NULL;
    size_t dn = strlen(path) + 16;
    s->describe = malloc(dn);
    if (!s->dir || !s->meta || !s->describe) {
        file_destroy(&s->base);
        return weir_err_nomem(err);
    }
    snprintf(s->describe, dn, "FileSink[%s]", path);
    weir_strbuf u = WEIR_STRBUF_INIT;
    weir_sb_puts(&u, "file://");
    uri_path_append(&u, strcmp(s->dir, "/") == 0 ? "" : s->dir);
    if (u.oom) {
        weir_sb_free(&u);
        file_destroy(&s->base);
        return weir_err_nomem(err);
    }
    s->uri_dir = weir_sb_take(&u);
    /* Spark's FileStreamSinkLog creates the metadata directory when the sink is made. */
    if (mkdir_p(s->meta) != 0) {
        rc = io_err(err, "Cannot create directory", s->meta);
        file_destroy(&s->base);
        return rc;
    }
    id_list l;
    if (list_log(s->meta, &l) != 0) {
        id_free(&l);
        rc = io_err(err, "Cannot list", s->meta);
        file_destroy(&s->base);
        return rc;
    }
    s->interval = derive_interval(&l);
    id_free(&l);
    if (s->interval <= 0) s->interval = DEFAULT_COMPACT;
    recover(s);
    *out = &s->base;
    return WEIR_OK;
}
