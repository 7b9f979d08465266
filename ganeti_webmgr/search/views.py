from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ganeti_webmgr.search import finders


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    text = finders.clean(request.GET.get("q", ""))
    found = finders.search(request.user, text)
    return render(request, "search/results.html", {"q": text, "found": found})
