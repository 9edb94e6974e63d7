/*
 * String and regex kernels (exec/func_string.c) through bind + exec on hand-built
 * expression trees. Expected values follow Spark 3.5 (StringExpressionsSuite,
 * RegexpExpressionsSuite and the SQL function reference).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan/expr.h"

extern const weir_func weir_funcs_string[];

static weir_arena A;
static weir_conf_view conf;

static const weir_func *fn(const char *name)
{
    for (const weir_func *f = weir_funcs_string; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

/* ---- building inputs ---------------------------------------------------------------- */

#define NUL_S ((const char *)1) /* marks a NULL row in string lists */

static weir_vec *svec(int n, ...)
{
    weir_vec *v = weir_vec_new(&A, WEIR_TYPE_STRING, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        if (s == NUL_S)
            weir_vec_append_null(v);
        else
            weir_vec_append_str(v, s, (int32_t)strlen(s));
    }
    va_end(ap);
    return v;
}

static weir_expr *col(int i, const weir_type *t)
{
    weir_expr *e = WEIR_ARENA_NEW(&A, weir_expr);
    e->kind = WEIR_EX_COLUMN;
    e->type = t;
    e->col = i;
    e->nullable = true;
    e->pretty = weir_arena_sprintf(&A, "c%d", i);
    return e;
}

static weir_expr *lit_s(const char *s)
{
    weir_value v = {.type = WEIR_TYPE_STRING};
    v.u.s.p = weir_arena_strdup(&A, s);
    v.u.s.len = (int32_t)strlen(s);
    return weir_expr_literal(&A, &v);
}

static weir_expr *lit_i(int64_t x)
{
    weir_value v = {.type = WEIR_TYPE_INT};
    v.u.i = x;
    return weir_expr_literal(&A, &v);
}

static weir_vec *const_vec(const weir_value *v, int32_t n)
{
    weir_vec *o = weir_vec_new(&A, v->type, n);
    for (int32_t i = 0; i < n; i++)
        weir_vec_append_value(o, v);
    return o;
}

/* Binds fname(args) and runs it over the n rows of in[]. Returns the status. */
static int run(const char *fname, weir_vec **in, int32_t n, weir_vec **out, weir_expr **pe,
               weir_error *err, int nargs, ...)
{
    weir_expr *e = WEIR_ARENA_NEW(&A, weir_expr);
    e->kind = WEIR_EX_CALL;
    e->fn = fn(fname);
    assert_non_null(e->fn);
    e->fname = fname;
    e->nargs = nargs;
    e->args = WEIR_ARENA_NEWN(&A, weir_expr *, nargs + 1);
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++)
        e->args[i] = va_arg(ap, weir_expr *);
    va_end(ap);
    weir_bind_ctx bc = {&A, &conf};
    weir_err_clear(err);
    int rc = e->fn->bind(&bc, e, err);
    if (pe) *pe = e;
    if (rc != WEIR_OK) return rc;
    weir_vec **av = WEIR_ARENA_NEWN(&A, weir_vec *, e->nargs + 1);
    for (int i = 0; i < e->nargs; i++) {
        const weir_expr *a = e->args[i];
        assert_true(a->kind == WEIR_EX_COLUMN || a->kind == WEIR_EX_LITERAL);
        av[i] = a->kind == WEIR_EX_COLUMN ? in[a->col] : const_vec(&a->lit, n);
    }
    weir_eval_ctx ctx = {.arena = &A, .conf = &conf, .err = err};
    return e->fn->exec(&ctx, e, av, n, out);
}

static void check_str(const weir_vec *v, int32_t i, const char *want)
{
    if (want == NUL_S) {
        assert_true(weir_vec_is_null(v, i));
        return;
    }
    assert_false(weir_vec_is_null(v, i));
    int32_t len;
    const char *s = weir_vec_str(v, i, &len);
    char buf[512];
    snprintf(buf, sizeof(buf), "%.*s", (int)len, s);
    assert_string_equal(buf, want);
}

static void check_int(const weir_vec *v, int32_t i, int32_t want)
{
    assert_false(weir_vec_is_null(v, i));
    if (((const int32_t *)v->data)[i] != want)
        fprintf(stderr, "got %d want %d\n", ((const int32_t *)v->data)[i], want);
    assert_int_equal(((const int32_t *)v->data)[i], want);
}

