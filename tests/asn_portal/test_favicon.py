"""Browsers ask for /favicon.ico by themselves (beside a PDF they show, for instance)."""

import pytest


@pytest.mark.django_db
def test_favicon_ico_points_at_the_logo(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/logo-sigap.svg")
