"""A small synthetic sample attached to the real network, clearly labelled, for the demo.

The bundled real data names countries, fields, centres and institutions, but no
technology offers or demands and few experts: the study describes the network, not its
market.  Brokerage opportunities, matching and supply–demand channels need both, so the
demo adds this sample on top, and says so.
- experts: scientists affiliated with one real institution; technology brokers bridging
  an institution in China with one abroad;
- technology offers, owned mostly by the real institutions in China;
- technology demands, owned mostly by the real institutions abroad;
- each offer and demand has an OECD field and a text, as in `loaders.generate`.

The real institutions, their countries and the OECD fields are read from the store, so
the sample fits whatever real data is loaded.  It is written like `loaders.generate`'s
output (CSV files, mappings, a ``bundle.yaml``) and loaded separately, after the real
data.  Every node and relationship carries ``synthetic: true``, the seed, and the source
``synthetic: transfernet demo sample --seed N``.  It only adds nodes of its own and ties
from them, and never changes a real node.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graph.real_nodes import real_fine_fields, real_institutions
from graph.store import GraphStore
from loaders.generate import (
    DEMAND_TEMPLATES,
    FORD_KEY_PREFIX,
    OFFER_TEMPLATES,
    BundleWriter,
    GeneratedNetwork,
    synthetic_texts,
)
from ontology.vocab import NodeLabel as L
from ontology.vocab import PropertyName as P
from ontology.vocab import RelType as R

__all__ = ["HOME_COUNTRY", "demo_sample"]

#: Where the study's centres are: supply is drawn mostly from here, demand from abroad.
HOME_COUNTRY = "CN"


def demo_sample(
    store: GraphStore,
    out: str | Path,
    *,
    seed: int = 0,
    experts: int = 240,
    offers: int = 300,
    demands: int = 300,
) -> GeneratedNetwork:
    """Write a synthetic sample of experts, offers and demands on the real institutions.

    Parameters
    ----------
    store : GraphStore
        A store holding the real data (the bundled dataset): the sample refers to its
        institutions, their countries and its OECD fields.
    out : path
        Folder to write (CSV files, ``mappings/``, ``bundle.yaml``); load it with
        `loaders.bundle.load_bundle` (``root=out``) or ``transfernet load --bundle OUT``.
    seed : int
        Random seed; the same seed and real data give the same files.
    experts, offers, demands : int
        How many of each (a third of the experts are brokers; a quarter of the offers
        and of the demands are owned by an expert rather than an institution).

    Raises
    ------
    ValueError
        When the store holds no real institution with a country, or no OECD field: the
        real data must be loaded first.
    """
    institutions = real_institutions(store)
    fields = np.array(real_fine_fields(store, FORD_KEY_PREFIX))
    if not institutions or not len(fields):
        raise ValueError(
            "the demo sample attaches to the real institutions and OECD fields, and the store "
            "has none: load the bundled dataset first"
        )
    rng = np.random.default_rng([seed, 2])  # not generate's stream: a sample of its own
    keys = np.array([k for k, _ in institutions])
    countries = np.array([c for _, c in institutions])
    home = np.flatnonzero(countries == HOME_COUNTRY)
    abroad = np.flatnonzero(countries != HOME_COUNTRY)
    home = home if len(home) else np.arange(len(keys))
    abroad = abroad if len(abroad) else np.arange(len(keys))
    w = BundleWriter(Path(out), seed, f"transfernet demo sample --seed {seed}")

    def ids(prefix: str, n: int) -> np.ndarray:
        return np.char.add(f"syn-demo-{prefix}-", np.arange(n).astype(str))

    # experts: a third are brokers, affiliated at home and abroad; the others at one institution
    expert_ids = ids("exp", experts)
    is_broker = rng.random(experts) < 1 / 3
    first = rng.integers(0, len(keys), experts)
    second = abroad[rng.integers(0, len(abroad), experts)]
    first = np.where(is_broker, home[rng.integers(0, len(home), experts)], first)
    for label, mask in ((L.TECHNOLOGY_BROKER, is_broker), (L.SCIENTIST, ~is_broker)):
        w.nodes(
            label,
            expert_ids[mask],
            np.char.add(f"Synthetic {label} ", expert_ids[mask]),
            ties=[(R.LOCATED_IN, L.COUNTRY, countries[first[mask]])],
        )
        aff_expert = np.concatenate([expert_ids[mask], expert_ids[mask & is_broker]])
        aff_inst = np.concatenate([keys[first[mask]], keys[second[mask & is_broker]]])
        w.edges(R.AFFILIATED_WITH, label, L.INSTITUTION, aff_expert, aff_inst)
    skills = rng.integers(1, 4, experts)
    skill_expert = np.repeat(expert_ids, skills)
    skill_field = fields[rng.integers(0, len(fields), len(skill_expert))]
    pairs = sorted(set(zip(skill_expert.tolist(), skill_field.tolist(), strict=True)))
    w.edges(R.EXPERT_IN, L.EXPERT, L.FIELD, np.array([e for e, _ in pairs]), np.array([f for _, f in pairs]))

    # offers from home, demands from abroad; a quarter of each owned by an expert instead
    text_rng = np.random.default_rng([seed, 3])
    for label, prefix, owns, n, templates, kind, side in (
        (L.TECHNOLOGY_OFFER, "off", R.OFFERS, offers, OFFER_TEMPLATES, "offer", home),
        (L.TECHNOLOGY_DEMAND, "dem", R.SEEKS, demands, DEMAND_TEMPLATES, "demand", abroad),
    ):
        item_ids = ids(prefix, n)
        item_fields = fields[rng.integers(0, len(fields), n)]
        titles, descriptions = synthetic_texts(text_rng, item_fields, templates, kind)
        by_expert = rng.random(n) < 0.25
        owner_inst = side[rng.integers(0, len(side), n)]
        owner_expert = rng.integers(0, experts, n)
        item_countries = np.where(by_expert, countries[first[owner_expert]], countries[owner_inst])
        w.nodes(
            label,
            item_ids,
            titles,
            name_property="title",
            properties=[(P.DESCRIPTION, descriptions)],
            ties=[(R.LOCATED_IN, L.COUNTRY, item_countries), (R.IN_FIELD, L.FIELD, item_fields)],
        )
        w.edges(owns, L.INSTITUTION, label, keys[owner_inst[~by_expert]], item_ids[~by_expert])
        w.edges(owns, L.EXPERT, label, expert_ids[owner_expert[by_expert]], item_ids[by_expert])
    return w.finish(f"transfernet demo sample --seed {seed}")
