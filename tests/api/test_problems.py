"""Problem details for errors nobody raised on purpose (``api.problems``)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers


def test_unhandled_error_is_a_problem_without_its_message() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["status"] == 500 and body["instance"] == "/boom"
    assert "secret" not in response.text
