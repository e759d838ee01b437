"""The SHACL shapes compiled into load-time checks (loaders.ingest.Shacl.COMPILED).

Three things are checked:

* coverage: every constraint the shapes file uses is one the compiled checks implement
  (a new kind of constraint, or a new SPARQL shape, fails here until it is compiled);
* agreement with pyshacl, the reference: the same records are flagged on the same
  property by both, and the same fixed records pass both;
* end to end: a file breaking the compiled constraints is refused with file, row, column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SH, BNode, URIRef

from graph.checks import event_date_errors
from graph.store import GraphStore
from loaders.ingest import ingest
from ontology.derive import load_schema
from ontology.namespaces import TN_NS
from ontology.records import NodeRecord
from ontology.resources import shapes_graph
from ontology.validation import validate
from ontology.values import ConversionError, converter_for

#: Constraint parameters of property shapes that the compiled checks implement, and where.
PROPERTY_PARAMETERS = {
    SH.path: "which property (derived into GraphSchema)",
    SH.datatype: "mapping value parsing (PropertySpec.datatype)",
    SH["or"]: "date alternatives YYYY | YYYY-MM | YYYY-MM-DD (Datatype.DATE)",
    SH.minCount: "required cells, partial blocks (graph.checks.required_errors), relationship minimums",
    SH.maxCount: "single-valued cells (PropertySpec.multiple)",
    SH.pattern: "converter_for (PropertySpec.pattern)",
    SH["in"]: "converter_for (PropertySpec.allowed)",
    SH.minInclusive: "converter_for (PropertySpec.minimum)",
    SH.maxInclusive: "converter_for (PropertySpec.maximum)",
    SH.nodeKind: "sources are IRIs by construction (ontology.convert)",
    SH.message: "-",
    SH.name: "-",
    RDF.type: "-",
}
NODE_SHAPE_PARAMETERS = {RDF.type, RDFS.label, RDFS.comment, SH.targetClass, SH.targetSubjectsOf}
NODE_SHAPE_PARAMETERS |= {SH.property, SH.target, SH.sparql}
#: SPARQL shapes and the code that compiles each.
COMPILED_SPARQL = {
    "UniqueKeyShape": "a record's node IRI and store identity are its key: two nodes cannot share one",
    "NotInFutureShape": "converter_for (PropertySpec.not_in_future)",
    "EventDatesShape": "graph.checks.event_date_errors",
}


def _local(term: object) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def test_every_constraint_of_the_shapes_is_compiled() -> None:
    shapes = shapes_graph()
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) > 15
    for shape in node_shapes:
        used = set(shapes.predicates(shape, None))
        assert used <= NODE_SHAPE_PARAMETERS, (shape, used - NODE_SHAPE_PARAMETERS)
        if (shape, SH.sparql, None) in shapes:
            assert _local(shape) in COMPILED_SPARQL, f"{shape}: a SPARQL shape nothing compiles"
        for prop_shape in shapes.objects(shape, SH.property):
            used = set(shapes.predicates(prop_shape, None))
            assert used <= PROPERTY_PARAMETERS.keys(), (prop_shape, used - PROPERTY_PARAMETERS.keys())
            path = shapes.value(prop_shape, SH.path)
            if isinstance(path, BNode):
                assert set(shapes.predicates(path, None)) == {SH.inversePath}  # relationship minimums


def test_bounds_in_the_shapes_are_in_the_schema() -> None:
    shapes, schema = shapes_graph(), load_schema()
    specs = {(t.iri, p.iri): p for t in schema.nodes.values() for p in t.properties}
    checked = 0
    for shape in shapes.subjects(SH.targetClass, None):
        for cls in shapes.objects(shape, SH.targetClass):
            for prop_shape in shapes.objects(shape, SH.property):
                low = shapes.value(prop_shape, SH.minInclusive)
                high = shapes.value(prop_shape, SH.maxInclusive)
                path = shapes.value(prop_shape, SH.path)
                spec = specs.get((str(cls), str(path)))
                if spec is None or (low is None and high is None):
                    continue
                assert spec.minimum == (None if low is None else float(low)), (cls, path)
                assert spec.maximum == (None if high is None else float(high)), (cls, path)
                checked += 1
    assert checked >= 20  # briYear, readinessLevel, amount, the analysis results…


def test_not_in_future_properties_are_those_the_shape_names() -> None:
    shapes = shapes_graph()
    constraint = shapes.value(URIRef(TN_NS + "NotInFutureShape"), SH.sparql)
    query = str(shapes.value(constraint, SH.select))
    named = set(re.findall(r"tn:(\w+)", query.split("IN (", 1)[1].split(")", 1)[0]))
    schema = load_schema()
    flagged = {p.name for t in schema.nodes.values() for p in t.properties if p.not_in_future}
    flagged |= {p.name for r in schema.relationships.values() for p in r.properties if p.not_in_future}
    assert named == flagged == {"established", "signedOn", "since", "retrieved", "asOf"}


# (label, property, bad value, good value), each violating one compiled constraint
CASES = [
    ("Country", "briYear", 2010, 2015),  # sh:minInclusive 2013
    ("Technology", "readinessLevel", 12, 7),  # sh:maxInclusive 9
    ("Technology", "readinessLevel", 0, 1),  # sh:minInclusive 1
    ("University", "established", "2999-01", "1958"),  # NotInFutureShape
    ("Agreement", "signedOn", "2998", "2018-06-01"),  # NotInFutureShape
]


def _flags(label: str, key: str, props: dict[str, object], path: str) -> bool:
    record = NodeRecord(label, key, {**props, "sources": ["test.csv:2"]})
    return any(v.path == path for v in validate([record]).violations)


@pytest.mark.parametrize(("label", "prop", "bad", "good"), CASES)
def test_compiled_bounds_and_dates_agree_with_pyshacl(
    label: str, prop: str, bad: object, good: object
) -> None:
    spec = load_schema().node(label).get_property(prop)
    check = converter_for(spec, owner=label)
    with pytest.raises(ConversionError):
        check(str(bad))
    assert check(str(good)) == good
    assert _flags(label, "X", {prop: bad}, prop)  # pyshacl: the same verdicts
    assert not _flags(label, "X", {prop: good}, prop)


def test_event_date_order_agrees_with_pyshacl() -> None:
    schema = load_schema()
    cases = [("2019-05-10", "2019-05-01", True), ("2019-05", "2019", False), ("2019", "2020-01", False)]
    for start, end, wrong in cases:
        props = {"name": "Forum", "startDate": start, "endDate": end, "sources": ["events.csv:2"]}
        record = NodeRecord("Forum", "F", props)
        compiled = event_date_errors(schema, [record], [])
        assert bool(compiled) is wrong, (start, end)
        assert _flags("Forum", "F", props, "endDate") is wrong, (start, end)
        if wrong:
            assert (compiled[0].file, compiled[0].row, compiled[0].column) == ("events.csv", 2, "endDate")


def test_a_file_breaking_compiled_constraints_is_refused_whole(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "countries.csv").write_text(
        "id,name,bri\nCN,China,2013\nKE,Kenya,2010\nTH,Thailand,2031\n", encoding="utf-8"
    )
    (tmp_path / "countries.yaml").write_text(
        "version: 1\nsource: {path: countries.csv}\n"
        "nodes:\n  - {label: Country, key: id, properties: {name: name, briYear: bri}}\n",
        encoding="utf-8",
    )
    (tmp_path / "forums.csv").write_text(
        "id,name,start,end\nF1,Good Forum,2019-05-01,2019-05-03\nF2,Backwards Forum,2019-05-10,2019-05-01\n",
        encoding="utf-8",
    )
    (tmp_path / "forums.yaml").write_text(
        "version: 1\nsource: {path: forums.csv}\n"
        "nodes:\n  - {label: Forum, key: id, properties: {name: name, startDate: start, endDate: end}}\n",
        encoding="utf-8",
    )
    report = ingest(store, tmp_path / "countries.yaml")
    assert not report.loaded and report.shacl == "compiled"
    assert [(e.row, e.column) for e in report.errors] == [(3, "bri")]
    assert "out of range" in report.errors[0].reason and "2013" in report.errors[0].reason
    report = ingest(store, tmp_path / "forums.yaml")
    assert not report.loaded
    assert [(e.file.endswith("forums.csv"), e.row, e.column) for e in report.errors] == [(True, 3, "endDate")]
    assert store.stats().nodes == 0


def test_a_partial_block_cannot_create_a_node_without_its_required_properties(
    store: GraphStore, tmp_path: Path
) -> None:
    # CountryShape: "A country needs exactly one English name". TH is stored with it; MM is not.
    (tmp_path / "en.csv").write_text("id,name\nTH,Thailand\n", encoding="utf-8")
    (tmp_path / "en.yaml").write_text(
        "version: 1\nsource: {path: en.csv}\n"
        "nodes:\n  - {label: Country, key: id, properties: {name: name}}\n",
        encoding="utf-8",
    )
    assert ingest(store, tmp_path / "en.yaml").loaded
    (tmp_path / "zh.csv").write_text("id,name_zh\nTH,泰国\nMM,缅甸\n", encoding="utf-8")
    (tmp_path / "zh.yaml").write_text(
        "version: 1\nsource: {path: zh.csv}\n"
        "nodes:\n  - {label: Country, key: id, partial: true, properties: {nameZh: name_zh}}\n",
        encoding="utf-8",
    )
    report = ingest(store, tmp_path / "zh.yaml")
    assert not report.loaded
    assert [(e.row, e.column) for e in report.errors] == [(3, "name")]
    assert "neither given here nor stored" in report.errors[0].reason
    assert not _flags("Country", "TH", {"name": "Thailand", "nameZh": "泰国"}, "name")  # pyshacl agrees
    assert _flags("Country", "MM", {"nameZh": "缅甸"}, "name")
