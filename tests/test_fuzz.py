"""Property-based tests: malformed input at every form and URL, never a 5xx."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from progress.models import StepProgress
from roadmap.models import Step
from roadmap_site.markup import render_markdown
from tests.support import assert_safe

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


@FUZZ
@given(data=params, json=st.booleans())
def test_the_status_form_never_fails(seeded, alice_client, data, json):
    step = _step()
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    _not_5xx(alice_client.post(f"{step.get_absolute_url()}status/", data, **headers))
    _not_5xx(Client().post(f"{step.get_absolute_url()}status/", data))
    assert StepProgress.objects.filter(user__username="alice").count() <= 1


@FUZZ
@given(query=params)
def test_public_pages_with_any_query_never_fail(seeded, query):
    client = Client()
    for url in ("/", "/courses/", "/search/", _step().get_absolute_url()):
        _not_5xx(client.get(url, query))


@FUZZ
@given(stage=slug_like, step=slug_like)
@example(stage="/[", step="0")  # "//[": a path the test client once could not send
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
def test_account_forms_never_fail(seeded, url, data):
    _not_5xx(Client().post(url, data))


@FUZZ
@given(cookie=st.text(alphabet=st.characters(codec="latin-1"), max_size=200))
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
