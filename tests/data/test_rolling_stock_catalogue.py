"""The embedded catalogue and user consist files."""

import json

import pytest

from railcap.data.rolling_stock import load_catalogue, load_consist_file
from railcap.model.errors import InputFileError, NotFoundError, ValidationError
from railcap.model.infrastructure import Electrification
from railcap.model.rolling_stock import Category, Traction

AC, DC, NONE = Electrification.AC_25000, Electrification.DC_1500, Electrification.NONE
REQUIRED = {"virm-6", "icm-4", "icng-8", "sng-4", "slt-6", "flirt-4", "ice-3m", "ic-berlin",
            "intermodal-740", "intermodal-650", "bulk-heavy", "empty-return", "military-heavy",
            "military-ammunition"}


def test_catalogue_has_the_required_stock_with_sources():
    cat = load_catalogue()
    assert REQUIRED <= set(cat.consists)
    assert {"vectron-ms", "traxx-f140", "class-66", "g2000"} <= set(cat.units)
    for c in cat.consists.values():
        assert c.source, c.id
    for u in cat.units.values():
        assert u.source, u.id


def test_data_file_keys_are_sorted():
    from importlib import resources
    text = (resources.files("railcap") / "data/embedded/rolling_stock.json").read_text("utf-8")
    doc = json.loads(text)
    assert json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n" == text


def test_power_per_supply():
    cat = load_catalogue()
    vectron, traxx = cat.unit("vectron-ms"), cat.unit("traxx-f140")
    v100 = 100 / 3.6
    assert vectron.efforts[AC].at(v100) == pytest.approx(6.4e6 / v100, rel=2e-3)
    assert vectron.efforts[DC].at(v100) == pytest.approx(5.2e6 / v100, rel=2e-3)
    assert traxx.efforts[DC].at(v100) == pytest.approx(4.0e6 / v100, rel=2e-3)
    assert NONE not in vectron.efforts
    diesel = cat.unit("class-66")
    assert diesel.efforts[NONE].at(v100) == diesel.efforts[AC].at(v100)


def test_freight_and_military_consists():
    cat = load_catalogue()
    assert cat.consist("intermodal-740").length_m == pytest.approx(740.0)
    assert cat.consist("intermodal-650").length_m == pytest.approx(650.0)
    bulk = cat.consist("bulk-heavy")
    assert 3800e3 <= bulk.mass_kg <= 4200e3 and len(bulk.units) == 2
    tanks = cat.consist("military-heavy")
    assert tanks.category is Category.MILITARY and tanks.out_of_gauge
    assert 1000e3 <= tanks.mass_kg <= 1700e3 and tanks.max_speed_ms <= 100 / 3.6 + 1e-9
    assert cat.consist("military-ammunition").rid_class == "1"
    assert cat.consist("empty-return").traction is Traction.DIESEL


def test_unknown_consist_names_similar():
    with pytest.raises(NotFoundError, match="intermodal-740"):
        load_catalogue().consist("intermodal-999")


GOOD = {"id": "ammo-20", "name": "Ammunition, 20 wagons", "category": "military",
        "units": ["vectron-ms"],
        "trailing": {"mass_t": 900, "length_m": 400,
                     "resistance": {"f0_permille": 1.4, "f2_permille": 3.9}},
        "max_speed_kmh": 100, "braking_ms2": 0.35, "loading_gauge": "GB", "rid_class": "1"}


def test_user_consist_from_json(tmp_path):
    f = tmp_path / "ammo.json"
    f.write_text(json.dumps(GOOD))
    c = load_consist_file(f)
    assert c.id == "ammo-20" and c.rid_class == "1"
    assert c.mass_kg == pytest.approx(990e3)
    assert c.max_speed_ms == pytest.approx(100 / 3.6)


