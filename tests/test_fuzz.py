"""Property-based tests: malformed input at every form and URL, never a 5xx; a NUL
character (which PostgreSQL cannot hold in text) anywhere gets a 404 or a form error."""

import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from groups.models import StudyGroup
from progress.models import StepNote, StepProgress
from roadmap.models import Step
from roadmap_site.markup import render_markdown
from tests import url_tables
from tests.support import assert_safe, client_for

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.text(max_size=300)
params = st.dictionaries(
    st.sampled_from(["stage", "format", "level", "price", "page", "q", "next", "status", "x"]),
    text,
    max_size=5,
)
slug_like = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60)


def _step() -> Step:
    return Step.objects.published().select_related("stage").order_by("id").first()


def _not_5xx(response) -> None:
    assert response.status_code < 500, response.content[:500]


NUL = "a\x00b"


@FUZZ
@given(data=params, json=st.booleans())
@example(data={"status": NUL, "next": NUL}, json=False)
def test_the_status_form_never_fails(seeded, alice_client, data, json):
    step = _step()
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    _not_5xx(alice_client.post(f"{step.get_absolute_url()}status/", data, **headers))
    _not_5xx(Client().post(f"{step.get_absolute_url()}status/", data))
    assert StepProgress.objects.filter(user__username="alice").count() <= 1


@FUZZ
@given(query=params)
@example(query={"q": NUL, NUL: "x"})
def test_public_pages_with_any_query_never_fail(seeded, query):
    client = Client()
    for url in ("/", "/courses/", "/search/", _step().get_absolute_url()):
        _not_5xx(client.get(url, query))


@FUZZ
@given(stage=slug_like, step=slug_like)
@example(stage="/[", step="0")  # "//[": a path the test client once could not send
@example(stage=NUL, step="\x00")
def test_any_path_never_fails(seeded, stage, step):
    # Percent-encoded, so the test client sends any text as the path: it decodes the
    # path again, but would read a raw "//[" as a URL with a host, and raise.
    stage, step = quote(stage, safe=""), quote(step, safe="")
    client = Client()
    for path in (f"/stages/{stage}/", f"/stages/{stage}/{step}/", f"/{stage}"):
        _not_5xx(client.get(path))


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
@FUZZ
@given(
    data=st.dictionaries(
        st.sampled_from(["login", "email", "password", "password1", "password2", "remember"]),
        text,
        max_size=4,
    )
)
@example(data={"login": NUL, "email": f"{NUL}@example.com", "password": NUL, "password1": NUL})
def test_account_forms_never_fail(seeded, url, data):
    _not_5xx(Client().post(url, data))


@FUZZ
@given(cookie=st.text(alphabet=st.characters(codec="latin-1"), max_size=200))
@example(cookie='sessionid="abcdefgh\\000"')  # the cookie parser reads \000 as a NUL
def test_malformed_cookies_never_fail(seeded, cookie):
    client = Client(HTTP_COOKIE=cookie)
    _not_5xx(client.get("/"))
    _not_5xx(client.get("/progress/"))


# What a browser reads as a slash, or skips, at the start of a link.
slash_like = st.sampled_from(
    ["/", "\\", "&#47;", "&#X2F;", "&sol;", "&bsol;", "&#x5C;", " ", "\t", "\n", "&Tab;", "\x01"]
)


@FUZZ
@given(start=st.lists(slash_like, max_size=6), as_markdown=st.booleans())
def test_no_link_leaves_the_site_without_a_scheme(start, as_markdown):
    href = "".join(start) + "evil.example/"
    text = f"[x]({href})" if as_markdown else f'<a href="{href}">x</a>'

    assert_safe(render_markdown(text))


# ---------------------------------------------------------------- a NUL, at every URL


def _routes(patterns, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, route)
        else:
            routes.append(route)
    return routes


def _with_nul_in_every_part(route: str) -> str:
    """The route's path with "a<NUL>b" in every part a view reads from it."""
    path = re.sub(r"<[^>]+>|\(\?P<\w+>[^)]*\)", quote(NUL), route)
    return "/" + path.replace("^", "").replace("$", "")


#: Every route of the site, the admin's and django-allauth's included.
ROUTES = _routes(get_resolver().url_patterns)
#: Every name a form or view reads from a query or a posted form.
FIELDS = [
    "stage", "step", "status", "next", "body", "repository_url", "live_url", "remove",
    "ticked", "reason", "vote", "theme", "text", "name", "description", "members_see_progress",
    "username", "is_public", "time_zone", "confirm", "role", "q", "format", "level", "price",
    "page", "login", "email", "password", "password1", "password2",
    "weekly_email", "email_weekday", "email_hour",
]  # fmt: skip


@pytest.mark.parametrize("route", ROUTES)
def test_a_nul_in_any_url_is_a_404(seeded, alice, superuser, route):
    url = f"{_with_nul_in_every_part(route)}?{urlencode(dict.fromkeys(FIELDS, NUL))}"
    for client in (Client(), client_for(alice), client_for(superuser)):
        for send in (client.get, client.head, client.post):
            assert send(url).status_code == 404, (send.__name__, url)


def _nothing_holds_a_nul() -> None:
    """What SQLite would have stored and PostgreSQL refused: no NUL reached a row (read
    back in Python: SQLite's LIKE ends a pattern at a NUL)."""
    texts = [
        *get_user_model().objects.values_list("username", flat=True),
        *StudyGroup.objects.values_list("name", flat=True),
        *StepNote.objects.values_list("body", flat=True),
    ]
    assert not any("\x00" in text for text in texts)


@pytest.mark.parametrize("path", url_tables.TABLE)
def test_a_nul_in_any_posted_field_is_a_form_error_or_a_404(seeded, alice, superuser, path):
    url = url_tables.url_of(path).partition("?")[0]
    for client in (Client(), client_for(alice), client_for(superuser)):
        assert client.post(url, dict.fromkeys(FIELDS, NUL)).status_code < 500, url
    _nothing_holds_a_nul()


@pytest.mark.parametrize("path", url_tables.POSTS)
def test_a_nul_in_any_field_posted_to_a_group_is_a_form_error_or_a_404(
    group, alice, eve, stranger, path
):
    url = url_tables.group_url_of(path, group)

    assert client_for(alice).post(url, dict.fromkeys(FIELDS, NUL)).status_code < 500, url
    _nothing_holds_a_nul()
