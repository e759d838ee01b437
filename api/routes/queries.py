"""Named queries: a catalogue of read-only Cypher queries with typed parameters.

The queries themselves live in `graph.cypher.named.NAMED_QUERIES` (text, parameter declarations,
examples; each tested on every backend by the store contract suite).  Here a caller lists
them and runs one with a JSON object of parameters, checked against the declarations by a
pydantic model built from them (strict types: ``"5"`` is not an integer; unknown and
missing parameters are refused), then run read-only with the settings' timeout and row
cap and answered like ``POST /cypher``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, create_model

from api.deps import SettingsDep, StoreDep
from api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemError
from api.serialise import CypherResult, run_read
from graph.cypher.named import NAMED_QUERIES, NamedQuery, QueryParameter
from ontology.schema import GraphSchema

__all__ = ["router"]

router = APIRouter(tags=["queries"])


def _p(description: str) -> dict[str, Any]:
    """A problem response for the OpenAPI document (served as ``application/problem+json``)."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"model": Problem, "description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}}}


class ParameterInfo(BaseModel):
    """One declared parameter of a named query."""

    name: str = Field(examples=["country"])
    type: str = Field(
        description="string, integer, number, boolean, or label / rel_type (a schema node label or "
        "relationship type).",
        examples=["string"],
    )
    description: str = Field(examples=["ISO 3166-1 alpha-2 code."])
    required: bool
    default: Any = None
    json_schema: dict[str, Any] = Field(
        description="The JSON schema a value must satisfy.",
        examples=[{"type": "string", "pattern": "^[A-Z]{2}$"}],
    )


class QueryInfo(BaseModel):
    """A named query of the catalogue."""

    name: str = Field(examples=["centres_hosted_in"])
    description: str = Field(examples=["Transfer centres hosted in a country (HOSTED_IN)."])
    parameters: list[ParameterInfo]
    example: dict[str, Any] = Field(examples=[{"country": "TH"}])
    cypher: str = Field(description="The query text (identifier placeholders in braces).")


class QueryCatalogue(BaseModel):
    """Every named query."""

    items: list[QueryInfo]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "name": "centres_hosted_in",
                            "description": "Transfer centres hosted in a country (HOSTED_IN).",
                            "parameters": [
                                {
                                    "name": "country",
                                    "type": "string",
                                    "description": "ISO 3166-1 alpha-2 code.",
                                    "required": True,
                                    "default": None,
                                    "json_schema": {"type": "string", "pattern": "^[A-Z]{2}$"},
                                }
                            ],
                            "example": {"country": "TH"},
                            "cypher": "MATCH (t:`TransferCentre`)-[:`HOSTED_IN`]->(c:`Country`) …",
                        }
                    ]
                }
            ]
        }
    )


def _annotation(param: QueryParameter, schema: GraphSchema) -> Any:
    if param.type == "label":
        return Literal[tuple(sorted(schema.nodes))]
    if param.type == "rel_type":
        return Literal[tuple(sorted(schema.relationships))]
    base = {"string": str, "integer": int, "number": float, "boolean": bool}[param.type]
    return Annotated[base, Strict()]


def parameters_model(query: NamedQuery, schema: GraphSchema) -> type[BaseModel]:
    """A pydantic model of the query's parameters: strict types, bounds, patterns, no extras.

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> model = parameters_model(NAMED_QUERIES["neighbours"], load_schema())
    >>> model.model_validate({"label": "Country", "key": "CN"}).model_dump()
    {'label': 'Country', 'key': 'CN', 'limit': 100}
    >>> sorted(e["loc"][0] for e in _errors(model, {"label": "Nope", "limit": "5", "x": 1}))
    ['key', 'label', 'limit', 'x']
    """
    fields: dict[str, Any] = {}
    for param in query.parameters:
        constraint = Field(
            default=... if param.required else param.default,
            description=param.description,
            ge=param.minimum,
            le=param.maximum,
            pattern=param.pattern,
        )
        fields[param.name] = (_annotation(param, schema), constraint)
    model: type[BaseModel] = create_model(
        f"{query.name}_parameters", __config__=ConfigDict(extra="forbid"), **fields
    )
    return model


def _errors(model: type[BaseModel], values: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        model.model_validate(values)
    except ValidationError as exc:
        return [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
    return []


def _query(name: str) -> NamedQuery:
    query = NAMED_QUERIES.get(name)
    if query is None:
        raise ProblemError(404, f"No named query {name!r}; GET /api/v1/queries lists them.", kind="not-found")
    return query


@router.get("/queries", operation_id="list_named_queries", response_model=QueryCatalogue)
def list_queries(store: StoreDep) -> QueryCatalogue:
    """The catalogue: every named query with its description, typed parameters and an example."""
    items = []
    for query in NAMED_QUERIES.values():
        properties = parameters_model(query, store.schema).model_json_schema().get("properties", {})
        params = [
            ParameterInfo(
                name=p.name,
                type=p.type,
                description=p.description,
                required=p.required,
                default=p.default,
                json_schema={k: v for k, v in properties.get(p.name, {}).items() if k != "title"},
            )
            for p in query.parameters
        ]
        items.append(
            QueryInfo(
                name=query.name,
                description=query.description,
                parameters=params,
                example=dict(query.example),
                cypher=query.cypher,
            )
        )
    return QueryCatalogue(items=items)


_EXAMPLES = {
    q.name: {"summary": q.description.split(":")[0][:80], "value": dict(q.example)}
    for q in NAMED_QUERIES.values()
}


@router.post(
    "/queries/{name}",
    operation_id="run_named_query",
    response_model=CypherResult,
    responses={
        400: _p("The body is not JSON, or the store refused the query."),
        403: _p("The store refused a write (never expected from a named query)."),
        404: _p("No named query of that name."),
        413: _p("The body is larger than the configured limit."),
        422: _p("Parameters missing, unknown or of the wrong type."),
        504: _p("The query ran longer than the timeout."),
    },
)
def run_query(
    name: str,
    store: StoreDep,
    settings: SettingsDep,
    parameters: Annotated[
        dict[str, Any],
        Body(
            description="The query's parameters by name (see GET /queries).",
            openapi_examples=_EXAMPLES,
        ),
    ],
) -> CypherResult:
    """Run a named query with its parameters (read-only, with the server's timeout and row cap)."""
    query = _query(name)
    model = parameters_model(query, store.schema)
    errors = _errors(model, parameters)
    if errors:
        raise ProblemError(
            422, f"The parameters of {name!r} are not valid.", kind="invalid-parameters", errors=errors
        )
    arguments = model.model_validate(parameters).model_dump()
    cypher, values = query.bind(store.schema, arguments)
    return run_read(store, settings, cypher, values)
