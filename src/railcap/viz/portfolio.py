"""The portfolio's pictures: the Pareto front of cost against score, and the one-page summary (HTML, PNG).

Input is the plain dict of :func:`railcap.services.portfolio.appraisal_dict`; nothing is computed here
beyond wording the changes.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

WORDS = {
    "unmet_trains_per_day": ("freight trains that cannot run", "{:+.1f} /day", 1.0),
    "betuweroute_share": ("Betuweroute share of freight train-km", "{:+.1f} pts", 100.0),
    "bottleneck_use": ("use of the busiest sections", "{:+.1f} pts", 100.0),
    "scenario_loss_share": ("share of served trains the named disruptions stop", "{:+.2f} %-points", 100.0),
    "scenario_loss_train_days": ("trains lost in the named disruptions (not scored)", "{:+.0f} train-days", 1.0),
    "critical_importance_km_per_train": ("N-1 importance of the critical sections", "{:+.0f} km/train", 1.0),
    "military_served_trains_per_day": ("military trains that can run", "{:+.1f} /day", 1.0),
    "military_disjoint_routes": ("independent military routes", "{:+.0f}", 1.0),
    "loading_sites_ready": ("loading sites ready for a full military train", "{:+.0f}", 1.0),
    "freight_train_km_per_day": ("freight train-km", "{:+.0f} /day", 1.0),
}
#: reported beside the scored indicators, never a measure's headline
NOT_SCORED = ("freight_train_km_per_day", "scenario_loss_train_days")


def meur(x: float) -> str:
    return f"€{x / 1e6:,.0f} M"


def adds_text(adds: dict, top: int = 3) -> str:
    """The largest changes of one measure, in words (scored indicators first)."""
    items = [(k, v) for k, v in adds.items() if k in WORDS and k not in NOT_SCORED and abs(v) > 1e-9]
    items.sort(key=lambda kv: -abs(kv[1] * WORDS[kv[0]][2]))
    parts = [f"{WORDS[k][0]} {WORDS[k][1].format(v * WORDS[k][2])}" for k, v in items[:top]]
    return "; ".join(parts) or "no indicator moves on its own"


def _pareto_figure(data: dict, ax) -> None:
    pts = data["pareto"]
    xs = [p["cost_eur"] / 1e6 for p in pts]
    ys = [p["score"] for p in pts]
    ax.step(xs, ys, where="post", color="#1f5f8b", lw=1.5)
    ax.plot(xs, ys, "o", color="#1f5f8b", ms=4, label="best set for each budget (Pareto front)")
    ax.axvline(data["budget_eur"] / 1e6, color="#b03030", ls="--", lw=1, label=f"budget {meur(data['budget_eur'])}")
    ax.plot([data["cost_eur"] / 1e6], [data["predicted_score"]], "*", color="#b03030", ms=14, label="chosen")
    ax.set_xlabel("cost incl. VAT and 20 % reserve (€ M)")
    ax.set_ylabel("score (weighted, best single change = 1)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")


def pareto_png(data: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    _pareto_figure(data, ax)
    ax.set_title(f"Cost against benefit ({data['policy'] or 'no policy filter'}, demand {data['scenario']})",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _headline(data: dict) -> str:
    n = len(data["chosen"])
    inv = sum(c["investment_eur"] for c in data["chosen"])
    res = sum(c["reserve_eur"] for c in data["chosen"])
    return (f"{n} measures chosen for {meur(data['cost_eur'])} of the {meur(data['budget_eur'])} budget "
            f"(investment {meur(inv)} + reserve for management and maintenance {meur(res)}, VAT included).")


def _package_effect(data: dict) -> list[tuple[str, str, str]]:
    base, new = data["base"], data["chosen_indicators"] or data["base"]
    rows = []
    for k, (what, fmt, mult) in WORDS.items():
        b, v = base[k], new[k]
        rows.append((what, f"{b * mult:,.1f}", fmt.format((v - b) * mult)))
    return rows


def _spare_rows(data: dict) -> list[tuple[str, str, str]]:
    """Spare military paths per NATO route, when counted (``--spare-paths``)."""
    spare = data.get("spare_military_paths")
    if not spare or not spare["base"]["computed"]:
        return []
    base, new = spare["base"], spare["chosen"]
    rows = [(f"spare {base['consist']} paths/day, NATO route {r}", str(n), f"{new['per_route'][r] - n:+d}")
            for r, n in base["per_route"].items()]
    for u in new.get("uic406", [])[:3]:
        if u["peak_rate_pct_before"] is not None and u["peak_rate_pct_after"] is not None:
            rows.append((f"UIC 406 peak hour, {u['line_section']} ({u['change']})", f"{u['peak_rate_pct_before']:.1f} %",
                         f"{u['peak_rate_pct_after'] - u['peak_rate_pct_before']:+.1f} pts"))
    return rows


def summary_html(data: dict, path: Path, chart_name: str | None = None) -> None:
    """A one-page summary a minister's staff can read: chosen, cost, what each adds, left out and why."""
    esc = html.escape
    chart = ""
    chart_file = path.with_name(chart_name) if chart_name else None
    if chart_file and chart_file.exists():
        b64 = base64.b64encode(chart_file.read_bytes()).decode()
        chart = f'<img alt="Pareto front" src="data:image/png;base64,{b64}" style="max-width:100%">'
    chosen = {c["id"]: c for c in data["chosen"]}
    verdict = {v["id"]: v for v in data["verdicts"]}
    rows_c = "".join(f"<tr><td>{esc(c['name'])}</td><td class=n>{meur(c['total_eur'])}</td>"
                     f"<td>{c['years'][0]}–{c['years'][1]}</td><td>{esc(adds_text(verdict[i]['adds']))}"
                     f"<br><small>{esc(verdict[i]['reason'])}</small></td></tr>" for i, c in chosen.items())
    left = [v for v in data["verdicts"] if not v["chosen"] and v["total_eur"] > 0]
    left.sort(key=lambda v: -v["score"])
    rows_l = "".join(f"<tr><td>{esc(v['name'])}</td><td class=n>{meur(v['total_eur'])}</td>"
                     f"<td>{esc(v['reason'])}</td></tr>" for v in left)
    others = [v for v in data["verdicts"] if v["total_eur"] == 0]
    rows_e = "".join(f"<tr><td>{esc(a)}</td><td class=n>{b}</td><td class=n>{c}</td></tr>"
                     for a, b, c in _package_effect(data) + _spare_rows(data))
    doc = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Measures for the budget — railcap</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;color:#222;font-size:14px}}
