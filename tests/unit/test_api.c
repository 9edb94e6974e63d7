/* The public C API: sessions, prepare/step/finalize, positions, Arrow export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "weir.h"

static weir_db *open_db(void)
{
    weir_db *db = NULL;
    assert_int_equal(weir_open(&db), WEIR_OK);
    assert_non_null(db);
    return db;
}

static void test_prepare_tail_and_empty(void **state)
{
    (void)state;
    weir_db *db = open_db();
    const char *sql = "SELECT 1; -- only a comment\n  ";
    weir_stmt *st;
    const char *tail;
    assert_int_equal(weir_prepare(db, sql, &st, &tail), WEIR_OK);
    assert_non_null(st);
    assert_string_equal(tail, " -- only a comment\n  ");
    weir_finalize(st);
    assert_int_equal(weir_prepare(db, tail, &st, &tail), WEIR_OK);
    assert_null(st); /* nothing but a comment */
    weir_close(db);
}

static void test_error_position(void **state)
{
    (void)state;
    weir_db *db = open_db();
    weir_stmt *st;
    /* the statement starts at line 3, column 4 of an enclosing script */
    int rc = weir_prepare_at(db, "SELECT nope\nFROM range(1)", 3, 4, &st, NULL);
    assert_int_equal(rc, 2 /* analysis */);
    assert_null(st);
    assert_int_equal(weir_errline(db), 3);
    assert_int_equal(weir_errpos(db), 11);
    assert_non_null(strstr(weir_errmsg(db), "UNRESOLVED_COLUMN"));
    rc = weir_prepare_at(db, "SELECT 1\n  FROM FROM", 10, 0, &st, NULL);
    assert_int_equal(rc, 1 /* parse */);
    assert_int_equal(weir_errline(db), 11);
    assert_int_equal(weir_errpos(db), 7);
    weir_close(db);
}

static void test_arrow_export(void **state)
{
    (void)state;
    weir_db *db = open_db();
    weir_stmt *st;
    assert_int_equal(weir_prepare(db,
                                  "SELECT * FROM VALUES (1, 'ab', true, array(1, 2)), "
                                  "(NULL, NULL, false, array(3)) AS t(i, s, b, a)",
                                  &st, NULL),
                     WEIR_OK);
    assert_int_equal(weir_stmt_ncols(st), 4);
    assert_string_equal(weir_stmt_colname(st, 1), "s");
    assert_string_equal(weir_stmt_coltype(st, 3), "array<int>");

    struct ArrowSchema sch;
    assert_int_equal(weir_stmt_schema(st, &sch), WEIR_OK);
    assert_string_equal(sch.format, "+s");
    assert_int_equal(sch.n_children, 4);
    assert_string_equal(sch.children[0]->format, "i");
    assert_string_equal(sch.children[1]->format, "u");
    assert_string_equal(sch.children[2]->format, "b");
    assert_string_equal(sch.children[3]->format, "+l");
    assert_string_equal(sch.children[3]->children[0]->format, "i");
    sch.release(&sch);
    assert_null(sch.release);

    struct ArrowArray arr;
    assert_int_equal(weir_step(st, &arr), WEIR_ROW);
    assert_int_equal(arr.length, 2);
    assert_int_equal(arr.n_children, 4);
    struct ArrowArray *i = arr.children[0], *s = arr.children[1], *b = arr.children[2],
                      *a = arr.children[3];
    assert_int_equal(i->null_count, 1);
    const uint8_t *iv = i->buffers[0];
    assert_true(iv[0] & 1);
    assert_false(iv[0] & 2);
    assert_int_equal(((const int32_t *)i->buffers[1])[0], 1);
    const int32_t *so = s->buffers[1];
    assert_int_equal(so[0], 0);
    assert_int_equal(so[1], 2);
    assert_memory_equal((const char *)s->buffers[2], "ab", 2);
    const uint8_t *bits = b->buffers[1]; /* bit-packed booleans */
    assert_int_equal(bits[0] & 3, 1);
    const int32_t *ao = a->buffers[1];
    assert_int_equal(ao[2], 3);
    assert_int_equal(a->children[0]->length, 3);
    assert_int_equal(((const int32_t *)a->children[0]->buffers[1])[2], 3);
    weir_finalize(st); /* the exported array owns its memory */
    assert_int_equal(((const int32_t *)i->buffers[1])[0], 1);
    arr.release(&arr);
    assert_null(arr.release);
    weir_close(db);
}

static void test_show_and_settings(void **state)
{
    (void)state;
    weir_db *db = open_db();
    assert_int_equal(weir_set(db, "spark.sql.session.timeZone", "UTC"), WEIR_OK);
    char *tz = weir_get(db, "spark.sql.session.timeZone");
    assert_string_equal(tz, "UTC");
    weir_free(tz);
    weir_stmt *st;
    assert_int_equal(weir_prepare(db, "SELECT TIMESTAMP '2016-03-20 12:20:00' AS ts", &st, NULL),
                     WEIR_OK);
    char *text;
    assert_int_equal(weir_stmt_show(st, 20, 20, &text), WEIR_OK);
    assert_string_equal(text, "+-------------------+\n"
                              "|                 ts|\n"
                              "+-------------------+\n"
                              "|2016-03-20 12:20:00|\n"
                              "+-------------------+\n");
    weir_free(text);
    weir_finalize(st);
    assert_int_not_equal(weir_set(db, "spark.sql.session.timeZone", "No/Such_Zone"), WEIR_OK);
    weir_finalize(NULL);
    weir_close(NULL);
    weir_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepare_tail_and_empty),
        cmocka_unit_test(test_error_position),
        cmocka_unit_test(test_arrow_export),
        cmocka_unit_test(test_show_and_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
