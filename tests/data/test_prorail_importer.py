"""The registry importer and the derived model, on an extract the tests write themselves."""

from __future__ import annotations

import networkx as nx
import pytest

from tests.helpers.registry_extract import BRANCHES, extract_overlay, write_extract, write_stations
from railcap.data.prorail.build import build_network
from railcap.data.prorail.registry import read_registry
from railcap.model.errors import InputFileError
from railcap.model.infrastructure import Electrification


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = write_extract(tmp_path_factory.mktemp("registry"))
    stations = write_stations(folder / "stations.csv")
    return build_network(folder, stations, extract_overlay())


def test_registry_reads_files_as_published(tmp_path):
    reg = read_registry(write_extract(tmp_path))
    assert len(reg.branches) == len(BRANCHES)
    assert reg.branches[2].length_m == pytest.approx(9600.0)
    assert len(reg.connections) == 20
    assert {s.value for s in reg.structures} == {"tunnel", "level_crossing"}
    # "onbekend" (unknown) speeds are dropped, numbers kept
    assert all(r.value != "onbekend" for r in reg.speeds)


def test_points_of_every_kind_are_derived(built):
    net, _ = built
    assert {"alfa", "bravo", "charlie", "delta", "charlie-grens", "echo"} <= set(net.ops)
    assert net.ops["charlie-grens"].kind.value == "border"
    assert net.ops["echo"].kind.value == "foreign"
    assert net.ops["delta"].code == "DLT" and net.ops["delta"].passenger_station
    assert net.ops["alfa"].code == "ALF"


def test_every_section_has_both_ends_and_the_network_is_connected(built):
    net, _ = built
    for s in net.sections.values():
        assert s.from_op in net.ops and s.to_op in net.ops and s.from_op != s.to_op
    assert nx.is_connected(net.graph())


def test_lengths_add_up(built):
    net, _ = built
    # every registry metre is either line track of a section or a track at a point
    assert net.track_length_m == pytest.approx(sum(x1 - x0 for *_, x0, x1, _y in BRANCHES), abs=1.0)
    # Alfa - Delta - Bravo runs centre to centre along one track: the 9.6 km line plus the areas' tracks
    path = nx.shortest_path(net.graph(), "alfa", "bravo", weight="length_m")
    assert path == ["alfa", "delta", "bravo"]
    run = sum(min(d["length_m"] for d in net.graph().get_edge_data(a, b).values()) for a, b in zip(path, path[1:]))
    assert 9600 <= run <= 9600 + 800 + 1


def test_station_splits_the_line_where_it_stands(built):
    net, _ = built
    (ad,) = [s for s in net.sections.values() if {s.from_op, s.to_op} == {"alfa", "delta"}]
    assert ad.length_m == pytest.approx(5000, abs=450)
    assert ad.track_count == 2


def test_attributes_come_from_registry_and_overlay(built):
    net, _ = built
    (bc,) = [s for s in net.sections.values() if {s.from_op, s.to_op} == {"bravo", "charlie"}]
    assert bc.electrification is Electrification.NONE  # the overlay rule
    assert bc.track_count == 1
    speeds = {round(b.speed_ms * 3.6) for b in bc.speed_bands}
    assert {100, 80} <= speeds
    assert any(x.kind == "tunnel" for x in bc.structures)
    assert bc.block_boundaries_m[0] == 0 and bc.block_boundaries_m[-1] == pytest.approx(bc.length_m)
    assert "test rule" in bc.sources
    assert net.ops["charlie"].longest_track_m == pytest.approx(800)
    assert net.ops["charlie"].can_hold(740) and not net.ops["alfa"].can_hold(740)


def test_station_far_from_the_network_is_noted(built):
    _, notes = built
    assert any("not placed" in n for n in notes)


