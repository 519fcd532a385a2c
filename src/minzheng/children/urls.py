from django.urls import path

from . import views

urlpatterns = [
    path("", views.roster, name="children-roster"),
    path("cases/", views.cases, name="children-cases"),
    path("cases/new/", views.case_new, name="children-case-new"),
    path("cases/<int:case_id>/", views.case_detail, name="children-case"),
    path("cases/<int:case_id>/letter/", views.case_letter, name="children-case-letter"),
    path("cases/<int:case_id>/change/", views.case_change, name="children-case-change"),
    path("cases/<int:case_id>/<str:action>/", views.case_act, name="children-case-act"),
    path("checks/", views.checks, name="children-checks"),
    path("checks/rate/", views.check_rate, name="children-check-rate"),
    path("checks/<int:person_id>/", views.check_record, name="children-check"),
    path("files/", views.files, name="children-files"),
    path("files/open/", views.file_open, name="children-file-open"),
    path("files/<int:person_id>/", views.file_detail, name="children-file"),
    path("files/<int:person_id>/print/", views.file_print, name="children-file-print"),
    path("files/<int:person_id>/edit/", views.file_edit, name="children-file-edit"),
    path("files/<int:person_id>/assess/", views.file_assess, name="children-file-assess"),
    path("files/<int:person_id>/visit/", views.file_visit, name="children-file-visit"),
    path("redecisions/", views.redecisions, name="children-redecisions"),
    path("redecisions/<int:case_id>/", views.redecision_open, name="children-redecision-open"),
    path("workforce/", views.workforce, name="children-workforce"),
    path("workforce/<int:worker_id>/training/", views.worker_training, name="children-worker-training"),
    path("homes/", views.homes, name="children-homes"),
    path("export/<str:which>/", views.export, name="children-export"),
    path("homes/<int:facility_id>/", views.home_detail, name="children-home"),
]
