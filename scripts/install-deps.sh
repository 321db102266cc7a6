#!/usr/bin/env bash
# Installs, with apt, whatever of tpssim's build and test dependencies is missing (Debian 12).
set -euo pipefail
# gcc (build-essential) builds the default, debug and tsan presets; clang, with its sanitizer
# and libFuzzer runtimes (libclang-rt-dev: libclang-rt-14-dev) the asan preset; llvm brings
# llvm-symbolizer, without which clang's sanitizer reports show bare addresses. hdf5-tools
# (h5dump), python3-h5py and python3-pandas: the results file's test reads it as a user would.
# pybind11-dev and python3-pybind11 build the Python module (bindings/); python3-numpy,
# python3-pytest and python3-tqdm its tests; python3-matplotlib, python3-nbclient,
# python3-nbformat and python3-ipykernel run the notebooks (notebooks/).
# python3-distributed (Dask) runs the sweep-on-a-cluster test; prometheus (prometheus and
# promtool) checks the OpenMetrics and rules exports against the real tools; chromium,
# chromium-driver and python3-selenium load the --html dashboard headless (python3-pil reads its screenshot); libjs-dygraphs is the
# charting library that page embeds.
packages=(
  build-essential cmake pkg-config clang-format clang libclang-rt-dev llvm
  libeigen3-dev libboost-graph-dev libhdf5-dev pybind11-dev libfmt-dev doctest-dev
  libyaml-cpp-dev libpcg-cpp-dev nlohmann-json3-dev libbenchmark-dev
  hdf5-tools python3-h5py python3-pandas
  python3-pybind11 python3-numpy python3-pytest python3-tqdm python3-matplotlib
  python3-nbclient python3-nbformat python3-ipykernel
  python3-distributed prometheus chromium chromium-driver python3-selenium libjs-dygraphs python3-pil
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "tpssim: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
