"""Readers for the surroundings data: the CNOSSOS-EU tables, railcap's noise defaults, dangerous goods.

They return the documents as read (the service turns them into engine objects); a user's
file that is missing or not JSON gets one clear line.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from railcap.model.errors import InputFileError, Problem

TABLES_FILE = "noise_cnossos.json"
DEFAULTS_FILE = "noise_defaults_nl.json"
DANGEROUS_GOODS_FILE = "dangerous_goods_nl.json"


def embedded_document(name: str) -> dict[str, Any]:
    """One of the shipped surroundings files (``noise_cnossos.json``, ``noise_defaults_nl.json``, …)."""
    return json.loads(resources.files("railcap.data").joinpath(name).read_text("utf-8"))


def read_json(path: str | Path, what: str) -> Any:
    """A user's JSON file."""
    p = Path(path)
    try:
        return json.loads(p.read_text("utf-8"))
    except FileNotFoundError:
        raise InputFileError(Problem(str(p), what, "file not found")) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(Problem(str(p), what, f"not valid JSON: {exc}")) from None
