"""The Dutch network shipped inside the package (``data.prorail.build.rebuild`` writes it)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from railcap.data.native import read_network
from railcap.model.infrastructure import Network

NETWORK_FILE = "network_nl.json.gz"


def embedded_path(name: str = NETWORK_FILE) -> Path:
    return Path(str(resources.files("railcap.data").joinpath("embedded", name)))


@lru_cache(maxsize=1)
def load_network() -> Network:
    """The embedded Dutch network (read once per process)."""
    return read_network(embedded_path())
