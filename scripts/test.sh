#!/usr/bin/env bash
# Builds and runs every test: unit and statistical tests (Release), the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer, the tests of parallel code (replications)
# under ThreadSanitizer, and the code-format check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== format check" >&2
scripts/check-format.sh

echo "== Release build and tests" >&2
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default

echo "== AddressSanitizer + UBSan build and unit tests" >&2
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan

echo "== ThreadSanitizer build and the tests of parallel code" >&2
cmake --preset tsan >/dev/null
cmake --build --preset tsan
ctest --preset tsan
