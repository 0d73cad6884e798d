"""Every ``>>>`` example in the surroundings modules runs."""

import doctest

import pytest

import railcap.surroundings.cnossos
import railcap.surroundings.dangerous_goods
import railcap.surroundings.noise
import railcap.viz.surroundings_map


@pytest.mark.parametrize("module", [railcap.surroundings.cnossos, railcap.surroundings.noise,
                                    railcap.surroundings.dangerous_goods, railcap.viz.surroundings_map])
def test_doctests(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
