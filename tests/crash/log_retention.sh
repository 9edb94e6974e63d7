#!/usr/bin/env bash
# The offsets and commits logs keep the last 101 entries (Spark's minBatchesToRetain = 100:
# purge(current - 100)), so a long-running query's checkpoint stays bounded.
# Usage: log_retention.sh WEIR
set -u
weir=$1
root=$(mktemp -d /tmp/weir_logs_XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir "$root/in"
for i in $(seq 1 130); do echo "{\"id\":$i}" > "$root/in/f$i.json"; done
"$weir" run -e "CREATE TEMPORARY VIEW v (id INT) USING json OPTIONS (path '$root/in', maxFilesPerTrigger '1');
  CREATE STREAMING TABLE s USING noop OPTIONS (checkpointLocation '$root/ckpt', trigger 'availableNow') AS
  SELECT id FROM STREAM v" || { echo "0 passed, 1 failed"; exit 1; }
offs=$(ls "$root/ckpt/offsets" | sort -n | tr '\n' ' ')
comm=$(ls "$root/ckpt/commits" | wc -l)
first=$(ls "$root/ckpt/offsets" | sort -n | head -1)
last=$(ls "$root/ckpt/offsets" | sort -n | tail -1)
if [ "$(ls "$root/ckpt/offsets" | wc -l)" -eq 101 ] && [ "$comm" -eq 101 ] && [ "$first" = 29 ] &&
   [ "$last" = 129 ]; then
  echo "1 passed, 0 failed"
else
  echo "offsets kept: $offs; commits: $comm"
  echo "0 passed, 1 failed"
  exit 1
fi
