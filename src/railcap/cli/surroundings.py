"""``railcap surroundings …``: noise emission (CNOSSOS-EU) and dangerous goods per section, and their change."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from railcap.cli._common import console, err_console, plain, print_json, user_errors
from railcap.model.errors import Problem, RailcapError

app = typer.Typer(no_args_is_help=True,
                  help="Surroundings: noise emission (CNOSSOS-EU) and dangerous goods per section, and their change.")

ScenarioOpt = typer.Option(None, "--scenario", help="a named resilience scenario (e.g. emmerich-closed)")
TrainsOpt = typer.Option(None, "--trains", help="JSON file: added trains [{consist, count, hour, route, rid_class?}] "
                         "or {\"trains\": [...], \"remove_runs\": [reference-day run ids]}")
JsonOpt = typer.Option(False, "--json", help="machine output (errors too)")
TopOpt = typer.Option(15, "--top", min=1, help="rows in the terminal tables")
GeoOpt = typer.Option(None, "--geojson", help="write the map layer of the change (or of the day) as GeoJSON")
HtmlOpt = typer.Option(None, "--html", help="write the map of the change (or of the day) as a self-contained HTML page")


def _read_trains(path: Optional[Path]) -> tuple[list, list[str]]:
    """Added trains and removed run ids from a trains file (a list, or {"trains": [...], "remove_runs": [...]})."""
    from railcap.services.surroundings import read_trains_file

    return read_trains_file(path) if path else ([], [])


def _change(scenario: Optional[str], trains: Optional[Path], threshold_db: float, ceilings: Optional[Path] = None):
    """The change report of a scenario and/or added trains (None when neither is given)."""
    from railcap.services import surroundings as svc

    if not math.isfinite(threshold_db):
        raise RailcapError(Problem("command line", "threshold-db", "must be a finite number of dB"))
    limits = svc.read_noise_ceilings(ceilings) if ceilings else None
    added, removed = _read_trains(trains)
    if scenario and trains:
        raise RailcapError(Problem("command line", "scenario/trains", "give --scenario or --trains, not both"))
    if scenario:
        from railcap.services.surroundings_scenario import scenario_change  # lazy: start-up speed of the CLI

        return scenario_change(scenario, threshold_db, limits)
    if trains:
        return svc.change_of_runs(added_trains=added, removed_run_ids=removed, threshold_db=threshold_db,
                                  ceilings_dba=limits, title=f"trains from {plain(trains)}")
    return None


def _fmt(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "–"
    return f"{x:+.1f}" if signed else f"{x:.1f}"


def _write_maps(geo: Optional[Path], page: Optional[Path], props: dict[str, dict], values: dict[str, float],
                labels: dict[str, str], title: str, unit: str, legend: list[str]) -> None:
    from railcap.services.surroundings import load
    from railcap.viz.surroundings_map import change_map_html, geojson

    network = load().network
    if geo:
        geo.write_text(json.dumps(geojson(network, props, title), ensure_ascii=False), encoding="utf-8")
        err_console.print(f"wrote {plain(geo)} ({len(props)} sections)")
    if page:
        page.write_text(change_map_html(network, values, labels, title, unit, legend), encoding="utf-8")
        err_console.print(f"wrote {plain(page)}")


@app.command("noise")
@user_errors
def noise_cmd(scenario: Optional[str] = ScenarioOpt, trains: Optional[Path] = TrainsOpt,
              threshold_db: float = typer.Option(0.5, "--threshold-db", help="flag sections whose Lden emission "
                                                 "rises by more than this (dB)"),
              ceilings: Optional[Path] = typer.Option(None, "--ceilings", help="JSON {section_id: Lden emission "
                                                      "ceiling in dB(A)/m}; none is shipped"),
              top: int = TopOpt, as_json: bool = JsonOpt, geo: Optional[Path] = GeoOpt,
              page: Optional[Path] = HtmlOpt) -> None:
    """Noise emission per section and period (CNOSSOS-EU), or its change under a scenario or added trains."""
    from railcap.services import surroundings as svc

    report = _change(scenario, trains, threshold_db, ceilings)
    if report is None:
        day = svc.reference_day()
        if geo or page:
            _write_maps(geo, page, {d.section_id: {**{f"{k}_dba": v for k, v in d.levels_dba.items()},
                                                   "trains": d.trains} for d in day},
                        {d.section_id: d.levels_dba["lden"] - 60.0 for d in day},
                        {d.section_id: f"Lden emission {d.levels_dba['lden']:.1f} dB(A)/m" for d in day},
                        "railcap: rail noise emission, reference weekday", "dB relative to 60 dB(A)/m", [])
        if as_json:
            print_json({"method": "CNOSSOS-EU railway source model (Directive (EU) 2015/996 Annex II 2.3, "
                                  "as amended by (EU) 2021/1226)",
                        "unit": "dB(A) re 1 pW per metre of line (L_W'), both directions of a section",
                        "lden_at_25m": "indicative: L_W' − 10·lg(π·25 m), no ground, air absorption or screening",
                        "sections": [d.__dict__ for d in day]})
            return
        table = Table(title=f"Rail noise emission, reference weekday: the {top} loudest of {len(day)} sections "
                            "(L_W', dB(A)/m; CNOSSOS-EU)")
        for col in ("section", "day", "evening", "night", "Lden", "Lden@25 m", "trains d/e/n"):
            table.add_column(col, justify="right" if col != "section" else "left", overflow="fold",
                             min_width=34 if col == "section" else None)
        for d in day[:top]:
            lv = d.levels_dba
            table.add_row(d.section_id, _fmt(lv["day"]), _fmt(lv["evening"]), _fmt(lv["night"]), _fmt(lv["lden"]),
                          _fmt(d.lden_at_25m_dba), "/".join(f"{d.trains[k]:.0f}" for k in ("day", "evening", "night")))
        console.print(table)
        return
    if geo or page:
        props = {c.section_id: {"lden_change_db": c.change_db["lden"], "change_db": c.change_db,
                                "before_dba": c.before_dba, "after_dba": c.after_dba,
                                "exceeds_threshold": c.exceeds_threshold} for c in report.noise}
        vals = {c.section_id: c.lden_change_db for c in report.noise}
        labels = {c.section_id: f"Lden {_fmt(c.before_dba['lden'])} → {_fmt(c.after_dba['lden'])} dB(A)/m "
                                f"({_fmt(c.change_db['lden'], True)} dB)" for c in report.noise}
        _write_maps(geo, page, props, vals, labels, f"railcap: noise change, {report.title}", "dB", report.notes)
    if as_json:
        print_json(report.to_dict())
        return
    _print_noise_change(report, top)


def _print_noise_change(report, top: int) -> None:
    s = report.summary()
    for n in report.notes:
        console.print(n)
    table = Table(title=f"Noise emission change, {plain(report.title)}: sections louder by most (L_W', dB(A)/m)")
    for col in ("section", "Lden before", "Lden after", "Δ day", "Δ evening", "Δ night", "Δ Lden",
                f"> {report.threshold_db:g} dB"):
        table.add_column(col, justify="right" if col != "section" else "left", overflow="fold",
                         min_width=34 if col == "section" else None)

    def row(c) -> None:
        d = c.change_db
        new = c.before_dba["lden"] is None
        table.add_row(c.section_id, _fmt(c.before_dba["lden"]), _fmt(c.after_dba["lden"]), _fmt(d["day"], True),
                      _fmt(d["evening"], True), _fmt(d["night"], True),
                      "new" if new else ("gone" if c.after_dba["lden"] is None else _fmt(d["lden"], True)),
                      ("yes" if c.exceeds_threshold else "") + (" OVER CEILING" if c.over_ceiling else ""))
    for c in report.noise[:top]:
        row(c)
    quieter = [c for c in report.noise if c.lden_change_db < -1e-9]
    if quieter:
        table.add_section()
        for c in sorted(quieter, key=lambda c: c.lden_change_db)[:max(3, top // 3)]:
            row(c)
    console.print(table)
    console.print(f"{s['sections_louder']} sections louder, {s['sections_quieter']} quieter; "
                  f"{s['sections_over_threshold']} above the +{report.threshold_db:g} dB threshold; "
                  f"{s['sections_louder_at_night_in_towns']} sections through a town get more night trains; "
                  f"noise ceilings (geluidproductieplafonds): {s['noise_ceilings']}")


@app.command("dangerous-goods")
@user_errors
def dangerous_goods_cmd(scenario: Optional[str] = ScenarioOpt, trains: Optional[Path] = TrainsOpt,
                        top: int = TopOpt, as_json: bool = JsonOpt, geo: Optional[Path] = GeoOpt,
                        page: Optional[Path] = HtmlOpt) -> None:
    """Trains carrying dangerous goods per section by RID class, or their change under a scenario or added trains."""
    from railcap.services import surroundings as svc

    report = _change(scenario, trains, 0.5)
    if report is None:
        day = svc.reference_dangerous_goods()
        s = svc.load()
        rows = sorted(day.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        if geo or page:
            _write_maps(geo, page, {sid: {"by_rid_class": by, "total": sum(by.values()),
                                          "built_up": sid in s.built_up} for sid, by in rows},
                        {sid: sum(by.values()) for sid, by in rows},
                        {sid: f"{sum(by.values()):g} dangerous-goods trains/day" for sid, by in rows},
                        "railcap: dangerous-goods trains, reference weekday", "trains/day", [])
        if as_json:
            print_json({"unit": "trains per day carrying dangerous goods, by main RID class, both directions",
                        "sections": [{"section": sid, "by_rid_class": by, "total": sum(by.values()),
                                      "built_up": sid in s.built_up} for sid, by in rows]})
            return
        table = Table(title=f"Trains carrying dangerous goods, reference weekday ({len(rows)} sections; "
                            f"{len(s.classes)} of {sum(1 for r in s.runs if r.train_class == 'freight')} freight runs)")
        for col in ("section", "by RID class", "total/day", "built-up"):
            table.add_column(col, overflow="fold")
        for sid, by in rows[:top]:
            table.add_row(sid, ", ".join(f"{k}: {v:g}" for k, v in sorted(by.items())), f"{sum(by.values()):g}",
                          "yes" if sid in s.built_up else "")
        console.print(table)
        return
    if geo or page:
        props = {c.section_id: c.to_dict() for c in report.dangerous_goods}
        vals = {c.section_id: c.change for c in report.dangerous_goods}
        labels = {c.section_id: f"{c.total_before:.1f} → {c.total_after:.1f} dangerous-goods trains/day"
                  for c in report.dangerous_goods}
        _write_maps(geo, page, props, vals, labels, f"railcap: dangerous goods change, {report.title}",
                    "trains/day", report.notes)
    if as_json:
        print_json({"title": report.title, "summary": report.summary(), "notes": report.notes,
                    "dangerous_goods": [c.to_dict() for c in report.dangerous_goods]})
        return
    for n in report.notes:
        console.print(n)
    table = Table(title=f"Dangerous-goods trains per day, {plain(report.title)}: largest changes")
    for col in ("section", "before", "after", "Δ", "by RID class after", "built-up", "ceiling", "flag"):
        table.add_column(col, overflow="fold", min_width=34 if col == "section" else None)
    for c in report.dangerous_goods[:top]:
        table.add_row(c.section_id, f"{c.total_before:.1f}", f"{c.total_after:.1f}", f"{c.change:+.1f}",
                      ", ".join(f"{k}: {v:.1f}" for k, v in c.after.items()), "yes" if c.built_up else "",
                      f"{c.ceiling} ≤ {c.ceiling_trains_per_day:g}" if c.ceiling else "",
                      "OVER CEILING" if c.over_ceiling else ("built-up ↑" if c.flagged else ""))
    console.print(table)
    sm = report.summary()
    console.print(f"{sm['dangerous_goods_sections_changed']} sections change; {sm['dangerous_goods_sections_flagged']} "
                  f"flagged (more dangerous goods through a built-up area or above a risk ceiling); "
                  f"{sm['dangerous_goods_sections_over_ceiling']} above a (railcap-estimated, \\[verify]) Basisnet ceiling")
