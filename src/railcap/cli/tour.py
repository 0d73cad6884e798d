"""``railcap demo``: the main job on the embedded Dutch data, as a readable tour."""

from __future__ import annotations

from rich.rule import Rule

from railcap.cli._common import console


def run() -> None:
    from railcap.cli import network, resilience, runtime, timetable
    from railcap.cli import path as path_cli

    console.print(Rule("railcap — the Dutch network"))
    network.info(as_json=False, network=None)
    for op in ("Kijfhoek", "zevenaar-grens"):
        console.print(Rule(f"railcap network show {op}"))
        network.show(op=op, as_json=False, network=None)
    console.print(Rule("railcap run-time military-heavy rotterdam-maasvlakte zevenaar-grens"))
    runtime.run_time(consist="military-heavy", from_op="rotterdam-maasvlakte", to_op="zevenaar-grens",
                     via=[], json=False, allowance_percent=0.0)
    console.print(Rule("railcap timetable info / conflicts (the reference weekday)"))
    timetable.info(as_json=False, timetable=None)
    timetable.conflicts(as_json=False, timetable=None, tolerance_s=0.0)
    console.print(Rule("railcap path plan: a military heavy train, Maasvlakte → Emmerich border, today 14:00"))
    _plan(path_cli, "Maasvlakte", "zevenaar-grens", "14:00", "military-heavy", "military")
    console.print(Rule("railcap path plan: a 740 m intermodal train over the Venlo border (it may not)"))
    _plan(path_cli, "Kijfhoek", "venlo-grens", "08:00", "intermodal-740", "freight")
    console.print(Rule("railcap resilience rank --top 10"))
    resilience.rank(top=10, ops=False, as_json=False, network=resilience.NetworkOpt.default,
                    demand=None)


def _plan(path_cli, origin: str, destination: str, depart: str, consist: str, priority: str) -> None:
    """One `railcap path plan` with its tables; an infeasible request shows its explanation."""
    import typer

    try:
        path_cli.plan(from_op=origin, to_op=destination, via=[], depart_after=depart, arrive_before=None,
                      window=[], consist=consist, priority=priority, alternatives=2, allowance_percent=0.0,
                      passenger_tolerance=0.0, cancel_passenger=False, accept_delay=30.0,
                      db=None, as_json=False)
    except typer.Exit:
        pass  # no path: the explanation has been printed
