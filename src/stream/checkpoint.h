/*
 * Checkpoint helpers the driver needs beyond the stream.h contract (proposed for stream.h;
 * kept here so the contract header stays untouched until the lead folds them in).
 */
#ifndef WEIR_STREAM_CHECKPOINT_H
#define WEIR_STREAM_CHECKPOINT_H

#include "stream/stream.h"

/* commits/N's nextBatchWatermarkMs (0 when the entry has no metadata line, as Spark).
 * Spark's restart path reads it: after the last committed batch the watermark tracker
 * starts from max(current, nextBatchWatermarkMs). */
int weir_checkpoint_read_commit(const weir_checkpoint *cp, int64_t batch_id,
                                int64_t *next_watermark_ms, weir_error *err);

/* Spark 3.5's OffsetSeqMetadata.relevantSQLConfs with their 3.5 defaults, in the order
 * Spark 3.5 writes them into offsets/N (the iteration order of the Scala HashMap holding
 * these nine keys). A driver passes these keys, with the session's values, to
 * weir_checkpoint_write_offsets to produce the same bytes as Spark. */
extern const weir_kv weir_spark35_offset_conf[];
extern const int weir_spark35_offset_nconf;

/* OffsetSeqMetadata.relevantSQLConfDefaultValues: the value to assume for a key missing from
 * an older checkpoint's offsets (e.g. "spark.sql.streaming.aggregation.stateFormatVersion"
 * -> "1"); NULL when Spark keeps the session's value instead. */
const char *weir_checkpoint_legacy_conf_default(const char *key);

#endif