def test_user_consist_from_toml_with_inline_diesel(tmp_path):
    f = tmp_path / "shunt.toml"
    f.write_text('''
id = "trip"
name = "Yard trip"
category = "freight"
braking_ms2 = 0.4
loading_gauge = "G1"
[[units]]
id = "g"
name = "G"
traction = "diesel"
length_m = 17.4
mass_t = 88
max_speed_kmh = 100
axle_load_t = 22
rotating_mass_factor = 1.09
resistance = { a_n = 2000, c_n_per_ms2 = 5 }
effort.any = { speed_kmh = [0, 50, 100], effort_kn = [280, 120, 60] }
''')
    c = load_consist_file(f)
    assert c.traction is Traction.DIESEL and NONE in c.efforts
    assert c.effort_curve(NONE).at(25 / 3.6) == pytest.approx(200e3)


@pytest.mark.parametrize("change, field", [
    ({"braking_ms2": None}, "braking_ms2"),
    ({"units": ["no-such-loco"]}, "units[0]"),
    ({"category": "royal"}, "category"),
    ({"max_speed_kmh": "fast"}, "max_speed_kmh"),
    ({"trailing": {"mass_t": -1, "length_m": 400, "resistance": {"f0_permille": 1.4}}},
     "mass_t"),
])
def test_user_consist_errors_name_file_and_field(tmp_path, change, field):
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data))
    with pytest.raises(ValidationError) as e:
        load_consist_file(f)
    p = e.value.problems[0]
    assert "bad.json" in p.element and p.field == field


def test_unreadable_consist_file(tmp_path):
    f = tmp_path / "broken.json"
    f.write_text("{not json")
    with pytest.raises(InputFileError, match="broken.json"):
        load_consist_file(f)
    with pytest.raises(InputFileError, match="cannot read"):
        load_consist_file(tmp_path / "missing.json")


def test_container_trains_fit_gauge_gb_where_p400_intermodal_does_not():
    from railcap.model.infrastructure import LoadingGauge
    from railcap.model.samples import straight_section

    cat = load_catalogue()
    gb_line = straight_section("gb", "a", "b", 10_000, loading_gauge=LoadingGauge.GB)
    containers, p400 = cat.consist("container-650"), cat.consist("intermodal-650")
    assert containers.length_m == p400.length_m and containers.mass_kg == p400.mass_kg
    assert containers.problems_on(gb_line) == []
    assert any("gauge" in str(p) for p in p400.problems_on(gb_line))


@pytest.mark.parametrize("change, field, reason", [
    ({"max_speed_kph": 100}, "max_speed_kph", "not a field of this format"),  # a typo is not a default
    ({"braking_ms2": "0.4"}, "braking_ms2", "valid number"),  # a string is not a number
    ({"braking_ms2": True}, "braking_ms2", "valid number"),
    ({"max_speed_kmh": float("nan")}, "max_speed_kmh", "finite"),
    ({"trailing": {"mass_t": 900, "length_m": 400, "resistance": {}}}, "resistance", "either f0_permille"),
    ({"units": [{"id": "u", "name": "U", "traction": "electric", "length_m": 19, "mass_t": 90,
                 "max_speed_kmh": 160, "axle_load_t": 22.5, "rotating_mass_factor": 1.09,
                 "resistance": {"f0_permille": 2.5}, "effort": {"3kV_DC": {"power_kw": 1, "starting_effort_kn": 1}}}]},
     "effort", "unknown power supply '3kV_DC'"),
])
def test_user_consist_file_format_is_checked_strictly(tmp_path, change, field, reason):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({**GOOD, **change}))
    with pytest.raises(ValidationError) as e:
        load_consist_file(f)
    p = e.value.problems[0]
    assert "bad.json" in p.element and p.field == field and reason in p.reason, p


def test_a_consist_file_that_is_not_an_object_is_named(tmp_path):
    f = tmp_path / "list.json"
    f.write_text("[1, 2]")
    with pytest.raises(ValidationError, match="list.json: field '-': expected an object"):
        load_consist_file(f)
