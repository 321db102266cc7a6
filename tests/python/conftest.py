"""Shared fixtures of the Python tests: the repository root and the tpssim executable.

ctest runs these with PYTHONPATH=build/python and TPSSIM_EXE set (tests/CMakeLists.txt)."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture
def tpssim_exe() -> str:
    exe = os.environ.get("TPSSIM_EXE", str(ROOT / "build" / "tpssim"))
    if not os.path.exists(exe):
        pytest.skip(f"no tpssim executable at {exe}")
    return exe
