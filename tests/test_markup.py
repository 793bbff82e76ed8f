"""roadmap_site.markup.render_markdown: editor Markdown is untrusted input."""

import pytest
from django.core.cache import caches

from roadmap_site.markup import render_inline_markdown, render_markdown
from roadmap_site.page_cache import PAGES
from tests.support import Elements, assert_safe


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Hello <script src='https://evil.example/x.js'></script> there",
        "<SCRIPT>alert(1)</SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
    ],
)
def test_it_strips_scripts(text):
    html = render_markdown(text)

    assert "<script" not in html.lower()
    assert_safe(html)


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        '<p onmouseover="alert(1)">hover</p>',
        '<a href="https://example.com" OnError="alert(1)">x</a>',
    ],
)
def test_it_strips_event_handlers(text):
    html = render_markdown(text)

    assert "onerror" not in html.lower()
    assert "onclick" not in html.lower()
    assert "onmouseover" not in html.lower()
    assert_safe(html)


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](jAvAscript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jAvAscript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](DaTa:text/html,<script>alert(1)</script>)",
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
        "![x](javascript:alert(1))",
        "[x]: javascript:alert(1)\n\nSee [x].",
        # Tabs, newlines and backslashes inside the scheme
        '<a href="java\nscript:alert(1)">x</a>',
        '<a href="java\r\nscript:alert(1)">x</a>',
        '<a href="\x01\tjavascript:alert(1)">x</a>',
        '<a href="java&Tab;script:alert(1)">x</a>',
        '<a href="java&NewLine;script:alert(1)">x</a>',
        '<a href="java\\script:alert(1)">x</a>',
        '<a href="javascript\\:alert(1)">x</a>',
        "[x](java\\script:alert(1))",
        # Entities in mixed case, and for the colon
        "[x](&#X6A;avascript:alert(1))",
        '<a href="&#X6A;&#x61;VaScRiPt:alert(1)">x</a>',
        '<a href="jav&#X0A;ascript:alert(1)">x</a>',
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="JavaScript&#X3A;alert(1)">x</a>',
        '<a href="&#x26;#106;avascript:alert(1)">x</a>',
        '<a href="DaTa&colon;text/html,x">x</a>',
    ],
)
def test_it_drops_dangerous_links(text):
    html = render_markdown(text)

    # Either the href is gone or it is a harmless relative link: a browser
    # decodes entities once, so "&amp;#106;avascript:" stays text.
    assert_safe(html)
    assert "javascript:" not in html.lower()
    assert "data:" not in html.lower()


@pytest.mark.parametrize(
    "text",
    [
        "[x](//evil.example)",
        "[x](//evil.example/login?next=/)",
        "[x](<//evil.example>)",
        "[x]: //evil.example\n\nSee [x].",
        "[x](///evil.example)",
        "[x](/\\evil.example)",
        '<a href="//evil.example">x</a>',
        '<a href="\\\\evil.example">x</a>',
        '<a href="\\/evil.example">x</a>',
        '<a href="/\\evil.example">x</a>',
        '<a href=" //evil.example">x</a>',
        '<a href="\x01//evil.example">x</a>',
        '<a href="/\t/evil.example">x</a>',
        '<a href="/\n/evil.example">x</a>',
        '<a href="\r\n//evil.example">x</a>',
        '<a href="&#47;&#47;evil.example">x</a>',
        '<a href="&#X2F;&#x2f;evil.example">x</a>',
        '<a href="&#47&#47evil.example">x</a>',
        '<a href="&sol;&sol;evil.example">x</a>',
        '<a href="&bsol;&bsol;evil.example">x</a>',
        '<a href="/&Tab;/evil.example">x</a>',
        '<a href="/&NewLine;/evil.example">x</a>',
        '<a href="/&#X09;/evil.example">x</a>',
    ],
)
def test_it_drops_protocol_relative_links(text):
    html = render_markdown(text)

    # Such a link opens another site in the page's own scheme; its text stays.
    assert_safe(html)
    assert ">x</a>" in html


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ('<iframe src="https://evil.example/"></iframe>', "iframe"),
        ("<style>body { display: none }</style>", "style"),
        ('<p style="position:fixed">x</p>', "style="),
        ('<form action="https://evil.example/"><input name="password"></form>', "form"),
        ('<object data="x.swf"></object>', "object"),
        ('<svg onload="alert(1)"></svg>', "svg"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "meta"),
        ('<base href="https://evil.example/">', "base"),
    ],
)
def test_it_strips_dangerous_tags(text, gone):
    html = render_markdown(text)

    assert f"<{gone}" not in html.lower() and f" {gone}" not in html.lower()
    assert_safe(html)


def test_it_keeps_emphasis():
    html = render_markdown("*this* and **that**")

    assert "<em>this</em>" in html
    assert "<strong>that</strong>" in html


