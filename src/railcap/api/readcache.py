"""Read answers kept as JSON bytes per store version, with ETags.

What ``/api/allocations`` and ``/api/corridor`` answer changes only when the
store's version does (allocations, confirmations, cancellations, movements bump
it) and depends on who asks only through what they may see of military
requests (:func:`railcap.api.redact.audience`). So an answer is made once per
(version, audience, question) and then served as it is; its ETag lets a
browser ask again with ``If-None-Match`` and get ``304 Not Modified``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Callable

from fastapi import Request
from fastapi.responses import Response

from railcap.store import allocations as allocation_store

SIZE = 512


class ReadCache:
    def __init__(self, engine, size: int = SIZE):
        self.engine = engine
        self.size = size
        self._answers: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def version(self) -> int:
        with self.engine.connect() as conn:
            return allocation_store.current_version(conn)

    def respond(self, request: Request, key: tuple, make: Callable[[], bytes],
                media_type: str = "application/json") -> Response:
        """The answer for ``key`` at the current version: made by ``make()`` once, 304 when unchanged."""
        full = (self.version(), *key)
        with self._lock:
            kept = self._answers.get(full)
            if kept is not None:
                self._answers.move_to_end(full)
        if kept is None:
            body = make()
            kept = (body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')
            with self._lock:
                self._answers[full] = kept
                while len(self._answers) > self.size:
                    self._answers.popitem(last=False)
        body, etag = kept
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media_type, headers=headers)
