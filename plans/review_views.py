from django.http import Http404, HttpRequest, HttpResponse


def review(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise Http404("Not built yet.")
