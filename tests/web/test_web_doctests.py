"""The >>> examples in the web and store modules run."""

import doctest
import importlib

import pytest

MODULES = ["railcap.store.database", "railcap.store.users", "railcap.api.redact", "railcap.api.paths",
           "railcap.api.jobs", "railcap.api.planning"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0
