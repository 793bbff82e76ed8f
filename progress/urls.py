from django.urls import path

from progress import account_views, views

app_name = "progress"

urlpatterns = [
    # A learner's (or guest's) own progress on a step, next to the step's page
    path("stages/<slug:stage>/<slug:step>/status/", views.set_status, name="set_status"),
    path("stages/<slug:stage>/<slug:step>/note/", views.save_note, name="save_note"),
    path("stages/<slug:stage>/<slug:step>/project/", views.save_project, name="save_project"),
    path("guest/", views.guest_start, name="guest_start"),
    # The learner's dashboard
    path("progress/", views.dashboard, name="dashboard"),
    path("progress/reset/", views.reset_progress, name="reset_progress"),
    # Public progress pages: /u/<username>/ and its README badge
    path("u/<str:username>/", account_views.public_progress, name="public_progress"),
    path("u/<str:username>/badge.svg", account_views.progress_badge, name="progress_badge"),
    # Account settings, next to django-allauth's /accounts/ pages
    path("accounts/settings/", account_views.account_settings, name="account_settings"),
    path("accounts/settings/data.json", account_views.download_data, name="download_data"),
    path("accounts/settings/delete/", account_views.delete_account, name="delete_account"),
]
