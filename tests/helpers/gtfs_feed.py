"""A small hand-made network with station codes and a GTFS feed on it, written by the tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

from railcap.model.infrastructure import Network, OpKind
from railcap.model.samples import op, straight_section


def coded_network() -> Network:
    """Stations A (ASD) - B (UT) - junction J - C (EHV), branch J - D (no code).

    A freight-only line B - C is shorter than B - J - C, so passenger trains must avoid it.
    """
    ops = [
        op("a", lat=52.0, lon=4.0, code="ASD", passenger_station=True),
        op("b", lat=52.0, lon=4.3, code="UT", passenger_station=True),
        op("j", OpKind.JUNCTION, lat=52.0, lon=4.5, track_lengths_m=()),
        op("c", lat=52.0, lon=4.8, code="EHV", passenger_station=True),
        op("d", lat=52.2, lon=4.5, passenger_station=True),
    ]
    secs = [
        straight_section("a-b", "a", "b", 20_000),
        straight_section("b-j", "b", "j", 14_000),
        straight_section("j-c", "j", "c", 21_000),
        straight_section("j-d", "j", "d", 22_000, tracks=1),
        straight_section("b-c", "b", "c", 30_000, freight_only=True),
    ]
    return Network.of(ops, secs, {"name": "coded test network"})


FEED: dict[str, str] = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
                  "NS,NS,https://ns.nl,Europe/Amsterdam\nBUS,Bus,https://bus.nl,Europe/Amsterdam\n",
    "stops.txt": "stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
                 "st_asd,asd,Amsterdam,52.0,4.0,1,\n"
                 "asd_1,,Amsterdam spoor 1,52.0005,4.0012,0,st_asd\n"
                 "ut_2,UT,Utrecht spoor 2,52.001,4.3015,0,\n"
                 "ehv,,Eindhoven,52.0009,4.8,0,\n"
                 "d,,Dorp,52.2,4.5005,0,\n"
                 "far,,Verweg,52.6,5.5,0,\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n"
                  "ic,NS,Intercity,Amsterdam - Eindhoven,2\n"
                  "spr,NS,Sprinter,Eindhoven - Dorp,106\n"
                  "bus,BUS,1,Bus,3\n",
    "trips.txt": "route_id,service_id,trip_id,trip_short_name\n"
                 "ic,wd,t1,3001\n"
                 "spr,wd,t2,7001\n"
                 "ic,wd,t3,3003\n"
                 "bus,wd,t4,101\n"
                 "ic,we,t5,3101\n"
                 "ic,wd,t6,3005\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                      "t1,08:00:00,08:00:00,asd_1,1\n"
                      "t1,08:15:00,08:17:00,ut_2,2\n"
                      "t1,08:40:00,08:40:00,ehv,3\n"
                      "t2,23:50:00,23:50:00,ehv,1\n"
                      "t2,24:20:00,24:20:00,d,2\n"
                      "t3,09:00:00,09:00:00,asd_1,1\n"
                      "t3,10:00:00,10:00:00,far,2\n"
                      "t4,09:00:00,09:00:00,asd_1,1\n"
                      "t4,09:30:00,09:30:00,ut_2,2\n"
                      "t5,10:00:00,10:00:00,asd_1,1\n"
                      "t5,10:15:00,10:15:00,ut_2,2\n"
                      "t6,11:00:00,11:00:00,ut_2,1\n"
                      "t6,11:20:00,11:20:00,ehv,2\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                    "start_date,end_date\n"
                    "wd,1,1,1,1,1,0,0,20260101,20261231\n"
                    "we,0,0,0,0,0,1,1,20260101,20261231\n",
    "calendar_dates.txt": "service_id,date,exception_type\nwd,20260311,2\n",
}

TUESDAY = "20260310"  # 2026-03-10 is a Tuesday; on Wednesday 20260311 'wd' does not run


def write_feed(folder: Path, changes: dict[str, str | None] | None = None,
               as_zip: bool = True) -> Path:
    """Write FEED with ``changes`` (None deletes a file) as ``folder/feed.zip`` or a folder."""
    files = dict(FEED)
    for name, text in (changes or {}).items():
        if text is None:
            files.pop(name, None)
        else:
            files[name] = text
    if not as_zip:
        out = folder / "feed"
        out.mkdir()
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
        return out
    out = folder / "feed.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return out
