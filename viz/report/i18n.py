"""Section titles and captions of the report in English and Chinese."""

from __future__ import annotations

__all__ = ["LANGS", "TITLES", "titles"]

LANGS = ("en", "zh")

TITLES: dict[str, dict[str, str]] = {
    "title": {"en": "Technology-transfer network analysis", "zh": "技术转移网络分析报告"},
    "country_title": {"en": "Country profile", "zh": "国别研究报告"},
    "contents": {"en": "Contents", "zh": "目录"},
    "source": {"en": "Source", "zh": "数据来源"},
    "origin": {"en": "Produced by", "zh": "生成方式"},
    "generated": {"en": "Generated", "zh": "生成时间"},
    "run": {"en": "Analysis run", "zh": "分析批次"},
    "summary": {"en": "Summary of findings", "zh": "主要发现"},
    "overview": {"en": "Overview", "zh": "概况"},
    "brokerage": {"en": "Brokers and structural holes", "zh": "技术经纪与结构洞"},
    "communities": {"en": "Communities", "zh": "社群结构"},
    "collaboration": {"en": "Collaboration between countries", "zh": "国家间合作"},
    "duplicates": {"en": "Duplicated branch centres", "zh": "重复建设的分中心"},
    "opportunities": {"en": "Brokerage opportunities", "zh": "技术经纪机会"},
    "channels": {"en": "Supply–demand channels", "zh": "供需对接渠道"},
    "coverage": {"en": "Coverage gaps", "zh": "覆盖空白"},
    "profiles": {"en": "National centre profiles", "zh": "国家级中心概况"},
    "quality": {"en": "Data quality and provenance", "zh": "数据质量与来源"},
    "methods": {"en": "Methods and parameters", "zh": "方法与参数"},
    # country page
    "country_status": {"en": "Status", "zh": "基本情况"},
    "country_centres": {"en": "Centres and bilateral centres", "zh": "技术转移中心与双边中心"},
    "country_partners": {"en": "Partner institutions", "zh": "合作机构"},
    "country_fields": {"en": "Fields offered and sought", "zh": "技术供给与需求领域"},
    "country_agreements": {"en": "Agreements", "zh": "合作协议"},
    "country_brokers": {"en": "Brokers who reach it", "zh": "可触达的技术经纪方"},
    "country_gaps": {"en": "Gaps", "zh": "空白"},
    # captions
    "nodes_by_type": {"en": "Nodes by type", "zh": "节点类型统计"},
    "by_country": {"en": "Centres and bilateral centres by country", "zh": "各国技术转移中心与双边中心"},
    "by_bloc": {"en": "Countries and centres by bloc", "zh": "各合作机制的国家与中心"},
    "growth": {"en": "Growth over time", "zh": "历年增长"},
    "top_brokers": {"en": "Top brokers", "zh": "主要技术经纪方"},
    "by_role": {"en": "Top brokers by role", "zh": "各经纪角色的主要经纪方"},
    "graph_brokerage": {"en": "Brokerage of the whole network", "zh": "全网经纪角色统计"},
    "holes": {"en": "Structural-hole leaders", "zh": "结构洞优势者"},
    "betweenness": {"en": "Betweenness", "zh": "中介中心性"},
    "evidence": {"en": "Evidence", "zh": "证据"},
    "co_located": {
        "en": "Co-located centres (same host country only)",
        "zh": "同一东道国的中心（仅共处一国）",
    },
    "gaps_country": {"en": "Gaps by country", "zh": "各国空白"},
    "gaps_field": {"en": "Gaps by field", "zh": "各领域空白"},
    "served": {"en": "Belt and Road countries by coverage", "zh": "共建国家覆盖情况"},
    "table3": {"en": "Activities computed from the graph", "zh": "由图谱计算的建设情况"},
    "table3_study": {"en": "The study's Table 3", "zh": "研究表3"},
    "shacl": {"en": "SHACL validation", "zh": "SHACL校验"},
    "conflicts": {"en": "Conflicting claims between sources", "zh": "不同来源的矛盾信息"},
    "provenance": {"en": "Provenance coverage", "zh": "来源覆盖情况"},
    "last_load": {"en": "Last load", "zh": "最近一次导入"},
    "parameters": {"en": "Parameters", "zh": "参数"},
    "timings": {"en": "Timings (s)", "zh": "耗时（秒）"},
    "traceability": {"en": "Where every table and figure comes from", "zh": "图表来源"},
    "paths": {"en": "Explaining paths", "zh": "解释路径"},
}


def titles(lang: str) -> dict[str, str]:
    """The titles in one language.

    Examples
    --------
    >>> titles("zh")["overview"]
    '概况'
    >>> titles("fr")
    Traceback (most recent call last):
    ...
    ValueError: lang must be 'en' or 'zh'
    """
    if lang not in LANGS:
        raise ValueError("lang must be 'en' or 'zh'")
    return {key: value[lang] for key, value in TITLES.items()}
