from django.urls import path

from webhooks import views

urlpatterns = [
    path("line/<str:webhook_key>/", views.line_webhook, name="line_webhook"),
]
