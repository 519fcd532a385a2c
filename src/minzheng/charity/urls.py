from django.urls import path

from . import views

urlpatterns = [
    path("", views.projects, name="charity-projects"),
    path("new/", views.project_new, name="charity-project-new"),
    path("<int:pk>/", views.project, name="charity-project"),
    path("<int:pk>/donate/", views.donate, name="charity-donate"),
    path("<int:pk>/spend/", views.spend, name="charity-spend"),
    path("donations/<int:pk>/receipt/", views.receipt, name="charity-receipt"),
    path("donations/<int:pk>/receipt/issue/", views.receipt_issue, name="charity-receipt-issue"),
    path("orgs/", views.orgs, name="charity-orgs"),
    path("orgs/<int:pk>/", views.org, name="charity-org"),
    path("central-care/", views.central_care, name="charity-central-care"),
    path("public/", views.public_list, name="charity-public-list"),
    path("public/<int:pk>/", views.public, name="charity-public"),
    path("lottery/", views.lottery, name="charity-lottery"),
    path("lottery/report/", views.lottery_report, name="charity-lottery-report"),
    path("lottery/<int:pk>/", views.lottery_plan, name="charity-lottery-plan"),
    path("lottery/<int:pk>/fund/", views.lottery_fund, name="charity-lottery-fund"),
    path("lottery/projects/<int:pk>/accept/", views.lottery_accept, name="charity-lottery-accept"),
]
