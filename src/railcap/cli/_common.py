"""What every CLI command shares: the console, JSON output, and turning errors into exit code 2."""

from __future__ import annotations

import functools
import json
import sys
from typing import Any, Callable, TypeVar

import typer
from rich.console import Console

from railcap.model.errors import RailcapError

console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def user_errors(fn: F) -> F:
    """Decorate a command: a RailcapError becomes one red line per problem and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RailcapError as exc:
            for p in exc.problems:
                err_console.print(f"[bold red]error[/]: {p}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """Machine output: plain JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def given_once(field: str, argument: str | None, option: str | None, default: str | None = None) -> str:
    """A value a command takes either as an argument or as ``--field`` (not both, and not neither).

    >>> given_once("from", None, "Kijfhoek")
    'Kijfhoek'
    """
    from railcap.model.errors import Problem, ValidationError

    if argument is not None and option is not None and argument != option:
        raise ValidationError(Problem("command line", field, f"given twice ({argument!r} and --{field} {option!r})"))
    value = argument if argument is not None else option if option is not None else default
    if value is None:
        raise ValidationError(Problem("command line", field, f"missing: give it as an argument or as --{field}"))
    return value
