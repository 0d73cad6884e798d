"""The reference day's blocking times for a cold command: loaded from the shipped cache,
recomputed (with a warning) when the cache does not match the embedded inputs.

``railcap timetable rebuild`` writes the cache after the timetable;
``railcap timetable rebuild --blocking-cache`` writes only the cache, and with
``--check`` compares it byte for byte with a fresh computation.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from railcap.data.blocking_cache import StaleCacheError, cache_bytes, encode, inputs_hash, read_cache, write_cache
from railcap.data.embedded import NETWORK_FILE, embedded_path, load_network
from railcap.model.occupation import OccupationTable

CACHE_FILE = "blocking_nl_weekday.bin.gz"
TIMETABLE_FILE = "timetable_nl_weekday.json.gz"
ROLLING_STOCK_FILE = "rolling_stock.json"


def inputs() -> list[Path]:
    """The embedded files the day's blocking times are computed from."""
    return [embedded_path(NETWORK_FILE), embedded_path(TIMETABLE_FILE), embedded_path(ROLLING_STOCK_FILE)]


def compute_day() -> tuple[OccupationTable, dict[str, str]]:
    """The reference day's blocking times computed from the embedded network and timetable."""
    from railcap.data.reference import load_reference_timetable
    from railcap.services.embedded import occupations

    net, tt = load_network(), load_reference_timetable()
    return occupations(tt, net), {r.id: r.train_class.value for r in tt.runs}


def day_blocking(refuse_stale: bool = False) -> tuple[OccupationTable, dict[str, str]]:
    """The day's occupations and each train's class, from the cache when it matches the inputs.

    A missing or stale cache is refused (``refuse_stale``) or, by default,
    recomputed with one warning line on stderr naming the command that rebuilds it.
    """
    if os.environ.get("RAILCAP_NO_BLOCKING_CACHE"):  # the baseline of bench/bench_cold.py
        return compute_day()
    try:
        return read_cache(embedded_path(CACHE_FILE), inputs_hash(inputs()))
    except StaleCacheError as exc:
        if refuse_stale:
            raise
        print(f"warning: blocking-time cache {exc.problems[0].element}: {exc.problems[0].reason}; "
              f"recomputing (≈3 s)", file=sys.stderr)
        return compute_day()


def rebuild_cache(out: Path | None = None) -> Path:
    """Compute the day's blocking times and write the cache (deterministic bytes)."""
    table, classes = compute_day()
    out = out or embedded_path(CACHE_FILE)
    write_cache(table, classes, inputs_hash(inputs()), out)
    return out


def cache_is_current(path: Path | None = None) -> bool:
    """True when the cache's bytes equal a fresh computation's, byte for byte."""
    path = path or embedded_path(CACHE_FILE)
    if not Path(path).exists():
        return False
    table, classes = compute_day()
    return cache_bytes(path) == encode(table, classes, inputs_hash(inputs()))
