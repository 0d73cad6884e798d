"""The data every face starts from: the network, the rolling stock, the reference weekday
(the embedded ones, or a user's file in their place) and the blocking times of a timetable.

The engines take these as arguments; loading them is done here, once per process.

>>> from railcap.services import embedded
>>> embedded.catalogue().consist("virm-6").category.value
'passenger'
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from railcap.data.embedded import load_network
from railcap.data.native import read_network
from railcap.data.reference import load_reference_timetable
from railcap.data.rolling_stock import load_catalogue, load_consist_file
from railcap.data.timetable_io import read_timetable
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Catalogue, Consist
from railcap.model.timetable import Timetable
from railcap.occupancy.runs import timetable_occupations
from railcap.model.occupation import OccupationTable


def network(path: Path | None = None) -> Network:
    """The network in ``path`` (railcap's format), else the embedded Dutch one."""
    return read_network(path) if path else load_network()


def timetable(path: Path | None = None) -> Timetable:
    """The timetable in ``path`` (railcap's format), else the embedded reference weekday."""
    return read_timetable(path) if path else load_reference_timetable()


def catalogue() -> Catalogue:
    """The embedded rolling-stock catalogue."""
    return load_catalogue()


def consist(name: str) -> Consist:
    """A consist by catalogue id, or from a user's ``.json``/``.toml`` file."""
    if name.lower().endswith((".json", ".toml")):
        return load_consist_file(name, load_catalogue())
    return load_catalogue().consist(name)


def occupations(tt: Timetable, net: Network, train_ids: Iterable[str] | None = None) -> OccupationTable:
    """Every run's blocking times (or those of ``train_ids``), from its movement recomputed by physics."""
    return timetable_occupations(tt, net, load_catalogue(), train_ids)
