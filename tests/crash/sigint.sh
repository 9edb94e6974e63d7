#!/usr/bin/env bash
# SIGINT / SIGTERM stop `weir run` gracefully: the running batch finishes and commits (every
# offsets/N has its commits/N), the process exits 0, and a restart continues from there.
# Usage: sigint.sh WEIR
set -u
weir=$1
root=$(mktemp -d /tmp/weir_sigint_XXXXXX)
trap 'rm -rf "$root"' EXIT
passed=0 failed=0
for sig in INT TERM; do
  ck=$root/ckpt_$sig
  cat > "$root/job.sql" <<SQL
CREATE TEMPORARY VIEW r USING rate OPTIONS (rowsPerSecond '1000');
CREATE STREAMING TABLE s USING json
  OPTIONS (path '$root/out_$sig', checkpointLocation '$ck', trigger '50 milliseconds') AS
  SELECT value, timestamp FROM STREAM r;
SQL
  "$weir" run "$root/job.sql" >/dev/null 2>"$root/err" &
  pid=$!
  for _ in $(seq 1 200); do
    [ -e "$ck/commits/2" ] && break
    sleep 0.05
  done
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  offs=$(ls "$ck/offsets" | grep -E '^[0-9]+$' | sort -n | tail -1)
  comm=$(ls "$ck/commits" | grep -E '^[0-9]+$' | sort -n | tail -1)
  if [ "$rc" -eq 0 ] && [ -n "$offs" ] && [ "$offs" = "$comm" ]; then
    passed=$((passed + 1))
  else
    echo "SIG$sig: exit $rc, last offsets $offs, last commit $comm: $(cat "$root/err")"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
