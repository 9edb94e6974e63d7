/*
 * Collection kernels (exec/func_collection.c) through bind + exec on hand-built expression
 * trees. Expected values follow Spark 3.5 (CollectionExpressionsSuite,
 * ComplexTypeSuite and the SQL function reference), non-ANSI unless stated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "plan/expr.h"

extern const weir_func weir_funcs_collection[];

static weir_arena A;
static weir_conf_view conf;
static const weir_type *ARR_INT, *ARR_STR;

static const weir_func *fn(const char *name)
{
    for (const weir_func *f = weir_funcs_collection; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

#define NA  INT32_MIN /* a NULL int */
#define END (INT32_MIN + 1)
#define ROW (INT32_MIN + 2) /* ends an array row; NA right before ROW = NULL array */

/* ARRAY<INT> rows from a flat list: elements, ROW ends a row, "NA ROW" alone is a NULL
 * array, END finishes. */
static weir_vec *iarr(int first, ...)
{
    weir_vec *v = weir_vec_new(&A, ARR_INT, 4);
    va_list ap;
    va_start(ap, first);
    int x = first;
    int pending_na = 0;
    int32_t cnt = 0;
    while (x != END) {
        if (x == ROW) {
            if (pending_na && cnt == 0) {
                weir_vec_append_null(v);
            } else {
                if (pending_na) weir_vec_append_null(v->child[0]);
                if (v->len >= v->cap) weir_vec_reserve(v, v->len + 1);
                v->offsets[v->len + 1] = v->child[0]->len;
                v->len++;
            }
            pending_na = 0;
            cnt = 0;
        } else if (x == NA) {
            if (pending_na) {
                weir_vec_append_null(v->child[0]);
                cnt++;
            }
            pending_na = 1;
        } else {
            if (pending_na) {
                weir_vec_append_null(v->child[0]);
                cnt++;
                pending_na = 0;
            }
            int32_t y = x;
            weir_vec_append_fixed(v->child[0], &y);
            cnt++;
        }
        x = va_arg(ap, int);
    }
    va_end(ap);
    return v;
}

static weir_vec *ivec(int n, ...)
{
    weir_vec *v = weir_vec_new(&A, WEIR_TYPE_INT, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        int x = va_arg(ap, int);
        if (x == NA)
            weir_vec_append_null(v);
        else {
            int32_t y = x;
            weir_vec_append_fixed(v, &y);
        }
    }
    va_end(ap);
    return v;
}

static weir_vec *svec(int n, ...)
{
    weir_vec *v = weir_vec_new(&A, WEIR_TYPE_STRING, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        if (!s)
            weir_vec_append_null(v);
        else
            weir_vec_append_str(v, s, (int32_t)strlen(s));
    }
    va_end(ap);
    return v;
}

static weir_expr *col(int i, const weir_type *t, const char *name)
{
    weir_expr *e = WEIR_ARENA_NEW(&A, weir_expr);
    e->kind = WEIR_EX_COLUMN;
    e->type = t;
    e->col = i;
    e->nullable = true;
    e->pretty = name;
    return e;
}

static weir_expr *lit_i(int64_t x)
{
    weir_value v = {.type = WEIR_TYPE_INT};
    v.u.i = x;
    return weir_expr_literal(&A, &v);
}

static weir_expr *lit_s(const char *s)
{
    weir_value v = {.type = WEIR_TYPE_STRING};
    v.u.s.p = s;
    v.u.s.len = (int32_t)strlen(s);
    return weir_expr_literal(&A, &v);
}

static weir_vec *const_vec(const weir_value *v, int32_t n)
{
    weir_vec *o = weir_vec_new(&A, v->type, n);
    for (int32_t i = 0; i < n; i++)
        weir_vec_append_value(o, v);
    return o;
}

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

/* Row i of an array of ints (or strings) as "[1, null, 3]"; "NULL" for a NULL row. */
static const char *txt(const weir_vec *v, int32_t i)
{
    static char buf[512];
    if (weir_vec_is_null(v, i)) return "NULL";
    size_t k = 0;
    k += (size_t)snprintf(buf + k, sizeof(buf) - k, "[");
    for (int32_t j = v->offsets[i]; j < v->offsets[i + 1]; j++) {
        const weir_vec *c = v->child[0];
        const char *sep = j > v->offsets[i] ? ", " : "";
        if (weir_vec_is_null(c, j))
            k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%snull", sep);
        else if (c->type->id == WEIR_T_STRING) {
            int32_t len;
            const char *s = weir_vec_str(c, j, &len);
            k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%.*s", sep, (int)len, s);
        } else
            k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%d", sep,
                                  ((const int32_t *)c->data)[j]);
    }
    snprintf(buf + k, sizeof(buf) - k, "]");
    return buf;
}

