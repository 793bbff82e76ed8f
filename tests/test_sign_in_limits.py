"""Sign-in limits (django-allauth), tried as an attacker would.

The per-account limit must hold whatever the Host header says.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

WRONG = "not-the-password-at-all"
MALLORY = "203.0.113.66"


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def refused(response) -> bool:
    return response.status_code == 200 and "Too many failed login attempts" in (
        response.content.decode()
    )


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
