"""The examples in the occupancy docstrings are true."""

import doctest
import importlib

import pytest

MODULES = ["railcap.occupancy", "railcap.occupancy.resources", "railcap.model.occupation",
           "railcap.occupancy.blocking", "railcap.occupancy.conflicts",
           "railcap.occupancy.index"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
