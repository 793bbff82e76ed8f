"""Two stateless app servers behind one PostgreSQL and one Redis, as in production.

Two gunicorn processes on different loopback ports share a database of their own
(roadmap_twoservers) and a Redis DB number of their own: a session made on one
works on the other, progress written through one is read through the other, and
a content change made through one is seen on both at once.
"""

import re

import pytest

from tests.live_servers import Browser, Site, admin_form, csrf_from, shared_static_root


@pytest.fixture(scope="module")
def site():
    site = Site(database="roadmap_twoservers", redis_db=6, static_root=shared_static_root())
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


def test_a_session_made_on_one_server_works_on_the_other(site):
    site, first, second = site
    alice = Browser()
    alice.sign_in(first, site.learner)
    dashboard = alice.get(f"{second.url}/progress/")
    assert dashboard.status == 200
    assert "alice" in dashboard.text


def test_progress_written_through_one_is_read_through_the_other(site):
    site, first, second = site
    alice = Browser()
    alice.sign_in(second, site.learner)
    page = alice.get(f"{first.url}{site.step_path}")
    token = csrf_from(page.text)
    answer = alice.post(
        f"{first.url}{site.step_path}status/", {"status": "done", "csrfmiddlewaretoken": token}
    )
    assert answer.status == 302
    seen = alice.get(f"{second.url}{site.step_path}").text
    assert re.search(r'value="done"[^>]*aria-pressed="true"', seen)


def test_a_content_change_through_one_is_seen_on_both_at_once(site):
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
