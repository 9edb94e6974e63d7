/*
 * Syntax tree of weir SQL (Spark SQL + the streaming statements of SQL.md), produced by
 * the parser (sql/parser.c) and consumed by the binder (plan/). The tree is purely
 * syntactic: names are unresolved, types only appear where the text spells one (CAST,
 * column lists). Every node and string lives in the arena given to the parser.
 * Positions are those of the node's first token: 1-based line, 0-based pos (Spark's form);
 * `start`/`end` are byte offsets of the node's text in the statement source.
 */
#ifndef WEIR_SQL_AST_H
#define WEIR_SQL_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/types.h"

typedef struct weir_ast_expr weir_ast_expr;
typedef struct weir_ast_query weir_ast_query;
typedef struct weir_ast_from weir_ast_from;

/* ---- expressions ---------------------------------------------------------------- */

typedef enum weir_ast_expr_kind {
    WEIR_AST_LITERAL,   /* lit */
    WEIR_AST_COLUMN,    /* parts[0..nparts): a, t.a, t.a.b (struct fields resolved later) */
    WEIR_AST_STAR,      /* * or qualifier.* : parts = qualifier (nparts may be 0) */
    WEIR_AST_FUNC,      /* name(args) ; count(*) has one STAR arg; distinct flag */
    WEIR_AST_UNARY,     /* op, args[0] */
    WEIR_AST_BINARY,    /* op, args[0], args[1] */
    WEIR_AST_IS_NULL,   /* args[0] IS [NOT] NULL (negated) */
    WEIR_AST_IN,        /* args[0] [NOT] IN (args[1..nargs)) */
    WEIR_AST_BETWEEN,   /* args[0] [NOT] BETWEEN args[1] AND args[2] */
    WEIR_AST_LIKE,      /* args[0] [NOT] LIKE/ILIKE/RLIKE args[1] [ESCAPE args[2]]; op says which */
    WEIR_AST_CASE,      /* CASE [args[0]=operand or NULL] WHEN/THEN pairs, ELSE: see case_* */
    WEIR_AST_CAST,      /* CAST(args[0] AS cast_type), TRY_CAST (try_cast), args[0]::type */
    WEIR_AST_FIELD,     /* args[0].name where args[0] is not a plain column (e.g. f(x).a) */
    WEIR_AST_SUBSCRIPT, /* args[0][args[1]] */
    WEIR_AST_NAMED_ARG, /* name => args[0] (only as a function argument) */
    WEIR_AST_SUBQUERY,  /* (SELECT ...) scalar subquery: query */
    WEIR_AST_EXISTS,    /* [NOT] EXISTS (query) */
    WEIR_AST_IS_BOOL,   /* args[0] IS [NOT] TRUE/FALSE/UNKNOWN: bool_value (1/0/-1), negated */
} weir_ast_expr_kind;

typedef enum weir_ast_op {
    WEIR_OP_NONE = 0,
    /* unary */
    WEIR_OP_NEG,
    WEIR_OP_PLUS,
    WEIR_OP_NOT,
    WEIR_OP_BITNOT,
    /* arithmetic */
    WEIR_OP_ADD,
    WEIR_OP_SUB,
    WEIR_OP_MUL,
    WEIR_OP_DIV,
    WEIR_OP_MOD,
    WEIR_OP_IDIV /* DIV */,
    WEIR_OP_CONCAT /* || */,
    WEIR_OP_BITAND,
    WEIR_OP_BITOR,
    WEIR_OP_BITXOR,
    /* comparison */
    WEIR_OP_EQ /* = and == */,
    WEIR_OP_NEQ /* <> and != */,
    WEIR_OP_LT,
    WEIR_OP_LE,
    WEIR_OP_GT,
    WEIR_OP_GE,
    WEIR_OP_NSEQ /* <=> */,
    /* logic */
    WEIR_OP_AND,
    WEIR_OP_OR,
    /* pattern matching (WEIR_AST_LIKE) */
    WEIR_OP_LIKE,
    WEIR_OP_ILIKE,
    WEIR_OP_RLIKE /* also REGEXP */,
} weir_ast_op;

/* Literal as written. Numbers keep their text so the binder can type them exactly as
 * Spark does (see weir_ast_lit_kind). */
