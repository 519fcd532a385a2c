from django.urls import path

from . import views

urlpatterns = [
    path("", views.roster, name="children-roster"),
    path("cases/", views.cases, name="children-cases"),
    path("cases/new/", views.case_new, name="children-case-new"),
    path("cases/<int:case_id>/", views.case_detail, name="children-case"),
    path("cases/<int:case_id>/letter/", views.case_letter, name="children-case-letter"),
    path("cases/<int:case_id>/<str:action>/", views.case_act, name="children-case-act"),
    path("checks/", views.checks, name="children-checks"),
    path("checks/rate/", views.check_rate, name="children-check-rate"),
    path("checks/<int:person_id>/", views.check_record, name="children-check"),
]
