"""What every CLI command shares: the console, JSON output, and turning errors into exit code 2."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text
from typer.core import TyperGroup

try:  # typer 0.2x parses with its own copy of click, whose exceptions are not click's
    from typer._click.exceptions import ClickException as _TyperClickException
except ImportError:  # pragma: no cover - older typer: click's own
    _TyperClickException = click.ClickException
USAGE_ERRORS = (click.ClickException, _TyperClickException)

from railcap.model.errors import RailcapError

console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def user_errors(fn: F) -> F:
    """Decorate a command: whatever goes wrong reaches the user as one line per problem, never a traceback.

    A RailcapError gives its problems and exit code 2; a file or database
    that cannot be used gives one line naming it (exit 2); Ctrl-C gives
    "interrupted" and exit code 130. Under ``--json`` (a parameter called
    ``as_json`` or ``json``) the error is a JSON object on stdout. User text
    in a message is never read as Rich markup.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json") or kwargs.get("json") is True)
        try:
            return fn(*args, **kwargs)
        except RailcapError as exc:
            _fail([{"element": p.element, "field": p.field, "reason": p.reason} for p in exc.problems], as_json)
        except KeyboardInterrupt:
            _fail([{"element": "command", "field": "", "reason": "interrupted; nothing more was written"}],
                  as_json, code=130)
        except OSError as exc:
            where = exc.filename or "file"
            _fail([{"element": f"'{where}'", "field": "path", "reason": exc.strerror or str(exc)}], as_json)
        except Exception as exc:
            from sqlalchemy.exc import SQLAlchemyError

            if not isinstance(exc, SQLAlchemyError):
                raise
            orig = getattr(exc, "orig", None)
            _fail([{"element": "database", "field": "db",
                    "reason": str(orig if orig is not None else exc).strip().splitlines()[0]}], as_json)

    return wrapper  # type: ignore[return-value]


def _fail(problems: list[dict], as_json: bool, code: int = 2) -> None:
    if as_json:
        print_json({"error": problems})
    else:
        for p in problems:
            field = f": field '{p['field']}'" if p["field"] else ""
            err_console.print(Text.assemble(("error", "bold red"), f": {p['element']}{field}: {p['reason']}"),
                              highlight=False, soft_wrap=True)
    raise typer.Exit(code)


class OneLineUsageErrors(TyperGroup):
    """The main command group: a usage error (unknown option, missing option, a value of the wrong type) is
    one line naming the option, exit code 2 — and under ``--json`` a JSON object on stdout, like every
    other error. (``typer.Typer(cls=OneLineUsageErrors)`` for the ``railcap`` app.)"""

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        as_json = "--json" in args
        try:
            ctx = super().make_context(info_name, args, parent=parent, **extra)
        except USAGE_ERRORS as exc:
            _usage_error(exc, as_json)
        ctx.meta["railcap_json"] = as_json
        return ctx

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except USAGE_ERRORS as exc:  # a sub-command's options
            _usage_error(exc, bool(ctx.meta.get("railcap_json")))


def _usage_error(exc: Exception, as_json: bool) -> None:
    """One problem from click's exception: the option it names (or the command line) and click's reason."""
    param = getattr(exc, "param", None)
    name = getattr(exc, "option_name", None) or (param.opts[0] if param is not None and param.opts else None)
    if name is None and param is not None:
        name = param.human_readable_name
    ctx = getattr(exc, "ctx", None)
    hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    _fail([{"element": "command line", "field": name or "", "reason": exc.format_message() + hint}], as_json,
          code=exc.exit_code if exc.exit_code else 2)


def plain(text: object) -> str:
    """User text (a name, a file, a note) for a Rich console: printed as written, never read as markup.

    >>> print(plain("[bold]x[/]"))
    \\[bold]x\\[/]
    """
    return escape(str(text))


@contextlib.contextmanager
def status(message: str, quiet: bool = False) -> Iterator[None]:
    """A spinner on stderr while something runs (none under --json or when stderr is not a terminal)."""
    if quiet or not err_console.is_terminal:
        yield
        return
    with err_console.status(message):
        yield


def check_output_path(path: Path, field: str, force: bool = False) -> Path:
    """A file the command is about to write: its folder must exist; an existing file (and always a
    database) is replaced only with ``--force``.

    >>> check_output_path(Path("/no/such/folder/out.csv"), "blocking")
    Traceback (most recent call last):
    ...
    railcap.model.errors.ValidationError: output: field 'blocking': the folder '/no/such/folder' does not exist
    """
    from railcap.model.errors import Problem, ValidationError

    if path.is_dir():
        raise ValidationError(Problem("output", field, f"'{path}' is a directory, not a file"))
    if not path.parent.is_dir():
        raise ValidationError(Problem("output", field, f"the folder '{path.parent}' does not exist"))
    if path.exists():
        with path.open("rb") as f:
            is_database = f.read(16) == b"SQLite format 3\x00"
        if is_database:
            raise ValidationError(Problem("output", field, f"'{path}' is a database; railcap never writes an "
                                                           f"export over one"))
        if not force:
            raise ValidationError(Problem("output", field, f"'{path}' exists; give --force to replace it"))
    return path


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
