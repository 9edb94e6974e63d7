/*
 * Unit tests of the SQL front end (src/sql): lexer, expression / query / statement grammar,
 * types and schema strings, and Spark's syntax error messages and positions. Most checks
 * render the AST as a compact S-expression so the expected shape reads at a glance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sql/ast.h"

/* ---- AST rendering ------------------------------------------------------------------ */

typedef struct out {
    char buf[8192];
    size_t n;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->buf + o->n, sizeof o->buf - o->n, fmt, ap);
    va_end(ap);
    if (k > 0) o->n += (size_t)k;
    if (o->n >= sizeof o->buf) o->n = sizeof o->buf - 1;
}

static const char *op_name(weir_ast_op op)
{
    switch (op) {
    case WEIR_OP_NEG: return "-";
    case WEIR_OP_PLUS: return "+";
    case WEIR_OP_NOT: return "NOT";
    case WEIR_OP_BITNOT: return "~";
    case WEIR_OP_ADD: return "+";
    case WEIR_OP_SUB: return "-";
    case WEIR_OP_MUL: return "*";
    case WEIR_OP_DIV: return "/";
    case WEIR_OP_MOD: return "%";
    case WEIR_OP_IDIV: return "div";
    case WEIR_OP_CONCAT: return "||";
    case WEIR_OP_BITAND: return "&";
    case WEIR_OP_BITOR: return "|";
    case WEIR_OP_BITXOR: return "^";
    case WEIR_OP_EQ: return "=";
    case WEIR_OP_NEQ: return "<>";
    case WEIR_OP_LT: return "<";
    case WEIR_OP_LE: return "<=";
    case WEIR_OP_GT: return ">";
    case WEIR_OP_GE: return ">=";
    case WEIR_OP_NSEQ: return "<=>";
    case WEIR_OP_AND: return "AND";
    case WEIR_OP_OR: return "OR";
    case WEIR_OP_LIKE: return "like";
    case WEIR_OP_ILIKE: return "ilike";
    case WEIR_OP_RLIKE: return "rlike";
    default: return "?";
    }
}

static void dump_query(out *o, const weir_ast_query *q);

static void dump_type(out *o, const weir_type *t)
{
    char b[256];
    put(o, "%s", weir_type_name(t, b, sizeof b));
}

static void dump_expr(out *o, const weir_ast_expr *e)
{
    if (!e) {
        put(o, "<null>");
        return;
    }
    switch (e->kind) {
    case WEIR_AST_LITERAL: {
        const weir_ast_lit *l = &e->lit;
        switch (l->kind) {
        case WEIR_LIT_NULL: put(o, "NULL"); break;
        case WEIR_LIT_BOOL: put(o, l->b ? "TRUE" : "FALSE"); break;
        case WEIR_LIT_INTEGER: put(o, "%s", l->text); break;
        case WEIR_LIT_BIGINT: put(o, "%sL", l->text); break;
        case WEIR_LIT_SMALLINT: put(o, "%sS", l->text); break;
        case WEIR_LIT_TINYINT: put(o, "%sY", l->text); break;
        case WEIR_LIT_DECIMAL: put(o, "dec:%s", l->text); break;
        case WEIR_LIT_DOUBLE: put(o, "dbl:%s", l->text); break;
        case WEIR_LIT_FLOAT: put(o, "flt:%s", l->text); break;
        case WEIR_LIT_STRING: put(o, "'%s'", l->str); break;
        case WEIR_LIT_BINARY:
            put(o, "X'");
            for (int i = 0; i < l->len; i++)
                put(o, "%02X", (unsigned char)l->str[i]);
            put(o, "'");
            break;
        case WEIR_LIT_DATE: put(o, "DATE'%s'", l->str); break;
        case WEIR_LIT_TIMESTAMP: put(o, "TS'%s'", l->str); break;
        case WEIR_LIT_INTERVAL: {
            static const char *u[] = {"DAY", "HOUR", "MINUTE", "SECOND"};
            put(o, "iv(%lld %s..%s)", (long long)l->interval_us, u[l->iv_from], u[l->iv_to]);
            break;
        }
        }
        break;
    }
    case WEIR_AST_COLUMN:
        for (int i = 0; i < e->nparts; i++)
            put(o, "%s%s", i ? "." : "", e->parts[i]);
        break;
    case WEIR_AST_STAR:
        for (int i = 0; i < e->nparts; i++)
            put(o, "%s.", e->parts[i]);
        put(o, "*");
        break;
    case WEIR_AST_FUNC:
        put(o, "%s(%s", e->name, e->distinct ? "DISTINCT " : "");
        for (int i = 0; i < e->nargs; i++) {
            if (i) put(o, ", ");
            dump_expr(o, e->args[i]);
        }
        put(o, ")");
        break;
    case WEIR_AST_UNARY:
    case WEIR_AST_BINARY:
        put(o, "(%s", op_name(e->op));
        for (int i = 0; i < e->nargs; i++) {
            put(o, " ");
            dump_expr(o, e->args[i]);
        }
        put(o, ")");
        break;
    case WEIR_AST_IS_NULL:
        put(o, "(%s ", e->negated ? "isnotnull" : "isnull");
        dump_expr(o, e->args[0]);
        put(o, ")");
        break;
    case WEIR_AST_IS_BOOL:
        put(o, "(is%s%s ", e->negated ? "not" : "",
            e->bool_value == 1   ? "true"
            : e->bool_value == 0 ? "false"
                                 : "unknown");
        dump_expr(o, e->args[0]);
        put(o, ")");
        break;
    case WEIR_AST_IN:
    case WEIR_AST_BETWEEN:
    case WEIR_AST_LIKE:
        put(o, "(%s%s", e->negated ? "not" : "",
            e->kind == WEIR_AST_IN        ? "in"
            : e->kind == WEIR_AST_BETWEEN ? "between"
                                          : op_name(e->op));
        for (int i = 0; i < e->nargs; i++) {
            put(o, " ");
            dump_expr(o, e->args[i]);
        }
        put(o, ")");
        break;
    case WEIR_AST_CASE:
        put(o, "(case");
        if (e->nargs) {
            put(o, " ");
            dump_expr(o, e->args[0]);
        }
        for (int i = 0; i < e->ncase; i++) {
            put(o, " (when ");
            dump_expr(o, e->case_when[i]);
            put(o, " ");
            dump_expr(o, e->case_then[i]);
            put(o, ")");
        }
        if (e->case_else) {
            put(o, " (else ");
            dump_expr(o, e->case_else);
            put(o, ")");
        }
        put(o, ")");
        break;
    case WEIR_AST_CAST:
        put(o, "(%s ", e->try_cast ? "try_cast" : "cast");
        dump_expr(o, e->args[0]);
        put(o, " ");
        dump_type(o, e->cast_type);
        put(o, ")");
        break;
    case WEIR_AST_FIELD:
        put(o, "(field ");
        dump_expr(o, e->args[0]);
        put(o, " %s)", e->name);
        break;
    case WEIR_AST_SUBSCRIPT:
        put(o, "(sub ");
        dump_expr(o, e->args[0]);
        put(o, " ");
        dump_expr(o, e->args[1]);
        put(o, ")");
        break;
    case WEIR_AST_NAMED_ARG:
        put(o, "(=> %s ", e->name);
        dump_expr(o, e->args[0]);
        put(o, ")");
        break;
    case WEIR_AST_SUBQUERY:
        put(o, "(subquery ");
        dump_query(o, e->query);
        put(o, ")");
        break;
    case WEIR_AST_EXISTS:
        put(o, "(%sexists ", e->negated ? "not" : "");
        dump_query(o, e->query);
        put(o, ")");
        break;
    }
}

static const char *join_name(weir_join_type t)
{
    static const char *n[] = {"inner", "left", "right", "full", "semi", "anti", "cross"};
    return n[t];
}

static void dump_from(out *o, const weir_ast_from *f)
{
    switch (f->kind) {
    case WEIR_FROM_TABLE:
        put(o, "(%s ", f->stream ? "stream" : "table");
        for (int i = 0; i < f->nparts; i++)
            put(o, "%s%s", i ? "." : "", f->parts[i]);
        break;
    case WEIR_FROM_SUBQUERY:
        put(o, "(subquery ");
        dump_query(o, f->query);
        break;
    case WEIR_FROM_JOIN:
        put(o, "(%sjoin %s ", f->natural ? "natural " : "", join_name(f->join_type));
        dump_from(o, f->left);
        put(o, " ");
        dump_from(o, f->right);
        if (f->on) {
            put(o, " on ");
            dump_expr(o, f->on);
        }
        if (f->nusing) {
            put(o, " using");
            for (int i = 0; i < f->nusing; i++)
                put(o, " %s", f->using_cols[i]);
        }
        break;
    case WEIR_FROM_VALUES:
        put(o, "(values %dx%d", f->nrows, f->ncols);
        for (int r = 0; r < f->nrows; r++) {
            put(o, " [");
            for (int c = 0; c < f->ncols; c++) {
                if (c) put(o, " ");
                dump_expr(o, f->rows[r][c]);
            }
            put(o, "]");
        }
        break;
    case WEIR_FROM_FUNC:
        put(o, "(tvf %s", f->func_name);
        for (int i = 0; i < f->nfunc_args; i++) {
            put(o, " ");
            dump_expr(o, f->func_args[i]);
        }
        break;
    }
    if (f->alias) put(o, " as %s", f->alias);
    if (f->ncol_aliases) {
        put(o, "(");
        for (int i = 0; i < f->ncol_aliases; i++)
            put(o, "%s%s", i ? "," : "", f->col_aliases[i]);
        put(o, ")");
    }
    if (f->wm_col) {
        put(o, " wm ");
        dump_expr(o, f->wm_col);
        put(o, " ");
        dump_expr(o, f->wm_delay);
    }
    put(o, ")");
}

