"""Every ``>>>`` example in the package runs, so the examples stay true.

Each module of ``railcap`` is imported and its docstring examples run (ELLIPSIS and
NORMALIZE_WHITESPACE on); a module whose source holds ``>>>`` must have examples the
finder reaches. Alembic's migration scripts run migrations when imported and hold no examples.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import railcap

SKIP = ("railcap.store.migrations",)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules() -> list[str]:
    names = ["railcap"]
    for info in pkgutil.walk_packages(railcap.__path__, "railcap."):
        if not info.name.startswith(SKIP):
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for t in tests:
        runner.run(t)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
    source = module.__loader__.get_source(name) or ""
    if ">>>" in source:  # examples marked +SKIP count as reached
        assert sum(len(t.examples) for t in tests) > 0, f"{name} has '>>>' the doctest finder does not reach"
