"""Study groups: the list and creation, a group's page, its mentors' views, joining,
leaving and the owner's tools.

Every page here is someone's own: never cached (`never_cache` sends
`Cache-Control: private, no-store`), and 404 for anyone outside the group,
visitors, learners and editors alike.
"""

import csv
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from groups import selectors, services
from groups.forms import GroupForm, GroupSettingsForm, RoleForm
from groups.models import StudyGroup
from progress.models import StepProgress
from roadmap_site.http import AuthenticatedHttpRequest


def _private(methods: list[str]) -> Callable:
    """A signed-in person's page answering `methods` (405 for others), never cached.

    Signed out, any such address leads to sign-in and back, whether the group exists or
    not: a member following a link from an email gets there, and nobody learns more.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return never_cache(require_http_methods(methods)(login_required(view)))

    return decorator


# The numbers the pages state: how many people a group holds, when a step "may be stuck".
LIMITS = {"max_members": StudyGroup.MAX_MEMBERS, "stuck_days": StepProgress.STUCK_AFTER.days}


# ---------------------------------------------------------------- the learner's groups


@_private(["GET", "HEAD", "POST"])
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The learner's groups, and the form that creates one."""
    form = GroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(owner=request.user, **form.cleaned_data)
        except services.GroupNotCreated as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"“{group.name}” is created. Share its invite link with your learners.",
                extra_tags="invite",
            )
            return redirect(group)
    memberships = selectors.groups_of(request.user)
    status = 400 if form.errors else 200
    return render(
        request,
        "groups/list.html",
        {"form": form, "memberships": memberships},
        status=status,
    )


@_private(["GET", "HEAD"])
def group_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The people in the group; the progress table for mentors (and for members when the
    owner switched that on)."""
    membership = selectors.membership_in(request.user, slug)
    group = membership.group
    people = selectors.people_in(group)
    progress = None
    if membership.sees_progress():
        progress = selectors.group_progress(group, people=people)
    return render(
        request,
        "groups/group.html",
        {
            "group": group,
            "membership": membership,
            "people": people,
            "progress": progress,
            # Nobody to follow yet: the page leads with the invite link, not an empty table.
            "alone": all(person.is_mentor for person in people),
            "invite_url": request.build_absolute_uri(group.invite_path()),
            # Each member's page and the owner's buttons are under it: one reverse(), not 500.
            "members_url": f"{group.get_absolute_url()}members/",
            **LIMITS,
        },
    )


@_private(["GET", "HEAD"])
def member_page(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """One member's statuses per step and project links (never notes): for mentors, for
    members when the owner shares progress, and for the member themself (what mentors see)."""
    membership = selectors.membership_in(request.user, slug)
    if not membership.sees_progress() and user_id != request.user.pk:
        raise Http404("Members' progress is not shared in this group.")
    detail = selectors.member_detail(membership.group, user_id=user_id)
    return render(
        request,
        "groups/member.html",
        {"group": membership.group, "membership": membership, "detail": detail, **LIMITS},
    )


# Cells a spreadsheet would run as a formula: prefixed with ' so they stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@_private(["GET", "HEAD"])
def group_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The members x stages table as CSV, for mentors only."""
    membership = selectors.membership_in(request.user, slug)
    if not membership.is_mentor:
        raise Http404("Only mentors download the table.")
    group = membership.group
    progress = selectors.group_progress(group, people=selectors.people_in(group))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{group.slug}-progress-{stamp}.csv"'
    writer = csv.writer(response)
    header = ["member", "joined", "last activity", "percent", "steps done", "steps skipped"]
    header += ["in progress", "may be stuck"] + [f"{stage.title} (%)" for stage in progress.stages]
    writer.writerow(spreadsheet_safe(cell) for cell in header)
    for row in progress.rows:
        cells = [
            row.membership.user.username,
            row.membership.joined_at.date().isoformat(),
            row.last_active.date().isoformat() if row.last_active else "",
            row.overall.percent,
            row.overall.done,
            row.overall.skipped,
            row.overall.in_progress,
            len(row.stuck),
            *(summary.percent for summary in row.stages),
        ]
        writer.writerow(spreadsheet_safe(cell) for cell in cells)
    return response


