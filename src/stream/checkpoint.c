/*
 * The checkpoint directory in Spark's layout, so a query can restart from where it
 * stopped and so weir and Spark 3.5 read each other's logs:
 *
 *   <dir>/metadata     {"id":"<uuid>"}                         (StreamMetadata)
 *   <dir>/offsets/N    v1 \n metadata JSON \n one offset per source ("-": none)  (OffsetSeqLog)
 *   <dir>/commits/N    v1 \n {"nextBatchWatermarkMs":W}       (CommitLog)
 *   <dir>/sources/<i>/ each source's own log
 *
 * Why the care: offsets/N is the write-ahead record that makes a re-run of batch N after a
 * crash read exactly the same input, and commits/N is what says the sink has it. A torn
 * or half-visible file would either lose that guarantee or wedge the query, so every file
 * is written to a temporary name, fsync'd, renamed into place and the directory fsync'd.
 * A log entry is never replaced by different content (Spark's HDFSMetadataLog.add refuses
 * too): writing an entry again with the same bytes succeeds (a replay), with other bytes
 * it fails as Spark's CONCURRENT_STREAM_LOG_UPDATE. Reading is defensive: a truncated or
 * garbled file is reported with its name, never trusted.
 */
#include "stream/checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stream/sjson.h"

#define LOG_VERSION       1                  /* OffsetSeqLog.VERSION, CommitLog's v1 */
#define MAX_LOG_FILE_SIZE (64 * 1024 * 1024) /* far above any real offsets file */

/* ---- Spark's conf entries --------------------------------------------------------------- */

const weir_kv weir_spark35_offset_conf[] = {
    {"spark.sql.streaming.stateStore.providerClass",
     "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"},
    {"spark.sql.streaming.join.stateFormatVersion", "2"},
    {"spark.sql.streaming.stateStore.compression.codec", "lz4"},
    {"spark.sql.streaming.stateStore.rocksdb.formatVersion", "5"},
    {"spark.sql.streaming.statefulOperator.useStrictDistribution", "true"},
    {"spark.sql.streaming.flatMapGroupsWithState.stateFormatVersion", "2"},
    {"spark.sql.streaming.multipleWatermarkPolicy", "min"},
    {"spark.sql.streaming.aggregation.stateFormatVersion", "2"},
    {"spark.sql.shuffle.partitions", "200"},
};
const int weir_spark35_offset_nconf =
    (int)(sizeof(weir_spark35_offset_conf) / sizeof(weir_spark35_offset_conf[0]));

const char *weir_checkpoint_legacy_conf_default(const char *key)
{
    static const weir_kv legacy[] = {
        {"spark.sql.streaming.multipleWatermarkPolicy", "min"},
        {"spark.sql.streaming.flatMapGroupsWithState.stateFormatVersion", "1"},
        {"spark.sql.streaming.aggregation.stateFormatVersion", "1"},
        {"spark.sql.streaming.join.stateFormatVersion", "1"},
        {"spark.sql.streaming.stateStore.compression.codec", "lz4"},
        {"spark.sql.streaming.statefulOperator.useStrictDistribution", "false"},
    };
    for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
        if (strcmp(legacy[i].key, key) == 0) return legacy[i].value;
    return NULL;
}

/* ---- small file-system helpers ---------------------------------------------------------- */

static char *join2(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = malloc(na + nb + 2);
    if (!p) return NULL;
    memcpy(p, a, na);
    p[na] = '/';
    memcpy(p + na + 1, b, nb + 1);
    return p;
}

static char *batch_path(const weir_checkpoint *cp, const char *log, int64_t batch_id)
{
    char name[64];
    snprintf(name, sizeof(name), "%s/%lld", log, (long long)batch_id);
    return join2(cp->dir, name);
}

