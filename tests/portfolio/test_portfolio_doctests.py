"""The examples in the portfolio's docstrings run, so they stay true."""

import doctest
import importlib

import pytest

MODULES = ["railcap.model.measures", "railcap.data.measures", "railcap.portfolio.edits", "railcap.portfolio.optimise",
           "railcap.portfolio.plan", "railcap.portfolio.samples"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
