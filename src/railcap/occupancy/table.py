"""Kept so that imports of ``railcap.occupancy.table`` keep working: the occupation records are
model objects now (``railcap.model.occupation``), which readers and engines share."""

from railcap.model.occupation import Occupation, OccupationTable, as_table

__all__ = ["Occupation", "OccupationTable", "as_table"]
