"""Fixtures for the loader tests: an empty embedded store, and a hand-built schema.

It mirrors the vocabulary of the ontology (``ontology/data/transfernet.ttl``: camelCase
properties, ``id`` keys, provenance properties listed on every type) for the types
the bundled mappings in ``data/mappings`` use, plus two additions the ontology lacks:
``Fact``/``ABOUT`` (for ``bri_facts.yaml``) and a multi-valued ``keywords`` property
on institutions (to test splitting).  Built by hand so the loader tests do not depend
on the ontology, which changes on its own schedule.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pycountry
import pytest

from graph.backends import open_store, stop_server
from graph.config import StoreSettings
from graph.store import GraphStore
from ontology.derive import load_schema
from ontology.schema import Datatype, GraphSchema, NodeType, PropertySpec, RelationshipType

_S = Datatype.STRING
ISO2 = tuple(sorted(c.alpha_2 for c in pycountry.countries))
WB_REGIONS = (
    "East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean", "Middle East & North Africa",
    "North America", "South Asia", "Sub-Saharan Africa",
)  # fmt: skip
INCOME_GROUPS = ("Low income", "Lower middle income", "Upper middle income", "High income")
BLOC_KINDS = ("intergovernmental organisation", "cooperation mechanism", "statistical region")


def _p(name: str, datatype: Datatype = _S, **kw: object) -> PropertySpec:
    return PropertySpec(name, f"urn:test:{name}", datatype, **kw)  # type: ignore[arg-type]


PROVENANCE = (
    _p("sources", required=True, multiple=True),
    _p("retrieved", Datatype.DATE),
    _p("synthetic", Datatype.BOOLEAN),
    _p("seed", Datatype.INTEGER),
)


def _node(label: str, labels: tuple[str, ...], *props: PropertySpec) -> NodeType:
    return NodeType(
        label,
        f"urn:test:{label}",
        key="id",
        key_label=labels[-1],
        labels=labels,
        properties=(*props, *PROVENANCE),
    )


def _rel(
    name: str, sources: tuple[str, ...], targets: tuple[str, ...], *props: PropertySpec
) -> RelationshipType:
    return RelationshipType(name, f"urn:test:{name}", sources, targets, properties=(*props, *PROVENANCE))


def build_schema() -> GraphSchema:
    """Country, institutions and centres, blocs, fields, facts and their relationships."""
    country = _node(
        "Country",
        ("Country",),
        _p("id", required=True, pattern="^[A-Z]{2}$", allowed=ISO2, label_en="ISO 3166 alpha-2 code"),
        _p("alpha3", pattern="^[A-Z]{3}$", label_en="ISO alpha-3 code"),
        _p("name", required=True),
        _p("nameZh"),
        _p("note"),
        _p("region", allowed=WB_REGIONS),
        _p("incomeGroup", allowed=INCOME_GROUPS),
        _p("lendingCategory", allowed=("IDA", "IBRD", "Blend")),
        _p("briMember", Datatype.BOOLEAN),
        _p("briYear", Datatype.INTEGER),
    )  # fmt: skip
    inst = (
        _p("id", required=True, pattern=r"^\S(.*\S)?$", label_en="identifier"),
        _p("acronym"), _p("name", required=True), _p("nameZh"), _p("city"), _p("province"),
        _p("established", Datatype.DATE), _p("description"), _p("note"), _p("status"),
        _p("website", Datatype.URI), _p("keywords", multiple=True),
    )  # fmt: skip
    institutions = [
        _node("Institution", ("Institution",), *inst),
        _node("TransferCentre", ("TransferCentre", "Institution"), *inst),
        _node("NationalTransferCentre", ("NationalTransferCentre", "TransferCentre", "Institution"), *inst),
        _node("BilateralCentre", ("BilateralCentre", "TransferCentre", "Institution"), *inst),
        _node("BranchCentre", ("BranchCentre", "TransferCentre", "Institution"), *inst),
    ]
    bloc = _node(
        "Bloc",
        ("Bloc",),
        _p("id", required=True, pattern="^[A-Za-z0-9][A-Za-z0-9_.:-]*$", label_en="identifier"),
        _p("acronym"), _p("name", required=True), _p("nameZh"),
        _p("blocKind", allowed=BLOC_KINDS),
    )  # fmt: skip
    field = _node(
        "Field",
        ("Field",),
        _p("id", required=True, pattern=r"^(ford|ipc|[a-z][a-z0-9]*):\S+$", label_en="identifier"),
        _p("notation", required=True), _p("name", required=True), _p("nameZh"),
        _p("scheme", required=True, allowed=("OECD FORD", "IPC")),
        _p("level", allowed=("major field", "field", "section", "class", "subclass")),
    )  # fmt: skip
    fact = _node(
        "Fact", ("Fact",), _p("id", required=True), _p("asOf", Datatype.DATE), _p("subject"), _p("predicate"),
        _p("object"), _p("note"),
    )  # fmt: skip
    note, status, since = _p("note"), _p("status"), _p("since", Datatype.DATE)
    rels = [
        _rel("LOCATED_IN", ("Institution",), ("Country",), note, status),
        _rel("HOSTED_IN", ("TransferCentre",), ("Country",), note, status),
        _rel("PARENT_CENTRE", ("TransferCentre",), ("TransferCentre",), note, since, status),
        _rel(
            "BILATERAL_PARTNER_OF",
            ("Country", "Bloc", "Institution"),
            ("TransferCentre",),
            note,
            since,
            status,
        ),
        _rel(
            "MEMBER_OF", ("Country", "Bloc", "Institution"), ("Bloc", "Institution"), note, _p("role"), since
        ),
        _rel("BROADER", ("Field",), ("Field",)),
        _rel("ABOUT", ("Fact",), ("Country",)),
    ]
    return GraphSchema.build([country, *institutions, bloc, field, fact], rels)


@pytest.fixture(scope="session")
def schema() -> GraphSchema:
    """The hand-built schema (see `build_schema`)."""
    return build_schema()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    """An empty embedded FalkorDB store with the ontology's schema installed."""
    settings = StoreSettings(_env_file=None, data_dir=tmp_path / "data")
    opened = open_store(settings, load_schema())
    opened.install_schema()
    yield opened
    opened.close()
    stop_server(settings.store_dir)
