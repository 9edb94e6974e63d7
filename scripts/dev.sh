#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs the Debian packages weir needs
# (as root, or through sudo), configures, builds and then
#   demo   runs weir's main job on embedded defaults (no server needed)
#   test   runs the whole test suite in the ASan+UBSan build
#   bench  runs the benchmarks in the optimized build
#   build  only builds (release and sanitizer trees)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-demo}
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

release() {
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C build/release -j"$jobs" weir $(ls bench/bench_*.c 2>/dev/null | xargs -rn1 basename | sed 's/\.c$//')
}
sanitized() {
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWEIR_SANITIZE=ON >/dev/null
  ninja -C build/asan -j"$jobs"
}

case "$what" in
  demo)
    release
    exec ./build/release/weir run examples/demo.sql ;;
  test)
    sanitized
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ctest --test-dir build/asan --output-on-failure -j"$jobs" ;;
  bench)
    release
    for b in build/release/bench_*; do echo "== $b"; "$b"; done ;;
  build)
    release
    sanitized ;;
  *) echo "usage: scripts/dev.sh demo|test|bench|build" >&2; exit 2 ;;
esac
