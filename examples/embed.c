/*
 * Embedding weir: a batch query read as Arrow arrays, then a streaming query over a
 * directory whose results land in a memory table, driven with processAllAvailable and
 * inspected through its progress report. Build: part of the CMake tree (example_embed).
 * Run from the repository root: build/release/example_embed
 */
#include <stdio.h>
#include <stdlib.h>

#include "weir.h"

static int check(weir_db *db, int rc)
{
    if (rc != WEIR_OK && rc != WEIR_ROW && rc != WEIR_DONE) {
        fprintf(stderr, "error: %s\n", weir_errmsg(db));
        exit(1);
    }
    return rc;
}

static void print_result(void *user, const char *text)
{
    (void)user;
    fputs(text, stdout);
}

int main(void)
{
    weir_db *db;
    check(NULL, weir_open(&db));
    weir_set(db, "spark.sql.session.timeZone", "Asia/Seoul");

    /* 1. A batch query, consumed as Arrow C Data Interface arrays. */
    check(db, weir_exec(db,
                        "CREATE TEMPORARY VIEW emp (emp_id INT, emp_name STRING, timestamp "
                        "TIMESTAMP, time STRING) USING json OPTIONS (path 'tests/data/emp')",
                        NULL, NULL));
    weir_stmt *st;
    check(db, weir_prepare(db, "SELECT emp_id, count(*) AS n FROM emp GROUP BY emp_id", &st, NULL));
    struct ArrowArray batch;
    long groups = 0;
    while (check(db, weir_step(st, &batch)) == WEIR_ROW) {
        const int32_t *ids = batch.children[0]->buffers[1];
        const int64_t *counts = batch.children[1]->buffers[1];
        for (int64_t i = 0; i < batch.length; i++)
            printf("emp_id %d: %lld rows\n", ids[i], (long long)counts[i]);
        groups += batch.length;
        batch.release(&batch);
    }
    weir_finalize(st);
    printf("%ld groups\n\n", groups);

    /* 2. A streaming query into a memory table. */
    check(db, weir_exec(db,
                        "CREATE STREAMING TABLE names USING memory AS "
                        "SELECT emp_id, upper(emp_name) AS name FROM STREAM emp",
                        NULL, NULL));
    weir_query *q = weir_query_find(db, "names");
    check(db, weir_query_process_all_available(q));
    check(db, weir_exec(db, "SELECT name, count(*) FROM names GROUP BY name ORDER BY name",
                        print_result, NULL));
    char *progress = weir_query_last_progress(q);
    printf("last progress:\n%s\n", progress ? progress : "(none)");
    weir_free(progress);
    weir_query_stop(q);
    weir_close(db);
    return 0;
}
