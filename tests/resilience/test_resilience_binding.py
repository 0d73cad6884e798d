"""Capacity that binds: a closure loses trains because the alternative line's hours are full.

Port ``a`` and border ``b`` are joined by a freight line (20 km) and by a mixed double-track
line over ``m`` (2 × 20 km) that carries a dense passenger service: a stopping train every
8 minutes each way 06:00–22:00, every 30 minutes before and after. The freight train is slower
than the stopping trains over the stretch a–b (no 740 m track at ``m``), so only the quiet hours
leave freight paths; without the passenger trains every hour offers what the UIC share allows.
"""

from railcap.model.infrastructure import Network, OpKind
from railcap.model.samples import op, straight_section
from railcap.model.timetable import Leg, PassingPoint, Timetable, TrainClass, TrainRun
from railcap.resilience.analysis import ResilienceModel
from railcap.resilience.flow import Failure
from railcap.resilience.passenger import timetable_load

from .nets import demand


def two_lines() -> Network:
    ops = [op("a", OpKind.PORT), op("m", OpKind.STATION), op("b", OpKind.BORDER)]
    secs = [straight_section("freight", "a", "b", 30_000, 100, freight_only=True),
            straight_section("a-m", "a", "m", 20_000, 140),
            straight_section("m-b", "m", "b", 20_000, 140)]
    return Network.of(ops, secs)


def dense_service(every_s: float = 480.0, quiet_s: float = 1800.0) -> Timetable:
    """Stopping trains a→m→b and back: 10 min a section, 1 min at m; every ``every_s`` 06–22 h, else ``quiet_s``."""
    runs = []
    t = 5 * 3600.0
    k = 0
    while t < 25 * 3600.0:
        step = every_s if 6 * 3600.0 <= t < 22 * 3600.0 else quiet_s
        for rev, (p0, p1, p2) in ((False, ("a", "m", "b")), (True, ("b", "m", "a"))):
            legs = (Leg("m-b", True), Leg("a-m", True)) if rev else (Leg("a-m"), Leg("m-b"))
            pts = (PassingPoint(p0, t, t), PassingPoint(p1, t + 600, t + 660, True),
                   PassingPoint(p2, t + 1260, t + 1260))
            runs.append(TrainRun(f"p{k}{'r' if rev else ''}", TrainClass.PASSENGER, "sprinter", legs, pts))
        t += step
        k += 1
    return Timetable(tuple(runs))


def model(tt: Timetable, per_day: float) -> ResilienceModel:
    net = two_lines()
    d = demand(net, [{"origin": "a", "destination": "b", "train_type": "freight", "trains_per_day": per_day}])
    return ResilienceModel(net, d.with_passenger(timetable_load(tt, net)))


def test_closure_loses_trains_because_the_alternatives_hours_are_full():
    busy = model(dense_service(), 60.0)
    m = busy.problem.macro
    caps = [m.capacities[m.section_index()[s]] for s in ("a-m", "m-b")]
    assert all(c.method.startswith("insertion") for c in caps)
    left = min(c.left_per_day_forward for c in caps)
    assert 0 < left < 60.0
    # a train runs a-m-b within one hour band (no 740 m track at m to wait on): each band carries
    # what the busier of its two sections leaves in that band, and the day is the sum of the bands
    bands = m.resource_capacity_per_band[[m.section_resources[m.section_index()[s]][0] for s in ("a-m", "m-b")]]
    through = bands.min(axis=0).sum()
    assert through < left  # the daily totals alone would promise more
    case = busy.case(Failure.of(sections=["freight"]))
    assert abs(case.unmet_trains_per_day - (60.0 - through)) < 1e-6
    assert {f.section for f in case.full} & {"a-m", "m-b"}  # the report says where the capacity ran out
    assert "capacity ran out on" in case.reason


def test_the_same_closure_loses_nothing_without_the_passenger_trains():
    empty = model(Timetable(()), 60.0)
    case = empty.case(Failure.of(sections=["freight"]))
    assert case.unmet_trains_per_day == 0 and case.extra_train_km_per_day > 0


def test_gaps_of_a_sparser_service_give_more_freight_paths():
    per_day = [model(dense_service(quiet_s=q), 1.0).problem.macro.resource_capacity_per_day.min()
               for q in (900.0, 1800.0, 3600.0)]
    assert per_day[0] < per_day[1] < per_day[2]
