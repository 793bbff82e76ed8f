from django.urls import path

from roadmap import account_views, progress_views, views

app_name = "roadmap"

urlpatterns = [
    # The public roadmap: /, /stages/<stage>/, /stages/<stage>/<step>/
    path("", views.index, name="index"),
    path("stages/<slug:stage>/", views.stage_detail, name="stage"),
    path("stages/<slug:stage>/<slug:step>/", views.step_detail, name="step"),
    # A learner's (or guest's) own progress on a step
    path("stages/<slug:stage>/<slug:step>/status/", progress_views.set_status, name="set_status"),
    path("stages/<slug:stage>/<slug:step>/note/", progress_views.save_note, name="save_note"),
    path(
        "stages/<slug:stage>/<slug:step>/project/",
        progress_views.save_project,
        name="save_project",
    ),
    path("guest/", progress_views.guest_start, name="guest_start"),
    # The learner's dashboard
    path("progress/", progress_views.progress_dashboard, name="progress"),
    path("progress/reset/", progress_views.reset_progress, name="reset_progress"),
    # Public progress pages: /u/<username>/ and its README badge
    path("u/<str:username>/", account_views.public_progress, name="public_progress"),
    path("u/<str:username>/badge.svg", account_views.progress_badge, name="progress_badge"),
    # Account settings, next to django-allauth's /accounts/ pages
    path("accounts/settings/", account_views.account_settings, name="account_settings"),
    path("accounts/settings/data.json", account_views.download_data, name="download_data"),
    path("accounts/settings/delete/", account_views.delete_account, name="delete_account"),
]