static void check_bool(const weir_vec *v, int32_t i, int want)
{
    if (want < 0) {
        assert_true(weir_vec_is_null(v, i));
        return;
    }
    assert_false(weir_vec_is_null(v, i));
    assert_int_equal(((const uint8_t *)v->data)[i], want);
}

/* Row i of an ARRAY<STRING> as "a|b|c" (NULL element "<null>"). */
static const char *arr_text(const weir_vec *v, int32_t i)
{
    static char buf[512];
    size_t k = 0;
    buf[0] = 0;
    if (weir_vec_is_null(v, i)) return "NULL";
    for (int32_t j = v->offsets[i]; j < v->offsets[i + 1]; j++) {
        int32_t len;
        const char *s = weir_vec_str(v->child[0], j, &len);
        if (weir_vec_is_null(v->child[0], j)) {
            s = "<null>";
            len = 6;
        }
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%.*s", j > v->offsets[i] ? "|" : "",
                              (int)len, s);
    }
    return buf;
}

/* Evaluates a one-row call on string literal / int arguments given as a spec: "s:text",
 * "i:42", "n" (NULL string). Returns the result vector. */
static weir_vec *call1(const char *fname, int nargs, ...)
{
    weir_vec *in[8];
    weir_expr *args[8];
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) {
        const char *spec = va_arg(ap, const char *);
        if (spec[0] == 's') {
            in[i] = svec(1, spec + 2);
            args[i] = col(i, WEIR_TYPE_STRING);
        } else if (spec[0] == 'n') {
            in[i] = svec(1, NUL_S);
            args[i] = col(i, WEIR_TYPE_STRING);
        } else {
            in[i] = weir_vec_new(&A, WEIR_TYPE_INT, 1);
            int32_t x = (int32_t)strtol(spec + 2, NULL, 10);
            weir_vec_append_fixed(in[i], &x);
            args[i] = col(i, WEIR_TYPE_INT);
        }
    }
    va_end(ap);
    weir_vec *out = NULL;
    weir_error err;
    int rc;
    switch (nargs) {
    case 1: rc = run(fname, in, 1, &out, NULL, &err, 1, args[0]); break;
    case 2: rc = run(fname, in, 1, &out, NULL, &err, 2, args[0], args[1]); break;
    case 3: rc = run(fname, in, 1, &out, NULL, &err, 3, args[0], args[1], args[2]); break;
    default: rc = run(fname, in, 1, &out, NULL, &err, 4, args[0], args[1], args[2], args[3]);
    }
    if (rc != WEIR_OK) fprintf(stderr, "%s: %s\n", fname, err.msg);
    assert_int_equal(rc, WEIR_OK);
    assert_int_equal(out->len, 1);
    return out;
}

#define S1(f, want, ...) check_str(call1(f, __VA_ARGS__), 0, want)
#define I1(f, want, ...) check_int(call1(f, __VA_ARGS__), 0, want)
#define B1(f, want, ...) check_bool(call1(f, __VA_ARGS__), 0, want)

static int setup(void **state)
{
    weir_arena_init(&A, 0);
    memset(&conf, 0, sizeof(conf));
    return 0;
}

