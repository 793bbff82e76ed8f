from django.http import HttpRequest

from progress.guest import is_tracking


def tracking(request: HttpRequest) -> dict:
    """`tracking`: whether the page shows the visitor's own statuses (a learner's or a guest's)."""
    return {"tracking": is_tracking(request)}
