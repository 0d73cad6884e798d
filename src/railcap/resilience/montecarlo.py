"""Monte-Carlo sweep over random multiple failures, serially or on Dask.

Sample ``i`` draws its failed elements with ``numpy.random.default_rng([seed, i])``
and every case is solved from the same base basis, so a sample's answer does not
depend on where or in which order it runs: serial and Dask give identical results
for the same seed.

Dask: ``scheduler=None`` runs serially, ``"local"`` starts
``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``, anything else is
the address of an existing scheduler (``tcp://host:8786``). The model is sent to
every worker once and built there once per process.

>>> from railcap.resilience.samples import demo_network, demo_demand
>>> spec = ModelSpec.of(demo_network(), demo_demand())
>>> rep = sweep(spec, samples=20, failures=2, seed=7)
>>> rep.samples, rep.results[0].index
(20, 0)
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np

from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.capacity import CapacityParams
from railcap.resilience.demand import Demand
from railcap.resilience.flow import Failure

#: Relative failure weights per element type (≈ modelling assumption: junctions and
#: yards are the likelier targets of sabotage and outages than plain stations).
DEFAULT_WEIGHTS: dict[str, float] = {
    "section": 1.0, "junction": 1.0, "yard": 0.8, "border": 0.5, "terminal": 0.3, "port": 0.3,
    "loading_site": 0.3, "station": 0.2, "foreign": 0.0, "depot": 0.1,
}


@dataclass(frozen=True)
class FailureModel:
    """How likely each kind of element is to be among the failed ones (relative weights)."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def elements(self, network: Network) -> tuple[list[tuple[str, str]], np.ndarray]:
        """(kind, id) of every element that can fail, and its normalised probability."""
        els = [("section", s) for s in sorted(network.sections)]
        els += [("op", o) for o in sorted(network.ops)]
        w = [self.weights.get("section", 0.0)] * len(network.sections)
        w += [self.weights.get(network.ops[o].kind.value, 0.0) for o in sorted(network.ops)]
        w = np.array(w, dtype=float)
        keep = w > 0
        return [e for e, k in zip(els, keep) if k], w[keep] / w[keep].sum()


@dataclass(frozen=True)
class ModelSpec:
    """Everything a worker needs to build the model; ``token`` identifies it in the worker cache."""

    network: Network
    demand: Demand
    params: CapacityParams
    token: str

    @classmethod
    def of(cls, network: Network, demand: Demand, params: CapacityParams = CapacityParams()) -> "ModelSpec":
        return cls(network, demand, params, uuid.uuid4().hex)


@dataclass(frozen=True)
class SampleResult:
    index: int
    failed: tuple[str, ...]  # "section <id>" / "op <id>"
    unmet_trains_per_day: float
    extra_cost_km_per_day: float
    extra_train_km_per_day: float
    military_stopped: tuple[str, ...]


@dataclass(frozen=True)
class SweepReport:
    samples: int
    failures: int
    seed: int
    scheduler: str
    seconds: float
    results: tuple[SampleResult, ...]
    startup_seconds: float = 0.0  # Dask: starting/connecting the cluster and sending the model

    @property
    def samples_per_second_after_startup(self) -> float:
        run = self.seconds - self.startup_seconds
        return self.samples / run if run > 0 else float("inf")

    @property
    def samples_per_second(self) -> float:
        return self.samples / self.seconds if self.seconds > 0 else float("inf")

    def summary(self, top: int = 10) -> dict:
        """Distribution of unmet demand and extra cost; elements that hurt most when among the failed."""
        u = np.array([r.unmet_trains_per_day for r in self.results])
        c = np.array([r.extra_cost_km_per_day for r in self.results])
        per: dict[str, list[float]] = {}
        for r in self.results:
            for e in r.failed:
                per.setdefault(e, []).append(r.unmet_trains_per_day)
        crit = sorted(((e, float(np.mean(v)), len(v)) for e, v in per.items()), key=lambda t: (-t[1], t[0]))
        return {
            "samples": self.samples, "failures_per_sample": self.failures, "seed": self.seed,
            "scheduler": self.scheduler, "seconds": round(self.seconds, 3),
            "samples_per_second": round(self.samples_per_second, 2),
            "startup_seconds": round(self.startup_seconds, 3),
            "unmet_trains_per_day": _stats(u), "extra_cost_km_per_day": _stats(c),
            "share_with_unmet": round(float((u > 1e-6).mean()), 4) if len(u) else 0.0,
            "share_military_stopped": round(float(np.mean([bool(r.military_stopped) for r in self.results])), 4)
            if self.results else 0.0,
            "most_harmful_elements": [{"element": e, "mean_unmet_trains_per_day": round(m, 3), "times_drawn": n}
                                      for e, m, n in crit[:top]],
        }

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "results": [asdict(r) for r in self.results]}


