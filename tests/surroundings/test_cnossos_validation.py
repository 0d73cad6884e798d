"""The CNOSSOS-EU railway source model against validation values, within 0.1 dB.

Annex II of Directive (EU) 2015/996 prints no worked example for the railway source. The
European Commission's emission test workbook (CNOSSOS_RAIL_EMISSION_TEST.xlsx, Stapelfeldt
2014, CIRCABC) could not be reached from here, so the validation values are an open
implementation's test cases of the Directive's method: Université Gustave Eiffel's
NoiseModelling, ``noisemodelling-emission/src/test/java/org/noise_planet/noisemodelling/
emission/railway/RailwayCnossosTest.java`` (GitHub Universite-Gustave-Eiffel/NoiseModelling,
commit 35d2da1b), tests ``Test_Cnossos_Rail_emission_section_1``, ``…_section_2`` and
``…_section_5``. Their vehicles (``outdated/RailwayVehiclesCnossos_2015.json``):

* SNCF-BB66400: 4 axles, wheel transfer 1200 mm, contact filter 50 kN / 920 mm, cast-iron
  tread brakes, traction 'diesel locomotive (c. 800 kW)';
* RMR-Cat-1 and RMR-Cat-9-a: 4 axles, wheel transfer 920 mm, contact filter 50 kN / 920 mm,
  cast-iron tread brakes (rolling noise only is compared);

on bi-block sleepers with medium pads (Table G-3), rail roughness EN ISO 3095 (section 1, 2)
or 'average network' (section 5), with one joint per 100 m (section 2). The expected values
there are ``L_W,0 + 10·lg(t) − 10·lg(2 · 1000 · v)`` per band (their track count 2 and flow
factor t): that is :func:`line_power_db` with Q = t / 2 vehicles per hour. Their tables carry
more decimals than the Directive prints; ours are the printed one-decimal values, hence the
0.1 dB tolerance (the largest difference found is below 0.06 dB).
"""

from __future__ import annotations

import numpy as np
import pytest

from railcap.data.surroundings import TABLES_FILE, embedded_document
from railcap.services.surroundings import noise_tables
from railcap.surroundings.cnossos import (
    TrackType, VehicleType, energy, level, line_power_db, rolling_db, vehicle_sound_power_db,
)

TOL_DB = 0.1

BB66400 = VehicleType("SNCF-BB66400", 4, "cast_iron", "1200mm", "920mm_50kN", "diesel_loco_800kw")
RMR_1 = VehicleType("RMR-Cat-1", 4, "cast_iron", "920mm", "920mm_50kN")
RMR_9A = VehicleType("RMR-Cat-9-a", 4, "cast_iron", "920mm", "920mm_50kN")

SECTION_1_ROLLING = [46.62923937074308, 47.5930887825746, 49.48855395436553, 50.84525150627218, 48.290416823553656,
                     47.55991120199147, 48.36598621415334, 53.685023895294904, 55.17947382327178, 56.44358069598965,
                     57.381090582936295, 58.06233085323542, 59.82942366487711, 59.45435581560096, 56.541564191934896,
                     52.173989709214666, 54.51129722944201, 53.2570463370446, 51.118153521942574, 48.73174211849708,
                     49.13517759611298, 48.60046539576308, 48.58746317902302, 50.14566621392022]
SECTION_1_TRACTION_A = [46.8200805302231, 42.7200805302231, 40.5200805302231, 42.5200805302231, 40.7200805302231,
                        40.7200805302231, 40.9200805302231, 42.7200805302231, 42.5200805302231, 43.6200805302231,
                        43.5200805302231, 46.5200805302231, 43.1200805302231, 43.0200805302231, 43.0200805302231,
                        42.0200805302231, 42.0200805302231, 47.3200805302231, 40.4200805302231, 37.4200805302231,
                        34.9200805302231, 32.0200805302231, 29.4200805302231, 27.1200805302231]
SECTION_1_TRACTION_B = [51.1200805302231, 47.9200805302231, 43.4200805302231, 41.9200805302231, 41.2200805302231,
                        41.5200805302231, 40.8200805302231, 40.6200805302231, 40.3200805302231, 40.7200805302231,
                        40.7200805302231, 44.7200805302231, 40.6200805302231, 40.9200805302231, 40.8200805302231,
                        41.0200805302231, 41.1200805302231, 46.2200805302231, 39.4200805302231, 36.6200805302231,
                        33.9200805302231, 31.3200805302231, 28.8200805302231, 26.6200805302231]
