"""A plan as terminal tables: the paths found, the timing of the best one, the civil hindrance."""

from __future__ import annotations

from rich.table import Table

from railcap.model.clock import format_span
from railcap.model.infrastructure import Network
from railcap.pathing.planner import PlanResult
from railcap.pathing.report import RANKED_BY, exceptional_to_dict, path_to_dict
from railcap.pathing.request import clock
from railcap.viz.tables import compact_table


def _render_exceptional(ex: dict | None, console) -> None:
    """One or two lines: the conditions the path runs under, where an explosives train may stand."""
    if not ex:
        return
    if "sections" in ex:
        kinds: dict[str, int] = {}
        for row in ex["sections"]:
            for c in row["conditions"]:
                kinds[c] = kinds.get(c, 0) + 1
        said = ", ".join(f"{c.replace('_', ' ')} on {n} section(s)" for c, n in kinds.items()) or "none"
        console.print(f"exceptional transport (out-of-gauge class {ex['out_of_gauge_class']}): {said}; "
                      f"adjacent track held over {ex['adjacent_track_held_km']:.1f} km", highlight=False)
    if "may_stand_at" in ex:
        stands = ", ".join(ex["may_stand_at"][:12]) or "nowhere between its ends"
        console.print(f"{ex['stand_rule']}; on this route it may stand at: {stands}", highlight=False)


def render(result: PlanResult, net: Network, console) -> None:
    """Tables for the terminal: the paths, the timing of the best one, the civil hindrance."""
    req = result.request
    title = f"{req.consist.id} {req.origin} → {req.destination}, {req.priority.value} ({result.stage})"
    if not result.found:
        console.print(f"[bold red]No path[/] for {title}")
        if result.explanation:
            console.print(result.explanation.summary)
            for e in result.explanation.excluded[:8]:
                console.print(f"  • {e['section']}: {e['reason']}")
            for b in result.explanation.blocking_trains[:8]:
                console.print(f"  • {b['train_id']} ({b['class']}) holds {b['resource_id']} {b['start']}–{b['end']}")
        return
    t = Table(title=title + f"\nranked by {RANKED_BY}")
    for col in ("#", "departs", "arrives", "journey min", "waiting min", "km", "via"):
        t.add_column(col, justify="right" if col not in ("via",) else "left")
    for n, p in enumerate(result.paths, 1):
        named = [o for o in p.route.ops[1:-1] if net.ops[o].kind.value != "junction"]
        via = " – ".join(net.ops[o].name for o in named[::max(1, len(named) // 3)][:4])
        t.add_row(str(n), clock(p.departure_s), clock(p.arrival_s),
                  f"{(p.arrival_s - p.departure_s) / 60:.0f}", f"{max(0.0, p.waiting_s) / 60:.0f}",
                  f"{p.route.length_m / 1000:.0f}", via)
    console.print(t)
    best = path_to_dict(result.paths[0], 1, net)
    times = Table(title="path 1: times at the operational points (stands and ends)")
    for col in ("point", "km", "arrives", "departs", "stands min"):
        times.add_column(col, justify="left" if col == "point" else "right")
    for row in best["points"]:
        if row["stops"] or row is best["points"][-1]:
            times.add_row(row["name"], f"{row['km']:.1f}", row["arrival"] or "", row["departure"] or "",
                          f"{row['stand_min']:.0f}")
    console.print(times)
    _render_exceptional(exceptional_to_dict(result.paths[0], req.consist, net), console)
    if result.hindrance:
        # train ids and times never break (spans: departure rounded down, arrival up, as the engine holds them)
        classes = {x.train_class for x in result.hindrance}
        one_class = classes.pop() if len(classes) == 1 else None  # then said once, in the title
        h = compact_table("civil hindrance" + (f": {one_class} trains" if one_class else ""))
        h.add_column("train", overflow="fold")
        columns = [*([] if one_class else ["class"]), "action", "was", "now", "delay min", "rule"]
        for col in columns:
            h.add_column(col, no_wrap=True, justify="right" if col == "delay min" else "left")
        rules: list[str] = []
        for x in result.hindrance:
            d = x.to_dict()
            if d["rule"] not in rules:
                rules.append(d["rule"])
            now = ("–" if x.new_departure_s is None
                   else format_span(x.new_departure_s, x.new_arrival_s, seconds=False))
            h.add_row(d["train_id"], *([] if one_class else [d["class"]]), d["action"],
                      format_span(x.old_departure_s, x.old_arrival_s, seconds=False), now,
                      f"{d['delay_min']:.0f}", f"[{rules.index(d['rule']) + 1}]")
        console.print(h)
        for n, rule in enumerate(rules, 1):
            console.print(f"  [{n}] {rule}", highlight=False)
        for cls, tot in result.hindrance_totals().items():
            console.print(f"  {cls}: {tot['trains']} train(s), {tot['delay_min']:.0f} delay min, "
                          f"{tot['cancelled']} cancelled")
