from django.conf import settings
from django.http import HttpRequest

from roadmap_site.themes import theme_of


def site(request: HttpRequest) -> dict:
    """What every page needs to know about the site and the visitor's choice of theme.

    `theme`: "dark", "light" or "" (follow the system), from the `theme` cookie.
    `site_url`: the public origin, for canonical URLs (never the request's Host).
    """
    return {"theme": theme_of(request), "site_url": settings.SITE_URL}
