"""A small registry extract in ProRail's own format, written by the tests themselves.

Alfa ==(double track, 9.6 km)== Bravo --(single track, 9.6 km)-- Charlie -- Charlie Grens -- Echo (D)
with the station Delta on the open line between Alfa and Bravo.
Coordinates are RD metres; the files are ';'-separated, decimal comma, Latin-1.
"""

from __future__ import annotations

from pathlib import Path

import shapefile

from railcap.data.prorail.overlay import RD_TO_WGS84

Y = 400_000.0
# id, geocode, name, x0, x1, y
BRANCHES = [
    ("100_1L_0.0", "100", "Alfa", 100_000, 100_400, Y),
    ("100_2L_0.0", "100", "Alfa", 100_000, 100_400, Y + 5),
    ("101_1L_0.4", "101", "Alfa - Bravo", 100_400, 110_000, Y),
    ("101_2L_0.4", "101", "Alfa - Bravo", 100_400, 110_000, Y + 5),
    ("102_1L_0.0", "102", "Bravo", 110_000, 110_400, Y),
    ("102_2L_0.0", "102", "Bravo", 110_000, 110_400, Y + 5),
    ("103_1V_0.0", "103", "Bravo - Charlie", 110_400, 120_000, Y),
    ("104_1L_0.0", "104", "Charlie", 120_000, 120_400, Y),
    ("104_2L_0.0", "104", "Charlie", 120_000, 120_800, Y + 10),
    ("105_1V_0.0", "105", "Charlie - Charlie Grens", 120_400, 125_000, Y),
    ("106_1V_0.0", "106", "Charlie Grens - Echo (D)", 125_000, 130_000, Y),
]
# (from, to): the train leaves `from` at its end and enters `to` at its start
CONNECTIONS = [
    ("100_1L_0.0", "101_1L_0.4"), ("100_2L_0.0", "101_2L_0.4"),
    ("101_1L_0.4", "102_1L_0.0"), ("101_2L_0.4", "102_2L_0.0"),
    ("102_1L_0.0", "103_1V_0.0"), ("102_2L_0.0", "103_1V_0.0"),
    ("103_1V_0.0", "104_1L_0.0"), ("103_1V_0.0", "104_2L_0.0"),
    ("104_1L_0.0", "105_1V_0.0"), ("105_1V_0.0", "106_1V_0.0"),
]
SPEEDS = [  # branch, from km, to km, km/h
    ("101_1L_0.4", 0.0, 9.6, "140"), ("101_2L_0.4", 0.0, 9.6, "140"),
    ("103_1V_0.0", 0.0, 5.0, "100"), ("103_1V_0.0", 5.0, 9.6, "80"),
    ("100_1L_0.0", 0.0, 0.4, "40"), ("102_1L_0.0", 0.0, 0.4, "60"),
    ("105_1V_0.0", 0.0, 4.6, "onbekend"), ("106_1V_0.0", 0.0, 5.0, "100"),
]
OBJECTS = [("103_1V_0.0", "Spoortunnel", "Tunnelconstructie", 2.0, 3.0),
           ("101_1L_0.4", "Overweg", "Overweg", 4.0, 4.01)]


def km(x: float) -> str:
    return f"{x:.3f}".replace(".", ",")


def write_extract(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _csv(folder / "SPOORTAK_17.csv",
         "ID;OBJECTTYPE;SPOORTAK_IDENTIFICATIE;GEOCODE_BEGIN;SUBCODE_BEGIN;NAAM_GEOCODE_BEGIN;KM_BEGIN;NR_BEGIN;"
         "KANTCODE_BEGIN;GEOCODE_EIND;SUBCODE_EIND;NAAM_GEOCODE_EIND;KM_EIND;NR_EIND;KANTCODE_EIND;NR_SUB;LENGTE;"
         "OBEGINTIJD;BEHEERDER;LENGTE_GEOM",
         [f"{i};--VERVALLEN--;{b};{g};;{n};0;1;L;{g};;{n};{km((x1 - x0) / 1000)};2;R;;{km((x1 - x0) / 1000)};"
          f"2021-01-01;ProRail;{km((x1 - x0) / 1000)}" for i, (b, g, n, x0, x1, _) in enumerate(BRANCHES)])
    _csv(folder / "SPOORTAK_TOPO_17.csv", "SPOORTAK_IDENTIFICATIE;RICHTING;SPOORTAK_ASL;PERCENT_ASL;RICHTING_ASL",
         [f"{a};0-100;{b};0;0-100" for a, b in CONNECTIONS] + [f"{b};100-0;{a};100;100-0" for a, b in CONNECTIONS])
    _csv(folder / "SPOORTAK_SNELHEDEN_17.csv",
         "ID;SPOORTAK_IDENTIFICATIE;DOELGROEP;SPOORTAK_LRS_VAN;SPOORTAK_LRS_TOT;LOKALE_SNELHEID;DATUM_VERWERKING",
         [f"{i};{b};T;{km(a)};{km(c)};{v};2021-05-31" for i, (b, a, c, v) in enumerate(SPEEDS)])
    _csv(folder / "SPOORTAK_OBJECTEN_17.csv",
         "ID;SPOORTAK_IDENTIFICATIE;DOORSNIJDINGSYSTEEM;SOORT_OBJECT;SPOORTAK_LRS_VAN;SPOORTAK_LRS_TOT;DATUM_VERWERKING",
         [f"{i};{b};{s};{o};{km(a)};{km(c)};03-06-2021" for i, (b, s, o, a, c) in enumerate(OBJECTS)])
    w = shapefile.Writer(str(folder / "SPOORTAK_17"), shapeType=shapefile.POLYLINE)
    w.field("ID", "N", 10)
    for i, (_, _, _, x0, x1, y) in enumerate(BRANCHES):
        w.line([[[x0, y], [(x0 + x1) / 2, y], [x1, y]]])
        w.record(i)
    w.close()
    return folder


def write_stations(path: Path) -> Path:
    rows = ["id,code,uic,name_short,name_medium,name_long,slug,country,type,geo_lat,geo_lng"]
    for i, (code, name, x) in enumerate([("ALF", "Alfa", 100_200), ("DLT", "Delta", 105_000),
                                         ("FOX", "Foxtrot", 300_000)]):
        lon, lat = RD_TO_WGS84.transform(x, Y)
        rows.append(f"{i},{code},0,{name},{name},{name},{name.lower()},NL,stoptreinstation,{lat},{lon}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _csv(path: Path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="latin-1")


def extract_overlay() -> dict:
    return {
        "defaults": {"electrification": "1.5kV_DC", "protection": "ATB", "loading_gauge": "GB",
                     "axle_load": "D4", "max_train_length_m": 680, "dangerous_goods": True,
                     "wide_load_blocks_adjacent": True, "block_length_m": 1500, "sources": ["test defaults"]},
        "section_rules": [{"lines": ["Bravo - Charlie"], "set": {"electrification": "none"},
                           "source": "test rule"}],
        "points": [], "extra_points": [], "extra_sections": [], "borders": [],
    }
