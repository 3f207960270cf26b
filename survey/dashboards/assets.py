"""plotly.js served by this app: the copy inside the installed plotly package, gzip-compressed,
at a URL that names its version, cached for a year. Never a CDN."""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from flask import Response, abort, request
from flask.typing import ResponseReturnValue

from survey.auth.policies import public
from survey.dashboards.blueprint import bp

#: The header of plotly.min.js names its version ("plotly.js v3.0.1").
_VERSION = re.compile(rb"plotly\.js v(\d+\.\d+\.\d+)")
ONE_YEAR = 31_536_000


@dataclass(frozen=True)
class Bundle:
    """plotly.min.js as served: its version, plain and compressed bytes, and an ETag."""

    version: str
    plain: bytes
    compressed: bytes
    etag: str


@cache
def plotly_bundle() -> Bundle:
    """Read and compress plotly.min.js once per process (4.6 MB, about 1.4 MB gzipped)."""
    plain = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    match = _VERSION.search(plain[:500])
    version = match.group(1).decode() if match else hashlib.sha256(plain).hexdigest()[:12]
    # mtime=0: the same bytes (and ETag) from every worker process.
    compressed = gzip.compress(plain, compresslevel=9, mtime=0)
    return Bundle(version, plain, compressed, hashlib.sha256(plain).hexdigest()[:32])


def plotly_filename() -> str:
    """Return the versioned file name pages link to."""
    return f"plotly-{plotly_bundle().version}.min.js"


@bp.get("/vendor/<name>")
@public
def vendor_script(name: str) -> ResponseReturnValue:
    """Serve plotly.js under its versioned name, gzipped when the browser accepts it."""
    bundle = plotly_bundle()
    if name != plotly_filename():
        abort(404)  # an old version's URL: its cached copy must not be replaced silently
    if request.if_none_match.contains(bundle.etag):
        response = Response(status=304)
    elif request.accept_encodings["gzip"]:
        response = Response(bundle.compressed, mimetype="text/javascript")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(bundle.plain, mimetype="text/javascript")
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.set_etag(bundle.etag)
    return response
