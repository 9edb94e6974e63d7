/* Open-addressing byte-key map; see keymap.h. Linear probing on a power-of-two table kept
 * at most half full. A slot holds the upper half of the key's hash next to its id, so a
 * probe touches the key's bytes only when those 32 bits match; the per-key hash is stored
 * so growth never re-hashes key bytes. */
#include "exec/keymap.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"

#define TAG(h) ((h)&0xffffffff00000000ull)

int weir_keymap_init(weir_keymap *m, weir_arena *a)
{
    memset(m, 0, sizeof(*m));
    m->arena = a;
    m->mask = 1023;
    m->slots = calloc(1024, sizeof(uint64_t));
    m->cap = 512;
    m->hashes = malloc(sizeof(uint64_t) * m->cap);
    m->keys = malloc(sizeof(uint8_t *) * m->cap);
    m->lens = malloc(sizeof(uint32_t) * m->cap);
    if (!m->slots || !m->hashes || !m->keys || !m->lens) return WEIR_ENOMEM;
    return WEIR_OK;
}

static int keymap_grow(weir_keymap *m)
{
    uint32_t nslots = (m->mask + 1) * 2;
    uint64_t *s = calloc(nslots, sizeof(uint64_t));
    if (!s) return WEIR_ENOMEM;
    for (uint32_t id = 0; id < m->n; id++) {
        uint64_t h = m->hashes[id];
        uint32_t i = (uint32_t)h & (nslots - 1);
        while (s[i])
            i = (i + 1) & (nslots - 1);
        s[i] = TAG(h) | (id + 1);
    }
    free(m->slots);
    m->slots = s;
    m->mask = nslots - 1;
    return WEIR_OK;
}

int64_t weir_keymap_find(const weir_keymap *m, const uint8_t *key, uint32_t len, uint64_t hash)
{
    uint32_t i = (uint32_t)hash & m->mask;
    for (;;) {
        uint64_t s = m->slots[i];
        if (!s) return -1;
        uint32_t id = (uint32_t)s - 1;
        if (TAG(s) == TAG(hash) && m->lens[id] == len && memcmp(m->keys[id], key, len) == 0)
            return id;
        i = (i + 1) & m->mask;
    }
}

int weir_keymap_upsert(weir_keymap *m, const uint8_t *key, uint32_t len, uint64_t hash,
                       uint32_t *id, int *inserted)
{
    uint32_t i = (uint32_t)hash & m->mask;
    for (;;) {
        uint64_t s = m->slots[i];
        if (!s) break;
        uint32_t k = (uint32_t)s - 1;
        if (TAG(s) == TAG(hash) && m->lens[k] == len && memcmp(m->keys[k], key, len) == 0) {
            *id = k;
            *inserted = 0;
            return WEIR_OK;
        }
        i = (i + 1) & m->mask;
    }
    if (m->n == m->cap) {
        uint32_t ncap = m->cap * 2;
        uint64_t *h = realloc(m->hashes, sizeof(uint64_t) * ncap);
        if (!h) return WEIR_ENOMEM;
        m->hashes = h;
        const uint8_t **k = realloc(m->keys, sizeof(uint8_t *) * ncap);
        if (!k) return WEIR_ENOMEM;
        m->keys = k;
        uint32_t *l = realloc(m->lens, sizeof(uint32_t) * ncap);
        if (!l) return WEIR_ENOMEM;
        m->lens = l;
        m->cap = ncap;
    }
    uint8_t *copy = weir_arena_alloc(m->arena, len ? len : 1);
    if (!copy) return WEIR_ENOMEM;
    memcpy(copy, key, len);
    uint32_t nid = m->n++;
    m->hashes[nid] = hash;
    m->keys[nid] = copy;
    m->lens[nid] = len;
    m->slots[i] = TAG(hash) | (nid + 1);
    *id = nid;
    *inserted = 1;
    if ((uint64_t)m->n * 2 > (uint64_t)m->mask + 1) return keymap_grow(m);
    return WEIR_OK;
}

#define PREFETCH_AHEAD 16

int weir_keymap_upsert_batch(weir_keymap *m, const uint8_t *const *keys, const uint32_t *lens,
                             const uint64_t *hashes, int32_t n, uint32_t *ids)
{
    for (int32_t i = 0; i < n; i++) {
        if (i + PREFETCH_AHEAD < n)
            __builtin_prefetch(&m->slots[(uint32_t)hashes[i + PREFETCH_AHEAD] & m->mask]);
        int ins;
        if (weir_keymap_upsert(m, keys[i], lens[i], hashes[i], &ids[i], &ins) != WEIR_OK)
            return WEIR_ENOMEM;
    }
    return WEIR_OK;
}

size_t weir_keymap_bytes(const weir_keymap *m)
{
    return (size_t)(m->mask + 1) * sizeof(uint64_t) +
           (size_t)m->cap * (sizeof(uint64_t) + sizeof(uint8_t *) + sizeof(uint32_t));
}

void weir_keymap_free(weir_keymap *m)
{
    free(m->slots);
    free(m->hashes);
    free(m->keys);
    free(m->lens);
    memset(m, 0, sizeof(*m));
}
