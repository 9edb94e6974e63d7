/*
 * The state store of stateful streaming operators (Spark's StateStore with the
 * HDFSBackedStateStoreProvider's layout): a versioned map from key bytes to value bytes,
 * split by key hash into `nparts` partitions (spark.sql.shuffle.partitions, fixed for the
 * life of a checkpoint). Version V is the state after batch V committed.
 *
 * Files, per operator directory (<checkpoint>/state/<operatorId>/<partition>/):
 *   V.delta     the changes of version V (puts and removes), compressed
 *   V.snapshot  the whole partition at version V, written every few versions, compressed
 * Loading version V reads the newest snapshot <= V and replays the deltas after it. A
 * version that was written but whose batch never committed is simply overwritten when the
 * batch re-runs. Files are written atomically (temporary name, fsync, rename).
 *
 * Threads: a store belongs to one query thread.
 */
#ifndef WEIR_STATE_STATE_H
#define WEIR_STATE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct weir_state_store weir_state_store;

typedef struct weir_state_stats {
    int64_t num_rows_total;    /* keys after the last commit */
    int64_t num_rows_updated;  /* puts in the last committed version */
    int64_t num_rows_removed;  /* removes in the last committed version */
    int64_t memory_used_bytes; /* keys, values and index of all partitions */
    int64_t commit_time_ms;
} weir_state_stats;

/* Opens the store in dir (created if needed) with nparts partitions, loaded at `version`
 * (-1: empty, for a query's first batch). A directory written with another partition count
 * fails with a clear message ("... state has N partitions but the query has M ..."). */
int weir_state_open(const char *dir, int nparts, int64_t version, weir_state_store **out,
                    weir_error *err);
void weir_state_close(weir_state_store *s);

/* Changes for the next version. `hash` is the caller's hash of the key (the partition is
 * hash % nparts); pointers returned by get stay valid until the next put/remove/commit. */
bool weir_state_get(weir_state_store *s, const uint8_t *key, uint32_t klen, uint64_t hash,
                    const uint8_t **val, uint32_t *vlen);
int weir_state_put(weir_state_store *s, const uint8_t *key, uint32_t klen, uint64_t hash,
                   const uint8_t *val, uint32_t vlen, weir_error *err);
/* Removing an absent key is a no-op. */
int weir_state_remove(weir_state_store *s, const uint8_t *key, uint32_t klen, uint64_t hash,
                      weir_error *err);

/* Visits every entry (current contents, including uncommitted changes). Return false from
 * visit to stop. The visitor must not modify the store; collect keys to remove first. */
typedef bool (*weir_state_visit)(void *user, const uint8_t *key, uint32_t klen, const uint8_t *val,
                                 uint32_t vlen);
int weir_state_scan(weir_state_store *s, weir_state_visit visit, void *user);

/* What a sweep visitor decides for an entry. */
typedef enum weir_state_verdict {
    WEIR_STATE_KEEP,
    WEIR_STATE_REMOVE, /* remove it (as weir_state_remove, without looking it up again) */
    WEIR_STATE_STOP,   /* keep it and end the sweep */
} weir_state_verdict;
typedef weir_state_verdict (*weir_state_sweeper)(void *user, const uint8_t *key, uint32_t klen,
                                                 const uint8_t *val, uint32_t vlen, uint64_t *hash);
/* Visits every entry once, in no particular order, removing those the visitor says
 * (watermark eviction); for a removal it sets *hash to the key's hash as given to put.
 * The visitor must not modify the store; the bytes it sees stay valid until the next put
 * or commit, even when it removes them. Entries are visited in memory order, so a sweep
 * over a large store runs at memory speed. */
int weir_state_sweep(weir_state_store *s, weir_state_sweeper visit, void *user, weir_error *err);

/* A hint that the key with this hash is about to be looked up (its index slot is fetched
 * into the cache); lets a caller overlap the lookups of a batch of keys. */
void weir_state_prefetch(const weir_state_store *s, uint64_t hash);

/* Makes the changes version `version` (the batch id) and writes its files. */
int weir_state_commit(weir_state_store *s, int64_t version, weir_error *err);
/* Drops uncommitted changes (a failed batch). */
void weir_state_abort(weir_state_store *s);
void weir_state_get_stats(const weir_state_store *s, weir_state_stats *out);

#endif
