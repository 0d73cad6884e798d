"""The curated overlay (``data/overlay_nl.json``): attributes the registry lacks, each with its source.

It also holds the points the registry does not name (ports, terminals, loading
sites, border points) as seeds for the derivation, given in WGS84; the registry
works in RD New (EPSG:28992).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pyproj import Transformer

from railcap.data.prorail.derive import PointSeed
from railcap.model.infrastructure import OpKind

RD_TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
WGS84_TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def load_overlay(path: Path | None = None) -> dict[str, Any]:
    if path is None:
        return json.loads(resources.files("railcap.data").joinpath("overlay_nl.json").read_text("utf-8"))
    return json.loads(Path(path).read_text("utf-8"))


def overlay_seeds(overlay: dict[str, Any]) -> list[PointSeed]:
    seeds = []
    for p in overlay.get("points", []):
        x, y = WGS84_TO_RD.transform(p["lon"], p["lat"])
        attrs = {k: p[k] for k in ("neighbour_station", "military_loading", "note", "source", "loading") if k in p}
        if p.get("aliases"):
            attrs["overlay_aliases"] = list(p["aliases"])
        attrs["force"] = True
        seeds.append(PointSeed(p["name"], x, y, kind=OpKind(p["kind"]), attrs=attrs))
    return seeds
