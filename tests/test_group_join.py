"""Joining a study group through its invite link: what the page says, who may join, and
every way a join is refused (bad tokens, a full group, no CSRF token)."""

import logging
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from groups import services as group_services
from groups.log_filters import PATH_LOGGERS, RedactInviteTokens
from groups.models import Membership, StudyGroup
from tests.support import client_for, fill_group

pytestmark = pytest.mark.django_db


def test_the_invitation_says_who_mentors_and_exactly_what_they_see(group, stranger):
    response = client_for(stranger).get(group.invite_path())

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "<h1" in page and "Django club" in page and "Tuesdays." in page
    assert "<strong>alice</strong>, <strong>mia</strong>" in page
    assert "private notes" in page and "Never" in page
    assert "more than 14 days" in page
    assert "Other members see only your username and role." in page
    assert "Join “Django club”</button>" in page


def test_the_invitation_says_when_members_see_each_other(group, stranger):
    group.members_see_progress = True
    group.save()

    page = client_for(stranger).get(group.invite_path()).content.decode()

    assert "In this group the other members see your progress too." in page


def test_a_learner_joins_with_a_post(group, stranger):
    response = client_for(stranger).post(group.invite_path())

    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert group.memberships.get(user=stranger).role == Membership.Role.MEMBER


def test_joining_twice_changes_nothing(group, stranger):
    client = client_for(stranger)
    client.post(group.invite_path())

    response = client.post(group.invite_path(), follow=True)

    assert group.memberships.filter(user=stranger).count() == 1
    assert "You are already in “Django club”." in response.content.decode()


def test_a_mentor_following_the_link_stays_a_mentor(group, mia):
    page = client_for(mia).get(group.invite_path()).content.decode()
    client_for(mia).post(group.invite_path())

    assert "You are already in this group." in page
    assert group.memberships.get(user=mia).role == Membership.Role.MENTOR


def test_a_visitor_is_sent_to_sign_in_or_up_and_back(group):
    client = Client()

    page = client.get(group.invite_path()).content.decode()
    response = client.post(group.invite_path())

    back = f"?next=/groups/join/{group.invite_token}/"
    assert f'href="/accounts/signup/{back}"' in page
    assert f'href="/accounts/login/{back}"' in page
    assert "csrfmiddlewaretoken" not in page
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/{back}"
    assert not group.memberships.filter(user__username="").exists()
    assert group.memberships.count() == 3


def test_signing_up_from_the_invitation_comes_back_to_it(group):
    client = Client()
    path = group.invite_path()

    client.post(
        f"/accounts/signup/?next={path}",
        {"email": "ada@example.com", "password1": "a-long-unusual-pass-42",
         "password2": "a-long-unusual-pass-42", "next": path},
    )  # fmt: skip
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    response = client.post(link.group(1))

    assert response.status_code == 302
    assert response["Location"] == path
    assert client.post(path).status_code == 302
    ada = get_user_model().objects.get(email="ada@example.com")
    assert group.memberships.filter(user=ada).exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.upper() if token.upper() != token else token.lower(),
        lambda token: token[:-1],
        lambda token: token + "x",
        lambda token: "x" * 2000,
        lambda token: "not-a-token",
        lambda token: f"{token}%00",
        lambda token: "%F0%9F%98%80",
    ],
)
def test_a_tampered_or_unknown_token_gets_404(group, stranger, tamper):
    client = client_for(stranger)
    path = f"/groups/join/{tamper(group.invite_token)}/"

    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert not group.memberships.filter(user=stranger).exists()


def test_a_full_group_refuses_politely(group, stranger):
    fill_group(group, up_to=StudyGroup.MAX_MEMBERS)
    client = client_for(stranger)

    page = client.get(group.invite_path())
    refused = client.post(group.invite_path())

    assert page.status_code == 200
    assert "This group is full: it has 500 people" in page.content.decode()
    assert "Join “Django club”</button>" not in page.content.decode()
    assert refused.status_code == 200
    assert "This group is full" in refused.content.decode()
    assert group.memberships.count() == StudyGroup.MAX_MEMBERS
    assert not group.memberships.filter(user=stranger).exists()


def test_the_last_place_can_be_taken(group, stranger, bob):
    fill_group(group, up_to=StudyGroup.MAX_MEMBERS - 1)

    first = group_services.group_join(group=group, user=stranger)
    again = group_services.group_join(group=group, user=bob)

    assert first is group_services.Joined.JOINED
    assert again is group_services.Joined.ALREADY
    assert group.memberships.count() == StudyGroup.MAX_MEMBERS


