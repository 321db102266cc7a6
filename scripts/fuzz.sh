#!/usr/bin/env bash
# Builds the libFuzzer targets (they are part of the `asan` preset's build: clang, ASan + UBSan)
# and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]           by hand: default 60 s per target, libFuzzer's output shown
#   scripts/fuzz.sh --brief [SECONDS]   what scripts/test.sh runs: default 20 s per target, from
#                                       the seeds in a throwaway corpus, output only on a finding
#
# By hand, the corpus grows in build-asan/fuzz/corpus/TARGET/ (kept between runs, never
# committed) and libFuzzer's output is kept in build-asan/fuzz/logs/TARGET.log too. The seeds
# are rebuilt from scenarios/ and tests/bad/ on every build. A crash, a hang (more than 10 s on
# one input), a leak or a sanitizer report leaves its input in build-asan/fuzz/findings/TARGET/
# and makes the script fail: turn it into a tests/bad/ file (docs/testing.md). Each target ends
# with one line on stdout: "fuzz_TARGET: passed, ..." or "fuzz_TARGET: FAILED ...".
#
# Environment: TPSSIM_FUZZ_BUILD_DIR (default build-asan, the asan preset's folder).
set -euo pipefail
cd "$(dirname "$0")/.."

brief=0
if [ "${1:-}" = "--brief" ]; then
  brief=1
  shift
fi
seconds="${1:-$((brief ? 20 : 60))}"
if [ $# -gt 1 ] || ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [--brief] [SECONDS]" \
    "(whole seconds per target; default 60, 20 with --brief)" >&2
  exit 2
fi
build="${TPSSIM_FUZZ_BUILD_DIR:-build-asan}"

scripts/install-deps.sh

echo "== building the fuzz targets into $build" >&2
# A folder configured with gcc (build-asan/ before the asan preset used clang) cannot switch
# compilers in place; scripts/test.sh starts build-asan/ afresh, this script only says so.
if [ -f "$build/CMakeCache.txt" ] &&
  ! grep -q '^CMAKE_CXX_COMPILER:.*clang++' "$build/CMakeCache.txt"; then
  echo "tpssim: $build/ was configured with another compiler than clang++: delete it first" >&2
  exit 2
fi
cmake --preset asan -B "$build" >/dev/null
cmake --build "$build" -j2 --target fuzz_scenario_loader fuzz_set_override

out="$build/fuzz"
# UBSan prints no stack by default; a finding should say where.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
logs="$out/logs"
if ((brief)); then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  logs="$scratch"
fi
mkdir -p "$logs"

status=0
for target in scenario_loader set_override; do
  findings="$out/findings/$target"
  if ((brief)); then corpus="$scratch/corpus/$target"; else corpus="$out/corpus/$target"; fi
  log="$logs/$target.log"
  mkdir -p "$corpus" "$findings"
  echo "== fuzz_$target for ${seconds}s (corpus $corpus, findings $findings)" >&2
  # The first folder is the corpus libFuzzer adds to; the seeds are read only.
  run=("$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
    -dict="$out/$target.dict" -artifact_prefix="$findings/" "$corpus" "$out/seeds/$target")
  rc=0
  if ((brief)); then
    "${run[@]}" >"$log" 2>&1 || rc=$?
  else
    "${run[@]}" 2>&1 | tee "$log" >&2 || rc=$?
  fi
  if ((rc == 0)); then
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    echo "fuzz_$target: passed, ${seconds}s, ${runs:-?} inputs, no finding"
  else
    if ((brief)); then
      # libFuzzer's report: from the first sign of trouble to the end (the tail if none shows).
      first="$(grep -n -m 1 -E '==[0-9]+== ?ERROR|fuzz finding:|runtime error:|ALARM' "$log" |
        cut -d: -f1 || true)"
      if [ -n "$first" ]; then
        tail -n "+$first" "$log" | head -n 200 >&2
      else
        tail -n 50 "$log" >&2
      fi
    fi
    echo "fuzz_$target: FAILED (exit $rc); the input is in $findings/," \
      "replay it with $build/tests/fuzz/fuzz_$target FILE"
    status=1
  fi
done
exit "$status"
