from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("trivial", views.trivial, name="trivial"),
    path("naive/", views.naive_page, name="naive_page"),
    path("naive/<int:step_id>/", views.naive_post, name="naive_post"),
]
