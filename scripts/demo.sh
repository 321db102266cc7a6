#!/usr/bin/env bash
# The main job: install what is missing, build (preset `default`, into build/), run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target tpssim tpssim_python
./build/tpssim run scenarios/demo.yaml "$@"