/* Random (version 4) UUID text, as java.util.UUID.randomUUID().toString(). */
static int uuid4(char out[37], weir_error *err)
{
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof(b)) {
        ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        got += (size_t)n;
    }
    if (got < sizeof(b)) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, b, sizeof(b)) : -1;
        if (fd >= 0) close(fd);
        if (n != (ssize_t)sizeof(b))
            return weir_err(err, WEIR_EIO, "Cannot generate a random UUID: %s", strerror(errno));
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = 0;
    return WEIR_OK;
}

/* mkdir -p */
static int make_dirs(const char *path, weir_error *err)
{
    char *p = strdup(path);
    if (!p) return weir_err_nomem(err);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != 0) continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            int rc = weir_err(err, WEIR_EIO, "Cannot create directory %s: %s", p, strerror(errno));
            free(p);
            return rc;
        }
        *s = c;
        if (c == 0) break;
    }
    struct stat st;
    int st_rc = stat(p, &st);
    if (st_rc != 0 || !S_ISDIR(st.st_mode)) {
        int rc = weir_err(err, WEIR_EIO, "Cannot create directory %s: %s", p,
                          st_rc != 0 ? strerror(errno) : strerror(ENOTDIR));
        free(p);
        return rc;
    }
    free(p);
    return WEIR_OK;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Reads a whole file (NUL-terminated, malloc'd). Returns 0, or errno (ENOENT: missing). */
static int read_all(const char *path, char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > MAX_LOG_FILE_SIZE) {
        close(fd);
        return S_ISDIR(st.st_mode) ? EISDIR : EFBIG;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return ENOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > MAX_LOG_FILE_SIZE) {
                free(buf);
                close(fd);
                return EFBIG;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                close(fd);
                return ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            close(fd);
            return e;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    /* some file systems cannot fsync a directory; the rename itself is still atomic */
    if (rc != 0 && (errno == EINVAL || errno == ENOTSUP)) rc = 0;
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Writes data to a new hidden file beside `path` (as Spark's CheckpointFileManager:
 * ".<name>.<uuid>.tmp") and fsyncs it. *tmp_out is malloc'd. */
static int write_temp(const char *path, const char *data, size_t len, char **tmp_out,
                      char **dir_out, weir_error *err)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    const char *base = slash ? slash + 1 : path;
    char id[37];
    int rc = dir ? uuid4(id, err) : weir_err_nomem(err);
    if (rc != WEIR_OK) {
        free(dir);
        return rc;
    }
    size_t tn = strlen(dir) + strlen(base) + 48;
    char *tmp = malloc(tn);
    if (!tmp) {
        free(dir);
        return weir_err_nomem(err);
    }
    snprintf(tmp, tn, "%s/.%s.%s.tmp", dir, base, id);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
        free(tmp);
        free(dir);
        return rc;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            break;
        }
        off += (size_t)w;
    }
    if (off < len || fsync(fd) != 0) {
        rc = weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        free(dir);
        return rc;
    }
    if (close(fd) != 0) {
        rc = weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        free(dir);
        return rc;
    }
    *tmp_out = tmp;
    *dir_out = dir;
    return WEIR_OK;
}

int weir_write_file_atomic(const char *path, const char *data, size_t len, weir_error *err)
{
    char *tmp, *dir;
    int rc = write_temp(path, data, len, &tmp, &dir, err);
    if (rc != WEIR_OK) return rc;
    if (rename(tmp, path) != 0) {
        rc = weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    } else if (fsync_dir(dir) != 0) {
        rc = weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
    }
    free(tmp);
    free(dir);
    return rc;
}

/* As weir_write_file_atomic, but never replaces an existing file: *exists is set instead. */
static int write_file_new(const char *path, const char *data, size_t len, bool *exists,
                          weir_error *err)
{
    *exists = false;
    char *tmp, *dir;
    int rc = write_temp(path, data, len, &tmp, &dir, err);
    if (rc != WEIR_OK) return rc;
    int r = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
    if (r != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
        /* no RENAME_NOREPLACE on this file system: a hard link fails the same way on EEXIST */
        r = link(tmp, path);
        if (r == 0) unlink(tmp);
    }
    if (r != 0) {
        if (errno == EEXIST)
            *exists = true;
        else
            rc = weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    } else if (fsync_dir(dir) != 0) {
        rc = weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
    }
    free(tmp);
    free(dir);
    return rc;
}