static void dump_query(out *o, const weir_ast_query *q)
{
    if (q->nctes) {
        put(o, "(with");
        for (int i = 0; i < q->nctes; i++) {
            put(o, " (%s", q->ctes[i].name);
            for (int k = 0; k < q->ctes[i].ncol_aliases; k++)
                put(o, "%s%s", k ? "," : "(", q->ctes[i].col_aliases[k]);
            if (q->ctes[i].ncol_aliases) put(o, ")");
            put(o, " ");
            dump_query(o, q->ctes[i].query);
            put(o, ")");
        }
        put(o, " ");
    }
    switch (q->kind) {
    case WEIR_QUERY_SELECT: {
        const weir_ast_select *s = q->select;
        put(o, "(select%s", s->distinct ? " distinct" : "");
        for (int i = 0; i < s->nitems; i++) {
            put(o, " ");
            dump_expr(o, s->items[i].expr);
            if (s->items[i].alias) put(o, " as %s", s->items[i].alias);
            if (i + 1 < s->nitems) put(o, ",");
        }
        if (s->from) {
            put(o, " from ");
            dump_from(o, s->from);
        }
        for (int i = 0; i < s->nlaterals; i++) {
            put(o, " lateral%s ", s->laterals[i].outer ? " outer" : "");
            dump_expr(o, s->laterals[i].func);
            put(o, " %s", s->laterals[i].table_alias);
            for (int k = 0; k < s->laterals[i].ncol_aliases; k++)
                put(o, "%s%s", k ? "," : " as ", s->laterals[i].col_aliases[k]);
        }
        if (s->where) {
            put(o, " where ");
            dump_expr(o, s->where);
        }
        if (s->group_kind != WEIR_GROUP_NONE) {
            static const char *gk[] = {"", "group", "cube", "rollup", "sets", "all"};
            put(o, " %s", gk[s->group_kind]);
            for (int i = 0; i < s->ngroup_by; i++) {
                put(o, " ");
                dump_expr(o, s->group_by[i]);
            }
            if (s->group_kind == WEIR_GROUP_GROUPING_SETS) {
                put(o, " {");
                for (int i = 0; i < s->nsets; i++) {
                    put(o, "%s(", i ? " " : "");
                    for (int k = 0; k < s->set_sizes[i]; k++)
                        put(o, "%s%d", k ? "," : "", s->sets[i][k]);
                    put(o, ")");
                }
                put(o, "}");
            }
        }
        if (s->having) {
            put(o, " having ");
            dump_expr(o, s->having);
        }
        break;
    }
    case WEIR_QUERY_NESTED:
        put(o, "(nested ");
        dump_query(o, q->left);
        break;
    default: {
        static const char *k[] = {"", "union all", "union", "intersect", "except"};
        put(o, "(%s ", k[q->kind]);
        dump_query(o, q->left);
        put(o, " ");
        dump_query(o, q->right);
        break;
    }
    }
    for (int i = 0; i < q->norder_by; i++) {
        put(o, i ? ", " : " order ");
        dump_expr(o, q->order_by[i].expr);
        if (q->order_by[i].desc) put(o, " desc");
        if (q->order_by[i].nulls) put(o, q->order_by[i].nulls == 1 ? " nf" : " nl");
    }
    if (q->limit) {
        put(o, " limit ");
        dump_expr(o, q->limit);
    }
    if (q->offset) {
        put(o, " offset ");
        dump_expr(o, q->offset);
    }
    put(o, ")");
    if (q->nctes) put(o, ")");
}

/* ---- helpers ------------------------------------------------------------------------ */

static weir_arena *A;

static int setup(void **state)
{
    (void)state;
    A = weir_arena_new(0);
    return A ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    weir_arena_destroy(A);
    A = NULL;
    return 0;
}

static const char *expr_str(const char *sql)
{
    static out o;
    weir_ast_expr *e = NULL;
    weir_error err;
    memset(&o, 0, sizeof o);
    int rc = weir_sql_parse_expr(A, sql, &e, &err);
    if (rc != WEIR_OK) {
        snprintf(o.buf, sizeof o.buf, "ERROR %d: %s (%d:%d)", rc, err.msg, err.line, err.pos);
        return o.buf;
    }
    dump_expr(&o, e);
    return o.buf;
}

#define EXPR(sql, want) assert_string_equal(expr_str(sql), want)

static weir_ast_stmt *stmt1(const char *sql)
{
    weir_ast_stmt **st = NULL;
    int n = 0;
    weir_error err;
    int rc = weir_sql_parse(A, sql, &st, &n, &err);
    if (rc != WEIR_OK)
        fail_msg("parse failed: %s (line %d, pos %d) for: %s", err.msg, err.line, err.pos, sql);
    assert_int_equal(n, 1);
    return st[0];
}

static const char *query_str(const char *sql)
{
    static out o;
    memset(&o, 0, sizeof o);
    weir_ast_stmt **st = NULL;
    int n = 0;
    weir_error err;
    int rc = weir_sql_parse(A, sql, &st, &n, &err);
    if (rc != WEIR_OK) {
        snprintf(o.buf, sizeof o.buf, "ERROR %d: %s (%d:%d)", rc, err.msg, err.line, err.pos);
        return o.buf;
    }
    if (n != 1 || !st[0]->query) {
        snprintf(o.buf, sizeof o.buf, "<%d statements>", n);
        return o.buf;
    }
    dump_query(&o, st[0]->query);
    return o.buf;
}

#define QUERY(sql, want) assert_string_equal(query_str(sql), want)

/* Parses sql expecting an error; checks code, message and position. */
static void check_error(const char *sql, int code, const char *msg, int line, int pos)
{
    weir_ast_stmt **st = NULL;
    int n = 0;
    weir_error err;
    int rc = weir_sql_parse(A, sql, &st, &n, &err);
    if (rc == WEIR_OK) fail_msg("expected an error for: %s", sql);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.pos, pos);
}

#define SYNTAX(tok) "[PARSE_SYNTAX_ERROR] Syntax error at or near " tok "."

/* Literal of a one-expression parse (for byte-exact payload checks). */
static const weir_ast_lit *lit_of(const char *sql)
{
    weir_ast_expr *e = NULL;
    weir_error err;
    int rc = weir_sql_parse_expr(A, sql, &e, &err);
    if (rc != WEIR_OK) fail_msg("parse failed: %s for: %s", err.msg, sql);
    assert_int_equal(e->kind, WEIR_AST_LITERAL);
    return &e->lit;
}

/* ---- literals ----------------------------------------------------------------------- */

static void test_numeric_literals(void **state)
{
    (void)state;
    EXPR("1", "1");
    EXPR("2147483648", "2147483648");
    EXPR("10L", "10L");
    EXPR("10l", "10L");
    EXPR("10S", "10S");
    EXPR("10Y", "10Y");
    EXPR("1.5", "dec:1.5");
    EXPR("1.50", "dec:1.50");
    EXPR(".5", "dec:.5");
    EXPR("1.", "dec:1.");
    EXPR("1.5BD", "dec:1.5");
    EXPR("1.5D", "dbl:1.5");
    EXPR("1D", "dbl:1");
    EXPR("1e10", "dbl:1e10");
    EXPR("1.5E-3", "dbl:1.5E-3");
    EXPR("1.5F", "flt:1.5");
    /* Spark's number rule folds a leading minus into the literal */
    EXPR("-1", "-1");
    EXPR("- 2.5", "dec:-2.5");
    EXPR("-10L", "-10L");
    EXPR("-1e3", "dbl:-1e3");
    EXPR("1 - -1", "(- 1 -1)");
    EXPR("-1::string", "(cast -1 string)");
    /* a longer identifier match wins over a number, as in Spark's lexer */
    EXPR("123abc", "123abc");
    EXPR("1e10x", "1e10x");
    const weir_ast_lit *l = lit_of("42");
    assert_int_equal(l->kind, WEIR_LIT_INTEGER);
    assert_string_equal(l->text, "42");
    l = lit_of("-7");
    assert_string_equal(l->text, "-7");
}

static void test_string_literals(void **state)
{
    (void)state;
    EXPR("'abc'", "'abc'");
    EXPR("\"abc\"", "'abc'");
    EXPR("'a' 'b' \"c\"", "'abc'");
    EXPR("'it''s'", "'its'"); /* two adjacent literals, as in Spark */
    const weir_ast_lit *l = lit_of("'a\\nb\\tc'");
    assert_string_equal(l->str, "a\nb\tc");
    assert_int_equal(l->len, 5);
    assert_string_equal(lit_of("'\\u0041\\u00e9'")->str, "A\xc3\xa9");
    assert_string_equal(lit_of("'\\uD83D\\uDE00'")->str, "\xf0\x9f\x98\x80");
    assert_string_equal(lit_of("'it\\'s'")->str, "it's");
    assert_string_equal(lit_of("\"say \\\"hi\\\"\"")->str, "say \"hi\"");
    assert_string_equal(lit_of("'a\\\\b'")->str, "a\\b");
    assert_string_equal(lit_of("'50\\%'")->str, "50\\%"); /* \% and \_ keep the backslash */
    assert_string_equal(lit_of("'a\\_b'")->str, "a\\_b");
    assert_string_equal(lit_of("'\\z'")->str, "z");
    assert_string_equal(lit_of("'\\101'")->str, "A");      /* octal */
    assert_string_equal(lit_of("r'a\\nb'")->str, "a\\nb"); /* raw string */
    assert_string_equal(lit_of("'남성'")->str, "남성");
    l = lit_of("'a\\0b'");
    assert_int_equal(l->len, 3);
    assert_int_equal(l->str[1], 0);
    l = lit_of("''");
    assert_int_equal(l->kind, WEIR_LIT_STRING);
    assert_int_equal(l->len, 0);
}

static void test_typed_literals(void **state)
{
    (void)state;
    EXPR("TRUE", "TRUE");
    EXPR("false", "FALSE");
    EXPR("NULL", "NULL");
    EXPR("X'0AFF'", "X'0AFF'");
    EXPR("x'abc'", "X'0ABC'");
    EXPR("X''", "X''");
    EXPR("DATE '2020-01-01'", "DATE'2020-01-01'");
    EXPR("date'2020-01-01'", "DATE'2020-01-01'");
    EXPR("TIMESTAMP '2020-01-01 10:00:00'", "TS'2020-01-01 10:00:00'");
    EXPR("TIMESTAMP_LTZ '2020-01-01'", "TS'2020-01-01'");
    EXPR("X'0G'", "ERROR 1: [INVALID_TYPED_LITERAL] The value of the typed literal \"X\" is "
                  "invalid: '0G'. (1:0)");
    EXPR("FOO 'x'", "ERROR 1: [UNSUPPORTED_TYPED_LITERAL] Literals of the type \"FOO\" are not "
                    "supported. Supported types are \"DATE\", \"TIMESTAMP_NTZ\", "
                    "\"TIMESTAMP_LTZ\", \"TIMESTAMP\", \"INTERVAL\", \"X\". (1:0)");
    assert_int_equal(lit_of("DATE '2020-01-01'")->len, 10);
}

