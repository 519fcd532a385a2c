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
]
