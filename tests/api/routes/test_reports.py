"""``GET /api/v1/reports/latest`` over real HTTP (``transfernet serve`` on the bundled dataset)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_process import serve_api

URL = "/api/v1/reports/latest"


@pytest.fixture(scope="module")
def client(api_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_server, timeout=180) as c:
        yield c


def test_html_by_default(client: httpx.Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-analysis-run"]
    page = response.text
    assert (
        page.startswith("<!DOCTYPE html>") and "<title>Technology-transfer network analysis</title>" in page
    )
    # the study, section 3.2: CASTTC's bilateral centres, 8 of them named by the study
    assert "8 of them named by the study" in page


def test_markdown_by_query_or_accept(client: httpx.Client) -> None:
    by_query = client.get(URL, params={"format": "md"})
    by_accept = client.get(URL, headers={"Accept": "text/markdown, text/html;q=0.5"})
    for response in (by_query, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/markdown")
        assert response.text.startswith("# Technology-transfer network analysis")
    assert by_query.headers["vary"] == "Accept"


def test_country_page_in_chinese(client: httpx.Client) -> None:
    response = client.get(URL, params={"country": "th", "lang": "zh", "format": "md"})
    assert response.status_code == 200
    text = response.text
    # bri_countries_beeway.csv: Thailand a Belt and Road partner since 2017; bilateral_centers.csv: CATTC-TH
    assert text.startswith("# 国别研究报告：泰国 · Thailand")
    assert "自2017起为共建“一带一路”国家" in text and "China–Thailand Technology Transfer Center" in text
    assert "Institution:CATTC-TH）" not in text  # names, not keys


def test_markdown_figures_are_served_beside_it(client: httpx.Client) -> None:
    text = client.get(URL, params={"country": "th", "lang": "zh", "format": "md"}).text
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links and "data:image" not in text
    for link in links:  # relative to /reports/latest, with the page's country and language
        assert link.startswith("latest/figures/figure-") and "country=TH" in link and "lang=zh" in link
        figure = client.get(httpx.URL(URL).join(link))
        assert figure.status_code == 200 and figure.headers["content-type"].startswith("image/svg+xml")
        assert (
            figure.text.startswith("<svg")
            and "default-src 'none'" in figure.headers["content-security-policy"]
        )
    missing = client.get(f"{URL}/figures/figure-999.svg", params={"country": "TH"})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert client.get(f"{URL}/figures/evil.js").status_code == 422


def test_pdf(client: httpx.Client) -> None:
    pypdf = pytest.importorskip("pypdf")
    response = client.get(URL, params={"country": "CN"}, headers={"Accept": "application/pdf"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) >= 2


def test_errors_are_problems(client: httpx.Client) -> None:
    unknown = client.get(URL, params={"country": "XX"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert "no country 'XX'" in unknown.json()["detail"]
    assert client.get(URL, params={"country": "THA"}).status_code == 422
    assert client.get(URL, params={"format": "docx"}).status_code == 422
    assert client.get(URL, params={"lang": "fr"}).status_code == 422


def test_no_analysis_run_is_a_404_problem(tmp_path: Path) -> None:
    # a real server on an empty data directory: the store exists, no run was saved
    with serve_api(tmp_path / "data", wait_for="/api/v1/health/live") as base:
        response = httpx.get(f"{base}{URL}", timeout=60)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith("/no-analysis-run")
