#!/usr/bin/env bash
# Builds and runs every test: the code-format, layering and README checks, unit and
# statistical tests and the layering probes (Release, gcc), the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer (clang, so the code builds warning-free with
# both compilers; the same build holds the libFuzzer targets), each fuzz target for a brief run
# (20 s), and the tests of parallel code (replications) under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each stage's line says how long the command has run so far, for CI's log (docs/testing.md).
started=$SECONDS
stage() { echo "== [$((SECONDS - started)) s] $*" >&2; }
scripts/install-deps.sh

stage "format check"
scripts/check-format.sh

stage "layering check (docs/decisions/0008), and its self-test"
scripts/check-layering.sh
scripts/check-layering.sh --self-test

stage "README check (each folder's README names its files), and its self-test"
scripts/check-readmes.sh
scripts/check-readmes.sh --self-test

stage "Release build and tests"
cmake --preset default >/dev/null
cmake --build --preset default
stage "default tests (ctest --preset default)"
ctest --preset default

stage "AddressSanitizer + UBSan build (clang, with the fuzz targets) and unit tests"
# A build-asan/ from when the preset used gcc cannot switch compilers in place: start afresh.
if [ -f build-asan/CMakeCache.txt ] &&
  ! grep -q '^CMAKE_CXX_COMPILER:.*clang++' build-asan/CMakeCache.txt; then
  echo "tpssim: build-asan/ was configured with another compiler than clang++; removing it" >&2
  rm -rf build-asan
fi
cmake --preset asan >/dev/null
cmake --build --preset asan
stage "asan tests (ctest --preset asan)"
ctest --preset asan

stage "fuzzing: each libFuzzer target for 20 s from its seeds"
scripts/fuzz.sh --brief 20

stage "ThreadSanitizer build and the tests of parallel code"
cmake --preset tsan >/dev/null
cmake --build --preset tsan
stage "tsan tests (ctest --preset tsan)"
ctest --preset tsan
stage "all passed"
