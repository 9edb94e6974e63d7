#!/usr/bin/env bash
# Crash test for stateful streaming: a windowed count (5-minute tumbling windows per key,
# WATERMARK 10 minutes, one input file per micro-batch, trigger availableNow) is killed with
# SIGKILL at random moments (up to three times), then restarted from its checkpoint until
# it completes. State, watermark and sink must recover so that what a reader sees equals an
# uninterrupted run:
#  (a) append mode into a JSON file sink (200 shuffle partitions): the committed output,
#      read back with a batch query, equals the uninterrupted run's output row for row;
#  (b) update mode into the console sink (4 shuffle partitions): the restart prints exactly
#      the batches after the last committed one, each equal (rows sorted within a batch) to
#      the uninterrupted run's batch with the same id. When a kill made a batch read two or
#      more files (see below), that batch must print the latest value of every group the
#      uninterrupted run's batches of those files printed, and later ids are compared with
#      the reference batch that read the same file.
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

# 20 files of 40 events over 8 keys; file f covers event time 01:00 + 2f minutes (+150 s).
# Whether a late row is dropped depends on the watermark of the batch that reads it, and a
# kill can change batch boundaries: the file source logs the next batch's file before the
# driver writes offsets/N, and a restart then reads that file and the next one in batch N,
# as Spark does. So late rows are either always kept or always dropped: 15% are up to 7
# minutes late (the watermark is at least 9.5 minutes behind the start of the file being
# read), and from file 12 on 5% are 30 to 40 minutes late (the watermark is at most 18
# minutes behind, even when a kill merged four files into one batch). The last file holds
# the far-future flush event.
awk -v files=20 -v rows=40 -v keys=8 -v dir="$in" '
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
        x = rand()
        if (f >= 12 && x < 0.05) t = base - 1800 - int(rand() * 600)
        else if (x < 0.20) t = base - int(rand() * 420)
        else t = base + int(rand() * 150)
        printf "{\"id\":\"k%d\",\"ts\":\"%s\"}\n", int(rand() * keys), ts(t) > tmp
      }
    }
    close(tmp)
    system(sprintf("mv %s %s/part-%03d.json", tmp, dir, f))
  }
}'

# write_job FILE MODE SINK_OPTIONS CKPT [SHUFFLE_PARTITIONS]
write_job() {
  cat > "$1" <<SQL
SET spark.sql.session.timeZone = 'UTC';
SET spark.sql.shuffle.partitions = ${5:-200};
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

# "N<TAB>end" per batch of a checkpoint: the file source's end offset (logOffset) of N.
batch_offsets() {
  for f in "$1"/offsets/*; do
    n=${f##*/}
    case $n in *[!0-9]*) continue ;; esac
    printf '%s\t%s\n' "$n" "$(sed -n '3s/[^0-9]//gp' "$f")"
  done | sort -n
}

# expected_batches REF_OFFSETS REF_BATCHES GOT_OFFSETS LAST_COMMIT: the console batches the
# restart must print (every batch after LAST_COMMIT in GOT_OFFSETS), built from the
# uninterrupted run's batches. A batch reading the same files as a reference batch prints
# what that one printed; a batch that read several files (a kill merged them) prints each
# group the reference batches of those files updated, with its latest value; a no-data
# batch prints what the reference's no-data batch at the same offset printed.
expected_batches() {
  awk -F '\t' -v c="$4" '
    FNR == 1 { fi++ }
    fi == 1 { rend[$1] = $2; nref = $1 + 1; next }
    fi == 2 { nrow[$1]++; row[$1, nrow[$1]] = $2; next }
    { gend[$1] = $2; if ($1 > ngot - 1) ngot = $1 + 1 }
    END {
      for (b = c + 1; b < ngot; b++) {
        s = b > 0 ? gend[b - 1] : -1
        e = gend[b]
        print b "\t#"
        split("", last); split("", order); n = 0
        for (r = 0; r < nref; r++) {
          rs = r > 0 ? rend[r - 1] : -1
          if (s == e ? (rs == e && rend[r] == e) : (rs >= s && rend[r] <= e && rs < rend[r])) {
            for (i = 1; i <= nrow[r]; i++) {
              x = row[r, i]
              if (x == "#") continue
              split(x, f, "|")
              k = f[2] "|" f[3]
              if (!(k in last)) order[++n] = k
              last[k] = x
            }
          }
        }
        for (i = 1; i <= n; i++) print b "\t" last[order[i]]
      }
    }' "$1" "$2" "$3" | sort -t "$(printf '\t')" -k1,1n -k2,2
}

