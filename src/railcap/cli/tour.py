"""``railcap demo``: the main job on the embedded Dutch data, as a readable tour."""

from __future__ import annotations

from rich.rule import Rule

from railcap.cli._common import console


def run() -> None:
    from railcap.cli import network, resilience, runtime, timetable

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
    console.print(Rule("railcap resilience rank --top 10"))
    resilience.rank(top=10, ops=False, as_json=False, network=resilience.NetworkOpt.default,
                    demand=None)
