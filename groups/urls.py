from django.urls import include, path

from groups import views

app_name = "groups"

# /groups/<slug>/…: a study group, for the people in it (404 for everyone else)
group_patterns = [
    path("", views.group_page, name="detail"),
    path("progress.csv", views.group_csv, name="csv"),
    path("members/<int:user_id>/", views.member_page, name="member"),
    path("members/<int:user_id>/role/", views.set_role, name="set_role"),
    path("members/<int:user_id>/remove/", views.remove_member, name="remove_member"),
    path("leave/", views.leave, name="leave"),
    path("settings/", views.group_settings, name="settings"),
    path("invite/", views.replace_invite, name="replace_invite"),
    path("delete/", views.delete_group, name="delete"),
]

# Under /groups/
urlpatterns = [
    path("", views.group_list, name="list"),
    path("join/<str:token>/", views.join, name="join"),
    path("<slug:slug>/", include(group_patterns)),
]
