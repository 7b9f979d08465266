"""The quota check, race-free: the owner's row is locked (SELECT ... FOR UPDATE; on
SQLite the IMMEDIATE transaction already serialises writers), usage is read
(synced + reserved) and, if the demand fits, a Reservation is written, all in the
transaction that records the job. Two requests at a quota's edge cannot both pass:
the second waits for the first's commit, and then sees its reservation.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.utils.translation import gettext as _

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.jobs.models import Job
from ganeti_webmgr.quotas import usage
from ganeti_webmgr.quotas.models import RESOURCES, Reservation
from ganeti_webmgr.quotas.usage import LABELS, Amount, amount_text


class OverQuota(Exception):
    """str() says which resources, by how much, for whom (for the user)."""


def lock_owner(owner: User | Group) -> None:
    model = Group if isinstance(owner, Group) else User
    list(model.objects.select_for_update().filter(pk=owner.pk).values_list("pk"))


def check(
    cluster: Cluster,
    owner: User | Group,
    demand: Amount,
    *,
    override: bool = False,
    excluding=None,
) -> bool:
    """Lock the owner and check that demand fits its quota; OverQuota if not (unless
    override). Returns whether the quota was overridden. Call inside a transaction."""
    lock_owner(owner)
    demand = demand.positive()
    if not demand:
        return False
    limits = usage.limits(cluster, owner)
    if limits.unlimited:
        return False
    now = usage.used(cluster, owner, excluding=excluding)
    beyond = limits.exceeded(now + demand)
    # What is over already and gets no more of stays allowed (a change made outside GWM).
    beyond = [r for r in beyond if getattr(demand, r) > 0]
    if not beyond:
        return False
    if override:
        return True
    raise OverQuota(_explain(cluster, owner, limits, now, demand, beyond))


def keep(cluster: Cluster, owner, demand: Amount, job: Job, *, overridden: bool) -> None:
    """Hold demand for job until it ends (after check(), in its transaction)."""
    demand = demand.positive()
    if owner is None or not demand:
        return
    Reservation.objects.create(
        cluster=cluster,
        owner_user=owner if isinstance(owner, User) else None,
        owner_group=owner if isinstance(owner, Group) else None,
        job=job,
        overridden=overridden,
        **{r: getattr(demand, r) for r in RESOURCES},
    )


def _explain(cluster, owner, limits, now: Amount, demand: Amount, beyond: list[str]) -> str:
    """Why, for the user who asked (in their language)."""
    if isinstance(owner, Group):
        whose = _("group %(name)s") % {"name": owner.name}
    else:
        whose = owner.get_username()
    parts = []
    for r in beyond:
        limit, used, more = getattr(limits, r), getattr(now, r), getattr(demand, r)
        parts.append(
            _("%(resource)s: %(more)s more, with %(used)s in use, exceeds %(limit)s")
            % {
                "resource": LABELS[r],
                "more": amount_text(r, more),
                "used": amount_text(r, used),
                "limit": amount_text(r, limit),
            }
        )
    return _("Over the quota of %(whose)s on %(cluster)s: %(why)s.") % {
        "whose": whose,
        "cluster": cluster.slug,
        "why": "; ".join(parts),
    }
