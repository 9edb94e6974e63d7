/*
 * keymap: an open-addressing hash map from byte strings (encoded row keys, see
 * weir_key_encode) to dense ids 0, 1, 2, ... in insertion order. Keys are copied into the
 * map's arena. Used for aggregation groups, DISTINCT sets and join build sides.
 */
#ifndef WEIR_EXEC_KEYMAP_H
#define WEIR_EXEC_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

typedef struct weir_keymap {
    weir_arena *arena;
    uint64_t *slots;  /* (hash >> 32) << 32 | (id + 1); 0 = empty */
    uint32_t mask;    /* slots - 1 */
    uint32_t n;       /* number of keys */
    uint32_t cap;     /* capacity of the per-key arrays */
    uint64_t *hashes; /* per id */
    const uint8_t **keys;
    uint32_t *lens;
} weir_keymap;

int weir_keymap_init(weir_keymap *m, weir_arena *a);
/* Finds key or inserts it; *id receives its id, *inserted whether it is new. */
int weir_keymap_upsert(weir_keymap *m, const uint8_t *key, uint32_t len, uint64_t hash,
                       uint32_t *id, int *inserted);
/* weir_keymap_upsert for n keys (prefetching the slots ahead); ids[i] receives key i's id.
 * New keys get the ids from the map's previous size on. */
int weir_keymap_upsert_batch(weir_keymap *m, const uint8_t *const *keys, const uint32_t *lens,
                             const uint64_t *hashes, int32_t n, uint32_t *ids);
/* Finds key: its id, or -1. */
int64_t weir_keymap_find(const weir_keymap *m, const uint8_t *key, uint32_t len, uint64_t hash);
/* Bytes used by the map (slots, arrays; not the key bytes in the arena). */
size_t weir_keymap_bytes(const weir_keymap *m);
void weir_keymap_free(weir_keymap *m);

#endif
