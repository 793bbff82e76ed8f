from django.contrib.auth.signals import user_logged_in
from django.core.signals import setting_changed
from django.dispatch import receiver

from roadmap import services


@receiver(user_logged_in, dispatch_uid="roadmap.merge_guest_progress")
def merge_guest_progress(sender, request, user, **kwargs) -> None:
    """A guest who signs up or signs in keeps the progress made before."""
    if request is not None and hasattr(request, "session"):
        services.guest_merge_into(request, user)


@receiver(setting_changed, dispatch_uid="roadmap.forget_urls")
def forget_urls(sender, setting, **kwargs) -> None:
    """Tests may swap the URLconf: remembered URLs must follow."""
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        from roadmap.models import _stage_url, _step_url

        _stage_url.cache_clear()
        _step_url.cache_clear()
