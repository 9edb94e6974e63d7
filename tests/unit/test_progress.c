/*
 * Unit tests for stream/progress.c: StreamingQueryProgress.prettyJson / json byte for byte.
 * The expected texts follow the lastProgress example of the Structured Streaming guide and
 * real Spark 3.5 reports (Jackson's pretty printer: "key" : value, "[ {" ... "} ]",
 * "[ ]", sorted durationMs / eventTime keys, offsets embedded as JSON values, NaN rates
 * and empty maps left out, null name as null).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stream/stream.h"

static char *render(const weir_progress *p, bool pretty)
{
    weir_strbuf sb = WEIR_STRBUF_INIT;
    weir_progress_json(p, pretty, &sb);
    return weir_sb_take(&sb);
}

static void expect_json(const weir_progress *p, bool pretty, const char *want)
{
    char *got = render(p, pretty);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* ---- the guide's Kafka example ---------------------------------------------------------- */

static weir_source_progress kafka_src = {
    .description = "KafkaV2[Subscribe[topic-0]]",
    .start_offset = "{\"topic-0\":{\"2\":0,\"4\":1,\"1\":1,\"3\":1,\"0\":1}}",
    .end_offset = "{\"topic-0\":{\"2\":0,\"4\":115,\"1\":134,\"3\":21,\"0\":534}}",
    .latest_offset = "{\"topic-0\":{\"2\":0,\"4\":115,\"1\":134,\"3\":21,\"0\":534}}",
    .num_input_rows = 10,
    .input_rows_per_second = 120.0,
    .processed_rows_per_second = 200.0,
};

static weir_progress guide_example(void)
{
    weir_progress p = {
        .id = "ce011fdc-8762-4dcb-84eb-a77333e28109",
        .run_id = "88e2ff94-ede0-45a8-b687-6316fbef529a",
        .name = "MyQuery",
        .timestamp_ms = 1481741124873,
        .batch_id = 2,
        .num_input_rows = 10,
        .input_rows_per_second = 120.0,
        .processed_rows_per_second = 200.0,
        .d_add_batch = 1,
        .d_get_batch = 0,
        .d_latest_offset = 2,
        .d_query_planning = 0,
        .d_trigger = 3,
        .d_wal_commit = 0,
        .has_event_time = true,
        .watermark_ms = 1481741124873,
        .sources = &kafka_src,
        .nsources = 1,
        .sink_description = "MemorySink",
        .sink_num_output_rows = 10,
    };
    return p;
}

static const char guide_pretty[] = "{\n"
                                   "  \"id\" : \"ce011fdc-8762-4dcb-84eb-a77333e28109\",\n"
                                   "  \"runId\" : \"88e2ff94-ede0-45a8-b687-6316fbef529a\",\n"
                                   "  \"name\" : \"MyQuery\",\n"
                                   "  \"timestamp\" : \"2016-12-14T18:45:24.873Z\",\n"
                                   "  \"batchId\" : 2,\n"
                                   "  \"numInputRows\" : 10,\n"
                                   "  \"inputRowsPerSecond\" : 120.0,\n"
                                   "  \"processedRowsPerSecond\" : 200.0,\n"
                                   "  \"durationMs\" : {\n"
                                   "    \"addBatch\" : 1,\n"
                                   "    \"getBatch\" : 0,\n"
                                   "    \"latestOffset\" : 2,\n"
                                   "    \"queryPlanning\" : 0,\n"
                                   "    \"triggerExecution\" : 3,\n"
                                   "    \"walCommit\" : 0\n"
                                   "  },\n"
                                   "  \"eventTime\" : {\n"
                                   "    \"watermark\" : \"2016-12-14T18:45:24.873Z\"\n"
                                   "  },\n"
                                   "  \"stateOperators\" : [ ],\n"
                                   "  \"sources\" : [ {\n"
                                   "    \"description\" : \"KafkaV2[Subscribe[topic-0]]\",\n"
                                   "    \"startOffset\" : {\n"
                                   "      \"topic-0\" : {\n"
                                   "        \"2\" : 0,\n"
                                   "        \"4\" : 1,\n"
                                   "        \"1\" : 1,\n"
                                   "        \"3\" : 1,\n"
                                   "        \"0\" : 1\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"endOffset\" : {\n"
                                   "      \"topic-0\" : {\n"
                                   "        \"2\" : 0,\n"
                                   "        \"4\" : 115,\n"
                                   "        \"1\" : 134,\n"
                                   "        \"3\" : 21,\n"
                                   "        \"0\" : 534\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"latestOffset\" : {\n"
                                   "      \"topic-0\" : {\n"
                                   "        \"2\" : 0,\n"
                                   "        \"4\" : 115,\n"
                                   "        \"1\" : 134,\n"
                                   "        \"3\" : 21,\n"
                                   "        \"0\" : 534\n"
                                   "      }\n"
                                   "    },\n"
                                   "    \"numInputRows\" : 10,\n"
                                   "    \"inputRowsPerSecond\" : 120.0,\n"
                                   "    \"processedRowsPerSecond\" : 200.0\n"
                                   "  } ],\n"
                                   "  \"sink\" : {\n"
                                   "    \"description\" : \"MemorySink\",\n"
                                   "    \"numOutputRows\" : 10\n"
                                   "  }\n"
                                   "}";

