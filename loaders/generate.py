"""A synthetic transfer network for scale tests, written in the bundle's mapped format.

`generate` writes CSV files, one mapping per file and a ``bundle.yaml`` manifest, so
the output loads exactly like the real data (``transfernet load --bundle DIR``).  The
network is heterogeneous and skewed like the real one: country sizes follow a Zipf
law, a few national centres own branch and bilateral centres abroad, experts are
affiliated with one or (the brokers among them) several institutions in different
countries, technology offers and demands are owned by institutions or experts and
classified by OECD field (a tenth of the demands by a major field only: "anything in
engineering"), and events and agreements attract participants by preferential
attachment.  Offers and demands carry a title and a ``description`` written from a
small field-specific vocabulary of technical terms in English or Chinese (Chinese
texts keep the usual English acronyms), with concepts shared by neighbouring fields
and demands worded with other templates than offers, so text matching has paraphrases
and cross-field matches to find.  Every node and relationship is marked ``synthetic: true``
with the generator's seed; nothing here is mixed into the real data.

Countries (ISO 3166 alpha-2) and fields (OECD FORD) are referenced by key, so the real
reference data (countries, fields) must be loaded first.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pycountry
import yaml

from ontology.vocab import NodeLabel as L
from ontology.vocab import PropertyName as P
from ontology.vocab import RelType as R

__all__ = [
    "DEMAND_TEMPLATES",
    "FORD_KEY_PREFIX",
    "OFFER_TEMPLATES",
    "BundleWriter",
    "GeneratedNetwork",
    "generate",
    "synthetic_texts",
]

#: Key prefix of the OECD FORD fields, as ``data/mappings/ford.yaml`` writes them.
FORD_KEY_PREFIX = "ford:"

# Shares of the node budget per kind (the rest of the arithmetic is in `generate`).
_INSTITUTION_KINDS: tuple[tuple[str, float], ...] = (
    (L.UNIVERSITY, 0.30),
    (L.RESEARCH_INSTITUTE, 0.20),
    (L.ENTERPRISE, 0.38),
    (L.GOVERNMENT_AGENCY, 0.04),
    (L.INVESTOR, 0.03),
    (L.BRANCH_CENTRE, 0.03),
    (L.BILATERAL_CENTRE, 0.02),
)
_EVENT_KINDS = (L.FORUM, L.EXPO, L.TRAINING_COURSE)
_AGREEMENT_KINDS = (
    L.MEMORANDUM_OF_UNDERSTANDING,
    L.LICENCE_AGREEMENT,
    L.JOINT_LAB_AGREEMENT,
    L.CO_BUILDING_AGREEMENT,
)

# Technical concepts per OECD FORD major field: (English, Chinese, acronym or "").  A field
# of a major draws from a window of its major's list, so neighbouring fields share terms.
_CONCEPTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "1": (
        ("machine learning model", "机器学习模型", "ML"),
        ("big data analytics", "大数据分析", ""),
        ("remote sensing imagery", "遥感影像", "RS"),
        ("quantum sensor", "量子传感器", ""),
        ("genome sequencing", "基因组测序", "NGS"),
        ("spectroscopy instrument", "光谱仪器", ""),
        ("geological survey", "地质勘查", ""),
        ("catalyst synthesis", "催化剂合成", ""),
        ("climate monitoring", "气候监测", ""),
        ("cloud computing platform", "云计算平台", "SaaS"),
        ("optimisation algorithm", "优化算法", ""),
        ("microbial strain", "微生物菌株", ""),
    ),
    "2": (
        ("photovoltaic module", "光伏组件", "PV"),
        ("lithium battery", "锂电池", "LFP"),
        ("smart grid", "智能电网", ""),
        ("wastewater treatment", "污水处理", "MBR"),
        ("industrial robot", "工业机器人", "PLC"),
        ("5G base station", "5G基站", "5G"),
        ("bridge construction", "桥梁施工", "BIM"),
        ("desalination membrane", "海水淡化膜", "RO"),
        ("electric vehicle charging", "电动汽车充电", "EV"),
        ("CNC machining", "数控加工", "CNC"),
        ("biogas digester", "沼气池", ""),
        ("graphene material", "石墨烯材料", ""),
        ("medical imaging device", "医学影像设备", "CT"),
        ("enzyme fermentation", "酶发酵", ""),
        ("nanocoating", "纳米涂层", ""),
        ("hydrogen fuel cell", "氢燃料电池", "PEM"),
    ),
    "3": (
        ("vaccine production", "疫苗生产", "GMP"),
        ("rapid diagnostic test", "快速诊断试剂", "PCR"),
        ("telemedicine service", "远程医疗服务", ""),
        ("traditional Chinese medicine", "中医药", "TCM"),
        ("malaria prevention", "疟疾防治", ""),
        ("medical imaging device", "医学影像设备", "CT"),
        ("hospital information system", "医院信息系统", "HIS"),
        ("antibody drug", "抗体药物", "mAb"),
        ("maternal health care", "妇幼保健", ""),
    ),
    "4": (
        ("drip irrigation", "滴灌", ""),
        ("hybrid rice seed", "杂交水稻种子", ""),
        ("aquaculture feed", "水产养殖饲料", ""),
        ("dairy cattle breeding", "奶牛育种", ""),
        ("pest control", "病虫害防治", "IPM"),
        ("veterinary vaccine", "兽用疫苗", ""),
        ("cold chain storage", "冷链仓储", ""),
        ("soil testing", "土壤检测", ""),
        ("tissue culture seedling", "组培育苗", ""),
        ("biogas digester", "沼气池", ""),
    ),
    "5": (
        ("vocational training", "职业培训", "TVET"),
        ("e-commerce logistics", "电子商务物流", ""),
        ("technology transfer consulting", "技术转移咨询", ""),
        ("intellectual property licensing", "知识产权许可", "IP"),
        ("industrial park planning", "产业园区规划", ""),
        ("online education platform", "在线教育平台", ""),
        ("market research", "市场调研", ""),
        ("mobile payment", "移动支付", ""),
        ("smart city governance", "智慧城市治理", ""),
    ),
    "6": (
        ("cultural heritage digitisation", "文化遗产数字化", "3D"),
        ("language translation service", "语言翻译服务", ""),
        ("museum exhibition design", "博物馆展陈设计", ""),
        ("archaeological survey", "考古勘探", "GIS"),
        ("film post-production", "影视后期制作", "VFX"),
        ("online education platform", "在线教育平台", ""),
    ),
}
OFFER_TEMPLATES = (
    (
        "{a} technology ready for transfer, applied in {b} and {c}.",
        "成熟的{a}技术，可应用于{b}和{c}，寻求转让。",
    ),
    (
        "Proven {a} solution including {b}; licensing and joint development welcome.",
        "提供{a}整体解决方案，包括{b}，欢迎许可和联合开发。",
    ),
    ("Patented {a} with field results in {b}.", "拥有{a}专利，已在{b}中示范应用。"),
)
DEMAND_TEMPLATES = (
    (
        "Looking for {a} to improve {b}; a partner for {c} is also needed.",
        "寻求{a}技术，用于改进{b}，同时需要{c}合作伙伴。",
    ),
    ("We need a supplier of {a} for our {b} project.", "急需{a}方案，服务于{b}项目。"),
    ("Seeking cooperation on {a} and {b}.", "希望在{a}和{b}方面开展合作。"),
)


@dataclass(frozen=True, slots=True)
class GeneratedNetwork:
    """What `generate` wrote."""

    directory: Path
    nodes: int
    relationships: int
    seed: int
    files: tuple[Path, ...]


def synthetic_texts(
    rng: np.random.Generator, fields: np.ndarray, templates: tuple[tuple[str, str], ...], kind: str
) -> tuple[np.ndarray, np.ndarray]:
    """Titles and descriptions of offers or demands in `fields` (``ford:<major>.<n>`` keys)."""
    n = len(fields)
    chinese = rng.random(n) < 0.4
    picks = rng.random((n, 6)).argsort(axis=1)[:, :3]  # three distinct concepts of six
    template = rng.integers(0, len(templates), n)
    with_acronym = rng.random((n, 3)) < 0.6
    titles: list[str] = []
    descriptions: list[str] = []
    for i, field in enumerate(fields.tolist()):
        code = field.split(":", 1)[1]
        major, _, minor = code.partition(".")
        pool = _CONCEPTS.get(major, _CONCEPTS["2"])
        # a window of six concepts starting at the field's number: neighbouring fields overlap
        start = int(minor or 0) % len(pool)
        window = [pool[(start + j) % len(pool)] for j in range(min(6, len(pool)))]
        words = []
        for j in range(3):
            en, zh, acronym = window[int(picks[i, j]) % len(window)]
            term = zh if chinese[i] else en
            if acronym and with_acronym[i, j]:
                term = f"{term}（{acronym}）" if chinese[i] else f"{term} ({acronym})"
            words.append(term)
        en_t, zh_t = templates[template[i]]
        descriptions.append((zh_t if chinese[i] else en_t).format(a=words[0], b=words[1], c=words[2]))
        titles.append(f"Synthetic {kind}: {words[0]}")
    return np.array(titles), np.array(descriptions)


def _ford_fields(reference: Path | None) -> list[str]:
    if reference is not None and (reference / "oecd_ford" / "ford.csv").is_file():
        with (reference / "oecd_ford" / "ford.csv").open(encoding="utf-8") as handle:
            return [f"{FORD_KEY_PREFIX}{r['code']}" for r in csv.DictReader(handle) if r["level"] == "field"]
    # OECD FORD 2015 numbering: major fields 1–6 with 7, 6, 5, 5, 9, 5 fields.
    sizes = (7, 6, 5, 5, 9, 5)
    return [
        f"{FORD_KEY_PREFIX}{major}.{i}" for major, n in enumerate(sizes, start=1) for i in range(1, n + 1)
    ]


class BundleWriter:
    """Writes synthetic CSV files and their mappings into one folder (and the manifest).

    `origin` is the command that made them, recorded as every record's source.
    """

    def __init__(self, out: Path, seed: int, origin: str) -> None:
        self.out = out
        self.seed = seed
        self.origin = origin
        self.entries: list[dict[str, str]] = []
        self.files: list[Path] = []
        self.node_count = 0
        self.rel_count = 0
        (out / "mappings").mkdir(parents=True, exist_ok=True)

    def _provenance(self) -> dict[str, object]:
        return {
            "sources": [f"synthetic: {self.origin}"],
            "synthetic": True,
            "seed": self.seed,
            "row_reference": False,
        }

    def finish(self, generated_by: str) -> GeneratedNetwork:
        """Write ``bundle.yaml`` (the mappings in load order) and say what was written."""
        manifest = {
            "synthetic": True,
            "seed": self.seed,
            "generated_by": generated_by,
            "mappings": self.entries,
        }
        (self.out / "bundle.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
        return GeneratedNetwork(self.out, self.node_count, self.rel_count, self.seed, tuple(self.files))

    def table(self, name: str, header: Sequence[str], columns: Sequence[np.ndarray]) -> str:
        path = self.out / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(zip(*columns, strict=True))
        self.files.append(path)
        return path.name

    def mapping(self, name: str, body: dict[str, object]) -> None:
        spec = {"version": 1, "name": f"synthetic-{name}", **body, "provenance": self._provenance()}
        path = self.out / "mappings" / f"{name}.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
        self.entries.append({"mapping": f"mappings/{name}.yaml", "data_dir": "."})

    def nodes(
        self,
        label: str,
        ids: np.ndarray,
        names: np.ndarray,
        *,
        name_property: str = "name",
        properties: Sequence[tuple[str, np.ndarray]] = (),
        ties: Sequence[tuple[str, str, np.ndarray]] = (),
        incoming: Sequence[tuple[str, str, np.ndarray]] = (),
    ) -> None:
        """One node file with its required ties in the same mapping, so each file is valid on its
        own: a branch centre always has its parent, an offer its field, an agreement two parties.

        `ties` are (type, end label, end keys) from these nodes; `incoming` (type, start label,
        start keys) end at them."""
        label = str(label)
        header = ["id", "name", *(str(name) for name, _ in properties)]
        columns = [ids, names, *(column for _, column in properties)]
        relationships: list[dict[str, object]] = []
        for i, (rel_type, other, keys) in enumerate([*ties, *incoming]):
            header.append(f"other{i}")
            columns.append(keys)
            here = {"label": label, "key": "id"}
            there = {"label": str(other), "key": f"other{i}"}
            out = i < len(ties)
            relationships.append(
                {"type": str(rel_type), "start": here if out else there, "end": there if out else here}
            )
        file = self.table(f"nodes_{label}", header, columns)
        body: dict[str, object] = {
            "source": {"path": file},
            "nodes": [
                {
                    "label": label,
                    "key": "id",
                    "properties": {name_property: "name", **{str(name): str(name) for name, _ in properties}},
                }
            ],
        }
        if relationships:
            body["relationships"] = relationships
        self.mapping(f"nodes_{label}", body)
        self.node_count += len(ids)
        self.rel_count += len(ids) * len(relationships)

    def edges(
        self, rel_type: str, start_label: str, end_label: str, starts: np.ndarray, ends: np.ndarray
    ) -> None:
        rel_type, start_label, end_label = str(rel_type), str(start_label), str(end_label)
        name = f"rel_{rel_type}_{start_label}_{end_label}"
        file = self.table(name, ["start", "end"], [starts, ends])
        self.mapping(
            name,
            {
                "source": {"path": file},
                "relationships": [
                    {
                        "type": rel_type,
                        "start": {"label": start_label, "key": "start"},
                        "end": {"label": end_label, "key": "end"},
                    }
                ],
            },
        )
        self.rel_count += len(starts)


def _unique_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    code = a.astype(np.int64) * (int(b.max(initial=0)) + 1) + b
    _, index = np.unique(code, return_index=True)
    index.sort()
    return a[index], b[index]


def _participations(
    rng: np.random.Generator,
    n_actors: int,
    actor_p: np.ndarray | None,
    n_events: int,
    event_p: np.ndarray,
    have: tuple[np.ndarray, np.ndarray] | np.ndarray,
    extra: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Unique (actor, event) pairs: the ones we `have` plus `extra` new draws.

    Called first with an array of events that must get one participant each.
    """
    if isinstance(have, tuple):
        actors, events = have
    else:
        events = have
        actors = rng.choice(n_actors, size=len(events), p=actor_p)
    new_events = rng.choice(n_events, size=extra, p=event_p)
    new_actors = rng.choice(n_actors, size=extra, p=actor_p)
    return _unique_pairs(np.concatenate([actors, new_actors]), np.concatenate([events, new_events]))


