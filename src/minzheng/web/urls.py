from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from minzheng.accounts.views import otp_verify
from minzheng.people import views as people_views

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", otp_verify, name="otp-verify"),
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("mobile/icon-192.png"))),
    path("", views.home, name="home"),
    path("people/", views.person_search_page, name="person-search"),
    path("people/export.xlsx", views.person_export, name="person-export"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
    path("people/<int:person_id>/reveal/", views.person_reveal, name="person-reveal"),
    path("people/unidentified/", people_views.unidentified_list, name="unidentified-list"),
    path("people/unidentified/new/", people_views.unidentified_new, name="unidentified-new"),
    path("people/<int:person_id>/photo/", people_views.unidentified_photo, name="unidentified-photo"),
    path("people/<int:person_id>/merge/", people_views.unidentified_merge, name="unidentified-merge"),
    path(
        "people/<int:person_id>/merge/decide/",
        people_views.unidentified_merge_decide,
        name="unidentified-merge-decide",
    ),
    path("households/new/", views.household_new, name="household-new"),
    path("people/transfer/", views.transfer_request_new, name="transfer-request-new"),
    path("households/<int:household_id>/", views.household_detail, name="household-detail"),
    path("regions/children/", views.region_children, name="region-children"),
    path("regions/divisions/", views.division_children, name="division-children"),
    path("audit/", views.audit_log, name="audit-log"),
    path("users/", include("minzheng.accounts.urls_users")),
]
