/* Type descriptors and their Spark names; see types.h. */
#include "base/types.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PRIM(name, tid) const weir_type name = {.id = tid}
PRIM(weir_type_null, WEIR_T_NULL);
PRIM(weir_type_boolean, WEIR_T_BOOLEAN);
PRIM(weir_type_tinyint, WEIR_T_TINYINT);
PRIM(weir_type_smallint, WEIR_T_SMALLINT);
PRIM(weir_type_int, WEIR_T_INT);
PRIM(weir_type_bigint, WEIR_T_BIGINT);
PRIM(weir_type_float, WEIR_T_FLOAT);
PRIM(weir_type_double, WEIR_T_DOUBLE);
PRIM(weir_type_string, WEIR_T_STRING);
PRIM(weir_type_binary, WEIR_T_BINARY);
PRIM(weir_type_date, WEIR_T_DATE);
PRIM(weir_type_timestamp, WEIR_T_TIMESTAMP);
PRIM(weir_type_interval, WEIR_T_INTERVAL);

const weir_type *weir_type_primitive(weir_type_id id)
{
    switch (id) {
    case WEIR_T_NULL: return WEIR_TYPE_NULL;
    case WEIR_T_BOOLEAN: return WEIR_TYPE_BOOLEAN;
    case WEIR_T_TINYINT: return WEIR_TYPE_TINYINT;
    case WEIR_T_SMALLINT: return WEIR_TYPE_SMALLINT;
    case WEIR_T_INT: return WEIR_TYPE_INT;
    case WEIR_T_BIGINT: return WEIR_TYPE_BIGINT;
    case WEIR_T_FLOAT: return WEIR_TYPE_FLOAT;
    case WEIR_T_DOUBLE: return WEIR_TYPE_DOUBLE;
    case WEIR_T_STRING: return WEIR_TYPE_STRING;
    case WEIR_T_BINARY: return WEIR_TYPE_BINARY;
    case WEIR_T_DATE: return WEIR_TYPE_DATE;
    case WEIR_T_TIMESTAMP: return WEIR_TYPE_TIMESTAMP;
    case WEIR_T_INTERVAL: return WEIR_TYPE_INTERVAL;
    default: return NULL;
    }
}

const weir_type *weir_type_decimal(weir_arena *a, int precision, int scale)
{
    weir_type *t = WEIR_ARENA_NEW(a, weir_type);
    if (!t) return NULL;
    t->id = WEIR_T_DECIMAL;
    t->precision = precision;
    t->scale = scale;
    return t;
}

const weir_type *weir_type_array(weir_arena *a, const weir_type *elem)
{
    weir_type *t = WEIR_ARENA_NEW(a, weir_type);
    if (!t) return NULL;
    t->id = WEIR_T_ARRAY;
    t->elem = elem;
    return t;
}

const weir_type *weir_type_map(weir_arena *a, const weir_type *key, const weir_type *value)
{
    weir_type *t = WEIR_ARENA_NEW(a, weir_type);
    if (!t) return NULL;
    t->id = WEIR_T_MAP;
    t->elem = key;
    t->value = value;
    return t;
}

const weir_type *weir_type_struct(weir_arena *a, const weir_field *fields, int nfields)
{
    weir_type *t = WEIR_ARENA_NEW(a, weir_type);
    weir_field *f = nfields ? WEIR_ARENA_NEWN(a, weir_field, nfields) : NULL;
    if (!t || (nfields && !f)) return NULL;
    for (int i = 0; i < nfields; i++) {
        f[i] = fields[i];
        f[i].name = weir_arena_strdup(a, fields[i].name);
        if (!f[i].name) return NULL;
    }
    t->id = WEIR_T_STRUCT;
    t->nfields = nfields;
    t->fields = f;
    return t;
}

bool weir_type_equal(const weir_type *x, const weir_type *y)
{
    if (x == y) return true;
    if (!x || !y || x->id != y->id) return false;
    switch (x->id) {
    case WEIR_T_DECIMAL: return x->precision == y->precision && x->scale == y->scale;
    case WEIR_T_ARRAY: return weir_type_equal(x->elem, y->elem);
    case WEIR_T_MAP:
        return weir_type_equal(x->elem, y->elem) && weir_type_equal(x->value, y->value);
    case WEIR_T_STRUCT:
        if (x->nfields != y->nfields) return false;
        for (int i = 0; i < x->nfields; i++) {
            if (strcmp(x->fields[i].name, y->fields[i].name) != 0) return false;
            if (!weir_type_equal(x->fields[i].type, y->fields[i].type)) return false;
        }
        return true;
    default: return true;
    }
}

size_t weir_type_width(const weir_type *t)
{
    switch (t->id) {
    case WEIR_T_BOOLEAN:
    case WEIR_T_TINYINT: return 1;
    case WEIR_T_SMALLINT: return 2;
    case WEIR_T_INT:
    case WEIR_T_FLOAT:
    case WEIR_T_DATE: return 4;
    case WEIR_T_BIGINT:
    case WEIR_T_DOUBLE:
    case WEIR_T_TIMESTAMP:
    case WEIR_T_INTERVAL: return 8;
    case WEIR_T_DECIMAL: return 16;
    default: return 0;
    }
}