static void test_guide_pretty(void **state)
{
    (void)state;
    weir_progress p = guide_example();
    expect_json(&p, true, guide_pretty);
}

static void test_guide_compact(void **state)
{
    (void)state;
    weir_progress p = guide_example();
    expect_json(
        &p, false,
        "{\"id\":\"ce011fdc-8762-4dcb-84eb-a77333e28109\","
        "\"runId\":\"88e2ff94-ede0-45a8-b687-6316fbef529a\",\"name\":\"MyQuery\","
        "\"timestamp\":\"2016-12-14T18:45:24.873Z\",\"batchId\":2,\"numInputRows\":10,"
        "\"inputRowsPerSecond\":120.0,\"processedRowsPerSecond\":200.0,"
        "\"durationMs\":{\"addBatch\":1,\"getBatch\":0,\"latestOffset\":2,"
        "\"queryPlanning\":0,\"triggerExecution\":3,\"walCommit\":0},"
        "\"eventTime\":{\"watermark\":\"2016-12-14T18:45:24.873Z\"},"
        "\"stateOperators\":[],\"sources\":[{\"description\":\"KafkaV2[Subscribe[topic-0]]\","
        "\"startOffset\":{\"topic-0\":{\"2\":0,\"4\":1,\"1\":1,\"3\":1,\"0\":1}},"
        "\"endOffset\":{\"topic-0\":{\"2\":0,\"4\":115,\"1\":134,\"3\":21,\"0\":534}},"
        "\"latestOffset\":{\"topic-0\":{\"2\":0,\"4\":115,\"1\":134,\"3\":21,\"0\":534}},"
        "\"numInputRows\":10,\"inputRowsPerSecond\":120.0,\"processedRowsPerSecond\":200.0}],"
        "\"sink\":{\"description\":\"MemorySink\",\"numOutputRows\":10}}");
}

/* ---- a stateful query: event-time stats, a state operator, two sources ---------------------- */

