#!/usr/bin/python3
"""Executes notebooks (all of notebooks/*.ipynb by default) with nbclient, from the
repository root, as ctest's `notebooks` test does; fails when a cell raises or a notebook takes
longer than its limit. The notebooks are stored with their outputs stripped; this writes
nothing back.

    PYTHONPATH=build/python /usr/bin/python3 notebooks/run_notebooks.py [NOTEBOOK...]
"""

import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIMIT_SECONDS = 120  # a notebook is meant to run in under a minute; this is the hard stop


def has_outputs(notebook) -> bool:
    return any(cell.get("outputs") or cell.get("execution_count")
               for cell in notebook.cells if cell.cell_type == "code")


def main(paths) -> int:
    paths = [pathlib.Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    failed = 0
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        if has_outputs(notebook):
            print(f"{path.name}: stored with outputs: strip them (see notebooks/README.md)")
            failed += 1
            continue
        start = time.monotonic()
        client = NotebookClient(notebook, timeout=LIMIT_SECONDS, kernel_name="python3",
                                resources={"metadata": {"path": str(ROOT)}})
        try:
            client.execute()
        except Exception as error:  # a raised cell: CellExecutionError names it
            print(f"{path.name}: FAILED\n{error}")
            failed += 1
            continue
        print(f"{path.name}: ok in {time.monotonic() - start:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