static void check_i(const weir_vec *v, int32_t i, int32_t want)
{
    if (want == NA) {
        assert_true(weir_vec_is_null(v, i));
        return;
    }
    assert_false(weir_vec_is_null(v, i));
    assert_int_equal(((const int32_t *)v->data)[i], want);
}

static int setup(void **state)
{
    weir_arena_init(&A, 0);
    memset(&conf, 0, sizeof(conf));
    ARR_INT = weir_type_array(&A, WEIR_TYPE_INT);
    ARR_STR = weir_type_array(&A, WEIR_TYPE_STRING);
    return 0;
}

static int teardown(void **state)
{
    weir_arena_free(&A);
    return 0;
}

static void test_array_size(void **state)
{
    weir_vec *in[3] = {ivec(2, 1, 3), ivec(2, NA, 4), NULL};
    weir_vec *out;
    weir_expr *e;
    weir_error err;
    assert_int_equal(run("array", in, 2, &out, &e, &err, 3, col(0, WEIR_TYPE_INT, "a"),
                         col(1, WEIR_TYPE_INT, "b"), lit_i(7)),
                     WEIR_OK);
    assert_int_equal(e->type->id, WEIR_T_ARRAY);
    assert_false(e->nullable);
    assert_string_equal(txt(out, 0), "[1, null, 7]");
    assert_string_equal(txt(out, 1), "[3, 4, 7]");
    /* size: -1 for NULL (legacy default), NULL under ANSI */
    in[0] = iarr(1, 2, 3, ROW, ROW, NA, ROW, END);
    assert_int_equal(run("size", in, 3, &out, &e, &err, 1, col(0, ARR_INT, "a")), WEIR_OK);
    check_i(out, 0, 3);
    check_i(out, 1, 0);
    check_i(out, 2, -1);
    assert_false(e->nullable);
    conf.ansi = true;
    assert_int_equal(run("cardinality", in, 3, &out, &e, &err, 1, col(0, ARR_INT, "a")), WEIR_OK);
    check_i(out, 2, NA);
    conf.ansi = false;
    /* wrong type */
    in[1] = ivec(1, 1);
    assert_int_equal(run("size", in, 1, &out, &e, &err, 1, col(1, WEIR_TYPE_INT, "x")),
                     WEIR_EANALYSIS);
    assert_non_null(strstr(err.msg, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"));
}

static void test_element_at(void **state)
{
    weir_vec *in[2] = {iarr(1, 2, 3, ROW, 4, ROW, NA, ROW, END), ivec(3, 2, 1, 1)};
    weir_vec *out;
    weir_expr *e;
    weir_error err;
    assert_int_equal(run("element_at", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"),
                         col(1, WEIR_TYPE_INT, "i")),
                     WEIR_OK);
    check_i(out, 0, 2);
    check_i(out, 1, 4);
    check_i(out, 2, NA);
    assert_int_equal(run("element_at", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"), lit_i(-1)),
                     WEIR_OK);
    check_i(out, 0, 3);
    check_i(out, 1, 4);
    assert_int_equal(run("element_at", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"), lit_i(5)),
                     WEIR_OK);
    check_i(out, 0, NA);
    assert_int_equal(run("element_at", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"), lit_i(0)),
                     WEIR_ERUNTIME);
    assert_string_equal(err.msg, "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall "
                                 "be either < 0 or > 0 (the first element has index 1).");
    conf.ansi = true;
    assert_int_equal(run("element_at", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"), lit_i(5)),
                     WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index 5 is out of "
                                    "bounds. The array has 3 elements."));
    conf.ansi = false;
    /* a[i] is 0-based and named "a[i]" */
    assert_int_equal(run("subscript", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"), lit_i(0)),
                     WEIR_OK);
    check_i(out, 0, 1);
    check_i(out, 1, 4);
    check_i(out, 2, NA);
    assert_string_equal(weir_expr_pretty(&A, e), "a[0]");
    assert_int_equal(run("subscript", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"), lit_i(-1)),
                     WEIR_OK);
    check_i(out, 0, NA);
}

static void test_struct_map(void **state)
{
    weir_vec *in[2] = {ivec(2, 1, 2), svec(2, "x", "y")};
    weir_vec *out;
    weir_expr *e;
    weir_error err;
    assert_int_equal(run("struct", in, 2, &out, &e, &err, 3, col(0, WEIR_TYPE_INT, "a"),
                         col(1, WEIR_TYPE_STRING, "b"), lit_i(5)),
                     WEIR_OK);
    assert_int_equal(e->type->nfields, 3);
    assert_string_equal(e->type->fields[0].name, "a");
    assert_string_equal(e->type->fields[1].name, "b");
    assert_string_equal(e->type->fields[2].name, "col3");
    assert_string_equal(weir_expr_pretty(&A, e), "struct(a, b, 5)");
    assert_int_equal(out->len, 2);
    check_i(out->child[0], 1, 2);
    assert_int_equal(run("named_struct", in, 2, &out, &e, &err, 4, lit_s("k"),
                         col(0, WEIR_TYPE_INT, "a"), lit_s("v"), col(1, WEIR_TYPE_STRING, "b")),
                     WEIR_OK);
    assert_string_equal(e->type->fields[0].name, "k");
    assert_string_equal(e->type->fields[1].name, "v");
    assert_int_equal(e->type->fields[1].type->id, WEIR_T_STRING);
    assert_int_equal(run("named_struct", in, 2, &out, &e, &err, 1, lit_s("k")), WEIR_EANALYSIS);
    /* map + lookups */
    assert_int_equal(run("map", in, 2, &out, &e, &err, 4, col(1, WEIR_TYPE_STRING, "b"),
                         col(0, WEIR_TYPE_INT, "a"), lit_s("z"), lit_i(9)),
                     WEIR_OK);
    assert_int_equal(e->type->id, WEIR_T_MAP);
    weir_vec *m = out;
    weir_vec *in2[2] = {m, svec(2, "z", "q")};
    assert_int_equal(run("element_at", in2, 2, &out, &e, &err, 2, col(0, m->type, "m"),
                         col(1, WEIR_TYPE_STRING, "k")),
                     WEIR_OK);
    check_i(out, 0, 9);
    check_i(out, 1, NA);
    assert_int_equal(run("subscript", in2, 2, &out, &e, &err, 2, col(0, m->type, "m"), lit_s("x")),
                     WEIR_OK);
    check_i(out, 0, 1);
    check_i(out, 1, NA);
    assert_string_equal(weir_expr_pretty(&A, e), "m[x]");
    assert_int_equal(run("map_keys", in2, 2, &out, &e, &err, 1, col(0, m->type, "m")), WEIR_OK);
    assert_string_equal(txt(out, 1), "[y, z]");
    assert_int_equal(run("map_values", in2, 2, &out, &e, &err, 1, col(0, m->type, "m")), WEIR_OK);
    assert_string_equal(txt(out, 0), "[1, 9]");
    /* duplicate and NULL keys */
    assert_int_equal(run("map", in, 2, &out, &e, &err, 4, lit_i(1), lit_i(2), lit_i(1), lit_i(3)),
                     WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "[DUPLICATED_MAP_KEY] Duplicate map key 1 was found"));
}

static void test_array_funcs(void **state)
{
    weir_vec *in[2] = {iarr(3, 1, NA, 2, 1, ROW, ROW, NA, ROW, END), ivec(3, 1, 5, 1)};
    weir_vec *out;
    weir_expr *e;
    weir_error err;
    /* array_contains: NULL when not found but the array holds a NULL */
    assert_int_equal(run("array_contains", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"),
                         col(1, WEIR_TYPE_INT, "v")),
                     WEIR_OK);
    assert_int_equal(((uint8_t *)out->data)[0], 1);
    assert_false(weir_vec_is_null(out, 1));
    assert_int_equal(((uint8_t *)out->data)[1], 0);
    assert_true(weir_vec_is_null(out, 2));
    assert_int_equal(
        run("array_contains", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"), lit_i(7)), WEIR_OK);
    assert_true(weir_vec_is_null(out, 0));
    assert_int_equal(
        run("array_position", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"), lit_i(1)), WEIR_OK);
    assert_int_equal(((int64_t *)out->data)[0], 2);
    assert_int_equal(((int64_t *)out->data)[1], 0);
    assert_true(weir_vec_is_null(out, 2));
    assert_int_equal(run("array_distinct", in, 3, &out, &e, &err, 1, col(0, ARR_INT, "a")),
                     WEIR_OK);
    assert_string_equal(txt(out, 0), "[3, 1, null, 2]");
    assert_string_equal(txt(out, 2), "NULL");
    assert_int_equal(run("array_sort", in, 3, &out, &e, &err, 1, col(0, ARR_INT, "a")), WEIR_OK);
    assert_string_equal(txt(out, 0), "[1, 1, 2, 3, null]");
    assert_int_equal(run("sort_array", in, 3, &out, &e, &err, 1, col(0, ARR_INT, "a")), WEIR_OK);
    assert_string_equal(txt(out, 0), "[null, 1, 1, 2, 3]");
    weir_value f = {.type = WEIR_TYPE_BOOLEAN};
    assert_int_equal(run("sort_array", in, 3, &out, &e, &err, 2, col(0, ARR_INT, "a"),
                         weir_expr_literal(&A, &f)),
                     WEIR_OK);
    assert_string_equal(txt(out, 0), "[3, 2, 1, 1, null]");
    assert_int_equal(run("array_max", in, 3, &out, &e, &err, 1, col(0, ARR_INT, "a")), WEIR_OK);
    check_i(out, 0, 3);
    check_i(out, 1, NA);
    check_i(out, 2, NA);
    assert_int_equal(run("array_min", in, 3, &out, &e, &err, 1, col(0, ARR_INT, "a")), WEIR_OK);
    check_i(out, 0, 1);
    /* slice: CollectionExpressionsSuite */
    weir_vec *in2[1] = {iarr(1, 2, 3, 4, 5, 6, ROW, END)};
    struct {
        int s, l;
        const char *want;
    } sl[] = {
        {1, 2, "[1, 2]"}, {3, 2, "[3, 4]"}, {-3, 2, "[4, 5]"}, {-2, 5, "[5, 6]"},
        {-10, 2, "[]"},   {10, 1, "[]"},    {2, 0, "[]"},
    };
    for (size_t k = 0; k < sizeof(sl) / sizeof(sl[0]); k++) {
        assert_int_equal(run("slice", in2, 1, &out, &e, &err, 3, col(0, ARR_INT, "a"),
                             lit_i(sl[k].s), lit_i(sl[k].l)),
                         WEIR_OK);
        assert_string_equal(txt(out, 0), sl[k].want);
    }
    assert_int_equal(
        run("slice", in2, 1, &out, &e, &err, 3, col(0, ARR_INT, "a"), lit_i(0), lit_i(1)),
        WEIR_ERUNTIME);
    assert_non_null(strstr(err.msg, "INVALID_PARAMETER_VALUE.START"));
    assert_int_equal(
        run("slice", in2, 1, &out, &e, &err, 3, col(0, ARR_INT, "a"), lit_i(1), lit_i(-1)),
        WEIR_ERUNTIME);
}

static void test_join_flatten(void **state)
{
    weir_vec *a = weir_vec_new(&A, ARR_STR, 2);
    weir_vec_append_str(a->child[0], "a", 1);
    weir_vec_append_null(a->child[0]);
    weir_vec_append_str(a->child[0], "b", 1);
    a->offsets[1] = 3;
    a->len = 1;
    weir_vec_append_null(a);
    weir_vec *in[1] = {a};
    weir_vec *out;
    weir_expr *e;
    weir_error err;
    assert_int_equal(run("array_join", in, 2, &out, &e, &err, 2, col(0, ARR_STR, "a"), lit_s(", ")),
                     WEIR_OK);
    int32_t len;
    const char *s = weir_vec_str(out, 0, &len);
    assert_int_equal(len, 4);
    assert_memory_equal(s, "a, b", 4);
    assert_true(weir_vec_is_null(out, 1));
    assert_int_equal(
        run("array_join", in, 2, &out, &e, &err, 3, col(0, ARR_STR, "a"), lit_s("-"), lit_s("?")),
        WEIR_OK);
    s = weir_vec_str(out, 0, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(s, "a-?-b", 5);
    /* flatten(array(array(1, 2), array(3))) */
    const weir_type *aa = weir_type_array(&A, ARR_INT);
    weir_vec *inner = iarr(1, 2, ROW, 3, ROW, 4, ROW, NA, ROW, END);
    weir_vec *outer = weir_vec_new(&A, aa, 2);
    outer->child[0] = inner;
    outer->offsets[1] = 2;
    outer->offsets[2] = 4;
    outer->len = 2;
    in[0] = outer;
    assert_int_equal(run("flatten", in, 2, &out, &e, &err, 1, col(0, aa, "x")), WEIR_OK);
    assert_string_equal(txt(out, 0), "[1, 2, 3]");
    assert_string_equal(txt(out, 1), "NULL");
    /* arrays_zip */
    weir_vec *in2[2] = {iarr(1, 2, ROW, END), iarr(3, ROW, END)};
    assert_int_equal(
        run("arrays_zip", in2, 1, &out, &e, &err, 2, col(0, ARR_INT, "x"), col(1, ARR_INT, "y")),
        WEIR_OK);
    const weir_type *st = e->type->elem;
    assert_string_equal(st->fields[0].name, "x");
    assert_string_equal(st->fields[1].name, "y");
    assert_int_equal(out->offsets[1], 2);
    check_i(out->child[0]->child[0], 1, 2);
    check_i(out->child[0]->child[1], 1, NA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_array_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_element_at, setup, teardown),
        cmocka_unit_test_setup_teardown(test_struct_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_array_funcs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_join_flatten, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
