"""Job pages inside a cluster: /clusters/<slug>/jobs/..."""

from django.urls import path

from ganeti_webmgr.jobs import views

urlpatterns = [
    path("", views.job_list, name="cluster-job-list"),
    path("recent", views.cluster_jobs, name="cluster-jobs"),
    path("request/<int:pk>/", views.job_request, name="job-request"),
    path("request/<int:pk>/status", views.job_request_status, name="job-request-status"),
    path("<int:job_id>/", views.job_detail, name="job-detail"),
    path("<int:job_id>/status", views.job_status, name="job-status"),
    path("<int:job_id>/cancel", views.job_cancel, name="job-cancel"),
    path("<int:job_id>/acknowledge", views.job_acknowledge, name="job-acknowledge"),
]
