/*
 * The state store (state.h): versioned key/value state of stateful streaming operators,
 * laid out on disk as Spark's HDFSBackedStateStoreProvider does (<dir>/<partition>/
 * <version>.delta and .snapshot) plus a per-version manifest that makes a commit atomic.
 *
 * Why it looks like this: a long-running windowed aggregation touches every group once per
 * micro-batch and evicts old windows continuously, so the in-memory side must be compact
 * (entries packed into one buffer per partition, an 8-byte open-addressing slot per key,
 * backward-shift deletion instead of tombstones, garbage compaction) and its memory must
 * stay flat under insert/evict churn; the on-disk side must let a restart rebuild any of
 * the last 100 versions while writing only the partitions a batch changed. The details and
 * the file formats are in README.md.
 */
#include "state/state.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state/state_ext.h"
#include "state/state_io.h"

#define REC_HDR       12u        /* record: [u32 klen][i32 vlen][u32 h32] */
#define MF_REC        24u        /* manifest record per partition */
#define MAX_ENTRY     (1u << 30) /* key + value bytes of one entry */
#define MAX_DATA      ((size_t)UINT32_MAX * 8 - 8)
#define HIGH32        0xffffffff00000000ull
#define SPILL_AT      (4 * (size_t)WEIR_SF_BLOCK) /* raw redo log bytes before compressing */
#define DEAD          0x80000000u /* in an entry's klen: garbage (klen < MAX_ENTRY < 2^31) */
#define AUTO_FS_FILES 8           /* AUTO sync: more changed files than this -> one syncfs */
#define METADATA_NAME "_state.json"
#define MANIFEST_DIR  "_manifests"

typedef struct st_file {
    int64_t version;
    uint32_t kind;
} st_file;

/* A partition's committed chain: the newest file (head) and the snapshot it starts from. */
typedef struct st_chain {
    int64_t head_v, base_v; /* -1: none (empty partition / chain from the empty state) */
    uint32_t head_kind;     /* WEIR_SF_NONE / _DELTA / _SNAPSHOT */
    uint32_t ndeltas;       /* deltas after base */
} st_chain;

typedef struct st_part {
    uint64_t *slots; /* (h32 << 32) | (entry offset / 8 + 1); 0 = empty */
    uint32_t mask;   /* number of slots - 1 */
    uint32_t n;      /* live keys */
    uint8_t *data;   /* entries [u32 klen][u32 vlen][key][value], each 8-byte aligned */
    size_t used, cap, garbage;
    /* dead entries of footprint free_fp, by offset / 8, for new entries of that size to
     * reuse (windowed state evicts and inserts same-sized entries every batch) */
    uint32_t *free_offs;
    uint32_t nfree, free_cap, free_fp;
    uint8_t *log; /* redo records of the open version (= the next delta file's records) */
    size_t log_len, log_cap;
    uint64_t log_n; /* records of the open version, including the spilled ones */
    /* the delta file being built: a large version's log is compressed a block at a time
     * as it grows (spilled), so its raw records never pile up in memory */
    weir_sf_writer spill;
    bool spilled;
    st_chain c;
    st_file *files; /* files of this partition known to be on disk */
    uint32_t nfiles, files_cap;
    int64_t cleaned_below;
    bool dir_ok, dirty;
} st_part;

struct weir_state_store {
    char *dir, *mfdir;
    int nparts;
    st_part *parts;
    int64_t version;
    uint32_t *dirty;
    int ndirty;
    st_chain *pend; /* next chains while committing */
    int64_t pend_updates, pend_removes;
    weir_state_stats stats;
    weir_state_options opt;
    weir_sf_writer w;
    weir_sf_reader r;
    uint8_t *scratch;
    size_t scratch_cap;
    int64_t *mfs; /* manifest versions on disk */
    uint32_t nmfs, mfs_cap;
    int64_t cleaned_mf; /* manifests older than this one are gone */
    int clean_cursor;   /* next partition to clean up for the manifest after cleaned_mf */
    bool poisoned;
    weir_error poison;
};

/* ---- small helpers ---------------------------------------------------------------------- */

/* Caller hashes are remixed: partition = hash % nparts leaves the low bits of a partition's
 * hashes correlated, which would cluster an index that used them directly. */
static inline uint32_t mix32(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (uint32_t)(h >> 32);
}

static inline size_t entry_fp(uint32_t klen, uint32_t vlen)
{
    return ((size_t)8 + klen + vlen + 7) & ~(size_t)7;
}

static inline uint8_t *entry_at(const st_part *p, uint64_t slot)
{
    return p->data + ((size_t)(uint32_t)slot - 1) * 8;
}

static inline uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static inline void copy_n(void *dst, const void *src, size_t n)
{
    if (n) memcpy(dst, src, n);
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *kind_word(uint32_t kind)
{
    return kind == WEIR_SF_DELTA ? "delta" : kind == WEIR_SF_SNAPSHOT ? "snapshot" : "manifest";
}

static int part_dir(const weir_state_store *s, int idx, char *buf, size_t n)
{
    return (size_t)snprintf(buf, n, "%s/%d", s->dir, idx) < n ? 0 : -1;
}

/* ---- the in-memory index ---------------------------------------------------------------- */

static int64_t part_find(const st_part *p, const uint8_t *key, uint32_t klen, uint32_t h)
{
    if (!p->slots) return -1;
    uint32_t i = h & p->mask;
    for (;;) {
        uint64_t sl = p->slots[i];
        if (!sl) return -1;
        if ((uint32_t)(sl >> 32) == h) {
            const uint8_t *e = entry_at(p, sl);
            if (rd32(e) == klen && (klen == 0 || memcmp(e + 8, key, klen) == 0)) return i;
        }
        i = (i + 1) & p->mask;
    }
}

static int idx_resize(st_part *p, uint32_t nslots)
{
    uint64_t *ns = calloc(nslots, sizeof(uint64_t));
    if (!ns) return -1;
    uint32_t m = nslots - 1;
    if (p->slots) {
        for (uint32_t i = 0; i <= p->mask; i++) {
            uint64_t sl = p->slots[i];
            if (!sl) continue;
            uint32_t j = (uint32_t)(sl >> 32) & m;
            while (ns[j])
                j = (j + 1) & m;
            ns[j] = sl;
        }
    }
    free(p->slots);
    p->slots = ns;
    p->mask = m;
    return 0;
}

/* Smallest power of two holding n keys at a load of at most 3/4. */
static uint32_t slots_for(uint64_t n)
{
    uint64_t s = 16;
    while (n * 4 > s * 3)
        s *= 2;
    return s > (1ull << 31) ? (1u << 31) : (uint32_t)s;
}

/* Linear-probing deletion without tombstones: later members of the probe run move back
 * into the hole when their home slot allows it. */
static void idx_delete(st_part *p, uint32_t i)
{
    uint32_t m = p->mask;
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & m;
        uint64_t sl = p->slots[j];
        if (!sl) break;
        uint32_t home = (uint32_t)(sl >> 32) & m;
        if (((j - home) & m) >= ((j - i) & m)) {
            p->slots[i] = sl;
            i = j;
        }
    }
    p->slots[i] = 0;
}

/* Copies the live entries (in slot order) into a fresh buffer sized for want bytes plus
 * headroom; garbage disappears. Every entry pointer changes. */
