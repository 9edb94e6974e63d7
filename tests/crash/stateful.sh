#!/usr/bin/env bash
# Crash test for stateful streaming: a windowed count (5-minute tumbling windows per key,
# WATERMARK 10 minutes, one input file per micro-batch, trigger availableNow) is killed with
# SIGKILL at random moments (up to three times), then restarted from its checkpoint until
# it completes. State, watermark and sink must recover so that what a reader sees equals an
# uninterrupted run:
#  (a) append mode into a JSON file sink: the committed output, read back with a batch
#      query, equals the uninterrupted run's output row for row;
#  (b) update mode into the console sink: every batch the final restart prints equals the
#      uninterrupted run's batch with the same id (rows sorted within a batch), and it
#      prints exactly the batches after the last committed one.
# The input has late rows (some within the watermark, some dropped) and ends with a file
# holding one far-future event, so the watermark passes every real window and append mode
# emits them all. Usage: stateful.sh WEIR [TRIALS]   (default 20 trials of each job)
set -u
weir=$1
trials=${2:-20}
root=$(mktemp -d /tmp/weir_crash_stateful_XXXXXX)
trap 'rm -rf "$root"' EXIT
in=$root/in
mkdir -p "$in"
export LC_ALL=C

# 30 files of 40 events over 8 keys; file f covers event time 01:00 + 2f minutes (+150 s);
# 15% of the rows are up to 15 minutes late. The 31st file is the far-future flush event.
awk -v files=30 -v rows=40 -v keys=8 -v dir="$in" '
function ts(s) { return sprintf("2024-01-01 %02d:%02d:%02d", int(s / 3600), int(s / 60) % 60, s % 60) }
BEGIN {
  srand(42)
  for (f = 0; f <= files; f++) {
    tmp = sprintf("%s/.f%d.tmp", dir, f)
    if (f == files) {
      print "{\"id\":\"flush\",\"ts\":\"2030-01-01 00:00:00\"}" > tmp
    } else {
      base = 3600 + f * 120
      for (r = 0; r < rows; r++) {
        t = rand() < 0.15 ? base - int(rand() * 900) : base + int(rand() * 150)
        printf "{\"id\":\"k%d\",\"ts\":\"%s\"}\n", int(rand() * keys), ts(t) > tmp
      }
    }
    close(tmp)
    system(sprintf("mv %s %s/part-%03d.json", tmp, dir, f))
  }
}'

# write_job FILE MODE SINK_OPTIONS CKPT
write_job() {
  cat > "$1" <<SQL
SET spark.sql.session.timeZone = 'UTC';
CREATE TEMPORARY VIEW ev (id STRING, ts TIMESTAMP) USING json
  OPTIONS (path '$in', maxFilesPerTrigger '1');
CREATE STREAMING TABLE q USING $3, outputMode '$2', checkpointLocation '$4',
  trigger 'availableNow') AS
  SELECT id, window.start AS start, window.end AS end, count(*) AS n
  FROM STREAM ev WATERMARK ts DELAY OF INTERVAL 10 MINUTES
  GROUP BY id, window(ts, '5 minutes');
SQL
}

last_commit() {
  local c
  c=$(ls "$1/commits" 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1)
  echo "${c:--1}"
}

# The committed rows of a file sink directory, through weir's batch reader (which honours
# _spark_metadata), sorted; in pages of 20 since the CLI shows 20 rows per result.
pages=1
read_back() {
  local sql="SET spark.sql.session.timeZone = 'UTC';
CREATE TEMPORARY VIEW o (id STRING, start TIMESTAMP, end TIMESTAMP, n BIGINT) USING json
  OPTIONS (path '$1');
SELECT count(*) AS total FROM o;"
  for p in $(seq 0 $((pages - 1))); do
    sql="$sql SELECT id, start, end, n FROM o ORDER BY start, id, n LIMIT 20 OFFSET $((p * 20));"
  done
  "$weir" run -e "$sql" | grep '^|' | tr -d ' '
}

