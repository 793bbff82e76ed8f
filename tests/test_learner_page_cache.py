"""Learners' own page cache, the versions behind it and the cached signed-in user.

A learner's pages are stored per learner and served while the content version
and their learner version are current; every change of their own rows, of the
content or of the user row retires them. Run both with database sessions (the
default in tests) and with cached_db sessions, where a hit is one cache round
trip that reads the session, the version and the page together.
"""

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory

from roadmap import services
from roadmap.models import Step, StepProgress
from roadmap_site import cache as page_cache
from roadmap_site import versions

HEADER = "X-Page-Cache"
PRESSED_DONE = re.compile(r'value="done"[^>]*aria-pressed="true"')


@pytest.fixture(params=["db sessions", "cached_db sessions"])
def sessions(request, settings):
    if request.param == "cached_db sessions":
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return request.param


@pytest.fixture
def step(seeded) -> Step:
    return Step.objects.published().select_related("stage").in_roadmap_order().first()


@pytest.fixture
def alice_browser(sessions, alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def test_a_learners_second_visit_comes_from_their_own_cache(alice_browser, step):
    url = step.get_absolute_url()
    first, second = alice_browser.get(url), alice_browser.get(url)
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert second.content == first.content.replace(
        *re.findall(rb'name="csrfmiddlewaretoken" value="(\w+)"', first.content)[:1],
        *re.findall(rb'name="csrfmiddlewaretoken" value="(\w+)"', second.content)[:1],
    )
    assert "Sign out" in second.content.decode()


@pytest.mark.parametrize("page", ["/", "step", "/progress/"])
def test_a_status_change_shows_on_the_next_page_at_once(alice_browser, step, page):
    url = step.get_absolute_url() if page == "step" else page
    alice_browser.get(url)
    assert alice_browser.get(url)[HEADER] == "hit"
    status_url = f"{step.get_absolute_url()}status/"
    alice_browser.post(status_url, {"status": "done"}, HTTP_ACCEPT="application/json")
    after = alice_browser.get(url)
    assert after[HEADER] == "miss"
    if page == "/progress/":
        assert step.title in after.content.decode()  # the "Recently changed" list
    elif page == "/":
        assert 'name="status" value="reset"' in after.content.decode()  # its "Undo" button
    else:
        assert PRESSED_DONE.search(after.content.decode())


def test_a_saved_note_shows_at_once(alice_browser, step):
    url = step.get_absolute_url()
    alice_browser.get(url)
    alice_browser.post(f"{url}note/", {"body": "Remember *this*"})
    assert "Remember <em>this</em>" in alice_browser.get(url).content.decode()


def test_a_cached_page_serves_a_working_csrf_token(alice_browser, step):
    url = step.get_absolute_url()
    alice_browser.get(url)
    client = alice_browser
    client.handler.enforce_csrf_checks = True
    page = client.get(url)
    assert page[HEADER] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page.content.decode())[1]
    answer = client.post(f"{url}status/", {"status": "done", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    assert StepProgress.objects.filter(step=step, status="done").exists()


def test_one_learner_never_gets_anothers_page(alice_browser, bob, step):
    url = step.get_absolute_url()
    alice_browser.post(f"{url}status/", {"status": "done"}, HTTP_ACCEPT="application/json")
    alice_browser.get(url)
    bobs = Client()
    bobs.force_login(bob)
    page = bobs.get(url)
    assert page[HEADER] == "miss"
    assert not PRESSED_DONE.search(page.content.decode())


def test_editors_are_never_served_stored_pages(charlie_client, step):
    url = step.get_absolute_url()
    charlie_client.get(url)
    assert HEADER not in charlie_client.get(url)


def test_a_content_change_retires_learners_pages(alice_browser, step):
    url = step.get_absolute_url()
    alice_browser.get(url)
    step.title = "A title edited by an editor"
    step.save()
    page = alice_browser.get(url)
    assert page[HEADER] == "miss"
    assert "A title edited by an editor" in page.content.decode()


def test_a_flash_message_is_shown_not_a_stored_page(alice_browser, step):
    url = step.get_absolute_url()
    alice_browser.get(url)
    alice_browser.post(f"{url}status/", {"status": "skipped"})  # no JSON: a redirect + message
    page = alice_browser.get(url)
    assert HEADER not in page or page[HEADER] == "miss"
    assert "is now skipped" in page.content.decode()


def test_a_password_changed_elsewhere_signs_the_old_session_out(alice_browser, alice, step):
    alice_browser.get("/")
    assert alice_browser.get("/")[HEADER] == "hit"
    alice.set_password("another-long-and-unguessable-passphrase")
    alice.save()
    page = alice_browser.get("/")
    assert "Sign out" not in page.content.decode()
    assert alice_browser.get("/progress/").status_code == 302  # to sign in


def test_a_page_stored_after_a_password_change_is_not_served_to_older_sessions(sessions, alice):
    old, new = Client(), Client()
    old.force_login(alice)
    old.get("/")
    alice.set_password("another-long-and-unguessable-passphrase")
    alice.save()
    new.force_login(alice)  # signed in again with the new password
    new.get("/")
    assert new.get("/")[HEADER] == "hit"  # stored for the new session
    page = old.get("/")
    assert "Sign out" not in page.content.decode()
    assert old.get("/progress/").status_code == 302


def test_a_deactivated_learner_is_signed_out_at_once(alice_browser, alice):
    assert alice_browser.get("/progress/").status_code == 200
    alice.is_active = False
    alice.save()
    assert alice_browser.get("/progress/").status_code == 302


def test_a_guest_is_never_served_stored_pages(client, seeded, step):
    client.post("/guest/", {"next": "/"})
    client.post(f"{step.get_absolute_url()}status/", {"status": "done"})
    client.get("/")
    assert HEADER not in client.get("/")


def test_the_dashboard_keeps_only_until_the_learners_midnight(monkeypatch):
    berlin = ZoneInfo("Europe/Berlin")
    # 29 March 2026: clocks go from 02:00 to 03:00, so this day is 23 hours long.
    now = dt.datetime(2026, 3, 29, 0, 30, tzinfo=berlin)
    monkeypatch.setattr(services.timezone, "now", lambda: now.astimezone(dt.UTC))
    assert services.seconds_until_midnight(berlin) == 22 * 3600 + 30 * 60
    assert services.seconds_until_midnight(ZoneInfo("UTC")) == 30 * 60  # it is 23:30 UTC


def test_the_dashboard_tells_the_cache_when_it_turns_over(alice_client, seeded):
    response = alice_client.get("/progress/")
    assert 0 < response.page_cache_timeout <= 24 * 3600


def test_a_stored_dashboard_is_not_served_after_the_learners_midnight(
    alice_browser, seeded, monkeypatch
):
    monkeypatch.setattr(services, "seconds_until_midnight", lambda zone: 1)
    alice_browser.get("/progress/")
    assert alice_browser.get("/progress/")[HEADER] == "hit"
    time.sleep(1.1)
    assert alice_browser.get("/progress/")[HEADER] == "miss"


# ---------------------------------------------------------------- versions


def test_a_lost_counter_starts_again_above_where_it_was(db):
    before = versions.learner_version(42)
    versions.bump_learner_version(42)
    bumped = versions.learner_version(42)
    cache.delete(versions.learner_key(42))
    assert before < bumped < versions.learner_version(42)


def test_owned_rows_bump_their_learners_version_and_content_rows_the_content(alice, step):
    mine, content = versions.learner_version(alice.pk), versions.content_version()
    services.progress_set(user=alice, step=step, status="done")
    assert versions.learner_version(alice.pk) > mine
    assert versions.content_version() == content
    step.save()
    assert versions.content_version() > content


def test_content_models_are_those_without_an_owner():
    from courses.models import Course, StepCourse

    assert versions.is_content_model(Step)
    assert versions.is_content_model(Course)
    assert versions.is_content_model(StepCourse)
    assert not versions.is_content_model(StepProgress)


# ---------------------------------------------------------------- building blocks


def test_fresh_tokens_unmask_to_the_cookie_secret():
    factory = RequestFactory()
    new_visitor = factory.get("/")
    token = page_cache.fresh_token(new_visitor)
    secret = new_visitor.META["CSRF_COOKIE"]
    assert len(token) == 64 and len(secret) == 32 and token.isalnum()
    assert _unmask_cipher_token(token) == secret
    returning = factory.get("/")
    returning.META["CSRF_COOKIE"] = secret
    again = page_cache.fresh_token(returning)
    assert again != token and _unmask_cipher_token(again) == secret
    assert returning.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_local_pages_stay_within_their_size_and_check_versions_and_expiry():
    pages = page_cache.LocalPages(max_bytes=250)
    later = time.time() + 60
    for n in range(5):
        pages.put(f"page {n}", page_cache.Entry(1, later, (b"x" * 100, {})))
    assert pages.get("page 0", 1) is None  # evicted, oldest first
    assert pages.get("page 4", 1).page == (b"x" * 100, {})
    assert pages.get("page 4", 2) is None  # stored under another version
    pages.put("too big", page_cache.Entry(1, later, (b"x" * 1000, {})))
    assert pages.peek("too big") is None
    pages.put("expired", page_cache.Entry(1, time.time() - 1, (b"x", {})))
    assert pages.get("expired", 1) is None
