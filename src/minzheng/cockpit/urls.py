from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="cockpit-home"),
    path("export.xlsx", views.export, name="cockpit-export"),
    path("list/", views.figure_list, name="cockpit-list"),
    path("compute/", views.compute, name="cockpit-compute"),
    path("targets/", views.plan_targets, name="cockpit-targets"),
    path("reports/", views.report_list, name="cockpit-reports"),
    path("reports/<int:pk>/", views.report_detail, name="cockpit-report"),
    path("reports/<int:pk>/export.xlsx", views.report_export, name="cockpit-report-export"),
]
