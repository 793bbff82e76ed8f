from allauth.account.signals import user_signed_up
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.template.defaultfilters import pluralize

from progress import guest, services
from progress.models import StepProgress


@receiver(user_logged_in, dispatch_uid="progress.merge_guest_progress")
def merge_guest_progress(sender, request, user, **kwargs) -> None:
    """A guest who signs up or signs in keeps the progress made before, and is told so."""
    if request is None or not hasattr(request, "session"):
        return
    moved = len(guest.guest_progress(request))
    guest.guest_merge_into(request, user=user)
    if moved:
        messages.success(
            request,
            f"Your progress as a guest ({moved} step{pluralize(moved)}) is now in your account.",
            fail_silently=True,
        )
    apply_pending_status(request, user)


@receiver(user_signed_up, dispatch_uid="progress.apply_pending_status")
def apply_pending_status(request, user, **kwargs) -> None:
    """The status a visitor tapped before signing in (or up) is kept: it travels in the
    sign-in's `next` (guest.pending_status) and is set here, with no second tap."""
    if request is None or getattr(request, "pending_status_applied", False):
        return  # a sign-up that signs in at once sends both signals
    pending = guest.pending_status(request.POST.get("next") or request.GET.get("next", ""))
    if pending:
        request.pending_status_applied = True
        services.progress_set(user=user, step=pending.step, status=pending.status)
        messages.success(
            request,
            StepProgress.change_message(pending.step.title, pending.status),
            fail_silently=True,
        )
