"""VM pages inside a cluster: /clusters/<slug>/vms/..."""

from django.urls import path

from ganeti_webmgr.virtual_machines import views

urlpatterns = [
    path("", views.vm_list, name="cluster-vm-list"),
    path("export", views.vm_export, name="cluster-vm-export"),
    path("<str:name>/", views.vm_detail, name="vm-detail"),
    path("<str:name>/status", views.vm_status, name="vm-status"),
    path("<str:name>/jobs", views.vm_jobs, name="vm-jobs"),
    path("<str:name>/actions", views.vm_actions, name="vm-actions"),
    path("<str:name>/owner", views.vm_owner, name="vm-owner"),
    path("<str:name>/notes", views.vm_notes, name="vm-notes"),
    path("<str:name>/parameters", views.vm_parameters, name="vm-parameters"),
    path("<str:name>/<str:action>", views.vm_action, name="vm-action"),
]