static void test_stateful_pretty(void **state)
{
    (void)state;
    weir_state_progress st[2] = {
        {.operator_name = "stateStoreSave",
         .num_rows_total = 4,
         .num_rows_updated = 3,
         .num_rows_removed = 1,
         .memory_used_bytes = 1048,
         .num_rows_dropped_by_watermark = 2,
         .num_shuffle_partitions = 200,
         .num_state_store_instances = 200},
        {.operator_name = "dedupe", .num_shuffle_partitions = 1, .num_state_store_instances = 1},
    };
    weir_source_progress src[2] = {
        {.description = "FileStreamSource[file:/data/in]",
         .start_offset = "{\"logOffset\":1}",
         .end_offset = "{\"logOffset\":2}",
         .latest_offset = NULL,
         .num_input_rows = 3,
         .input_rows_per_second = 1.0 / 3.0,
         .processed_rows_per_second = 30.03003003003003},
        {.description = "RateStreamV2[rowsPerSecond=1, rampUpTimeSeconds=0, numPartitions=default",
         .start_offset = NULL,
         .end_offset = "10",
         .latest_offset = "10",
         .num_input_rows = 0,
         .input_rows_per_second = NAN,
         .processed_rows_per_second = 0.0},
    };
    weir_progress p = {
        .id = "40005f19-1d75-4c5b-8f9c-06c7596a2b88",
        .run_id = "da53a406-5bc6-47db-ab86-e7810f7c266c",
        .name = NULL,
        .timestamp_ms = 1673420560000,
        .batch_id = 72,
        .num_input_rows = 3,
        .input_rows_per_second = 1.0 / 3.0,
        .processed_rows_per_second = INFINITY,
        .d_add_batch = 182,
        .d_get_batch = 0,
        .d_latest_offset = 0,
        .d_query_planning = 6,
        .d_trigger = 333,
        .d_wal_commit = 80,
        .has_event_time = true,
        .has_event_time_stats = true,
        .et_min_ms = 1673420519999,
        .et_max_ms = 1673420555100,
        .et_avg_ms = 1673420530000,
        .watermark_ms = 0,
        .state = st,
        .nstate = 2,
        .sources = src,
        .nsources = 2,
        .sink_description = "org.apache.spark.sql.execution.streaming.ConsoleTable$@4f1a2b3c",
        .sink_num_output_rows = -1,
    };
    expect_json(&p, true,
                "{\n"
                "  \"id\" : \"40005f19-1d75-4c5b-8f9c-06c7596a2b88\",\n"
                "  \"runId\" : \"da53a406-5bc6-47db-ab86-e7810f7c266c\",\n"
                "  \"name\" : null,\n"
                "  \"timestamp\" : \"2023-01-11T07:02:40.000Z\",\n"
                "  \"batchId\" : 72,\n"
                "  \"numInputRows\" : 3,\n"
                "  \"inputRowsPerSecond\" : 0.3333333333333333,\n"
                "  \"durationMs\" : {\n"
                "    \"addBatch\" : 182,\n"
                "    \"getBatch\" : 0,\n"
                "    \"latestOffset\" : 0,\n"
                "    \"queryPlanning\" : 6,\n"
                "    \"triggerExecution\" : 333,\n"
                "    \"walCommit\" : 80\n"
                "  },\n"
                "  \"eventTime\" : {\n"
                "    \"avg\" : \"2023-01-11T07:02:10.000Z\",\n"
                "    \"max\" : \"2023-01-11T07:02:35.100Z\",\n"
                "    \"min\" : \"2023-01-11T07:01:59.999Z\",\n"
                "    \"watermark\" : \"1970-01-01T00:00:00.000Z\"\n"
                "  },\n"
                "  \"stateOperators\" : [ {\n"
                "    \"operatorName\" : \"stateStoreSave\",\n"
                "    \"numRowsTotal\" : 4,\n"
                "    \"numRowsUpdated\" : 3,\n"
                "    \"numRowsRemoved\" : 1,\n"
                "    \"memoryUsedBytes\" : 1048,\n"
                "    \"numRowsDroppedByWatermark\" : 2,\n"
                "    \"numShufflePartitions\" : 200,\n"
                "    \"numStateStoreInstances\" : 200\n"
                "  }, {\n"
                "    \"operatorName\" : \"dedupe\",\n"
                "    \"numRowsTotal\" : 0,\n"
                "    \"numRowsUpdated\" : 0,\n"
                "    \"numRowsRemoved\" : 0,\n"
                "    \"memoryUsedBytes\" : 0,\n"
                "    \"numRowsDroppedByWatermark\" : 0,\n"
                "    \"numShufflePartitions\" : 1,\n"
                "    \"numStateStoreInstances\" : 1\n"
                "  } ],\n"
                "  \"sources\" : [ {\n"
                "    \"description\" : \"FileStreamSource[file:/data/in]\",\n"
                "    \"startOffset\" : {\n"
                "      \"logOffset\" : 1\n"
                "    },\n"
                "    \"endOffset\" : {\n"
                "      \"logOffset\" : 2\n"
                "    },\n"
                "    \"latestOffset\" : null,\n"
                "    \"numInputRows\" : 3,\n"
                "    \"inputRowsPerSecond\" : 0.3333333333333333,\n"
                "    \"processedRowsPerSecond\" : 30.03003003003003\n"
                "  }, {\n"
                "    \"description\" : \"RateStreamV2[rowsPerSecond=1, rampUpTimeSeconds=0, "
                "numPartitions=default\",\n"
                "    \"startOffset\" : null,\n"
                "    \"endOffset\" : 10,\n"
                "    \"latestOffset\" : 10,\n"
                "    \"numInputRows\" : 0,\n"
                "    \"processedRowsPerSecond\" : 0.0\n"
                "  } ],\n"
                "  \"sink\" : {\n"
                "    \"description\" : "
                "\"org.apache.spark.sql.execution.streaming.ConsoleTable$@4f1a2b3c\",\n"
                "    \"numOutputRows\" : -1\n"
                "  }\n"
                "}");
}

