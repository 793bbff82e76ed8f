from django.urls import include, path

from progress import account_views, group_views, views

app_name = "progress"

# /stages/<stage>/<step>/…: a learner's (or guest's) own status, ticks, note and project on a step
step_patterns = [
    path("status/", views.set_status, name="set_status"),
    path("note/", views.save_note, name="save_note"),
    path("project/", views.save_project, name="save_project"),
    path("checkpoints/<int:checkpoint>/", views.tick_checkpoint, name="tick_checkpoint"),
]
# /u/<username>/…: a public progress page and its README badge
public_patterns = [
    path("", account_views.public_progress, name="public_progress"),
    path("badge.svg", account_views.progress_badge, name="progress_badge"),
]
# /accounts/settings/…: next to django-allauth's /accounts/ pages
settings_patterns = [
    path("", account_views.account_settings, name="account_settings"),
    path("data.json", account_views.download_data, name="download_data"),
    path("delete/", account_views.delete_account, name="delete_account"),
]
# /groups/<slug>/…: a study group, for the people in it (404 for everyone else)
group_patterns = [
    path("", group_views.group_page, name="group"),
    path("progress.csv", group_views.group_csv, name="group_csv"),
    path("members/<int:user_id>/", group_views.member_page, name="group_member"),
    path("members/<int:user_id>/role/", group_views.set_role, name="group_set_role"),
    path("members/<int:user_id>/remove/", group_views.remove_member, name="group_remove_member"),
    path("leave/", group_views.leave, name="group_leave"),
    path("settings/", group_views.group_settings, name="group_settings"),
    path("invite/", group_views.replace_invite, name="group_replace_invite"),
    path("delete/", group_views.delete_group, name="group_delete"),
]

urlpatterns = [
    path("stages/<slug:stage>/<slug:step>/", include(step_patterns)),
    path("guest/", views.guest_start, name="guest_start"),
    path("progress/", views.dashboard, name="dashboard"),
    path("progress/reset/", views.reset_progress, name="reset_progress"),
    path("u/<str:username>/", include(public_patterns)),
    path("accounts/settings/", include(settings_patterns)),
    path("groups/", group_views.group_list, name="groups"),
    path("groups/join/<str:token>/", group_views.join, name="group_join"),
    path("groups/<slug:slug>/", include(group_patterns)),
]
