"""Errors a user can act on. The CLI prints them without a traceback."""

from __future__ import annotations


class GreenlibError(Exception):
    """Base class: a problem with the user's input or set-up, not a bug."""


class InputError(GreenlibError):
    """A file cannot be read, or is not what it should be (e.g. not a plan)."""


class ValidationError(GreenlibError):
    """A table or input fails its schema. The message names table/file, row and field."""

    def __init__(self, problems: list[str], what: str = "") -> None:
        self.problems = list(problems)
        head = f"{what}: " if what else ""
        shown = "\n  - ".join(self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{head}{len(self.problems)} problem(s)\n  - {shown}{more}")