SECTION_2_ROLLING = [48.855812075460975, 49.80224950461141, 52.61908165678001, 54.982731704412586, 52.61987147312681,
                     52.041501361148036, 53.19288499441544, 57.95824500346427, 58.13283629462971, 58.077111652037416,
                     58.250150682153944, 58.69354673204066, 60.388651969482424, 59.76608857751005, 56.71229509132594,
                     52.262588086680765, 54.5627556471335, 53.29375923552483, 51.141539208928265, 48.745028050980125,
                     49.141647244090876, 48.601924082363865, 48.58782710304959, 50.14560443243711]
SECTION_5_ROLLING = {  # BB66400 at 80 km/h, RMR-Cat-1 at 120, RMR-Cat-9-a at 100; t per period
    "day": ((0.4, 0.5, 0.2), [47.71997843033826, 46.637350019740694, 47.57462749051441, 48.37035398021847,
                              46.26756512527347, 46.231021285491536, 47.86579192688177, 52.487052374043586,
                              53.488856919653934, 54.60582219451978, 56.07350114723665, 58.46378649956855,
                              62.755024418449956, 63.70786252484214, 61.80735449363346, 58.68560995030353,
                              56.934883841636676, 54.84658995444764, 51.830594829509096, 49.969642427112504,
                              48.54957338454732, 47.75658020373088, 47.89544088700445, 48.67590747414407]),
    "night": ((0.25, 0.2, 0.7), [47.65504941580788, 46.52263037133977, 47.410602883575564, 48.44075766451791,
                                 46.403473096977066, 46.477035962374885, 48.16562342931819, 52.52404691923551,
                                 53.48428196138525, 54.65273465783923, 56.363119689612375, 58.960398517566645,
                                 62.97519061980192, 63.521599596900884, 61.41409817229095, 58.02824808516533,
                                 55.85451052086385, 54.18421078705474, 51.97980699274502, 49.8322214851138,
                                 48.306533194735444, 47.956080531777864, 47.89683391435612, 48.574675637769815]),
}


@pytest.fixture(scope="module")
def tables():
    return noise_tables(embedded_document(TABLES_FILE))


def _per_train(level_db, speed_kmh: float, t: float = 1.0):
    """NoiseModelling's normalisation of these cases: L_W,0 + 10·lg t − 10·lg(2 · 1000 · v)."""
    return line_power_db(level_db, t / 2.0, speed_kmh)


def test_section_1_rolling_and_traction(tables) -> None:
    track = TrackType("E", "biblock_medium", 0.0)
    rolling = _per_train(rolling_db(tables, BB66400, track, 80.0), 80.0)
    np.testing.assert_allclose(rolling, SECTION_1_ROLLING, atol=TOL_DB)
    ta, tb = tables.traction["diesel_loco_800kw"]
    np.testing.assert_allclose(_per_train(ta, 80.0), SECTION_1_TRACTION_A, atol=TOL_DB)
    np.testing.assert_allclose(_per_train(tb, 80.0), SECTION_1_TRACTION_B, atol=TOL_DB)
    # source A is rolling + traction A as energies, source B traction B alone (below 200 km/h)
    both = vehicle_sound_power_db(tables, BB66400, track, 80.0)
    np.testing.assert_allclose(_per_train(both[0], 80.0), level(energy(SECTION_1_ROLLING) + energy(SECTION_1_TRACTION_A)),
                               atol=TOL_DB)
    np.testing.assert_allclose(_per_train(both[1], 80.0), SECTION_1_TRACTION_B, atol=TOL_DB)


def test_section_2_one_joint_per_100_m(tables) -> None:
    rolling = _per_train(rolling_db(tables, BB66400, TrackType("E", "biblock_medium", 1.0), 80.0), 80.0)
    np.testing.assert_allclose(rolling, SECTION_2_ROLLING, atol=TOL_DB)


@pytest.mark.parametrize("period", sorted(SECTION_5_ROLLING))
def test_section_5_three_vehicles_summed(tables, period: str) -> None:
    track = TrackType("M", "biblock_medium", 0.0)
    factors, expected = SECTION_5_ROLLING[period]
    total = np.zeros(24)
    for vehicle, speed, t in zip((BB66400, RMR_1, RMR_9A), (80.0, 120.0, 100.0), factors):
        total = total + energy(_per_train(rolling_db(tables, vehicle, track, speed), speed, t))
    np.testing.assert_allclose(level(total), expected, atol=TOL_DB)
