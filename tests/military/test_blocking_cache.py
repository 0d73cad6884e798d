"""The day's blocking times on disk: exact, refused when built from other inputs."""

from __future__ import annotations

import numpy as np
import pytest

from railcap.data.blocking_cache import StaleCacheError, cache_bytes, encode, read_cache, write_cache
from railcap.occupancy import OccupationTable
from railcap.services import day_cache


def _table() -> OccupationTable:
    return OccupationTable.from_columns(["ic1", "ic1", "fr7"], ["a/+/0", "a/+/1", "a/+/0"],
                                        [0.1 + 0.2, 60.0, 1e5 / 3], [59.999999, 120.5, 1e5 / 3 + 1])


def test_a_table_comes_back_bit_for_bit(tmp_path):
    path = tmp_path / "c.bin.gz"
    write_cache(_table(), {"ic1": "passenger", "fr7": "freight"}, "abc", path)
    table, classes = read_cache(path, "abc")
    t = _table()
    assert table.train_id.tolist() == t.train_id.tolist() and table.resource_id.tolist() == t.resource_id.tolist()
    assert np.array_equal(table.start_s, t.start_s) and np.array_equal(table.end_s, t.end_s)
    assert classes == {"ic1": "passenger", "fr7": "freight"}
    write_cache(_table(), {"ic1": "passenger", "fr7": "freight"}, "abc", tmp_path / "d.bin.gz")
    assert (tmp_path / "d.bin.gz").read_bytes() == path.read_bytes()  # deterministic


def test_a_cache_built_from_other_inputs_is_refused_with_the_command_that_rebuilds_it(tmp_path):
    path = tmp_path / "c.bin.gz"
    write_cache(_table(), {}, "a" * 64, path)
    with pytest.raises(StaleCacheError) as err:
        read_cache(path, "b" * 64)
    problem = err.value.problems[0]
    assert problem.field == "inputs_sha256" and "railcap timetable rebuild --blocking-cache" in problem.reason
    with pytest.raises(StaleCacheError, match="not found"):
        read_cache(tmp_path / "missing.bin.gz", "a" * 64)


def test_the_shipped_cache_is_the_day_computed_now_byte_for_byte():
    table, classes = day_cache.compute_day()
    shipped = cache_bytes(day_cache.embedded_path(day_cache.CACHE_FILE))
    assert shipped == encode(table, classes, day_cache.inputs_hash(day_cache.inputs())), \
        "run `railcap timetable rebuild --blocking-cache`"


def test_a_stale_cache_is_recomputed_with_a_warning_or_refused(monkeypatch, capsys):
    monkeypatch.setattr(day_cache, "inputs_hash", lambda paths: "0" * 64)
    with pytest.raises(StaleCacheError):
        day_cache.day_blocking(refuse_stale=True)
    table, classes = day_cache.day_blocking()
    assert len(table) > 100_000 and classes
    assert "railcap timetable rebuild --blocking-cache" in capsys.readouterr().err
