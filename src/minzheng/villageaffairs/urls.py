from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="villageaffairs-home"),
    path("village/<int:pk>/", views.village, name="villageaffairs-village"),
    path("village/<int:pk>/publish/", views.publish, name="villageaffairs-publish"),
    path("village/<int:pk>/board/", views.board, name="villageaffairs-board"),
    path("disclosure/<int:pk>/", views.disclosure, name="villageaffairs-disclosure"),
    path("disclosure/<int:pk>/correct/", views.disclosure_correct, name="villageaffairs-correct"),
    path("attachment/<int:pk>/", views.attachment, name="villageaffairs-attachment"),
    path("questions/", views.questions, name="villageaffairs-questions"),
    path("questions/new/", views.question_new, name="villageaffairs-question-new"),
    path("questions/<int:pk>/", views.question, name="villageaffairs-question"),
    path("questions/<int:pk>/<str:action>/", views.question_act, name="villageaffairs-question-act"),
    path("inspections/", views.inspections, name="villageaffairs-inspections"),
    path("inspections/<int:pk>/", views.inspection, name="villageaffairs-inspection"),
    path("inspections/<int:pk>/finding/", views.finding_new, name="villageaffairs-finding-new"),
    path("findings/<int:pk>/", views.finding, name="villageaffairs-finding"),
    path("findings/<int:pk>/<str:action>/", views.finding_act, name="villageaffairs-finding-act"),
    path("matters/", views.matters, name="villageaffairs-matters"),
    path("matters/<int:pk>/", views.matter, name="villageaffairs-matter"),
    path("matters/<int:pk>/<str:action>/", views.matter_act, name="villageaffairs-matter-act"),
    path("matter-files/<int:pk>/", views.matter_file, name="villageaffairs-matter-file"),
    path("cadres/", views.cadres, name="villageaffairs-cadres"),
    path("cadres/<int:pk>/", views.cadre, name="villageaffairs-cadre"),
    path("catalogue/", views.catalogue, name="villageaffairs-catalogue"),
]
