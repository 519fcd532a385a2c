from django.urls import path

from . import views

urlpatterns = [
    path("run/<int:application_id>/", views.verify, name="verification-run"),
    path("<int:report_id>/", views.report, name="verification-report"),
    path("<int:report_id>/report.pdf", views.report_print, name="verification-pdf"),
]