typedef enum weir_ast_lit_kind {
    WEIR_LIT_NULL,
    WEIR_LIT_BOOL,      /* b */
    WEIR_LIT_INTEGER,   /* text: digits, no suffix -> INT if it fits, else BIGINT, else DECIMAL */
    WEIR_LIT_BIGINT,    /* 10L */
    WEIR_LIT_SMALLINT,  /* 10S */
    WEIR_LIT_TINYINT,   /* 10Y */
    WEIR_LIT_DECIMAL,   /* 1.5 or 1.5BD : DECIMAL(p,s) from the digits */
    WEIR_LIT_DOUBLE,    /* 1.5D, 1e10, 1.5E-3 */
    WEIR_LIT_FLOAT,     /* 1.5F */
    WEIR_LIT_STRING,    /* str (escapes processed; adjacent literals concatenated) */
    WEIR_LIT_BINARY,    /* X'0AFF': str holds the decoded bytes, len */
    WEIR_LIT_DATE,      /* DATE 'str' */
    WEIR_LIT_TIMESTAMP, /* TIMESTAMP 'str' (also TIMESTAMP_LTZ) */
    WEIR_LIT_INTERVAL,  /* INTERVAL ...: interval_us, and the unit range for naming */
} weir_ast_lit_kind;

/* Units of an interval literal, from largest to smallest. */
typedef enum weir_interval_unit {
    WEIR_IU_DAY = 0,
    WEIR_IU_HOUR,
    WEIR_IU_MINUTE,
    WEIR_IU_SECOND,
    /* sub-second units only appear in the multi-unit form and are folded into SECOND */
} weir_interval_unit;

typedef struct weir_ast_lit {
    weir_ast_lit_kind kind;
    bool b;
    const char *text;    /* numeric literal digits without suffix (e.g. "1.50"); otherwise NULL */
    const char *str;     /* STRING/BINARY/DATE/TIMESTAMP payload; NUL-terminated */
    int32_t len;         /* byte length of str */
    int64_t interval_us; /* INTERVAL: total microseconds (may be negative) */
    weir_interval_unit iv_from, iv_to; /* INTERVAL: e.g. MINUTE..MINUTE, HOUR..MINUTE */
} weir_ast_lit;

struct weir_ast_expr {
    weir_ast_expr_kind kind;
    int line, pos;  /* first token */
    int start, end; /* byte span in the statement text [start, end) */
    weir_ast_op op;
    bool negated;   /* NOT IN, NOT BETWEEN, NOT LIKE, IS NOT NULL, NOT EXISTS, IS NOT TRUE */
    bool distinct;  /* FUNC: f(DISTINCT ...) */
    bool try_cast;  /* CAST: TRY_CAST */
    int bool_value; /* IS_BOOL: 1 TRUE, 0 FALSE, -1 UNKNOWN */
    weir_ast_lit lit;
    const char *name;   /* FUNC name as written; FIELD / NAMED_ARG name */
    const char **parts; /* COLUMN name parts; STAR qualifier parts */
    int nparts;
    weir_ast_expr **args; /* operands / function arguments */
    int nargs;
    /* CASE: when[i] -> then[i]; else_expr may be NULL. operand is args[0] when nargs == 1. */
    weir_ast_expr **case_when, **case_then;
    int ncase;
    weir_ast_expr *case_else;
    const weir_type *cast_type; /* CAST target */
    weir_ast_query *query;      /* SUBQUERY, EXISTS */
};

/* ---- queries ---------------------------------------------------------------------- */

typedef enum weir_join_type {
    WEIR_JOIN_INNER,
    WEIR_JOIN_LEFT,
    WEIR_JOIN_RIGHT,
    WEIR_JOIN_FULL,
    WEIR_JOIN_LEFT_SEMI,
    WEIR_JOIN_LEFT_ANTI,
    WEIR_JOIN_CROSS, /* CROSS JOIN and comma joins */
} weir_join_type;

typedef enum weir_from_kind {
    WEIR_FROM_TABLE,    /* name (parts), optionally STREAM name / STREAM(name) */
    WEIR_FROM_SUBQUERY, /* ( query ) */
    WEIR_FROM_JOIN,     /* left JOIN right ON cond / USING (cols) / NATURAL */
    WEIR_FROM_VALUES,   /* VALUES (..), (..) */
    WEIR_FROM_FUNC,     /* table-valued function, e.g. range(10): name, args */
} weir_from_kind;

