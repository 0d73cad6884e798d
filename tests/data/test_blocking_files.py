import numpy as np
import pytest

from railcap.model.errors import InputFileError
from railcap.data.blocking import read_blocking, write_blocking
from railcap.model.occupation import Occupation, OccupationTable

OCC = [Occupation("ic 1", "y-j/+/0", 0.1, 60.25), Occupation("fr,7", "j-t/0/3", 3600.0, 3725.5)]


@pytest.mark.parametrize("name", ["blocking.csv", "blocking.parquet"])
def test_round_trip(tmp_path, name):
    path = write_blocking(tmp_path / name, OCC)
    back = read_blocking(path)
    assert back.to_list() == OCC


def test_csv_has_one_row_per_occupation(tmp_path):
    path = write_blocking(tmp_path / "b.csv", OccupationTable.of(OCC))
    lines = path.read_text().splitlines()
    assert lines[0] == "train_id,resource_id,start_s,end_s"
    assert lines[1] == "ic 1,y-j/+/0,0.1,60.25"
    assert len(lines) == 3


def test_empty_table_round_trips(tmp_path):
    for name in ("e.csv", "e.parquet"):
        assert len(read_blocking(write_blocking(tmp_path / name, []))) == 0


@pytest.mark.parametrize("text, match", [
    ("train,res,a,b\n", "header"),
    ("train_id,resource_id,start_s,end_s\nx,r,abc,1\n", "line 2.*not a number"),
    ("train_id,resource_id,start_s,end_s\nx,r,0,1\nx,r,5,1\n", "line 3.*before"),
    ("train_id,resource_id,start_s,end_s\nx,r,0\n", "4 values"),
])
def test_bad_csv_names_the_line(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputFileError, match=match):
        read_blocking(path)


def test_missing_or_damaged_files(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_blocking(tmp_path / "none.csv")
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet")
    with pytest.raises(InputFileError, match="cannot be read"):
        read_blocking(junk)


def test_table_refuses_negative_durations():
    from railcap.model.errors import ValidationError
    with pytest.raises(ValidationError):
        OccupationTable.from_columns(["a"], ["r"], np.array([5.0]), np.array([1.0]))
