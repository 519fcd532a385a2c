from django.urls import path

from . import views

urlpatterns = [
    path("", views.org_list, name="orgs-list"),
    path("new/", views.org_new, name="orgs-new"),
    path("<int:pk>/", views.org_detail, name="orgs-detail"),
    path("<int:pk>/certificate/", views.certificate, name="orgs-certificate"),
    path("<int:pk>/<str:action>/", views.org_act, name="orgs-act"),
    path("case/<int:pk>/", views.case, name="orgs-case"),
    path("case/<int:pk>/<str:action>/", views.case_act, name="orgs-case-act"),
    path("reports/", views.reports, name="orgs-reports"),
    path("reports/<int:pk>/", views.report, name="orgs-report"),
    path("reports/<int:pk>/<str:action>/", views.report_act, name="orgs-report-act"),
    path("mine/", views.mine, name="orgs-mine"),
    path("mine/<int:year>/", views.mine_year, name="orgs-mine-year"),
    path("inspections/", views.inspections, name="orgs-inspections"),
    path("inspections/draw/<int:pk>/", views.draw, name="orgs-draw"),
    path("inspections/<int:pk>/", views.inspection, name="orgs-inspection"),
    path("inspections/<int:pk>/<str:action>/", views.inspection_act, name="orgs-inspection-act"),
    path("zombies/", views.zombies, name="orgs-zombies"),
    path("illegal/", views.illegal, name="orgs-illegal"),
    path("illegal/<int:pk>/<str:action>/", views.illegal_act, name="orgs-illegal-act"),
    path("targets/", views.targets, name="orgs-targets"),
    path("campaigns/", views.campaigns, name="orgs-campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="orgs-campaign"),
    path(
        "campaigns/results/<int:pk>/<str:action>/", views.campaign_result_act, name="orgs-campaign-result-act"
    ),
    path("mine/campaigns/<int:pk>/", views.mine_campaign, name="orgs-mine-campaign"),
]
