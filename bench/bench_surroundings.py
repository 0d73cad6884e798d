"""Surroundings: the reference day's noise emission per section and period, and a scenario change.

Baseline: every passage's consist spectrum computed afresh (vehicle by vehicle, CNOSSOS chain
per passage), timed on a sample of passages and scaled to the day. railcap computes each
(consist, speed to 0.5 km/h, track) once and adds per-passage energies.
"""

from __future__ import annotations

import random
import time

import numpy as np


def main() -> None:
    from railcap.services import surroundings as svc
    from railcap.surroundings.cnossos import energy, vehicle_sound_power_db

    t = time.perf_counter()
    s = svc.load()
    load_s = time.perf_counter() - t
    passages = s.base_passages

    s.model._cache.clear()
    t = time.perf_counter()
    s.model.emission(passages)
    ours_s = time.perf_counter() - t

    sample = random.Random(1).sample(passages, 1500)
    t = time.perf_counter()
    for p in sample:
        e = np.zeros(24)
        for v, n in s.model.makeups[p.consist].vehicles:
            e = e + n * energy(vehicle_sound_power_db(s.model.tables, v, s.model.track_of(p.section_id),
                                                      p.speed_kmh)).sum(axis=0)
    base_s = (time.perf_counter() - t) * len(passages) / len(sample)

    t = time.perf_counter()
    svc.scenario_change("emmerich-closed")
    scen_s = time.perf_counter() - t

    print(f"{'step':58s} {'seconds':>9s} {'ratio':>8s}")
    print(f"{'load network, day, tables, passages (' + str(len(passages)) + ')':58s} {load_s:9.2f}")
    print(f"{'emission of the day, spectrum per passage (baseline)':58s} {base_s:9.2f} {1.0:8.1f}")
    print(f"{'emission of the day, spectra cached per consist and speed':58s} {ours_s:9.2f} "
          f"{base_s / ours_s:7.1f}x")
    print(f"{'scenario emmerich-closed (LP, traffic, both reports)':58s} {scen_s:9.2f}")


if __name__ == "__main__":
    main()