static int data_compact(st_part *p, size_t want)
{
    size_t cap = want + want / 2;
    if (cap < 1024) cap = 1024;
    cap = (cap + 1023) & ~(size_t)1023;
    if (cap > MAX_DATA) cap = MAX_DATA;
    if (want > cap) return -1;
    uint8_t *nd = malloc(cap);
    if (!nd) return -1;
    size_t pos = 0;
    if (p->slots) {
        for (uint32_t i = 0; i <= p->mask; i++) {
            uint64_t sl = p->slots[i];
            if (!sl) continue;
            const uint8_t *e = entry_at(p, sl);
            size_t f = entry_fp(rd32(e), rd32(e + 4));
            memcpy(nd + pos, e, f);
            p->slots[i] = (sl & HIGH32) | (uint64_t)(pos / 8 + 1);
            pos += f;
        }
    }
    free(p->data);
    p->data = nd;
    p->cap = cap;
    p->used = pos;
    p->garbage = 0;
    p->nfree = 0;
    return 0;
}

/* Room for need bytes at data + used: compacts when at least half the buffer is garbage,
 * otherwise grows by half. May move every entry. */
static int data_reserve(st_part *p, size_t need)
{
    if (p->used + need <= p->cap) return 0;
    if (p->garbage && p->garbage * 2 >= p->used)
        return data_compact(p, p->used - p->garbage + need);
    size_t cap = p->cap ? p->cap + p->cap / 2 : 1024;
    if (cap < p->used + need) cap = p->used + need;
    cap = (cap + 1023) & ~(size_t)1023;
    if (cap > MAX_DATA) cap = MAX_DATA;
    if (p->used + need > cap) return -1;
    uint8_t *nd = realloc(p->data, cap);
    if (!nd) return -1;
    p->data = nd;
    p->cap = cap;
    return 0;
}

/* Growth by half (or a load's estimate) leaves up to a third of the buffer unused: give
 * back all but 1/16 of the used size. */
static void data_trim(st_part *p)
{
    if (p->cap <= 4096 || p->cap - p->used <= p->cap / 8) return;
    size_t cap = (p->used + p->used / 16 + 1023) & ~(size_t)1023;
    uint8_t *nd = cap < p->cap ? realloc(p->data, cap) : NULL;
    if (nd) {
        p->data = nd;
        p->cap = cap;
    }
}

static void write_entry(uint8_t *e, const uint8_t *key, uint32_t klen, const uint8_t *val,
                        uint32_t vlen)
{
    wr32(e, klen);
    wr32(e + 4, vlen);
    copy_n(e + 8, key, klen);
    copy_n(e + 8 + klen, val, vlen);
}

/* Where a new entry of footprint nf goes: a listed dead entry of that size, or the end of
 * the buffer (which may move every entry). */
static int entry_place(st_part *p, size_t nf, size_t *at)
{
    if (p->nfree && nf == p->free_fp) {
        *at = (size_t)p->free_offs[--p->nfree] * 8;
        p->garbage -= nf;
        return 0;
    }
    if (data_reserve(p, nf)) return -1;
    *at = p->used;
    p->used += nf;
    return 0;
}

/* Lists a dead entry for reuse (best effort: another size class, or no memory, skips it). */
static void free_push(st_part *p, size_t off, size_t fp)
{
    if (p->nfree == 0) p->free_fp = (uint32_t)fp;
    if (fp != p->free_fp) return;
    if (p->nfree == p->free_cap) {
        uint32_t ncap = p->free_cap ? p->free_cap * 2 : 256;
        uint32_t *nf = realloc(p->free_offs, sizeof(uint32_t) * ncap);
        if (!nf) return;
        p->free_offs = nf;
        p->free_cap = ncap;
    }
    p->free_offs[p->nfree++] = (uint32_t)(off / 8);
}

/* Sets key to val in the partition (no redo record). -1 when out of memory. */
static int part_put(st_part *p, uint32_t h, const uint8_t *key, uint32_t klen, const uint8_t *val,
                    uint32_t vlen)
{
    size_t nf = entry_fp(klen, vlen);
    int64_t i = part_find(p, key, klen, h);
    if (i >= 0) {
        uint8_t *e = entry_at(p, p->slots[i]);
        size_t of = entry_fp(klen, rd32(e + 4));
        if (nf <= of) { /* same or smaller footprint: in place */
            copy_n(e + 8 + klen, val, vlen);
            wr32(e + 4, vlen);
            if (nf < of) { /* the freed tail becomes a dead entry, so the buffer stays walkable */
                wr32(e + nf, DEAD);
                wr32(e + nf + 4, (uint32_t)(of - nf - 8));
            }
            p->garbage += of - nf;
            return 0;
        }
        size_t at;
        if (entry_place(p, nf, &at)) return -1;
        e = entry_at(p, p->slots[i]); /* the buffer may have moved */
        wr32(e, klen | DEAD);
        write_entry(p->data + at, key, klen, val, vlen);
        p->slots[i] = (p->slots[i] & HIGH32) | (uint64_t)(at / 8 + 1);
        p->garbage += of;
        return 0;
    }
    if (!p->slots || (uint64_t)(p->n + 1) * 4 > ((uint64_t)p->mask + 1) * 3) {
        if (p->slots && p->mask >= (1u << 31) - 1) return -1;
        if (idx_resize(p, p->slots ? (p->mask + 1) * 2 : 16)) return -1;
    }
    size_t at;
    if (entry_place(p, nf, &at)) return -1;
    write_entry(p->data + at, key, klen, val, vlen);
    uint32_t j = h & p->mask;
    while (p->slots[j])
        j = (j + 1) & p->mask;
    p->slots[j] = (uint64_t)h << 32 | (uint64_t)(at / 8 + 1);
    p->n++;
    return 0;
}

static void part_remove_at(st_part *p, uint32_t i)
{
    uint8_t *e = entry_at(p, p->slots[i]);
    uint32_t kl = rd32(e);
    size_t fp = entry_fp(kl, rd32(e + 4));
    p->garbage += fp;
    wr32(e, kl | DEAD); /* the bytes stay until a put reuses them */
    free_push(p, (size_t)(e - p->data), fp);
    idx_delete(p, i);
    p->n--;
}

static void spill_reset(st_part *p);

/* Drops every entry and the redo log's contents (buffers of the log are kept). */
static void part_clear(st_part *p)
{
    free(p->slots);
    free(p->data);
    p->slots = NULL;
    p->data = NULL;
    p->mask = 0;
    p->n = 0;
    p->used = p->cap = p->garbage = 0;
    p->nfree = 0;
    p->log_len = 0;
    p->log_n = 0;
    spill_reset(p);
}

static size_t part_bytes(const st_part *p)
{
    return (p->slots ? ((size_t)p->mask + 1) * sizeof(uint64_t) : 0) + p->cap + p->log_cap +
           p->spill.out_cap + p->spill.blk_cap + (size_t)p->free_cap * sizeof(uint32_t) +
           (size_t)p->files_cap * sizeof(st_file);
}

/* ---- redo log ---------------------------------------------------------------------------- */