struct weir_ast_from {
    weir_from_kind kind;
    int line, pos;
    /* TABLE */
    const char **parts;
    int nparts;
    bool stream;
    /* SUBQUERY */
    weir_ast_query *query;
    /* JOIN */
    weir_join_type join_type;
    bool natural;
    weir_ast_from *left, *right;
    weir_ast_expr *on;
    const char **using_cols;
    int nusing;
    /* VALUES: rows[r][c], nrows x ncols */
    weir_ast_expr ***rows;
    int nrows, ncols;
    /* FUNC */
    const char *func_name;
    weir_ast_expr **func_args;
    int nfunc_args;
    /* any item: AS alias [(col, ...)] */
    const char *alias;
    const char **col_aliases;
    int ncol_aliases;
    /* any item: WATERMARK col DELAY OF interval (Spark withWatermark) */
    weir_ast_expr *wm_col;   /* a column reference */
    weir_ast_expr *wm_delay; /* an INTERVAL literal (or a string literal like '10 minutes') */
};

typedef struct weir_ast_select_item {
    weir_ast_expr *expr;
    const char *alias; /* NULL when none */
    int alias_line, alias_pos;
} weir_ast_select_item;

/* LATERAL VIEW [OUTER] func(args) tbl [AS] c1, c2 */
typedef struct weir_ast_lateral_view {
    weir_ast_expr *func;
    bool outer;
    const char *table_alias;
    const char **col_aliases;
    int ncol_aliases;
} weir_ast_lateral_view;

typedef enum weir_group_kind {
    WEIR_GROUP_NONE,          /* no GROUP BY */
    WEIR_GROUP_PLAIN,         /* GROUP BY a, b */
    WEIR_GROUP_CUBE,          /* GROUP BY CUBE(a, b) or a, b WITH CUBE */
    WEIR_GROUP_ROLLUP,        /* GROUP BY ROLLUP(a, b) or a, b WITH ROLLUP */
    WEIR_GROUP_GROUPING_SETS, /* GROUP BY [a, b] GROUPING SETS ((a, b), (a), ()) */
    WEIR_GROUP_ALL,           /* GROUP BY ALL */
} weir_group_kind;

typedef struct weir_ast_select {
    bool distinct;
    /* SELECT DISTINCT ON (k, ...) [WITHIN WATERMARK]: weir's SQL for Spark's
     * dropDuplicates(k, ...) / dropDuplicatesWithinWatermark(k, ...) */
    weir_ast_expr **distinct_on;
    int ndistinct_on;
    bool within_watermark;
    weir_ast_select_item *items;
    int nitems;
    weir_ast_from *from; /* NULL: SELECT without FROM */
    weir_ast_lateral_view *laterals;
    int nlaterals;
    weir_ast_expr *where;
    weir_group_kind group_kind;
    weir_ast_expr **group_by; /* the grouping expressions */
    int ngroup_by;
    /* GROUPING SETS: sets[i] lists indexes into group_by, nsets[i] of them. */
    int **sets;
    int *set_sizes;
    int nsets;
    weir_ast_expr *having;
} weir_ast_select;

typedef struct weir_ast_order_item {
    weir_ast_expr *expr;
    bool desc;
    int nulls; /* 0: default (ASC -> NULLS FIRST, DESC -> NULLS LAST), 1: FIRST, 2: LAST */
} weir_ast_order_item;

typedef struct weir_ast_cte {
    const char *name;
    const char **col_aliases;
    int ncol_aliases;
    weir_ast_query *query;
} weir_ast_cte;

typedef enum weir_query_kind {
    WEIR_QUERY_SELECT,
    WEIR_QUERY_UNION_ALL,
    WEIR_QUERY_UNION, /* UNION [DISTINCT] */
    WEIR_QUERY_INTERSECT,
    WEIR_QUERY_EXCEPT, /* also MINUS */
    WEIR_QUERY_NESTED, /* a parenthesized query used as a set operand */
} weir_query_kind;

struct weir_ast_query {
    weir_query_kind kind;
    int line, pos;
    weir_ast_select *select;      /* SELECT */
    weir_ast_query *left, *right; /* set operations; NESTED uses left */
    weir_ast_cte *ctes;           /* WITH ... */
    int nctes;
    weir_ast_order_item *order_by; /* ORDER BY (applies to the whole query) */
    int norder_by;
    weir_ast_expr *limit;  /* LIMIT n (NULL: none; LIMIT ALL also NULL) */
    weir_ast_expr *offset; /* OFFSET n */
};

/* ---- statements ------------------------------------------------------------------- */

