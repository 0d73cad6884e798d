"""The examples in the resilience docstrings are run, so they stay true."""

import doctest
import importlib

import pytest

MODULES = ["capacity", "passenger", "demand", "macro", "flow", "scenarios", "analysis", "samples", "montecarlo"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(f"railcap.resilience.{name}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
