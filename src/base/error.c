/* Error reporting helpers; see error.h. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int err_vset(weir_error *err, int code, int line, int pos, const char *fmt, va_list ap)
{
    if (!err) return code;
    err->code = code;
    err->line = line;
    err->pos = pos;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    return code;
}

int weir_err(weir_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, code, 0, 0, fmt, ap);
    va_end(ap);
    return code;
}

int weir_err_at(weir_error *err, int code, int line, int pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, code, line, pos, fmt, ap);
    va_end(ap);
    return code;
}

int weir_err_nomem(weir_error *err)
{
    return weir_err(err, WEIR_ENOMEM, "out of memory");
}

void weir_err_clear(weir_error *err)
{
    if (!err) return;
    err->code = WEIR_OK;
    err->line = err->pos = 0;
    err->msg[0] = 0;
}

const char *weir_err_format(const weir_error *err, char *buf, size_t n)
{
    if (err->line > 0)
        snprintf(buf, n, "%s (line %d, pos %d)", err->msg, err->line, err->pos);
    else
        snprintf(buf, n, "%s", err->msg);
    return buf;
}