static void test_interval_literals(void **state)
{
    (void)state;
    EXPR("INTERVAL 10 MINUTES", "iv(600000000 MINUTE..MINUTE)");
    EXPR("INTERVAL 10 MINUTE", "iv(600000000 MINUTE..MINUTE)");
    EXPR("INTERVAL '10' MINUTE", "iv(600000000 MINUTE..MINUTE)");
    EXPR("interval 1 hour 30 minutes", "iv(5400000000 HOUR..MINUTE)");
    EXPR("INTERVAL '1 10:30' DAY TO MINUTE", "iv(124200000000 DAY..MINUTE)");
    EXPR("INTERVAL '-1 02' DAY TO HOUR", "iv(-93600000000 DAY..HOUR)");
    EXPR("INTERVAL '10:30:15.5' HOUR TO SECOND", "iv(37815500000 HOUR..SECOND)");
    EXPR("INTERVAL '01:02' MINUTE TO SECOND", "iv(62000000 MINUTE..SECOND)");
    EXPR("INTERVAL '-5' SECOND", "iv(-5000000 SECOND..SECOND)");
    EXPR("INTERVAL -5 SECONDS", "iv(-5000000 SECOND..SECOND)");
    EXPR("INTERVAL 1.5 SECONDS", "iv(1500000 SECOND..SECOND)");
    EXPR("INTERVAL 2 DAYS", "iv(172800000000 DAY..DAY)");
    EXPR("INTERVAL 1 WEEK", "iv(604800000000 DAY..DAY)");
    EXPR("INTERVAL 2 WEEKS 1 DAY", "iv(1296000000000 DAY..DAY)");
    EXPR("INTERVAL 100 MILLISECONDS", "iv(100000 SECOND..SECOND)");
    EXPR("INTERVAL 5 MICROSECONDS", "iv(5 SECOND..SECOND)");
    EXPR("INTERVAL 1 DAY 1 SECOND", "iv(86401000000 DAY..SECOND)");
    EXPR("INTERVAL 1 HOUR -30 MINUTES", "iv(1800000000 HOUR..MINUTE)");
    EXPR("INTERVAL '10 minutes'", "iv(600000000 MINUTE..MINUTE)");
    EXPR("INTERVAL '1 day 2 hours'", "iv(93600000000 DAY..HOUR)");
    EXPR("INTERVAL 'interval 3 seconds'", "iv(3000000 SECOND..SECOND)");
    EXPR("INTERVAL 10 MINUTES + INTERVAL 1 SECOND",
         "(+ iv(600000000 MINUTE..MINUTE) iv(1000000 SECOND..SECOND))");
    EXPR("ts - INTERVAL 5 MINUTES", "(- ts iv(300000000 MINUTE..MINUTE))");
    /* a column named interval */
    EXPR("interval", "interval");
    EXPR("INTERVAL 1 YEAR", "ERROR 6: year-month intervals are not supported yet (1:11)");
    EXPR("INTERVAL '1-2' YEAR TO MONTH",
         "ERROR 6: year-month intervals are not supported yet (1:15)");
    EXPR("INTERVAL 1 DAY 2 MONTHS", "ERROR 6: year-month intervals are not supported yet (1:17)");
    EXPR("INTERVAL '2 months'", "ERROR 6: year-month intervals are not supported yet (1:0)");
    EXPR("INTERVAL 1.5 HOURS",
         "ERROR 1: Cannot parse the INTERVAL value: INTERVAL 1.5 HOURS (1:0)");
    EXPR("INTERVAL '1 25:00' DAY TO MINUTE",
         "ERROR 1: Cannot parse the INTERVAL value: INTERVAL '1 25:00' DAY TO MINUTE (1:0)");
    EXPR("INTERVAL '1 day' HOUR",
         "ERROR 1: Cannot parse the INTERVAL value: INTERVAL '1 day' HOUR (1:0)");
    EXPR("INTERVAL 'abc'", "ERROR 1: Cannot parse the INTERVAL value: INTERVAL 'abc' (1:0)");
}

/* ---- names -------------------------------------------------------------------------- */

static void test_column_refs(void **state)
{
    (void)state;
    EXPR("a", "a");
    EXPR("t.a", "t.a");
    EXPR("a.b.c", "a.b.c");
    EXPR("`back quoted`", "back quoted");
    EXPR("`a``b`", "a`b");
    EXPR("`t`.`c.d`", "t.c.d");
    EXPR("*", "*");
    EXPR("t.*", "t.*");
    EXPR("db.t.*", "db.t.*");
    EXPR("MixedCase", "MixedCase");
    EXPR("이름", "이름");
    EXPR("e.이름", "e.이름");
    EXPR("(a).b", "(field a b)");
    EXPR("f(x).a.b", "(field (field f(x) a) b)");
    EXPR("a[0]", "(sub a 0)");
    EXPR("a[0].b", "(field (sub a 0) b)");
    EXPR("m['k'][1 + 1]", "(sub (sub m 'k') (+ 1 1))");
    EXPR("x::int", "(cast x int)");
    EXPR("(a + b)::string", "(cast (+ a b) string)");
    EXPR("a.b::bigint", "(cast a.b bigint)");
    /* keywords that Spark's default mode accepts as identifiers */
    EXPR("timestamp", "timestamp");
    EXPR("window.start", "window.start");
    EXPR("window.end", "window.end");
    EXPR("count + key + value", "(+ (+ count key) value)");
    EXPR("time", "time");
    EXPR("end", "end");
    EXPR("user", "user");
    EXPR("stream", "stream");
    EXPR("watermark", "watermark");
    EXPR("delay", "delay");
    EXPR("date", "date");
    EXPR("offset + partition", "(+ offset partition)");
    EXPR("x.timestamp", "x.timestamp");
    EXPR("current_date", "current_date");
    EXPR("left", "left");
    EXPR("t.from", "t.from");
}

static void test_functions(void **state)
{
    (void)state;
    EXPR("count(*)", "count(*)");
    EXPR("COUNT(DISTINCT a, b)", "COUNT(DISTINCT a, b)");
    EXPR("count(ALL a)", "count(a)");
    EXPR("f()", "f()");
    EXPR("coalesce(n.name, 'Unknown Name')", "coalesce(n.name, 'Unknown Name')");
    EXPR("f(x => 1, y => 'a')", "f((=> x 1), (=> y 'a'))");
    EXPR("db.f(1)", "db.f(1)");
    EXPR("`my f`(1)", "my f(1)");
    EXPR("to_json(struct(*))", "to_json(struct(*))");
    EXPR("struct(t.*)", "struct(t.*)");
    EXPR("window(timestamp, '5 minutes')", "window(timestamp, '5 minutes')");
    EXPR("window(timestamp, '10 minutes', '5 minutes')",
         "window(timestamp, '10 minutes', '5 minutes')");
    EXPR("explode(split(value, ' '))", "explode(split(value, ' '))");
    EXPR("IF(a > 1, 'x', 'y')", "IF((> a 1), 'x', 'y')");
    EXPR("left('abc', 2)", "left('abc', 2)");
    EXPR("right('abc', 2)", "right('abc', 2)");
    EXPR("date(x)", "date(x)");
    EXPR("array(1, 2)[0]", "(sub array(1, 2) 0)");
    EXPR("map('a', 1)", "map('a', 1)");
    EXPR("from_json(CAST(value AS STRING), 'emp_id INT, emp_name STRING')",
         "from_json((cast value string), 'emp_id INT, emp_name STRING')");
    EXPR("f(a AND b, c IN (1))", "f((AND a b), (in c 1))");
    EXPR("EXTRACT(YEAR FROM ts)", "EXTRACT('YEAR', ts)");
    EXPR("SUBSTRING('abc' FROM 2 FOR 1)", "SUBSTRING('abc', 2, 1)");
    EXPR("substr(s FROM 2)", "substr(s, 2)");
    EXPR("substring(s, 1, 2)", "substring(s, 1, 2)");
    EXPR("TRIM(BOTH 'x' FROM s)", "trim('x', s)");
    EXPR("TRIM(LEADING FROM s)", "ltrim(s)");
    EXPR("trim(TRAILING 'a' FROM s)", "rtrim('a', s)");
    EXPR("trim('x' FROM s)", "trim('x', s)");
    EXPR("trim(s)", "trim(s)");
    EXPR("POSITION('b' IN 'abc')", "POSITION('b', 'abc')");
    EXPR("position('b', 'abc')", "position('b', 'abc')");
    EXPR("first(x IGNORE NULLS)", "first(x, TRUE)");
    EXPR("last(x) IGNORE NULLS", "last(x, TRUE)");
    EXPR("first(x)", "first(x)");
    EXPR("timestampadd(HOUR, 1, ts)", "timestampadd('HOUR', 1, ts)");
    EXPR("date_add(ts, 1)", "date_add(ts, 1)");
    EXPR("datediff(DAY, a, b)", "datediff('DAY', a, b)");
    EXPR("rank() OVER (ORDER BY a)",
         "ERROR 6: Window functions (OVER) are not supported yet. (1:7)");
    EXPR("transform(a, x -> x + 1)", "ERROR 6: Lambda functions are not supported yet. (1:13)");
    EXPR("count(*) FILTER (WHERE a)",
         "ERROR 6: FILTER clauses of aggregate functions are not supported yet. (1:9)");
}

/* ---- operators ---------------------------------------------------------------------- */

static void test_precedence(void **state)
{
    (void)state;
    EXPR("1 + 2 * 3", "(+ 1 (* 2 3))");
    EXPR("(1 + 2) * 3", "(* (+ 1 2) 3)");
    EXPR("1 - 2 - 3", "(- (- 1 2) 3)");
    EXPR("a / b * c % d", "(% (* (/ a b) c) d)");
    EXPR("a DIV b", "(div a b)");
    EXPR("a div b + c", "(+ (div a b) c)");
    EXPR("a || b || c", "(|| (|| a b) c)");
    EXPR("a + b || c", "(|| (+ a b) c)");
    EXPR("a & b | c ^ d", "(| (& a b) (^ c d))");
    EXPR("a | b & c", "(| a (& b c))");
    EXPR("a ^ b & c", "(^ a (& b c))");
    EXPR("a | b = c", "(= (| a b) c)");
    EXPR("-a * b", "(* (- a) b)");
    EXPR("- 1 * b", "(* -1 b)");
    EXPR("~a & b", "(& (~ a) b)");
    EXPR("+a", "(+ a)");
    EXPR("- -a", "(- (- a))");
    EXPR("-a.b", "(- a.b)");
    EXPR("a = b AND c OR d", "(OR (AND (= a b) c) d)");
    EXPR("a OR b AND c", "(OR a (AND b c))");
    EXPR("NOT a AND b", "(AND (NOT a) b)");
    EXPR("NOT a = b", "(NOT (= a b))");
    EXPR("NOT NOT a", "(NOT (NOT a))");
    EXPR("! a", "(NOT a)");
    EXPR("a = b = c", "(= (= a b) c)");
    EXPR("a == b", "(= a b)");
    EXPR("a != b", "(<> a b)");
    EXPR("a <> b", "(<> a b)");
    EXPR("a <=> b", "(<=> a b)");
    EXPR("a < b + 1", "(< a (+ b 1))");
    EXPR("a >= b", "(>= a b)");
    EXPR("a <= b", "(<= a b)");
    EXPR("a > b", "(> a b)");
    EXPR("x.id % 10", "(% x.id 10)");
    EXPR("(x.id % 100) + 1", "(+ (% x.id 100) 1)");
    EXPR("e.user_id = n.uid", "(= e.user_id n.uid)");
}

static void test_predicates(void **state)
{
    (void)state;
    EXPR("a IS NULL", "(isnull a)");
    EXPR("a IS NOT NULL", "(isnotnull a)");
    EXPR("a + 1 IS NULL", "(isnull (+ a 1))");
    EXPR("a = b IS NULL", "(isnull (= a b))");
    EXPR("a IS NULL AND b IS NOT NULL", "(AND (isnull a) (isnotnull b))");
    EXPR("a IS TRUE", "(istrue a)");
    EXPR("a IS NOT FALSE", "(isnotfalse a)");
    EXPR("a IS UNKNOWN", "(isunknown a)");
    EXPR("a IS DISTINCT FROM b", "(NOT (<=> a b))");
    EXPR("a IS NOT DISTINCT FROM b", "(<=> a b)");
    EXPR("a BETWEEN 1 AND 2", "(between a 1 2)");
    EXPR("a NOT BETWEEN 1 AND 2 AND c", "(AND (notbetween a 1 2) c)");
    EXPR("a BETWEEN b + 1 AND c * 2", "(between a (+ b 1) (* c 2))");
    EXPR("a IN (1, 2, 3)", "(in a 1 2 3)");
    EXPR("a NOT IN ('x')", "(notin a 'x')");
    EXPR("a IN (SELECT b FROM t)", "(in a (subquery (select b from (table t))))");
    EXPR("a IN ((SELECT 1), 2)", "(in a (subquery (select 1)) 2)");
    EXPR("(a, b) IN ((1, 2))", "(in struct(a, b) struct(1, 2))");
    EXPR("a LIKE 'x%'", "(like a 'x%')");
    EXPR("a NOT LIKE 'x' ESCAPE '/'", "(notlike a 'x' '/')");
    EXPR("a ILIKE 'X'", "(ilike a 'X')");
    EXPR("a RLIKE '^x'", "(rlike a '^x')");
    EXPR("a REGEXP 'x'", "(rlike a 'x')");
    EXPR("a NOT RLIKE 'x'", "(notrlike a 'x')");
    EXPR("a LIKE ANY ('x')",
         "ERROR 6: LIKE ANY / SOME / ALL predicates are not supported yet. (1:7)");
    EXPR("EXISTS (SELECT 1)", "(exists (select 1))");
    EXPR("NOT EXISTS (SELECT 1)", "(notexists (select 1))");
    EXPR("exists(arr, x)", "exists(arr, x)");
    EXPR("(SELECT max(a) FROM t)", "(subquery (select max(a) from (table t)))");
    EXPR("((SELECT 1))", "(subquery (nested (select 1)))");
    EXPR("((SELECT 1) UNION (SELECT 2))",
         "(subquery (union (nested (select 1)) (nested (select 2))))");
    EXPR("(SELECT 1) + 1", "(+ (subquery (select 1)) 1)");
    EXPR("((SELECT 1) + 1)", "(+ (subquery (select 1)) 1)");
    EXPR("(1, 2)", "struct(1, 2)");
}

