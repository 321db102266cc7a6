#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset `fuzz`: clang, ASan + UBSan) and runs each for a
# bounded time: scripts/fuzz.sh [SECONDS] (default 60 per target).
#
# The corpus grows in build-fuzz/fuzz/corpus/TARGET/ (kept between runs, never committed); the
# seeds are rebuilt from scenarios/ and tests/bad/ on every build. A crash, a hang (more than
# 10 s on one input) or a sanitizer report leaves its input in build-fuzz/fuzz/findings/ and
# makes the script fail: turn it into a tests/bad/ file (docs/testing.md).
#
# Environment: TPSSIM_FUZZ_BUILD_DIR (default build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]   (a whole number of seconds per target, default 60)" >&2
  exit 2
fi
build="${TPSSIM_FUZZ_BUILD_DIR:-build-fuzz}"

scripts/install-deps.sh
# libFuzzer comes with clang (its runtime in libclang-rt-dev); not needed by the other builds.
missing=()
for p in clang libclang-rt-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "tpssim: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== building the fuzz targets into $build" >&2
cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" -j2 --target fuzz_scenario_loader fuzz_set_override

out="$build/fuzz"
status=0
for target in scenario_loader set_override; do
  corpus="$out/corpus/$target"
  findings="$out/findings/$target"
  mkdir -p "$corpus" "$findings"
  echo "== fuzz_$target for ${seconds}s (corpus $corpus, findings $findings)" >&2
  # The first folder is the corpus libFuzzer adds to; the seeds are read only.
  if ! "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -dict="$out/$target.dict" -artifact_prefix="$findings/" "$corpus" "$out/seeds/$target"; then
    echo "fuzz_$target: FOUND A PROBLEM; its input is in $findings/" >&2
    status=1
  fi
done
exit "$status"
