from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ganeti_webmgr.clusters.models import Cluster


@csrf_exempt  # called by Ganeti's hook script with a bearer token, not from a browser
@require_POST
def notify(request: HttpRequest, slug: str) -> HttpResponse:
    """Ganeti's hook script says something changed: sync this cluster now.

    Answers 404 for a wrong token as for an unknown cluster, so the endpoint does not
    tell which cluster names exist.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    cluster = Cluster.objects.filter(slug=slug).first()
    if cluster is None or scheme.lower() != "bearer" or not cluster.notify_token_matches(token):
        return JsonResponse({"error": "unknown cluster or wrong token"}, status=404)
    Cluster.objects.filter(pk=cluster.pk).update(next_sync_at=timezone.now())
    return JsonResponse({"sync": "requested"}, status=202)
