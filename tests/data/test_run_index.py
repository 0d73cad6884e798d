"""The timetable's runs read one at a time are the runs the whole file gives."""

import gzip

import pytest

from railcap.data.embedded import embedded_path
from railcap.data.reference import TIMETABLE_FILE, load_reference_timetable
from railcap.data.timetable_io import RunIndex
from railcap.model.errors import InputFileError


def test_every_run_of_the_reference_day_read_alone_equals_the_whole_files():
    whole = {r.id: r for r in load_reference_timetable().runs}
    index = RunIndex(embedded_path(TIMETABLE_FILE))
    assert sorted(index) == sorted(whole) and len(index) == len(whole)
    assert all(index[t] == run for t, run in whole.items())
    with pytest.raises(KeyError):
        index["no-such-train"]


def test_a_run_that_is_not_where_it_was_found_is_refused(tmp_path):
    text = gzip.decompress(embedded_path(TIMETABLE_FILE).read_bytes()).decode()
    first = load_reference_timetable().runs[0].id  # runs are written sorted by id
    broken = text.replace(f'"id":"{first}","legs":[', f'"id":"{first}","legs":[[1,', 1)
    path = tmp_path / "day.json"
    path.write_text(broken)
    with pytest.raises(InputFileError, match="cannot be read"):
        RunIndex(path)[first]
