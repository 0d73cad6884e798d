"""Whole deployments: many trains from the loading sites over several days (see ``deploy``)."""

from railcap.movements.deploy import Deployment, MovementPlan, PlannedTrain, Unplanned, plan_movement, resolve
from railcap.movements.order import MovementOrder, parse_order

__all__ = ["Deployment", "MovementOrder", "MovementPlan", "PlannedTrain", "Unplanned", "parse_order",
           "plan_movement", "resolve"]