def test_the_group_page_says_when_it_is_full(group, alice):
    fill_group(group, up_to=StudyGroup.MAX_MEMBERS)

    page = client_for(alice).get(group.get_absolute_url()).content.decode()

    assert "The group is full: 500 people is the most a group holds." in page


def test_a_join_locks_the_group_row_where_the_database_can(group, stranger):
    """The count and the insert happen under a lock on the group's row (PostgreSQL), so
    concurrent joins cannot take a group past its limit; SQLite writes one at a time."""
    with CaptureQueriesContext(connection) as queries:
        group_services.group_join(group=group, user=stranger)

    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == (1 if connection.features.has_select_for_update else 0)
    if locks:
        assert '"progress_studygroup"' in locks[0]


def test_joining_needs_a_csrf_token(group, stranger):
    client = Client(enforce_csrf_checks=True)
    client.force_login(stranger)

    response = client.post(group.invite_path())

    assert response.status_code == 403
    assert not group.memberships.filter(user=stranger).exists()


def test_the_token_is_compared_in_constant_time(group):
    assert group.is_invited_by(group.invite_token)
    assert not group.is_invited_by(group.invite_token[:-1])
    assert not group.is_invited_by("é" * 43)


# ---------------------------------------------------------------- the token stays out of logs


def test_the_invitation_is_never_indexed_nor_named_as_its_own_canonical_url(group, stranger):
    for client in (Client(), client_for(stranger)):
        head = client.get(group.invite_path()).content.decode().partition("</head>")[0]

        assert '<meta name="robots" content="noindex">' in head
        assert group.invite_token not in head
        assert 'rel="canonical"' not in head and 'property="og:url"' not in head


def test_robots_txt_keeps_crawlers_out_of_the_groups(client):
    assert "Disallow: /groups/" in client.get("/robots.txt").content.decode().splitlines()


def test_a_refused_join_form_logs_no_token(group, stranger, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(stranger)

    with caplog.at_level(logging.WARNING):
        response = client.post(group.invite_path())

    assert response.status_code == 403
    assert any("/groups/join/…/" in line for line in caplog.messages)
    assert not any(group.invite_token in line for line in caplog.messages)
    assert not group.memberships.filter(user=stranger).exists()


def test_request_lines_lose_the_token_whatever_the_logger(group):
    """As runserver and gunicorn's access log write them (gunicorn with a dict of atoms)."""
    records = [
        logging.LogRecord("django.server", logging.INFO, "", 0, '"%s" %s %s',
                          (f"GET {group.invite_path()} HTTP/1.1", "200", "512"), None),
        logging.LogRecord("gunicorn.access", logging.INFO, "", 0, '"%(r)s" %(s)s',
                          ({"r": f"POST {group.invite_path()}?x=1 HTTP/1.1", "s": "302"},), None),
    ]  # fmt: skip

    for record in records:
        assert RedactInviteTokens().filter(record)
        assert group.invite_token not in record.getMessage()
        assert "/groups/join/…/" in record.getMessage()


@pytest.mark.parametrize(
    "quote_path",
    [
        lambda path: quote(path, safe=""),  # the sign-in page's ?next=%2Fgroups%2Fjoin%2F…
        lambda path: quote(path, safe="").lower(),
        lambda path: quote(quote(path, safe=""), safe=""),  # %252F
        lambda path: f"http://127.0.0.1:8000{path}",  # the Referer of the page's own files
    ],
)
def test_an_access_log_line_loses_the_token_however_the_path_is_encoded(group, quote_path):
    """gunicorn's default access format: request line, status, size, Referer, user agent."""
    line = f"GET /accounts/signup/?next={quote_path(group.invite_path())} HTTP/1.1"
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, "", 0, '"%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',
        ({"r": line, "s": "200", "b": "512", "f": quote_path(group.invite_path()), "a": "x"},),
        None,
    )  # fmt: skip

    assert RedactInviteTokens().filter(record)
    assert group.invite_token not in record.getMessage()
    assert record.getMessage().count("…") == 2


@pytest.mark.parametrize("name", PATH_LOGGERS)
def test_every_logger_that_writes_paths_has_the_filter(name):
    assert any(isinstance(f, RedactInviteTokens) for f in logging.getLogger(name).filters)
