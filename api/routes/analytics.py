"""Network analytics over HTTP: one endpoint per view of `graph.analytics.views`.

Each endpoint is thin HTTP over the registry: its query parameters are the view's
public names of `~graph.analytics.params.AnalysisParams` fields (with their bounds and
descriptions), `graph.analytics.answers.answer` serves the stored run's result or
computes it now, and the view turns the typed result into rows.  ``sort``, ``order``,
``offset`` and ``limit`` page them; ``Accept: text/csv`` gives the same rows as CSV.
Responses carry their origin (``stored`` or ``computed``), the run id and timestamp
and the parameters used; the page is validated by its response model.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api.deps import ProjectionDep, RunsDep
from api.negotiation import CSV_MEDIA_TYPE, JSON_MEDIA_TYPE, negotiate, to_csv
from api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemError
from api.routes.analytics_examples import EXAMPLES, OPERATION_IDS
from graph.analytics.answers import Answer, NoStoredResult, StoredParametersDiffer, answer
from graph.analytics.params import AnalysisParams
from graph.analytics.registry import UnknownDemandError
from graph.analytics.views import VIEWS, Names, View

__all__ = ["AnalyticsPage", "RunInfo", "router"]

router = APIRouter(prefix="/analytics", tags=["analytics"])


class RunInfo(BaseModel):
    """Where the results come from."""

    source: Literal["stored", "computed"] = Field(
        description=(
            "`stored`: the last run saved by `transfernet analyze`; `computed`: computed for this request."
        )
    )
    run_id: str | None = Field(description="The stored run's id (None when computed).")
    timestamp: str = Field(description="When the results were computed (ISO 8601, UTC).")
    parameters: dict[str, Any] = Field(description="The parameters of this analysis.")
    population: str | None = Field(
        default=None, description="What the results cover and what was left out (synthetic, planned bodies)."
    )


class AnalyticsPage[RowT: BaseModel](BaseModel):
    """One page of an analysis' rows."""

    analysis: str
    run: RunInfo
    total: int = Field(description="Rows before offset and limit.")
    offset: int
    limit: int
    sort: str
    order: Literal["asc", "desc"]
    summary: dict[str, Any] = Field(default_factory=dict, description="Analysis-level values.")
    items: list[RowT]


def _sorted(
    rows: list[dict[str, Any]], value: Callable[[dict[str, Any]], Any], order: str, tie: str
) -> list[dict[str, Any]]:
    """Sort by `value` (None last in either order), ties by `tie` ascending.

    Examples
    --------
    >>> rows = [{"id": "b", "x": 1}, {"id": "a", "x": None}, {"id": "c", "x": 1}, {"id": "d", "x": 2}]
    >>> [r["id"] for r in _sorted(rows, lambda r: r["x"], "desc", "id")]
    ['d', 'b', 'c', 'a']
    >>> [r["id"] for r in _sorted(rows, lambda r: r["x"], "asc", "id")]
    ['b', 'c', 'd', 'a']
    """
    by_tie = sorted(rows, key=lambda r: str(r.get(tie)))
    present = [r for r in by_tie if value(r) is not None]
    present.sort(key=value, reverse=order == "desc")  # stable: ties stay in `tie` order
    return present + [r for r in by_tie if value(r) is None]


def _responses(view: View) -> dict[int | str, dict[str, Any]]:
    example, csv_example = EXAMPLES[view.name]
    problem = {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}}
    return {
        200: {
            "description": "The analysis rows (JSON, or CSV with `Accept: text/csv`).",
            "content": {
                JSON_MEDIA_TYPE: {"example": example},
                "text/csv": {"schema": {"type": "string"}, "example": csv_example},
            },
        },
        404: {"description": "fresh=false and no stored run holds this analysis.", "content": problem},
        406: {"description": "The Accept header allows neither JSON nor CSV.", "content": problem},
        409: {"description": "fresh=false and the stored run's parameters differ.", "content": problem},
        422: {"description": "Invalid parameters.", "content": problem},
    }


_FRESH = Query(
    description=(
        "Omitted: the stored run when it matches the request, else computed now. "
        "true: always computed now. false: the stored run only (404 without one, 409 when its "
        "parameters differ)."
    )
)


