from django.urls import path

from plans import email_views, review_views, views

app_name = "plans"
# /plan/…: the learner's study plan, their due reviews, and the weekly email's unsubscribe
urlpatterns = [
    path("", views.plan, name="plan"),
    path("review/", review_views.review, name="review"),
    path("unsubscribe/<str:token>/", email_views.unsubscribe, name="unsubscribe"),
]
urlpatterns += [
    path("email/", email_views.email_settings, name="email_settings"),
]
