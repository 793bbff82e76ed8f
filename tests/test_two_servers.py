"""Two stateless app servers behind one PostgreSQL and one Redis, as in production.

Two gunicorn processes on different loopback ports share a database of their own
(roadmap_twoservers_<checkout>) and a Redis server this module starts itself (so stopping
it harms nothing else). A session made on one works on the other; a learner's
change and an editor's change show at once on both; ending a session on one
ends it on both; junk requests never grow the cache; and with Redis stopped,
every page still answers and everyone stays signed in, until Redis comes back.
"""

import re
import time

import pytest

from tests.live_servers import (
    PASSWORD,
    Browser,
    RedisServer,
    Site,
    admin_form,
    csrf_from,
    own_database,
    shared_static_root,
)

# Real gunicorn servers on PostgreSQL: run once, on PostgreSQL, in CI.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def site(redis):
    site = Site(
        database=own_database("roadmap_twoservers"),
        static_root=shared_static_root(),
        redis_url=redis.url,
    )
    site.create()
    site.learner = site.add_person("alice")
    site.admin = site.add_person("root", superuser=True)
    site.step_path = site.python(
        "from roadmap.models import Step\n"
        "print(Step.objects.published().in_roadmap_order().first().get_absolute_url())"
    ).strip()
    first, second = site.start(), site.start()
    try:
        yield site, first, second
    finally:
        first.stop()
        second.stop()
        site.drop()


def mark(browser: Browser, server, path: str, status: str = "done") -> int:
    token = csrf_from(browser.get(f"{server.url}{path}").text)
    answer = browser.post(
        f"{server.url}{path}status/", {"status": status, "csrfmiddlewaretoken": token}
    )
    return answer.status


def signed_in(browser: Browser, server) -> bool:
    return browser.get(f"{server.url}/progress/").status == 200


def test_a_session_made_on_one_server_works_on_the_other(site):
    site, first, second = site
    alice = Browser()
    alice.sign_in(first, site.learner)
    dashboard = alice.get(f"{second.url}/progress/")
    assert dashboard.status == 200
    assert "alice" in dashboard.text


def test_a_learners_change_shows_on_their_next_page_on_either_server(site):
    site, first, second = site
    alice = Browser()
    alice.sign_in(second, site.learner)
    for server in (first, second):  # both have rendered her pages before the change
        alice.get(f"{server.url}/")
    assert mark(alice, first, site.step_path, "in_progress") == 302

    for server in (second, first):
        step_page = alice.get(f"{server.url}{site.step_path}").text
        assert re.search(r'value="in_progress"[^>]*aria-pressed="true"', step_page)
        assert "In progress" in alice.get(f"{server.url}/").text


def test_an_editors_change_shows_to_visitors_at_once_on_every_server(site):
    site, first, second = site
    visitor = Browser()
    for server in (first, second):
        visitor.get(f"{server.url}/")
        assert visitor.get(f"{server.url}/").headers.get("X-Page-Cache") == "hit"

    editor = Browser()
    editor.sign_in(first, site.admin)
    stage_id = site.python(
        "from roadmap.models import Stage; print(Stage.objects.order_by('position').first().pk)"
    ).strip()
    change_url = f"{first.url}/admin/roadmap/stage/{stage_id}/change/"
    fields = admin_form(editor.get(change_url).text, "stage_form")
    fields = [(k, "Python, the foundations" if k == "title" else v) for k, v in fields]
    saved = editor.post(change_url, dict(fields) | {"_save": "Save"})
    assert saved.status == 302, saved.text[-3000:]

    for server in (second, first):
        page = Browser().get(f"{server.url}/")
        assert page.status == 200
        assert "Python, the foundations" in page.text


def test_an_unpublished_step_leaves_every_servers_pages_at_once(site):
    site, first, second = site
    path = site.python(
        "from roadmap.models import Step\n"
        "print(Step.objects.published().in_roadmap_order()[5].get_absolute_url())"
    ).strip()
    for server in (first, second):
        Browser().get(f"{server.url}{path}")
        assert Browser().get(f"{server.url}{path}").headers.get("X-Page-Cache") == "hit"

    editor = Browser()
    editor.sign_in(second, site.admin)
    step_id = site.python(
        "from roadmap.models import Step\nprint(Step.objects.published().in_roadmap_order()[5].pk)"
    ).strip()
    page = editor.get(f"{second.url}/admin/roadmap/step/")
    answer = editor.post(
        f"{second.url}/admin/roadmap/step/",
        {
            "action": "unpublish_steps",
            "_selected_action": step_id,
            "csrfmiddlewaretoken": csrf_from(page.text),
        },
    )
    assert answer.status == 302

    for server in (first, second):
        assert Browser().get(f"{server.url}{path}").status == 404
        assert f'href="{path}"' not in Browser().get(f"{server.url}/").text