def _stats(x: np.ndarray) -> dict:
    if not len(x):
        return {}
    return {"mean": round(float(x.mean()), 4), "p50": round(float(np.percentile(x, 50)), 4),
            "p95": round(float(np.percentile(x, 95)), 4), "max": round(float(x.max()), 4)}


def draw_failure(elements: list[tuple[str, str]], p: np.ndarray, k: int, seed: int, index: int) -> Failure:
    """The ``k`` elements failed in sample ``index``: drawn without replacement with probabilities ``p``."""
    rng = np.random.default_rng([seed, index])
    pick = rng.choice(len(elements), size=min(k, len(elements)), replace=False, p=p)
    chosen = [elements[i] for i in sorted(pick)]
    return Failure.of(sections=[e for kind, e in chosen if kind == "section"],
                      ops=[e for kind, e in chosen if kind == "op"])


_MODELS: dict[str, ResilienceModel] = {}


def _model(spec: ModelSpec) -> ResilienceModel:
    if spec.token not in _MODELS:
        _MODELS.clear()
        _MODELS[spec.token] = ResilienceModel(spec.network, spec.demand, spec.params)
    return _MODELS[spec.token]


def run_samples(spec: ModelSpec, indices: list[int], failures: int, seed: int,
                failure_model: FailureModel) -> list[SampleResult]:
    """Solve the given samples (the unit of work sent to a Dask worker)."""
    model = _model(spec)
    elements, p = failure_model.elements(spec.network)
    out = []
    for i in indices:
        f = draw_failure(elements, p, failures, seed, i)
        c = model.case(f, detail=True)
        stopped = tuple(m.movement for m in c.military if m.served_trains_per_day is not None
                        and m.base_served_trains_per_day is not None
                        and m.served_trains_per_day < m.base_served_trains_per_day - 1e-6)
        failed = tuple([f"section {s}" for s in sorted(f.sections)] + [f"op {o}" for o in sorted(f.ops)])
        out.append(SampleResult(i, failed, c.unmet_trains_per_day, c.extra_cost_km_per_day,
                                c.extra_train_km_per_day, stopped))
    return out


def sweep(spec: ModelSpec, samples: int, failures: int, seed: int = 0, scheduler: str | None = None,
          failure_model: FailureModel = FailureModel(), chunk: int = 25,
          progress: Callable[[int], None] | None = None) -> SweepReport:
    """Run ``samples`` random ``failures``-element failures; serial when ``scheduler`` is None.

    More failures than the network has elements to fail is refused, not silently capped.
    """
    n_elements = len(failure_model.elements(spec.network)[0])
    if not 1 <= failures <= n_elements:
        raise ValidationError(Problem("sweep", "failures", f"{failures} elements out together: the network "
                                      f"has {n_elements} that can fail (1 to {n_elements})"))
    if samples < 1:
        raise ValidationError(Problem("sweep", "samples", f"{samples}: at least one sample is needed"))
    t0 = time.perf_counter()
    chunks = [list(range(a, min(a + chunk, samples))) for a in range(0, samples, chunk)]
    results: list[SampleResult] = []
    startup = 0.0
    if scheduler is None:
        for idx in chunks:
            results += run_samples(spec, idx, failures, seed, failure_model)
            if progress:
                progress(len(idx))
        label = "serial"
    else:
        results, label, startup = _on_dask(spec, chunks, failures, seed, failure_model, scheduler, progress)
    results.sort(key=lambda r: r.index)
    return SweepReport(samples, failures, seed, label, time.perf_counter() - t0, tuple(results), startup)


def _on_dask(spec: ModelSpec, chunks: list[list[int]], failures: int, seed: int, fm: FailureModel,
             scheduler: str, progress: Callable[[int], None] | None) -> tuple[list[SampleResult], str, float]:
    from dask.distributed import Client, LocalCluster, as_completed

    t0 = time.perf_counter()
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ValidationError(Problem("sweep", "scheduler", f"no Dask scheduler answers at "
                                          f"{scheduler!r} within 10 s ({type(exc).__name__})")) from None
    try:
        spec_f = client.scatter(spec, broadcast=True)
        startup = time.perf_counter() - t0
        futs = [client.submit(run_samples, spec_f, idx, failures, seed, fm, pure=False) for idx in chunks]
        results: list[SampleResult] = []
        for fut in as_completed(futs):
            part = fut.result()
            results += part
            if progress:
                progress(len(part))
        return results, f"dask {scheduler if cluster is None else 'local (2 workers)'}", startup
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
