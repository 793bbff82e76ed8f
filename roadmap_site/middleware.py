from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template import loader


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
