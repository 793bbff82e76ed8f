"""Sign-in limits (django-allauth), tried as an attacker would.

The per-account limit must hold whatever the Host header says; the per-address
limits must count each client behind a trusted proxy, and must not let anyone
pick a fresh address with a forged X-Forwarded-For.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.support import PASSWORD

WRONG = "not-the-password-at-all"
PROXY = "10.0.0.2"
MALLORY = "203.0.113.66"


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def refused(response) -> bool:
    return response.status_code == 200 and "Too many " in (response.content.decode())


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def limit_account(email: str) -> None:
    """Five wrong passwords for one account, then the sixth try is refused."""
    attacker = Client(HTTP_HOST="127.0.0.1:8701", REMOTE_ADDR=MALLORY)
    for _ in range(5):
        assert not refused(sign_in(attacker, email, WRONG))
    assert refused(sign_in(attacker, email, WRONG))


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:8701", "127.0.0.1:1", "127.0.0.1:2", "localhost", "LOCALHOST:3", "[::1]:8000"],
)
def test_a_limited_account_stays_limited_whatever_the_host(alice, host):
    limit_account(alice.email)
    # From another address, so that only the per-account limit can refuse.
    elsewhere = Client(HTTP_HOST=host, REMOTE_ADDR="198.51.100.9")

    response = sign_in(elsewhere, alice.email, PASSWORD)

    assert refused(response)
    assert not signed_in(elsewhere)


def test_a_limited_account_does_not_limit_another(alice, bob):
    limit_account(alice.email)
    other = Client(HTTP_HOST="localhost:8000", REMOTE_ADDR="198.51.100.9")

    sign_in(other, bob.email, PASSWORD)

    assert signed_in(other)


def test_a_password_reset_lifts_the_accounts_limit(alice):
    limit_account("ALICE@example.com")
    client = Client(HTTP_HOST="localhost:8000", REMOTE_ADDR="198.51.100.9")
    client.post(reverse("account_reset_password"), {"email": "Alice@Example.com"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link)["Location"]
    new = "a-new-and-unguessable-passphrase"
    client.post(form, {"password1": new, "password2": new})

    sign_in(client, "ALICE@example.com", new)

    assert signed_in(client)


def test_behind_a_trusted_proxy_one_clients_failures_do_not_block_another(settings, alice):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    mallory = Client(REMOTE_ADDR=PROXY)
    # Whatever Mallory puts in the header, the proxy appends her real address.
    for n in range(10):
        forwarded = f"10.9.9.{n}, {MALLORY}"
        sign_in(mallory, f"nobody{n}@example.com", WRONG, HTTP_X_FORWARDED_FOR=forwarded)
    assert refused(sign_in(mallory, "nobody@example.com", WRONG, HTTP_X_FORWARDED_FOR=MALLORY))
    learner = Client(REMOTE_ADDR=PROXY)

    sign_in(learner, alice.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert signed_in(learner)


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(alice):
    mallory = Client(REMOTE_ADDR=MALLORY)
    for n in range(10):
        sign_in(mallory, f"nobody{n}@example.com", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = sign_in(mallory, alice.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")

    assert refused(response)
    assert not signed_in(mallory)


@pytest.mark.parametrize("forwarded", ["not-an-address", ",", "", "198.51.100.7, ", "[::1]:80"])
def test_a_malformed_forwarded_for_is_refused_without_an_error(settings, alice, forwarded):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR=PROXY)

    response = sign_in(client, alice.email, PASSWORD, HTTP_X_FORWARDED_FOR=forwarded)

    assert response.status_code < 500


def errors_of(response) -> str:
    return " ".join(str(error) for error in response.context["form"].non_field_errors())


def test_it_warns_before_the_pause_and_says_how_long_it_lasts(alice):
    client = Client(REMOTE_ADDR="198.51.100.9")
    said = [errors_of(sign_in(client, alice.email, WRONG)) for _ in range(5)]

    assert "more tr" not in said[0] + said[1]
    assert said[2].endswith("2 more tries, then sign-in to this account pauses for 5 minutes.")
    assert said[3].endswith("1 more try, then sign-in to this account pauses for 5 minutes.")
    assert said[4].endswith(
        "That was the last try: sign-in to this account is paused for 5 minutes."
    )


def test_a_paused_sign_in_says_the_wait_and_offers_a_password_reset(alice):
    limit_account(alice.email)

    response = sign_in(Client(REMOTE_ADDR="198.51.100.9"), alice.email, PASSWORD)

    assert "Try again in 5 minutes, or reset your password now" in errors_of(response)
    assert f'href="{reverse("account_reset_password")}"' in response.text
    assert "Reset it by email" in response.text