def test_it_keeps_lists():
    html = render_markdown("- one\n- two\n\n1. first\n2. second")

    assert Elements(html).names() >= {"ul", "ol", "li"}
    assert "<li>one</li>" in html
    assert "<li>second</li>" in html


def test_it_keeps_code():
    html = render_markdown("Run `pip install django`.\n\n```\n<b>not bold</b>\n```")

    assert "<code>pip install django</code>" in html
    assert "<pre><code>&lt;b&gt;not bold&lt;/b&gt;" in html


def test_it_keeps_links_and_marks_them_nofollow_noopener():
    html = render_markdown("Read [the docs](https://docs.python.org/3/) first.")

    [attrs] = [a for t, a in Elements(html).tags if t == "a"]
    assert attrs["href"] == "https://docs.python.org/3/"
    assert set(attrs["rel"].split()) == {"nofollow", "noopener"}


def test_it_overrides_a_rel_the_editor_chose():
    html = render_markdown('<a href="https://example.com/" rel="opener">x</a>')

    [(_, attrs)] = Elements(html).tags[-1:]
    assert set(attrs["rel"].split()) == {"nofollow", "noopener"}


def test_it_keeps_mailto_and_relative_links():
    html = render_markdown(
        "[mail](mailto:team@example.com), [courses](/courses/), [next](next/) and [up](#top)"
    )

    assert Elements(html).hrefs() == ["mailto:team@example.com", "/courses/", "next/", "#top"]


def test_it_shifts_headings_below_the_page_title():
    html = render_markdown("# Big\n\n## Smaller", top_heading=2)

    assert "<h2>Big</h2>" in html
    assert "<h3>Smaller</h3>" in html
    assert "<h1" not in html


def test_it_renders_nothing_for_no_text():
    assert render_markdown("") == ""


def test_it_keeps_a_step_body_script_off_the_step_page(client, roadmap):
    step = roadmap.steps[0]
    clean = client.get(step.get_absolute_url()).content.decode()
    step.body = (
        'Intro\n\n<script>alert("pwned")</script>\n\n<img src=x onerror="alert(2)">'
        "\n\n[click](javascript:alert(3))"
    )
    step.save()
    caches[PAGES].clear()

    page = client.get(step.get_absolute_url()).content.decode()

    assert page.count("<script") == clean.count("<script")
    assert '<script>alert("pwned")' not in page
    assert 'onerror="alert(2)"' not in page
    assert "javascript:alert(3)" not in page
    assert "Intro" in page


def test_it_keeps_a_stage_body_script_off_the_stage_page(client, roadmap):
    stage = roadmap.stages[0]
    clean = client.get(stage.get_absolute_url()).content.decode()
    stage.body = "Intro <script>alert('pwned')</script>"
    stage.save()
    caches[PAGES].clear()

    page = client.get(stage.get_absolute_url()).content.decode()

    assert page.count("<script") == clean.count("<script")
    assert "<script>alert('pwned')" not in page


PROTOCOL_RELATIVE = "Read [the guide](//evil.example/guide) first."


def test_it_keeps_a_protocol_relative_link_out_of_a_step_body(client, roadmap):
    step = roadmap.steps[0]
    step.body = PROTOCOL_RELATIVE
    step.save()
    caches[PAGES].clear()

    page = client.get(step.get_absolute_url()).content.decode()

    assert "the guide</a>" in page
    assert "evil.example" not in page


def test_it_keeps_a_protocol_relative_link_out_of_a_course_description(client, roadmap):
    step = roadmap.steps[0]
    course = step.courses.first()
    course.description = PROTOCOL_RELATIVE
    course.save()
    caches[PAGES].clear()

    pages = [client.get(url).content.decode() for url in (step.get_absolute_url(), "/courses/")]

    assert "the guide</a>" in pages[0]
    assert all("evil.example" not in page for page in pages)


def test_it_keeps_a_protocol_relative_link_out_of_a_note(alice_client, roadmap):
    step = roadmap.steps[0]
    alice_client.post(f"{step.get_absolute_url()}note/", {"body": PROTOCOL_RELATIVE})

    page = alice_client.get(step.get_absolute_url()).content.decode()

    assert "the guide</a>" in page
    assert 'href="//evil.example' not in page
    assert "//evil.example/guide" in page  # the raw text, in the note's form


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Use `sorted()` *well*", "Use <code>sorted()</code> <em>well</em>"),
        ("# A heading", "A heading"),
        ("- a list item", "a list item"),
        ("<script>alert(1)</script>Hi", "alert(1) Hi"),
        ("[bad](javascript:alert(1)) [ok](https://example.com/)",
         '<a rel="nofollow noopener">bad</a> '
         '<a href="https://example.com/" rel="nofollow noopener">ok</a>'),
        ("two\n\nparagraphs", "two paragraphs"),
        ("", ""),
    ],
)  # fmt: skip
def test_inline_markdown_is_one_sanitised_line_without_blocks(text, html):
    assert render_inline_markdown(text) == html
