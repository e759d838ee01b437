"""Entities: list (type, country, field filters; cursor pagination), get, create/replace, update, delete.

Reads run as parameterised Cypher on the store (never on the whole projection), written in
`graph.entities`: a GET is one key-index lookup returning one row; a listing page scans the
type's nodes (or, with a country or field filter, that node's neighbours) and sorts them by
key (the cursor's comparison avoids FalkorDB's key index, whose range scans compare strings
ignoring case while ORDER BY does not).  A type given by the caller is used only after it
is found in the schema.

Writes need an API key (``X-API-Key``) and are validated like a load
(`api.entity_writes`): 422 lists every problem and leaves the store unchanged.

* ``PUT /entities/{type}/{key}`` creates or replaces the node (idempotent on the key):
  its properties become exactly the given ones (``synthetic``/``seed`` of a generated
  node stay); the relationships given with it are created or merged; others stay.
* ``PATCH`` sets the given properties (``null`` removes one) and merges relationships.
* ``DELETE /entities/{type}/{key}`` refuses (409) a node with relationships unless
  ``?detach=true``; then its neighbours must still satisfy the shapes (422 otherwise).
* ``DELETE /relationships?type=&start=&end=`` removes the relationships of a type between
  two nodes (ids ``Label:key``), unless an end would then break a shape.

Provenance: ``sources`` (a list) is recorded on the node and on each relationship; without
it a write records ``api:key-<8 hex digits>``, a hash naming the API key used.  Sources
accumulate, as in loads.  Every write invalidates the projection cache, so search, paths
and the explorer see it.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel, Field

from api.deps import ProjectionDep, StoreDep, WriteAccess
from api.entity_models import (
    Entity,
    EntityPage,
    EntityPatch,
    EntityPut,
    EntitySummary,
    OtherEnd,
    Provenance,
    RelationshipOut,
    WriteResult,
)
from api.entity_writes import (
    KEEP_ON_REPLACE,
    EntityConflict,
    StoredNode,
    WritePlan,
    WriteProblem,
    WriteRefused,
    api_source,
    check_detach,
    check_unlink,
    fetch_node,
    node_id,
    plan_write,
)
from api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemError
from graph.cypher.identifiers import stable_id
from graph.entities import entity_cypher, key_names, list_cypher, node_degree, relationship_count
from graph.errors import StoreUnavailable
from graph.projection import node_type_of
from graph.store import GraphStore, StoreError
from ontology.schema import PROVENANCE_PROPERTIES, GraphSchema, NodeType, SchemaError
from ontology.vocab import PropertyName

__all__ = ["router"]

router = APIRouter(tags=["entities"])


def _p(description: str) -> dict[str, Any]:
    """A problem response for the OpenAPI document (served as ``application/problem+json``)."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"model": Problem, "description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}}}


_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: _p("No such node type or node."),
    422: _p("Invalid query parameters."),
}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _p("The body is not JSON."),
    401: _p("No valid X-API-Key header."),
    403: _p("Writes are disabled (no API keys configured)."),
    404: _p("No such node type (or node, for PATCH)."),
    409: _p("The key belongs to a node of another type."),
    413: _p("The body is larger than the configured limit."),
    422: _p("Validation failed; `errors` lists property, value and reason."),
}


# -- helpers -----------------------------------------------------------------------------


def _path_type(schema: GraphSchema, type: str) -> NodeType:
    if type not in schema.nodes:
        raise ProblemError(404, f"No node type {type!r}.", kind="not-found")
    return schema.node(type)


def _refused(problems: list[WriteProblem]) -> ProblemError:
    errors = [{"property": p.property, "value": p.value, "reason": p.reason} for p in problems]
    return ProblemError(422, "The write does not satisfy the ontology.", kind="invalid-entity", errors=errors)


def _name(props: dict[str, Any]) -> str | None:
    value = props.get(PropertyName.NAME) or props.get(PropertyName.TITLE)
    return None if value is None else str(value)


# -- list --------------------------------------------------------------------------------


