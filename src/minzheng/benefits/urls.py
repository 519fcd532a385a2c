from django.urls import path

from . import views

urlpatterns = [
    path("", views.payroll_list, name="payroll-list"),
    path("generate/", views.payroll_generate, name="payroll-generate"),
    path("jobs/<int:job_id>/", views.payroll_job, name="payroll-job"),
    path("<int:run_id>/", views.payroll_detail, name="payroll-detail"),
    path("<int:run_id>/freeze/", views.payroll_freeze, name="payroll-freeze"),
    path("<int:run_id>/adjust/", views.payroll_adjust, name="payroll-adjust"),
    path("<int:run_id>/bank.<str:fmt>", views.payroll_export, name="payroll-export"),
    path("<int:run_id>/summary.csv", views.payroll_summary_csv, name="payroll-summary"),
    path("corrections/decide/", views.payroll_correction_decide, name="payroll-correction-decide"),
    path("payee/<int:person_id>/", views.payee_account_set, name="payee-account-set"),
    path("payee/<int:person_id>/decide/", views.payee_account_decide, name="payee-account-decide"),
]
