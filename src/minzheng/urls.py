from django.urls import include, path

from minzheng.api import api
from minzheng.programmes.registry import url_includes

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("assistance/", include("minzheng.assistance.urls")),
    path("payroll/", include("minzheng.benefits.urls")),
    path("verification/", include("minzheng.verification.urls")),
    path("monitoring/", include("minzheng.monitoring.urls")),
    path("policy/", include("minzheng.policy.urls")),
    path("exchange/", include("minzheng.exchange.urls")),
    path("jobs/", include("minzheng.deskjobs.urls")),
    path("account/", include("minzheng.accounts.urls")),
    # every registered line's desk pages (elderly, children …), from the programme registry
    *[path(f"{prefix}/", include(module)) for prefix, module in url_includes()],
    path("", include("minzheng.web.urls")),
]
