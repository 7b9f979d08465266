"""Jobs as the API shows them: GWM's request (its id is GWM's, known before Ganeti's
job id is), then Ganeti's job as gwm-worker follows it."""

from __future__ import annotations

from rest_framework import serializers

from ganeti_webmgr.audit.api import mask_secrets
from ganeti_webmgr.jobs.models import Job


def job_url(job: Job) -> str:
    return f"/api/v1/jobs/{job.pk}/"


class JobSerializer(serializers.ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    requested_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    url = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    operations = serializers.ListField(child=serializers.CharField(), read_only=True)
    cancel_requested = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "cluster",
            "job_id",
            "action",
            "status",
            "finished",
            "target_kind",
            "target_name",
            "target",
            "operations",
            "requested_by",
            "error_class",
            "error_code",
            "error_message",
            "cancel_requested",
            "created_at",
            "received_at",
            "started_at",
            "ended_at",
            "finished_at",
            "updated_at",
        ]

    def get_url(self, job) -> str:
        return job_url(job)

    def get_target(self, job) -> str | None:
        """The API address of what it acts on (a VM being created: once it exists)."""
        slug = job.cluster.slug
        if job.target_kind == Job.TargetKind.VIRTUAL_MACHINE and job.target_name:
            return f"/api/v1/clusters/{slug}/vms/{job.target_name}/"
        if job.target_kind == Job.TargetKind.NODE and job.target_name:
            return f"/api/v1/clusters/{slug}/nodes/{job.target_name}/"
        return f"/api/v1/clusters/{slug}/"

    def get_cancel_requested(self, job) -> bool:
        return job.cancel_requested_at is not None


class JobDetailSerializer(JobSerializer):
    """With what the job page shows: the request's parameters, Ganeti's log and result."""

    params = serializers.SerializerMethodField()
    log = serializers.JSONField(read_only=True)
    opresult = serializers.JSONField(read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [
            *JobSerializer.Meta.fields,
            "params",
            "log",
            "opresult",
            "cancel_sent_at",
            "cancel_result",
            "last_error",
        ]

    def get_params(self, job) -> dict:
        # As the audit log keeps them: a password among them is masked.
        return mask_secrets(job.params or {})