static int teardown(void **state)
{
    weir_arena_free(&A);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_concat(void **state)
{
    weir_vec *in[2] = {svec(3, "ab", "x", NUL_S), svec(3, "cd", "", "y")};
    weir_vec *out;
    weir_error err;
    assert_int_equal(run("concat", in, 3, &out, NULL, &err, 2, col(0, WEIR_TYPE_STRING),
                         col(1, WEIR_TYPE_STRING)),
                     WEIR_OK);
    check_str(out, 0, "abcd");
    check_str(out, 1, "x");
    check_str(out, 2, NUL_S);
    /* concat_ws skips NULLs; NULL separator gives NULL */
    weir_expr *e;
    assert_int_equal(run("concat_ws", in, 3, &out, &e, &err, 3, lit_s("-"),
                         col(0, WEIR_TYPE_STRING), col(1, WEIR_TYPE_STRING)),
                     WEIR_OK);
    check_str(out, 0, "ab-cd");
    check_str(out, 1, "x-");
    check_str(out, 2, "y");
    assert_false(e->nullable);
    S1("concat_ws", NUL_S, 3, "n", "s:a", "s:b");
    /* concat_ws over an ARRAY<STRING> argument */
    const weir_type *at = weir_type_array(&A, WEIR_TYPE_STRING);
    weir_vec *arr = weir_vec_new(&A, at, 1);
    weir_vec_append_str(arr->child[0], "a", 1);
    weir_vec_append_null(arr->child[0]);
    weir_vec_append_str(arr->child[0], "b", 1);
    arr->offsets[1] = 3;
    arr->len = 1;
    weir_vec *in2[1] = {arr};
    assert_int_equal(
        run("concat_ws", in2, 1, &out, NULL, &err, 3, lit_s(","), col(0, at), lit_s("z")), WEIR_OK);
    check_str(out, 0, "a,b,z");
}

static void test_case(void **state)
{
    S1("upper", "HELLO", 1, "s:hello");
    S1("lower", "hello wörld", 1, "s:HeLLo WÖRLD");
    S1("ucase", "ÀÉÎ", 1, "s:àéî");
    S1("upper", "안녕 ABC", 1, "s:안녕 abc");
    S1("initcap", "Sql Is Fun", 1, "s:sQL iS fUN");
    S1("initcap", "Ab-cd Éf", 1, "s:aB-CD éF");
    S1("upper", NUL_S, 1, "n");
    /* Java's full case mapping (String.toUpperCase / toLowerCase), which Spark uses for
     * non-ASCII text: one code point may map to several, and a word-final capital sigma
     * lower-cases to the final form */
    S1("upper", "STRASSE", 1, "s:straße");
    S1("upper", "FIX", 1, "s:\uFB01x");
    S1("lower", "i\u0307", 1, "s:\u0130");
    S1("lower", "οδος σα", 1, "s:ΟΔΟΣ ΣΑ");
    S1("initcap", "Straße Οδος", 1, "s:STRAßE ΟΔΟΣ");
}

static void test_substring(void **state)
{
    /* StringExpressionsSuite "Substring" */
    S1("substring", "example", 2, "s:example", "i:1");
    S1("substring", "example", 2, "s:example", "i:0");
    S1("substring", "xample", 2, "s:example", "i:2");
    S1("substring", "e", 2, "s:example", "i:-1");
    S1("substring", "example", 2, "s:example", "i:-100");
    S1("substring", "", 2, "s:example", "i:100");
    S1("substring", "ex", 3, "s:example", "i:1", "i:2");
    S1("substring", "", 3, "s:example", "i:1", "i:0");
    S1("substring", "", 3, "s:example", "i:1", "i:-5");
    S1("substring", "pl", 3, "s:example", "i:-3", "i:2");
    S1("substring", "", 3, "s:example", "i:-100", "i:4");
    S1("substring", "", 3, "s:example", "i:-9", "i:2");
    S1("substring", "ex", 3, "s:example", "i:-8", "i:3");
    S1("substr", "국어", 3, "s:한국어", "i:2", "i:5");
    S1("substr", "어", 2, "s:한국어", "i:-1");
    S1("substring", NUL_S, 3, "n", "i:1", "i:1");
    /* the default length shows in the column name */
    weir_vec *in[1] = {svec(1, "abc")};
    weir_vec *out;
    weir_expr *e;
    weir_error err;
    assert_int_equal(run("substring", in, 1, &out, &e, &err, 2, col(0, WEIR_TYPE_STRING), lit_i(2)),
                     WEIR_OK);
    assert_int_equal(e->nargs, 3);
    assert_string_equal(weir_expr_pretty(&A, e), "substring(c0, 2, 2147483647)");
    S1("left", "ab", 2, "s:abcd", "i:2");
    S1("left", "", 2, "s:abcd", "i:-1");
    S1("left", "abcd", 2, "s:abcd", "i:10");
    S1("right", "cd", 2, "s:abcd", "i:2");
    S1("right", "", 2, "s:abcd", "i:0");
    S1("right", "abcd", 2, "s:abcd", "i:10");
    S1("right", "국어", 2, "s:한국어", "i:2");
    S1("overlay", "Spark_SQL", 3, "s:Spark SQL", "s:_", "i:6");
    S1("overlay", "Spark CORE", 3, "s:Spark SQL", "s:CORE", "i:7");
    S1("overlay", "Spark ANSI SQL", 4, "s:Spark SQL", "s:ANSI ", "i:7", "i:0");
    S1("overlay", "Structured SQL", 4, "s:Spark SQL", "s:tructured", "i:2", "i:4");
}

static void test_trim_length(void **state)
{
    S1("trim", "a b", 1, "s:  a b  ");
    S1("ltrim", "a b  ", 1, "s:  a b  ");
    S1("rtrim", "  a b", 1, "s:  a b  ");
    S1("trim", "\ta\n", 1, "s:\ta\n");               /* only spaces */
    S1("trim", "parkSQ", 2, "s:SL", "s:SSparkSQLS"); /* trim(trimStr, str) */
    S1("ltrim", "parkSQLS", 2, "s:SL", "s:SSparkSQLS");
    S1("rtrim", "SSparkSQ", 2, "s:SL", "s:SSparkSQLS");
    S1("btrim", "parkSQ", 2, "s:SSparkSQLS", "s:SL");
    S1("trim", "국", 2, "s:한어", "s:한국어어");
    S1("trim", "", 1, "s:   ");
    weir_vec *in[2] = {svec(1, "x"), svec(1, "xax")};
    weir_vec *out;
    weir_expr *e;
    weir_error err;
    assert_int_equal(run("trim", in, 1, &out, &e, &err, 2, lit_s("x"), col(1, WEIR_TYPE_STRING)),
                     WEIR_OK);
    check_str(out, 0, "a");
    assert_string_equal(weir_expr_pretty(&A, e), "TRIM(BOTH x FROM c1)");
    I1("length", 3, 1, "s:한국어");
    I1("char_length", 5, 1, "s:Spark");
    I1("octet_length", 9, 1, "s:한국어");
    I1("bit_length", 72, 1, "s:한국어");
    I1("length", 0, 1, "s:");
}

static void test_split(void **state)
{
    weir_vec *o;
    o = call1("split", 2, "s:aa2bb3cc", "s:[1-9]+");
    assert_string_equal(arr_text(o, 0), "aa|bb|cc");
    o = call1("split", 3, "s:oneAtwoBthreeC", "s:[ABC]", "i:-1");
    assert_string_equal(arr_text(o, 0), "one|two|three|");
    o = call1("split", 3, "s:oneAtwoBthreeC", "s:[ABC]", "i:0");
    assert_string_equal(arr_text(o, 0), "one|two|three|");
    o = call1("split", 3, "s:oneAtwoBthreeC", "s:[ABC]", "i:2");
    assert_string_equal(arr_text(o, 0), "one|twoBthreeC");
    o = call1("split", 3, "s:oneAtwoBthreeC", "s:[ABC]", "i:1");
    assert_string_equal(arr_text(o, 0), "oneAtwoBthreeC");
    o = call1("split", 2, "s:a b  c", "s: ");
    assert_string_equal(arr_text(o, 0), "a|b||c");
    o = call1("split", 2, "s:,a,", "s:,");
    assert_string_equal(arr_text(o, 0), "|a|");
    o = call1("split", 2, "s:abc", "s:");
    assert_string_equal(arr_text(o, 0), "a|b|c");
    o = call1("split", 3, "s:한국어", "s:", "i:2");
    assert_string_equal(arr_text(o, 0), "한|국어");
    o = call1("split", 2, "s:", "s:,");
    assert_string_equal(arr_text(o, 0), "");
    assert_int_equal(o->offsets[1], 1);
    o = call1("split", 2, "s:hello world", "s:x");
    assert_string_equal(arr_text(o, 0), "hello world");
    o = call1("split", 2, "s:한국 어", "s:\\s+");
    assert_string_equal(arr_text(o, 0), "한국|어");
    o = call1("split", 2, "n", "s:,");
    assert_true(weir_vec_is_null(o, 0));
    /* default limit is visible in the name */
    weir_vec *in[1] = {svec(1, "a b")};
    weir_expr *e;
    weir_error err;
    assert_int_equal(run("split", in, 1, &o, &e, &err, 2, col(0, WEIR_TYPE_STRING), lit_s(" ")),
                     WEIR_OK);
    assert_string_equal(weir_expr_pretty(&A, e), "split(c0,  , -1)");
    assert_string_equal(arr_text(o, 0), "a|b");
}

static void test_regexp(void **state)
{
    S1("regexp_extract", "100", 3, "s:100-200", "s:(\\d+)-(\\d+)", "i:1");
    S1("regexp_extract", "200", 3, "s:100-200", "s:(\\d+)-(\\d+)", "i:2");
    S1("regexp_extract", "100-200", 3, "s:100-200", "s:(\\d+)-(\\d+)", "i:0");
    S1("regexp_extract", "", 3, "s:foo", "s:(\\d+)", "i:1");
    S1("regexp_extract", "", 3, "s:a", "s:(a)|(b)", "i:2");
    S1("regexp_extract", "100", 2, "s:100-200", "s:(\\d+)");
    weir_vec *in[1] = {svec(1, "100-200")};
    weir_vec *out;
    weir_error err;
    assert_int_equal(run("regexp_extract", in, 1, &out, NULL, &err, 3, col(0, WEIR_TYPE_STRING),
                         lit_s("(\\d+)-(\\d+)"), lit_i(3)),
                     WEIR_ERUNTIME);
    assert_string_equal(err.msg, "[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of "
                                 "parameter(s) `idx` in `regexp_extract` is invalid: Expects "
                                 "group index between 0 and 2, but got 3.");
    weir_vec *o = call1("regexp_extract_all", 3, "s:100-200, 300-400", "s:(\\d+)-(\\d+)", "i:2");
    assert_string_equal(arr_text(o, 0), "200|400");
    o = call1("regexp_extract_all", 2, "s:abc", "s:x");
    assert_string_equal(arr_text(o, 0), "");
    /* regexp_replace */
    S1("regexp_replace", "num-num", 3, "s:100-200", "s:(\\d+)", "s:num");
    S1("regexp_replace", "200-100", 3, "s:100-200", "s:(\\d+)-(\\d+)", "s:$2-$1");
    S1("regexp_replace", "<100>-<200>", 3, "s:100-200", "s:(?<n>\\d+)", "s:<${n}>");
    S1("regexp_replace", "$100", 3, "s:100", "s:^", "s:\\$");
    S1("regexp_replace", "XaXbXcX", 3, "s:abc", "s:", "s:X");
    S1("regexp_replace", "abc-num", 4, "s:abc-200", "s:(\\d+|abc)", "s:num", "i:4");
    S1("regexp_replace", "abc", 4, "s:abc", "s:b", "s:x", "i:10");
    S1("regexp_replace", "한X어", 3, "s:한국어", "s:국", "s:X");
    S1("regexp_replace", NUL_S, 3, "s:abc", "n", "s:x");
    /* Java's Matcher.find after an empty match moves one character on */
    S1("regexp_replace", "--b--", 3, "s:aaabaa", "s:a*", "s:-");
    S1("regexp_replace", "XX", 3, "s:aaa", "s:a*", "s:X");
    assert_int_equal(run("regexp_replace", in, 1, &out, NULL, &err, 3, col(0, WEIR_TYPE_STRING),
                         lit_s("(\\d+)"), lit_s("$2")),
                     WEIR_ERUNTIME);
    assert_string_equal(err.msg, "No group 2");
    assert_int_equal(run("regexp_replace", in, 1, &out, NULL, &err, 4, col(0, WEIR_TYPE_STRING),
                         lit_s("a"), lit_s("b"), lit_i(0)),
                     WEIR_EANALYSIS);
    /* rlike */
    B1("rlike", 1, 2, "s:Spark SQL", "s:^Sp.*L$");
    B1("rlike", 0, 2, "s:Spark", "s:^park");
    B1("rlike", 1, 2, "s:Spark", "s:park");
    B1("regexp_like", 1, 2, "s:%SystemDrive%\\Users\\John", "s:%SystemDrive%\\\\Users.*");
    B1("rlike", 1, 2, "s:abc", "s:\\p{Alpha}+");
    B1("rlike", 0, 2, "s:123", "s:\\p{Alpha}");
    B1("rlike", 1, 2, "s:a\u00e9", "s:\\u00e9");
    B1("rlike", 1, 2, "s:한국어", "s:국");
    B1("rlike", -1, 2, "n", "s:a");
    assert_int_equal(
        run("rlike", in, 1, &out, NULL, &err, 2, col(0, WEIR_TYPE_STRING), lit_s("[a")),
        WEIR_ERUNTIME);
    assert_string_equal(err.msg, "[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) "
                                 "`regexp` in `rlike` is invalid: '[a'");
    /* a non-literal pattern, one per row */
    weir_vec *in2[2] = {svec(3, "abc", "abc", "xyz"), svec(3, "b", "b", "^x")};
    assert_int_equal(run("rlike", in2, 3, &out, NULL, &err, 2, col(0, WEIR_TYPE_STRING),
                         col(1, WEIR_TYPE_STRING)),
                     WEIR_OK);
    check_bool(out, 0, 1);
    check_bool(out, 1, 1);
    check_bool(out, 2, 1);
    I1("regexp_count", 2, 2, "s:Steven Jones and Stephen Smith are the best players",
       "s:Ste(v|ph)en");
    S1("regexp_substr", "Steven", 2, "s:Steven Jones and Stephen Smith", "s:Ste(v|ph)en");
    S1("regexp_substr", NUL_S, 2, "s:Mary had a little lamb", "s:Ste(v|ph)en");
    I1("regexp_instr", 5, 2, "s:user@spark.apache.org", "s:@[^.]*");
}

static void test_like(void **state)
{
    /* RegexpExpressionsSuite "LIKE Pattern" */
    B1("like", 1, 2, "s:abdef", "s:abdef");
    B1("like", 1, 2, "s:a_%b", "s:a\\__b");
    B1("like", 1, 2, "s:addb", "s:a_%b");
    B1("like", 0, 2, "s:addb", "s:a\\__b");
    B1("like", 0, 2, "s:addb", "s:a%\\%b");
    B1("like", 1, 2, "s:a_%b", "s:a%\\%b");
    B1("like", 1, 2, "s:addb", "s:a%");
    B1("like", 0, 2, "s:addb", "s:**");
    B1("like", 1, 2, "s:abc", "s:a%");
    B1("like", 0, 2, "s:abc", "s:b%");
    B1("like", 0, 2, "s:abc", "s:bc%");
    B1("like", 1, 2, "s:a\nb", "s:a_b");
    B1("like", 1, 2, "s:ab", "s:a%b");
    B1("like", 1, 2, "s:a\nb", "s:a%b");
    B1("like", 1, 2, "s:", "s:");
    B1("like", 0, 2, "s:a", "s:");
    B1("like", 1, 2, "s:", "s:%");
    B1("like", 1, 2, "s:abc", "s:%%");
    B1("like", 1, 2, "s:abcabc", "s:%abc");
    B1("like", 1, 2, "s:abcxabc", "s:abc%abc");
    B1("like", 0, 2, "s:abc", "s:abc%abc");
    B1("like", 1, 2, "s:xaybzc", "s:%a%b%c");
    B1("like", 0, 2, "s:xaybz", "s:%a%b%c");
    B1("like", 1, 2, "s:한국어", "s:한_어");
    B1("like", 1, 2, "s:한국어", "s:%국%");
    B1("like", 1, 2, "s:한국어", "s:__어");
    B1("like", 0, 2, "s:한국어", "s:_어");
    B1("like", -1, 2, "n", "s:a");
    B1("ilike", 1, 2, "s:Spark", "s:_PARK");
    B1("ilike", 1, 2, "s:ÀBC", "s:àb%");
    weir_vec *in[1] = {svec(1, "abc")};
    weir_vec *out;
    weir_error err;
    weir_expr *e;
    assert_int_equal(run("like", in, 1, &out, &e, &err, 2, col(0, WEIR_TYPE_STRING), lit_s("a\\")),
                     WEIR_EANALYSIS);
    assert_string_equal(err.msg, "[INVALID_FORMAT.ESC_AT_THE_END] The format is invalid: "
                                 "'a\\\\'. The escape character is not allowed to end with.");
    assert_int_equal(run("like", in, 1, &out, &e, &err, 2, col(0, WEIR_TYPE_STRING), lit_s("\\a")),
                     WEIR_EANALYSIS);
    assert_string_equal(err.msg, "[INVALID_FORMAT.ESC_IN_THE_MIDDLE] The format is invalid: "
                                 "'\\\\a'. The escape character is not allowed to precede 'a'.");
    assert_int_equal(run("like", in, 1, &out, &e, &err, 2, col(0, WEIR_TYPE_STRING), lit_s("a%")),
                     WEIR_OK);
    assert_string_equal(weir_expr_pretty(&A, e), "c0 LIKE a%");
    /* ESCAPE '/' */
    weir_vec *in3[1] = {svec(3, "a%b", "axb", "a/b")};
    assert_int_equal(
        run("like", in3, 3, &out, &e, &err, 3, col(0, WEIR_TYPE_STRING), lit_s("a/%b"), lit_s("/")),
        WEIR_OK);
    check_bool(out, 0, 1);
    check_bool(out, 1, 0);
    check_bool(out, 2, 0);
    assert_string_equal(weir_expr_pretty(&A, e), "c0 LIKE a/%b ESCAPE '/'");
    assert_int_equal(
        run("like", in3, 3, &out, &e, &err, 3, col(0, WEIR_TYPE_STRING), lit_s("a%"), lit_s("//")),
        WEIR_EANALYSIS);
    assert_int_equal(run("rlike", in, 1, &out, &e, &err, 2, col(0, WEIR_TYPE_STRING), lit_s("a")),
                     WEIR_OK);
    assert_string_equal(weir_expr_pretty(&A, e), "c0 RLIKE a");
}

static void test_pad_search(void **state)
{
    S1("lpad", "???hi", 3, "s:hi", "i:5", "s:??");
    S1("lpad", "h", 3, "s:hi", "i:1", "s:??");
    S1("lpad", "", 3, "s:hi", "i:-1", "s:??");
    S1("lpad", "hi", 3, "s:hi", "i:5", "s:");
    S1("lpad", "   hi", 2, "s:hi", "i:5");
    S1("rpad", "hi???", 3, "s:hi", "i:5", "s:??");
    S1("rpad", "h", 3, "s:hi", "i:1", "s:??");
    S1("lpad", "가나가한국", 3, "s:한국", "i:5", "s:가나");
    S1("rpad", "한", 3, "s:한국", "i:1", "s:가나");
    I1("instr", 3, 2, "s:SparkSQL", "s:ar");
    I1("instr", 0, 2, "s:SparkSQL", "s:xyz");
    I1("instr", 1, 2, "s:SparkSQL", "s:");
    I1("instr", 2, 2, "s:한국어", "s:국");
    I1("locate", 4, 2, "s:bar", "s:foobarbar");
    I1("instr", 6, 2, "s:SparkSQL", "s:SQL");
    I1("locate", 7, 3, "s:bar", "s:foobarbar", "i:5");
    I1("locate", 0, 3, "s:bar", "s:foobarbar", "i:0");
    I1("locate", 0, 3, "s:bar", "s:foobarbar", "i:100");
    I1("position", 3, 2, "s:어", "s:한국어");
    /* NULL start position gives 0 */
    weir_vec *pos = weir_vec_new(&A, WEIR_TYPE_INT, 1);
    weir_vec_append_null(pos);
    weir_vec *in[3] = {svec(1, "a"), svec(1, "abc"), pos};
    weir_vec *out;
    weir_error err;
    assert_int_equal(run("locate", in, 1, &out, NULL, &err, 3, col(0, WEIR_TYPE_STRING),
                         col(1, WEIR_TYPE_STRING), col(2, WEIR_TYPE_INT)),
                     WEIR_OK);
    check_int(out, 0, 0);
    S1("replace", "ABCDEF", 3, "s:ABCabc", "s:abc", "s:DEF");
    S1("replace", "ABC", 2, "s:ABCabc", "s:abc");
    S1("replace", "abc", 3, "s:abc", "s:", "s:x");
    S1("reverse", "어국한 LQS", 1, "s:SQL 한국어");
    S1("repeat", "123123123", 2, "s:123", "i:3");
    S1("repeat", "", 2, "s:123", "i:-1");
    S1("space", "  ", 1, "i:2");
    S1("translate", "A1B2C3", 3, "s:AaBbCc", "s:abc", "s:123");
    S1("translate", "A1BC", 3, "s:AaBbCc", "s:abc", "s:1");
    S1("translate", "한X어", 3, "s:한국어", "s:국", "s:X");
    I1("ascii", 50, 1, "s:222");
    I1("ascii", 0, 1, "s:");
    I1("ascii", 54620, 1, "s:한");
    S1("find_in_set", NUL_S, 2, "n", "s:a");
    I1("find_in_set", 2, 2, "s:ab", "s:abc,ab,c");
    I1("find_in_set", 0, 2, "s:a,b", "s:a,b");
    I1("find_in_set", 0, 2, "s:x", "s:abc,ab,c");
    S1("substring_index", "www.apache", 3, "s:www.apache.org", "s:.", "i:2");
    S1("substring_index", "apache.org", 3, "s:www.apache.org", "s:.", "i:-2");
    S1("substring_index", "www.apache.org", 3, "s:www.apache.org", "s:.", "i:5");
    S1("substring_index", "", 3, "s:www.apache.org", "s:.", "i:0");
    S1("split_part", "13", 3, "s:11.12.13", "s:.", "i:3");
    S1("split_part", "11", 3, "s:11.12.13", "s:.", "i:-3");
    S1("split_part", "", 3, "s:11.12.13", "s:.", "i:4");
    I1("levenshtein", 3, 2, "s:kitten", "s:sitting");
    I1("levenshtein", -1, 3, "s:kitten", "s:sitting", "i:2");
    I1("levenshtein", 1, 2, "s:한국어", "s:한국");
    B1("startswith", 1, 2, "s:Spark SQL", "s:Spark");
    B1("endswith", 0, 2, "s:Spark SQL", "s:Spark");
    B1("contains", 1, 2, "s:Spark SQL", "s:k S");
    B1("contains", 1, 2, "s:Spark", "s:");
    B1("contains", -1, 2, "s:Spark", "n");
}

static void test_misc(void **state)
{
    weir_vec *in[1];
    weir_vec *out;
    weir_error err;
    /* chr(n) is n mod 256; negative gives '' */
    weir_vec *nv = weir_vec_new(&A, WEIR_TYPE_BIGINT, 3);
    int64_t xs[3] = {65, 256 + 66, -1};
    for (int i = 0; i < 3; i++)
        weir_vec_append_fixed(nv, &xs[i]);
    in[0] = nv;
    assert_int_equal(run("chr", in, 3, &out, NULL, &err, 1, col(0, WEIR_TYPE_BIGINT)), WEIR_OK);
    check_str(out, 0, "A");
    check_str(out, 1, "B");
    check_str(out, 2, "");
    /* base64 / unbase64 over BINARY */
    weir_vec *bv = weir_vec_new(&A, WEIR_TYPE_BINARY, 2);
    weir_vec_append_str(bv, "Spark SQL", 9);
    weir_vec_append_str(bv, "ab", 2);
    in[0] = bv;
    assert_int_equal(run("base64", in, 2, &out, NULL, &err, 1, col(0, WEIR_TYPE_BINARY)), WEIR_OK);
    check_str(out, 0, "U3BhcmsgU1FM");
    check_str(out, 1, "YWI=");
    in[0] = svec(1, "U3BhcmsgU1FM");
    assert_int_equal(run("unbase64", in, 1, &out, NULL, &err, 1, col(0, WEIR_TYPE_STRING)),
                     WEIR_OK);
    assert_int_equal(out->type->id, WEIR_T_BINARY);
    check_str(out, 0, "Spark SQL");
    /* reverse over an array */
    const weir_type *at = weir_type_array(&A, WEIR_TYPE_STRING);
    weir_vec *arr = weir_vec_new(&A, at, 1);
    weir_vec_append_str(arr->child[0], "a", 1);
    weir_vec_append_str(arr->child[0], "b", 1);
    arr->offsets[1] = 2;
    arr->len = 1;
    in[0] = arr;
    assert_int_equal(run("reverse", in, 1, &out, NULL, &err, 1, col(0, at)), WEIR_OK);
    assert_string_equal(arr_text(out, 0), "b|a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_concat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_substring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trim_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regexp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_like, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pad_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misc, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