def _encode_cursor(label: str, key: Any, filters: list[Any]) -> str:
    raw = json.dumps([label, key, filters], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, filters: list[Any], labels: list[str]) -> tuple[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        label, key, seen = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ProblemError(422, "The cursor is not valid.", kind="invalid-cursor") from exc
    if seen != filters or label not in labels:
        raise ProblemError(422, "The cursor belongs to another listing.", kind="invalid-cursor")
    return label, key


@router.get(
    "/entities",
    operation_id="list_entities",
    response_model=EntityPage,
    responses={422: _p("Unknown type or invalid cursor.")},
)
def list_entities(
    store: StoreDep,
    type: Annotated[
        str | None, Query(description="Node type (its subtypes included).", examples=["TransferCentre"])
    ] = None,
    country: Annotated[
        str | None,
        Query(pattern="^[A-Z]{2}$", description="Located or hosted in this country (ISO2).", examples=["TH"]),
    ] = None,
    field: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Covers, is filed under or is expert in this field.",
            examples=["ford:2"],
        ),
    ] = None,
    narrower: Annotated[bool, Query(description="Also the field's narrower fields (SKOS).")] = False,
    cursor: Annotated[str | None, Query(max_length=2000, description="`next` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EntityPage:
    """List entities in a stable order (key label, then key), one page at a time."""
    schema = store.schema
    if type is not None and type not in schema.nodes:
        raise ProblemError(422, f"Unknown node type {type!r}.", kind="unknown-type")
    # nodes carry the labels of all their ancestor types: MATCH (n:Type) includes every subtype
    labels = [type] if type is not None else sorted(schema.key_labels)
    filters = [type, country, field, narrower]
    start, after = labels[0], None
    if cursor is not None:
        start, after = _decode_cursor(cursor, filters, labels)
    found: list[tuple[str, dict[str, Any]]] = []
    for label in labels[labels.index(start) :]:
        use_after = after is not None and label == start
        cypher = list_cypher(
            schema,
            label,
            country=country is not None,
            field=field is not None,
            narrower=narrower,
            after=use_after,
        )
        params = {"country": country, "field": field, "after": str(after), "limit": limit + 1 - len(found)}
        rows = store.query(cypher, params, read_only=True, row_cap=limit + 1)
        found.extend((label, row) for row in rows)
        if len(found) > limit:
            break
    page = found[:limit]
    items = []
    for _label, row in page:
        nt = node_type_of(schema, row["labels"]) or schema.node(_label)
        items.append(
            EntitySummary(
                id=stable_id(nt.key_label, row["key"]),
                type=nt.label,
                key=row["key"],
                name=row["name"] if row["name"] is not None else row["title"],
                labels=sorted(row["labels"]),
            )
        )
    next_cursor = None
    if len(found) > limit:
        last_label, last = page[-1]
        next_cursor = _encode_cursor(last_label, last["key"], filters)
    return EntityPage(items=items, next=next_cursor)


# -- get ---------------------------------------------------------------------------------


def _relationship(schema: GraphSchema, cell: list[Any]) -> RelationshipOut:
    rel_type, out, props, labels, name, title, *keys = cell
    other = node_type_of(schema, labels or [])
    other_key = keys[key_names(schema).index(other.key)] if other else None
    return RelationshipOut(
        type=rel_type,
        direction="out" if out else "in",
        other=OtherEnd(
            id=stable_id(other.key_label, other_key) if other else "?",
            type=other.label if other else None,
            key=other_key,
            name=name if name is not None else title,
        ),
        properties=props or {},
    )


@router.get(
    "/entities/{type}/{key}",
    operation_id="get_entity",
    response_model=Entity,
    responses=_NOT_FOUND,
)
def get_entity(
    store: StoreDep,
    type: Annotated[str, Path(description="Node type (a supertype works too).", examples=["Institution"])],
    key: Annotated[str, Path(description="The node's key.", examples=["CATTC-KH"])],
    rel_limit: Annotated[int, Query(ge=0, le=1000, description="At most this many relationships.")] = 100,
) -> Entity:
    """One node with its properties, labels, provenance and relationships (one indexed lookup)."""
    schema = store.schema
    nt = _path_type(schema, type)
    rows = store.query(
        entity_cypher(schema, nt), {"key": key, "limit": rel_limit + 1}, read_only=True, row_cap=1
    )
    if not rows:
        raise ProblemError(404, f"No {nt.label} with key {key!r}.", kind="not-found")
    first = rows[0]
    found = node_type_of(schema, first["labels"]) or nt
    props = dict(first["props"])
    cells = [cell for cell in first["rels"] if cell[0] is not None]  # no relationship: one null row
    relationships = [_relationship(schema, cell) for cell in cells[:rel_limit]]
    provenance = {name: props.pop(name) for name in PROVENANCE_PROPERTIES if name in props}
    return Entity(
        id=stable_id(found.key_label, props.get(found.key, key)),
        type=found.label,
        key=props.get(found.key, key),
        labels=sorted(first["labels"]),
        properties=props,
        provenance=Provenance(
            sources=list(provenance.get(PropertyName.SOURCES) or []),
            retrieved=provenance.get(PropertyName.RETRIEVED),
            synthetic=provenance.get(PropertyName.SYNTHETIC),
            seed=provenance.get(PropertyName.SEED),
        ),
        relationships=relationships,
        relationships_truncated=len(cells) > rel_limit,
    )


# -- writes ------------------------------------------------------------------------------

ApiKey = Annotated[str | None, Header(alias="X-API-Key", include_in_schema=False)]


def _effective_type(requested: NodeType, stored: StoredNode | None) -> NodeType:
    """The type to write: the stored node's when `requested` is one of its supertypes, the
    requested one when it specialises the stored node; anything else is a conflict."""
    if stored is None:
        return requested
    if requested.label in stored.node_type.labels:
        return stored.node_type
    if stored.node_type.label in requested.labels:
        return requested
    raise EntityConflict(f"the key belongs to a {stored.node_type.label}, not a {requested.label}")


def _write(store: GraphStore, projection: ProjectionDep, plan: WritePlan) -> None:
    try:
        store.upsert([plan.node], plan.relationships, atomic=True)
    except SchemaError as exc:
        raise _refused([WriteProblem("-", None, str(exc))]) from exc
    except StoreUnavailable:
        raise  # 503 (`api.problems`)
    except StoreError as exc:  # an end vanished between the check and the write
        raise ProblemError(409, f"The write conflicts with the stored graph: {exc}", kind="conflict") from exc
    finally:
        projection.invalidate()


def _sources(given: list[str] | None, api_key: str | None) -> list[str]:
    if given:
        return list(dict.fromkeys(given))
    return [api_source(api_key or "")]


def _result(plan: WritePlan, nt: NodeType, created: bool) -> WriteResult:
    return WriteResult(
        id=node_id(nt, plan.node.key),
        created=created,
        relationships=len(plan.relationships),
        sources=plan.sources,
    )


@router.put(
    "/entities/{type}/{key}",
    operation_id="put_entity",
    response_model=WriteResult,
    dependencies=[WriteAccess],
    responses={201: {"model": WriteResult, "description": "Created."}, **_WRITE_ERRORS},
)
def put_entity(
    type: str,
    key: str,
    body: EntityPut,
    store: StoreDep,
    projection: ProjectionDep,
    response: Response,
    x_api_key: ApiKey = None,
) -> WriteResult:
    """Create or replace an entity (idempotent on its key).  Its properties become the given
    ones; relationships given with it are created or merged, others stay."""
    nt = _path_type(store.schema, type)
    stored = fetch_node(store, nt.label, key)
    try:
        target = _effective_type(nt, stored)
    except EntityConflict as exc:
        raise ProblemError(409, f"{key!r}: {exc}.", kind="conflict") from exc
    keep = {}
    if stored is not None:
        keep = {k: stored.props[k] for k in KEEP_ON_REPLACE if k in stored.props and k not in body.properties}
    sources = _sources(body.sources, x_api_key)
    try:
        plan = plan_write(store, target, key, body.properties, body.relationships, sources, stored, keep=keep)
    except WriteRefused as exc:
        raise _refused(exc.problems) from exc
    _write(store, projection, plan)
    response.status_code = 200 if stored is not None else 201
    return _result(plan, target, stored is None)


@router.patch(
    "/entities/{type}/{key}",
    operation_id="patch_entity",
    response_model=WriteResult,
    dependencies=[WriteAccess],
    responses=_WRITE_ERRORS,
)
def patch_entity(
    type: str,
    key: str,
    body: EntityPatch,
    store: StoreDep,
    projection: ProjectionDep,
    x_api_key: ApiKey = None,
) -> WriteResult:
    """Update some properties (``null`` removes one) and merge relationships."""
    nt = _path_type(store.schema, type)
    stored = fetch_node(store, nt.label, key)
    if stored is None:
        raise ProblemError(404, f"No {nt.label} with key {key!r}.", kind="not-found")
    try:
        target = _effective_type(nt, stored)
    except EntityConflict as exc:
        raise ProblemError(409, f"{key!r}: {exc}.", kind="conflict") from exc
    removed = {name for name, value in body.properties.items() if value is None}
    problems = [
        WriteProblem(name, None, f"{target.label} has no removable property {name!r}")
        for name in sorted(removed)
        if name not in target.property_names or name in (target.key, PropertyName.SOURCES)
    ]
    if problems:
        raise _refused(problems)
    given = {k: v for k, v in body.properties.items() if v is not None}
    keep = {
        k: v
        for k, v in stored.props.items()
        if k in target.property_names
        and k not in (target.key, PropertyName.SOURCES)
        and k not in removed
        and k not in given
    }
    sources = _sources(body.sources, x_api_key)
    try:
        plan = plan_write(store, target, key, given, body.relationships, sources, stored, keep=keep)
    except WriteRefused as exc:
        raise _refused(exc.problems) from exc
    _write(store, projection, plan)
    return _result(plan, target, False)


class DeleteResult(BaseModel):
    """What a delete removed."""

    nodes: int = Field(examples=[1])
    relationships: int = Field(examples=[0])


@router.delete(
    "/entities/{type}/{key}",
    operation_id="delete_entity",
    response_model=DeleteResult,
    dependencies=[WriteAccess],
    responses={
        **_WRITE_ERRORS,
        409: _p("The node has relationships and `detach` is not set."),
        422: _p("Deleting would leave a neighbour breaking a shape."),
    },
)
def delete_entity(
    type: str,
    key: str,
    store: StoreDep,
    projection: ProjectionDep,
    detach: Annotated[bool, Query(description="Delete its relationships too.")] = False,
) -> DeleteResult:
    """Delete an entity.  One with relationships is refused (409) unless ``detach=true``."""
    nt = _path_type(store.schema, type)
    stored = fetch_node(store, nt.label, key)
    if stored is None or nt.label not in stored.labels:
        raise ProblemError(404, f"No {nt.label} with key {key!r}.", kind="not-found")
    degree = node_degree(store, nt, key)
    if degree and not detach:
        raise ProblemError(
            409,
            f"{nt.label} {key!r} has {degree} relationships; add ?detach=true to delete them too.",
            kind="has-relationships",
        )
    if degree:
        try:
            check_detach(store, stored)
        except WriteRefused as exc:
            raise _refused(exc.problems) from exc
    try:
        deleted = store.delete_nodes(nt.label, [key])
    finally:
        projection.invalidate()
    return DeleteResult(nodes=deleted, relationships=degree if deleted else 0)


def _end(store: GraphStore, text: str, name: str) -> StoredNode:
    label, sep, key = text.partition(":")
    if not sep or label not in store.schema.nodes:
        raise ProblemError(
            422, f"{name} must be 'Type:key' with a node type of the ontology.", kind="invalid-id"
        )
    stored = fetch_node(store, label, key)
    if stored is None or label not in stored.labels:
        raise ProblemError(404, f"No {label} with key {key!r}.", kind="not-found")
    return stored


@router.delete(
    "/relationships",
    operation_id="delete_relationships",
    response_model=DeleteResult,
    dependencies=[WriteAccess],
    responses={
        **_WRITE_ERRORS,
        404: _p("No such node or relationship."),
        422: _p("An end would break a shape (or bad ids)."),
    },
)
def delete_relationships(
    store: StoreDep,
    projection: ProjectionDep,
    type: Annotated[str, Query(description="Relationship type.", examples=["HOSTED_IN"])],
    start: Annotated[str, Query(description="Start node as Type:key.", examples=["Institution:CATTC-KH"])],
    end: Annotated[str, Query(description="End node as Type:key.", examples=["Country:KH"])],
) -> DeleteResult:
    """Delete the relationships of a type from one node to another."""
    if type not in store.schema.relationships:
        raise ProblemError(422, f"Unknown relationship type {type!r}.", kind="unknown-type")
    a, b = _end(store, start, "start"), _end(store, end, "end")
    ka, kb = a.props[a.node_type.key], b.props[b.node_type.key]
    if not relationship_count(store, type, a.node_type, ka, b.node_type, kb):
        raise ProblemError(404, f"No {type} from {start} to {end}.", kind="not-found")
    try:
        check_unlink(store, type, a, b)
    except WriteRefused as exc:
        raise _refused(exc.problems) from exc
    try:
        deleted = store.delete_relationships(type, a.node_type.label, ka, b.node_type.label, kb)
    finally:
        projection.invalidate()
    return DeleteResult(nodes=0, relationships=deleted)
