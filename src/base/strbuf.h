/*
 * Growable byte string (malloc-backed). Used for output text (show(), JSON, messages),
 * never in per-row hot loops of the engine unless reused across rows.
 */
#ifndef WEIR_BASE_STRBUF_H
#define WEIR_BASE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct weir_strbuf {
    char *p; /* NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
    int oom; /* set when an allocation failed; later appends are ignored */
} weir_strbuf;

#define WEIR_STRBUF_INIT                                                                           \
    {                                                                                              \
        0, 0, 0, 0                                                                                 \
    }

void weir_sb_append(weir_strbuf *sb, const char *s, size_t n);
void weir_sb_puts(weir_strbuf *sb, const char *s);
void weir_sb_putc(weir_strbuf *sb, char c);
void weir_sb_printf(weir_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void weir_sb_vprintf(weir_strbuf *sb, const char *fmt, va_list ap);
/* Appends c n times. */
void weir_sb_fill(weir_strbuf *sb, char c, size_t n);
void weir_sb_reset(weir_strbuf *sb); /* len = 0, keeps the buffer */
void weir_sb_free(weir_strbuf *sb);
/* Returns the buffer (caller frees) and resets sb to empty. Never NULL unless oom. */
char *weir_sb_take(weir_strbuf *sb);

#endif
