/*
 * Arena allocator: a chain of malloc'd chunks carved by bumping a pointer. Oversized
 * requests get a chunk of their own so one large string does not waste a default chunk.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct weir_arena_chunk {
    weir_arena_chunk *prev;
    size_t size; /* usable bytes after the header */
    /* data follows, 16-byte aligned */
    _Alignas(16) char data[];
};

#define ALIGN16(n) (((n) + 15u) & ~(size_t)15u)

void weir_arena_init(weir_arena *a, size_t chunk_size)
{
    memset(a, 0, sizeof(*a));
    a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
}

weir_arena *weir_arena_new(size_t chunk_size)
{
    weir_arena *a = malloc(sizeof(*a));
    if (a) weir_arena_init(a, chunk_size);
    return a;
}

static int arena_grow(weir_arena *a, size_t need)
{
    size_t size = a->chunk_size;
    if (need > size) size = need;
    weir_arena_chunk *c = malloc(sizeof(*c) + size);
    if (!c) return -1;
    c->prev = a->head;
    c->size = size;
    a->head = c;
    a->cur = c->data;
    a->end = c->data + size;
    a->total += sizeof(*c) + size;
    /* Grow the default for later chunks, up to 4 MiB, so long-lived arenas stay shallow. */
    if (a->chunk_size < 4 * 1024 * 1024) a->chunk_size *= 2;
    return 0;
}

void *weir_arena_alloc(weir_arena *a, size_t n)
{
    n = ALIGN16(n ? n : 1);
    if ((size_t)(a->end - a->cur) < n || !a->cur) {
        if (arena_grow(a, n) != 0) return NULL;
    }
    void *p = a->cur;
    a->cur += n;
    return p;
}

void *weir_arena_calloc(weir_arena *a, size_t n)
{
    void *p = weir_arena_alloc(a, n);
    if (p) memset(p, 0, n ? n : 1);
    return p;
}

void *weir_arena_realloc(weir_arena *a, void *p, size_t old_n, size_t new_n)
{
    if (!p) return weir_arena_alloc(a, new_n);
    if (new_n <= old_n) return p;
    size_t old_al = ALIGN16(old_n ? old_n : 1);
    if ((char *)p + old_al == a->cur) {
        size_t extra = ALIGN16(new_n) - old_al;
        if ((size_t)(a->end - a->cur) >= extra) {
            a->cur += extra;
            return p;
        }
    }
    void *q = weir_arena_alloc(a, new_n);
    if (q) memcpy(q, p, old_n);
    return q;
}

void weir_arena_reset(weir_arena *a)
{
    weir_arena_chunk *c = a->head;
    if (!c) return;
    while (c->prev) {
        weir_arena_chunk *prev = c->prev;
        a->total -= sizeof(*c) + c->size;
        free(c);
        c = prev;
    }
    a->head = c;
    a->cur = c->data;
    a->end = c->data + c->size;
}

void weir_arena_free(weir_arena *a)
{
    weir_arena_chunk *c = a->head;
    while (c) {
        weir_arena_chunk *prev = c->prev;
        free(c);
        c = prev;
    }
    a->head = NULL;
    a->cur = a->end = NULL;
    a->total = 0;
}

void weir_arena_destroy(weir_arena *a)
{
    if (!a) return;
    weir_arena_free(a);
    free(a);
}

char *weir_arena_strndup(weir_arena *a, const char *s, size_t n)
{
    char *p = weir_arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *weir_arena_strdup(weir_arena *a, const char *s)
{
    return weir_arena_strndup(a, s, strlen(s));
}

char *weir_arena_sprintf(weir_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *p = weir_arena_alloc(a, (size_t)n + 1);
    if (!p) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
