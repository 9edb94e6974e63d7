#!/usr/bin/env bash
# Fails when a tracked C source differs from .clang-format (clang-format 14 here).
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "clang-format not installed"; exit 1; }
bad=0 n=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests bench -name '*.[ch]'); do
  n=$((n + 1))
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || { echo "not formatted: $f"; bad=$((bad + 1)); }
done
echo "$((n - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
