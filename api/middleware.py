"""ASGI middleware: request size limit, security headers and structured access logs."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response

__all__ = ["AccessLogMiddleware", "BodySizeLimitMiddleware", "SecurityHeadersMiddleware"]

access_log = logging.getLogger("transfernet.access")


class _TooLarge(HTTPException):
    """A streamed body grew past the limit.

    An `HTTPException`, so that FastAPI's body parsing passes it on (it answers any
    other exception raised while reading the body with 400) and the app's problem
    handlers answer 413.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, _too_large(max_bytes))
        self.kind = "payload-too-large"  # the problem type, as `_refuse` gives it


def _too_large(max_bytes: int) -> str:
    return f"The request body is larger than {max_bytes} bytes."


class BodySizeLimitMiddleware:
    """Refuse request bodies larger than ``max_bytes`` with 413 problem details.

    Checks ``Content-Length`` up front and counts streamed (chunked) bodies too.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    await self._refuse(scope, receive, send)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            _too_large(self.max_bytes),
            instance=scope.get("path"),
            kind="payload-too-large",
        )
        await response(scope, receive, send)


class SecurityHeadersMiddleware:
    """Send ``X-Content-Type-Options: nosniff`` on every response; on HTML pages also
    ``X-Frame-Options: DENY`` and a ``Content-Security-Policy`` header.

    A page that sets its own policy (the report) keeps it; others get ``csp_by_path[path]``,
    else `DEFAULT_HTML_CSP`.  Pages listed in `exempt` (the OpenAPI docs page, which loads
    Swagger UI from a CDN) get the other headers only.  Every policy gets
    ``frame-ancestors 'none'`` (a meta tag cannot say it).
    """

    #: for an HTML answer that names no policy (the ontology docs): its own origin, inline style
    DEFAULT_HTML_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"

    def __init__(
        self, app: ASGIApp, csp_by_path: dict[str, str] | None = None, exempt: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.csp_by_path = csp_by_path or {}
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("X-Frame-Options", "DENY")
                    if path not in self.exempt:
                        csp = headers.get("content-security-policy") or self.csp_by_path.get(
                            path, self.DEFAULT_HTML_CSP
                        )
                        if "frame-ancestors" not in csp:
                            csp += "; frame-ancestors 'none'"
                        headers["Content-Security-Policy"] = csp
            await send(message)

        await self.app(scope, receive, with_headers)


class AccessLogMiddleware:
    """Log one structured (JSON) line per request: method, path, status, duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            record: dict[str, Any] = {
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "ms": round((time.perf_counter() - start) * 1000, 2),
                "client": (scope.get("client") or ["", 0])[0],
            }
            access_log.info(json.dumps(record, ensure_ascii=False))
