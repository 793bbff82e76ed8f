from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from progress import services


@receiver(user_logged_in, dispatch_uid="progress.merge_guest_progress")
def merge_guest_progress(sender, request, user, **kwargs) -> None:
    """A guest who signs up or signs in keeps the progress made before."""
    if request is not None and hasattr(request, "session"):
        services.guest_merge_into(request, user=user)