table{{border-collapse:collapse;width:100%;margin:.5rem 0}}td,th{{border-bottom:1px solid #ddd;padding:.25rem .4rem;
text-align:left;vertical-align:top}}td.n{{text-align:right;white-space:nowrap}}h1{{font-size:1.4rem}}
h2{{font-size:1.1rem;margin-top:1.2rem}}small{{color:#666}}.box{{background:#f4f7fa;padding:.6rem .8rem}}</style>
</head><body>
<h1>Which measures for {meur(data['budget_eur'])}?</h1>
<p class=box><b>{esc(_headline(data))}</b><br>Policy direction: {esc(data['policy'] or '—')}; demand:
{esc(data['scenario'])}. Score of the package: {data['predicted_score']:.2f} predicted,
{data['evaluated_score']:.2f} when the package is evaluated as a whole.</p>
<h2>Chosen</h2><table><tr><th>measure</th><th>cost</th><th>years</th><th>what it adds on its own</th></tr>{rows_c}</table>
<h2>What the package does</h2><table><tr><th>indicator</th><th>today</th><th>change</th></tr>{rows_e}</table>
<h2>Cost against benefit</h2>{chart}
<h2>Left out, and why</h2><table><tr><th>measure</th><th>cost</th><th>why</th></tr>{rows_l}</table>
<p><small>{len(others)} measures of the agenda need no money from this budget (already funded, research budget,
not applicable, or amount still to be decided). Costs marked [verify] in the catalogue are estimates.
Method: {esc(data['method'])}. {data['evaluations']} evaluations on the model.</small></p>
</body></html>"""
    path.write_text(doc, encoding="utf-8")


def summary_png(data: dict, path: Path) -> None:
    """The same page as a picture (A4 portrait)."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.27, 11.69), dpi=110)
    fig.text(0.06, 0.965, f"Which measures for {meur(data['budget_eur'])}?", fontsize=16, weight="bold")
    y = 0.945
    lines = textwrap.wrap(_headline(data), 110) + [
        f"Policy: {data['policy'] or '—'}; demand: {data['scenario']}; score {data['predicted_score']:.2f} "
        f"predicted, {data['evaluated_score']:.2f} evaluated as a whole."]
    for line in lines:
        fig.text(0.06, y, line, fontsize=8.5)
        y -= 0.015
    ax = fig.add_axes((0.1, 0.66, 0.85, 0.22))
    _pareto_figure(data, ax)
    verdict = {v["id"]: v for v in data["verdicts"]}
    y = 0.61
    fig.text(0.06, y, "Chosen", fontsize=11, weight="bold")
    for c in data["chosen"]:
        v = verdict[c["id"]]
        y -= 0.02
        fig.text(0.06, y, f"{meur(c['total_eur']):>8}  {c['name'][:90]}", fontsize=8, family="monospace")
        adds = adds_text(v["adds"]) if v["adds"] else v["reason"]
        for line in textwrap.wrap(adds, 125)[:2]:
            y -= 0.014
            fig.text(0.09, y, line, fontsize=7, color="#444")
    y -= 0.03
    fig.text(0.06, y, "Left out, and why", fontsize=11, weight="bold")
    left = sorted((v for v in data["verdicts"] if not v["chosen"] and v["total_eur"] > 0), key=lambda v: -v["score"])
    for k, v in enumerate(left):
        if y < 0.05:
            fig.text(0.06, 0.02, f"… and {len(left) - k} more in the HTML summary", fontsize=7)
            break
        y -= 0.017
        fig.text(0.06, y, f"{meur(v['total_eur']):>8}  {v['name'][:80]}", fontsize=7, family="monospace")
        y -= 0.012
        fig.text(0.12, y, textwrap.shorten(v["reason"], 140), fontsize=6.5, color="#444")
    fig.savefig(path)
    plt.close(fig)
