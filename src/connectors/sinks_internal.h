/*
 * Private contract between the sink registry (connectors/sinks.c) and the sinks it
 * dispatches to (console, memory, file, noop). Each sink validates its own options with
 * Spark's messages in *_check (no side effects, used by CREATE STREAMING TABLE before the
 * query starts) and builds itself in *_create (called on the query's thread at start).
 */
#ifndef WEIR_CONNECTORS_SINKS_INTERNAL_H
#define WEIR_CONNECTORS_SINKS_INTERNAL_H

#include "stream/stream.h"

/* Integer option as Spark's CaseInsensitiveStringMap.getInt (Java's Integer.parseInt):
 * optional sign, decimal digits, 32-bit range; otherwise NumberFormatException's
 * 'For input string: "<v>"'. */
int weir_sink_opt_int(const weir_kv *opts, int nopts, const char *key, int dflt, int *out,
                      weir_error *err);
/* Boolean option as CaseInsensitiveStringMap.getBoolean: true/false in any case, otherwise
 * "<v> is not a boolean string.". */
int weir_sink_opt_bool(const weir_kv *opts, int nopts, const char *key, bool dflt, bool *out,
                       weir_error *err);
/* Spark's OutputMode.toString: "Append", "Update", "Complete". */
const char *weir_output_mode_name(weir_output_mode m);
/* A stable stand-in for Java's identity hash code printed by Object.toString ("@1b2c3d4e"). */
unsigned weir_sink_identity_hash(const void *p);

int weir_console_sink_check(const weir_sink_args *args, weir_error *err);
int weir_console_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err);

int weir_memory_sink_check(const weir_sink_args *args, weir_error *err);
int weir_memory_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err);

/* json, csv, text (format = the lookup result of args->format). */
int weir_file_sink_check(const weir_sink_args *args, weir_error *err);
int weir_file_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err);

int weir_noop_sink_create(const weir_sink_args *args, weir_sink **out, weir_error *err);

#endif
