"""``railcap demo``: the main job on the embedded Dutch data, as a readable tour.

Each step is the command a user would type, run through the CLI itself, so the
tour always takes the commands' own defaults and checks.
"""

from __future__ import annotations

from rich.rule import Rule

from railcap.cli._common import console

#: (title, command line); a command that ends with a refusal shows its explanation and the tour goes on.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("railcap — the Dutch network", ("network", "info")),
    ("railcap network show Kijfhoek", ("network", "show", "Kijfhoek")),
    ("railcap network show zevenaar-grens", ("network", "show", "zevenaar-grens")),
    ("railcap run-time: a military heavy train, Maasvlakte → Emmerich border",
     ("run-time", "--consist", "military-heavy", "--from", "rotterdam-maasvlakte", "--to", "zevenaar-grens")),
    ("railcap timetable info (the reference weekday)", ("timetable", "info")),
    ("railcap timetable conflicts", ("timetable", "conflicts")),
    ("railcap path plan: a military heavy train, Maasvlakte → Emmerich border, today 14:00",
     ("path", "plan", "--from", "Maasvlakte", "--to", "zevenaar-grens", "--depart-after", "14:00",
      "--consist", "military-heavy", "--priority", "military")),
    ("railcap path plan: a 740 m intermodal train over the Venlo border (it may not)",
     ("path", "plan", "--from", "Kijfhoek", "--to", "venlo-grens", "--depart-after", "08:00",
      "--consist", "intermodal-740", "--priority", "freight")),
    ("railcap resilience rank --top 10", ("resilience", "rank", "--top", "10")),
)


def run(steps: tuple[tuple[str, tuple[str, ...]], ...] = STEPS) -> list[int]:
    """Run the tour; returns each step's exit code (1 for a refused path request, 0 otherwise)."""
    from railcap.cli import app

    codes = []
    for title, args in steps:
        console.print(Rule(title))
        code = app(list(args), standalone_mode=False, prog_name="railcap")
        codes.append(int(code or 0))
    return codes
