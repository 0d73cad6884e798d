"""Portfolio: `railcap portfolio optimise` on the Dutch data, end to end, on Dask against serial.

* **optimise (Dask, local)**: what the command does — load the network, the demand with the
  reference weekday's passenger load, the scenarios and the catalogue; build the context
  (base model, N-1 ranking for the critical sections, the busiest sections); evaluate every
  modelled candidate alone and the pairs that meet; solve the MILP; evaluate the chosen set;
  the Pareto front. Two worker processes.
* **baseline: the same, serial** (one process, no Dask); the choice and scores must be equal.
* **MILP vs enumeration** on the evaluated scores of the candidates that score (others only add
  cost and cannot be in an optimum).

``python -m bench portfolio``. Needs the embedded Dutch network (shipped with railcap).
"""

from __future__ import annotations

import time


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (Dask workers count once they exit)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _run(scheduler: str | None):
    from railcap.services.portfolio import load_setup, optimise

    t0, c0 = time.perf_counter(), _cpu_s()
    setup = load_setup("nl")
    t_load = time.perf_counter() - t0
    a = optimise(setup, scheduler=scheduler)
    return a, t_load, time.perf_counter() - t0, _cpu_s() - c0


def main(argv: list[str] | None = None) -> None:
    from railcap.portfolio.optimise import enumerate_best, solve

    import os

    load = os.getloadavg()[0]
    a_serial, load_s, t_serial, cpu_s = _run(None)
    a_dask, load_d, t_dask, cpu_d = _run("local")
    same = (a_dask.choice == a_serial.choice and a_dask.singles == a_serial.singles
            and a_dask.pairs == a_serial.pairs and a_dask.evaluated_score == a_serial.evaluated_score)
    scoring = [c for c in a_dask.candidates if c.benefit != 0 or any(c.id in p for p in a_dask.interactions)]
    t0 = time.perf_counter()
    milp = solve(a_dask.candidates, a_dask.budget_eur, a_dask.interactions)
    t_milp = time.perf_counter() - t0
    t0 = time.perf_counter()
    brute = enumerate_best(scoring, a_dask.budget_eur, a_dask.interactions)
    t_enum = time.perf_counter() - t0
    print(f"{len(a_dask.singles)} modelled candidates, {len(a_dask.pairs)} pairs evaluated jointly, "
          f"{a_dask.evaluations} evaluations; chosen {len(a_dask.choice.chosen)} for EUR "
          f"{a_dask.choice.cost / 1e6:.0f} M, score {a_dask.choice.benefit:.3f} predicted / "
          f"{a_dask.evaluated_score:.3f} evaluated; Pareto front {len(a_dask.front)} points")
    print("| step | seconds | ratio |")
    print("|---|---|---|")
    print(f"| optimise, serial (baseline; loading {load_s:.1f} s; CPU {cpu_s:.1f} s) | {t_serial:.1f} | 1.0 |")
    print(f"| optimise, Dask local 2 workers (loading {load_d:.1f} s; CPU {cpu_d:.1f} s incl. workers) | "
          f"{t_dask:.1f} | {t_serial / t_dask:.2f}x faster |")
    print(f"| exhaustive enumeration over the {len(scoring)} scoring candidates (baseline) | {t_enum:.3f} | 1.0 |")
    print(f"| MILP (HiGHS) over all {len(a_dask.candidates)} candidates | {t_milp:.3f} | "
          f"{t_enum / max(t_milp, 1e-9):.0f}x faster |")
    print(f"load average at the start: {load:.1f} (other work on the machine shares the cores)")
    print(f"Dask and serial identical: {same}; MILP = enumeration: "
          f"{abs(milp.benefit - brute.benefit) < 1e-9} ({milp.benefit:.3f})")


if __name__ == "__main__":
    main()