static void test_case_cast(void **state)
{
    (void)state;
    EXPR("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END", "(case (when a 1) (when b 2) (else 3))");
    EXPR("CASE x WHEN 1 THEN 'a' END", "(case x (when 1 'a'))");
    EXPR("case when x.id % 2 = 0 then '남성' else '여성' end",
         "(case (when (= (% x.id 2) 0) '남성') (else '여성'))");
    EXPR("CASE WHEN a IS NULL THEN b END + 1", "(+ (case (when (isnull a) b)) 1)");
    EXPR("CAST(a AS INT)", "(cast a int)");
    EXPR("cast(a as Int)", "(cast a int)");
    EXPR("TRY_CAST(a AS DECIMAL(10, 2))", "(try_cast a decimal(10,2))");
    EXPR("CAST(value AS STRING)", "(cast value string)");
    EXPR("cast(x as array<struct<a:int,b:string>>)", "(cast x array<struct<a:int,b:string>>)");
    EXPR("CAST(a AS foo)", "ERROR 1: [UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". (1:10)");
    /* as in Spark, END is read as the operand of a simple CASE */
    EXPR("CASE END", "ERROR 1: [PARSE_SYNTAX_ERROR] Syntax error at or near end of input. (1:8)");
    /* a column named cast / case-insensitive keywords */
    EXPR("cast + 1", "(+ cast 1)");
}

/* ---- queries ------------------------------------------------------------------------ */

static void test_select(void **state)
{
    (void)state;
    QUERY("SELECT 1", "(select 1)");
    QUERY("select a, b AS c, d e, `f g` FROM t", "(select a, b as c, d as e, f g from (table t))");
    QUERY("SELECT a `x y` FROM t", "(select a as x y from (table t))");
    QUERY("SELECT DISTINCT a FROM t", "(select distinct a from (table t))");
    QUERY("SELECT ALL a FROM t", "(select a from (table t))");
    QUERY("SELECT * FROM t WHERE a > 1 GROUP BY a HAVING count(*) > 1 "
          "ORDER BY a DESC NULLS LAST, b NULLS FIRST, c ASC LIMIT 10 OFFSET 5",
          "(select * from (table t) where (> a 1) group a having (> count(*) 1) "
          "order a desc nl, b nf, c limit 10 offset 5)");
    QUERY("SELECT a FROM t LIMIT ALL", "(select a from (table t))");
    QUERY("SELECT a FROM db.t", "(select a from (table db.t))");
    QUERY("SELECT 1 AS count", "(select 1 as count)");
    QUERY("SELECT count(*) count FROM t", "(select count(*) as count from (table t))");
    QUERY("SELECT window.start AS start, window.end AS end FROM t",
          "(select window.start as start, window.end as end from (table t))");
    QUERY("SELECT timestamp, window, count, key, value, time FROM events",
          "(select timestamp, window, count, key, value, time from (table events))");
    QUERY("SELECT e.time, e.user_id FROM staged e",
          "(select e.time, e.user_id from (table staged as e))");
    QUERY("TABLE t", "(select * from (table t))");
    QUERY("VALUES (1), (2)", "(select * from (values 2x1 [1] [2]))");
    QUERY("SELECT a FROM t /* comment */ -- another\n WHERE b",
          "(select a from (table t) where b)");
    QUERY("SELECT /*+ BROADCAST(t) */ a FROM t", "(select a from (table t))");
    QUERY("SELECT 1 /* nested /* comment */ still */ + 1", "(select (+ 1 1))");
}

static void test_set_operations(void **state)
{
    (void)state;
    QUERY("SELECT 1 UNION ALL SELECT 2", "(union all (select 1) (select 2))");
    QUERY("SELECT 1 UNION SELECT 2", "(union (select 1) (select 2))");
    QUERY("SELECT 1 UNION DISTINCT SELECT 2", "(union (select 1) (select 2))");
    QUERY("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3",
          "(union (select 1) (intersect (select 2) (select 3)))");
    QUERY("SELECT 1 INTERSECT SELECT 2 UNION ALL SELECT 3",
          "(union all (intersect (select 1) (select 2)) (select 3))");
    QUERY("SELECT 1 EXCEPT SELECT 2 UNION SELECT 3",
          "(union (except (select 1) (select 2)) (select 3))");
    QUERY("SELECT 1 MINUS SELECT 2", "(except (select 1) (select 2))");
    QUERY("SELECT 1 EXCEPT DISTINCT SELECT 2", "(except (select 1) (select 2))");
    QUERY("(SELECT 1) UNION (SELECT 2) ORDER BY 1 LIMIT 1",
          "(union (nested (select 1)) (nested (select 2)) order 1 limit 1)");
    QUERY("(SELECT a FROM t ORDER BY a LIMIT 1)",
          "(nested (select a from (table t) order a limit 1))");
    QUERY("SELECT 1 UNION ALL SELECT 2 ORDER BY 1", "(union all (select 1) (select 2) order 1)");
    QUERY("SELECT 1 INTERSECT ALL SELECT 1",
          "ERROR 6: INTERSECT ALL queries are not supported yet. (1:9)");
}

static void test_ctes(void **state)
{
    (void)state;
    QUERY("WITH a AS (SELECT 1), b (x, y) AS (SELECT 1, 2) SELECT * FROM a",
          "(with (a (select 1)) (b(x,y) (select 1, 2)) (select * from (table a)))");
    QUERY("WITH a (SELECT 1) SELECT * FROM a UNION SELECT 2",
          "(with (a (select 1)) (union (select * from (table a)) (select 2)))");
    QUERY("WITH a AS (WITH b AS (SELECT 1) SELECT * FROM b) SELECT * FROM a",
          "(with (a (with (b (select 1)) (select * from (table b)))) (select * from (table a)))");
}

static void test_from_items(void **state)
{
    (void)state;
    QUERY("SELECT * FROM a JOIN b ON a.x = b.x",
          "(select * from (join inner (table a) (table b) on (= a.x b.x)))");
    QUERY("SELECT * FROM a INNER JOIN b USING (x, y)",
          "(select * from (join inner (table a) (table b) using x y))");
    QUERY("SELECT * FROM a LEFT JOIN b ON c",
          "(select * from (join left (table a) (table b) on c))");
    QUERY("SELECT * FROM a LEFT OUTER JOIN b ON c",
          "(select * from (join left (table a) (table b) on c))");
    QUERY("SELECT * FROM a RIGHT OUTER JOIN b ON c",
          "(select * from (join right (table a) (table b) on c))");
    QUERY("SELECT * FROM a right join b ON c",
          "(select * from (join right (table a) (table b) on c))");
    QUERY("SELECT * FROM a FULL JOIN b ON c",
          "(select * from (join full (table a) (table b) on c))");
    QUERY("SELECT * FROM a FULL OUTER JOIN b ON c",
          "(select * from (join full (table a) (table b) on c))");
    QUERY("SELECT * FROM a LEFT SEMI JOIN b ON c",
          "(select * from (join semi (table a) (table b) on c))");
    QUERY("SELECT * FROM a SEMI JOIN b ON c",
          "(select * from (join semi (table a) (table b) on c))");
    QUERY("SELECT * FROM a LEFT ANTI JOIN b ON c",
          "(select * from (join anti (table a) (table b) on c))");
    QUERY("SELECT * FROM a ANTI JOIN b ON c",
          "(select * from (join anti (table a) (table b) on c))");
    QUERY("SELECT * FROM a CROSS JOIN b", "(select * from (join cross (table a) (table b)))");
    QUERY("SELECT * FROM a NATURAL JOIN b",
          "(select * from (natural join inner (table a) (table b)))");
    QUERY("SELECT * FROM a NATURAL LEFT JOIN b",
          "(select * from (natural join left (table a) (table b)))");
    QUERY("SELECT * FROM a JOIN b", "(select * from (join inner (table a) (table b)))");
    QUERY("SELECT * FROM a, b, c",
          "(select * from (join cross (join cross (table a) (table b)) (table c)))");
    QUERY("SELECT * FROM a x LEFT JOIN b y ON x.i = y.i LEFT JOIN c z ON y.j = z.j",
          "(select * from (join left (join left (table a as x) (table b as y) on (= x.i y.i)) "
          "(table c as z) on (= y.j z.j)))");
    QUERY("SELECT * FROM a, b JOIN c ON d",
          "(select * from (join cross (table a) (join inner (table b) (table c) on d)))");
    QUERY("SELECT * FROM t AS x", "(select * from (table t as x))");
    QUERY("SELECT * FROM t x(a, b)", "(select * from (table t as x(a,b)))");
    QUERY("SELECT * FROM (SELECT 1) t", "(select * from (subquery (select 1) as t))");
    QUERY("SELECT * FROM (SELECT 1 a) AS t(b)",
          "(select * from (subquery (select 1 as a) as t(b)))");
    QUERY("SELECT * FROM (SELECT 1)", "(select * from (subquery (select 1)))");
    QUERY("SELECT * FROM ((SELECT 1))", "(select * from (subquery (nested (select 1))))");
    QUERY("SELECT * FROM ((SELECT 1) UNION (SELECT 2)) u",
          "(select * from (subquery (union (nested (select 1)) (nested (select 2))) as u))");
    QUERY("SELECT * FROM (a JOIN b ON c)", "(select * from (join inner (table a) (table b) on c))");
    QUERY("SELECT * FROM ((a JOIN b ON c))",
          "(select * from (join inner (table a) (table b) on c))");
    QUERY("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(c1, c2)",
          "(select * from (values 2x2 [1 'a'] [2 'b'] as t(c1,c2)))");
    QUERY("SELECT * FROM VALUES 1, 2", "(select * from (values 2x1 [1] [2]))");
    QUERY("SELECT * FROM VALUES (1 + 1, -2) t", "(select * from (values 1x2 [(+ 1 1) -2] as t))");
    QUERY("SELECT * FROM range(10)", "(select * from (tvf range 10))");
    QUERY("SELECT id FROM range(0, 10, 2) AS r", "(select id from (tvf range 0 10 2 as r))");
    QUERY("SELECT * FROM STREAM events", "(select * from (stream events))");
    QUERY("SELECT * FROM STREAM(events)", "(select * from (stream events))");
    QUERY("SELECT * FROM stream(db.events) AS e", "(select * from (stream db.events as e))");
    QUERY("SELECT * FROM STREAM events e", "(select * from (stream events as e))");
    QUERY("SELECT * FROM stream", "(select * from (table stream))");
    QUERY("SELECT * FROM stream WHERE a", "(select * from (table stream) where a)");
    QUERY("SELECT * FROM stream AS s", "(select * from (table stream as s))");
    QUERY("SELECT * FROM window", "(select * from (table window))");
    QUERY("SELECT * FROM `from`", "(select * from (table from))");
    QUERY("SELECT * FROM STREAM stream", "(select * from (stream stream))");
    QUERY("SELECT date.time FROM timestamp date JOIN key value ON date.k = value.k",
          "(select date.time from (join inner (table timestamp as date) (table key as value) "
          "on (= date.k value.k)))");
    QUERY("SELECT c FROM t LATERAL VIEW explode(arr) x AS c",
          "(select c from (table t) lateral explode(arr) x as c)");
    QUERY("SELECT k, v FROM t LATERAL VIEW OUTER explode(m) x AS k, v WHERE k > 1",
          "(select k, v from (table t) lateral outer explode(m) x as k,v where (> k 1))");
    QUERY("SELECT * FROM t LATERAL VIEW explode(a) x LATERAL VIEW explode(b) y c",
          "(select * from (table t) lateral explode(a) x lateral explode(b) y as c)");
}

static void test_watermark(void **state)
{
    (void)state;
    QUERY("SELECT * FROM STREAM events WATERMARK timestamp DELAY OF INTERVAL 10 MINUTES",
          "(select * from (stream events wm timestamp iv(600000000 MINUTE..MINUTE)))");
    QUERY("SELECT * FROM STREAM t AS e WATERMARK ts DELAY OF INTERVAL 5 MINUTES",
          "(select * from (stream t as e wm ts iv(300000000 MINUTE..MINUTE)))");
    QUERY("SELECT * FROM STREAM t e WATERMARK ts DELAY OF INTERVAL 5 MINUTES",
          "(select * from (stream t as e wm ts iv(300000000 MINUTE..MINUTE)))");
    QUERY("SELECT * FROM STREAM t WATERMARK ts DELAY OF INTERVAL 5 MINUTES e",
          "(select * from (stream t as e wm ts iv(300000000 MINUTE..MINUTE)))");
    QUERY("SELECT * FROM t WATERMARK ts DELAY OF '10 minutes'",
          "(select * from (table t wm ts '10 minutes'))");
    QUERY("SELECT * FROM t WATERMARK e.ts DELAY OF INTERVAL 1 SECOND GROUP BY a",
          "(select * from (table t wm e.ts iv(1000000 SECOND..SECOND)) group a)");
    QUERY("SELECT * FROM (SELECT to_timestamp(time) AS ts, user_name FROM STREAM stages) "
          "WATERMARK ts DELAY OF INTERVAL 15 SECONDS",
          "(select * from (subquery (select to_timestamp(time) as ts, user_name from "
          "(stream stages)) wm ts iv(15000000 SECOND..SECOND)))");
    QUERY("SELECT * FROM STREAM a WATERMARK t DELAY OF INTERVAL 1 MINUTE JOIN "
          "STREAM b WATERMARK t DELAY OF INTERVAL 2 MINUTES ON a.k = b.k",
          "(select * from (join inner (stream a wm t iv(60000000 MINUTE..MINUTE)) "
          "(stream b wm t iv(120000000 MINUTE..MINUTE)) on (= a.k b.k)))");
    /* a table alias named watermark still works */
    QUERY("SELECT * FROM t watermark", "(select * from (table t as watermark))");
}

static void test_group_by(void **state)
{
    (void)state;
    QUERY("SELECT a FROM t GROUP BY a, b", "(select a from (table t) group a b)");
    QUERY("SELECT a FROM t GROUP BY CUBE(a, b)", "(select a from (table t) cube a b)");
    QUERY("SELECT a FROM t GROUP BY ROLLUP(a, b)", "(select a from (table t) rollup a b)");
    QUERY("SELECT a FROM t GROUP BY a, b WITH ROLLUP", "(select a from (table t) rollup a b)");
    QUERY("SELECT a FROM t GROUP BY a, b WITH CUBE", "(select a from (table t) cube a b)");
    QUERY("SELECT a FROM t GROUP BY GROUPING SETS ((a, b), (a), ())",
          "(select a from (table t) sets a b {(0,1) (0) ()})");
    QUERY("SELECT a FROM t GROUP BY a, b GROUPING SETS ((a), (b))",
          "(select a from (table t) sets a b {(0) (1)})");
    QUERY("SELECT a FROM t GROUP BY ALL", "(select a from (table t) all)");
    QUERY("SELECT a FROM t GROUP BY ALL ORDER BY a", "(select a from (table t) all order a)");
    QUERY("SELECT a FROM t GROUP BY a, CUBE(b)", "(select a from (table t) sets a b {(0,1) (0)})");
    QUERY("SELECT a FROM t GROUP BY CUBE(a, (b, c))",
          "(select a from (table t) sets a b c {(0,1,2) (0) (1,2) ()})");
    QUERY("SELECT a FROM t GROUP BY GROUPING SETS (ROLLUP(a), b)",
          "(select a from (table t) sets a b {(0) () (1)})");
    QUERY("SELECT a FROM t GROUP BY (a + 1) * 2", "(select a from (table t) group (* (+ a 1) 2))");
    QUERY("SELECT emp_id, window(timestamp, '5 minutes') AS window, count(*) AS count "
          "FROM STREAM tumbling GROUP BY emp_id, window(timestamp, '5 minutes')",
          "(select emp_id, window(timestamp, '5 minutes') as window, count(*) as count from "
          "(stream tumbling) group emp_id window(timestamp, '5 minutes'))");

    /* the sets of CUBE / ROLLUP follow Spark's expansion order */
    weir_ast_stmt *st = stmt1("SELECT 1 FROM t GROUP BY CUBE(a, b)");
    const weir_ast_select *s = st->query->select;
    assert_int_equal(s->group_kind, WEIR_GROUP_CUBE);
    assert_int_equal(s->ngroup_by, 2);
    assert_int_equal(s->nsets, 4);
    int want_sizes[] = {2, 1, 1, 0};
    for (int i = 0; i < 4; i++)
        assert_int_equal(s->set_sizes[i], want_sizes[i]);
    assert_int_equal(s->sets[1][0], 0);
    assert_int_equal(s->sets[2][0], 1);
    st = stmt1("SELECT 1 FROM t GROUP BY ROLLUP(a, b)");
    s = st->query->select;
    assert_int_equal(s->nsets, 3);
    assert_int_equal(s->set_sizes[0], 2);
    assert_int_equal(s->set_sizes[1], 1);
    assert_int_equal(s->set_sizes[2], 0);
}

/* ---- statements --------------------------------------------------------------------- */

static void test_set_reset(void **state)
{
    (void)state;
    weir_ast_stmt *st = stmt1("SET spark.sql.session.timeZone = 'Asia/Seoul'");
    assert_int_equal(st->kind, WEIR_STMT_SET);
    assert_string_equal(st->key, "spark.sql.session.timeZone");
    assert_string_equal(st->value, "Asia/Seoul");
    st = stmt1("set spark.sql.shuffle.partitions=4;");
    assert_int_equal(st->kind, WEIR_STMT_SET);
    assert_string_equal(st->key, "spark.sql.shuffle.partitions");
    assert_string_equal(st->value, "4");
    st = stmt1("SET a.b = some bare text  ");
    assert_string_equal(st->value, "some bare text");
    st = stmt1("SET a.b = \"double\"");
    assert_string_equal(st->value, "double");
    st = stmt1("SET a.b =");
    assert_int_equal(st->kind, WEIR_STMT_SET);
    assert_string_equal(st->value, "");
    st = stmt1("SET `my key` = `my value`");
    assert_string_equal(st->key, "my key");
    assert_string_equal(st->value, "my value");
    st = stmt1("SET spark.sql.session.timeZone");
    assert_int_equal(st->kind, WEIR_STMT_SET_SHOW);
    assert_string_equal(st->key, "spark.sql.session.timeZone");
    st = stmt1("SET");
    assert_int_equal(st->kind, WEIR_STMT_SET_SHOW);
    assert_null(st->key);
    st = stmt1("SET -v");
    assert_int_equal(st->kind, WEIR_STMT_SET_SHOW);
    assert_string_equal(st->key, "-v");
    st = stmt1("SET TIME ZONE 'UTC'");
    assert_int_equal(st->kind, WEIR_STMT_SET);
    assert_string_equal(st->key, "spark.sql.session.timeZone");
    assert_string_equal(st->value, "UTC");
    st = stmt1("RESET");
    assert_int_equal(st->kind, WEIR_STMT_RESET);
    assert_null(st->key);
    st = stmt1("RESET spark.sql.session.timeZone");
    assert_int_equal(st->kind, WEIR_STMT_RESET);
    assert_string_equal(st->key, "spark.sql.session.timeZone");
    check_error("SET a b = 1", WEIR_EPARSE,
                "[INVALID_SET_SYNTAX] Expected format is 'SET', 'SET key', or 'SET key=value'. If "
                "you want to include special characters in key, or include semicolon in value, "
                "please use backquotes, e.g., SET `key`=`value`.",
                1, 0);
}

static void test_create_view(void **state)
{
    (void)state;
    weir_ast_stmt *st =
        stmt1("CREATE TEMPORARY VIEW lines USING socket OPTIONS (host 'localhost', port '5000')");
    assert_int_equal(st->kind, WEIR_STMT_CREATE_VIEW_USING);
    assert_false(st->or_replace);
    assert_string_equal(st->name, "lines");
    assert_string_equal(st->format, "socket");
    assert_int_equal(st->noptions, 2);
    assert_string_equal(st->options[0].key, "host");
    assert_string_equal(st->options[0].value, "localhost");
    assert_string_equal(st->options[1].key, "port");
    assert_string_equal(st->options[1].value, "5000");
    assert_int_equal(st->ncolumns, 0);

    st = stmt1("CREATE OR REPLACE TEMP VIEW v (a INT NOT NULL, b STRING COMMENT 'the b', "
               "timestamp TIMESTAMP, c DECIMAL(5,2)) USING json OPTIONS "
               "(`kafka.bootstrap.servers` 'h:1', kafka.group.id 'g', 'quoted.key' 'x', "
               "k = 'eq', flag true, n 5, d 1.5, F FALSE)");
    assert_int_equal(st->kind, WEIR_STMT_CREATE_VIEW_USING);
    assert_true(st->or_replace);
    assert_int_equal(st->ncolumns, 4);
    assert_string_equal(st->columns[0].name, "a");
    assert_int_equal(st->columns[0].type->id, WEIR_T_INT);
    assert_true(st->columns[0].not_null);
    assert_string_equal(st->columns[1].name, "b");
    assert_int_equal(st->columns[1].type->id, WEIR_T_STRING);
    assert_false(st->columns[1].not_null);
    assert_string_equal(st->columns[1].comment, "the b");
    assert_string_equal(st->columns[2].name, "timestamp");
    assert_int_equal(st->columns[2].type->id, WEIR_T_TIMESTAMP);
    assert_int_equal(st->columns[3].type->precision, 5);
    assert_int_equal(st->columns[3].type->scale, 2);
    assert_int_equal(st->noptions, 8);
    const char *keys[] = {
        "kafka.bootstrap.servers", "kafka.group.id", "quoted.key", "k", "flag", "n", "d", "F"};
    const char *vals[] = {"h:1", "g", "x", "eq", "true", "5", "1.5", "false"};
    for (int i = 0; i < 8; i++) {
        assert_string_equal(st->options[i].key, keys[i]);
        assert_string_equal(st->options[i].value, vals[i]);
    }

    st = stmt1("CREATE TEMPORARY VIEW v USING org.apache.spark.sql.json");
    assert_string_equal(st->format, "org.apache.spark.sql.json");
    assert_int_equal(st->noptions, 0);

    st = stmt1("CREATE OR REPLACE TEMPORARY VIEW v (x, y COMMENT 'why') AS SELECT 1, 2");
    assert_int_equal(st->kind, WEIR_STMT_CREATE_VIEW_AS);
    assert_true(st->or_replace);
    assert_int_equal(st->ncol_names, 2);
    assert_string_equal(st->col_names[0], "x");
    assert_string_equal(st->col_names[1], "y");
    assert_non_null(st->query);
    st = stmt1("CREATE TEMPORARY VIEW v AS SELECT * FROM t");
    assert_int_equal(st->kind, WEIR_STMT_CREATE_VIEW_AS);
    assert_int_equal(st->ncol_names, 0);

    check_error("CREATE TEMPORARY VIEW v USING json OPTIONS (path 'a', path 'b')", WEIR_EPARSE,
                "[DUPLICATE_KEY] Found duplicate keys `path`.", 1, 43);
    check_error("CREATE TEMPORARY VIEW v USING json OPTIONS (path)", WEIR_EPARSE,
                "Operation not allowed: Values must be specified for key(s): [path].", 1, 43);
    check_error("CREATE TEMPORARY VIEW IF NOT EXISTS v AS SELECT 1", WEIR_EPARSE,
                "It is not allowed to define a TEMPORARY view with IF NOT EXISTS.", 1, 0);
    check_error("CREATE TEMPORARY VIEW v (a, b) USING json", WEIR_EPARSE, SYNTAX("','"), 1, 26);
    check_error("CREATE TEMPORARY VIEW v (a INT) AS SELECT 1", WEIR_EPARSE, SYNTAX("'INT'"), 1, 27);
    check_error("CREATE VIEW v AS SELECT 1", WEIR_EUNSUPPORTED,
                "Permanent views (use CREATE TEMPORARY VIEW) are not supported yet.", 1, 0);
}

static void test_streaming_statements(void **state)
{
    (void)state;
    weir_ast_stmt *st = stmt1("CREATE OR REPLACE STREAMING TABLE word_counts USING console "
                              "OPTIONS (outputMode 'complete') AS SELECT 1");
    assert_int_equal(st->kind, WEIR_STMT_CREATE_STREAMING_TABLE);
    assert_true(st->or_replace);
    assert_string_equal(st->name, "word_counts");
    assert_string_equal(st->format, "console");
    assert_int_equal(st->noptions, 1);
    assert_string_equal(st->options[0].key, "outputMode");
    assert_string_equal(st->options[0].value, "complete");
    assert_non_null(st->query);
    st = stmt1("CREATE STREAMING TABLE s USING memory AS SELECT * FROM STREAM t");
    assert_int_equal(st->noptions, 0);
    st = stmt1("SHOW STREAMING TABLES");
    assert_int_equal(st->kind, WEIR_STMT_SHOW_STREAMING_TABLES);
    st = stmt1("DESCRIBE STREAMING TABLE word_counts");
    assert_int_equal(st->kind, WEIR_STMT_DESCRIBE_STREAMING_TABLE);
    assert_string_equal(st->name, "word_counts");
    st = stmt1("AWAIT STREAMING TABLE word_counts TIMEOUT '10 seconds'");
    assert_int_equal(st->kind, WEIR_STMT_AWAIT_STREAMING_TABLE);
    assert_string_equal(st->name, "word_counts");
    assert_string_equal(st->timeout, "10 seconds");
    st = stmt1("await streaming table w");
    assert_int_equal(st->kind, WEIR_STMT_AWAIT_STREAMING_TABLE);
    assert_null(st->timeout);
    st = stmt1("STOP STREAMING TABLE word_counts");
    assert_int_equal(st->kind, WEIR_STMT_STOP_STREAMING_TABLE);
    assert_string_equal(st->name, "word_counts");
}

static void test_other_statements(void **state)
{
    (void)state;
    weir_ast_stmt *st = stmt1("DROP VIEW IF EXISTS v");
    assert_int_equal(st->kind, WEIR_STMT_DROP_VIEW);
    assert_true(st->if_exists);
    assert_string_equal(st->name, "v");
    st = stmt1("DROP VIEW v");
    assert_false(st->if_exists);
    st = stmt1("SHOW TABLES");
    assert_int_equal(st->kind, WEIR_STMT_SHOW_TABLES);
    st = stmt1("SHOW VIEWS");
    assert_int_equal(st->kind, WEIR_STMT_SHOW_TABLES);
    st = stmt1("DESCRIBE t");
    assert_int_equal(st->kind, WEIR_STMT_DESCRIBE);
    assert_string_equal(st->name, "t");
    assert_null(st->query);
    st = stmt1("DESC TABLE t");
    assert_string_equal(st->name, "t");
    st = stmt1("DESC EXTENDED t");
    assert_string_equal(st->name, "t");
    assert_true(st->extended);
    st = stmt1("DESCRIBE table"); /* a table named table */
    assert_string_equal(st->name, "table");
    st = stmt1("DESCRIBE QUERY SELECT 1");
    assert_int_equal(st->kind, WEIR_STMT_DESCRIBE);
    assert_non_null(st->query);
    assert_null(st->name);
    st = stmt1("DESCRIBE SELECT a FROM t");
    assert_non_null(st->query);
    st = stmt1("EXPLAIN SELECT 1");
    assert_int_equal(st->kind, WEIR_STMT_EXPLAIN);
    assert_false(st->extended);
    assert_non_null(st->query);
    st = stmt1("EXPLAIN EXTENDED SELECT 1");
    assert_true(st->extended);
    st = stmt1("SELECT 1");
    assert_int_equal(st->kind, WEIR_STMT_QUERY);
    st = stmt1("(SELECT 1)");
    assert_int_equal(st->kind, WEIR_STMT_QUERY);
    st = stmt1("WITH a AS (SELECT 1) SELECT * FROM a");
    assert_int_equal(st->kind, WEIR_STMT_QUERY);
}

static void test_scripts(void **state)
{
    (void)state;
    const char *sql = "SELECT 1;;\n  -- comment\n; SELECT 2 ;\nSHOW TABLES";
    weir_ast_stmt **st;
    int n;
    weir_error err;
    assert_int_equal(weir_sql_parse(A, sql, &st, &n, &err), WEIR_OK);
    assert_int_equal(n, 3);
    assert_int_equal(st[0]->start, 0);
    assert_int_equal(st[0]->end, 8);
    assert_int_equal(st[0]->line, 1);
    assert_int_equal(st[1]->start, 26);
    assert_int_equal(st[1]->end, 34);
    assert_int_equal(st[1]->line, 3);
    assert_int_equal(st[1]->pos, 2);
    assert_int_equal(st[2]->kind, WEIR_STMT_SHOW_TABLES);
    assert_int_equal(st[2]->line, 4);
    assert_int_equal(st[2]->start, 37);
    assert_int_equal(st[2]->end, 48);
    assert_int_equal(weir_sql_parse(A, "", &st, &n, &err), WEIR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(weir_sql_parse(A, " ; -- x\n /* y */ ;", &st, &n, &err), WEIR_OK);
    assert_int_equal(n, 0);
    /* the statements before a failing one are still returned */
    assert_int_equal(weir_sql_parse(A, "SELECT 1;\nSELEC 2;", &st, &n, &err), WEIR_EPARSE);
    assert_int_equal(n, 1);
    assert_int_equal(st[0]->kind, WEIR_STMT_QUERY);
    assert_string_equal(err.msg, SYNTAX("'SELEC'"));
    assert_int_equal(err.line, 2);
    assert_int_equal(err.pos, 0);
    /* NULL error pointer is allowed */
    assert_int_equal(weir_sql_parse(A, "SELEC", &st, &n, NULL), WEIR_EPARSE);
}

static void test_spans(void **state)
{
    (void)state;
    const char *sql = "SELECT a + b,\n  foo(x) AS y, (c) FROM t WHERE 한 = '글' AND z";
    weir_ast_stmt *st = stmt1(sql);
    const weir_ast_select *s = st->query->select;
    const weir_ast_expr *e = s->items[0].expr;
    assert_int_equal(e->kind, WEIR_AST_BINARY);
    assert_int_equal(e->line, 1);
    assert_int_equal(e->pos, 7);
    assert_int_equal(e->start, 7);
    assert_int_equal(e->end, 12);
    assert_int_equal(e->args[1]->start, 11);
    e = s->items[1].expr;
    assert_int_equal(e->kind, WEIR_AST_FUNC);
    assert_int_equal(e->line, 2);
    assert_int_equal(e->pos, 2);
    assert_int_equal(e->start, 16);
    assert_int_equal(e->end, 22);
    assert_int_equal(e->args[0]->start, 20);
    assert_int_equal(s->items[1].alias_line, 2);
    assert_int_equal(s->items[1].alias_pos, 12);
    e = s->items[2].expr;
    assert_int_equal(e->start, 30);
    assert_int_equal(e->end, 31);
    /* WHERE 한 = '글' AND z : positions count characters, spans count bytes */
    e = s->where;
    assert_int_equal(e->kind, WEIR_AST_BINARY);
    assert_int_equal(e->line, 2);
    assert_int_equal(e->pos, 32);
    assert_int_equal(e->start, 46);
    assert_int_equal((size_t)e->end, strlen(sql));
    const weir_ast_expr *z = e->args[1];
    assert_int_equal(z->pos, 44);
    assert_int_equal(st->query->line, 1);
    assert_int_equal(s->from->line, 2);
    assert_int_equal(s->from->pos, 24);
    assert_int_equal(st->end, (int)strlen(sql));
}

/* ---- SQL.md examples ---------------------------------------------------------------- */

static weir_ast_stmt **script(const char *sql, int want)
{
    weir_ast_stmt **st = NULL;
    int n = 0;
    weir_error err;
    int rc = weir_sql_parse(A, sql, &st, &n, &err);
    if (rc != WEIR_OK) fail_msg("parse failed: %s (line %d, pos %d)", err.msg, err.line, err.pos);
    assert_int_equal(n, want);
    return st;
}

static void test_sql_md_statements(void **state)
{
    (void)state;
    weir_ast_stmt **st = script("SET spark.sql.session.timeZone = 'Asia/Seoul';\n"
                                "SET spark.sql.session.timeZone;\n"
                                "RESET;\n",
                                3);
    assert_int_equal(st[0]->kind, WEIR_STMT_SET);
    assert_int_equal(st[1]->kind, WEIR_STMT_SET_SHOW);
    assert_int_equal(st[2]->kind, WEIR_STMT_RESET);
    st = script("SHOW STREAMING TABLES;\n"
                "DESCRIBE STREAMING TABLE name;\n"
                "AWAIT STREAMING TABLE name TIMEOUT '5 seconds';\n"
                "AWAIT STREAMING TABLE name;\n"
                "STOP STREAMING TABLE name;",
                5);
    assert_int_equal(st[4]->kind, WEIR_STMT_STOP_STREAMING_TABLE);
}

static void test_sql_md_seed001(void **state)
{
    (void)state;
    weir_ast_stmt **st = script(
        "CREATE TEMPORARY VIEW lines USING socket OPTIONS (host 'localhost', port '5000');\n"
        "CREATE STREAMING TABLE word_counts USING console OPTIONS (outputMode 'complete') AS\n"
        "  SELECT word, count(*) AS count\n"
        "  FROM (SELECT explode(split(value, ' ')) AS word FROM STREAM lines)\n"
        "  GROUP BY word;",
        2);
    out o;
    memset(&o, 0, sizeof o);
    dump_query(&o, st[1]->query);
    assert_string_equal(o.buf, "(select word, count(*) as count from (subquery (select "
                               "explode(split(value, ' ')) as word from (stream lines))) group "
                               "word)");
}

static void test_sql_md_seed000(void **state)
{
    (void)state;
    weir_ast_stmt **st =
        script("SET spark.sql.session.timeZone = 'Asia/Seoul';\n"
               "CREATE TEMPORARY VIEW tumbling (emp_id INT, emp_name STRING, timestamp TIMESTAMP, "
               "time STRING)\n"
               "  USING json OPTIONS (path 'data/tumbling-stream');\n"
               "CREATE STREAMING TABLE tumbling_counts USING console\n"
               "  OPTIONS (outputMode 'complete', trigger '3 seconds', truncate 'false',\n"
               "           checkpointLocation 'tmp/tumbling-stream') AS\n"
               "  SELECT emp_id, window(timestamp, '5 minutes') AS window, count(*) AS count\n"
               "  FROM STREAM tumbling\n"
               "  GROUP BY emp_id, window(timestamp, '5 minutes');\n"
               "-- sliding: window(timestamp, '10 minutes', '5 minutes')\n",
               3);
    assert_int_equal(st[1]->ncolumns, 4);
    assert_string_equal(st[1]->columns[3].name, "time");
    assert_int_equal(st[2]->noptions, 4);
    assert_string_equal(st[2]->options[3].key, "checkpointLocation");
    assert_string_equal(st[2]->options[3].value, "tmp/tumbling-stream");

    st = script(
        "CREATE TEMPORARY VIEW events USING kafka OPTIONS (\n"
        "  `kafka.bootstrap.servers` 'localhost:9093', subscribe 'events', startingOffsets "
        "'latest');\n"
        "CREATE STREAMING TABLE kafkaWatermarkStream USING memory OPTIONS (outputMode 'append') "
        "AS\n"
        "  SELECT emp_id, window(timestamp, '25 minutes') AS window, count(*) AS count\n"
        "  FROM (SELECT x.emp_id AS emp_id, x.timestamp AS timestamp\n"
        "        FROM (SELECT from_json(CAST(value AS STRING),\n"
        "                'emp_id INT, emp_name STRING, timestamp TIMESTAMP, time STRING') AS x\n"
        "              FROM STREAM events))\n"
        "       WATERMARK timestamp DELAY OF INTERVAL 25 MINUTES\n"
        "  GROUP BY emp_id, window(timestamp, '25 minutes');\n"
        "SELECT * FROM kafkaWatermarkStream ORDER BY window ASC, count DESC;",
        3);
    assert_string_equal(st[0]->options[0].key, "kafka.bootstrap.servers");
    const weir_ast_from *f = st[1]->query->select->from;
    assert_int_equal(f->kind, WEIR_FROM_SUBQUERY);
    assert_non_null(f->wm_col);
    assert_string_equal(f->wm_col->parts[0], "timestamp");
    assert_int_equal(f->wm_delay->lit.interval_us, INT64_C(1500000000));
    out o;
    memset(&o, 0, sizeof o);
    dump_query(&o, st[2]->query);
    assert_string_equal(o.buf,
                        "(select * from (table kafkaWatermarkStream) order window, count desc)");
}

static void test_sql_md_seed002(void **state)
{
    (void)state;
    weir_ast_stmt **st = script(
        "CREATE TEMPORARY VIEW names USING json OPTIONS (path 'data/names');\n"
        "CREATE TEMPORARY VIEW depts USING json OPTIONS (path 'data/depts');\n"
        "CREATE TEMPORARY VIEW staged AS\n"
        "  SELECT e.time, e.user_id, coalesce(n.name, 'Unknown Name') AS user_name,\n"
        "         coalesce(d.name, 'Unknown Dept') AS dept_name, e.gender, e.age, e.hello, e.id\n"
        "  FROM (SELECT x.time, x.id % 10 AS user_id, x.id % 5 AS dept_id,\n"
        "               CASE WHEN x.id % 2 = 0 THEN '남성' ELSE '여성' END AS gender,\n"
        "               (x.id % 100) + 1 AS age, x.hello, x.id\n"
        "        FROM (SELECT from_json(CAST(value AS STRING), 'id BIGINT, hello STRING, time "
        "STRING') AS x\n"
        "              FROM STREAM events)) e\n"
        "  LEFT JOIN names n ON e.user_id = n.uid\n"
        "  LEFT JOIN depts d ON e.dept_id = d.did;\n"
        "CREATE STREAMING TABLE kafkaSink USING kafka OPTIONS (\n"
        "  `kafka.bootstrap.servers` 'localhost:9093', topic 'events_stages',\n"
        "  trigger '5 seconds', checkpointLocation 'tmp/kafkaSink') AS\n"
        "  SELECT CAST(user_id AS STRING) AS key, to_json(struct(*)) AS value FROM staged;\n"
        "CREATE STREAMING TABLE jdbc_sink USING jdbc OPTIONS (\n"
        "  url 'jdbc:mysql://localhost:3306/default', user 'scott', password 'tiger',\n"
        "  dbtable 'events_users_v1', outputMode 'update', trigger '5 seconds',\n"
        "  checkpointLocation 'tmp/jdbc_sink') AS\n"
        "  SELECT window.start AS start, window.end AS end, user_name, count(*) AS count\n"
        "  FROM (SELECT window(ts, '10 seconds') AS window, user_name\n"
        "        FROM (SELECT to_timestamp(time) AS ts, user_name FROM STREAM stages)\n"
        "             WATERMARK ts DELAY OF INTERVAL 15 SECONDS)\n"
        "  GROUP BY window, user_name;",
        5);
    const weir_ast_select *s = st[2]->query->select;
    assert_int_equal(s->nitems, 8);
    assert_string_equal(s->items[2].alias, "user_name");
    const weir_ast_from *f = s->from;
    assert_int_equal(f->kind, WEIR_FROM_JOIN);
    assert_int_equal(f->join_type, WEIR_JOIN_LEFT);
    assert_int_equal(f->left->kind, WEIR_FROM_JOIN);
    assert_string_equal(f->right->alias, "d");
    assert_string_equal(f->left->left->alias, "e");
    out o;
    memset(&o, 0, sizeof o);
    dump_query(&o, st[3]->query);
    assert_string_equal(o.buf, "(select (cast user_id string) as key, to_json(struct(*)) as "
                               "value from (table staged))");
    assert_int_equal(st[4]->noptions, 7);
    assert_string_equal(st[4]->options[1].key, "user");
    memset(&o, 0, sizeof o);
    dump_query(&o, st[4]->query);
    assert_string_equal(
        o.buf, "(select window.start as start, window.end as end, user_name, count(*) as count "
               "from (subquery (select window(ts, '10 seconds') as window, user_name from "
               "(subquery (select to_timestamp(time) as ts, user_name from (stream stages)) wm ts "
               "iv(15000000 SECOND..SECOND)))) group window user_name)");
}

/* ---- types and schemas -------------------------------------------------------------- */

static const char *type_str(const char *text)
{
    static char buf[1200];
    const weir_type *t = NULL;
    weir_error err;
    int rc = weir_sql_parse_type(A, text, &t, &err);
    if (rc != WEIR_OK) {
        snprintf(buf, sizeof buf, "ERROR %d: %s (%d:%d)", rc, err.msg, err.line, err.pos);
        return buf;
    }
    return weir_type_name(t, buf, sizeof buf);
}

#define TYPE(text, want) assert_string_equal(type_str(text), want)

static void test_types(void **state)
{
    (void)state;
    TYPE("boolean", "boolean");
    TYPE("TINYINT", "tinyint");
    TYPE("byte", "tinyint");
    TYPE("SmallInt", "smallint");
    TYPE("short", "smallint");
    TYPE("int", "int");
    TYPE("INTEGER", "int");
    TYPE("bigint", "bigint");
    TYPE("long", "bigint");
    TYPE("float", "float");
    TYPE("real", "float");
    TYPE("double", "double");
    TYPE("decimal", "decimal(10,0)");
    TYPE("DECIMAL(5)", "decimal(5,0)");
    TYPE("dec(10, 2)", "decimal(10,2)");
    TYPE("numeric(38,38)", "decimal(38,38)");
    TYPE("string", "string");
    TYPE("varchar(10)", "string");
    TYPE("CHAR(3)", "string");
    TYPE("binary", "binary");
    TYPE("date", "date");
    TYPE("timestamp", "timestamp");
    TYPE("timestamp_ltz", "timestamp");
    TYPE("array<int>", "array<int>");
    TYPE("ARRAY<ARRAY<INT>>", "array<array<int>>");
    TYPE("map<string, array<bigint>>", "map<string,array<bigint>>");
    TYPE("struct<a: int, b string, `c d`: map<int,int>>",
         "struct<a:int,b:string,c d:map<int,int>>");
    TYPE("STRUCT<Name:STRING NOT NULL COMMENT 'x'>", "struct<Name:string>");
    TYPE("struct<>", "struct<>");
    TYPE("struct<timestamp: timestamp, window: struct<start: timestamp, end: timestamp>>",
         "struct<timestamp:timestamp,window:struct<start:timestamp,end:timestamp>>");
    TYPE("interval day to second", "interval day to second");
    TYPE("INTERVAL HOUR", "interval day to second");
    TYPE("foo", "ERROR 1: [UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". (1:0)");
    TYPE("int(5)", "ERROR 1: [UNSUPPORTED_DATATYPE] Unsupported data type \"INT(5)\". (1:0)");
    TYPE("array<foo>", "ERROR 1: [UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". (1:6)");
    TYPE("varchar", "ERROR 1: [DATATYPE_MISSING_SIZE] DataType \"VARCHAR\" requires a length "
                    "parameter, for example \"VARCHAR\"(10). Please specify the length. (1:0)");
    TYPE("decimal(39)", "ERROR 1: [DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision 39 "
                        "exceeds max precision 38. (1:0)");
    TYPE("decimal(2, 3)", "ERROR 1: Decimal scale (3) cannot be greater than precision (2). (1:0)");
    TYPE("interval year to month", "ERROR 6: year-month intervals are not supported yet (1:9)");
    TYPE("array<int", "ERROR 1: [PARSE_SYNTAX_ERROR] Syntax error at or near end of input. (1:9)");
    TYPE("int int", "ERROR 1: [PARSE_SYNTAX_ERROR] Syntax error at or near 'int': extra input "
                    "'int'. (1:4)");
}

static const char *schema_str(const char *text)
{
    static char buf[1200];
    const weir_type *t = NULL;
    weir_error err;
    int rc = weir_sql_parse_schema(A, text, &t, &err);
    if (rc != WEIR_OK) {
        snprintf(buf, sizeof buf, "ERROR %d: %s (%d:%d)", rc, err.msg, err.line, err.pos);
        return buf;
    }
    return weir_type_name(t, buf, sizeof buf);
}

static void test_schemas(void **state)
{
    (void)state;
    assert_string_equal(schema_str("a INT, b STRING"), "struct<a:int,b:string>");
    assert_string_equal(schema_str("a: int, b: string"), "struct<a:int,b:string>");
    assert_string_equal(schema_str("struct<a:int>"), "struct<a:int>");
    assert_string_equal(schema_str("STRUCT<A: INT>"), "struct<A:int>");
    assert_string_equal(schema_str("emp_id INT, emp_name STRING, timestamp TIMESTAMP, time STRING"),
                        "struct<emp_id:int,emp_name:string,timestamp:timestamp,time:string>");
    assert_string_equal(schema_str("id BIGINT, hello STRING, time STRING"),
                        "struct<id:bigint,hello:string,time:string>");
    assert_string_equal(schema_str("`a b` Array<Int> NOT NULL COMMENT 'c', Key map<string,int>"),
                        "struct<a b:array<int>,Key:map<string,int>>");
    assert_string_equal(schema_str(""), "struct<>");
    assert_string_equal(schema_str("a foo"),
                        "ERROR 1: [UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". (1:2)");
    assert_string_equal(
        schema_str("a int,"),
        "ERROR 1: [PARSE_SYNTAX_ERROR] Syntax error at or near end of input. (1:6)");
    const weir_type *t;
    weir_error err;
    assert_int_equal(weir_sql_parse_schema(A, "a INT NOT NULL, b INT", &t, &err), WEIR_OK);
    assert_false(t->fields[0].nullable);
    assert_true(t->fields[1].nullable);
}

/* ---- errors ------------------------------------------------------------------------- */

static void test_syntax_errors(void **state)
{
    (void)state;
    check_error("SELEC 1", WEIR_EPARSE, SYNTAX("'SELEC'"), 1, 0);
    check_error("SELECT 1 +", WEIR_EPARSE, SYNTAX("end of input"), 1, 10);
    check_error("SELECT * FROM", WEIR_EPARSE, SYNTAX("end of input"), 1, 13);
    check_error("select count(*", WEIR_EPARSE, SYNTAX("end of input"), 1, 14);
    check_error("select 1 as a from", WEIR_EPARSE, SYNTAX("end of input"), 1, 18);
    check_error("select ((r + 1) ", WEIR_EPARSE, SYNTAX("end of input"), 1, 16);
    check_error("SELECT (1", WEIR_EPARSE, SYNTAX("end of input"), 1, 9);
    check_error("SELECT a FROM t WHERE", WEIR_EPARSE, SYNTAX("end of input"), 1, 21);
    check_error("SELECT 1 +;", WEIR_EPARSE, SYNTAX("end of input"), 1, 10);
    check_error("SELECT 1 +\n", WEIR_EPARSE, SYNTAX("end of input"), 2, 0);
    check_error("select 1 1", WEIR_EPARSE,
                "[PARSE_SYNTAX_ERROR] Syntax error at or near '1': extra input '1'.", 1, 9);
    check_error("SELECT 1)", WEIR_EPARSE,
                "[PARSE_SYNTAX_ERROR] Syntax error at or near ')': extra input ')'.", 1, 8);
    check_error("select *\nfrom r as q t", WEIR_EPARSE,
                "[PARSE_SYNTAX_ERROR] Syntax error at or near 't': extra input 't'.", 2, 12);
    check_error("select * from r order by q from t", WEIR_EPARSE, SYNTAX("'from'"), 1, 27);
    check_error("select *\nfrom r\norder by q\nfrom t", WEIR_EPARSE, SYNTAX("'from'"), 4, 0);
    check_error("select * from a left join_ b on a.id = b.id", WEIR_EPARSE,
                "[PARSE_SYNTAX_ERROR] Syntax error at or near 'join_': missing 'JOIN'.", 1, 21);
    check_error("select * from test where test.t is like 'test'", WEIR_EPARSE, SYNTAX("'is'"), 1,
                32);
    check_error("SELECT * FROM test WHERE x NOT NULL", WEIR_EPARSE, SYNTAX("'NOT'"), 1, 27);
    check_error("SELECT * FROM t WHERE a = ", WEIR_EPARSE, SYNTAX("end of input"), 1, 26);
    check_error("SELECT 'abc", WEIR_EPARSE, SYNTAX("'''"), 1, 7);
    check_error("SELECT `abc", WEIR_EPARSE, SYNTAX("'`'"), 1, 7);
    check_error("SELECT a $ b", WEIR_EPARSE, SYNTAX("'$'"), 1, 9);
    check_error("SELECT '한글', x y z", WEIR_EPARSE,
                "[PARSE_SYNTAX_ERROR] Syntax error at or near 'z': extra input 'z'.", 1, 17);
    /* positions count UTF-16 units: an emoji counts 2, as in Spark */
    check_error("SELECT '\xf0\x9f\x98\x80', x y z", WEIR_EPARSE,
                "[PARSE_SYNTAX_ERROR] Syntax error at or near 'z': extra input 'z'.", 1, 17);
    check_error("SELECT FROM t", WEIR_EPARSE, SYNTAX("'FROM'"), 1, 7);
    check_error("SELECT * FROM WHERE", WEIR_EPARSE, SYNTAX("'WHERE'"), 1, 14);
    check_error("SELECT * FROM t GROUP a", WEIR_EPARSE, SYNTAX("'a'"), 1, 22);
    check_error("SELECT * FROM t ORDER a", WEIR_EPARSE, SYNTAX("'a'"), 1, 22);
    check_error("SELECT CASE WHEN a THEN 1", WEIR_EPARSE, SYNTAX("end of input"), 1, 25);
    check_error("SELECT a.", WEIR_EPARSE, SYNTAX("end of input"), 1, 9);
    check_error("SELECT * FROM t JOIN", WEIR_EPARSE, SYNTAX("end of input"), 1, 20);
    check_error("SELECT a IS b", WEIR_EPARSE, SYNTAX("'IS'"), 1, 9);
    check_error("SELECT a\n  FROM t\n  WHERE )", WEIR_EPARSE, SYNTAX("')'"), 3, 8);
    check_error("CREATE STREAMING TABLE s USING console", WEIR_EPARSE, SYNTAX("end of input"), 1,
                38);
    check_error("SHOW FOO", WEIR_EPARSE, SYNTAX("'FOO'"), 1, 5);
    check_error("STOP TABLE x", WEIR_EPARSE, SYNTAX("'TABLE'"), 1, 5);
    check_error("SELECT x\tFROM", WEIR_EPARSE, SYNTAX("end of input"), 1, 13);
    check_error("SELECT 1 +\tfoo bar baz", WEIR_EPARSE,
                "[PARSE_SYNTAX_ERROR] Syntax error at or near 'baz': extra input 'baz'.", 1, 19);
    check_error("SELECT 1 +\tfoo bar baz qux", WEIR_EPARSE, SYNTAX("'baz'"), 1, 19);
    check_error("/* unclosed comment SELECT 1", WEIR_EPARSE,
                "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, "
                "append */ at the end of the comment.",
                1, 0);
    check_error("SELECT 1; /* a /* b */", WEIR_EPARSE,
                "[UNCLOSED_BRACKETED_COMMENT] Found an unclosed bracketed comment. Please, "
                "append */ at the end of the comment.",
                1, 10);
    check_error("SELECT * FROM table-with-hyphen", WEIR_EPARSE,
                "[INVALID_IDENTIFIER] The identifier table-with-hyphen is invalid. Please, "
                "consider quoting it with back-quotes as `table-with-hyphen`.",
                1, 19);
    check_error("SELECT a-b FROM table-with-hyphen", WEIR_EPARSE,
                "[INVALID_IDENTIFIER] The identifier table-with-hyphen is invalid. Please, "
                "consider quoting it with back-quotes as `table-with-hyphen`.",
                1, 21);
    check_error("SELECT 1 FROM t GROUP BY a, b WITH ROLLUP ORDER", WEIR_EPARSE,
                SYNTAX("end of input"), 1, 47);
    check_error("SELECT * FROM VALUES (1, 2), (3)", WEIR_EANALYSIS,
                "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. Inline table "
                "expected 2 columns but found 1 columns in row 1.",
                1, 29);
    check_error("SELECT INTERVAL 3 MONTHS", WEIR_EUNSUPPORTED,
                "year-month intervals are not supported yet", 1, 18);
    check_error("SELECT ?", WEIR_EUNSUPPORTED, "Parameter markers are not supported yet.", 1, 7);
}

static void test_nesting_limit(void **state)
{
    (void)state;
    char sql[4096];
    strcpy(sql, "SELECT ");
    for (int i = 0; i < 1500; i++)
        strcat(sql, "(");
    strcat(sql, "1");
    weir_ast_stmt **st;
    int n;
    weir_error err;
    assert_int_equal(weir_sql_parse(A, sql, &st, &n, &err), WEIR_EPARSE);
    assert_string_equal(err.msg, "The SQL text is nested too deeply to be parsed.");
    /* moderate nesting is fine */
    strcpy(sql, "SELECT ");
    for (int i = 0; i < 50; i++)
        strcat(sql, "(");
    strcat(sql, "1");
    for (int i = 0; i < 50; i++)
        strcat(sql, ")");
    assert_int_equal(weir_sql_parse(A, sql, &st, &n, &err), WEIR_OK);
}

/* ---- weir_sql_is_complete ----------------------------------------------------------- */

static void test_is_complete(void **state)
{
    (void)state;
    assert_false(weir_sql_is_complete(""));
    assert_false(weir_sql_is_complete("SELECT 1"));
    assert_true(weir_sql_is_complete("SELECT 1;"));
    assert_true(weir_sql_is_complete("SELECT 1;\nSELECT"));
    assert_false(weir_sql_is_complete("SELECT ';'"));
    assert_false(weir_sql_is_complete("SELECT \";\""));
    assert_true(weir_sql_is_complete("SELECT \"a;\";"));
    assert_false(weir_sql_is_complete("SELECT `a;b`"));
    assert_false(weir_sql_is_complete("SELECT 'it\\'s;'"));
    assert_false(weir_sql_is_complete("SELECT 1 -- ;"));
    assert_true(weir_sql_is_complete("SELECT 1 -- ;\n;"));
    assert_false(weir_sql_is_complete("/* ; */ SELECT 1"));
    assert_false(weir_sql_is_complete("/* /* ; */ ; */ SELECT 1"));
    assert_false(weir_sql_is_complete("SELECT 'open"));
    assert_false(weir_sql_is_complete("/* open ;"));
    assert_true(weir_sql_is_complete("SELECT '한글';"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_numeric_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typed_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interval_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_column_refs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_predicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_cast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_operations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watermark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_by, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_view, setup, teardown),
        cmocka_unit_test_setup_teardown(test_streaming_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scripts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_md_statements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_md_seed001, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_md_seed000, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_md_seed002, setup, teardown),
        cmocka_unit_test_setup_teardown(test_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schemas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_is_complete, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
