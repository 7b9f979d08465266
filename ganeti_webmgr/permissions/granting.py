"""Granting and revoking with the log's entries, in one transaction: the web's
permission pages and the API both change grants here."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from ganeti_webmgr import audit
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.permissions import grants


def set_permissions(request: HttpRequest, obj, holder, codes) -> tuple[list[str], list[str]]:
    """Make holder's permissions on obj exactly codes; returns (granted, revoked)."""
    with transaction.atomic():
        granted, revoked = grants.set_permissions(obj, holder, list(codes))
        _record(request, obj, holder, granted, revoked)
    return granted, revoked


def _record(request, obj, holder, granted, revoked) -> None:
    targets = [obj, holder] if isinstance(obj, Cluster) else [obj, obj.cluster, holder]
    changes = {"permissions": [sorted(set(revoked)), sorted(set(granted))]}
    for action, codes in (("permission.grant", granted), ("permission.revoke", revoked)):
        if codes:
            verb = "granted" if action == "permission.grant" else "revoked"
            audit.record(
                action,
                request=request,
                targets=targets,
                changes=changes,
                message=f"{', '.join(codes)} on {obj} {verb} for {holder}",
            )
