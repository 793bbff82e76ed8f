"""The one place where editor-written Markdown becomes HTML.

Editors are trusted to curate, not to run code in learners' browsers, so the
HTML that Markdown produces is sanitised with an allowlist: unknown tags are
escaped, attributes are dropped, only http(s) and mailto links survive (and
links within the site; not "//host", which leaves it), and every link gets
rel="nofollow noopener".
"""

import re
from collections.abc import Callable
from functools import lru_cache
from html import unescape

import bleach
import markdown
from bleach.html5lib_shim import Filter  # type: ignore[attr-defined]  # untyped: vendored
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
        "hr", "i", "kbd", "li", "ol", "p", "pre", "strong", "table", "tbody", "td",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_HEADING = re.compile(r"<(/?)h([1-6])\b")
# Browsers ignore tabs and newlines anywhere in a URL, and spaces and control
# characters before it; dropping all of them anywhere only errs on the safe side.
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")
# Two slashes, where browsers read a backslash as a slash: "//evil.example".
_PROTOCOL_RELATIVE = re.compile(r"[/\\]{2}")


def _link_attribute_allowed(tag: str, name: str, value: str) -> bool:
    """Keep a link's title and rel, and its href unless that is protocol-relative.

    bleach lets through every href without a scheme, as a link within the site,
    but "//evil.example" has another site's host. bleach hands us the value as
    written, so entities are decoded first, as a browser would.
    """
    if name != "href":
        return name in {"title", "rel"}
    url = _IGNORED_IN_URLS.sub("", unescape(value))
    return not _PROTOCOL_RELATIVE.match(url)


ALLOWED_ATTRIBUTES: dict[str, list[str] | Callable[[str, str, str], bool]] = {
    "a": _link_attribute_allowed,
    "abbr": ["title"],
    "th": ["align"],
}


class _NofollowLinks(Filter):
    """Give every link that survived sanitising rel="nofollow noopener"."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                token["data"] = {**token.get("data", {}), (None, "rel"): "nofollow noopener"}
            yield token


def _cleaner_of(tags: frozenset[str]) -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_NofollowLinks],
    )


_cleaner = _cleaner_of(ALLOWED_TAGS)
# One line of text (a checkpoint): the inline tags only; block ones keep their text.
INLINE_TAGS = frozenset({"a", "abbr", "b", "code", "del", "em", "i", "kbd", "strong"})
_inline_cleaner = _cleaner_of(INLINE_TAGS)


def _shift_headings(html: str, top_level: int) -> str:
    """Make the body's biggest heading `top_level`, so pages keep headings in order."""
    levels = [int(level) for _, level in _HEADING.findall(html)]
    if not levels:
        return html
    shift = top_level - min(levels)
    return _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift)}", html)


def render_markdown(text: str, top_heading: int = 2) -> SafeString:
    """Render untrusted Markdown to sanitised HTML that is safe to put on a page."""
    if not text:
        return mark_safe("")
    return mark_safe(_render(text, top_heading))  # noqa: S308 - sanitised in _render


@lru_cache(maxsize=2048)
def _render(text: str, top_heading: int) -> str:
    """The rendering itself, remembered: the same text always gives the same HTML.

    Markdown and bleach cost milliseconds per body, and a stage page shows
    dozens of them; texts change only when editors edit them.
    """
    html = markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    html = _shift_headings(html, top_heading)
    return _cleaner.clean(html)


def render_inline_markdown(text: str) -> SafeString:
    """Render one line of untrusted Markdown (`code`, *emphasis*, links) to sanitised,
    inline HTML: no paragraph, heading or list around it."""
    if not text:
        return mark_safe("")
    return mark_safe(_render_inline(text))  # noqa: S308 - sanitised in _render_inline


@lru_cache(maxsize=2048)
def _render_inline(text: str) -> str:
    html = markdown.markdown(" ".join(text.split()), extensions=["sane_lists"])
    # Blocks (a raw HTML block, say) leave line breaks between their texts: one line.
    return " ".join(_inline_cleaner.clean(html).split())
