"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import StoreUnavailable

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "Problem",
    "ProblemError",
    "document_problems",
    "install_problem_handlers",
    "install_problem_openapi",
    "problem_doc",
    "problem_response",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
_PROBLEM_REF = "#/components/schemas/Problem"


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(default="about:blank", examples=["https://w3id.org/transfernet/problems/not-found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["No Country with key 'XX'."])
    instance: str | None = Field(default=None, examples=["/api/v1/entities/Country/XX"])
    errors: list[dict[str, Any]] | None = None


class ProblemError(Exception):
    """Raise from a route to answer with a problem document.

    Examples
    --------
    >>> err = ProblemError(404, "No Country with key 'XX'.", kind="not-found")
    >>> err.status, err.kind
    (404, 'not-found')
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.errors = errors


def problem_response(
    status: int,
    detail: str | None,
    *,
    instance: str | None = None,
    kind: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build a problem+json response."""
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body = Problem(
        type=f"https://w3id.org/transfernet/problems/{kind}" if kind else "about:blank",
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every HTTP, validation and domain error with problem details."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(
            exc.status, exc.detail, instance=request.url.path, kind=exc.kind, errors=exc.errors
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(
            exc.status_code,
            str(exc.detail),
            instance=request.url.path,
            kind=getattr(exc, "kind", None),
            headers=dict(exc.headers) if exc.headers else None,
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return problem_response(
            422, "The request is not valid.", instance=request.url.path, kind="invalid-request", errors=errors
        )

    async def on_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # an unreachable or hung store server (replaced by the backend when it hung): retry
        return problem_response(
            503,
            f"The graph store is not answering: {exc}",
            instance=request.url.path,
            kind="store-unavailable",
            headers={"Retry-After": "5"},
        )

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        # the server still logs the traceback (Starlette re-raises after answering)
        return problem_response(500, "The server failed to answer.", instance=request.url.path)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StoreUnavailable, on_unavailable)
    app.add_exception_handler(Exception, on_crash)


def problem_doc(description: str) -> dict[str, Any]:
    """An error response for a route's ``responses``, documented as problem details.

    Examples
    --------
    >>> problem_doc("No node with that id.")["content"]
    {'application/problem+json': {'schema': {'$ref': '#/components/schemas/Problem'}}}
    """
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _PROBLEM_REF}}}}


def _is_error(status: str) -> bool:
    return status[:1] in ("4", "5")


def _uses_ref(node: Any, ref: str) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == ref or any(_uses_ref(v, ref) for v in node.values())
    if isinstance(node, list):
        return any(_uses_ref(v, ref) for v in node)
    return False


def document_problems(
    openapi: dict[str, Any], unavailable: Collection[tuple[str, str]] = ()
) -> dict[str, Any]:
    """Make every error response of an OpenAPI document say what the API serves: problem details.

    Every 4xx/5xx response gets ``application/problem+json`` with the ``Problem`` schema as its
    only content (the handlers of :func:`install_problem_handlers` and the body-size middleware
    answer every error so); every operation that takes parameters or a body documents 422,
    every one that takes a body 413, and the ``(METHOD, path)`` operations in `unavailable`
    503 (the store is not open).  FastAPI's own ``HTTPValidationError`` schema goes.  Changes
    `openapi` in place and returns it; doing it twice changes nothing.

    Examples
    --------
    >>> default_422 = {
    ...     "description": "Validation Error",
    ...     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}},
    ... }
    >>> doc = {
    ...     "paths": {"/x": {"post": {"requestBody": {}, "responses": {"422": default_422}}}},
    ...     "components": {"schemas": {"HTTPValidationError": {}, "ValidationError": {}}},
    ... }
    >>> doc = document_problems(doc, unavailable=[("POST", "/x")])
    >>> sorted(doc["paths"]["/x"]["post"]["responses"])
    ['413', '422', '503']
    >>> list(doc["paths"]["/x"]["post"]["responses"]["422"]["content"])
    ['application/problem+json']
    >>> sorted(doc["components"]["schemas"])
    ['Problem']
    """
    wanted = {(method.upper(), path) for method, path in unavailable}
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if operation.get("parameters") or "requestBody" in operation:
                responses.setdefault("422", {"description": "The request is not valid."})
                if responses["422"].get("description") == "Validation Error":  # FastAPI's default
                    responses["422"]["description"] = "The request is not valid."
            if "requestBody" in operation:
                responses.setdefault(
                    "413", {"description": "The request body is larger than the configured limit."}
                )
            if (method.upper(), path) in wanted:
                responses.setdefault("503", {"description": "The graph store is not open."})
            for status, response in responses.items():
                if _is_error(status):
                    kept = response.get("content", {}).get(PROBLEM_MEDIA_TYPE, {})
                    response["content"] = {PROBLEM_MEDIA_TYPE: {**kept, "schema": {"$ref": _PROBLEM_REF}}}
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", Problem.model_json_schema())
    for name in ("HTTPValidationError", "ValidationError"):
        if name in schemas and not _uses_ref(openapi["paths"], f"#/components/schemas/{name}"):
            del schemas[name]
    return openapi


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def install_problem_openapi(app: FastAPI, store_dependencies: Collection[Callable[..., Any]] = ()) -> None:
    """Have `app`'s OpenAPI document describe its errors as problem details (:func:`document_problems`).

    Operations that depend, directly or not, on one of `store_dependencies` (the dependencies
    that answer 503 while the store is not open) document 503.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        unavailable = [
            (method, str(route.path_format))
            for route in iter_route_contexts(app.routes)
            if isinstance(route.original_route, APIRoute) and route.include_in_schema
            if any(call in store_dependencies for call in _calls(route.dependant))
            for method in route.methods or ()
        ]
        return document_problems(generate(), unavailable)

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend it
