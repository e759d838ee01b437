"""A realistic sample of the transfer network as property-graph records (a helper, not tests).

Values come from /work/shared/data (row numbers count the header as line 1) and from
the study in /work/shared/seed; the technology offer, demand, expert, agreement and
funding are synthetic (marked ``synthetic``/``seed``) because no source lists them.
"""

from __future__ import annotations

from ontology.records import NodeRecord, RelationshipRecord

CASTTC_EN = "https://en.casttc.org/article/00001525.html"
CASTTC_FR = "https://fra.yidaiyilu.gov.cn/p/181157.html?alias=undefined&cateName=Economie+innovante"
STDAILY = "https://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/html/2015-06/12/content_306261.htm?div=-1"
RETRIEVED = "2026-11-23"


def _src(*sources: str, synthetic: bool = False) -> dict[str, object]:
    props: dict[str, object] = {"sources": sorted(sources), "retrieved": RETRIEVED, "synthetic": synthetic}
    if synthetic:
        props["seed"] = 42
    return props


def sample() -> list[NodeRecord | RelationshipRecord]:
    """Return the sample: 18 nodes and 20 relationships (counted in test_convert)."""
    n, r = NodeRecord, RelationshipRecord
    return [
        # countries: wb_list_of_economies.csv rows 43, 35, 146, 145;
        # bri_countries_beeway.csv rows 28, 102, 133
        n(
            "Country",
            "CN",
            {
                "name": "China",
                "nameZh": "中国",
                "alpha3": "CHN",
                "region": "East Asia & Pacific",
                "incomeGroup": "Upper middle income",
                "lendingCategory": "IBRD",
                **_src("wb_list_of_economies.csv:43"),
            },
        ),
        n(
            "Country",
            "KH",
            {
                "name": "Cambodia",
                "nameZh": "柬埔寨",
                "alpha3": "KHM",
                "region": "East Asia & Pacific",
                "incomeGroup": "Lower middle income",
                "lendingCategory": "IDA",
                "briMember": True,
                "briYear": 2016,
                **_src("wb_list_of_economies.csv:35", "bri_countries_beeway.csv:28"),
            },
        ),
        n(
            "Country",
            "NG",
            {
                "name": "Nigeria",
                "nameZh": "尼日利亚",
                "alpha3": "NGA",
                "region": "Sub-Saharan Africa",
                "incomeGroup": "Lower middle income",
                "lendingCategory": "Blend",
                "briMember": True,
                "briYear": 2018,
                **_src("wb_list_of_economies.csv:146", "bri_countries_beeway.csv:102"),
            },
        ),
        n(
            "Country",
            "NE",
            {
                "name": "Niger",
                "nameZh": "尼日尔",
                "alpha3": "NER",
                "region": "Sub-Saharan Africa",
                "incomeGroup": "Low income",
                "lendingCategory": "IDA",
                "briMember": True,
                "briYear": 2019,
                **_src("wb_list_of_economies.csv:145", "bri_countries_beeway.csv:133"),
            },
        ),
        # blocs: the study, section 3.2 (League of Arab States) and centers.csv row 2 (ASEAN)
        n(
            "Bloc",
            "LAS",
            {
                "name": "League of Arab States",
                "nameZh": "阿拉伯国家联盟",
                "acronym": "LAS",
                "blocKind": "intergovernmental organisation",
                **_src("the study, section 3.2"),
            },
        ),
        n(
            "Bloc",
            "ASEAN",
            {
                "name": "Association of Southeast Asian Nations",
                "nameZh": "东盟",
                "acronym": "ASEAN",
                "blocKind": "intergovernmental organisation",
                "established": "1967-08-08",
                **_src("centers.csv:2"),
            },
        ),
        # national centres: centers.csv rows 2 and 4
        n(
            "NationalTransferCentre",
            "CATTC",
            {
                "name": "China-ASEAN Technology Transfer Center",
                "nameZh": "中国—东盟技术转移中心",
                "acronym": "CATTC",
                "city": "Nanning",
                "province": "Guangxi",
                "established": "2013",
                **_src("centers.csv:2", STDAILY),
            },
        ),
        n(
            "NationalTransferCentre",
            "CASTTC",
            {
                "name": "China-Arab States Technology Transfer Center",
                "nameZh": "中国—阿拉伯国家技术转移中心",
                "acronym": "CASTTC",
                "city": "Yinchuan",
                "province": "Ningxia",
                "established": "2015",
                "website": "https://en.casttc.org/",
                **_src("centers.csv:4", CASTTC_EN),
            },
        ),
        # bilateral centres: bilateral_centers.csv rows 3 and 26 (the Nigeria/Niger conflict)
        n(
            "BilateralCentre",
            "CATTC-KH",
            {
                "name": "China-Cambodia Technology Transfer Center",
                "city": "Phnom Penh",
                "status": "established",
                "established": "2014",
                **_src("bilateral_centers.csv:2", "bilateral_centers.csv:3", STDAILY),
            },
        ),
        n(
            "BilateralCentre",
            "CASTTC-NG-NE",
            {
                "name": "CASTTC working base (Nigeria or Niger)",
                "status": "MoU to be signed at 4th conference",
                **_src("bilateral_centers.csv:26", CASTTC_EN, CASTTC_FR),
            },
        ),
        # fields: ford.csv rows 10, 12; ipc_top_levels.csv rows 729, 737
        n(
            "Field",
            "ford:2",
            {
                "name": "Engineering and technology",
                "notation": "2",
                "scheme": "OECD FORD",
                "level": "major field",
                **_src("ford.csv:10"),
            },
        ),
        n(
            "Field",
            "ford:2.2",
            {
                "name": "Electrical engineering, electronic engineering, information engineering",
                "notation": "2.2",
                "scheme": "OECD FORD",
                "level": "field",
                **_src("ford.csv:12"),
            },
        ),
        n(
            "Field",
            "ipc:H01",
            {
                "name": "BASIC ELECTRIC ELEMENTS",
                "notation": "H01",
                "scheme": "IPC",
                "level": "class",
                **_src("ipc_top_levels.csv:729"),
            },
        ),
        # synthetic supply, demand, expert, agreement, event, funding
        n(
            "Technology",
            "T-PV-1",
            {
                "title": "Perovskite solar module",
                "readinessLevel": 6,
                "ipStatus": "patented",
                **_src("synthetic", synthetic=True),
            },
        ),
        n(
            "TechnologyOffer",
            "O-1",
            {
                "title": "Licence for perovskite solar modules",
                "startDate": "2025-03",
                **_src("synthetic", synthetic=True),
            },
        ),
        n(
            "TechnologyBroker",
            "E-1",
            {"name": "Li Wei", "nameZh": "李伟", **_src("synthetic", synthetic=True)},
        ),
        n(
            "MemorandumOfUnderstanding",
            "A-1",
            {
                "title": "MoU on the CASTTC working base",
                "signedOn": "2022-08",
                "agreementStatus": "signed",
                **_src(CASTTC_EN),
            },
        ),
        n(
            "Funding",
            "F-1",
            {
                "name": "Provincial operating grant",
                "amount": 1500000.0,
                "currency": "CNY",
                "year": 2024,
                "fundingSource": "government",
                **_src("synthetic", synthetic=True),
            },
        ),
        # relationships
        r("HOSTED_IN", "NationalTransferCentre", "CATTC", "Country", "CN", _src("centers.csv:2")),
        r("HOSTED_IN", "NationalTransferCentre", "CASTTC", "Country", "CN", _src("centers.csv:4")),
        r("HOSTED_IN", "BilateralCentre", "CATTC-KH", "Country", "KH", _src("bilateral_centers.csv:2")),
        r(
            "HOSTED_IN",
            "BilateralCentre",
            "CASTTC-NG-NE",
            "Country",
            "NG",
            {**_src("bilateral_centers.csv:26", CASTTC_EN), "note": "English source"},
        ),
        r(
            "HOSTED_IN",
            "BilateralCentre",
            "CASTTC-NG-NE",
            "Country",
            "NE",
            {**_src("bilateral_centers.csv:26", CASTTC_FR), "note": "French source"},
        ),
        r(
            "PARENT_CENTRE",
            "BilateralCentre",
            "CATTC-KH",
            "NationalTransferCentre",
            "CATTC",
            {**_src("bilateral_centers.csv:2"), "since": "2014"},
        ),
        r(
            "PARENT_CENTRE",
            "BilateralCentre",
            "CASTTC-NG-NE",
            "NationalTransferCentre",
            "CASTTC",
            _src("bilateral_centers.csv:26"),
        ),
        r(
            "BILATERAL_PARTNER_OF",
            "Country",
            "KH",
            "BilateralCentre",
            "CATTC-KH",
            {**_src("bilateral_centers.csv:2"), "status": "established"},
        ),
        r(
            "BUILT_BY",
            "NationalTransferCentre",
            "CASTTC",
            "Bloc",
            "LAS",
            {**_src("centers.csv:4"), "role": "co-builder"},
        ),
        r("MEMBER_OF", "Country", "KH", "Bloc", "ASEAN", {**_src("centers.csv:2"), "since": "1999-04-30"}),
        r("BROADER", "Field", "ford:2.2", "Field", "ford:2", _src("ford.csv:12")),
        r(
            "COVERS_FIELD",
            "NationalTransferCentre",
            "CASTTC",
            "Field",
            "ford:2.2",
            _src("the study, section 3.2"),
        ),
        r("IN_FIELD", "TechnologyOffer", "O-1", "Field", "ipc:H01", _src("synthetic", synthetic=True)),
        r("IN_FIELD", "Technology", "T-PV-1", "Field", "ipc:H01", _src("synthetic", synthetic=True)),
        r(
            "ABOUT_TECHNOLOGY",
            "TechnologyOffer",
            "O-1",
            "Technology",
            "T-PV-1",
            _src("synthetic", synthetic=True),
        ),
        r("OFFERS", "TechnologyBroker", "E-1", "TechnologyOffer", "O-1", _src("synthetic", synthetic=True)),
        r(
            "AFFILIATED_WITH",
            "TechnologyBroker",
            "E-1",
            "NationalTransferCentre",
            "CASTTC",
            {**_src("synthetic", synthetic=True), "role": "registered broker"},
        ),
        r(
            "PARTY_TO",
            "NationalTransferCentre",
            "CASTTC",
            "MemorandumOfUnderstanding",
            "A-1",
            _src(CASTTC_EN),
        ),
        r("PARTY_TO", "Country", "NG", "MemorandumOfUnderstanding", "A-1", _src(CASTTC_EN)),
        r(
            "FUNDS",
            "Funding",
            "F-1",
            "NationalTransferCentre",
            "CASTTC",
            {**_src("synthetic", synthetic=True), "amount": 1500000.0, "currency": "CNY", "year": 2024},
        ),
    ]
