from django.urls import path

from . import views

urlpatterns = [
    path("", views.cases, name="protection-cases"),
    path("report/", views.report, name="protection-report"),
    path("overdue/", views.overdue, name="protection-overdue"),
    path("<int:pk>/", views.case, name="protection-case"),
    path("<int:pk>/<str:action>/", views.case_act, name="protection-case-act"),
    path("adoption/", views.adoptions, name="protection-adoptions"),
    path("adoption/children/", views.adoptable, name="protection-adoptable"),
    path("adoption/<int:pk>/", views.adoption, name="protection-adoption"),
    path("adoption/<int:pk>/certificate/", views.certificate, name="protection-certificate"),
    path("adoption/<int:pk>/<str:action>/", views.adoption_act, name="protection-adoption-act"),
]
