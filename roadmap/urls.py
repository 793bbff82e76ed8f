from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    # The public roadmap: /, /stages/<stage>/, /stages/<stage>/<step>/
    path("", views.index, name="index"),
    path("stages/<slug:stage>/", views.stage_detail, name="stage"),
    path("stages/<slug:stage>/<slug:step>/", views.step_detail, name="step"),
]