/* Moves the raw log's records (whole, at most one block) into the delta being built. */
/* Compresses records (whole ones, len bytes) into w in block-sized runs. */
static int add_log_blocks(weir_sf_writer *w, const uint8_t *log, size_t len)
{
    size_t off = 0, start = 0;
    uint64_t cnt = 0;
    while (off < len) {
        int32_t vl = (int32_t)weir_sf_get32(log + off + 4);
        size_t rl = REC_HDR + weir_sf_get32(log + off) + (vl > 0 ? (size_t)vl : 0);
        if (cnt && off - start + rl > WEIR_SF_BLOCK) {
            if (weir_sf_add_block(w, log + start, off - start, cnt)) return -1;
            start = off;
            cnt = 0;
        }
        off += rl;
        cnt++;
    }
    return weir_sf_add_block(w, log + start, off - start, cnt) ? -1 : 0;
}

static int log_spill(st_part *p, int idx)
{
    if (!p->spilled) {
        weir_sf_header h = {.kind = WEIR_SF_DELTA, .partition = (uint32_t)idx};
        if (weir_sf_begin(&p->spill, &h)) return -1;
        p->spilled = true;
    }
    if (add_log_blocks(&p->spill, p->log, p->log_len)) return -1;
    p->log_len = 0;
    return 0;
}

static void spill_reset(st_part *p)
{
    p->spilled = false;
    if (p->spill.out_cap > 65536) weir_sf_writer_free(&p->spill);
}

static int log_add(st_part *p, int idx, uint32_t h, const uint8_t *key, uint32_t klen,
                   const uint8_t *val, int32_t vlen)
{
    size_t need = REC_HDR + klen + (vlen > 0 ? (size_t)vlen : 0);
    if (p->log_len && p->log_len + need > SPILL_AT && log_spill(p, idx)) return -1;
    if (p->log_len + need > p->log_cap) {
        size_t cap = p->log_cap ? p->log_cap * 2 : 4096;
        while (cap < p->log_len + need)
            cap *= 2;
        uint8_t *nl = realloc(p->log, cap);
        if (!nl) return -1;
        p->log = nl;
        p->log_cap = cap;
    }
    uint8_t *r = p->log + p->log_len;
    weir_sf_put32(r, klen);
    weir_sf_put32(r + 4, (uint32_t)vlen);
    weir_sf_put32(r + 8, h);
    copy_n(r + REC_HDR, key, klen);
    if (vlen > 0) memcpy(r + REC_HDR + klen, val, (size_t)vlen);
    p->log_len += need;
    p->log_n++;
    return 0;
}

static void mark_dirty(weir_state_store *s, st_part *p)
{
    if (p->dirty) return;
    p->dirty = true;
    s->dirty[s->ndirty++] = (uint32_t)(p - s->parts);
}

/* ---- errors ------------------------------------------------------------------------------ */

static int load_err(weir_error *err, const weir_state_store *s, int idx, uint32_t kind,
                    const char *path, int st, const char *why)
{
    char clazz[4200];
    snprintf(clazz, sizeof clazz, "StateStore[part=%d,dir=%s]", idx, s->dir);
    if (st == WEIR_SF_NOMEM) return weir_err_nomem(err);
    if (st == WEIR_SF_MISSING && kind == WEIR_SF_DELTA)
        return weir_err(err, WEIR_EIO,
                        "[CANNOT_LOAD_STATE_STORE.CANNOT_READ_DELTA_FILE_NOT_EXISTS] An error "
                        "occurred during loading state. Error reading delta file %s of %s: %s "
                        "does not exist.",
                        path, clazz, path);
    if (st == WEIR_SF_MISSING && kind == WEIR_SF_SNAPSHOT)
        return weir_err(err, WEIR_EIO,
                        "[CANNOT_LOAD_STATE_STORE.CANNOT_READ_MISSING_SNAPSHOT_FILE] An error "
                        "occurred during loading state. Error reading snapshot file %s of %s: "
                        "%s does not exist.",
                        path, clazz, path);
    if (st == WEIR_SF_MISSING)
        return weir_err(err, WEIR_EIO,
                        "[CANNOT_LOAD_STATE_STORE.CANNOT_READ_STREAMING_STATE_FILE] An error "
                        "occurred during loading state. Error reading streaming state file of "
                        "StateStore[dir=%s]: %s does not exist. If the stream job is restarted "
                        "with a new or updated state operation, please create a new checkpoint "
                        "location or clear the existing checkpoint location.",
                        s->dir, path);
    if (kind == WEIR_SF_MANIFEST)
        return weir_err(err, WEIR_EIO,
                        "[CANNOT_LOAD_STATE_STORE.UNCATEGORIZED] An error occurred during "
                        "loading state. Error reading manifest file %s of StateStore[dir=%s]: %s.",
                        path, s->dir, why);
    return weir_err(err, WEIR_EIO,
                    "[CANNOT_LOAD_STATE_STORE.UNCATEGORIZED] An error occurred during loading "
                    "state. Error reading %s file %s of %s: %s.",
                    kind_word(kind), path, clazz, why);
}

static int poisoned_err(const weir_state_store *s, weir_error *err)
{
    if (err) *err = s->poison;
    return s->poison.code ? s->poison.code : WEIR_ERUNTIME;
}

/* ---- reading files ----------------------------------------------------------------------- */

static int file_path(const weir_state_store *s, int idx, int64_t v, uint32_t kind, char *buf,
                     size_t n)
{
    return (size_t)snprintf(buf, n, "%s/%d/%lld.%s", s->dir, idx, (long long)v, kind_word(kind)) < n
               ? 0
               : -1;
}

/* Applies the records of one delta or snapshot file to partition idx. */
static int apply_file(weir_state_store *s, int idx, int64_t v, uint32_t kind, weir_error *err)
{
    st_part *p = &s->parts[idx];
    char path[4200];
    if (file_path(s, idx, v, kind, path, sizeof path))
        return weir_err(err, WEIR_EIO, "State directory path too long: %s", s->dir);
    const char *why = "";
    int st = weir_sf_open(&s->r, path, kind, v, (uint32_t)idx, &why);
    if (st != WEIR_OK) return load_err(err, s, idx, kind, path, st, why);
    if (kind == WEIR_SF_SNAPSHOT && p->n == 0 && s->r.h.nrecords) {
        /* size the index and the entry buffer once */
        uint64_t nr = s->r.h.nrecords;
        if (nr < UINT32_MAX && idx_resize(p, slots_for(nr))) return weir_err_nomem(err);
        /* a record is 12 + k + v bytes, its entry at most 15 + k + v */
        size_t want = ((size_t)(s->r.h.raw_bytes + nr * 4) + 1023) & ~(size_t)1023;
        if (p->cap == 0 && want <= MAX_DATA) {
            p->data = malloc(want);
            if (!p->data) return weir_err_nomem(err);
            p->cap = want;
        }
    }
    uint64_t count = 0;
    const uint8_t *raw;
    size_t len;
    while ((st = weir_sf_next(&s->r, &raw, &len, &why)) == 1) {
        size_t off = 0;
        while (off < len) {
            if (len - off < REC_HDR) {
                why = "truncated record";
                goto corrupt;
            }
            uint32_t kl = weir_sf_get32(raw + off);
            int32_t vl = (int32_t)weir_sf_get32(raw + off + 4);
            uint32_t h = weir_sf_get32(raw + off + 8);
            if (kl > MAX_ENTRY) {
                why = "key size out of range";
                goto corrupt;
            }
            if (vl < -1 || (vl == -1 && kind == WEIR_SF_SNAPSHOT) ||
                (vl > 0 && (uint32_t)vl > MAX_ENTRY)) {
                why = "value size out of range";
                goto corrupt;
            }
            size_t body = (size_t)kl + (vl > 0 ? (size_t)vl : 0);
            if (body > len - off - REC_HDR) {
                why = "record runs past its block";
                goto corrupt;
            }
            const uint8_t *key = raw + off + REC_HDR;
            if (vl >= 0) {
                if (part_put(p, h, key, kl, key + kl, (uint32_t)vl)) return weir_err_nomem(err);
            } else {
                int64_t i = part_find(p, key, kl, h);
                if (i >= 0) part_remove_at(p, (uint32_t)i);
            }
            off += REC_HDR + body;
            count++;
        }
    }
    if (st < 0) return load_err(err, s, idx, kind, path, st, why);
    if (count != s->r.h.nrecords) {
        why = "record count differs from the header";
        goto corrupt;
    }
    return WEIR_OK;
corrupt:
    return load_err(err, s, idx, kind, path, WEIR_SF_CORRUPT, why);
}

