"""Study groups in the admin: for superusers only, never for the Editors group.

Editors curate content; a group says who follows whom, which is personal. The
Editors group is never granted these models' permissions (roadmap_site/editors.py),
and each admin here asks for a superuser whatever permissions someone holds.
"""

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest

from groups.models import Membership, StudyGroup
from roadmap_site.admin_tools import CountingAdmin, annotated_column


class SuperusersOnly:
    """For a ModelAdmin or an inline: only an active superuser sees or changes anything."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)


class MembershipInline(SuperusersOnly, admin.TabularInline):
    model = Membership
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(StudyGroup)
class StudyGroupAdmin(SuperusersOnly, CountingAdmin):
    list_display = ["name", "slug", "owner", "people", "members_see_progress", "created_at"]
    list_select_related = ["owner"]
    list_filter = ["members_see_progress"]
    search_fields = ["name", "slug", "owner__username", "owner__email"]
    # The invite token is left out: whoever reads it may join the group.
    fields = ["name", "slug", "description", "owner", "members_see_progress", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["owner"]
    inlines = [MembershipInline]

    counts = {"people_total": Count("memberships")}
    people = annotated_column("people_total", "people")
