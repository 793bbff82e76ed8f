"""GitHub and Google sign-in buttons appear only when the provider is configured."""

import pytest

pytestmark = pytest.mark.django_db


def test_no_social_buttons_by_default(client):
    page = client.get("/accounts/login/").content.decode()

    assert "GitHub" not in page
    assert "Google" not in page


def test_a_configured_provider_shows_its_button(client, settings):
    providers = {**settings.SOCIALACCOUNT_PROVIDERS}
    providers["github"] = {**providers["github"], "APPS": [{"client_id": "id", "secret": "s"}]}
    settings.SOCIALACCOUNT_PROVIDERS = providers

    page = client.get("/accounts/login/").content.decode()

    assert "GitHub" in page
    assert "Google" not in page
