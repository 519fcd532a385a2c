from django.urls import path

from . import views

urlpatterns = [
    path("", views.sign_in, name="citizen-sign-in"),
    path("notices/", views.notices, name="citizen-notices"),
    path("notices/<int:notice_id>/objection/", views.objection, name="citizen-notice-objection"),
    path("me/", views.home, name="citizen-home"),
    path("sign-out/", views.sign_out, name="citizen-sign-out"),
    path("apply/<slug:programme>/", views.apply, name="citizen-apply"),
    path("case/<int:application_id>/", views.case, name="citizen-case"),
    path("online/<int:online_id>/", views.online, name="citizen-online"),
    path("case/<int:application_id>/letter/<int:decision_id>.pdf", views.letter, name="citizen-letter"),
    path("desk/", views.desk, name="citizen-desk"),
    path("desk/<int:online_id>/", views.desk_detail, name="citizen-desk-detail"),
    path(
        "desk/<int:online_id>/document/<int:document_id>/", views.desk_document, name="citizen-desk-document"
    ),
    path("desk/objections/<int:objection_id>/", views.objection_record, name="citizen-objection"),
]
