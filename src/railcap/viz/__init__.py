"""Views for people: the space–time diagram of a corridor.

``railcap.viz.spacetime`` computes what is shown (corridor, train lines,
blocking boxes); ``railcap.viz.diagram`` draws it with plotly or matplotlib.
"""

from railcap.viz.diagram import SpaceTimeDiagram, build_diagram, space_time_diagram, write_diagram
from railcap.viz.spacetime import (
    BlockBox, Corridor, TrainLine, blocking_boxes, parse_window, train_lines,
)

__all__ = [
    "BlockBox", "Corridor", "SpaceTimeDiagram", "TrainLine", "blocking_boxes", "build_diagram",
    "parse_window", "space_time_diagram", "train_lines", "write_diagram",
]
