from django.http import HttpRequest

from roadmap import services


def tracking(request: HttpRequest) -> dict[str, bool]:
    """`tracking` is true when the page should show the visitor's own statuses."""
    return {"tracking": services.is_tracking(request)}
