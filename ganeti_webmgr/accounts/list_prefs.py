"""The columns and page size a user chose on a list (accounts.views.lists saves them)."""

from __future__ import annotations

from ganeti_webmgr.accounts.models import ListPreference


def saved(user, name: str) -> tuple[list[str] | None, int | None]:
    """What user chose on list `name`: (columns, page size), None where not chosen."""
    preference = ListPreference.objects.filter(user=user, list_name=name).first()
    if preference is None:
        return None, None
    return preference.columns or None, preference.page_size
