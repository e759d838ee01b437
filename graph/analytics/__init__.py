"""transfernet: graph/analytics.

Network-analysis kernels on networkx graphs, vectorised with numpy/scipy:

- :mod:`graph.analytics.brokerage`: Gould–Fernandez brokerage roles (counts,
  sna expectations and z-scores) and Burt's structural-hole measures;
- :mod:`graph.analytics.centrality`: degree, PageRank, exact or sampled betweenness;
- :mod:`graph.analytics.communities`: Leiden/Louvain communities, modularity,
  community bridges.

Importing this package does no work; the submodules import only numpy, scipy,
networkx (and python-igraph lazily, when available, for community detection and
the faster betweenness backend). Sibling modules (``duplicates``, ``coverage``)
are imported from their own modules.
"""

from graph.analytics.brokerage import (
    ROLES,
    brokerage_graph_scores,
    brokerage_scores,
    gould_fernandez,
    structural_holes,
)
from graph.analytics.centrality import (
    BetweennessResult,
    betweenness,
    betweenness_sample_size,
    degree,
    pagerank,
)
from graph.analytics.communities import CommunityResult, community_bridges, detect_communities, modularity

__all__ = [
    "ROLES",
    "BetweennessResult",
    "CommunityResult",
    "betweenness",
    "betweenness_sample_size",
    "brokerage_graph_scores",
    "brokerage_scores",
    "community_bridges",
    "degree",
    "detect_communities",
    "gould_fernandez",
    "modularity",
    "pagerank",
    "structural_holes",
]
