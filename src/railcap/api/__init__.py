"""The web application: an HTTP API (FastAPI, OpenAPI at ``/openapi.json``) and pages over the services.

``create_app(db)`` builds the application; ``railcap serve`` runs it with uvicorn.
The planner and the day's blocking times stay loaded in the process (see ``warm``).
"""

from railcap.api.app import create_app

__all__ = ["create_app"]
