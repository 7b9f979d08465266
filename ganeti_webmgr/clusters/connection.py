"""Checking a cluster's connection before it is saved, and carrying what was checked
to the confirmation page (adding and editing a cluster from the web).

The checked values travel through the page signed (and timestamped) with the secret
key, so what is saved is exactly what was checked; the RAPI password travels
encrypted with the credentials key, never in plain text.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from ganeti_webmgr.clusters import credentials
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.clusters.rapi import new_client
from ganeti_webmgr.ganeti import (
    ClusterInfo,
    RapiError,
    RapiTimeout,
    Timeouts,
    fetch_certificate_fingerprint,
)

# Someone waits on the page: a cluster that does not answer is reported quickly.
CHECK_TIMEOUTS = Timeouts(connect=5, read=10, total=15)
# A confirmation older than this is refused: the certificate was checked "now".
CONFIRM_MAX_AGE = 30 * 60
_SALT = "ganeti_webmgr.clusters.confirm"


class CheckFailed(Exception):
    """The cluster cannot be used as configured; the message says why."""


def check(cluster: Cluster, trust: str) -> ClusterInfo:
    """Connect to cluster (saved or not) as configured and ask who it is.

    With trust "pin", the certificate the cluster presents now is pinned first
    (cluster.fingerprint is set). Raises CheckFailed naming the problem, also when
    the cluster is one GWM has under another entry.
    """
    try:
        if trust == "pin":
            cluster.fingerprint = fetch_certificate_fingerprint(
                cluster.hostname, cluster.port, timeout=CHECK_TIMEOUTS.connect
            )
        with new_client(cluster, CHECK_TIMEOUTS) as client:
            info = client.info()
    except RapiTimeout as error:
        raise CheckFailed(
            _(
                "Cannot use %(url)s: no answer in time (%(error)s; GWM waits %(connect)s s to "
                "connect and %(total)s s in all). Check the host name and port, and that "
                "ganeti-rapi runs on the master node."
            )
            % {
                "url": cluster.url,
                "error": error.message,
                "connect": f"{CHECK_TIMEOUTS.connect:g}",
                "total": f"{CHECK_TIMEOUTS.total:g}",
            }
        ) from None
    except (RapiError, credentials.CredentialsError) as error:
        raise CheckFailed(
            _("Cannot use %(url)s: %(error)s") % {"url": cluster.url, "error": error}
        ) from None
    duplicate = already_added(info.name, info.uuid, exclude=cluster)
    if duplicate:
        raise CheckFailed(duplicate)
    return info


def sign(values: dict[str, Any], purpose: str) -> str:
    """The checked values as one tamper-proof token for the confirmation form.

    purpose names what the token may confirm ("add", "edit:<pk>"), so a token made
    for one cluster cannot confirm a change of another.
    """
    return signing.dumps({"purpose": purpose, "values": values}, salt=_SALT, compress=True)


def unsign(token: str, purpose: str) -> dict[str, Any] | None:
    """The values sign() put in token; None if it was changed, is too old or is for
    something else."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("purpose") != purpose:
        return None
    values = data.get("values")
    return values if isinstance(values, dict) else None


def already_added(name: str, uuid: str | None, exclude: Cluster | None = None) -> str:
    """Why a cluster answering with this name and UUID (from /2/info) is one GWM has
    already, or "" when it is new; two rows for one cluster would count it twice."""
    clusters = Cluster.objects.all()
    if exclude is not None and exclude.pk is not None:
        clusters = clusters.exclude(pk=exclude.pk)
    same = clusters.filter(ganeti_name=name).first() if name else None
    if same is None and uuid:
        same = clusters.filter(info__uuid=uuid).first()
    if same is None:
        return ""
    return _(
        "This is Ganeti cluster %(name)s (%(uuid)s), which GWM has already as %(slug)s "
        "(%(url)s). Edit that one instead of adding it again."
    ) % {"name": name, "uuid": uuid or _("no UUID"), "slug": same.slug, "url": same.url}
