import pytest

from tests.store.small_day import fresh_db, small_day


@pytest.fixture(scope="session")
def sday():
    return small_day()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("store-template") / "empty.sqlite"
    fresh_db(path, path.with_name("warm.sqlite"))
    return path


@pytest.fixture
def db(template_db, tmp_path):
    return fresh_db(template_db, tmp_path / "store.sqlite")