/* Rebuilds partition idx (empty on entry) from its chain ending at c. */
static int load_chain(weir_state_store *s, int idx, const st_chain *c, weir_error *err)
{
    if (c->head_kind == WEIR_SF_NONE) return WEIR_OK;
    /* walk back from the head to the snapshot (or the empty start), then replay forward */
    int64_t *vs = NULL;
    size_t nv = 0, capv = 0;
    int64_t v = c->head_v;
    uint32_t k = c->head_kind;
    int rc = WEIR_OK;
    while (k == WEIR_SF_DELTA) {
        char path[4200];
        if (file_path(s, idx, v, k, path, sizeof path)) {
            rc = weir_err(err, WEIR_EIO, "State directory path too long: %s", s->dir);
            goto out;
        }
        const char *why = "";
        int st = weir_sf_open(&s->r, path, WEIR_SF_DELTA, v, (uint32_t)idx, &why);
        if (st != WEIR_OK) {
            rc = load_err(err, s, idx, WEIR_SF_DELTA, path, st, why);
            goto out;
        }
        if (nv == capv) {
            capv = capv ? capv * 2 : 16;
            int64_t *nvs = realloc(vs, capv * sizeof(int64_t));
            if (!nvs) {
                rc = weir_err_nomem(err);
                goto out;
            }
            vs = nvs;
        }
        vs[nv++] = v;
        v = s->r.h.prev_version;
        k = s->r.h.prev_kind;
    }
    if (k == WEIR_SF_SNAPSHOT && (rc = apply_file(s, idx, v, WEIR_SF_SNAPSHOT, err)) != WEIR_OK)
        goto out;
    while (nv > 0)
        if ((rc = apply_file(s, idx, vs[--nv], WEIR_SF_DELTA, err)) != WEIR_OK) goto out;
    data_trim(&s->parts[idx]);
out:
    free(vs);
    return rc;
}

static int manifest_name(int64_t v, char *buf, size_t n)
{
    return (size_t)snprintf(buf, n, "%lld.manifest", (long long)v) < n ? 0 : -1;
}

/* Reads manifest v into chains[nparts]. */
static int read_manifest(weir_state_store *s, int64_t v, st_chain *chains, weir_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%lld.manifest", s->mfdir, (long long)v);
    const char *why = "";
    int st = weir_sf_open(&s->r, path, WEIR_SF_MANIFEST, v, (uint32_t)s->nparts, &why);
    if (st != WEIR_OK) return load_err(err, s, -1, WEIR_SF_MANIFEST, path, st, why);
    if (s->r.h.nrecords != (uint64_t)s->nparts) {
        why = "wrong number of partitions";
        return load_err(err, s, -1, WEIR_SF_MANIFEST, path, WEIR_SF_CORRUPT, why);
    }
    int idx = 0;
    const uint8_t *raw;
    size_t len;
    while ((st = weir_sf_next(&s->r, &raw, &len, &why)) == 1) {
        if (len % MF_REC || len / MF_REC > (size_t)(s->nparts - idx)) {
            why = "bad record size";
            return load_err(err, s, -1, WEIR_SF_MANIFEST, path, WEIR_SF_CORRUPT, why);
        }
        for (size_t off = 0; off < len; off += MF_REC, idx++) {
            st_chain *c = &chains[idx];
            c->head_v = (int64_t)weir_sf_get64(raw + off);
            c->base_v = (int64_t)weir_sf_get64(raw + off + 8);
            c->head_kind = weir_sf_get32(raw + off + 16);
            c->ndeltas = weir_sf_get32(raw + off + 20);
            if (c->head_kind > WEIR_SF_SNAPSHOT || c->head_v > v || c->base_v > c->head_v ||
                (c->head_kind == WEIR_SF_NONE) != (c->head_v < 0)) {
                why = "bad partition entry";
                return load_err(err, s, -1, WEIR_SF_MANIFEST, path, WEIR_SF_CORRUPT, why);
            }
        }
    }
    if (st < 0) return load_err(err, s, -1, WEIR_SF_MANIFEST, path, st, why);
    if (idx != s->nparts) {
        why = "wrong number of partitions";
        return load_err(err, s, -1, WEIR_SF_MANIFEST, path, WEIR_SF_CORRUPT, why);
    }
    return WEIR_OK;
}

/* ---- writing files ----------------------------------------------------------------------- */

/* The delta of the open version: the spilled blocks plus the rest of the log, or (a small
 * version) the log in s->w. *wp receives the writer that holds it. */
static int build_delta(weir_state_store *s, int idx, weir_sf_writer **wp)
{
    st_part *p = &s->parts[idx];
    if (p->spilled) {
        *wp = &p->spill;
        p->spill.h.prev_version = p->c.head_v;
        p->spill.h.prev_kind = p->c.head_kind;
        return log_spill(p, idx) ? WEIR_ENOMEM : WEIR_OK;
    }
    *wp = &s->w;
    weir_sf_header h = {.kind = WEIR_SF_DELTA,
                        .version = 0,
                        .prev_version = p->c.head_v,
                        .prev_kind = p->c.head_kind,
                        .partition = (uint32_t)idx};
    if (weir_sf_begin(&s->w, &h) || add_log_blocks(&s->w, p->log, p->log_len)) return WEIR_ENOMEM;
    return WEIR_OK;
}

static int build_snapshot(weir_state_store *s, int idx)
{
    st_part *p = &s->parts[idx];
    weir_sf_header h = {.kind = WEIR_SF_SNAPSHOT,
                        .prev_version = -1,
                        .prev_kind = WEIR_SF_NONE,
                        .partition = (uint32_t)idx};
    if (weir_sf_begin(&s->w, &h)) return WEIR_ENOMEM;
    if (!p->slots) return WEIR_OK;
    for (uint32_t i = 0; i <= p->mask; i++) {
        uint64_t sl = p->slots[i];
        if (!sl) continue;
        const uint8_t *e = entry_at(p, sl);
        uint32_t kl = rd32(e), vl = rd32(e + 4);
        uint8_t *r = weir_sf_reserve(&s->w, REC_HDR + (size_t)kl + vl);
        if (!r) return WEIR_ENOMEM;
        weir_sf_put32(r, kl);
        weir_sf_put32(r + 4, vl);
        weir_sf_put32(r + 8, (uint32_t)(sl >> 32));
        copy_n(r + REC_HDR, e + 8, (size_t)kl + vl);
    }
    return WEIR_OK;
}

