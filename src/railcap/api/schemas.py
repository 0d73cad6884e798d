"""The shapes the API accepts; every field has bounds, so bad input is a 422 that names the field."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Text = Field(min_length=1, max_length=100)
Clock = Field(min_length=4, max_length=25, description="HH:MM (or HH:MM:SS) on the reference day, or an ISO "
                                                       "date-time", examples=["14:00"])


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in_s: int
    name: str
    role: str


class ViaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: str = Text
    min_dwell_min: float = Field(0.0, ge=0, le=600)


class WindowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: str = Text
    opens: str = Clock
    closes: str = Clock


class MilitaryDetails(BaseModel):
    """What Defence tells about a military transport; seen only by those allowed (see ``redact``)."""
    model_config = ConfigDict(extra="forbid")
    unit: str = Field("", max_length=200)
    load: str = Field("", max_length=200)
    movement: str = Field("", max_length=200)


class PathRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    origin: str = Text
    destination: str = Text
    depart_after: str = Clock
    arrive_before: str | None = Field(None, min_length=4, max_length=25)
    vias: list[ViaIn] = Field(default_factory=list, max_length=8)
    windows: list[WindowIn] = Field(default_factory=list, max_length=8)
    consist: str = Text
    priority: Literal["military", "freight", "passenger"] = "freight"
    alternatives: int = Field(1, ge=1, le=5)
    allowance_percent: float = Field(0.0, ge=0, le=50)
    passenger_tolerance_min: float = Field(0.0, ge=0, le=120)
    cancel_passenger: bool = False
    accept_delay_min: float = Field(30.0, ge=0, le=600)
    military: MilitaryDetails | None = None


class AllocateIn(PathRequestIn):
    propose: bool = Field(False, description="Store as proposed instead of confirmed (capacity planners); a "
                                             "defence planner's request is always proposed")


class JobIn(BaseModel):
    """A background job: a resilience study, a portfolio evaluation or optimisation, a movement plan."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal["rank", "scenario", "sweep", "portfolio-evaluate", "portfolio-optimise", "movement-plan",
                  "movement-allocate"]
    scenario: str | None = Field(None, min_length=1, max_length=100)
    top: int = Field(20, ge=1, le=500)
    samples: int = Field(50, ge=1, le=2000)
    failures: int = Field(2, ge=1, le=10)
    seed: int = Field(1, ge=0, le=2**31 - 1)
    measures: list[str] = Field(default_factory=list, max_length=60,
                                description="portfolio-evaluate: the measures' ids (railcap portfolio list)")
    demand_scenario: Literal["base", "low", "high"] = Field("base", description="portfolio: the demand scenario")
    budget_eur: float | None = Field(None, gt=0, le=1e11, description="portfolio-optimise: the budget (default: "
                                                                       "the programme's)")
    weights: str | None = Field(None, min_length=1, max_length=200, description="portfolio-optimise: e.g. "
                                                                                "military=2,freight=1")
    order: dict | None = Field(None, description="movement-plan / movement-allocate: the movement order, as the YAML files of "
                                                 "`railcap movement plan` (unit, trains, loading_sites, "
                                                 "earliest_day, earliest_time, days, to, priority)")
