"""What the README says of the shipped network is what the shipped network is."""

import re
from pathlib import Path

from railcap.services.embedded import network

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_network_figures_in_the_readme_are_the_embedded_networks():
    text = " ".join(README.read_text().split())
    m = re.search(r"\(([\d,]+) operational points, ([\d,]+) sections, ([\d,]+) of the registry's ([\d,]+) track-km\)",
                  text)
    assert m, "the README no longer states the network's size"
    points, sections, track_km, registry_km = (int(g.replace(",", "")) for g in m.groups())
    net = network()
    assert points == len(net.ops) and sections == len(net.sections)
    assert track_km == round(net.track_length_m / 1000.0)
    assert registry_km == round(float(net.meta["registry_track_m"]) / 1000.0)
