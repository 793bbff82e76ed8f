"""allauth's pages and emails speak the site's words, and offer only what makes sense."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.support import sign_up

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def test_the_sign_in_page_says_sign_in_and_remember_me(client):
    html = text_of(client.get(reverse("account_login")))

    assert "<h1>Sign in</h1>" in html
    assert '<label for="id_remember">Remember me</label>' in html
    assert "Sign In" not in html and "Remember Me" not in html


@pytest.mark.parametrize(
    "name",
    ["account_reset_password", "account_reset_password_done", "account_email_verification_sent"],
)
def test_no_page_asks_to_contact_us_without_a_contact(client, name):
    html = text_of(client.get(reverse(name)))

    assert "contact us" not in html.lower()
    assert "spam folder" in html or "send you a link" in html


def test_a_single_confirmed_address_offers_no_actions_on_itself(alice_client):
    html = text_of(alice_client.get(reverse("account_email")))

    assert "alice@example.com" in html
    for action in ("action_primary", "action_send", "action_remove", "Make Primary", "Re-send"):
        assert action not in html
    assert 'name="action_add"' in html


def test_a_second_address_offers_what_fits_it(alice_client, alice):
    EmailAddress.objects.create(user=alice, email="work@example.com", verified=False)
    EmailAddress.objects.create(user=alice, email="home@example.com", verified=True)

    html = text_of(alice_client.get(reverse("account_email")))

    assert html.count('name="action_send"') == 1  # the unconfirmed work address
    assert html.count('name="action_primary"') == 1  # the confirmed home address
    assert html.count('name="action_remove"') == 2  # any but the primary


def test_its_buttons_work_with_allauth(alice_client, alice):
    EmailAddress.objects.create(user=alice, email="home@example.com", verified=True)

    response = alice_client.post(
        reverse("account_email"), {"email": "home@example.com", "action_primary": ""}
    )

    assert response.status_code == 302
    assert EmailAddress.objects.get(primary=True, user=alice).email == "home@example.com"


def test_the_confirmation_email_greets_with_the_sites_name_not_the_host(client, settings):
    settings.SITE_URL = "https://roadmap.example.org"

    sign_up(client)

    [message] = mail.outbox
    assert message.subject == "[Python Backend Roadmap] Confirm your email address"
    assert message.body.startswith("Hello from Python Backend Roadmap!")
    assert "https://roadmap.example.org" in message.body
    assert "testserver" not in message.body.replace("http://testserver/accounts/confirm-email/", "")
    assert "user dora" not in message.body and "dora" not in message.body.split("http")[0]


def test_the_password_reset_email_names_no_username(client, alice):
    client.post(reverse("account_reset_password"), {"email": alice.email})

    [message] = mail.outbox
    assert message.body.startswith("Hello from Python Backend Roadmap!")
    assert "username" not in message.body
    assert "/accounts/password/reset/key/" in message.body


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/logout/", "Sign out"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/password/reset/key/1-spent/", "This link no longer works"),
    ],
)
def test_the_other_account_pages_speak_plainly_too(alice_client, url, heading):
    html = text_of(alice_client.get(url, follow=True))

    assert f"<h1>{heading}</h1>" in html
    for allauth_words in ("Sign Out", "Change Password", "Bad Token"):
        assert allauth_words not in html