@pytest.mark.parametrize("file,old,new,field", [
    ("SPOORTAK_17.csv", ";9,600;2021", ";9.6x;2021", "LENGTE"),
    ("SPOORTAK_TOPO_17.csv", "101_1L_0.4;0-100", "101_1L_0.4;sideways", "RICHTING"),
    ("SPOORTAK_SNELHEDEN_17.csv", ";140;", ";fast;", "LOKALE_SNELHEID"),
])
def test_malformed_file_names_file_line_and_field(tmp_path, file, old, new, field):
    folder = write_extract(tmp_path)
    path = folder / file
    text = path.read_text(encoding="latin-1")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="latin-1")
    with pytest.raises(InputFileError) as exc:
        read_registry(folder)
    (p,) = exc.value.problems
    assert file in p.element and p.field == field


def test_missing_column_is_named(tmp_path):
    folder = write_extract(tmp_path)
    path = folder / "SPOORTAK_17.csv"
    path.write_text(path.read_text(encoding="latin-1").replace("LENGTE;", "LENGTH;", 1), encoding="latin-1")
    with pytest.raises(InputFileError, match="LENGTE"):
        read_registry(folder)


def test_negative_length_in_registry_is_refused(tmp_path):
    folder = write_extract(tmp_path)
    path = folder / "SPOORTAK_17.csv"
    path.write_text(path.read_text(encoding="latin-1").replace(";0,400;2021", ";-0,400;2021", 1), encoding="latin-1")
    with pytest.raises(InputFileError, match="line 2.*LENGTE.*positive"):
        read_registry(folder)


def test_overlay_sets_track_counts_and_station_tracks_with_their_source(tmp_path, built):
    net, _ = built
    (bc,) = [s for s in net.sections.values() if {s.from_op, s.to_op} == {"bravo", "charlie"}]
    overlay = extract_overlay()
    overlay["section_tracks"] = [{"sections": [bc.id], "tracks": 2, "source": "test: doubled"}]
    overlay["station_tracks"] = [{"point": "delta", "tracks": 2, "usable_length_m": 300, "source": "test: platforms"}]
    folder = write_extract(tmp_path)
    fixed, _ = build_network(folder, write_stations(folder / "stations.csv"), overlay)
    assert fixed.sections[bc.id].track_count == 2 and "overlay: test: doubled" in fixed.sections[bc.id].sources
    assert [t.usable_length_m for t in fixed.ops["delta"].tracks] == [300.0, 300.0]


def test_overlay_correction_of_an_unknown_section_is_refused(tmp_path):
    overlay = extract_overlay()
    overlay["section_tracks"] = [{"sections": ["nowhere--else"], "tracks": 4, "source": "test"}]
    folder = write_extract(tmp_path)
    with pytest.raises(InputFileError, match="nowhere--else"):
        build_network(folder, write_stations(folder / "stations.csv"), overlay)


def test_a_loop_beside_the_line_becomes_a_station_track_and_a_crossover_does_not(tmp_path, monkeypatch):
    """Delta stands on the open line Alfa–Bravo: a 600 m loop 10 m beside it is a station track
    (so trains can stand clear of the line there); an 80 m crossover is not."""
    import tests.helpers.registry_extract as extract

    loop = ("107_3L_0.0", "101", "Alfa - Bravo", 104_700, 105_300, extract.Y + 10)
    crossover = ("108_4L_0.0", "101", "Alfa - Bravo", 104_960, 105_040, extract.Y + 2)
    monkeypatch.setattr(extract, "BRANCHES", extract.BRANCHES + [loop, crossover])
    monkeypatch.setattr(extract, "CONNECTIONS", extract.CONNECTIONS + [
        ("101_1L_0.4", "107_3L_0.0"), ("101_2L_0.4", "108_4L_0.0")])
    folder = write_extract(tmp_path)
    net, _ = build_network(folder, write_stations(folder / "stations.csv"), extract_overlay())
    delta = net.ops["delta"]
    assert delta.tracks_beside_line and [t.usable_length_m for t in delta.tracks] == [600.0]
    assert net.track_length_m == pytest.approx(sum(x1 - x0 for *_, x0, x1, _y in extract.BRANCHES), abs=1.0)
