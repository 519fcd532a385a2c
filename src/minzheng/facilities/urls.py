from django.urls import path

from . import views

urlpatterns = [
    path("", views.facility_list, name="facilities-list"),
    path("new/", views.facility_new, name="facilities-new"),
    path("<int:facility_id>/", views.facility_detail, name="facilities-detail"),
    path("<int:facility_id>/admit/", views.admit, name="facilities-admit"),
    path("<int:facility_id>/edit/", views.facility_edit, name="facilities-edit"),
    path("resident/<int:residency_id>/", views.resident, name="facilities-resident"),
    path(
        "resident/<int:residency_id>/<str:action>/", views.resident_action, name="facilities-resident-action"
    ),
    path("outing/<int:outing_id>/<str:action>/", views.outing_action, name="facilities-outing-action"),
    path("workers/", views.workers, name="facilities-workers"),
    path("workers/<int:worker_id>/award/", views.worker_award, name="facilities-worker-award"),
    path("figures/", views.figures, name="facilities-figures"),
    path("grants/", views.grants, name="facilities-grants"),
    path("grants/<int:grant_id>/advance/", views.grant_advance_view, name="facilities-grant-advance"),
    path("adaptations/", views.adaptations, name="facilities-adaptations"),
    path(
        "adaptations/<int:adaptation_id>/advance/",
        views.adaptation_advance_view,
        name="facilities-adaptation-advance",
    ),
    path("supervision/", views.draws, name="facilities-draws"),
    path("supervision/<int:draw_id>/", views.draw_detail, name="facilities-draw"),
    path("inspection/<int:inspection_id>/", views.inspection, name="facilities-inspection"),
]
