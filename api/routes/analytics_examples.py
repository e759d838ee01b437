"""OpenAPI examples of the analytics endpoints (documentation data: one JSON page and one CSV
excerpt per view of `graph.analytics.views`)."""

from __future__ import annotations

from typing import Any

__all__ = ["EXAMPLES", "OPERATION_IDS"]

_RUN_EXAMPLE = {
    "source": "stored",
    "run_id": "20260101T000000000000Z",
    "timestamp": "2026-01-01T00:00:00+00:00",
    "parameters": {"synthetic": False, "scenario": "established", "partition": "country", "max_group": 10},
    "population": "Real data only, established bodies only (1,343 nodes, 3,314 relationships).",
}
_CASTTC = {"id": "Institution:CASTTC", "name": "China-Arab States Technology Transfer Center"}


def _example(analysis: str, sort: str, item: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "analysis": analysis,
        "run": _RUN_EXAMPLE,
        "total": 1,
        "offset": 0,
        "limit": 100,
        "sort": sort,
        "order": "desc",
        "summary": extra,
        "items": [item],
    }


#: View name -> (JSON example, CSV example).
EXAMPLES: dict[str, tuple[dict[str, Any], str]] = {
    "brokerage": (
        _example(
            "brokerage",
            "total",
            {**_CASTTC, "type": "NationalTransferCentre", "group": "CN", "total": 12.0, "total_z": 3.1},
            graph={"total": {"raw": 42.0, "expected": 30.5, "sd": 6.2, "z": 1.85}},
        ),
        "id,name,type,group,coordinator,...\nInstitution:CASTTC,China-Arab States Technology Transfer "
        "Center,NationalTransferCentre,CN,0.0,...\n",
    ),
    "structural_holes": (
        _example(
            "structural_holes",
            "effective_size",
            {
                **_CASTTC,
                "type": "NationalTransferCentre",
                "effective_size": 15.0,
                "efficiency": 1.0,
                "constraint": 0.0667,
                "hierarchy": 0.0,
            },
        ),
        "id,name,type,effective_size,efficiency,constraint,hierarchy\n"
        "Institution:CASTTC,China-Arab States Technology Transfer Center,NationalTransferCentre,15.0,1.0,"
        "0.0666666667,0.0\n",
    ),
    "centrality": (
        _example(
            "centrality",
            "pagerank",
            {
                **_CASTTC,
                "type": "NationalTransferCentre",
                "degree": 0.2027,
                "pagerank": 0.0542,
                "betweenness": 0.0096,
            },
            betweenness_exact=True,
        ),
        "id,name,type,degree,pagerank,betweenness\n"
        "Institution:CASTTC,China-Arab States Technology Transfer Center,NationalTransferCentre,"
        "0.2027027027,0.0542013149,0.0096260644\n",
    ),
    "communities": (
        _example(
            "communities",
            "community",
            {
                **_CASTTC,
                "type": "NationalTransferCentre",
                "community": 0,
                "community_size": 15,
                "external_ties": 1,
                "communities_reached": 1,
                "participation": 0.125,
            },
            modularity=0.7957,
            method="leiden",
            backend="igraph",
            sizes=[15, 9, 8],
        ),
        "id,name,type,community,community_size,external_ties,communities_reached,participation\n"
        "Institution:CASTTC,China-Arab States Technology Transfer Center,NationalTransferCentre,"
        "0,15,1,1,0.125\n",
    ),
    "community_bridges": (
        _example(
            "community_bridges",
            "source",
            {
                "source": "Institution:CASTTC",
                "source_name": _CASTTC["name"],
                "source_community": 0,
                "target": "Institution:most",
                "target_name": "Ministry of Science and Technology",
                "target_community": 5,
            },
        ),
        "source,source_name,source_community,target,target_name,target_community\n"
        "Institution:CASTTC,China-Arab States Technology Transfer Center,0,Institution:most,"
        "Ministry of Science and Technology,5\n",
    ),
    "duplicates": (  # an illustration, not a finding of the bundled data
        _example(
            "duplicates",
            "score",
            {
                "cluster": 1,
                "score": 0.6,
                "confidence": "high",
                "evidence": ["same city", "shared partners"],
                "members": ["Institution:CATTC-TH", "Institution:CSATTC-TH"],
                "member_names": ["Example centre A, Bangkok", "Example centre B, Bangkok"],
                "hosts": ["TH"],
                "parents": ["Institution:CATTC", "Institution:CSATTC"],
                "pairs": [
                    {
                        "a": "Institution:CATTC-TH",
                        "b": "Institution:CSATTC-TH",
                        "shared_hosts": ["TH"],
                        "same_city": True,
                        "shared_partners": ["Institution:example-university"],
                        "evidence": ["same city", "shared partners"],
                        "kind": "duplicate",
                        "confidence": "high",
                        "score": 0.6,
                    }
                ],
            },
        ),
        "cluster,score,confidence,evidence,members,member_names,hosts,parents,pairs\n"
        "1,0.6,high,same city;shared partners,Institution:CATTC-TH;Institution:CSATTC-TH,...,TH,"
        'Institution:CATTC;Institution:CSATTC,"[...]"\n',
    ),
    "coverage_gaps": (
        _example(
            "coverage_gaps",
            "demands",
            {
                "country": "Country:KE",
                "country_name": "Kenya",
                "field": "Field:2.11",
                "field_name": "Other engineering and technologies",
                "demands": 3,
                "offers_elsewhere": 5,
            },
        ),
        "country,country_name,field,field_name,demands,offers_elsewhere\n"
        "Country:KE,Kenya,Field:2.11,Other engineering and technologies,3,5\n",
    ),
    "country_coverage": (
        _example(
            "country_coverage",
            "centres",
            {
                "country": "Country:EG",
                "country_name": "Egypt",
                "bri_member": True,
                "centres": ["Institution:CASTTC-EG"],
                "partners": [],
                "demands": 0,
                "offers": 0,
            },
        ),
        "country,country_name,bri_member,centres,partners,demands,offers\n"
        "Country:EG,Egypt,true,Institution:CASTTC-EG,,0,0\n",
    ),
    "opportunities": (
        _example(
            "opportunities",
            "pairs",
            {
                "rank": 1,
                "supplier": "CN",
                "supplier_name": "China",
                "demander": "KE",
                "demander_name": "Kenya",
                "status": "single broker",
                "pairs": 3,
                "offers": 2,
                "demands": 1,
                "distance": 2,
                "intermediaries": 1,
                "fields": ["Field:ford:2.7"],
                "field_names": ["Environmental engineering"],
                "brokers": ["Institution:CAICC"],
                "broker_names": ["China-Africa Innovation Cooperation Center"],
                "broker_details": [
                    {"node": "Institution:CAICC", "hops": 2, "bridging": 4.0, "constraint": 0.5}
                ],
            },
        ),
        "rank,supplier,supplier_name,demander,demander_name,status,pairs,offers,demands,distance,...\n"
        "1,CN,China,KE,Kenya,single broker,3,2,1,2,...\n",
    ),
    "channels": (
        _example(
            "channels",
            "demand",
            {
                "demand": "TechnologyDemand:ke-solar-pumps",
                "demand_name": "Solar water pumps",
                "rank": 1,
                "offer": "TechnologyOffer:cn-pv-pump",
                "offer_name": "PV pumping system",
                "length": 4,
                "strength": 1,
                "score": 0.82,
                "relation": "same field",
                "brokers": ["Institution:CAICC"],
                "broker_names": ["China-Africa Innovation Cooperation Center"],
                "nodes": [
                    "TechnologyDemand:ke-solar-pumps",
                    "Institution:ke-water",
                    "Institution:CAICC",
                    "Institution:cn-pv",
                    "TechnologyOffer:cn-pv-pump",
                ],
                "node_names": [
                    "Solar water pumps",
                    "Kenya Water Agency",
                    "China-Africa Innovation Cooperation Center",
                    "PV maker",
                    "PV pumping system",
                ],
                "hops": [
                    {
                        "source": "TechnologyDemand:ke-solar-pumps",
                        "target": "Institution:ke-water",
                        "source_label": "TechnologyDemand",
                        "target_label": "Institution",
                        "types": ["SEEKS"],
                        "forward": False,
                    }
                ],
            },
        ),
        "demand,demand_name,rank,offer,offer_name,length,strength,score,relation,brokers,...\n"
        "TechnologyDemand:ke-solar-pumps,Solar water pumps,1,TechnologyOffer:cn-pv-pump,PV pumping system,"
        "4,1,0.82,same field,Institution:CAICC,...\n",
    ),
}

