from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core import dashboard
from ganeti_webmgr.permissions.rules import visible
from ganeti_webmgr.quotas import usage


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "clusters": dashboard.summaries(user),
            "errors": dashboard.recent_errors(user),
            "jobs": dashboard.recent_jobs(user),
            "own_vms": dashboard.own_vms(user),
            "quota_usage": usage.overview(user, visible(user, Cluster.objects.order_by("slug"))),
        },
    )


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise.

    Says nothing else about the site, so it needs no login.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; the icon is a static file."""
    return HttpResponsePermanentRedirect(static("gwm/favicon.svg"))
