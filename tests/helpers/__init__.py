"""Shared test helpers: small feeds, timetables, movements and registry extracts the tests build.

``SHARED`` is the real reference data beside the repository (``../shared/reference``); tests that
need it are marked ``fullscale`` and skipped when it is absent.
"""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference"
