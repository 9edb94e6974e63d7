/* Growable string; see strbuf.h. */
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sb_reserve(weir_strbuf *sb, size_t more)
{
    if (sb->oom) return -1;
    if (sb->len + more + 1 <= sb->cap) return 0;
    size_t ncap = sb->cap ? sb->cap * 2 : 64;
    while (ncap < sb->len + more + 1)
        ncap *= 2;
    char *p = realloc(sb->p, ncap);
    if (!p) {
        sb->oom = 1;
        return -1;
    }
    sb->p = p;
    sb->cap = ncap;
    return 0;
}

void weir_sb_append(weir_strbuf *sb, const char *s, size_t n)
{
    if (sb_reserve(sb, n) != 0) return;
    if (n) memcpy(sb->p + sb->len, s, n);
    sb->len += n;
    sb->p[sb->len] = 0;
}

void weir_sb_puts(weir_strbuf *sb, const char *s)
{
    weir_sb_append(sb, s, strlen(s));
}

void weir_sb_putc(weir_strbuf *sb, char c)
{
    weir_sb_append(sb, &c, 1);
}

void weir_sb_fill(weir_strbuf *sb, char c, size_t n)
{
    if (sb_reserve(sb, n) != 0) return;
    memset(sb->p + sb->len, c, n);
    sb->len += n;
    sb->p[sb->len] = 0;
}

void weir_sb_vprintf(weir_strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || sb_reserve(sb, (size_t)n) != 0) return;
    vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void weir_sb_printf(weir_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    weir_sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

void weir_sb_reset(weir_strbuf *sb)
{
    sb->len = 0;
    if (sb->p) sb->p[0] = 0;
}

void weir_sb_free(weir_strbuf *sb)
{
    free(sb->p);
    sb->p = NULL;
    sb->len = sb->cap = 0;
    sb->oom = 0;
}

char *weir_sb_take(weir_strbuf *sb)
{
    if (sb_reserve(sb, 0) != 0) return NULL;
    char *p = sb->p;
    sb->p = NULL;
    sb->len = sb->cap = 0;
    return p;
}
