"""The layer contract (``[tool.importlinter]`` in pyproject.toml; docs/architecture.md).

The package as it is keeps every contract; an engine that imports a service or a face, an
engine that reads a file through ``data/``, a reader that runs an engine, an engine that
draws, or an import cycle inside a package breaks one. The broken cases add one import to
the real import graph, so they check the contract as configured, not a copy of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.application.app_config import settings

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

configuration.configure()
use_cases._register_built_in_contract_types()  # what ``lint-imports`` does before reading the contracts


def _report(extra_imports=()):
    """The contracts checked on the package's import graph, with ``extra_imports`` added to it."""
    real = settings.GRAPH_BUILDER

    class WithExtra:
        def build(self, **options):
            graph = real.build(**options)
            for importer, imported in extra_imports:
                graph.add_import(importer=importer, imported=imported)
            return graph

    settings.configure(GRAPH_BUILDER=WithExtra())
    try:
        options = use_cases.read_user_options(str(PYPROJECT))
        return use_cases.create_report(options, cache_dir=None)
    finally:
        settings.configure(GRAPH_BUILDER=real)


def _broken(report) -> set[str]:
    return {contract.name for contract, check in report.get_contracts_and_checks() if not check.kept}


def test_the_package_keeps_every_contract():
    report = _report()
    assert not report.contains_failures, _broken(report)
    assert report.kept_count >= 5


@pytest.mark.parametrize("importer, imported, contract", [
    ("railcap.physics.formulary", "railcap.services.embedded", "Layers"),  # an engine uses a service
    ("railcap.timetable.reference", "railcap.cli.timetable", "Layers"),  # an engine uses a face
    ("railcap.occupancy.runs", "railcap.pathing.search", "Layers"),  # a lower engine uses a higher one
    ("railcap.model.infrastructure", "railcap.physics.route", "Layers"),  # the model uses an engine
    ("railcap.timetable.corridors", "railcap.data.reference", "Engines and the model do not import the readers"),
    ("railcap.data.gtfs", "railcap.physics.route", "Readers (data/) build the model"),
    ("railcap.pathing.search", "rich", "Engines, the model and the readers draw nothing"),
    ("railcap.timetable.templates", "railcap.timetable.reference", "No import cycles"),  # a cycle in timetable/
    ("railcap.cli.network", "railcap.data.prorail.build", "Faces (cli/, api/, viz/) reach data"),  # a face reads
    ("railcap.api.routes", "railcap.data.geojson", "Faces (cli/, api/, viz/) reach data"),
])
def test_a_wrong_import_breaks_the_contract(importer, imported, contract):
    broken = _broken(_report([(importer, imported)]))
    assert any(name.startswith(contract) for name in broken), broken