/* Writes the file image in w as <dir>/<idx>/<v>.<kind>. */
static int write_part_file(weir_state_store *s, weir_sf_writer *w, int idx, int64_t v,
                           uint32_t kind, bool sync, bool *newdir, weir_error *err)
{
    st_part *p = &s->parts[idx];
    char dir[4200], name[64];
    if (part_dir(s, idx, dir, sizeof dir))
        return weir_err(err, WEIR_EIO, "State directory path too long: %s", s->dir);
    if (!p->dir_ok) {
        if (mkdir(dir, 0755) == 0)
            *newdir = true;
        else if (errno != EEXIST)
            return weir_err(err, WEIR_EIO, "Cannot create %s: %s", dir, strerror(errno));
        p->dir_ok = true;
    }
    w->h.version = v;
    if (weir_sf_finish(w)) return weir_err_nomem(err);
    snprintf(name, sizeof name, "%lld.%s", (long long)v, kind_word(kind));
    return weir_sf_write_atomic(dir, name, w->out, w->out_len, sync, err);
}

static int write_manifest(weir_state_store *s, int64_t v, const st_chain *chains, bool sync,
                          weir_error *err)
{
    weir_sf_header h = {.kind = WEIR_SF_MANIFEST,
                        .version = v,
                        .prev_version = -1,
                        .prev_kind = WEIR_SF_NONE,
                        .partition = (uint32_t)s->nparts};
    if (weir_sf_begin(&s->w, &h)) return weir_err_nomem(err);
    for (int i = 0; i < s->nparts; i++) {
        uint8_t *r = weir_sf_reserve(&s->w, MF_REC);
        if (!r) return weir_err_nomem(err);
        weir_sf_put64(r, (uint64_t)chains[i].head_v);
        weir_sf_put64(r + 8, (uint64_t)chains[i].base_v);
        weir_sf_put32(r + 16, chains[i].head_kind);
        weir_sf_put32(r + 20, chains[i].ndeltas);
    }
    if (weir_sf_finish(&s->w)) return weir_err_nomem(err);
    char name[64];
    manifest_name(v, name, sizeof name);
    int rc = weir_sf_write_atomic(s->mfdir, name, s->w.out, s->w.out_len, sync, err);
    if (rc == WEIR_OK && sync && weir_sf_fsync_dir(s->mfdir) != 0)
        rc = weir_err(err, WEIR_EIO, "Cannot write %s/%s: %s", s->mfdir, name, strerror(errno));
    return rc;
}

/* ---- known files and retention ----------------------------------------------------------- */

static void files_add(st_part *p, int64_t v, uint32_t kind)
{
    for (uint32_t i = 0; i < p->nfiles; i++)
        if (p->files[i].version == v && p->files[i].kind == kind) return;
    if (p->nfiles == p->files_cap) {
        uint32_t cap = p->files_cap ? p->files_cap * 2 : 16;
        st_file *nf = realloc(p->files, cap * sizeof(st_file));
        if (!nf) return; /* only cleanup is lost: the file stays on disk */
        p->files = nf;
        p->files_cap = cap;
    }
    p->files[p->nfiles++] = (st_file){v, kind};
}

static void mfs_add(weir_state_store *s, int64_t v)
{
    for (uint32_t i = 0; i < s->nmfs; i++)
        if (s->mfs[i] == v) return;
    if (s->nmfs == s->mfs_cap) {
        uint32_t cap = s->mfs_cap ? s->mfs_cap * 2 : 64;
        int64_t *nm = realloc(s->mfs, cap * sizeof(int64_t));
        if (!nm) return;
        s->mfs = nm;
        s->mfs_cap = cap;
    }
    s->mfs[s->nmfs++] = v;
}

/* Parses "<digits>.<suffix>" exactly. */
static bool parse_name(const char *name, const char *suffix, int64_t *v)
{
    const char *dot = strchr(name, '.');
    if (!dot || dot == name || strcmp(dot + 1, suffix) != 0 || dot - name > 18) return false;
    int64_t x = 0;
    for (const char *c = name; c < dot; c++) {
        if (*c < '0' || *c > '9') return false;
        x = x * 10 + (*c - '0');
    }
    *v = x;
    return true;
}

static bool is_tmp(const char *name)
{
    size_t n = strlen(name);
    return name[0] == '.' && n > 4 && strcmp(name + n - 4, ".tmp") == 0;
}

/* Lists dir: state files into p (or manifests into s when p is NULL); removes leftover
 * temporary files of interrupted writes. */
static void scan_dir(weir_state_store *s, const char *dir, st_part *p)
{
    DIR *d = opendir(dir);
    if (!d) return;
    if (p) p->dir_ok = true;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        int64_t v;
        if (is_tmp(de->d_name)) {
            unlinkat(dirfd(d), de->d_name, 0);
        } else if (p && parse_name(de->d_name, "delta", &v)) {
            files_add(p, v, WEIR_SF_DELTA);
        } else if (p && parse_name(de->d_name, "snapshot", &v)) {
            files_add(p, v, WEIR_SF_SNAPSHOT);
        } else if (!p && parse_name(de->d_name, "manifest", &v)) {
            mfs_add(s, v);
        }
    }
    closedir(d);
}

/* Deletes what no version in [version - minVersionsToRetain, version] needs: each
 * partition's files older than the snapshot that the oldest retained version starts from,
 * and older manifests (Spark's HDFSBackedStateStoreProvider.cleanup, which Spark runs in a
 * background thread). At most `budget` files go per call, resuming at the next partition
 * on the next commit, so a burst (a whole round of snapshots leaving the window) never
 * stalls one batch. Best effort: a failure only leaves files behind. */
static void cleanup(weir_state_store *s, int budget)
{
    int64_t e = s->version - s->opt.min_versions_to_retain;
    if (e < 0) return;
    int64_t m = -1;
    for (uint32_t i = 0; i < s->nmfs; i++)
        if (s->mfs[i] <= e && s->mfs[i] > m) m = s->mfs[i];
    if (m < 0 || m <= s->cleaned_mf) return;
    weir_error ignored;
    /* s->pend is free outside commit */
    if (read_manifest(s, m, s->pend, &ignored) != WEIR_OK) return;
    char path[4200];
    for (; s->clean_cursor < s->nparts; s->clean_cursor++) {
        if (budget <= 0) return;
        int idx = s->clean_cursor;
        st_part *p = &s->parts[idx];
        int64_t b = s->pend[idx].base_v;
        if (b <= p->cleaned_below) continue;
        uint32_t keep = 0;
        for (uint32_t i = 0; i < p->nfiles; i++) {
            st_file f = p->files[i];
            if (f.version < b) {
                if (file_path(s, idx, f.version, f.kind, path, sizeof path) == 0) unlink(path);
                budget--;
            } else {
                p->files[keep++] = f;
            }
        }
        p->nfiles = keep;
        p->cleaned_below = b;
    }
    uint32_t keep = 0;
    for (uint32_t i = 0; i < s->nmfs; i++) {
        if (s->mfs[i] < m) {
            snprintf(path, sizeof path, "%s/%lld.manifest", s->mfdir, (long long)s->mfs[i]);
            unlink(path);
        } else {
            s->mfs[keep++] = s->mfs[i];
        }
    }
    s->nmfs = keep;
    s->cleaned_mf = m;
    s->clean_cursor = 0;
}

