"""Small hand-made networks for tests, docs and examples (no registry needed)."""

from __future__ import annotations

from railcap.model.infrastructure import (
    AxleLoadClass, Electrification, LoadingGauge, Network, OperationalPoint, OpKind,
    Section, SpeedBand, StationTrack, TrainProtection,
)


def kmh(v: float) -> float:
    return v / 3.6


def straight_section(sid: str, a: str, b: str, length_m: float, speed_kmh: float = 140,
                     tracks: int = 2, block_m: float = 1500.0, **attrs) -> Section:
    """A section with one speed limit and evenly spaced block signals."""
    n = max(1, round(length_m / block_m))
    bounds = tuple(round(length_m * i / n, 3) for i in range(n + 1))
    defaults = dict(
        electrification=Electrification.DC_1500, protection=TrainProtection.ATB,
        loading_gauge=LoadingGauge.GC, axle_load=AxleLoadClass.D4,
        max_train_length_m=740.0,
    )
    defaults.update(attrs)
    return Section(
        id=sid, from_op=a, to_op=b, length_m=length_m, track_count=tracks,
        track_length_m=length_m * tracks,
        speed_bands=(SpeedBand(0.0, length_m, kmh(speed_kmh)),),
        block_boundaries_m=bounds, **defaults,
    )


def op(oid: str, kind: OpKind = OpKind.STATION, lat: float = 52.0, lon: float = 5.0,
       track_lengths_m: tuple[float, ...] = (400.0, 400.0, 750.0), **attrs) -> OperationalPoint:
    tracks = tuple(StationTrack(f"{oid}-{i + 1}", L) for i, L in enumerate(track_lengths_m))
    return OperationalPoint(id=oid, name=oid.upper(), kind=kind, lat=lat, lon=lon,
                            tracks=tracks, **attrs)


def corridor() -> Network:
    """Port P -- yard Y -- junction J -- border X, with a single-track branch J -- T.

    P-Y 20 km double track 25 kV AC, Y-J 30 km double track 1.5 kV DC,
    J-X 10 km double track, J-T 15 km single track, non-electrified, 100 km/h.
    """
    ops = [
        op("p", OpKind.PORT, 51.95, 4.02),
        op("y", OpKind.YARD, 51.83, 4.60, (750.0, 750.0, 800.0)),
        op("j", OpKind.JUNCTION, 51.90, 5.50, ()),
        op("x", OpKind.BORDER, 51.90, 6.14, (), neighbour_station="Emmerich"),
        op("t", OpKind.TERMINAL, 51.60, 5.60, (600.0,)),
    ]
    secs = [
        straight_section("p-y", "p", "y", 20_000, 100, electrification=Electrification.AC_25000,
                         protection=TrainProtection.ETCS_L2, freight_only=True),
        straight_section("y-j", "y", "j", 30_000, 140),
        straight_section("j-x", "j", "x", 10_000, 120, max_train_length_m=650.0),
        straight_section("j-t", "j", "t", 15_000, 100, tracks=1,
                         electrification=Electrification.NONE, loading_gauge=LoadingGauge.G1),
    ]
    return Network.of(ops, secs, {"name": "sample corridor"})
