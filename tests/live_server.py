"""A real threaded HTTP server around a test app, for browsers and concurrent clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 and yield its base URL.

    The app's SURVEY_BASE_URL points at the server, so links printed by `survey invite` or
    built by the services open this server.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    previous = app.config["SURVEY_BASE_URL"]
    app.config["SURVEY_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.config["SURVEY_BASE_URL"] = previous
