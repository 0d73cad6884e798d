"""The data every face starts from: the network, the rolling stock, the reference weekday
(the embedded ones, or a user's file in their place) and the blocking times of a timetable.

The engines take these as arguments; loading them is done here, once per process.

>>> from railcap.services import embedded
>>> embedded.catalogue().consist("virm-6").category.value
'passenger'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from railcap.data.embedded import embedded_path, load_network
from railcap.data.native import read_network
from railcap.data.reference import TIMETABLE_FILE, load_reference_timetable
from railcap.data.rolling_stock import load_catalogue, load_consist_file
from railcap.data.timetable_io import RunOutline, read_outlines, read_timetable
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Catalogue, Consist
from railcap.model.timetable import Timetable

if TYPE_CHECKING:
    from railcap.model.occupation import OccupationTable


def network(path: Path | None = None) -> Network:
    """The network in ``path`` (railcap's format), else the embedded Dutch one."""
    return read_network(path) if path else load_network()


def timetable(path: Path | None = None) -> Timetable:
    """The timetable in ``path`` (railcap's format), else the embedded reference weekday."""
    return read_timetable(path) if path else load_reference_timetable()


def timetable_outlines(path: Path | None = None) -> tuple[list[RunOutline], dict]:
    """Every run's class, product and sections, and the meta: of the embedded reference weekday read
    without building its 100,000 passing points (start-up time; the shipped file is checked whole by
    the tests), or of the timetable in ``path``, read and checked whole."""
    if path is None:
        return read_outlines(embedded_path(TIMETABLE_FILE))
    tt = read_timetable(path)
    return [RunOutline.of(r) for r in tt.runs], tt.meta


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
    # the physics and blocking-time engines load here, not with the network's and the day's readers
    # that `network info` and `timetable info` need (start-up time)
    from railcap.occupancy.runs import timetable_occupations

    return timetable_occupations(tt, net, load_catalogue(), train_ids)
