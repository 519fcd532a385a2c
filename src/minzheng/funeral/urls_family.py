"""指尖办 pages of the funeral line, mounted under /citizen/funeral/ (the resident's cookie is scoped to
/citizen/): the family follows a 身后一件事 case, read-only."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.family_cases, name="funeral-family"),
    path("<int:pk>/", views.family_case, name="funeral-family-case"),
]
