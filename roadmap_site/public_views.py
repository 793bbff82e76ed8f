"""Visitor-facing extras: search, the Markdown export, the theme switch, robots.txt."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from roadmap_site import search as site_search
from roadmap_site.export import roadmap_markdown
from roadmap_site.http import safe_next
from roadmap_site.themes import THEME_CHOICES, THEME_COOKIE, THEMES

ONE_YEAR = 60 * 60 * 24 * 365


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    results = site_search.search(raw)
    return render(
        request,
        "roadmap_site/search.html",
        {
            "results": results,
            "searched": "q" in request.GET,
            "search_query": results.query,
            "max_length": site_search.MAX_QUERY_LENGTH,
            "max_results": site_search.MAX_RESULTS,
        },
    )


@require_safe
def export_markdown(request: HttpRequest) -> HttpResponse:
    base_url = f"{request.scheme}://{request.get_host()}"
    response = HttpResponse(roadmap_markdown(base_url), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="python-backend-roadmap.md"'
    return response


def _back(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next", "")
    return safe_next(request, candidate, reverse("roadmap:index"))


@require_http_methods(["GET", "HEAD", "POST"])
def set_theme(request: HttpRequest) -> HttpResponse:
    """Choose light, dark or the system's theme (kept in the `theme` cookie).

    The header's switch links here; with JavaScript it flips the page in place
    instead, so this page is what a visitor without JavaScript uses.
    """
    if request.method != "POST":
        context = {"next": _back(request), "themes": THEME_CHOICES}
        return render(request, "roadmap_site/theme.html", context)
    # Not redirect(): it would read a `next` such as "home" as a URL pattern name.
    response = HttpResponseRedirect(_back(request))
    theme = request.POST.get("theme", "")
    if theme in THEMES:
        response.set_cookie(
            THEME_COOKIE, theme, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure()
        )
    else:
        response.delete_cookie(THEME_COOKIE, samesite="Lax")
    return response


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /progress/",
        "Disallow: /groups/",
        "Disallow: /search/",
        "Allow: /",
        "",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
