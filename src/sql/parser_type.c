/*
 * Data types as Spark's dataType rule spells them (CAST targets, view column lists, DDL
 * schema strings for from_json / DataStreamReader.schema). Type names are
 * case-insensitive; struct field names keep their case. Types that weir has no physical
 * form for are rejected with Spark's UNSUPPORTED_DATATYPE message or an "unsupported yet".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"

static const weir_type *prim_named(const char *n)
{
    static const struct {
        const char *name;
        const weir_type *t;
    } prims[] = {
        {"BOOLEAN", &weir_type_boolean},
        {"TINYINT", &weir_type_tinyint},
        {"BYTE", &weir_type_tinyint},
        {"SMALLINT", &weir_type_smallint},
        {"SHORT", &weir_type_smallint},
        {"INT", &weir_type_int},
        {"INTEGER", &weir_type_int},
        {"BIGINT", &weir_type_bigint},
        {"LONG", &weir_type_bigint},
        {"FLOAT", &weir_type_float},
        {"REAL", &weir_type_float},
        {"DOUBLE", &weir_type_double},
        {"DATE", &weir_type_date},
        {"TIMESTAMP", &weir_type_timestamp},
        {"TIMESTAMP_LTZ", &weir_type_timestamp},
        {"STRING", &weir_type_string},
        {"BINARY", &weir_type_binary},
        {"VOID", &weir_type_null},
    };
    for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
        if (strcasecmp(n, prims[i].name) == 0) return prims[i].t;
    return NULL;
}

static const weir_type *unsupported_type(weir_parser *p, int s, const char *name, int nparams,
                                         const int *params)
{
    char buf[160];
    size_t n = 0;
    for (const char *c = name; *c && n < 100; c++)
        buf[n++] = (char)toupper((unsigned char)*c);
    buf[n] = '\0';
    if (nparams > 0) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "(");
        for (int i = 0; i < nparams && n < sizeof buf - 16; i++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%d", i ? "," : "", params[i]);
        snprintf(buf + n, sizeof buf - n, ")");
    }
    weir_wp_error_at_tok(p, WEIR_EPARSE, s, "[UNSUPPORTED_DATATYPE] Unsupported data type \"%s\".",
                         buf);
    return NULL;
}

static int interval_field(const weir_token *t)
{
    static const char *const f[] = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};
    for (int i = 0; i < 6; i++)
        if (weir_tok_is_kw(t, f[i])) return i;
    return -1;
}

/* STRUCT < field, ... > body after the '<' (a '<>' token means an empty struct). */
static const weir_type *struct_body(weir_parser *p)
{
    weir_field *fields = NULL;
    int n = 0, cap = 0;
    if (!wp_is(p, WEIR_TK_GT)) {
        for (;;) {
            if (!wp_identlike(wp_cur(p))) {
                weir_wp_syntax_error(p);
                return NULL;
            }
            weir_field f = {weir_wp_ident(wp_cur(p)), NULL, true};
            p->i++;
            weir_wp_accept(p, WEIR_TK_COLON);
            f.type = weir_wp_type(p);
            if (!f.type) return NULL;
            if ((wp_kw(p, "NOT") || wp_is(p, WEIR_TK_BANG)) && wp_kw_at(p, 1, "NULL")) {
                p->i += 2;
                f.nullable = false;
            }
            if (weir_wp_accept_kw(p, "COMMENT")) {
                if (!wp_is(p, WEIR_TK_STRING)) {
                    weir_wp_syntax_error(p);
                    return NULL;
                }
                p->i++;
            }
            if (weir_wp_push(p, &fields, &n, &cap, sizeof f, &f)) return NULL;
            if (!weir_wp_accept(p, WEIR_TK_COMMA)) break;
        }
    }
    if (weir_wp_expect(p, WEIR_TK_GT)) return NULL;
    const weir_type *t = weir_type_struct(p->a, fields, n);
    if (!t) weir_wp_nomem(p);
    return t;
}