typedef enum weir_stmt_kind {
    WEIR_STMT_QUERY,             /* query */
    WEIR_STMT_SET,               /* SET key = value */
    WEIR_STMT_SET_SHOW,          /* SET key   (key may be NULL: SET lists all; SET -v too) */
    WEIR_STMT_RESET,             /* RESET [key] */
    WEIR_STMT_CREATE_VIEW_USING, /* CREATE [OR REPLACE] TEMPORARY VIEW n [(cols)] USING f OPTIONS */
    WEIR_STMT_CREATE_VIEW_AS,    /* CREATE [OR REPLACE] TEMPORARY VIEW n [(names)] AS query */
    WEIR_STMT_CREATE_STREAMING_TABLE, /* CREATE [OR REPLACE] STREAMING TABLE n USING f OPTIONS AS q
                                       */
    WEIR_STMT_SHOW_STREAMING_TABLES,  /* SHOW STREAMING TABLES */
    WEIR_STMT_DESCRIBE_STREAMING_TABLE, /* DESCRIBE STREAMING TABLE n */
    WEIR_STMT_AWAIT_STREAMING_TABLE,    /* AWAIT STREAMING TABLE n [TIMEOUT 'x'] */
    WEIR_STMT_STOP_STREAMING_TABLE,     /* STOP STREAMING TABLE n */
    WEIR_STMT_DROP_VIEW,                /* DROP VIEW [IF EXISTS] n */
    WEIR_STMT_SHOW_TABLES,              /* SHOW TABLES / SHOW VIEWS */
    WEIR_STMT_DESCRIBE,                 /* DESCRIBE [TABLE] n  |  DESCRIBE QUERY q (query set) */
    WEIR_STMT_EXPLAIN,                  /* EXPLAIN [EXTENDED] query */
} weir_stmt_kind;

typedef struct weir_ast_option {
    const char *key;   /* as written, backquotes removed: `kafka.bootstrap.servers` */
    const char *value; /* string value; numbers and booleans are kept as their text */
} weir_ast_option;

typedef struct weir_ast_column_def {
    const char *name;
    const weir_type *type;
    bool not_null;
    const char *comment;
} weir_ast_column_def;

typedef struct weir_ast_stmt {
    weir_stmt_kind kind;
    int line, pos;
    int start, end; /* byte span of the statement in the script, without the ';' */
    bool or_replace;
    bool if_exists;
    bool extended;                /* EXPLAIN EXTENDED */
    const char *name;             /* view / streaming table name */
    weir_ast_column_def *columns; /* CREATE VIEW name (col TYPE, ...) USING */
    int ncolumns;
    const char **col_names; /* CREATE VIEW name (a, b) AS query */
    int ncol_names;
    const char *format; /* USING format */
    weir_ast_option *options;
    int noptions;
    weir_ast_query *query;
    const char *key;     /* SET / RESET key (text as written, trimmed) */
    const char *value;   /* SET value (quotes removed if quoted, else trimmed text) */
    const char *timeout; /* AWAIT ... TIMEOUT 'n seconds' */
} weir_ast_stmt;

/* ---- parser entry points (sql/parser.c) ------------------------------------------------ */

/* Parses a script of ';'-separated statements. Empty statements are skipped. On success
 * *out is an arena array of *n statements. Syntax errors: WEIR_EPARSE with Spark's message
 * ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'." / "... at or near end of input.")
 * and the position. */
int weir_sql_parse(weir_arena *a, const char *sql, weir_ast_stmt ***out, int *n, weir_error *err);
/* Parses one data type ("int", "array<struct<a:int>>", "decimal(10, 2)"). */
int weir_sql_parse_type(weir_arena *a, const char *text, const weir_type **out, weir_error *err);
/* Parses a DDL schema "a INT, b STRING NOT NULL" (also "struct<a:int>" / "a: int") into a
 * STRUCT type, as from_json and DataStreamReader.schema accept. */
int weir_sql_parse_schema(weir_arena *a, const char *ddl, const weir_type **out, weir_error *err);
/* Parses a single expression (tests, options such as WATERMARK delay strings). */
int weir_sql_parse_expr(weir_arena *a, const char *text, weir_ast_expr **out, weir_error *err);
/* True when text holds at least one complete statement: a ';' outside quotes and
 * comments (the interactive shell keeps reading lines until then). */
bool weir_sql_is_complete(const char *text);

#endif
