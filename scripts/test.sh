#!/usr/bin/env bash
# Builds and runs every test: the code-format, layering and README checks, unit and
# statistical tests and the layering probes (Release, gcc), the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer (clang, so the code builds warning-free with
# both compilers; the same build holds the libFuzzer targets), each fuzz target for a brief run
# (20 s), and the tests of parallel code (replications) under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== format check" >&2
scripts/check-format.sh

echo "== layering check (docs/decisions/0008), and its self-test" >&2
scripts/check-layering.sh
scripts/check-layering.sh --self-test

echo "== README check (each folder's README names its files), and its self-test" >&2
scripts/check-readmes.sh
scripts/check-readmes.sh --self-test

echo "== Release build and tests" >&2
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default

echo "== AddressSanitizer + UBSan build (clang, with the fuzz targets) and unit tests" >&2
# A build-asan/ from when the preset used gcc cannot switch compilers in place: start afresh.
if [ -f build-asan/CMakeCache.txt ] &&
  ! grep -q '^CMAKE_CXX_COMPILER:.*clang++' build-asan/CMakeCache.txt; then
  echo "tpssim: build-asan/ was configured with another compiler than clang++; removing it" >&2
  rm -rf build-asan
fi
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan

echo "== fuzzing: each libFuzzer target for 20 s from its seeds" >&2
scripts/fuzz.sh --brief 20

echo "== ThreadSanitizer build and the tests of parallel code" >&2
cmake --preset tsan >/dev/null
cmake --build --preset tsan
ctest --preset tsan