EXAMPLES["co_located"] = (
    _example(
        "co_located",
        "a",
        {
            "a": "Institution:CATTC-MY",
            "a_name": "China–Malaysia bilateral technology transfer centre (in preparation)",
            "b": "Institution:SCOTTC-MY",
            "b_name": "China–SCO Technology Transfer Center overseas collaborative centre, Malaysia",
            "hosts": ["MY"],
            "parents": ["Institution:CATTC", "Institution:SCOTTC"],
            "score": 0.28,
        },
    ),
    "a,a_name,b,b_name,hosts,parents,score\n"
    "Institution:CATTC-MY,China–Malaysia bilateral technology transfer centre (in preparation),"
    "Institution:SCOTTC-MY,...,MY,Institution:CATTC;Institution:SCOTTC,0.28\n",
)

EXAMPLES["collaboration"] = (
    _example(
        "collaboration",
        "weight",
        {
            "country_a": "DE",
            "country_a_name": "Germany",
            "country_b": "FR",
            "country_b_name": "France",
            "weight": 35.3,
            "organisation_pairs": 140,
            "projects": 82,
        },
    ),
    "country_a,country_a_name,country_b,country_b_name,weight,organisation_pairs,projects\n"
    "DE,Germany,FR,France,35.3,140,82\n",
)

#: View name -> stable OpenAPI operation id.
OPERATION_IDS: dict[str, str] = {
    "brokerage": "analytics_brokerage",
    "structural_holes": "analytics_structural_holes",
    "centrality": "analytics_centrality",
    "communities": "analytics_communities",
    "community_bridges": "analytics_community_bridges",
    "duplicates": "analytics_duplicates",
    "co_located": "analytics_co_located",
    "collaboration": "analytics_country_collaboration",
    "coverage_gaps": "analytics_coverage_gaps",
    "country_coverage": "analytics_country_coverage",
    "opportunities": "analytics_opportunities",
    "channels": "analytics_channels",
}
