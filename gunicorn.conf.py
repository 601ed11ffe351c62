"""gunicorn settings for `make run` and `make bench-load` (bind and workers come from the command).

Garbage collection: the app holds about 140,000 Python objects once loaded (Flask, SQLAlchemy,
marshmallow, the OpenAPI document), and CPython's full collection walks every one of them:
about 45 ms, once every few dozen requests, which was most of the API's slowest answers.
Each worker freezes what it has after loading the app, so collections skip those objects
(see docs/PERFORMANCE.md, "Issue 3").
"""

from __future__ import annotations

import gc
from typing import Any

logger_class = "booking.calendar.feed_logs.ScrubbingLogger"
"""Calendar feed tokens are replaced by "…" in the access and error logs."""


def post_worker_init(worker: Any) -> None:
    """In each worker, once the app is loaded: collect, then freeze what is left."""
    gc.collect()
    gc.freeze()
