"""tpssim.ScenarioError: a scenario that does not validate, with every diagnostic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Tuple


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a scenario, as the command line reports it.

    file: the file's path as given, or "<--set>", "<--chaos>", "<dict>";
    line, column: 1-based, 0 when unknown; key_path: dotted path such as
    "services.api.workers" (may be empty); message: what was expected and what was found.
    """

    file: str
    line: int
    column: int
    key_path: str
    message: str


class ScenarioError(ValueError):
    """A scenario (file, dict, ``set=`` override or ``chaos=`` fault) that does not validate.

    ``str(error)`` is the compiler-like text of ``tpssim validate`` (one line per problem,
    ``file:line:column: error: key.path: message``). ``diagnostics`` lists every problem;
    ``file``, ``line``, ``column``, ``key_path`` and ``message`` are those of the first.
    """

    diagnostics: List[Diagnostic]

    def __init__(self, text: str, diagnostics: Iterable[Tuple[str, int, int, str, str]] = ()):
        super().__init__(text)
        self.diagnostics = [Diagnostic(*d) for d in diagnostics]
        first = self.diagnostics[0] if self.diagnostics else Diagnostic("", 0, 0, "", text)
        self.file: str = first.file
        self.line: int = first.line
        self.column: int = first.column
        self.key_path: str = first.key_path
        self.message: str = first.message
