"""Discoverable pages (titles, descriptions, canonical URLs, Open Graph, sitemap, robots)
and the theme switch."""

import re
from xml.etree import ElementTree

import pytest

from roadmap.models import Step

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def public_pages() -> list[str]:
    step = Step.objects.published().select_related("stage").first()
    return ["/", step.stage.get_absolute_url(), step.get_absolute_url(), "/courses/", "/search/"]


def head(response) -> str:
    html = response.content.decode()
    return html[: html.index("</head>")]


def meta(html: str, attribute: str, name: str) -> str:
    return re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)[1]


def test_every_public_page_has_its_own_title_and_description(client, seeded):
    titles, descriptions = set(), set()
    for url in public_pages():
        html = head(client.get(url))
        titles.add(re.search(r"<title>(.*?)</title>", html, re.S)[1].strip())
        descriptions.add(meta(html, "name", "description"))

    assert len(titles) == len(public_pages())
    assert len(descriptions) >= len(public_pages()) - 1
    assert all(d.strip() for d in descriptions)


SITE = "https://roadmap.example"


def test_pages_name_their_canonical_url_without_the_query(client, seeded, settings):
    settings.SITE_URL = SITE
    html = head(client.get("/courses/", {"format": "book", "page": "1"}))

    assert f'<link rel="canonical" href="{SITE}/courses/">' in html


def test_the_canonical_url_names_the_site_whatever_the_host_header(client, seeded, settings):
    settings.SITE_URL = SITE
    html = head(client.get("/", HTTP_HOST="localhost:8123"))

    assert f'<link rel="canonical" href="{SITE}/">' in html
    assert "localhost" not in html


def test_pages_carry_open_graph_tags(client, seeded, settings):
    settings.SITE_URL = SITE
    step = Step.objects.published().first()
    html = head(client.get(step.get_absolute_url()))

    assert step.title in meta(html, "property", "og:title")
    assert meta(html, "property", "og:description") == step.summary
    assert meta(html, "property", "og:url") == f"{SITE}{step.get_absolute_url()}"
    assert meta(html, "property", "og:type") == "website"


def sitemap_urls(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = ElementTree.fromstring(response.content)
    return {loc.text for loc in tree.findall("s:url/s:loc", SITEMAP_NS)}


def test_the_sitemap_lists_the_published_pages(client, seeded):
    urls = sitemap_urls(client)

    assert "http://testserver/" in urls
    assert "http://testserver/courses/" in urls
    for step in Step.objects.published().select_related("stage"):
        assert f"http://testserver{step.get_absolute_url()}" in urls
        assert f"http://testserver{step.stage.get_absolute_url()}" in urls


def test_the_sitemap_leaves_out_unpublished_steps(client, seeded):
    step = Step.objects.select_related("stage").get(slug="angular")
    Step.objects.filter(pk=step.pk).update(is_published=False)

    assert f"http://testserver{step.get_absolute_url()}" not in sitemap_urls(client)


def test_robots_points_to_the_sitemap_and_keeps_out_private_pages(client):
    response = client.get("/robots.txt")
    text = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text and "Disallow: /progress/" in text


# ---------------------------------------------------------------- theme switch


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_theme_switch_remembers_the_choice_in_a_cookie(client, seeded, theme):
    response = client.post("/theme/", {"theme": theme, "next": "/courses/?format=book"})

    assert response.status_code == 302
    assert response["Location"] == "/courses/?format=book"
    assert response.cookies["theme"].value == theme
    assert f'<html lang="en" data-theme="{theme}">' in client.get("/").content.decode()


def test_without_a_choice_the_page_follows_the_system(client, seeded):
    assert '<html lang="en">' in client.get("/").content.decode()


def test_an_unknown_theme_clears_the_cookie(client, seeded):
    client.cookies["theme"] = "dark"
    response = client.post("/theme/", {"theme": "neon"})

    assert response.cookies["theme"].value == ""
    client.cookies["theme"] = "neon"
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_the_theme_switch_never_sends_you_elsewhere(client, target):
    response = client.post("/theme/", {"theme": "dark", "next": target})

    assert response["Location"] == "/"


def test_the_theme_page_offers_every_choice_and_comes_back(client, seeded):
    client.cookies["theme"] = "dark"
    page = client.get("/theme/", {"next": "/courses/"}).content.decode()

    assert re.search(r'value="dark" checked', page)
    for value in ("light", "dark", ""):
        assert f'name="theme" value="{value}"' in page
    assert 'name="next" value="/courses/"' in page


def test_the_theme_page_never_offers_to_send_you_elsewhere(client, seeded):
    page = client.get("/theme/", {"next": "//evil.example/"}).content.decode()

    assert "evil.example" not in page


def test_the_header_switch_is_a_link_to_the_theme_page(client, seeded):
    page = client.get("/courses/").content.decode()

    assert 'href="/theme/?next=/courses/"' in page


def test_the_theme_switch_needs_the_csrf_token(seeded):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/theme/", {"theme": "dark"})

    assert response.status_code == 403