/* An idle trigger: only latestOffset and triggerExecution were timed; no sources yet. */
static void test_idle_trigger(void **state)
{
    (void)state;
    weir_progress p = {
        .id = "a",
        .run_id = "b",
        .name = "q",
        .timestamp_ms = 0,
        .batch_id = 0,
        .d_add_batch = -1,
        .d_get_batch = -1,
        .d_latest_offset = 5,
        .d_query_planning = -1,
        .d_trigger = 7,
        .d_wal_commit = -1,
        .sink_description = "s",
        .sink_num_output_rows = 0,
    };
    expect_json(
        &p, false,
        "{\"id\":\"a\",\"runId\":\"b\",\"name\":\"q\",\"timestamp\":\"1970-01-01T00:00:00.000Z\","
        "\"batchId\":0,\"numInputRows\":0,\"inputRowsPerSecond\":0.0,"
        "\"processedRowsPerSecond\":0.0,\"durationMs\":{\"latestOffset\":5,"
        "\"triggerExecution\":7},\"stateOperators\":[],\"sources\":[],"
        "\"sink\":{\"description\":\"s\",\"numOutputRows\":0}}");
    /* no duration at all: the empty map is left out (safeMapToJValue) */
    p.d_latest_offset = p.d_trigger = -1;
    p.input_rows_per_second = NAN;
    p.processed_rows_per_second = -INFINITY;
    expect_json(&p, true,
                "{\n  \"id\" : \"a\",\n  \"runId\" : \"b\",\n  \"name\" : \"q\",\n"
                "  \"timestamp\" : \"1970-01-01T00:00:00.000Z\",\n  \"batchId\" : 0,\n"
                "  \"numInputRows\" : 0,\n  \"stateOperators\" : [ ],\n  \"sources\" : [ ],\n"
                "  \"sink\" : {\n    \"description\" : \"s\",\n    \"numOutputRows\" : 0\n  }\n}");
}

/* Offsets go through json4s parse + Jackson render: spacing and numbers normalized, order
 * and duplicates kept, non-JSON kept as a string, content after the value ignored. */
