"""A movement order: what Defence asks to move, as a checked model (pydantic).

The order names the unit, its trains (consist and count, optionally the
loading site each group loads at), the loading sites, the earliest day and
hour, how many days the movement may take, the border crossing or port of
embarkation, the neighbour's handover windows per day (each window is one
path the neighbour offers at the border: one train), and the priority.

The shape is checked here (types, ranges, unknown fields);
:func:`railcap.movements.deploy.resolve` checks it against the network and the
rolling-stock catalogue. Every problem is reported with its field path
(``trains[1].consist``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError as PydanticError

from railcap.model.errors import Problem, ValidationError


class TrainGroup(BaseModel):
    """``count`` trains of one consist; ``site`` when they must load at one of the order's sites."""

    model_config = ConfigDict(extra="forbid")
    consist: str
    count: int = Field(ge=1, le=200)
    site: str | None = None


class HandoverWindow(BaseModel):
    """A window at the destination on one day (clock times of that day; ``to`` may pass 24:00)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    day: dt.date
    start: str = Field(alias="from")
    end: str = Field(alias="to")


class MovementOrder(BaseModel):
    """The whole order, as written in the YAML or JSON file."""

    model_config = ConfigDict(extra="forbid")
    unit: str = Field(min_length=1)
    trains: list[TrainGroup] = Field(min_length=1)
    loading_sites: list[str] = Field(min_length=1)
    earliest_day: dt.date
    earliest_time: str = "00:00"
    days: int = Field(default=3, ge=1, le=14)
    to: str = Field(min_length=1, description="border crossing or port of embarkation")
    handover_windows: list[HandoverWindow] = Field(default_factory=list)
    priority: Literal["military", "freight"] = "military"

    @property
    def train_count(self) -> int:
        return sum(g.count for g in self.trains)


def parse_order(data: object, where: str = "movement order") -> MovementOrder:
    """The order from parsed YAML/JSON; every shape problem as one Problem naming its field.

    >>> parse_order({"unit": "x", "trains": [], "loading_sites": ["t-harde"],
    ...              "earliest_day": "2026-12-07", "to": "zevenaar-grens"})
    Traceback (most recent call last):
    ...
    railcap.model.errors.ValidationError: movement order: field 'trains': List should have at least 1 item after validation, not 0
    """
    if not isinstance(data, dict):
        raise ValidationError(Problem(where, "(file)", "expected a mapping of fields (unit, trains, ...)"))
    try:
        return MovementOrder.model_validate(data)
    except PydanticError as exc:
        raise ValidationError([Problem(where, _field(e["loc"]) or "(order)", e["msg"]) for e in exc.errors()]) \
            from None


def _field(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
