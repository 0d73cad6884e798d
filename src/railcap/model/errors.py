"""Errors that reach a user: each names the element, the field and the reason.

The CLI turns any ``RailcapError`` into readable lines and exit code 2;
nothing of ours should reach the user as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input."""

    element: str  # e.g. "section 'ah-zv'", "SPOORTAK_17.csv line 12"
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.element}: field '{self.field}': {self.reason}"


class RailcapError(Exception):
    """Base of every error meant for the user; carries one or more problems."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class ValidationError(RailcapError):
    """The input model breaks one or more rules."""


class InputFileError(RailcapError):
    """A file could not be read as the format it claims to be."""


class NotFoundError(RailcapError):
    def __init__(self, what: str, query: str, hint: str = ""):
        reason = f"no {what} called '{query}'" + (f" (similar: {hint})" if hint else "")
        super().__init__(Problem(what, "id", reason))
