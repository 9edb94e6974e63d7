/*
 * Internal to src/state: the on-disk container shared by the state store's delta, snapshot
 * and manifest files, and the small file-system helpers the store needs. Kept apart from
 * state.c so the byte format (documented in README.md) lives in one place and can be
 * tested for corruption handling without the in-memory index.
 *
 * Container (all integers little-endian):
 *   header  48 bytes  magic[4] ("WSTD" delta, "WSTS" snapshot, "WSTM" manifest),
 *                     u32 format (1), i64 version, i64 prev_version, u32 prev_kind,
 *                     u32 partition (manifest: nparts), u64 nrecords, u64 raw_bytes
 *   blocks            [u32 raw_len][u32 comp_len][LZ4 block of comp_len bytes] ... whose
 *                     raw lengths sum to raw_bytes; a block holds whole records only
 *   trailer  8 bytes  XXH3-64 of every byte before it
 */
#ifndef WEIR_STATE_STATE_IO_H
#define WEIR_STATE_STATE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum {
    WEIR_SF_NONE = 0,
    WEIR_SF_DELTA = 1,
    WEIR_SF_SNAPSHOT = 2,
    WEIR_SF_MANIFEST = 3,
};

#define WEIR_SF_FORMAT     1u
#define WEIR_SF_HEADER_LEN 48u
#define WEIR_SF_BLOCK      (256u * 1024u) /* target raw bytes per compressed block */

typedef struct weir_sf_header {
    uint32_t kind; /* WEIR_SF_DELTA / _SNAPSHOT / _MANIFEST */
    int64_t version;
    int64_t prev_version; /* delta: the chain file it applies on (-1: empty partition) */
    uint32_t prev_kind;   /* WEIR_SF_NONE / _DELTA / _SNAPSHOT */
    uint32_t partition;   /* manifest: number of partitions */
    uint64_t nrecords;
    uint64_t raw_bytes;
} weir_sf_header;

/* Builds one file image in memory; buffers are reused from file to file. */
typedef struct weir_sf_writer {
    uint8_t *out;
    size_t out_len, out_cap;
    uint8_t *blk; /* pending raw records of the current block */
    size_t blk_len, blk_cap;
    weir_sf_header h;
} weir_sf_writer;

int weir_sf_begin(weir_sf_writer *w, const weir_sf_header *h);
/* Space for one whole record of len bytes in the current block (flushing it first when
 * full); NULL on out of memory. Counts the record. */
uint8_t *weir_sf_reserve(weir_sf_writer *w, size_t len);
/* Appends n whole records, len bytes in total, compressed as one block of their own (no
 * copy into the pending block, which is flushed first). */
int weir_sf_add_block(weir_sf_writer *w, const void *recs, size_t len, uint64_t n);
/* Flushes, patches the header, appends the checksum; the image is out[0 .. out_len). */
int weir_sf_finish(weir_sf_writer *w);
void weir_sf_writer_free(weir_sf_writer *w);

/* Reads and checks a whole file, then hands out its decompressed blocks one by one. */
typedef struct weir_sf_reader {
    uint8_t *file;
    size_t file_len, file_cap;
    uint8_t *raw;
    size_t raw_cap;
    size_t pos;        /* next block in file */
    uint64_t raw_seen; /* raw bytes handed out so far */
    weir_sf_header h;
} weir_sf_reader;

/* Status of weir_sf_open / weir_sf_next beyond WEIR_OK. */
enum { WEIR_SF_MISSING = -1, WEIR_SF_CORRUPT = -2, WEIR_SF_IOERR = -3, WEIR_SF_NOMEM = -4 };

/* Loads path and checks size, magic, format, checksum and that the header names the
 * expected kind, version and partition. On failure *why says what is wrong. */
int weir_sf_open(weir_sf_reader *r, const char *path, uint32_t kind, int64_t version,
                 uint32_t partition, const char **why);
/* Next decompressed block: 1 with *raw and *len set, 0 at the end (after checking that the
 * blocks add up to the header's size), or a negative WEIR_SF_ status. */
int weir_sf_next(weir_sf_reader *r, const uint8_t **raw, size_t *len, const char **why);
void weir_sf_reader_free(weir_sf_reader *r);

/* Writes data to "<dir>/.<name>.tmp" (fsync'd when sync), then renames it to
 * "<dir>/<name>". The directory itself is not fsync'd (see weir_sf_fsync_dir). */
int weir_sf_write_atomic(const char *dir, const char *name, const uint8_t *data, size_t len,
                         bool sync, weir_error *err);
int weir_sf_fsync_dir(const char *dir);
/* syncfs(2) of the file system holding dir: one flush for a whole batch of files. */
int weir_sf_syncfs(const char *dir);
/* mkdir -p. */
int weir_sf_mkdirs(const char *dir);

/* Little-endian helpers for records. */
static inline void weir_sf_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t weir_sf_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void weir_sf_put64(uint8_t *p, uint64_t v)
{
    weir_sf_put32(p, (uint32_t)v);
    weir_sf_put32(p + 4, (uint32_t)(v >> 32));
}
static inline uint64_t weir_sf_get64(const uint8_t *p)
{
    return (uint64_t)weir_sf_get32(p) | (uint64_t)weir_sf_get32(p + 4) << 32;
}

#endif
