from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("", views.index, name="index"),
    path("progress/", views.progress_dashboard, name="progress"),
    # /stages/<stage>/ and /stages/<stage>/<step>/
    path("stages/<slug:stage>/", views.stage_detail, name="stage"),
    path("stages/<slug:stage>/<slug:step>/", views.step_detail, name="step"),
    path("stages/<slug:stage>/<slug:step>/status/", views.set_status, name="set_status"),
]
