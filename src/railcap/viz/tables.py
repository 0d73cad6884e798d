"""Terminal tables for wide data in a narrow terminal: one style, kept in one place.

A planner's terminal is often 80–100 columns. A light frame (a rule under the
header, no vertical lines, one space between columns) leaves the room to the
figures, which are added with ``no_wrap`` so that they are never cut; names
and notes wrap instead.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table


def compact_table(title: str | None = None, **options: Any) -> Table:
    """A table in the compact style (``options`` go to :class:`rich.table.Table`).

    >>> t = compact_table("Sections")
    >>> t.add_column("km", justify="right", no_wrap=True)
    >>> t.add_row("3.46")
    >>> t.box is box.SIMPLE_HEAD and not t.pad_edge and t.collapse_padding
    True
    """
    return Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, **options)
