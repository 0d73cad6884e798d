"""railcap's own network format: JSON (optionally gzipped), km/h at the edge, SI inside.

Writing is deterministic (sorted keys, fixed rounding, gzip without a time
stamp) so that rebuilding from the same registry gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from railcap.data.jsonfile import read_json, write_bytes
from railcap.model.errors import InputFileError, Problem, ValidationError
from railcap.model.infrastructure import (
    AxleLoadClass, Electrification, LoadingGauge, LoadingSite, Network, OperationalPoint, OpKind,
    OutOfGaugeRule, Section, SpeedBand, StationTrack, Structure, TrainProtection,
)
from railcap.model.validate import network_problems

FORMAT = "railcap-network/1"


def op_to_dict(o: OperationalPoint) -> dict[str, Any]:
    d: dict[str, Any] = {"id": o.id, "name": o.name, "kind": o.kind.value, "lat": round(o.lat, 6),
                         "lon": round(o.lon, 6), "country": o.country,
                         "tracks": [{"id": t.id, "usable_length_m": round(t.usable_length_m, 1)} for t in o.tracks]}
    for k in ("code", "neighbour_station"):
        if getattr(o, k):
            d[k] = getattr(o, k)
    if o.military_loading:
        d["military_loading"] = True
    if o.loading is not None:
        ls = o.loading
        d["loading"] = {"tracks": ls.tracks, "track_length_m": ls.track_length_m,
                        "trains_per_day": ls.trains_per_day, "load_time_s": ls.load_time_s,
                        "opens_s": ls.opens_s, "closes_s": ls.closes_s, "source": ls.source}
    if o.passenger_station:
        d["passenger_station"] = True
    if o.tracks_beside_line:
        d["tracks_beside_line"] = True
    if o.notes:
        d["notes"] = list(o.notes)
    if o.aliases:
        d["aliases"] = list(o.aliases)
    if o.sources:
        d["sources"] = list(o.sources)
    return d


def section_to_dict(s: Section) -> dict[str, Any]:
    return {
        "id": s.id, "from_op": s.from_op, "to_op": s.to_op, "line": s.line_name,
        "length_m": round(s.length_m, 1), "track_count": s.track_count,
        "track_length_m": round(s.track_length_m, 1),
        "speed_bands": [{"start_m": round(b.start_m, 1), "end_m": round(b.end_m, 1),
                         "speed_kmh": round(b.speed_ms * 3.6, 1)} for b in s.speed_bands],
        "block_boundaries_m": [round(x, 1) for x in s.block_boundaries_m],
        "electrification": s.electrification.value, "protection": s.protection.value,
        "loading_gauge": s.loading_gauge.value, "axle_load": s.axle_load.value,
        "max_train_length_m": s.max_train_length_m, "dangerous_goods": s.dangerous_goods,
        "wide_load_blocks_adjacent": s.wide_load_blocks_adjacent, "freight_only": s.freight_only,
        **({"passenger_only": True} if s.passenger_only else {}),
        "gradient_permille": s.gradient_permille,
        "structures": [[x.kind, round(x.start_m, 1), round(x.end_m, 1)] for x in s.structures],
        **({"out_of_gauge_rules": [[r.from_class, r.condition, r.reason] for r in s.out_of_gauge_rules]}
           if s.out_of_gauge_rules else {}),
        "geometry": [[round(lon, 5), round(lat, 5)] for lon, lat in s.geometry],
        "sources": list(s.sources),
    }


def network_to_dict(net: Network) -> dict[str, Any]:
    return {"format": FORMAT, "meta": dict(sorted(net.meta.items())),
            "operational_points": [op_to_dict(o) for o in sorted(net.ops.values(), key=lambda o: o.id)],
            "sections": [section_to_dict(s) for s in sorted(net.sections.values(), key=lambda s: s.id)]}


def _enum(cls, value: Any, element: str, field: str):
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise ValidationError(Problem(element, field, f"'{value}' is not one of {allowed}")) from None


def network_from_dict(doc: dict[str, Any]) -> Network:
    """Build a Network from its native form; every broken rule is reported at once."""
    problems = network_problems(doc)
    if problems:
        raise ValidationError(problems)
    ops = [_op(o) for o in doc["operational_points"]]
    secs = [_section(s) for s in doc["sections"]]
    return Network.of(ops, secs, doc.get("meta", {}))


def _op(o: dict[str, Any]) -> OperationalPoint:
    el = f"operational point '{o['id']}'"
    return OperationalPoint(
        id=o["id"], name=o["name"], kind=_enum(OpKind, o["kind"], el, "kind"),
        lat=float(o["lat"]), lon=float(o["lon"]), country=o.get("country", "NL"), code=o.get("code"),
        tracks=tuple(StationTrack(t["id"], float(t["usable_length_m"])) for t in o.get("tracks", [])),
        neighbour_station=o.get("neighbour_station"), military_loading=bool(o.get("military_loading")),
        loading=LoadingSite(**o["loading"]) if "loading" in o else None,
        passenger_station=bool(o.get("passenger_station")),
        tracks_beside_line=bool(o.get("tracks_beside_line")), notes=tuple(o.get("notes", ())),
        sources=tuple(o.get("sources", ())), aliases=tuple(o.get("aliases", ())),
    )


def _section(s: dict[str, Any]) -> Section:
    el = f"section '{s['id']}'"
    length = float(s["length_m"])
    bounds = s.get("block_boundaries_m") or [0.0, length]
    return Section(
        id=s["id"], from_op=s["from_op"], to_op=s["to_op"], length_m=length,
        track_count=int(s["track_count"]), track_length_m=float(s.get("track_length_m", length * s["track_count"])),
        speed_bands=tuple(SpeedBand(float(b["start_m"]), float(b["end_m"]), float(b["speed_kmh"]) / 3.6)
                          for b in s["speed_bands"]),
        block_boundaries_m=tuple(float(x) for x in bounds),
        electrification=_enum(Electrification, s["electrification"], el, "electrification"),
        protection=_enum(TrainProtection, s["protection"], el, "protection"),
        loading_gauge=_enum(LoadingGauge, s["loading_gauge"], el, "loading_gauge"),
        axle_load=_enum(AxleLoadClass, s["axle_load"], el, "axle_load"),
        max_train_length_m=float(s["max_train_length_m"]), dangerous_goods=bool(s.get("dangerous_goods", True)),
        wide_load_blocks_adjacent=bool(s.get("wide_load_blocks_adjacent", True)),
        freight_only=bool(s.get("freight_only", False)), passenger_only=bool(s.get("passenger_only", False)),
        gradient_permille=float(s.get("gradient_permille", 0.0)),
        structures=tuple(Structure(k, float(a), float(b)) for k, a, b in s.get("structures", [])),
        out_of_gauge_rules=tuple(OutOfGaugeRule(int(c), str(w), str(r)) for c, w, r in s.get("out_of_gauge_rules", [])),
        line_name=s.get("line", ""), geometry=tuple((float(x), float(y)) for x, y in s.get("geometry", [])),
        sources=tuple(s.get("sources", ())),
    )


def dumps(net: Network) -> bytes:
    return json.dumps(network_to_dict(net), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def write_network(net: Network, path: Path) -> None:
    write_bytes(dumps(net), path)


def read_network(path: Path) -> Network:
    doc = read_json(path, "network")
    if not isinstance(doc, dict):
        raise InputFileError(Problem(Path(path).name, "(json)", "expected an object at the top"))
    return network_from_dict(doc)
