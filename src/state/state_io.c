/*
 * The state store's file container (see state_io.h): LZ4-compressed blocks of whole
 * records behind a fixed header, sealed by an XXH3 checksum, so that a truncated, torn or
 * bit-flipped file is always reported (naming the file) instead of being half-applied.
 * Also the atomic-write and directory-sync helpers: the store decides when to fsync, this
 * file only knows how.
 */
#include "state/state_io.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static const char *const sf_magic[] = {"", "WSTD", "WSTS", "WSTM"};

/* ---- writer ----------------------------------------------------------------------------- */

static int out_reserve(weir_sf_writer *w, size_t extra)
{
    if (w->out_len + extra <= w->out_cap) return 0;
    size_t cap = w->out_cap ? w->out_cap : 4096;
    while (cap < w->out_len + extra)
        cap *= 2;
    uint8_t *p = realloc(w->out, cap);
    if (!p) return -1;
    w->out = p;
    w->out_cap = cap;
    return 0;
}

static void put_header(uint8_t *p, const weir_sf_header *h)
{
    memcpy(p, sf_magic[h->kind], 4);
    weir_sf_put32(p + 4, WEIR_SF_FORMAT);
    weir_sf_put64(p + 8, (uint64_t)h->version);
    weir_sf_put64(p + 16, (uint64_t)h->prev_version);
    weir_sf_put32(p + 24, h->prev_kind);
    weir_sf_put32(p + 28, h->partition);
    weir_sf_put64(p + 32, h->nrecords);
    weir_sf_put64(p + 40, h->raw_bytes);
}

int weir_sf_begin(weir_sf_writer *w, const weir_sf_header *h)
{
    w->h = *h;
    w->h.nrecords = 0;
    w->h.raw_bytes = 0;
    w->out_len = 0;
    w->blk_len = 0;
    if (out_reserve(w, WEIR_SF_HEADER_LEN)) return WEIR_ENOMEM;
    w->out_len = WEIR_SF_HEADER_LEN;
    return WEIR_OK;
}

static int put_block(weir_sf_writer *w, const uint8_t *raw, size_t len)
{
    if (len > (size_t)LZ4_MAX_INPUT_SIZE) return -1;
    int bound = LZ4_compressBound((int)len);
    if (bound <= 0 || out_reserve(w, 8 + (size_t)bound)) return -1;
    int c =
        LZ4_compress_default((const char *)raw, (char *)w->out + w->out_len + 8, (int)len, bound);
    if (c <= 0) return -1;
    weir_sf_put32(w->out + w->out_len, (uint32_t)len);
    weir_sf_put32(w->out + w->out_len + 4, (uint32_t)c);
    w->out_len += 8 + (size_t)c;
    w->h.raw_bytes += len;
    return 0;
}

static int flush_block(weir_sf_writer *w)
{
    if (w->blk_len == 0) return 0;
    if (put_block(w, w->blk, w->blk_len)) return -1;
    w->blk_len = 0;
    return 0;
}

int weir_sf_add_block(weir_sf_writer *w, const void *recs, size_t len, uint64_t n)
{
    if (n == 0) return WEIR_OK;
    if (flush_block(w) || put_block(w, recs, len)) return WEIR_ENOMEM;
    w->h.nrecords += n;
    return WEIR_OK;
}

uint8_t *weir_sf_reserve(weir_sf_writer *w, size_t len)
{
    if (len > (size_t)LZ4_MAX_INPUT_SIZE) return NULL;
    if (w->blk_len && w->blk_len + len > WEIR_SF_BLOCK && flush_block(w)) return NULL;
    if (w->blk_len + len > w->blk_cap) {
        size_t cap = w->blk_cap ? w->blk_cap : WEIR_SF_BLOCK;
        while (cap < w->blk_len + len)
            cap *= 2;
        uint8_t *p = realloc(w->blk, cap);
        if (!p) return NULL;
        w->blk = p;
        w->blk_cap = cap;
    }
    uint8_t *r = w->blk + w->blk_len;
    w->blk_len += len;
    w->h.nrecords++;
    return r;
}

int weir_sf_finish(weir_sf_writer *w)
{
    if (flush_block(w) || out_reserve(w, 8)) return WEIR_ENOMEM;
    put_header(w->out, &w->h);
    weir_sf_put64(w->out + w->out_len, XXH3_64bits(w->out, w->out_len));
    w->out_len += 8;
    return WEIR_OK;
}

void weir_sf_writer_free(weir_sf_writer *w)
{
    free(w->out);
    free(w->blk);
    memset(w, 0, sizeof(*w));
}

/* ---- reader ----------------------------------------------------------------------------- */

