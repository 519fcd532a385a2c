from django.urls import path

from . import views

urlpatterns = [
    path("", views.worklist, name="alert-worklist"),
    path("<int:alert_id>/handle/", views.handle, name="alert-handle"),
    path("runs/", views.run_progress, name="screening-runs"),
]
