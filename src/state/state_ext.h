/*
 * Extra controls of the state store that state.h (the shared contract) does not carry:
 * Spark's tunables (spark.sql.streaming.stateStore.minDeltasForSnapshot,
 * spark.sql.streaming.minBatchesToRetain), the durability mode of commits, and an
 * on-demand snapshot. Defaults are Spark's; callers that never include this header get them.
 */
#ifndef WEIR_STATE_STATE_EXT_H
#define WEIR_STATE_STATE_EXT_H

#include <stdint.h>

#include "state/state.h"

typedef enum weir_state_sync {
    /* per commit: fsync every file and directory when few files changed (<= 8), otherwise
     * one syncfs() of the file system for the whole batch (see README.md). The default. */
    WEIR_STATE_SYNC_AUTO = 0,
    WEIR_STATE_SYNC_FILES = 1, /* always fsync each file and each directory */
    WEIR_STATE_SYNC_FS = 2,    /* always one syncfs() per commit */
    WEIR_STATE_SYNC_NONE = 3,  /* no fsync: survives a process crash, not a power loss */
} weir_state_sync;

typedef struct weir_state_options {
    int min_deltas_for_snapshot; /* deltas replayed at most before a snapshot; 10 */
    int min_versions_to_retain;  /* older versions' files are deleted; 100 */
    weir_state_sync sync;
} weir_state_options;

void weir_state_default_options(weir_state_options *o);
/* Applies from the next commit on. Values < 1 keep the current setting. */
void weir_state_set_options(weir_state_store *s, const weir_state_options *o);

/* Writes a snapshot of every non-empty partition at the last committed version (no
 * uncommitted changes allowed), so that loading it reads no delta. */
int weir_state_snapshot(weir_state_store *s, weir_error *err);

/* Last committed (or loaded) version; -1 when none. */
int64_t weir_state_version(const weir_state_store *s);

#endif
