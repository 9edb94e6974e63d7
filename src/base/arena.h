/*
 * Arena (bump) allocator. Lifetimes in weir nest: session > query > operator state >
 * micro-batch > scratch, and each lifetime owns one arena. Everything allocated from an
 * arena is freed at once by weir_arena_reset() / weir_arena_destroy(); nothing is freed
 * individually. Allocation failure returns NULL (callers report WEIR_ENOMEM), never aborts.
 */
#ifndef WEIR_BASE_ARENA_H
#define WEIR_BASE_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct weir_arena_chunk weir_arena_chunk;

typedef struct weir_arena {
    weir_arena_chunk *head; /* current chunk; older chunks chained behind it */
    char *cur;              /* next free byte in head */
    char *end;              /* end of head's usable space */
    size_t chunk_size;      /* default size of a new chunk */
    size_t total;           /* bytes obtained from malloc, for memory accounting */
} weir_arena;

/* Initializes an arena whose chunks are at least chunk_size bytes (0 = 64 KiB). */
void weir_arena_init(weir_arena *a, size_t chunk_size);
/* Creates a heap-allocated arena; NULL on out of memory. */
weir_arena *weir_arena_new(size_t chunk_size);
/* Frees every chunk but the first, and rewinds. Pointers into the arena become invalid. */
void weir_arena_reset(weir_arena *a);
/* Frees every chunk. Safe on a zeroed arena. */
void weir_arena_free(weir_arena *a);
/* weir_arena_free + free(a). Safe on NULL. */
void weir_arena_destroy(weir_arena *a);

/* 16-byte aligned allocation of n bytes; NULL on out of memory. */
void *weir_arena_alloc(weir_arena *a, size_t n);
/* Zero-filled allocation. */
void *weir_arena_calloc(weir_arena *a, size_t n);
/* Grows the allocation p (old_n bytes, the most recent or any earlier one) to new_n bytes.
 * When p is the last allocation it is extended in place. */
void *weir_arena_realloc(weir_arena *a, void *p, size_t old_n, size_t new_n);
/* Copies n bytes of s and appends a NUL. */
char *weir_arena_strndup(weir_arena *a, const char *s, size_t n);
char *weir_arena_strdup(weir_arena *a, const char *s);
/* printf into the arena. */
char *weir_arena_sprintf(weir_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define WEIR_ARENA_NEW(a, T)     ((T *)weir_arena_calloc((a), sizeof(T)))
#define WEIR_ARENA_NEWN(a, T, n) ((T *)weir_arena_calloc((a), sizeof(T) * (size_t)(n)))

#endif
