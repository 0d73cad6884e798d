import pytest

from railcap.data.embedded import load_network
from railcap.data.reference import load_reference_timetable
from railcap.data.rolling_stock import load_catalogue
from railcap.occupancy.runs import timetable_occupations


@pytest.fixture(scope="session")
def day():
    """The embedded network, the reference weekday and its blocking times (computed once)."""
    net, tt = load_network(), load_reference_timetable()
    return net, tt, timetable_occupations(tt, net, load_catalogue())
