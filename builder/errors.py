"""One error family for the user's mistakes.

A `Diagnostic` names the file and line of a problem; stages collect every diagnostic they
find instead of stopping at the first, and the CLI prints them all as `path:line: message`.
A `UserError` carries diagnostics up to the CLI, which exits 1 without a traceback; any other
exception is a bug in Gloss and keeps its traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    path: Path | None
    line: int | None
    message: str
    severity: Severity = "error"
    hint: str = ""

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        kind = "warning: " if self.severity == "warning" else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{kind}{self.message}{hint}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class UserError(Exception):
    """A problem with the user's site, not with Gloss. Carries every diagnostic found."""

    def __init__(self, diagnostics: Iterable[Diagnostic] | Diagnostic | str):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(None, None, diagnostics)]
        elif isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def __reduce__(self):
        # keep the diagnostics whole when the error crosses from a worker process
        return (UserError, (self.diagnostics,))


def errors_in(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.is_error]


def display_path(path: Path, root: Path | None = None) -> Path:
    """The path as the user would type it: relative to `root` (or the working dir) if inside."""
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve())
        except ValueError:
            continue
    return path
