from django.urls import URLPattern, URLResolver, include, path

from progress import account_views, views

app_name = "progress"
# The dashboard (/progress/), the settings, the data download and account deletion
# (/accounts/settings/…) show what later apps keep too: roadmap_site/accounts.py routes
# them, in this namespace.

# /stages/<stage>/<step>/…: a learner's (or guest's) own status, ticks, note, project and hours
# on a step
step_patterns = [
    path("status/", views.set_status, name="set_status"),
    path("note/", views.save_note, name="save_note"),
    path("project/", views.save_project, name="save_project"),
    path("checkpoints/<int:checkpoint>/", views.tick_checkpoint, name="tick_checkpoint"),
    path("hours/", views.save_hours, name="save_hours"),
]
# /u/<username>/…: a public progress page and its README badge
public_patterns = [
    path("", account_views.public_progress, name="public_progress"),
    path("badge.svg", account_views.progress_badge, name="progress_badge"),
]
urlpatterns: list[URLPattern | URLResolver] = [
    path("stages/<slug:stage>/<slug:step>/", include(step_patterns)),
    path("guest/", views.guest_start, name="guest_start"),
    path("progress/reset/", views.reset_progress, name="reset_progress"),
    path("u/<str:username>/", include(public_patterns)),
]