static void test_offset_rendering(void **state)
{
    (void)state;
    static const struct {
        const char *offset, *want;
    } cases[] = {
        {" { \"a\" : 1.50 , \"b\" : [ 1 , 2 , { } , [ ] ] } ", "{\"a\":1.5,\"b\":[1,2,{},[]]}"},
        {"1e2", "100.0"},
        {"-0", "0"},
        {"123456789012345678901234567890", "123456789012345678901234567890"},
        {"0.0001", "1.0E-4"},
        {"12345678.9", "1.23456789E7"},
        {"{\"x\":1} trailing", "{\"x\":1}"},
        {"{\"z\":1,\"a\":2,\"z\":3}", "{\"z\":1,\"a\":2,\"z\":3}"},
        {"not json", "\"not json\""},
        {"{\"broken\":", "\"{\\\"broken\\\":\""},
        {"", "\"\""},
        {"\"caf\\u00e9 \\ud83d\\ude00 \\/ \\u0001\"", "\"caf\xc3\xa9 \xf0\x9f\x98\x80 / \\u0001\""},
        {"[true,false,null]", "[true,false,null]"},
        {"01", "\"01\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        weir_source_progress s = {.description = "d", .end_offset = cases[i].offset};
        weir_progress p = {.id = "i",
                           .run_id = "r",
                           .d_add_batch = -1,
                           .d_get_batch = -1,
                           .d_latest_offset = -1,
                           .d_query_planning = -1,
                           .d_trigger = -1,
                           .d_wal_commit = -1,
                           .sources = &s,
                           .nsources = 1,
                           .sink_description = "k",
                           .sink_num_output_rows = 1};
        char *got = render(&p, false);
        char want[512];
        snprintf(
            want, sizeof(want),
            "{\"id\":\"i\",\"runId\":\"r\",\"name\":null,\"timestamp\":\"1970-01-01T00:00:00."
            "000Z\","
            "\"batchId\":0,\"numInputRows\":0,\"inputRowsPerSecond\":0.0,"
            "\"processedRowsPerSecond\":0.0,\"stateOperators\":[],\"sources\":[{"
            "\"description\":\"d\",\"startOffset\":null,\"endOffset\":%s,\"latestOffset\":null,"
            "\"numInputRows\":0,\"inputRowsPerSecond\":0.0,\"processedRowsPerSecond\":0.0}],"
            "\"sink\":{\"description\":\"k\",\"numOutputRows\":1}}",
            cases[i].want);
        if (strcmp(got, want) != 0) print_error("case %zu: %s\n", i, cases[i].offset);
        assert_string_equal(got, want);
        free(got);
    }
}

/* Pretty nesting of arrays of objects inside an offset (Kinesis-style). */
static void test_offset_pretty_nesting(void **state)
{
    (void)state;
    weir_source_progress s = {.description = "d",
                              .start_offset = "[{\"shard\":{\"id\":\"s0\"},\"n\":[1,2]},{}]"};
    weir_progress p = {.id = "i",
                       .run_id = "r",
                       .name = "n",
                       .d_add_batch = -1,
                       .d_get_batch = -1,
                       .d_latest_offset = -1,
                       .d_query_planning = -1,
                       .d_trigger = -1,
                       .d_wal_commit = -1,
                       .sources = &s,
                       .nsources = 1,
                       .sink_description = "k",
                       .sink_num_output_rows = 0,
                       .input_rows_per_second = 1e7,
                       .processed_rows_per_second = 9999999.5};
    expect_json(&p, true,
                "{\n"
                "  \"id\" : \"i\",\n"
                "  \"runId\" : \"r\",\n"
                "  \"name\" : \"n\",\n"
                "  \"timestamp\" : \"1970-01-01T00:00:00.000Z\",\n"
                "  \"batchId\" : 0,\n"
                "  \"numInputRows\" : 0,\n"
                "  \"inputRowsPerSecond\" : 1.0E7,\n"
                "  \"processedRowsPerSecond\" : 9999999.5,\n"
                "  \"stateOperators\" : [ ],\n"
                "  \"sources\" : [ {\n"
                "    \"description\" : \"d\",\n"
                "    \"startOffset\" : [ {\n"
                "      \"shard\" : {\n"
                "        \"id\" : \"s0\"\n"
                "      },\n"
                "      \"n\" : [ 1, 2 ]\n"
                "    }, { } ],\n"
                "    \"endOffset\" : null,\n"
                "    \"latestOffset\" : null,\n"
                "    \"numInputRows\" : 0,\n"
                "    \"inputRowsPerSecond\" : 0.0,\n"
                "    \"processedRowsPerSecond\" : 0.0\n"
                "  } ],\n"
                "  \"sink\" : {\n"
                "    \"description\" : \"k\",\n"
                "    \"numOutputRows\" : 0\n"
                "  }\n"
                "}");
}

/* Strings escaped as Jackson does. */
static void test_string_escaping(void **state)
{
    (void)state;
    weir_progress p = {.id = "i",
                       .run_id = "r",
                       .name = "q\"\\\n\t\x01/\xc3\xa9",
                       .d_add_batch = -1,
                       .d_get_batch = -1,
                       .d_latest_offset = -1,
                       .d_query_planning = -1,
                       .d_trigger = -1,
                       .d_wal_commit = -1,
                       .sink_description = "k",
                       .sink_num_output_rows = 0};
    char *got = render(&p, false);
    assert_non_null(strstr(got, "\"name\":\"q\\\"\\\\\\n\\t\\u0001/\xc3\xa9\","));
    free(got);
}

static void test_iso_ms(void **state)
{
    (void)state;
    char buf[32];
    weir_format_iso_ms(0, buf);
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
    weir_format_iso_ms(-1, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
    weir_format_iso_ms(1700000000000, buf);
    assert_string_equal(buf, "2023-11-14T22:13:20.000Z");
    weir_format_iso_ms(1795262400000, buf);
    assert_string_equal(buf, "2026-11-21T12:00:00.000Z");
    weir_format_iso_ms(951782400123, buf); /* leap day */
    assert_string_equal(buf, "2000-02-29T00:00:00.123Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guide_pretty),     cmocka_unit_test(test_guide_compact),
        cmocka_unit_test(test_stateful_pretty),  cmocka_unit_test(test_idle_trigger),
        cmocka_unit_test(test_offset_rendering), cmocka_unit_test(test_offset_pretty_nesting),
        cmocka_unit_test(test_string_escaping),  cmocka_unit_test(test_iso_ms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
