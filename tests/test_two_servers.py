"""Two stateless app servers behind one PostgreSQL and one Redis, as in production.

Two gunicorn processes on different loopback ports share a database of their own
(roadmap_twoservers_<checkout>) and a Redis server this module starts itself (so stopping
it harms nothing else). A session made on one works on the other; a learner's
change and an editor's change show at once on both, and on two workers without
Redis; ending a session on one ends it on both; junk requests and combinations of
filters never grow the cache; and with Redis stopped, hanging or back with old data,
every page still answers, everyone stays signed in, signing in, up and resetting a
password work as fast and are limited as before, and the log says so once.
"""

import re
import time
from collections.abc import Callable
from itertools import product

import pytest

from courses.models import Course
from tests.live_servers import (
    PASSWORD,
    Browser,
    RedisServer,
    Response,
    Site,
    admin_form,
    csrf_from,
    own_database,
    person_code,
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
def site(redis, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    site = Site(
        database=own_database("roadmap_twoservers"),
        static_root=shared_static_root(),
        redis_url=redis.url,
    )
    site.create()
    site.learner, site.admin = "alice@example.com", "root@example.com"
    site.step_path = site.python(
        person_code("alice")
        + person_code("root", superuser=True)
        + "from roadmap.models import Step\n"
        "print(Step.objects.published().in_roadmap_order().first().get_absolute_url())"
    ).strip()
    first, second = site.start(log=logs / "first.log"), site.start(log=logs / "second.log")
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


HEALTHY = "database: ok\ncache: ok\nqueue: ok (oldest ready task 0 s)\n"


def until_the_cache_answers(server) -> None:
    deadline = time.monotonic() + 20
    while Browser().get(f"{server.url}/healthz").text != HEALTHY:
        assert time.monotonic() < deadline, "the cache did not come back"
        time.sleep(0.2)


def kept_pages(redis: RedisServer) -> int:
    """How many visitors' pages Redis holds."""
    return len(redis.cli("--scan", "--pattern", "*:page:*").split())


def retitle(site: Site, path: str, title: str, *, quietly: bool = False) -> None:
    """Give the step at `path` a new title, as an editor's save does, or quietly (an
    update() sends no signal, so nothing retires the pages that show the old one)."""
    stage, step = path.strip("/").split("/")[1:]
    found = f"Step.objects.filter(stage__slug='{stage}', slug='{step}')"
    change = (
        f"{found}.update(title='{title}')"
        if quietly
        else f"s = {found}.get(); s.title = '{title}'; s.save()"
    )
    site.python(f"from roadmap.models import Step\n{change}")


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
    stage_id, old_title = site.python(
        "from roadmap.models import Stage\n"
        "stage = Stage.objects.order_by('position').first(); print(stage.pk, stage.title)"
    ).split(maxsplit=1)
    for server in (first, second):
        Browser().get(f"{server.url}/")
    site.python(  # sends no signal: pages kept for visitors go on showing the old title
        "from roadmap.models import Stage\n"
        f"Stage.objects.filter(pk={stage_id}).update(title='Quiet')"
    )
    for server in (first, second):
        assert old_title.strip() in Browser().get(f"{server.url}/").text

    editor = Browser()
    editor.sign_in(first, site.admin)
    change_url = f"{first.url}/admin/roadmap/stage/{stage_id}/change/"
    fields = admin_form(editor.get(change_url).text, "stage_form")
    fields = [(k, "Python, the foundations" if k == "title" else v) for k, v in fields]
    saved = editor.post(change_url, dict(fields) | {"_save": "Save"})
    assert saved.status == 302, saved.text[-3000:]

    for server in (second, first):
        page = Browser().get(f"{server.url}/")
        assert page.status == 200
        assert "Python, the foundations" in page.text


def test_an_unpublished_step_leaves_every_servers_pages_at_once(site, redis):
    site, first, second = site
    path = site.python(
        "from roadmap.models import Step\n"
        "print(Step.objects.published().in_roadmap_order()[5].get_absolute_url())"
    ).strip()
    before = kept_pages(redis)
    for server in (first, second):
        assert Browser().get(f"{server.url}{path}").status == 200
    assert kept_pages(redis) == before + 1  # one page, kept for both servers

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
            assert (health.status, health.text) == (
                200,
                HEALTHY.replace("cache: ok", "cache: degraded"),
            )
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
        until_the_cache_answers(server)
    before = kept_pages(redis)
    Browser().get(f"{first.url}/courses/")
    assert kept_pages(redis) == before + 1
    assert signed_in(alice, first) and signed_in(alice, second)


def test_valid_combinations_of_filters_never_grow_the_cache(site, redis):
    """About a million are valid: only the catalogue and its single filters are kept."""
    site, first, second = site
    combinations = [
        f"format={fmt}&level={level}"
        for fmt, level in product(Course.Format.values, Course.Level.values)
    ]
    Browser().get(f"{first.url}/courses/")
    before = kept_pages(redis)

    for n, query in enumerate(combinations):
        server = (first, second)[n % 2]
        assert Browser().get(f"{server.url}/courses/?{query}").status == 200

    assert len(combinations) >= 12
    assert kept_pages(redis) == before


def test_an_edit_made_while_redis_was_down_shows_when_it_returns_with_old_data(site, redis):
    """Restarted from a snapshot taken before the edit, Redis has the old pages and the
    old content version: the database has the new one, and wins."""
    site, first, second = site
    for server in (first, second):
        Browser().get(f"{server.url}{site.step_path}")
    redis.cli("save")  # the snapshot it comes back with
    redis.stop()
    try:
        retitle(site, site.step_path, "Edited while Redis was down")
    finally:
        redis.start()
    assert kept_pages(redis) > 0  # the old pages are back

    for _ in range(15):
        for server in (first, second):
            page = Browser().get(f"{server.url}{site.step_path}")
            assert "Edited while Redis was down" in page.text


def test_without_redis_every_worker_shows_an_edit_at_once(site):
    """Two workers and no shared cache: neither keeps a page the other could not retire."""
    site, _, _ = site
    server = site.start({"REDIS_URL": "", "WEB_CONCURRENCY": "2"})
    try:
        for _ in range(12):  # both workers render the page, and would keep it
            assert Browser().get(f"{server.url}{site.step_path}").status == 200

        retitle(site, site.step_path, "Seen by every worker")

        pages = [Browser().get(f"{server.url}{site.step_path}").text for _ in range(12)]
        assert all("Seen by every worker" in page for page in pages)
    finally:
        server.stop()


def sign_in_as(server, email: str, password: str = PASSWORD) -> Response:
    browser = Browser()
    browser.get(f"{server.url}/accounts/login/")
    return browser.post(
        f"{server.url}/accounts/login/",
        {"login": email, "password": password, "csrfmiddlewaretoken": browser.csrf_token()},
    )


def sign_up(server, email: str) -> Response:
    browser = Browser()
    browser.get(f"{server.url}/accounts/signup/")
    return browser.post(
        f"{server.url}/accounts/signup/",
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "csrfmiddlewaretoken": browser.csrf_token(),
        },
    )


def reset_password(server, email: str) -> Response:
    browser = Browser()
    browser.get(f"{server.url}/accounts/password/reset/")
    return browser.post(
        f"{server.url}/accounts/password/reset/",
        {"email": email, "csrfmiddlewaretoken": browser.csrf_token()},
    )


def timed(action: Callable[[], Response]) -> tuple[int, float]:
    started = time.monotonic()
    status = action().status
    return status, time.monotonic() - started


def seconds(timings: list[tuple[int, float]]) -> float:
    return sum(elapsed for _, elapsed in timings)


def account_actions(server, email: str, n: int) -> list[Callable[[], Response]]:
    return [
        lambda: sign_in_as(server, email),
        lambda: sign_up(server, f"new{n}-{server.port}@example.com"),
        lambda: reset_password(server, email),
    ]


@pytest.mark.parametrize("outage", ["stopped", "hanging"])
def test_with_redis_stopped_or_hanging_accounts_work_as_fast_and_stay_limited(site, redis, outage):
    site, first, second = site
    site.python("from django.core.cache import cache; cache.clear()")  # earlier tests' tries
    email = site.add_person(f"erin{outage}")
    with_redis = [timed(action) for action in account_actions(first, email, 0)]
    assert [status for status, _ in with_redis] == [302, 302, 302]
    for server in (first, second):
        until_the_cache_answers(server)  # so that each sees this outage begin
    logged = {server.port: server.log.stat().st_size for server in (first, second)}

    redis.stop() if outage == "stopped" else redis.pause()
    try:
        for n, server in enumerate((first, second), start=1):
            for path in ("/", "/courses/", site.step_path):
                assert Browser().get(f"{server.url}{path}").status == 200
            without = [timed(action) for action in account_actions(server, email, n)]
            assert [status for status, _ in without] == [302, 302, 302]
            # As fast, give or take this busy machine's noise (password hashing varies).
            assert seconds(without) < 2 * seconds(with_redis) + 0.5, (with_redis, without)
        # Five wrong passwords for one account, on either server: the sixth try is refused.
        for n in range(5):
            wrong = sign_in_as((first, second)[n % 2], email, "not-the-password")
            assert "Too many " not in wrong.text
        for server in (first, second):
            assert "Too many wrong passwords" in sign_in_as(server, email).text
    finally:
        redis.start() if outage == "stopped" else redis.resume()

    for server in (first, second):
        with server.log.open() as log:
            log.seek(logged[server.port])
            written = log.read()
        assert "Traceback" not in written
        assert written.count("The page cache does not answer") == 1, written
