"""Looking up an operational point: by id, code or name, and a typo answered with the nearest names."""

import pytest

from railcap.model.errors import NotFoundError
from railcap.services.embedded import network


@pytest.fixture(scope="module")
def nl():
    return network()


@pytest.mark.parametrize("query, found", [("zwolle", "zwolle"), ("Kijfhoek", "kijfhoek"),
                                          ("Oldenzaal Grens", "oldenzaal-grens")])
def test_found_by_id_or_name(nl, query, found):
    assert nl.find_op(query).id == found


@pytest.mark.parametrize("typo, suggested", [("zwole", "Zwolle"), ("amersfort", "Amersfoort Centraal"),
                                             ("oldenzal grens", "Oldenzaal Grens")])
def test_a_typo_names_the_nearest_points(nl, typo, suggested):
    with pytest.raises(NotFoundError) as err:
        nl.find_op(typo)
    assert suggested in str(err.value)


def test_nothing_near_gives_no_hint(nl):
    with pytest.raises(NotFoundError) as err:
        nl.find_op("nosuch")
    assert "similar" not in str(err.value)
