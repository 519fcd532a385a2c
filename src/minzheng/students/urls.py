from django.urls import path

from . import views

urlpatterns = [
    path("", views.student_list, name="students-list"),
    path("new/", views.student_new, name="students-new"),
    path("check/", views.check_education, name="students-check-education"),
    path("imports/", views.term_imports, name="students-imports"),
    path("imports/<int:import_id>/", views.term_import, name="students-import"),
    path("awards/", views.award_list, name="students-awards"),
    path("awards/<int:award_id>/", views.award, name="students-award"),
    path("<int:student_id>/", views.student, name="students-student"),
]