bool weir_type_is_integral(const weir_type *t)
{
    return t->id >= WEIR_T_TINYINT && t->id <= WEIR_T_BIGINT;
}

bool weir_type_is_numeric(const weir_type *t)
{
    return t->id >= WEIR_T_TINYINT && t->id <= WEIR_T_DECIMAL;
}

bool weir_type_is_varlen(const weir_type *t)
{
    return t->id == WEIR_T_STRING || t->id == WEIR_T_BINARY;
}

int weir_type_field_index(const weir_type *t, const char *name)
{
    if (t->id != WEIR_T_STRUCT) return -1;
    int found = -1;
    for (int i = 0; i < t->nfields; i++) {
        if (strcasecmp(t->fields[i].name, name) == 0) {
            if (found >= 0) return -2;
            found = i;
        }
    }
    return found;
}

/* Appends to a bounded buffer, tracking the would-be length. */
typedef struct {
    char *buf;
    size_t n, len;
} tbuf;

static void tb_puts(tbuf *b, const char *s)
{
    size_t l = strlen(s);
    if (b->len < b->n) {
        size_t room = b->n - b->len - 1;
        memcpy(b->buf + b->len, s, l < room ? l : room);
        b->buf[b->len + (l < room ? l : room)] = 0;
    }
    b->len += l;
}

static bool needs_quotes(const char *name)
{
    bool all_digits = true;
    if (!*name) return true;
    for (const char *p = name; *p; p++) {
        char c = *p;
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return true;
        if (c < '0' || c > '9') all_digits = false;
    }
    return all_digits;
}

static void type_render(tbuf *b, const weir_type *t, bool sql)
{
    static const char *const lower[] = {[WEIR_T_NULL] = "void",
                                        [WEIR_T_BOOLEAN] = "boolean",
                                        [WEIR_T_TINYINT] = "tinyint",
                                        [WEIR_T_SMALLINT] = "smallint",
                                        [WEIR_T_INT] = "int",
                                        [WEIR_T_BIGINT] = "bigint",
                                        [WEIR_T_FLOAT] = "float",
                                        [WEIR_T_DOUBLE] = "double",
                                        [WEIR_T_STRING] = "string",
                                        [WEIR_T_BINARY] = "binary",
                                        [WEIR_T_DATE] = "date",
                                        [WEIR_T_TIMESTAMP] = "timestamp",
                                        [WEIR_T_INTERVAL] = "interval day to second"};
    static const char *const upper[] = {[WEIR_T_NULL] = "VOID",
                                        [WEIR_T_BOOLEAN] = "BOOLEAN",
                                        [WEIR_T_TINYINT] = "TINYINT",
                                        [WEIR_T_SMALLINT] = "SMALLINT",
                                        [WEIR_T_INT] = "INT",
                                        [WEIR_T_BIGINT] = "BIGINT",
                                        [WEIR_T_FLOAT] = "FLOAT",
                                        [WEIR_T_DOUBLE] = "DOUBLE",
                                        [WEIR_T_STRING] = "STRING",
                                        [WEIR_T_BINARY] = "BINARY",
                                        [WEIR_T_DATE] = "DATE",
                                        [WEIR_T_TIMESTAMP] = "TIMESTAMP",
                                        [WEIR_T_INTERVAL] = "INTERVAL DAY TO SECOND"};
    char num[64];
    switch (t->id) {
    case WEIR_T_DECIMAL:
        snprintf(num, sizeof num, "%s(%d,%d)", sql ? "DECIMAL" : "decimal", t->precision, t->scale);
        tb_puts(b, num);
        break;
    case WEIR_T_ARRAY:
        tb_puts(b, sql ? "ARRAY<" : "array<");
        type_render(b, t->elem, sql);
        tb_puts(b, ">");
        break;
    case WEIR_T_MAP:
        tb_puts(b, sql ? "MAP<" : "map<");
        type_render(b, t->elem, sql);
        tb_puts(b, sql ? ", " : ",");
        type_render(b, t->value, sql);
        tb_puts(b, ">");
        break;
    case WEIR_T_STRUCT:
        tb_puts(b, sql ? "STRUCT<" : "struct<");
        for (int i = 0; i < t->nfields; i++) {
            if (i) tb_puts(b, sql ? ", " : ",");
            /* Spark quotes a field name only when it needs it (quoteIfNeeded) */
            bool q = sql && needs_quotes(t->fields[i].name);
            if (q) tb_puts(b, "`");
            tb_puts(b, t->fields[i].name);
            if (q) tb_puts(b, "`");
            tb_puts(b, sql ? ": " : ":");
            type_render(b, t->fields[i].type, sql);
        }
        tb_puts(b, ">");
        break;
    default: tb_puts(b, (sql ? upper : lower)[t->id]); break;
    }
}

const char *weir_type_name(const weir_type *t, char *buf, size_t n)
{
    tbuf b = {buf, n, 0};
    if (n) buf[0] = 0;
    type_render(&b, t, false);
    return buf;
}

const char *weir_type_sql(const weir_type *t, char *buf, size_t n)
{
    tbuf b = {buf, n, 0};
    if (n) buf[0] = 0;
    type_render(&b, t, true);
    return buf;
}