/* After a commit: give memory back when a partition shrank or churned. */
static void maintain(st_part *p)
{
    if (p->n == 0 && p->cap > 4096) { /* emptied (e.g. all windows evicted) */
        free(p->slots);
        free(p->data);
        p->slots = NULL;
        p->data = NULL;
        p->mask = 0;
        p->used = p->cap = p->garbage = 0;
        p->nfree = 0;
    }
    if (p->garbage > 16384 && p->garbage * 2 > p->used) {
        data_compact(p, p->used - p->garbage);
    } else {
        data_trim(p);
    }
    if (p->slots && p->mask >= 63 && (uint64_t)p->n * 8 < (uint64_t)p->mask + 1)
        idx_resize(p, slots_for((uint64_t)p->n * 2));
    if (p->nfree == 0 && p->free_cap) {
        free(p->free_offs);
        p->free_offs = NULL;
        p->free_cap = 0;
    } else if (p->free_cap > 256 && p->nfree < p->free_cap / 4) {
        uint32_t *nf = realloc(p->free_offs, sizeof(uint32_t) * p->nfree * 2);
        if (nf) {
            p->free_offs = nf;
            p->free_cap = p->nfree * 2;
        }
    }
    /* the redo log is as big as the batch's changes: keep only a small one for reuse */
    if (p->log_cap > 65536) {
        free(p->log);
        p->log = NULL;
        p->log_cap = 0;
    }
}

/* ---- metadata ---------------------------------------------------------------------------- */

static int check_metadata(const char *dir, int nparts, weir_error *err)
{
    char path[4200];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, METADATA_NAME) >= sizeof path)
        return weir_err(err, WEIR_EIO, "State directory path too long: %s", dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno != ENOENT)
            return weir_err(err, WEIR_EIO, "Cannot read %s: %s", path, strerror(errno));
        char text[96];
        int n = snprintf(text, sizeof text, "{\"version\":1,\"numPartitions\":%d}\n", nparts);
        int rc =
            weir_sf_write_atomic(dir, METADATA_NAME, (const uint8_t *)text, (size_t)n, true, err);
        if (rc == WEIR_OK && weir_sf_fsync_dir(dir) != 0)
            rc = weir_err(err, WEIR_EIO, "Cannot write %s: %s", path, strerror(errno));
        return rc;
    }
    char text[256];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    const char *k = strstr(text, "\"numPartitions\":");
    int have = -1;
    if (!k || sscanf(k + 16, "%d", &have) != 1 || have < 1)
        return weir_err(err, WEIR_EIO,
                        "[CANNOT_LOAD_STATE_STORE.UNCATEGORIZED] An error occurred during loading "
                        "state. Error reading state metadata file %s: no valid numPartitions.",
                        path);
    if (have != nparts)
        return weir_err(err, WEIR_EANALYSIS,
                        "The number of state partitions (%d) in the checkpoint differs from "
                        "spark.sql.shuffle.partitions (%d): the state in %s has %d partitions "
                        "but the query has %d, and the partition count cannot change for the "
                        "life of a checkpoint.",
                        have, nparts, dir, have, nparts);
    return WEIR_OK;
}

/* ---- API ---------------------------------------------------------------------------------- */

void weir_state_default_options(weir_state_options *o)
{
    o->min_deltas_for_snapshot = 10;
    o->min_versions_to_retain = 100;
    o->sync = WEIR_STATE_SYNC_AUTO;
}

void weir_state_set_options(weir_state_store *s, const weir_state_options *o)
{
    if (o->min_deltas_for_snapshot >= 1)
        s->opt.min_deltas_for_snapshot = o->min_deltas_for_snapshot;
    if (o->min_versions_to_retain >= 1) s->opt.min_versions_to_retain = o->min_versions_to_retain;
    if (o->sync >= WEIR_STATE_SYNC_AUTO && o->sync <= WEIR_STATE_SYNC_NONE) s->opt.sync = o->sync;
}

int64_t weir_state_version(const weir_state_store *s)
{
    return s->version;
}

int weir_state_open(const char *dir, int nparts, int64_t version, weir_state_store **out,
                    weir_error *err)
{
    *out = NULL;
    if (!dir || !*dir || nparts < 1 || version < -1)
        return weir_err(err, WEIR_EARG,
                        "Invalid state store arguments (dir %s, %d partitions, version %lld)",
                        dir ? dir : "(null)", nparts, (long long)version);
    if (weir_sf_mkdirs(dir) != 0)
        return weir_err(err, WEIR_EIO, "Cannot create state directory %s: %s", dir,
                        strerror(errno));
    int rc = check_metadata(dir, nparts, err);
    if (rc != WEIR_OK) return rc;

    weir_state_store *s = calloc(1, sizeof(*s));
    if (!s) return weir_err_nomem(err);
    size_t dl = strlen(dir);
    s->dir = malloc(dl + 1);
    s->mfdir = malloc(dl + sizeof(MANIFEST_DIR) + 1);
    s->parts = calloc((size_t)nparts, sizeof(st_part));
    s->dirty = malloc((size_t)nparts * sizeof(uint32_t));
    s->pend = malloc((size_t)nparts * sizeof(st_chain));
    if (!s->dir || !s->mfdir || !s->parts || !s->dirty || !s->pend) {
        weir_state_close(s);
        return weir_err_nomem(err);
    }
    memcpy(s->dir, dir, dl + 1);
    while (dl > 1 && s->dir[dl - 1] == '/')
        s->dir[--dl] = 0;
    snprintf(s->mfdir, dl + sizeof(MANIFEST_DIR) + 1, "%s/%s", s->dir, MANIFEST_DIR);
    s->nparts = nparts;
    s->version = version;
    s->cleaned_mf = -1;
    weir_state_default_options(&s->opt);
    for (int i = 0; i < nparts; i++) {
        st_part *p = &s->parts[i];
        p->c = (st_chain){-1, -1, WEIR_SF_NONE, 0};
        p->cleaned_below = -1;
    }
    if (mkdir(s->mfdir, 0755) == 0) {
        weir_sf_fsync_dir(s->dir);
    } else if (errno != EEXIST) {
        rc = weir_err(err, WEIR_EIO, "Cannot create %s: %s", s->mfdir, strerror(errno));
        weir_state_close(s);
        return rc;
    }
    scan_dir(s, s->mfdir, NULL);
    char pd[4200];
    for (int i = 0; i < nparts; i++)
        if (part_dir(s, i, pd, sizeof pd) == 0) scan_dir(s, pd, &s->parts[i]);

    if (version >= 0) {
        rc = read_manifest(s, version, s->pend, err);
        for (int i = 0; rc == WEIR_OK && i < nparts; i++) {
            s->parts[i].c = s->pend[i];
            rc = load_chain(s, i, &s->pend[i], err);
        }
        if (rc != WEIR_OK) {
            weir_state_close(s);
            return rc;
        }
    }
    int64_t total = 0;
    for (int i = 0; i < nparts; i++)
        total += s->parts[i].n;
    s->stats.num_rows_total = total;
    *out = s;
    return WEIR_OK;
}

void weir_state_close(weir_state_store *s)
{
    if (!s) return;
    if (s->parts) {
        for (int i = 0; i < s->nparts; i++) {
            st_part *p = &s->parts[i];
            free(p->slots);
            free(p->data);
            free(p->log);
            weir_sf_writer_free(&p->spill);
            free(p->free_offs);
            free(p->files);
        }
    }
    free(s->parts);
    free(s->dirty);
    free(s->pend);
    free(s->mfs);
    free(s->scratch);
    free(s->dir);
    free(s->mfdir);
    weir_sf_writer_free(&s->w);
    weir_sf_reader_free(&s->r);
    free(s);
}

