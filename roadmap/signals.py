from django.core.signals import setting_changed
from django.dispatch import receiver


@receiver(setting_changed, dispatch_uid="roadmap.forget_urls")
def forget_urls(sender, setting, **kwargs) -> None:
    """Tests may swap the URLconf: remembered URLs must follow."""
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        from roadmap.models import _stage_url, _step_url

        _stage_url.cache_clear()
        _step_url.cache_clear()