def test_a_password_change_on_one_server_ends_the_other_sessions_on_both(site):
    site, first, second = site
    email = site.add_person("bob")
    changer, other = Browser(), Browser()
    changer.sign_in(first, email)
    other.sign_in(second, email)
    page = changer.get(f"{first.url}/accounts/password/change/")
    new_password = "another-long-and-unguessable-passphrase"
    answer = changer.post(
        f"{first.url}/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": new_password,
            "password2": new_password,
            "csrfmiddlewaretoken": csrf_from(page.text),
        },
    )
    assert answer.status == 302, answer.text[-2000:]

    assert signed_in(changer, second) and signed_in(changer, first)
    assert not signed_in(other, first) and not signed_in(other, second)


@pytest.mark.parametrize(
    "change",
    [
        "u.is_active = False; u.save()",
        "u.delete()",
    ],
    ids=["deactivation", "account deletion"],
)
def test_deactivation_or_deletion_ends_every_session_at_once(site, change):
    site, first, second = site
    name = "carol" if "is_active" in change else "dave"
    email = site.add_person(name)
    browser = Browser()
    browser.sign_in(first, email)
    assert signed_in(browser, second)

    site.python(
        "from django.contrib.auth import get_user_model\n"
        f"u = get_user_model().objects.get(username='{name}'); {change}"
    )

    assert not signed_in(browser, first) and not signed_in(browser, second)


def test_junk_query_strings_ports_and_cookies_never_grow_the_cache(site, redis):
    site, first, second = site
    pages = ["/", "/courses/", site.step_path, "/courses/?format=book"]
    for server in (first, second):
        for path in pages:
            Browser().get(f"{server.url}{path}")
    before = int(redis.cli("dbsize"))

    for n in range(40):
        server = (first, second)[n % 2]
        browser = Browser()
        assert browser.get(f"{server.url}/?junk={n}").status == 200
        assert browser.get(f"{server.url}/courses/?format=book&utm_source={n}").status == 200
        assert browser.get(f"{server.url}/courses/?format=no-such-{n}").status == 200
        answer = browser.get(f"{server.url}{site.step_path}", headers={"Host": f"127.0.0.1:{n}"})
        assert answer.status == 200
        answer = browser.get(f"{server.url}/", headers={"Cookie": f"junk{n}={n}; theme=x{n}"})
        assert answer.status == 200

    assert int(redis.cli("dbsize")) == before


def test_a_visitor_never_gets_a_learners_page(site):
    site, first, second = site
    alice = Browser()
    alice.sign_in(first, site.learner)
    assert "Sign out" in alice.get(f"{first.url}/").text

    for server in (first, second):
        page = Browser().get(f"{server.url}/")
        assert "Sign out" not in page.text and "alice" not in page.text
        assert "csrfmiddlewaretoken" not in page.text
        assert "Set-Cookie" not in page.headers


def test_with_redis_stopped_every_page_answers_and_learners_stay_signed_in(site, redis):
    site, first, second = site
    alice = Browser()
    alice.sign_in(first, site.learner)
    pages = ["/", "/courses/", site.step_path, "/courses/?level=beginner", "/search/?q=sql"]

    redis.stop()
    try:
        for server in (first, second):
            health = Browser().get(f"{server.url}/healthz")
            assert (health.status, health.text) == (200, "database: ok\ncache: degraded\n")
            for path in pages:
                assert Browser().get(f"{server.url}{path}").status == 200, path
                assert alice.get(f"{server.url}{path}").status == 200, path
            dashboard = alice.get(f"{server.url}/progress/")
            assert dashboard.status == 200 and "alice@example.com" in dashboard.text
        assert mark(alice, second, site.step_path, "skipped") == 302
        assert re.search(
            r'value="skipped"[^>]*aria-pressed="true"',
            alice.get(f"{first.url}{site.step_path}").text,
        )
    finally:
        redis.start()

    # Back by itself: the cache answers again and visitors' pages are kept again.
    for server in (first, second):
        deadline = time.monotonic() + 20
        while Browser().get(f"{server.url}/healthz").text != "database: ok\ncache: ok\n":
            assert time.monotonic() < deadline, "the cache did not come back"
            time.sleep(0.2)
        Browser().get(f"{server.url}/courses/")
        assert Browser().get(f"{server.url}/courses/").headers.get("X-Page-Cache") == "hit"
    assert signed_in(alice, first) and signed_in(alice, second)