/* Writes log entry `path` for batch_id; an existing entry must hold the same bytes. */
static int add_log_entry(const char *path, int64_t batch_id, const char *data, size_t len,
                         weir_error *err)
{
    bool exists;
    int rc = write_file_new(path, data, len, &exists, err);
    if (rc != WEIR_OK || !exists) return rc;
    char *old;
    size_t old_len;
    int e = read_all(path, &old, &old_len);
    if (e != 0) return weir_err(err, WEIR_EIO, "Cannot read %s: %s", path, strerror(e));
    bool same = old_len == len && memcmp(old, data, len) == 0;
    free(old);
    if (same) return WEIR_OK;
    return weir_err(err, WEIR_ERUNTIME,
                    "[CONCURRENT_STREAM_LOG_UPDATE] Concurrent update to the log. Multiple "
                    "streaming jobs detected for %lld.\nPlease make sure only one streaming job "
                    "runs on a specific checkpoint location at a time.",
                    (long long)batch_id);
}

/* ---- open / close ----------------------------------------------------------------------- */

static bool is_uuid(const char *s, size_t n)
{
    if (n != 36) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-'
                 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

/* Reads or creates <dir>/metadata and sets cp->query_id. */
static int load_metadata(weir_checkpoint *cp, weir_error *err)
{
    char *path = join2(cp->dir, "metadata");
    if (!path) return weir_err_nomem(err);
    char *text;
    size_t len;
    int e = read_all(path, &text, &len);
    int rc = WEIR_OK;
    if (e == ENOENT) {
        char id[37];
        rc = uuid4(id, err);
        if (rc == WEIR_OK) {
            char json[64];
            int n = snprintf(json, sizeof(json), "{\"id\":\"%s\"}", id);
            rc = weir_write_file_atomic(path, json, (size_t)n, err);
        }
        if (rc == WEIR_OK && !(cp->query_id = strdup(id))) rc = weir_err_nomem(err);
    } else if (e != 0) {
        rc =
            weir_err(err, WEIR_EIO, "Error reading stream metadata from %s: %s", path, strerror(e));
    } else {
        weir_arena a;
        weir_arena_init(&a, 1024);
        const char *why = "the \"id\" field is missing";
        const weir_sjson *doc = weir_sjson_parse(text, len, false, &a, &why);
        const weir_sjson *id = doc ? weir_sjson_get(doc, "id") : NULL;
        if (doc && doc->kind != WEIR_SJ_OBJECT) why = "not a JSON object";
        if (!id || id->kind != WEIR_SJ_STRING) {
            if (id) why = "\"id\" is not a string";
            rc = weir_err(err, WEIR_ERUNTIME,
                          "Error reading stream metadata from %s: the file is corrupt (%s)", path,
                          why);
        } else if (!is_uuid(id->text, id->len)) {
            rc = weir_err(err, WEIR_ERUNTIME, "Invalid UUID string: %s", id->text);
        } else if (!(cp->query_id = strdup(id->text))) {
            rc = weir_err_nomem(err);
        }
        weir_arena_free(&a);
        free(text);
    }
    free(path);
    return rc;
}

int weir_checkpoint_open(const char *dir, weir_checkpoint *cp, weir_error *err)
{
    memset(cp, 0, sizeof(*cp));
    int rc;
    if (!dir) {
        /* Spark: Utils.createTempDir(namePrefix = "temporary") under java.io.tmpdir */
        const char *root = getenv("TMPDIR");
        if (!root || root[0] != '/') root = "/tmp";
        char id[37];
        if ((rc = uuid4(id, err)) != WEIR_OK) return rc;
        size_t n = strlen(root) + 64;
        cp->dir = malloc(n);
        if (!cp->dir) return weir_err_nomem(err);
        snprintf(cp->dir, n, "%s/temporary-%s", root, id);
        size_t l = strlen(cp->dir);
        while (l > 1 && cp->dir[l - 1] == '/')
            cp->dir[--l] = 0;
        if (mkdir(cp->dir, 0755) != 0) {
            rc =
                weir_err(err, WEIR_EIO, "Cannot create directory %s: %s", cp->dir, strerror(errno));
            free(cp->dir);
            cp->dir = NULL;
            return rc;
        }
        cp->temporary = true;
    } else {
        if (!dir[0]) return weir_err(err, WEIR_EARG, "Can not create a Path from an empty string");
        if (dir[0] == '/') {
            cp->dir = strdup(dir);
        } else {
            char *cwd = getcwd(NULL, 0);
            if (!cwd) return weir_err(err, WEIR_EIO, "Cannot resolve %s: %s", dir, strerror(errno));
            cp->dir = join2(cwd, dir);
            free(cwd);
        }
        if (!cp->dir) return weir_err_nomem(err);
        size_t l = strlen(cp->dir);
        while (l > 1 && cp->dir[l - 1] == '/')
            cp->dir[--l] = 0;
    }
    if ((rc = make_dirs(cp->dir, err)) != WEIR_OK) goto fail;
    static const char *const logs[] = {"offsets", "commits"};
    for (int i = 0; i < 2; i++) {
        char *p = join2(cp->dir, logs[i]);
        if (!p) {
            rc = weir_err_nomem(err);
            goto fail;
        }
        rc = make_dirs(p, err);
        free(p);
        if (rc != WEIR_OK) goto fail;
    }
    if ((rc = load_metadata(cp, err)) != WEIR_OK) goto fail;
    return WEIR_OK;
fail:
    weir_checkpoint_close(cp, cp->temporary);
    return rc;
}

void weir_checkpoint_close(weir_checkpoint *cp, bool clean_stop)
{
    if (!cp) return;
    if (cp->temporary && clean_stop && cp->dir) nftw(cp->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(cp->dir);
    free(cp->query_id);
    memset(cp, 0, sizeof(*cp));
}

char *weir_checkpoint_subdir(const weir_checkpoint *cp, const char *sub, weir_error *err)
{
    char *p = join2(cp->dir, sub);
    if (!p) {
        weir_err_nomem(err);
        return NULL;
    }
    size_t l = strlen(p);
    while (l > 1 && p[l - 1] == '/')
        p[--l] = 0;
    if (make_dirs(p, err) != WEIR_OK) {
        free(p);
        return NULL;
    }
    return p;
}

/* ---- latest batch ids ------------------------------------------------------------------- */

/* HDFSMetadataLog.isBatchFile: the name is a number (temporary ".N.<uuid>.tmp" and
 * checksum ".N.crc" files are not). */
static bool batch_name(const char *name, int64_t *id)
{
    if (!name[0] || strlen(name) > 18) return false;
    int64_t v = 0;
    for (const char *s = name; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (*s - '0');
    }
    *id = v;
    return true;
}

static int latest_in(const weir_checkpoint *cp, const char *log, int64_t *out, weir_error *err)
{
    *out = -1;
    char *path = join2(cp->dir, log);
    if (!path) return weir_err_nomem(err);
    DIR *d = opendir(path);
    if (!d) {
        int rc = errno == ENOENT
                     ? WEIR_OK
                     : weir_err(err, WEIR_EIO, "Cannot list %s: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int64_t id;
        if (batch_name(de->d_name, &id) && id > *out) *out = id;
    }
    closedir(d);
    free(path);
    return WEIR_OK;
}

int weir_checkpoint_latest(const weir_checkpoint *cp, int64_t *last_offsets, int64_t *last_commit,
                           weir_error *err)
{
    int64_t o, c;
    int rc = latest_in(cp, "offsets", &o, err);
    if (rc == WEIR_OK) rc = latest_in(cp, "commits", &c, err);
    if (rc != WEIR_OK) return rc;
    if (last_offsets) *last_offsets = o;
    if (last_commit) *last_commit = c;
    return WEIR_OK;
}

/* ---- reading log entries ---------------------------------------------------------------- */

/* Error prefix as Spark's HDFSMetadataLog: "Failed to read log file <path>. ..." */
static int corrupt(weir_error *err, const char *path, const char *why)
{
    return weir_err(err, WEIR_ERUNTIME,
                    "Failed to read log file file:%s. The log file is corrupt: %s.", path, why);
}

/* Reads a log entry and splits it into lines (BufferedReader.readLine: \n, \r\n or \r end a
 * line; no empty line after a final terminator). Lines are NUL-terminated in *text. */
static int read_lines(const char *path, char **text, char ***lines, int *nlines, weir_error *err)
{
    size_t len;
    int e = read_all(path, text, &len);
    if (e == ENOENT)
        return weir_err(err, WEIR_ERUNTIME,
                        "[BATCH_METADATA_NOT_FOUND] Unable to find batch file:%s.", path);
    if (e != 0) return weir_err(err, WEIR_EIO, "Cannot read %s: %s", path, strerror(e));
    if (memchr(*text, 0, len)) {
        free(*text);
        return corrupt(err, path, "it contains NUL bytes");
    }
    int cap = 8, n = 0;
    char **ls = malloc(sizeof(*ls) * (size_t)cap);
    if (!ls) {
        free(*text);
        return weir_err_nomem(err);
    }
    char *p = *text, *end = *text + len;
    while (p < end) {
        char *q = p;
        while (q < end && *q != '\n' && *q != '\r')
            q++;
        if (n == cap) {
            char **nl = realloc(ls, sizeof(*ls) * (size_t)cap * 2);
            if (!nl) {
                free(ls);
                free(*text);
                return weir_err_nomem(err);
            }
            ls = nl;
            cap *= 2;
        }
        ls[n++] = p;
        char *next = q;
        if (q < end) next = (*q == '\r' && q + 1 < end && q[1] == '\n') ? q + 2 : q + 1;
        *q = 0;
        p = next;
    }
    *lines = ls;
    *nlines = n;
    return WEIR_OK;
}

/* MetadataVersionUtil.validateVersion with Spark's messages. */
static int check_version(const char *path, const char *line, weir_error *err)
{
    bool ok = line[0] == 'v' && line[1];
    long long v = 0;
    for (const char *s = line + 1; ok && *s; s++) {
        if (*s < '0' || *s > '9' || v > 1000000000)
            ok = false;
        else
            v = v * 10 + (*s - '0');
    }
    if (!ok || v <= 0)
        return weir_err(err, WEIR_ERUNTIME,
                        "Failed to read log file file:%s. Log file was malformed: failed to read "
                        "correct log version from %.64s.",
                        path, line);
    if (v > LOG_VERSION)
        return weir_err(err, WEIR_ERUNTIME,
                        "Failed to read log file file:%s. UnsupportedLogVersion: maximum supported "
                        "log version is v%d, but encountered v%lld. The log file was produced by a "
                        "newer version of Spark and cannot be read by this version. Please "
                        "upgrade.",
                        path, LOG_VERSION, v);
    return WEIR_OK;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

/* An optional long field of a metadata object (missing or null: the default). */
static bool get_long(const weir_sjson *obj, const char *key, int64_t dflt, int64_t *out)
{
    const weir_sjson *v = weir_sjson_get(obj, key);
    if (!v || v->kind == WEIR_SJ_NULL) {
        *out = dflt;
        return true;
    }
    return weir_sjson_int64(v, out);
}

static int parse_offset_metadata(const char *path, char *line, weir_arena *a, weir_offset_entry *e,
                                 weir_error *err)
{
    line = trim(line);
    if (!line[0]) return WEIR_OK; /* OffsetSeq without metadata (Spark 2.1 logs) */
    const char *why = NULL;
    const weir_sjson *md = weir_sjson_parse(line, strlen(line), false, a, &why);
    if (!md) {
        char buf[128];
        snprintf(buf, sizeof(buf), "bad metadata line (%s)", why);
        return corrupt(err, path, buf);
    }
    if (md->kind != WEIR_SJ_OBJECT) return corrupt(err, path, "the metadata line is not an object");
    if (!get_long(md, "batchWatermarkMs", 0, &e->batch_watermark_ms))
        return corrupt(err, path, "batchWatermarkMs is not a long");
    if (!get_long(md, "batchTimestampMs", 0, &e->batch_timestamp_ms))
        return corrupt(err, path, "batchTimestampMs is not a long");
    const weir_sjson *conf = weir_sjson_get(md, "conf");
    if (!conf || conf->kind == WEIR_SJ_NULL) return WEIR_OK;
    if (conf->kind != WEIR_SJ_OBJECT) return corrupt(err, path, "conf is not an object");
    e->conf_keys = WEIR_ARENA_NEWN(a, const char *, conf->n + 1);
    e->conf_values = WEIR_ARENA_NEWN(a, const char *, conf->n + 1);
    if (!e->conf_keys || !e->conf_values) return weir_err_nomem(err);
    for (int i = 0; i < conf->n; i++) {
        const weir_sjson *v = conf->items[i];
        const char *val;
        if (v->kind == WEIR_SJ_STRING || v->kind == WEIR_SJ_INT)
            val = v->text;
        else if (v->kind == WEIR_SJ_BOOL)
            val = v->b ? "true" : "false";
        else
            return corrupt(err, path, "a conf value is not a string");
        e->conf_keys[e->nconf] = conf->keys[i];
        e->conf_values[e->nconf] = val;
        e->nconf++;
    }
    return WEIR_OK;
}

int weir_checkpoint_read_offsets(const weir_checkpoint *cp, int64_t batch_id, weir_arena *a,
                                 weir_offset_entry *e, weir_error *err)
{
    memset(e, 0, sizeof(*e));
    e->batch_id = batch_id;
    char *path = batch_path(cp, "offsets", batch_id);
    if (!path) return weir_err_nomem(err);
    char *text = NULL, **lines = NULL;
    int n = 0;
    int rc = read_lines(path, &text, &lines, &n, err);
    if (rc != WEIR_OK) {
        free(path);
        return rc;
    }
    if (n == 0)
        rc = corrupt(err, path, "the file is empty");
    else
        rc = check_version(path, lines[0], err);
    if (rc == WEIR_OK)
        rc = n < 2 ? corrupt(err, path, "the metadata line is missing")
                   : parse_offset_metadata(path, lines[1], a, e, err);
    if (rc == WEIR_OK) {
        e->nsources = n - 2;
        e->offsets = WEIR_ARENA_NEWN(a, const char *, e->nsources + 1);
        if (!e->offsets) rc = weir_err_nomem(err);
        for (int i = 0; rc == WEIR_OK && i < e->nsources; i++) {
            const char *line = lines[i + 2];
            if (strcmp(line, "-") == 0) continue; /* SERIALIZED_VOID_OFFSET */
            const char *why = NULL;
            if (!weir_sjson_parse(line, strlen(line), false, a, &why)) {
                char buf[160];
                snprintf(buf, sizeof(buf), "the offset of source %d is not JSON (%s)", i, why);
                rc = corrupt(err, path, buf);
            } else if (!(e->offsets[i] = weir_arena_strdup(a, line))) {
                rc = weir_err_nomem(err);
            }
        }
    }
    if (rc != WEIR_OK) {
        memset(e, 0, sizeof(*e));
        e->batch_id = batch_id;
    }
    free(lines);
    free(text);
    free(path);
    return rc;
}

int weir_checkpoint_read_commit(const weir_checkpoint *cp, int64_t batch_id,
                                int64_t *next_watermark_ms, weir_error *err)
{
    *next_watermark_ms = 0;
    char *path = batch_path(cp, "commits", batch_id);
    if (!path) return weir_err_nomem(err);
    char *text = NULL, **lines = NULL;
    int n = 0;
    int rc = read_lines(path, &text, &lines, &n, err);
    if (rc != WEIR_OK) {
        free(path);
        return rc;
    }
    if (n == 0) {
        rc = corrupt(err, path, "the file is empty");
    } else if ((rc = check_version(path, trim(lines[0]), err)) == WEIR_OK && n >= 2) {
        weir_arena a;
        weir_arena_init(&a, 1024);
        const char *why = NULL;
        char *line = trim(lines[1]);
        const weir_sjson *md = weir_sjson_parse(line, strlen(line), false, &a, &why);
        char buf[128];
        if (!md) {
            snprintf(buf, sizeof(buf), "bad metadata line (%s)", why);
            rc = corrupt(err, path, buf);
        } else if (md->kind != WEIR_SJ_OBJECT) {
            rc = corrupt(err, path, "the metadata line is not an object");
        } else if (!get_long(md, "nextBatchWatermarkMs", 0, next_watermark_ms)) {
            rc = corrupt(err, path, "nextBatchWatermarkMs is not a long");
        }
        weir_arena_free(&a);
    }
    free(lines);
    free(text);
    free(path);
    return rc;
}

/* ---- writing log entries ---------------------------------------------------------------- */

int weir_checkpoint_write_offsets(const weir_checkpoint *cp, const weir_offset_entry *e,
                                  weir_error *err)
{
    for (int i = 0; i < e->nsources; i++) {
        const char *o = e->offsets[i];
        if (o && (strpbrk(o, "\r\n") || strcmp(o, "-") == 0 || !o[0]))
            return weir_err(err, WEIR_EARG,
                            "Offset of source %d cannot be written to the offsets log: %s", i,
                            !o[0] ? "it is empty" : "it is not a one-line JSON text");
    }
    /* OffsetSeqLog.serialize: "v1", metadata JSON, offsets, joined by "\n" (no final one) */
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_sb_printf(&sb, "v%d\n{\"batchWatermarkMs\":%lld,\"batchTimestampMs\":%lld,\"conf\":{",
                   LOG_VERSION, (long long)e->batch_watermark_ms, (long long)e->batch_timestamp_ms);
    for (int i = 0; i < e->nconf; i++) {
        if (i) weir_sb_putc(&sb, ',');
        weir_sb_putc(&sb, '"');
        weir_sjson_escape(&sb, e->conf_keys[i], strlen(e->conf_keys[i]));
        weir_sb_puts(&sb, "\":\"");
        weir_sjson_escape(&sb, e->conf_values[i], strlen(e->conf_values[i]));
        weir_sb_putc(&sb, '"');
    }
    weir_sb_puts(&sb, "}}");
    for (int i = 0; i < e->nsources; i++) {
        weir_sb_putc(&sb, '\n');
        weir_sb_puts(&sb, e->offsets[i] ? e->offsets[i] : "-");
    }
    if (sb.oom) {
        weir_sb_free(&sb);
        return weir_err_nomem(err);
    }
    char *path = batch_path(cp, "offsets", e->batch_id);
    int rc = path ? add_log_entry(path, e->batch_id, sb.p, sb.len, err) : weir_err_nomem(err);
    free(path);
    weir_sb_free(&sb);
    return rc;
}

int weir_checkpoint_write_commit(const weir_checkpoint *cp, int64_t batch_id,
                                 int64_t next_watermark_ms, weir_error *err)
{
    char buf[96];
    int n = snprintf(buf, sizeof(buf), "v%d\n{\"nextBatchWatermarkMs\":%lld}", LOG_VERSION,
                     (long long)next_watermark_ms);
    char *path = batch_path(cp, "commits", batch_id);
    int rc = path ? add_log_entry(path, batch_id, buf, (size_t)n, err) : weir_err_nomem(err);
    free(path);
    return rc;
}