static inline st_part *part_of(const weir_state_store *s, uint64_t hash)
{
    return &s->parts[hash % (uint64_t)s->nparts];
}

bool weir_state_get(weir_state_store *s, const uint8_t *key, uint32_t klen, uint64_t hash,
                    const uint8_t **val, uint32_t *vlen)
{
    if (s->poisoned) return false;
    const st_part *p = part_of(s, hash);
    int64_t i = part_find(p, key, klen, mix32(hash));
    if (i < 0) return false;
    const uint8_t *e = entry_at(p, p->slots[i]);
    *val = e + 8 + klen;
    *vlen = rd32(e + 4);
    return true;
}

static bool points_into(const st_part *p, const uint8_t *x)
{
    uintptr_t a = (uintptr_t)x, b = (uintptr_t)p->data;
    return p->data && a >= b && a < b + p->cap;
}

int weir_state_put(weir_state_store *s, const uint8_t *key, uint32_t klen, uint64_t hash,
                   const uint8_t *val, uint32_t vlen, weir_error *err)
{
    if (s->poisoned) return poisoned_err(s, err);
    if ((uint64_t)klen + vlen > MAX_ENTRY)
        return weir_err(err, WEIR_EARG,
                        "State entry too large: a key and value of %llu bytes (the limit is %u)",
                        (unsigned long long)klen + vlen, MAX_ENTRY);
    st_part *p = part_of(s, hash);
    uint32_t h = mix32(hash);
    if (points_into(p, key) || points_into(p, val)) {
        /* the caller passed bytes of this store (e.g. from get): they may move below */
        size_t need = (size_t)klen + vlen;
        if (need > s->scratch_cap) {
            uint8_t *ns = realloc(s->scratch, need);
            if (!ns) return weir_err_nomem(err);
            s->scratch = ns;
            s->scratch_cap = need;
        }
        copy_n(s->scratch, key, klen);
        copy_n(s->scratch + klen, val, vlen);
        key = s->scratch;
        val = s->scratch + klen;
    }
    mark_dirty(s, p);
    if (part_put(p, h, key, klen, val, vlen)) {
        if (p->used + entry_fp(klen, vlen) > MAX_DATA)
            return weir_err(err, WEIR_ERUNTIME, "State partition %d is full (32 GiB of entries)",
                            (int)(p - s->parts));
        return weir_err_nomem(err);
    }
    if (log_add(p, (int)(p - s->parts), h, key, klen, val, (int32_t)vlen))
        return weir_err_nomem(err);
    s->pend_updates++;
    return WEIR_OK;
}

int weir_state_remove(weir_state_store *s, const uint8_t *key, uint32_t klen, uint64_t hash,
                      weir_error *err)
{
    if (s->poisoned) return poisoned_err(s, err);
    st_part *p = part_of(s, hash);
    uint32_t h = mix32(hash);
    int64_t i = part_find(p, key, klen, h);
    if (i < 0) return WEIR_OK;
    mark_dirty(s, p);
    /* the log first: key may point at the entry, which removal leaves in place anyway */
    if (log_add(p, (int)(p - s->parts), h, key, klen, NULL, -1)) return weir_err_nomem(err);
    part_remove_at(p, (uint32_t)i);
    s->pend_removes++;
    return WEIR_OK;
}

/* Entries are visited in memory order (sequential, unlike the index), skipping dead ones. */
int weir_state_scan(weir_state_store *s, weir_state_visit visit, void *user)
{
    if (s->poisoned) return poisoned_err(s, NULL);
    for (int idx = 0; idx < s->nparts; idx++) {
        const st_part *p = &s->parts[idx];
        if (!p->n) continue;
        for (size_t pos = 0; pos < p->used;) {
            const uint8_t *e = p->data + pos;
            uint32_t kl = rd32(e), vl = rd32(e + 4);
            pos += entry_fp(kl & ~DEAD, vl);
            if (!(kl & DEAD) && !visit(user, e + 8, kl, e + 8 + kl, vl)) return WEIR_OK;
        }
    }
    return WEIR_OK;
}

/* Finds the slot of the live entry at byte offset off from its key's index hash (the
 * probe compares offsets, never entry bytes). */
static int64_t slot_of_entry(const st_part *p, size_t off, uint32_t h)
{
    uint64_t want = off / 8 + 1;
    uint32_t i = h & p->mask;
    for (;;) {
        uint64_t sl = p->slots[i];
        if (!sl) return -1;
        if ((uint32_t)sl == want) return i;
        i = (i + 1) & p->mask;
    }
}

/* The entry buffer is walked in address order (sequential, unlike the index), skipping
 * dead entries; a removal only marks its entry dead, so the walk is not disturbed. */
int weir_state_sweep(weir_state_store *s, weir_state_sweeper visit, void *user, weir_error *err)
{
    if (s->poisoned) return poisoned_err(s, err);
    for (int idx = 0; idx < s->nparts; idx++) {
        st_part *p = &s->parts[idx];
        if (!p->n) continue;
        for (size_t pos = 0; pos < p->used;) {
            uint8_t *e = p->data + pos;
            uint32_t kl = rd32(e), vl = rd32(e + 4);
            size_t fp = entry_fp(kl & ~DEAD, vl);
            if (!(kl & DEAD)) {
                uint64_t hash = 0;
                weir_state_verdict v = visit(user, e + 8, kl, e + 8 + kl, vl, &hash);
                if (v == WEIR_STATE_STOP) return WEIR_OK;
                if (v == WEIR_STATE_REMOVE) {
                    uint32_t h = mix32(hash);
                    int64_t i = part_of(s, hash) == p ? slot_of_entry(p, pos, h) : -1;
                    if (i < 0)
                        return weir_err(err, WEIR_ERUNTIME,
                                        "State sweep of %s: the hash given for a removed key "
                                        "is not the one it was stored with",
                                        s->dir);
                    mark_dirty(s, p);
                    if (log_add(p, idx, h, e + 8, kl, NULL, -1)) return weir_err_nomem(err);
                    part_remove_at(p, (uint32_t)i);
                    s->pend_removes++;
                }
            }
            pos += fp;
        }
    }
    return WEIR_OK;
}

void weir_state_prefetch(const weir_state_store *s, uint64_t hash)
{
    const st_part *p = part_of(s, hash);
    if (p->slots) __builtin_prefetch(&p->slots[mix32(hash) & p->mask]);
}

/* A partition snapshots instead of writing its 11th delta in a row (so at most
 * minDeltasForSnapshot deltas are ever replayed), or earlier, in the versions where
 * (version + partition) % (min + 1) == 0: partitions that change every batch then lock
 * onto their own slot and take turns, instead of all snapshotting in the same commit. */
static bool want_snapshot(const weir_state_store *s, int idx, int64_t version)
{
    uint32_t min = (uint32_t)s->opt.min_deltas_for_snapshot;
    uint32_t nd = s->parts[idx].c.ndeltas;
    return nd >= min || (nd >= 1 && (uint64_t)(version + idx) % ((uint64_t)min + 1) == 0);
}

static weir_state_sync resolve_sync(const weir_state_store *s, int nfiles)
{
    if (s->opt.sync != WEIR_STATE_SYNC_AUTO) return s->opt.sync;
    return nfiles > AUTO_FS_FILES ? WEIR_STATE_SYNC_FS : WEIR_STATE_SYNC_FILES;
}

