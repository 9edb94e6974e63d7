/*
 * Private to connectors/files: the two metadata logs the file source touches, in Spark's
 * on-disk formats -- its own FileStreamSourceLog (which files went into which log batch)
 * and, read-only, a file sink's FileStreamSinkLog (`_spark_metadata`, the files a sink has
 * committed) -- plus the path <-> URL conversions both use.
 */
#ifndef WEIR_CONNECTORS_FILE_INTERNAL_H
#define WEIR_CONNECTORS_FILE_INTERNAL_H

#include "connectors/src_internal.h"

/* One file: its URL as Spark writes it in logs ("file:///abs/a%20b.json"), the local path,
 * the modification time (ms) and, where known, the size. */
typedef struct weir_flog_file {
    char *url;
    char *local;
    int64_t ts;
    int64_t size;
    int64_t batch; /* source log: the log batch the file belongs to */
} weir_flog_file;

typedef struct weir_flog_list {
    weir_flog_file *v;
    int n, cap;
} weir_flog_list;

/* Appends a copy of the strings (malloc'd). */
int weir_flog_push(weir_flog_list *l, const char *url, const char *local, int64_t ts, int64_t size,
                   int64_t batch);
void weir_flog_free(weir_flog_list *l);

/* Java URI quoting of an absolute path: "file://" + path with bytes outside URI path
 * characters percent-encoded (non-ASCII kept, as URI.toString keeps it). malloc'd. */
char *weir_flog_path_to_url(const char *path);
/* The local path of a "file:" URL (percent-decoded); NULL when not a local file URL. */
char *weir_flog_url_to_path(const char *url);

/* ---- FileStreamSourceLog (the source's own log in its metadata directory) ---------------- */

/* Spark's compaction interval for the source log (spark.sql.streaming.fileSource.log
 * .compactInterval): batch N with (N + 1) % 10 == 0 is written as "N.compact" holding every
 * entry so far. */
#define WEIR_FLOG_COMPACT_INTERVAL 10

/* The latest log batch id (-1 when the log is empty). */
int weir_flog_latest(const char *dir, int64_t *latest, weir_error *err);
/* Every entry of the log (the latest compaction plus the batches after it). */
int weir_flog_read_all(const char *dir, weir_flog_list *out, weir_error *err);
/* The entries of log batch `id` (appended to out). */
int weir_flog_read_batch(const char *dir, int64_t id, weir_flog_list *out, weir_error *err);
/* Writes batch `id` (compacting when due). *existed: the batch file was already there
 * (Spark: "Concurrent update to the log"). */
int weir_flog_write_batch(const char *dir, int64_t id, const weir_flog_file *files, int n,
                          bool *existed, weir_error *err);

/* ---- FileStreamSinkLog (read-only) ---------------------------------------------------------- */

/* True when `dir` is a directory holding `_spark_metadata` (FileStreamSink.hasMetadata). */
bool weir_flog_sink_has_metadata(const char *dir);
/* The files a sink committed (MetadataLogFileIndex): "add" entries not later deleted,
 * directories skipped; ts = modificationTime, size = size. */
int weir_flog_sink_files(const char *dir, weir_flog_list *out, weir_error *err);

#endif