const weir_type *weir_wp_type(weir_parser *p)
{
    const weir_token *t = wp_cur(p);
    int s = p->i;
    if (!wp_identlike(t)) {
        weir_wp_syntax_error(p);
        return NULL;
    }
    if (!weir_wp_enter(p)) return NULL;
    const weir_type *r = NULL;
    const weir_token *nx = wp_peek(p, 1);
    if (t->kind == WEIR_TK_IDENT && weir_tok_is_kw(t, "ARRAY") && nx->kind == WEIR_TK_LT) {
        p->i += 2;
        const weir_type *el = weir_wp_type(p);
        if (el && !weir_wp_expect(p, WEIR_TK_GT)) {
            r = weir_type_array(p->a, el);
            if (!r) weir_wp_nomem(p);
        }
    } else if (t->kind == WEIR_TK_IDENT && weir_tok_is_kw(t, "MAP") && nx->kind == WEIR_TK_LT) {
        p->i += 2;
        const weir_type *k = weir_wp_type(p);
        if (k && !weir_wp_expect(p, WEIR_TK_COMMA)) {
            const weir_type *v = weir_wp_type(p);
            if (v && !weir_wp_expect(p, WEIR_TK_GT)) {
                r = weir_type_map(p->a, k, v);
                if (!r) weir_wp_nomem(p);
            }
        }
    } else if (t->kind == WEIR_TK_IDENT && weir_tok_is_kw(t, "STRUCT") &&
               (nx->kind == WEIR_TK_LT || nx->kind == WEIR_TK_NEQ)) {
        if (nx->kind == WEIR_TK_NEQ) {
            p->i += 2;
            r = weir_type_struct(p->a, NULL, 0);
            if (!r) weir_wp_nomem(p);
        } else {
            p->i += 2;
            r = struct_body(p);
        }
    } else if (t->kind == WEIR_TK_IDENT && weir_tok_is_kw(t, "INTERVAL")) {
        p->i++;
        int from = interval_field(wp_cur(p)), to = -1;
        int ftok = p->i;
        if (from >= 0) {
            p->i++;
            if (weir_wp_accept_kw(p, "TO")) {
                to = interval_field(wp_cur(p));
                if (to < 0 || to < from || (from <= 1) != (to <= 1)) {
                    weir_wp_syntax_error(p);
                    goto out;
                }
                p->i++;
            }
        }
        if (from == 0 || from == 1) {
            weir_wp_error_at_tok(p, WEIR_EUNSUPPORTED, ftok,
                                 "year-month intervals are not supported yet");
            goto out;
        }
        r = WEIR_TYPE_INTERVAL;
    } else if (t->kind == WEIR_TK_IDENT && weir_tok_is_kw(t, "TIMESTAMP_NTZ")) {
        weir_wp_error_at_tok(p, WEIR_EUNSUPPORTED, s, "TIMESTAMP_NTZ is not supported yet.");
    } else {
        const char *name = weir_wp_ident(t);
        p->i++;
        int params[8], np = 0;
        if (wp_is(p, WEIR_TK_LPAREN) && wp_peek(p, 1)->kind == WEIR_TK_INTEGER) {
            p->i++;
            for (;;) {
                if (!wp_is(p, WEIR_TK_INTEGER)) {
                    weir_wp_syntax_error(p);
                    goto out;
                }
                long v = strtol(wp_cur(p)->val, NULL, 10);
                if (np < 8) params[np++] = v > 100000 ? 100000 : (int)v;
                p->i++;
                if (!weir_wp_accept(p, WEIR_TK_COMMA)) break;
            }
            if (weir_wp_expect(p, WEIR_TK_RPAREN)) goto out;
        }
        if (t->kind == WEIR_TK_QIDENT) {
            unsupported_type(p, s, name, np, params);
        } else if (!strcasecmp(name, "DECIMAL") || !strcasecmp(name, "DEC") ||
                   !strcasecmp(name, "NUMERIC")) {
            int prec = np >= 1 ? params[0] : 10, scale = np >= 2 ? params[1] : 0;
            if (np > 2) {
                unsupported_type(p, s, name, np, params);
            } else if (prec > 38) {
                weir_wp_error_at_tok(p, WEIR_EPARSE, s,
                                     "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision "
                                     "%d exceeds max precision 38.",
                                     prec);
            } else if (scale > prec) {
                weir_wp_error_at_tok(p, WEIR_EPARSE, s,
                                     "Decimal scale (%d) cannot be greater than precision (%d).",
                                     scale, prec);
            } else {
                r = weir_type_decimal(p->a, prec, scale);
                if (!r) weir_wp_nomem(p);
            }
        } else if (!strcasecmp(name, "CHAR") || !strcasecmp(name, "CHARACTER") ||
                   !strcasecmp(name, "VARCHAR")) {
            if (np == 1) {
                r = WEIR_TYPE_STRING;
            } else if (np == 0) {
                char up[16];
                size_t k = 0;
                for (; name[k] && k < sizeof up - 1; k++)
                    up[k] = (char)toupper((unsigned char)name[k]);
                up[k] = '\0';
                weir_wp_error_at_tok(p, WEIR_EPARSE, s,
                                     "[DATATYPE_MISSING_SIZE] DataType \"%s\" requires a length "
                                     "parameter, for example \"%s\"(10). Please specify the "
                                     "length.",
                                     up, up);
            } else {
                unsupported_type(p, s, name, np, params);
            }
        } else {
            const weir_type *pt = prim_named(name);
            if (pt && np == 0)
                r = pt;
            else
                unsupported_type(p, s, name, np, params);
        }
    }
out:
    wp_leave(p);
    return r;
}
