"""Signing up, confirming the email address and resetting a password (django-allauth)."""

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.support import NEW_PASSWORD, PASSWORD, sign_up


def test_it_sends_a_confirmation_email_on_sign_up(client, db):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    [message] = mail.outbox
    assert message.to == ["dora@example.com"]
    assert "/accounts/confirm-email/" in message.body
    assert not EmailAddress.objects.get(email="dora@example.com").verified


def test_it_does_not_sign_in_before_the_email_is_confirmed(client, db):
    sign_up(client)
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "dora@example.com", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get("/progress/").status_code == 302


def test_it_signs_in_once_the_email_is_confirmed(client, db):
    sign_up(client)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)[1]

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("progress:dashboard")
    assert EmailAddress.objects.get(email="dora@example.com").verified
    assert client.get("/progress/").status_code == 200


def test_it_refuses_a_second_account_with_the_same_email(client, alice, django_user_model):
    response = sign_up(client, email="Alice@Example.com")

    # To avoid telling strangers who has an account, the answer looks like a
    # normal sign-up; the owner of the address gets a notice instead.
    assert response.status_code == 302
    assert django_user_model.objects.filter(email__iexact="alice@example.com").count() == 1
    assert EmailAddress.objects.filter(email__iexact="alice@example.com").count() == 1
    assert all("/accounts/confirm-email/" not in message.body for message in mail.outbox)


def test_it_sends_a_password_reset_email(client, alice):
    response = client.post(reverse("account_reset_password"), {"email": alice.email})

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "/accounts/password/reset/key/" in message.body


def test_it_does_not_say_whether_an_email_has_an_account(client, alice):
    known = client.post(reverse("account_reset_password"), {"email": alice.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    keys = [m.to for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    assert keys == [[alice.email]]


def test_it_keeps_the_old_password_until_the_reset_link_is_used(client, alice):
    client.post(reverse("account_reset_password"), {"email": alice.email})

    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