def _parameter(name: str, field: str) -> inspect.Parameter:
    """The query parameter `name` for the `AnalysisParams` field `field` (its bounds, its description)."""
    info = AnalysisParams.model_fields[field]
    optional: Any = info.annotation | None  # type: ignore[operator]  # a run-time type of the field
    annotation: Any = Annotated[optional, *info.metadata, Query(description=info.description)]
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)


def _rows(view: View, found: Answer[Any], names: Names) -> list[dict[str, Any]]:
    return view.rows(found.value, names, found.params)


def _endpoint(view: View) -> Callable[..., Response]:
    """The handler of one view: parameters, stored-or-fresh answer, sorted page as JSON or CSV."""
    page_model = AnalyticsPage[view.row]  # type: ignore[name-defined]
    columns = list(view.row.model_fields)

    def handler(request: Request, runs: RunsDep, projection: ProjectionDep, **query: Any) -> Response:
        media = negotiate(request.headers.get("accept"))
        fresh = query.pop("fresh")
        sort, order, offset, limit = (query.pop(k) for k in ("sort", "order", "offset", "limit"))
        asked = {view.parameters[name]: value for name, value in query.items()}
        graph = projection.graph
        try:
            found = answer(view.analysis, asked, fresh=fresh, run=runs.latest(), graph=graph)
        except NoStoredResult as exc:
            raise ProblemError(404, str(exc), kind="no-analysis-run") from None
        except StoredParametersDiffer as exc:
            raise ProblemError(409, str(exc), kind="run-parameters-differ") from None
        except UnknownDemandError as exc:
            raise ProblemError(404, str(exc), kind="not-found") from None
        rows = _rows(view, found, Names(graph))
        ordered = _sorted(rows, view.sort_key.get(sort, lambda r: r.get(sort)), order, view.tie)
        page = ordered[offset : offset + limit]
        info = RunInfo(
            source=found.source,
            run_id=found.run_id,
            timestamp=found.timestamp,
            parameters={k: getattr(found.params, k) for k in view.params},
            population=found.population.describe() if found.population else None,
        )
        if media != JSON_MEDIA_TYPE:
            headers = {
                "Vary": "Accept",
                "X-Analysis-Source": info.source,
                "X-Analysis-Timestamp": info.timestamp,
                "X-Total-Count": str(len(ordered)),
            }
            if info.run_id:
                headers["X-Analysis-Run"] = info.run_id
            return Response(to_csv(columns, page), media_type=CSV_MEDIA_TYPE, headers=headers)
        body = page_model(
            analysis=view.name,
            run=info,
            total=len(ordered),
            offset=offset,
            limit=limit,
            sort=sort,
            order=order,
            summary=view.summary(found.value) if view.summary else {},
            items=page,
        )
        return JSONResponse(body.model_dump(mode="json"), headers={"Vary": "Accept"})

    Sort: Any = Literal[view.sorts]
    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter("runs", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=RunsDep),
        inspect.Parameter("projection", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=ProjectionDep),
        *(_parameter(name, field) for name, field in view.parameters.items()),
        inspect.Parameter(
            "fresh", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[bool | None, _FRESH]
        ),
        inspect.Parameter(
            "sort",
            inspect.Parameter.KEYWORD_ONLY,
            default=view.sort,
            annotation=Annotated[Sort, Query(description="Column to sort by.")],
        ),
        inspect.Parameter(
            "order",
            inspect.Parameter.KEYWORD_ONLY,
            default=view.order,
            annotation=Annotated[Literal["asc", "desc"], Query(description="Sort direction.")],
        ),
        inspect.Parameter(
            "offset",
            inspect.Parameter.KEYWORD_ONLY,
            default=0,
            annotation=Annotated[int, Query(ge=0, le=1_000_000, description="Rows skipped after sorting.")],
        ),
        inspect.Parameter(
            "limit",
            inspect.Parameter.KEYWORD_ONLY,
            default=100,
            annotation=Annotated[int, Query(ge=1, le=10_000, description="Most rows returned.")],
        ),
    ]
    handler.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    handler.__name__ = view.name
    handler.__doc__ = view.description
    return handler


for _view in VIEWS:
    router.add_api_route(
        f"/{_view.path}",
        _endpoint(_view),
        methods=["GET"],
        operation_id=OPERATION_IDS[_view.name],
        response_model=AnalyticsPage[_view.row],  # type: ignore[name-defined]
        responses=_responses(_view),
        summary=_view.description.split(".")[0].split(":")[0],
        description=_view.description,
    )
