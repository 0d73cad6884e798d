"""``railcap demo``: the main job on the embedded Dutch data, as a readable tour."""

from __future__ import annotations

from rich.rule import Rule

from railcap.cli._common import console


def run() -> None:
    from railcap.cli import network

    console.print(Rule("railcap — the Dutch network"))
    network.info(as_json=False, network=None)
    for op in ("Kijfhoek", "zevenaar-grens"):
        console.print(Rule(f"railcap network show {op}"))
        network.show(op=op, as_json=False, network=None)
