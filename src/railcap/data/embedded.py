"""The Dutch network shipped inside the package, and the command that rebuilds it."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from railcap.data.native import read_network, write_network
from railcap.model.infrastructure import Network

NETWORK_FILE = "network_nl.json.gz"


def embedded_path(name: str = NETWORK_FILE) -> Path:
    return Path(str(resources.files("railcap.data").joinpath("embedded", name)))


@lru_cache(maxsize=1)
def load_network() -> Network:
    """The embedded Dutch network (read once per process)."""
    return read_network(embedded_path())


def rebuild(registry_dir: Path, stations_csv: Path, out: Path | None = None) -> tuple[Path, list[str]]:
    """Derive the network from a registry export and write it (deterministically)."""
    from railcap.data.build import build_network

    net, notes = build_network(registry_dir, stations_csv)
    out = out or embedded_path()
    write_network(net, out)
    return out, notes