# Reference runs, uninterrupted.
write_job "$root/ref_a.sql" append "json OPTIONS (path '$root/ref_out'" "$root/ref_ckpt_a"
write_job "$root/ref_b.sql" update "console OPTIONS (numRows '1000', truncate 'false'" \
  "$root/ref_ckpt_b" 4
if ! "$weir" run "$root/ref_a.sql" >/dev/null 2>"$root/err"; then
  echo "the uninterrupted append job failed: $(cat "$root/err")"
  exit 1
fi
total=$("$weir" run -e "CREATE TEMPORARY VIEW o (id STRING) USING json OPTIONS (path '$root/ref_out');
  SELECT count(*) FROM o" | sed -n '4p' | tr -d ' |')
pages=$((total / 20 + 2))
read_back "$root/ref_out" > "$root/ref_a.txt"
if [ "${total:-0}" -lt 50 ]; then
  echo "the uninterrupted append job wrote $total rows, expected 50 or more"
  exit 1
fi
if ! "$weir" run "$root/ref_b.sql" >"$root/ref_b.out" 2>"$root/err"; then
  echo "the uninterrupted update job failed: $(cat "$root/err")"
  exit 1
fi
console_batches "$root/ref_b.out" > "$root/ref_b.txt"
last_a=$(last_commit "$root/ref_ckpt_a")
last_b=$(last_commit "$root/ref_ckpt_b")
batch_offsets "$root/ref_ckpt_b" > "$root/ref_b.off"
# the mapping reproduces the reference from itself
expected_batches "$root/ref_b.off" "$root/ref_b.txt" "$root/ref_b.off" -1 > "$root/want_b.txt"
if ! cmp -s "$root/ref_b.txt" "$root/want_b.txt" || [ "$(wc -l < "$root/ref_b.off")" -lt 20 ]; then
  echo "the uninterrupted update job's batches are not what this test expects:"
  diff "$root/ref_b.txt" "$root/want_b.txt" | head -20
  exit 1
fi

passed=0 failed=0 kills=0 hits=0 merged=0
# kill_runs JOB CKPT LAST_BATCH: up to three runs of JOB, each killed at a random moment
# while the job has batches left: once it wrote offsets/K for a random batch K ahead,
# after a further random 0-29 ms (a batch takes about 10-30 ms).
kill_runs() {
  local c pid k ms
  for _ in 1 2 3; do
    c=$(last_commit "$2")
    [ "$c" -ge "$3" ] && break
    k=$((c + 1 + RANDOM % ($3 - c)))
    "$weir" run "$1" >/dev/null 2>&1 &
    pid=$!
    while [ ! -e "$2/offsets/$k" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.005; done
    ms=$((RANDOM % 30))
    sleep "0.$(printf %03d "$ms")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    kills=$((kills + 1))
    [ "$(last_commit "$2")" -lt "$3" ] && hits=$((hits + 1))
  done
}

for t in $(seq 1 "$trials"); do
  # (a) append mode, JSON file sink
  job=$root/a$t.sql out=$root/out_a$t ckpt=$root/ckpt_a$t
  write_job "$job" append "json OPTIONS (path '$out'" "$ckpt"
  kill_runs "$job" "$ckpt" "$last_a"
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
  write_job "$job" update "console OPTIONS (numRows '1000', truncate 'false'" "$ckpt" 4
  kill_runs "$job" "$ckpt" "$last_b"
  c=$(last_commit "$ckpt")
  if ! "$weir" run "$job" >"$root/got_b.out" 2>"$root/err"; then
    echo "update trial $t: the restarted job failed: $(cat "$root/err")"
    failed=$((failed + 1))
    rm -rf "$ckpt"
    continue
  fi
  console_batches "$root/got_b.out" > "$root/got_b.txt"
  batch_offsets "$ckpt" > "$root/got_b.off"
  [ "$(wc -l < "$root/got_b.off")" -ne "$(wc -l < "$root/ref_b.off")" ] && merged=$((merged + 1))
  expected_batches "$root/ref_b.off" "$root/ref_b.txt" "$root/got_b.off" "$c" > "$root/want_b.txt"
  if [ "$(tail -1 "$root/got_b.off" | cut -f2)" != "$(tail -1 "$root/ref_b.off" | cut -f2)" ]; then
    echo "update trial $t: the job stopped at offset $(tail -1 "$root/got_b.off"), not at" \
      "$(tail -1 "$root/ref_b.off")"
    failed=$((failed + 1))
  elif cmp -s "$root/want_b.txt" "$root/got_b.txt"; then
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
echo "kills that interrupted the job: $hits of $kills; update runs whose kills merged" \
  "batches: $merged"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