# ---------------------------------------------------------------- joining and leaving


JOINED_MESSAGES = {
    services.Joined.JOINED: "Welcome to “{}”: its mentors now see your progress.",
    services.Joined.ALREADY: "You are already in “{}”.",
}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation: what mentors will see, and the button that joins (a POST)."""
    group = selectors.group_for_token(token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        result = services.group_join(group=group, user=request.user)
        if result is services.Joined.GONE:
            raise Http404("No such invitation.")
        if result is not services.Joined.FULL:
            messages.success(request, JOINED_MESSAGES[result].format(group.name))
            return redirect(group)
        # Full: the page says so (a 200: Django logs the path of 4xx answers, and this
        # one holds the token).
        group.size = StudyGroup.MAX_MEMBERS  # type: ignore[attr-defined]  # annotated by group_for_token
    already = request.user.is_authenticated and group.memberships.filter(user=request.user).exists()
    return render(
        request,
        "groups/join.html",
        {
            "group": group,
            "mentors": selectors.mentors_of(group),
            "already": already,
            "is_full": group.size >= StudyGroup.MAX_MEMBERS,  # type: ignore[attr-defined]
            # The address is the invitation: no canonical URL or og:url names it, no index.
            "secret_path": True,
            **LIMITS,
        },
    )


@_private(["POST"])
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    membership = selectors.membership_in(request.user, slug)
    if membership.is_owner:
        messages.error(request, "As the owner you cannot leave the group: delete it instead.")
        return redirect(membership.group)
    services.membership_remove(membership=membership)
    messages.success(
        request, f"You left “{membership.group.name}”. Its mentors no longer see your progress."
    )
    return redirect("groups:list")


# ---------------------------------------------------------------- the owner's tools


@_private(["GET", "HEAD", "POST"])
def group_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Rename the group, change its description and what members see."""
    group = selectors.owned_group(request.user, slug)
    form = GroupSettingsForm(request.POST if request.method == "POST" else None, instance=group)
    if request.method == "POST" and form.is_valid():
        services.group_update(group=group, **form.cleaned_data)
        messages.success(request, "The group's settings are saved.")
        return redirect(group)
    if form.errors:  # the form changed the instance it validated: show the saved name
        group.refresh_from_db()
    return render(
        request,
        "groups/settings.html",
        {"group": group, "form": form},
        status=400 if form.errors else 200,
    )


@_private(["POST"])
def replace_invite(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.owned_group(request.user, slug)
    services.invite_replace(group=group)
    messages.success(
        request, "The invite link is replaced: the old one no longer works.", extra_tags="invite"
    )
    return redirect(f"{group.get_absolute_url()}#invite")


ROLE_MESSAGES = {
    "mentor": "They are now a mentor: they see the members' progress, and are no longer followed.",
    "member": "They are a member again: mentors see their progress.",
}


@_private(["POST"])
def set_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    group = selectors.owned_group(request.user, slug)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["role"])), extra_tags="people")
    elif services.membership_set_role(group=group, user_id=user_id, **form.cleaned_data):
        messages.success(request, ROLE_MESSAGES[form.cleaned_data["role"]], extra_tags="people")
    return redirect(f"{group.get_absolute_url()}#people")


@_private(["GET", "HEAD", "POST"])
def remove_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Take someone out of the group, after a confirmation page naming them."""
    group = selectors.owned_group(request.user, slug)
    person = selectors.removable(group, user_id=user_id)
    if request.method == "POST":
        services.membership_remove(membership=person)
        messages.success(
            request,
            f"{person.user.username} is no longer in “{group.name}”. If they still have the "
            "invite link they can join again: replace it to stop that.",
            extra_tags="people",
        )
        return redirect(f"{group.get_absolute_url()}#people")
    return render(request, "groups/remove.html", {"group": group, "person": person})


@_private(["GET", "HEAD", "POST"])
def delete_group(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete the group, after a confirmation page."""
    group = selectors.owned_group(request.user, slug)
    if request.method == "POST":
        services.group_delete(group=group)
        messages.success(request, f"“{group.name}” is deleted. Nobody's progress was touched.")
        return redirect("groups:list")
    size = group.memberships.count()
    return render(request, "groups/delete.html", {"group": group, "size": size})
