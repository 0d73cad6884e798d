"""The reference day's JSON files are read through pydantic models: the shipped ones load,
and a bad file is one clear problem per field, naming the file and the element."""

from __future__ import annotations

import json

import pytest

from railcap.data.reference import load_corridors, load_flows
from railcap.model.errors import InputFileError


def test_the_shipped_files_load():
    flows = load_flows()
    corridors, source = load_corridors()
    assert len(flows) > 10 and all(f.trains_per_day > 0 and f.source for f in flows)
    assert len(corridors) > 10 and source and all(c.low <= c.high for c in corridors)


def test_a_bad_flow_names_file_element_and_field(tmp_path):
    path = tmp_path / "flows.json"
    path.write_text(json.dumps({"flows": [
        {"origin": "a", "destination": "b", "trains_per_day": 4, "consist": "x", "source": "s"},
        {"origin": "a", "destination": "b", "trains_per_day": -1, "consist": "x"}]}), "utf-8")
    with pytest.raises(InputFileError) as err:
        load_flows(path)
    text = str(err.value)
    assert "flows.json flows[1]: field 'trains_per_day'" in text and "field 'source': missing" in text


def test_a_corridor_pair_must_be_two_points(tmp_path):
    path = tmp_path / "volumes.json"
    path.write_text(json.dumps({"source": "facts", "corridors": [
        {"name": "A–B", "class": "passenger", "between": [["a", "b", "c"]], "low": 1, "high": 2}]}), "utf-8")
    with pytest.raises(InputFileError, match=r"volumes.json corridors\[0\]"):
        load_corridors(path)


def test_not_json_is_an_input_file_error(tmp_path):
    path = tmp_path / "flows.json"
    path.write_text("{", "utf-8")
    with pytest.raises(InputFileError, match="flows.json: field '\\(json\\)'"):
        load_flows(path)