def generate(
    out: str | Path,
    *,
    nodes: int = 100_000,
    edges: int = 1_000_000,
    seed: int = 0,
    reference: Path | None = None,
) -> GeneratedNetwork:
    """Write a synthetic network of about `nodes` nodes and `edges` relationships to `out`.

    Parameters
    ----------
    out : path
        Folder to write (created); it receives CSVs, ``mappings/`` and ``bundle.yaml``.
    nodes, edges : int
        Approximate sizes (relationships are de-duplicated, so slightly fewer may result).
    seed : int
        Random seed; the same seed gives the same files.
    reference : path, optional
        The bundled ``data/reference`` folder, for the OECD field codes.

    Examples
    --------
    >>> import tempfile
    >>> net = generate(tempfile.mkdtemp(), nodes=500, edges=3000, seed=1)
    >>> net.nodes, 2500 < net.relationships <= 3000
    (500, True)
    """
    if nodes < 100 or edges < nodes:
        raise ValueError("generate needs at least 100 nodes and as many edges as nodes")
    rng = np.random.default_rng(seed)
    folder = Path(out)
    w = BundleWriter(folder, seed, f"transfernet generate --seed {seed}")
    countries = np.array(sorted(c.alpha_2 for c in pycountry.countries))
    rng.shuffle(countries)
    countries = np.concatenate([["CN"], countries[countries != "CN"]])
    country_p = 1.0 / np.arange(1, len(countries) + 1) ** 1.1  # Zipf: few large, many small countries
    country_p /= country_p.sum()
    fields = np.array(_ford_fields(reference))

    n_national = max(8, nodes // 5000)
    n_inst = int(nodes * 0.25) - n_national
    n_expert = int(nodes * 0.30)
    n_offer = int(nodes * 0.17)
    n_demand = int(nodes * 0.17)
    n_event = int(nodes * 0.05)
    n_agreement = nodes - n_national - n_inst - n_expert - n_offer - n_demand - n_event

    def place(n: int) -> np.ndarray:
        """Countries of `n` new nodes (Zipf-distributed)."""
        return rng.choice(countries, size=n, p=country_p)

    def ids(prefix: str, n: int) -> np.ndarray:
        return np.char.add(f"syn-{prefix}-", np.arange(n).astype(str))

    # --- institutions, by kind, each in a country (national centres in China)
    national = ids("ntc", n_national)
    w.nodes(L.NATIONAL_TRANSFER_CENTRE, national, np.char.add("Synthetic national centre ", national),
            ties=[(R.LOCATED_IN, L.COUNTRY, np.full(n_national, "CN"))])  # fmt: skip
    kind_of = rng.choice(len(_INSTITUTION_KINDS), size=n_inst, p=[s for _, s in _INSTITUTION_KINDS])
    inst_ids = ids("inst", n_inst)
    inst_country = rng.choice(countries, size=n_inst, p=country_p)
    # centres abroad belong to a national centre (a few parents build most of them)
    parent_p = 1.0 / np.arange(1, n_national + 1)
    parent_p /= parent_p.sum()
    parent_of = rng.choice(national, size=n_inst, p=parent_p)
    for k, (label, _) in enumerate(_INSTITUTION_KINDS):
        mask = kind_of == k
        abroad = label in (L.BRANCH_CENTRE, L.BILATERAL_CENTRE)
        ties = [(R.HOSTED_IN if abroad else R.LOCATED_IN, L.COUNTRY, inst_country[mask])]
        if abroad:
            ties.append((R.PARENT_CENTRE, L.NATIONAL_TRANSFER_CENTRE, parent_of[mask]))
        w.nodes(label, inst_ids[mask], np.char.add(f"Synthetic {label} ", inst_ids[mask]), ties=ties)
    all_inst = np.concatenate([national, inst_ids])
    popularity = rng.pareto(1.5, size=len(all_inst)) + 1.0  # preferential attachment weights
    inst_p = popularity / popularity.sum()

    # --- experts: brokers (15%) and scientists, affiliated with one institution, brokers with 2–4
    expert_ids = ids("exp", n_expert)
    is_broker = rng.random(n_expert) < 0.15
    for label, mask in ((L.TECHNOLOGY_BROKER, is_broker), (L.SCIENTIST, ~is_broker)):
        w.nodes(label, expert_ids[mask], np.char.add(f"Synthetic {label} ", expert_ids[mask]),
                ties=[(R.LOCATED_IN, L.COUNTRY, place(int(mask.sum())))])  # fmt: skip
    n_aff = np.where(is_broker, rng.integers(2, 5, n_expert), 1)
    aff_expert = np.repeat(np.arange(n_expert), n_aff)
    aff_inst = rng.choice(len(all_inst), size=len(aff_expert), p=inst_p)
    aff_expert, aff_inst = _unique_pairs(aff_expert, aff_inst)
    for label, mask in ((L.TECHNOLOGY_BROKER, is_broker), (L.SCIENTIST, ~is_broker)):
        sel = mask[aff_expert]
        w.edges(R.AFFILIATED_WITH, label, L.INSTITUTION, expert_ids[aff_expert[sel]], all_inst[aff_inst[sel]])
    n_skill = rng.integers(1, 4, n_expert)
    skill_expert = np.repeat(np.arange(n_expert), n_skill)
    skill_field = rng.integers(0, len(fields), len(skill_expert))
    skill_expert, skill_field = _unique_pairs(skill_expert, skill_field)
    w.edges(R.EXPERT_IN, L.EXPERT, L.FIELD, expert_ids[skill_expert], fields[skill_field])

    # --- offers and demands: owned by an institution (70%) or an expert, in a field and a country,
    # described in words (own random stream: the network's structure does not depend on the texts)
    text_rng = np.random.default_rng([seed, 1])
    for label, prefix, owns, n, templates, kind in (
        (L.TECHNOLOGY_OFFER, "off", R.OFFERS, n_offer, OFFER_TEMPLATES, "offer"),
        (L.TECHNOLOGY_DEMAND, "dem", R.SEEKS, n_demand, DEMAND_TEMPLATES, "demand"),
    ):
        item_ids = ids(prefix, n)
        item_countries = rng.choice(countries, size=n, p=country_p)
        item_fields = fields[rng.integers(0, len(fields), n)]
        titles, descriptions = synthetic_texts(text_rng, item_fields, templates, kind)
        if owns == R.SEEKS:  # a tenth of the demands only name the major field ("ford:2")
            broad = text_rng.random(n) < 0.1
            item_fields = np.where(broad, np.char.partition(item_fields, ".")[:, 0], item_fields)
        item_ties = [
            (R.LOCATED_IN, L.COUNTRY, item_countries),
            (R.IN_FIELD, L.FIELD, item_fields),
        ]
        w.nodes(label, item_ids, titles, name_property="title",
                properties=[(P.DESCRIPTION, descriptions)], ties=item_ties)  # fmt: skip
        by_inst = rng.random(n) < 0.7
        owners_inst = all_inst[rng.choice(len(all_inst), size=int(by_inst.sum()), p=inst_p)]
        w.edges(owns, L.INSTITUTION, label, owners_inst, item_ids[by_inst])
        owners_exp = expert_ids[rng.integers(0, n_expert, int((~by_inst).sum()))]
        w.edges(owns, L.EXPERT, label, owners_exp, item_ids[~by_inst])

    # --- institutions cover fields
    cov_inst = np.repeat(np.arange(len(all_inst)), rng.integers(1, 3, len(all_inst)))
    cov_field = rng.integers(0, len(fields), len(cov_inst))
    cov_inst, cov_field = _unique_pairs(cov_inst, cov_field)
    w.edges(R.COVERS_FIELD, L.INSTITUTION, L.FIELD, all_inst[cov_inst], fields[cov_field])

    # --- events and agreements: the rest of the relationship budget, by preferential attachment
    event_ids = ids("evt", n_event)
    event_kind = rng.integers(0, len(_EVENT_KINDS), n_event)
    for k, label in enumerate(_EVENT_KINDS):
        mask = event_kind == k
        w.nodes(label, event_ids[mask], np.char.add(f"Synthetic {label} ", event_ids[mask]),
                ties=[(R.LOCATED_IN, L.COUNTRY, place(int(mask.sum())))])  # fmt: skip
    # every event has an organiser and a third of them a co-organiser (large events tie
    # their participants to the organisers in the actor network)
    org_event = np.concatenate([np.arange(n_event), rng.choice(n_event, n_event // 3, replace=False)])
    org_inst = rng.choice(len(all_inst), size=len(org_event), p=inst_p)
    org_event, org_inst = _unique_pairs(org_event, org_inst)
    w.edges(R.ORGANISES, L.INSTITUTION, L.EVENT, all_inst[org_inst], event_ids[org_event])
    agreement_ids = ids("agr", n_agreement)
    agreement_kind = rng.integers(0, len(_AGREEMENT_KINDS), n_agreement)
    # every agreement has two parties at least, written with it (its shape requires them)
    first = rng.choice(len(all_inst), size=n_agreement, p=inst_p)
    second = (first + 1 + rng.integers(0, len(all_inst) - 1, n_agreement)) % len(all_inst)
    for k, label in enumerate(_AGREEMENT_KINDS):
        mask = agreement_kind == k
        parties = [
            (R.PARTY_TO, L.INSTITUTION, all_inst[first[mask]]),
            (R.PARTY_TO, L.INSTITUTION, all_inst[second[mask]]),
        ]
        w.nodes(label, agreement_ids[mask], np.char.add(f"Synthetic {label} ", agreement_ids[mask]),
                name_property="title", incoming=parties)  # fmt: skip
    party_agr = np.concatenate([np.arange(n_agreement), np.arange(n_agreement)])
    party_inst = np.concatenate([first, second])
    remaining = max(edges - w.rel_count - n_event, 0)
    extra_party = min(int(remaining * 0.25), n_agreement)  # about three parties an agreement on average
    more_agr = np.concatenate([party_agr, rng.integers(0, n_agreement, extra_party)])
    more_inst = np.concatenate([party_inst, rng.choice(len(all_inst), size=extra_party, p=inst_p)])
    more_agr, more_inst = _unique_pairs(more_agr, more_inst)
    extra = slice(len(party_agr), None)  # the first two parties of each agreement are already written
    w.edges(
        R.PARTY_TO, L.INSTITUTION, L.AGREEMENT, all_inst[more_inst[extra]], agreement_ids[more_agr[extra]]
    )
    event_p = rng.pareto(1.2, n_event) + 1.0  # a few expos draw thousands
    event_p /= event_p.sum()
    inst_pairs = _participations(rng, len(all_inst), inst_p, n_event, event_p, np.arange(n_event))
    exp_pairs = _participations(rng, n_expert, None, n_event, event_p, np.empty(0, dtype=np.int64))
    budget = max(edges - w.rel_count, 0)
    # top both lists up (duplicates removed) until they fill the remaining budget
    for _ in range(20):
        if len(inst_pairs[0]) + len(exp_pairs[0]) >= budget:
            break
        missing = budget - len(inst_pairs[0]) - len(exp_pairs[0])
        inst_pairs = _participations(
            rng, len(all_inst), inst_p, n_event, event_p, inst_pairs, missing // 2 + 1
        )
        exp_pairs = _participations(rng, n_expert, None, n_event, event_p, exp_pairs, missing // 2 + 1)
    n_inst_part = min(len(inst_pairs[0]), budget - budget // 2)
    n_exp_part = min(len(exp_pairs[0]), budget - n_inst_part)
    w.edges(R.PARTICIPATES_IN, L.INSTITUTION, L.EVENT, all_inst[inst_pairs[0][:n_inst_part]],
            event_ids[inst_pairs[1][:n_inst_part]])  # fmt: skip
    w.edges(R.PARTICIPATES_IN, L.EXPERT, L.EVENT, expert_ids[exp_pairs[0][:n_exp_part]],
            event_ids[exp_pairs[1][:n_exp_part]])  # fmt: skip

    return w.finish(f"transfernet generate --nodes {nodes} --edges {edges} --seed {seed}")
