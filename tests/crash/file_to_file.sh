#!/usr/bin/env bash
# Crash test: a file-to-file streaming job (JSON directory -> JSON file sink) is killed with
# SIGKILL at random moments, then restarted from its checkpoint until it completes. The
# committed output (what a reader of the sink directory sees) must hold every input row
# exactly once. Usage: file_to_file.sh WEIR [TRIALS]
set -u
weir=$1
trials=${2:-20}
root=$(mktemp -d /tmp/weir_crash_XXXXXX)
trap 'rm -rf "$root"' EXIT
in=$root/in
mkdir -p "$in"
files=200 rows=50
total=$((files * rows))
sum=0
for f in $(seq 1 $files); do
  tmpf=$in/.f$f.tmp
  for r in $(seq 1 $rows); do
    id=$(((f - 1) * rows + r))
    echo "{\"id\":$id,\"v\":\"row $id\"}"
  done > "$tmpf"
  mv "$tmpf" "$in/part-$(printf %03d $f).json"
done
sum=$((total * (total + 1) / 2))

passed=0 failed=0 midway=0
for t in $(seq 1 "$trials"); do
  out=$root/out$t ckpt=$root/ckpt$t
  job=$root/job$t.sql
  cat > "$job" <<SQL
CREATE TEMPORARY VIEW src (id BIGINT, v STRING) USING json OPTIONS (path '$in', maxFilesPerTrigger '1');
CREATE STREAMING TABLE sink USING json
  OPTIONS (path '$out', checkpointLocation '$ckpt', trigger 'availableNow') AS
  SELECT id, v FROM STREAM src;
SQL
  # up to three kills at random moments, then a run to completion
  for k in 1 2 3; do
    "$weir" run "$job" >/dev/null 2>"$root/err$t" &
    pid=$!
    sleep "0.$(printf %03d $((RANDOM % 150)))"
    kill -9 "$pid" 2>/dev/null && midway=$((midway + 1))
    wait "$pid" 2>/dev/null
  done
  if ! "$weir" run "$job" >/dev/null 2>"$root/err$t"; then
    echo "trial $t: the restarted job failed: $(cat "$root/err$t")"
    failed=$((failed + 1))
    continue
  fi
  got=$("$weir" run -e "CREATE TEMPORARY VIEW o (id BIGINT, v STRING) USING json OPTIONS (path '$out');
    SELECT count(*) AS n, count(DISTINCT id) AS d, sum(id) AS s, count_if(v <> concat('row ', id)) AS bad FROM o" |
    sed -n '4p' | tr -d ' ')
  want="|$total|$total|$sum|0|"
  if [ "$got" = "$want" ]; then
    passed=$((passed + 1))
  else
    echo "trial $t: output $got, expected $want"
    failed=$((failed + 1))
  fi
done
echo "kills that hit a running job: $midway of $((trials * 3))"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
