from django.conf import settings
from django.http import HttpRequest

from roadmap import services
from roadmap.public_views import theme_of


def tracking(request: HttpRequest) -> dict:
    """What every page needs to know about the viewer and the site.

    `tracking`: the page shows the visitor's own statuses (a learner or a guest).
    `theme`: "dark", "light" or "" (follow the system), from the `theme` cookie.
    `site_url`: the public origin, for canonical URLs (never the request's Host).
    """
    return {
        "tracking": services.is_tracking(request),
        "theme": theme_of(request),
        "site_url": settings.SITE_URL,
    }