# Console output as "batch<TAB>row" lines, rows sorted within each batch.
console_batches() {
  awk '/^Batch: /{ b = $2; print b "\t#"; next } /^\|/{ gsub(/ /, ""); print b "\t" $0 }' "$1" |
    sort -t "$(printf '\t')" -k1,1n -k2,2
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Reference runs, uninterrupted.
write_job "$root/ref_a.sql" append "json OPTIONS (path '$root/ref_out'" "$root/ref_ckpt_a"
write_job "$root/ref_b.sql" update "console OPTIONS (numRows '1000', truncate 'false'" \
  "$root/ref_ckpt_b"
t0=$(now_ms)
if ! "$weir" run "$root/ref_a.sql" >/dev/null 2>"$root/err"; then
  echo "the uninterrupted append job failed: $(cat "$root/err")"
  exit 1
fi
dur_a=$(($(now_ms) - t0 + 1))
total=$("$weir" run -e "CREATE TEMPORARY VIEW o (id STRING) USING json OPTIONS (path '$root/ref_out');
  SELECT count(*) FROM o" | sed -n '4p' | tr -d ' |')
pages=$((total / 20 + 2))
read_back "$root/ref_out" > "$root/ref_a.txt"
if [ "${total:-0}" -lt 50 ]; then
  echo "the uninterrupted append job wrote $total rows, expected 50 or more"
  exit 1
fi
t0=$(now_ms)
if ! "$weir" run "$root/ref_b.sql" >"$root/ref_b.out" 2>"$root/err"; then
  echo "the uninterrupted update job failed: $(cat "$root/err")"
  exit 1
fi
dur_b=$(($(now_ms) - t0 + 1))
console_batches "$root/ref_b.out" > "$root/ref_b.txt"
last_a=$(last_commit "$root/ref_ckpt_a")
last_b=$(last_commit "$root/ref_ckpt_b")

passed=0 failed=0 hits=0
# kill_runs JOB DURATION_MS: up to three kills at random moments within one full run time.
kill_runs() {
  for _ in 1 2 3; do
    "$weir" run "$1" >/dev/null 2>&1 &
    local pid=$! ms=$((RANDOM % $2))
    sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
}

for t in $(seq 1 "$trials"); do
  # (a) append mode, JSON file sink
  job=$root/a$t.sql out=$root/out_a$t ckpt=$root/ckpt_a$t
  write_job "$job" append "json OPTIONS (path '$out'" "$ckpt"
  kill_runs "$job" "$dur_a"
  [ "$(last_commit "$ckpt")" -lt "$last_a" ] && hits=$((hits + 1))
  if ! "$weir" run "$job" >/dev/null 2>"$root/err"; then
    echo "append trial $t: the restarted job failed: $(cat "$root/err")"
    failed=$((failed + 1))
  elif read_back "$out" > "$root/got_a.txt" && cmp -s "$root/ref_a.txt" "$root/got_a.txt"; then
    passed=$((passed + 1))
  else
    echo "append trial $t: committed output differs from the uninterrupted run:"
    diff "$root/ref_a.txt" "$root/got_a.txt" | head -20
    failed=$((failed + 1))
  fi
  rm -rf "$out" "$ckpt"

  # (b) update mode, console sink
  job=$root/b$t.sql ckpt=$root/ckpt_b$t
  write_job "$job" update "console OPTIONS (numRows '1000', truncate 'false'" "$ckpt"
  kill_runs "$job" "$dur_b"
  c=$(last_commit "$ckpt")
  [ "$c" -lt "$last_b" ] && hits=$((hits + 1))
  if ! "$weir" run "$job" >"$root/got_b.out" 2>"$root/err"; then
    echo "update trial $t: the restarted job failed: $(cat "$root/err")"
    failed=$((failed + 1))
    rm -rf "$ckpt"
    continue
  fi
  console_batches "$root/got_b.out" > "$root/got_b.txt"
  awk -F '\t' -v c="$c" '$1 > c' "$root/ref_b.txt" > "$root/want_b.txt"
  if cmp -s "$root/want_b.txt" "$root/got_b.txt"; then
    passed=$((passed + 1))
  else
    echo "update trial $t (last commit before the restart: $c): console batches differ from" \
      "the uninterrupted run's:"
    diff "$root/want_b.txt" "$root/got_b.txt" | head -20
    failed=$((failed + 1))
  fi
  rm -rf "$ckpt"
done
echo "rows per run: $total (append), batches per run: $((last_a + 1)) (append)," \
  "$((last_b + 1)) (update)"
echo "restarts with work left after the kills: $hits of $((trials * 2))"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