int weir_sf_open(weir_sf_reader *r, const char *path, uint32_t kind, int64_t version,
                 uint32_t partition, const char **why)
{
    r->pos = 0;
    r->raw_seen = 0;
    r->file_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *why = strerror(errno);
        return errno == ENOENT ? WEIR_SF_MISSING : WEIR_SF_IOERR;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *why = strerror(errno);
        close(fd);
        return WEIR_SF_IOERR;
    }
    size_t size = (size_t)st.st_size;
    if (size > r->file_cap) {
        uint8_t *p = realloc(r->file, size);
        if (!p) {
            close(fd);
            *why = "out of memory";
            return WEIR_SF_NOMEM;
        }
        r->file = p;
        r->file_cap = size;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, r->file + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            *why = strerror(errno);
            close(fd);
            return WEIR_SF_IOERR;
        }
        if (n == 0) break;
        got += (size_t)n;
    }
    close(fd);
    r->file_len = got;
    const uint8_t *f = r->file;
    if (got < WEIR_SF_HEADER_LEN + 8) {
        *why = "the file is truncated (shorter than its header)";
        return WEIR_SF_CORRUPT;
    }
    if (memcmp(f, sf_magic[kind], 4) != 0) {
        *why = "bad magic number (not a weir state file of this kind)";
        return WEIR_SF_CORRUPT;
    }
    if (weir_sf_get32(f + 4) != WEIR_SF_FORMAT) {
        *why = "unsupported file format version";
        return WEIR_SF_CORRUPT;
    }
    if (XXH3_64bits(f, got - 8) != weir_sf_get64(f + got - 8)) {
        *why = "checksum mismatch (the file is truncated or corrupt)";
        return WEIR_SF_CORRUPT;
    }
    r->h.kind = kind;
    r->h.version = (int64_t)weir_sf_get64(f + 8);
    r->h.prev_version = (int64_t)weir_sf_get64(f + 16);
    r->h.prev_kind = weir_sf_get32(f + 24);
    r->h.partition = weir_sf_get32(f + 28);
    r->h.nrecords = weir_sf_get64(f + 32);
    r->h.raw_bytes = weir_sf_get64(f + 40);
    if (r->h.version != version || r->h.partition != partition) {
        *why = "the header names another version or partition";
        return WEIR_SF_CORRUPT;
    }
    if (r->h.prev_kind > WEIR_SF_SNAPSHOT || r->h.prev_version >= version ||
        (r->h.prev_kind == WEIR_SF_NONE) != (r->h.prev_version < 0)) {
        *why = "bad link to the previous version";
        return WEIR_SF_CORRUPT;
    }
    r->pos = WEIR_SF_HEADER_LEN;
    return WEIR_OK;
}

int weir_sf_next(weir_sf_reader *r, const uint8_t **raw, size_t *len, const char **why)
{
    size_t end = r->file_len - 8;
    if (r->pos == end) {
        if (r->raw_seen != r->h.raw_bytes) {
            *why = "the blocks do not add up to the size in the header";
            return WEIR_SF_CORRUPT;
        }
        return 0;
    }
    if (end - r->pos < 8) {
        *why = "truncated block header";
        return WEIR_SF_CORRUPT;
    }
    uint32_t rl = weir_sf_get32(r->file + r->pos), cl = weir_sf_get32(r->file + r->pos + 4);
    if (rl == 0 || rl > (uint32_t)LZ4_MAX_INPUT_SIZE || cl > end - r->pos - 8 ||
        rl > r->h.raw_bytes - r->raw_seen) {
        *why = "bad block size";
        return WEIR_SF_CORRUPT;
    }
    if (rl > r->raw_cap) {
        size_t cap = r->raw_cap ? r->raw_cap : WEIR_SF_BLOCK;
        while (cap < rl)
            cap *= 2;
        uint8_t *p = realloc(r->raw, cap);
        if (!p) {
            *why = "out of memory";
            return WEIR_SF_NOMEM;
        }
        r->raw = p;
        r->raw_cap = cap;
    }
    int d =
        LZ4_decompress_safe((const char *)r->file + r->pos + 8, (char *)r->raw, (int)cl, (int)rl);
    if (d != (int)rl) {
        *why = "LZ4 block does not decompress";
        return WEIR_SF_CORRUPT;
    }
    r->pos += 8 + cl;
    r->raw_seen += rl;
    *raw = r->raw;
    *len = rl;
    return 1;
}

void weir_sf_reader_free(weir_sf_reader *r)
{
    free(r->file);
    free(r->raw);
    memset(r, 0, sizeof(*r));
}

/* ---- files ------------------------------------------------------------------------------ */

int weir_sf_write_atomic(const char *dir, const char *name, const uint8_t *data, size_t len,
                         bool sync, weir_error *err)
{
    char tmp[4096], path[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name) >= sizeof tmp ||
        (size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return weir_err(err, WEIR_EIO, "Cannot write %s/%s: path too long", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        off += (size_t)n;
    }
    int e = off < len ? errno : 0;
    if (!e && sync && fsync(fd) != 0) e = errno;
    if (close(fd) != 0 && !e) e = errno;
    if (!e && rename(tmp, path) != 0) e = errno;
    if (e) {
        unlink(tmp);
        return weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(e));
    }
    return WEIR_OK;
}

int weir_sf_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    /* some file systems cannot fsync a directory; the rename is still atomic there */
    if (rc != 0 && (errno == EINVAL || errno == ENOTSUP)) rc = 0;
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int weir_sf_syncfs(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = syncfs(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int weir_sf_mkdirs(const char *dir)
{
    char p[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != 0) continue;
        char c = p[i];
        p[i] = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST) return -1;
        p[i] = c;
    }
    struct stat st;
    if (stat(dir, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}
