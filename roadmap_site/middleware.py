from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template import loader
from django.utils.cache import patch_cache_control


class MethodNotAllowedPageMiddleware:
    """Give Django's bare 405 answers (from require_POST and friends) a styled page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            response.content = loader.render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


NUL = "\x00"


class RefuseNulMiddleware:
    """A NUL character in a URL's path or query answers 404; a cookie holding one is dropped.

    No address of the site holds one, and PostgreSQL cannot store or even compare text
    that does (a DataError, so a 500, wherever it reached a query). Posted fields go
    through forms, whose text fields refuse it with a form error. This runs before the
    session middleware, which would look a session key up as it came.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, value in list(request.COOKIES.items()):
            if NUL in name or NUL in value:
                del request.COOKIES[name]
        query = (text for name, values in request.GET.lists() for text in (name, *values))
        if NUL in request.path or any(NUL in text for text in query):
            raise Http404("No address holds a NUL character.")
        return self.get_response(request)


class PrivateForSessionsMiddleware:
    """Whatever is answered to someone with a session (a learner, a guest, a message
    waiting) is theirs: `Cache-Control: private` keeps any shared cache in front of
    the site (a CDN, a caching proxy) from storing it for others."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES or not request.session.is_empty():
            patch_cache_control(response, private=True)
        return response
