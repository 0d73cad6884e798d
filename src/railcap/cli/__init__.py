"""The ``railcap`` command line: a thin face over the Python API.

Each sub-command lives in its own face module, imported only when that
command runs (``railcap path plan`` loads the path modules, not the
resilience engine's HiGHS, the web server or the portfolio optimiser): the
imports of every face together cost more than half a second of every cold
call. ``railcap --help`` lists them all, and so loads them all.
"""

from __future__ import annotations

import importlib
import inspect

import typer

from railcap.cli._common import OneLineUsageErrors

# sub-command → (face module, attribute, kind): "group" is a module's typer app, "command" one function.
# Register a new face here (one line each); ``railcap --help`` lists single commands, then groups.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "network": ("railcap.cli.network", "app", "group"),
    "rolling-stock": ("railcap.cli.rolling_stock", "app", "group"),
    "run-time": ("railcap.cli.runtime", "run_time", "command"),
    "resilience": ("railcap.cli.resilience", "app", "group"),
    "surroundings": ("railcap.cli.surroundings", "app", "group"),
    "timetable": ("railcap.cli.timetable", "app", "group"),
    "diagram": ("railcap.cli.diagram", "diagram", "command"),
    "path": ("railcap.cli.path", "app", "group"),
    "movement": ("railcap.cli.movement", "app", "group"),
    "portfolio": ("railcap.cli.portfolio", "app", "group"),
    "users": ("railcap.cli.users", "app", "group"),
    "capacity": ("railcap.cli.capacity", "app", "group"),
    "serve": ("railcap.cli.serve", "serve", "command"),
}


class LazyGroup(OneLineUsageErrors):
    """The main command group: a sub-command's module is imported when the command is looked up (usage
    errors one line, as :class:`OneLineUsageErrors` makes them)."""

    def list_commands(self, ctx) -> list[str]:
        """Single commands first, then the app's own (``demo``), then the groups, as typer orders them."""
        single = [n for n, (_, _, kind) in COMMANDS.items() if kind == "command"]
        groups = [n for n, (_, _, kind) in COMMANDS.items() if kind == "group"]
        return [*single, *(n for n in self.commands if n not in COMMANDS), *groups]

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = _load(cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in COMMANDS:
            for name in COMMANDS:  # a typo: load every command, so that "did you mean …?" knows them all
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


def _load(name: str):
    module, attribute, kind = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    if kind == "group":
        command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    _one_line_summaries(command)
    return command


def _one_line_summaries(command) -> None:
    """Each command's summary in a group's list is the first paragraph of its docstring as one line:
    in Rich markup mode typer keeps the docstring's own line breaks, which cut the list's sentences."""
    if command.help and not command.short_help:
        first = inspect.cleandoc(command.help).split("\n\n")[0]
        command.short_help = " ".join(first.split())
    for sub in getattr(command, "commands", {}).values():
        _one_line_summaries(sub)


app = typer.Typer(cls=LazyGroup, no_args_is_help=True, add_completion=False,
                  help="railcap: short-notice paths, resilience and measures on the Dutch rail network.")


@app.callback()
def _main() -> None:
    # a callback makes the app a group even though its own commands are registered lazily
    pass


@app.command()
def demo() -> None:
    """The main job on the embedded Dutch data: a tour of what railcap knows and computes."""
    from railcap.cli import tour

    tour.run()
