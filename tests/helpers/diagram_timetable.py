"""A small timetable on the sample corridor P - Y - J - X (branch J - T) for diagram tests."""

from __future__ import annotations

from railcap.model.timetable import Leg, PassingPoint, Timetable, TrainClass, TrainRun

H = 3600.0
CONSIST = {TrainClass.PASSENGER: "icng-8", TrainClass.FREIGHT: "intermodal-650",
           TrainClass.MILITARY: "military-heavy"}


def run(rid: str, cls: TrainClass, legs: list[tuple[str, bool]],
        points: list[tuple[str, float, float, bool]]) -> TrainRun:
    consist = CONSIST[cls] if legs[0][0] != "j-t" else "empty-return"  # J-T has no catenary
    return TrainRun(rid, cls, consist, tuple(Leg(s, r) for s, r in legs),
                    tuple(PassingPoint(*p) for p in points), product=cls.value[:3].upper())


def sample_timetable() -> Timetable:
    """ic1, f1, m1 run P/Y -> X, f2 runs X -> P, t1 only on the branch, late outside 06-09."""
    return Timetable((
        run("ic1", TrainClass.PASSENGER, [("y-j", False), ("j-x", False)],
            [("y", 6.1 * H, 6.1 * H, True), ("j", 6.5 * H, 6.5 * H + 120, True),
             ("x", 6.7 * H, 6.7 * H, True)]),
        run("f1", TrainClass.FREIGHT, [("p-y", False), ("y-j", False), ("j-x", False)],
            [("p", 6 * H, 6 * H, True), ("y", 6.3 * H, 6.3 * H, False),
             ("j", 6.8 * H, 6.8 * H, False), ("x", 7 * H, 7 * H, True)]),
        run("f2", TrainClass.FREIGHT, [("j-x", True), ("y-j", True), ("p-y", True)],
            [("x", 7 * H, 7 * H, True), ("j", 7.2 * H, 7.2 * H, False),
             ("y", 7.7 * H, 7.7 * H, False), ("p", 8 * H, 8 * H, True)]),
        run("m1", TrainClass.MILITARY, [("p-y", False), ("y-j", False), ("j-x", False)],
            [("p", 6.5 * H, 6.5 * H, True), ("y", 6.8 * H, 6.8 * H, False),
             ("j", 7.3 * H, 7.3 * H, False), ("x", 7.5 * H, 7.5 * H, True)]),
        run("t1", TrainClass.FREIGHT, [("j-t", False)],
            [("j", 6 * H, 6 * H, True), ("t", 6.5 * H, 6.5 * H, True)]),
        run("late", TrainClass.PASSENGER, [("y-j", False)],
            [("y", 12 * H, 12 * H, True), ("j", 12.4 * H, 12.4 * H, True)]),
    ))
