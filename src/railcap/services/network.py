"""The network's use cases for the faces: its GeoJSON, and deriving it again from ProRail's registry.

>>> from railcap.model.samples import corridor
>>> doc = geojson(corridor())
>>> doc["type"], len(doc["features"]) > 0
('FeatureCollection', True)
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from railcap.data.embedded import embedded_path
from railcap.data.geojson import network_geojson, shared_coordinates
from railcap.model.infrastructure import Network


def geojson(net: Network) -> dict[str, Any]:
    """Sections and points as a GeoJSON FeatureCollection (properties: docs/data.md)."""
    return network_geojson(net)


@dataclass(frozen=True)
class GeoJsonExport:
    features: int
    shared: list[tuple[str, ...]]  # groups of distinct points on one coordinate (a GIS tool merges them)


def export_geojson(net: Network, path: Path) -> GeoJsonExport:
    """Write the network's GeoJSON to ``path`` (the caller has checked it may be written)."""
    doc = network_geojson(net)
    Path(path).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return GeoJsonExport(len(doc["features"]), shared_coordinates(net))


@dataclass(frozen=True)
class Rebuild:
    path: Path
    notes: list[str]
    same_as_shipped: bool | None  # None unless asked to check


def rebuild(registry: Path, stations: Path, out: Path | None = None, check: bool = False) -> Rebuild:
    """Derive the network from the registry exports: to ``out`` (default: the embedded file), or,
    with ``check``, to a scratch file compared byte for byte with the shipped one."""
    # imported here, not at the top: the registry derivation costs ≈0.45 s of imports that an export
    # or the web application's start-up does not need
    from railcap.data.prorail.build import rebuild as rebuild_from_registry

    target = Path(tempfile.mkdtemp()) / "network.json.gz" if check else out
    path, notes = rebuild_from_registry(registry, stations, target)
    same = path.read_bytes() == embedded_path().read_bytes() if check else None
    return Rebuild(path, list(notes), same)
