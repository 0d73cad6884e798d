"""Monte Carlo: seeded, order-independent, identical serially and on a small local Dask cluster."""

from railcap.resilience.montecarlo import FailureModel, ModelSpec, draw_failure, sweep
from railcap.resilience.samples import demo_demand, demo_network


def test_draws_are_seeded_per_sample():
    els, p = FailureModel().elements(demo_network())
    a = [draw_failure(els, p, 3, seed=5, index=i) for i in range(10)]
    b = [draw_failure(els, p, 3, seed=5, index=i) for i in reversed(range(10))][::-1]
    assert a == b
    assert all(len(f.sections) + len(f.ops) == 3 for f in a)
    assert a != [draw_failure(els, p, 3, seed=6, index=i) for i in range(10)]


def test_zero_weight_kinds_never_fail():
    els, p = FailureModel({"section": 1.0}).elements(demo_network())
    assert all(kind == "section" for kind, _ in els)


def test_serial_and_dask_give_identical_results():
    spec = ModelSpec.of(demo_network(), demo_demand())
    serial = sweep(spec, samples=40, failures=2, seed=11, chunk=10)
    on_dask = sweep(spec, samples=40, failures=2, seed=11, chunk=10, scheduler="local")
    assert serial.results == on_dask.results
    assert on_dask.scheduler.startswith("dask")
    s = serial.summary()
    assert s["samples"] == 40 and s["unmet_trains_per_day"]["max"] >= s["unmet_trains_per_day"]["p50"]