/* Makes the files written so far durable before the manifest that points at them. */
static int sync_batch(weir_state_store *s, weir_state_sync mode, const uint32_t *idxs, int n,
                      bool newdir, weir_error *err)
{
    char pd[4200];
    if (mode == WEIR_STATE_SYNC_FS) {
        if (weir_sf_syncfs(s->dir) != 0)
            return weir_err(err, WEIR_EIO, "Cannot sync state files in %s: %s", s->dir,
                            strerror(errno));
    } else if (mode == WEIR_STATE_SYNC_FILES) {
        for (int k = 0; k < n; k++) {
            if (!s->parts[idxs[k]].dir_ok) continue; /* nothing written there */
            part_dir(s, (int)idxs[k], pd, sizeof pd);
            if (weir_sf_fsync_dir(pd) != 0)
                return weir_err(err, WEIR_EIO, "Cannot sync %s: %s", pd, strerror(errno));
        }
        if (newdir && weir_sf_fsync_dir(s->dir) != 0)
            return weir_err(err, WEIR_EIO, "Cannot sync %s: %s", s->dir, strerror(errno));
    }
    return WEIR_OK;
}

int weir_state_commit(weir_state_store *s, int64_t version, weir_error *err)
{
    if (s->poisoned) return poisoned_err(s, err);
    if (version <= s->version)
        return weir_err(err, WEIR_EARG,
                        "Cannot commit state version %lld: the state store in %s is already at "
                        "version %lld",
                        (long long)version, s->dir, (long long)s->version);
    int64_t t0 = now_us();
    int nfiles = 0;
    for (int k = 0; k < s->ndirty; k++)
        nfiles += s->parts[s->dirty[k]].log_n > 0;
    weir_state_sync mode = resolve_sync(s, nfiles);
    bool fsync_each = mode == WEIR_STATE_SYNC_FILES, newdir = false;
    int rc = WEIR_OK;
    for (int i = 0; i < s->nparts; i++)
        s->pend[i] = s->parts[i].c;
    for (int k = 0; k < s->ndirty; k++) {
        int idx = (int)s->dirty[k];
        st_part *p = &s->parts[idx];
        if (!p->log_n) continue;
        bool snap = want_snapshot(s, idx, version);
        uint32_t kind = snap ? WEIR_SF_SNAPSHOT : WEIR_SF_DELTA;
        weir_sf_writer *w = &s->w;
        rc = snap ? build_snapshot(s, idx) : build_delta(s, idx, &w);
        if (rc != WEIR_OK) return weir_err_nomem(err);
        rc = write_part_file(s, w, idx, version, kind, fsync_each, &newdir, err);
        if (rc != WEIR_OK) return rc;
        st_chain *c = &s->pend[idx];
        if (snap) {
            *c = (st_chain){version, version, WEIR_SF_SNAPSHOT, 0};
        } else {
            c->head_v = version;
            c->head_kind = WEIR_SF_DELTA;
            c->ndeltas++;
        }
    }
    rc = sync_batch(s, mode, s->dirty, s->ndirty, newdir, err);
    if (rc == WEIR_OK) rc = write_manifest(s, version, s->pend, mode != WEIR_STATE_SYNC_NONE, err);
    if (rc != WEIR_OK) return rc;

    /* committed: adopt the new chains */
    for (int k = 0; k < s->ndirty; k++) {
        st_part *p = &s->parts[s->dirty[k]];
        if (p->log_n) {
            p->c = s->pend[s->dirty[k]];
            files_add(p, version, p->c.head_kind);
        }
        p->log_len = 0;
        p->log_n = 0;
        spill_reset(p);
        p->dirty = false;
        maintain(p);
    }
    mfs_add(s, version);
    s->ndirty = 0;
    s->version = version;
    int64_t total = 0;
    for (int i = 0; i < s->nparts; i++)
        total += s->parts[i].n;
    s->stats.num_rows_total = total;
    s->stats.num_rows_updated = s->pend_updates;
    s->stats.num_rows_removed = s->pend_removes;
    s->pend_updates = s->pend_removes = 0;
    cleanup(s, 2 * nfiles + 32);
    if (s->w.out_cap > (8u << 20)) { /* do not keep a large snapshot's image around */
        free(s->w.out);
        s->w.out = NULL;
        s->w.out_cap = 0;
    }
    s->stats.commit_time_ms = (now_us() - t0) / 1000;
    return WEIR_OK;
}

void weir_state_abort(weir_state_store *s)
{
    if (s->poisoned) return;
    for (int k = 0; k < s->ndirty; k++) {
        int idx = (int)s->dirty[k];
        st_part *p = &s->parts[idx];
        part_clear(p);
        p->dirty = false;
        if (s->poisoned) continue;
        int rc = load_chain(s, idx, &p->c, &s->poison);
        if (rc != WEIR_OK) s->poisoned = true;
    }
    s->ndirty = 0;
    s->pend_updates = s->pend_removes = 0;
}

int weir_state_snapshot(weir_state_store *s, weir_error *err)
{
    if (s->poisoned) return poisoned_err(s, err);
    if (s->ndirty)
        return weir_err(err, WEIR_EARG,
                        "Cannot snapshot the state store in %s: it has uncommitted changes",
                        s->dir);
    if (s->version < 0) return WEIR_OK;
    weir_state_sync mode = resolve_sync(s, s->nparts);
    bool newdir = false;
    int n = 0;
    for (int idx = 0; idx < s->nparts; idx++) {
        st_part *p = &s->parts[idx];
        s->pend[idx] = p->c;
        if (p->c.head_kind == WEIR_SF_NONE ||
            (p->c.head_kind == WEIR_SF_SNAPSHOT && p->c.head_v == s->version))
            continue;
        int rc = build_snapshot(s, idx);
        if (rc != WEIR_OK) return weir_err_nomem(err);
        rc = write_part_file(s, &s->w, idx, s->version, WEIR_SF_SNAPSHOT,
                             mode == WEIR_STATE_SYNC_FILES, &newdir, err);
        if (rc != WEIR_OK) return rc;
        s->pend[idx] = (st_chain){s->version, s->version, WEIR_SF_SNAPSHOT, 0};
        s->dirty[n++] = (uint32_t)idx; /* borrowed as the list of written partitions */
    }
    if (n == 0) return WEIR_OK;
    int rc = sync_batch(s, mode, s->dirty, n, newdir, err);
    if (rc == WEIR_OK)
        rc = write_manifest(s, s->version, s->pend, mode != WEIR_STATE_SYNC_NONE, err);
    if (rc != WEIR_OK) return rc;
    for (int k = 0; k < n; k++) {
        st_part *p = &s->parts[s->dirty[k]];
        p->c = s->pend[s->dirty[k]];
        files_add(p, s->version, WEIR_SF_SNAPSHOT);
    }
    return WEIR_OK;
}

void weir_state_get_stats(const weir_state_store *s, weir_state_stats *out)
{
    *out = s->stats;
    size_t bytes =
        sizeof(*s) + (size_t)s->nparts * (sizeof(st_part) + sizeof(uint32_t) + sizeof(st_chain));
    for (int i = 0; i < s->nparts; i++)
        bytes += part_bytes(&s->parts[i]);
    out->memory_used_bytes = (int64_t)bytes;
}
