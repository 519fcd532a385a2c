from django.urls import path

from . import views, views_elsewhere, views_referrals

urlpatterns = [
    path("", views.worklist, name="assistance-worklist"),
    path("trial/", views.trial, name="assistance-trial"),
    path("new/<int:household_id>/", views.application_new, name="application-new"),
    path("<int:application_id>/", views.application_detail, name="application-detail"),
    path("<int:application_id>/why/", views.application_why, name="application-why"),
    path("letters/", views.decision_letters, name="decision-letters"),
    path("<int:application_id>/letter.pdf", views.application_letter, name="application-letter"),
    # The document is chosen by ?d=<id> so the route carries the one application id that scoping checks.
    path("<int:application_id>/document/", views.document_view, name="application-document"),
    path("<int:application_id>/<slug:action>/", views.application_action, name="application-action"),
    path("temporary/elsewhere/", views_elsewhere.temporary_elsewhere, name="temporary-elsewhere"),
    path("referrals/", views_referrals.referral_list, name="referral-list"),
    path("referrals/<int:referral_id>/", views_referrals.referral_detail, name="referral-detail"),
    path("referrals/<int:referral_id>/<slug:action>/", views_referrals.referral_act, name="referral-act"),
    path("deadlines/", views.deadlines, name="case-deadlines"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/open/<int:enrolment_id>/", views.review_open, name="review-open"),
    path("reviews/<int:review_id>/decide/", views.review_decide, name="review-decide"),
    path("reviews/<int:review_id>/letter.pdf", views.review_letter_pdf, name="review-letter"),
    path("reviews/close-ended/", views.close_ended, name="reviews-close-ended"),
    path("reviews/<int:review_id>/confirm/", views.review_confirm, name="review-confirm"),
    path("escalations/<int:escalation_id>/decide/", views.escalation_decide, name="escalation-decide"),
]
