"""A user's choice of columns and page size on a list, remembered for their next visit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ganeti_webmgr.accounts.models import ListPreference
from ganeti_webmgr.core import listing, params


@login_required
@require_POST
def list_preferences(request: HttpRequest, name: str) -> HttpResponse:
    spec = listing.SPECS.get(name)
    if spec is None:
        raise Http404(f"no list {name!r}")
    back = listing.without_view_choices(params.local_path(request.POST.get("next"), request, "/"))
    known = [c.key for c in spec.columns]
    chosen = request.POST.getlist("col")
    unknown = [key for key in chosen if key not in known]
    page_size = params.primary_key(request.POST.get("per_page", ""))
    if unknown or page_size not in listing.PAGE_SIZES:
        messages.error(
            request,
            _("Columns: choose among %(columns)s; page size: one of %(sizes)s.")
            % {"columns": ", ".join(known), "sizes": ", ".join(map(str, listing.PAGE_SIZES))},
        )
        return redirect(back)
    columns = [key for key in known if key in chosen or key == known[0]]
    if request.POST.get("reset"):
        ListPreference.objects.filter(user=request.user, list_name=name).delete()
        messages.success(request, _("Columns and page size back to the defaults."))
    else:
        ListPreference.objects.update_or_create(
            user=request.user,
            list_name=name,
            defaults={"columns": columns, "page_size": page_size},
        )
        messages.success(request, _("Columns and page size remembered."))
    return redirect(back)
