/*
 * SQL data types (Spark's type system). Types are immutable descriptors: primitive types
 * are static singletons (WEIR_TYPE_INT ...); STRUCT, ARRAY, MAP and DECIMAL descriptors are
 * built in an arena that outlives every vector using them (the session or query arena).
 *
 * Physical layout of each type in a column vector (see exec/vector.h):
 *   BOOLEAN        uint8_t (0/1)        -- one byte a value; bit-packed only at the Arrow boundary
 *   TINYINT        int8_t
 *   SMALLINT       int16_t
 *   INT            int32_t
 *   BIGINT         int64_t
 *   FLOAT          float
 *   DOUBLE         double
 *   DECIMAL(p,s)   __int128 unscaled value (Arrow decimal128 layout), p <= 38
 *   STRING, BINARY int32_t offsets[n+1] + bytes (Arrow utf8 / binary)
 *   DATE           int32_t days since 1970-01-01
 *   TIMESTAMP      int64_t microseconds since the epoch, UTC
 *   INTERVAL       int64_t microseconds (Spark's DayTimeIntervalType, e.g. INTERVAL 10 MINUTES)
 *   STRUCT         no data; one child vector per field
 *   ARRAY          int32_t offsets[n+1]; child[0] holds the elements
 *   MAP            int32_t offsets[n+1]; child[0] keys, child[1] values
 *   NULL           no data (Spark's NullType, the type of a bare NULL literal)
 */
#ifndef WEIR_BASE_TYPES_H
#define WEIR_BASE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

typedef enum weir_type_id {
    WEIR_T_NULL = 0,
    WEIR_T_BOOLEAN,
    WEIR_T_TINYINT,
    WEIR_T_SMALLINT,
    WEIR_T_INT,
    WEIR_T_BIGINT,
    WEIR_T_FLOAT,
    WEIR_T_DOUBLE,
    WEIR_T_DECIMAL,
    WEIR_T_STRING,
    WEIR_T_BINARY,
    WEIR_T_DATE,
    WEIR_T_TIMESTAMP,
    WEIR_T_INTERVAL,
    WEIR_T_STRUCT,
    WEIR_T_ARRAY,
    WEIR_T_MAP,
    WEIR_T__COUNT
} weir_type_id;

typedef struct weir_type weir_type;

typedef struct weir_field {
    const char *name;
    const weir_type *type;
    bool nullable;
} weir_field;

struct weir_type {
    weir_type_id id;
    int precision, scale;     /* DECIMAL */
    int nfields;              /* STRUCT */
    const weir_field *fields; /* STRUCT */
    const weir_type *elem;    /* ARRAY element, MAP key */
    const weir_type *value;   /* MAP value */
};

extern const weir_type weir_type_null, weir_type_boolean, weir_type_tinyint, weir_type_smallint,
    weir_type_int, weir_type_bigint, weir_type_float, weir_type_double, weir_type_string,
    weir_type_binary, weir_type_date, weir_type_timestamp, weir_type_interval;

#define WEIR_TYPE_NULL      (&weir_type_null)
#define WEIR_TYPE_BOOLEAN   (&weir_type_boolean)
#define WEIR_TYPE_TINYINT   (&weir_type_tinyint)
#define WEIR_TYPE_SMALLINT  (&weir_type_smallint)
#define WEIR_TYPE_INT       (&weir_type_int)
#define WEIR_TYPE_BIGINT    (&weir_type_bigint)
#define WEIR_TYPE_FLOAT     (&weir_type_float)
#define WEIR_TYPE_DOUBLE    (&weir_type_double)
#define WEIR_TYPE_STRING    (&weir_type_string)
#define WEIR_TYPE_BINARY    (&weir_type_binary)
#define WEIR_TYPE_DATE      (&weir_type_date)
#define WEIR_TYPE_TIMESTAMP (&weir_type_timestamp)
#define WEIR_TYPE_INTERVAL  (&weir_type_interval)

/* The singleton for a primitive id (NULL for STRUCT/ARRAY/MAP/DECIMAL). */
const weir_type *weir_type_primitive(weir_type_id id);
/* Builders; the descriptor and copies of names live in arena a. NULL on out of memory. */
const weir_type *weir_type_decimal(weir_arena *a, int precision, int scale);
const weir_type *weir_type_array(weir_arena *a, const weir_type *elem);
const weir_type *weir_type_map(weir_arena *a, const weir_type *key, const weir_type *value);
/* fields are copied (names too). */
const weir_type *weir_type_struct(weir_arena *a, const weir_field *fields, int nfields);

/* Structural equality (field names compared exactly). */
bool weir_type_equal(const weir_type *x, const weir_type *y);
/* Bytes per value in the data buffer for fixed-width types; 0 for the others. */
size_t weir_type_width(const weir_type *t);
bool weir_type_is_integral(const weir_type *t); /* TINYINT..BIGINT */
bool weir_type_is_numeric(const weir_type *t);  /* integral, FLOAT, DOUBLE, DECIMAL */
bool weir_type_is_varlen(const weir_type *t);   /* STRING, BINARY */
/* Index of a struct field by name, case-insensitive as Spark; -1 when absent, -2 ambiguous. */
int weir_type_field_index(const weir_type *t, const char *name);

/* Spark's simpleString: "int", "bigint", "string", "decimal(10,2)", "array<int>",
 * "struct<a:int,b:string>", "map<string,int>", "interval day to second". Written into buf. */
const char *weir_type_name(const weir_type *t, char *buf, size_t n);
/* Spark's sql form used in messages and CAST names: "INT", "BIGINT", "STRUCT<a: INT>", ... */
const char *weir_type_sql(const weir_type *t, char *buf, size_t n);

#endif
