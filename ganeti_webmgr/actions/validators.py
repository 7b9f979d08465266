"""Ganeti's rules for the names and tags GWM sends, checked before anything is sent."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _

# Ganeti accepts tags of up to 128 characters from this set.
TAG = re.compile(r"[\w.+*/:@-]{1,128}")
# A host name: labels of letters, digits and inner hyphens, at most 63 characters
# each and 253 in all (what DNS allows and Ganeti's name checks expect).
HOSTNAME = re.compile(
    r"(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
)


def ganeti_name(text: str) -> str:
    """A VM or node name as Ganeti stores it (lower case), or ValidationError saying why not."""
    name = text.strip().rstrip(".").lower()
    if len(name) > 253:
        raise forms.ValidationError(
            _("At most 253 characters (%(given)s given).") % {"given": f"{len(name):,}"}
        )
    label = next((part for part in name.split(".") if len(part) > 63), None)
    if label is not None:
        raise forms.ValidationError(
            _("Each part between dots may have at most 63 characters (%(part)s… has %(length)s).")
            % {"part": label[:20], "length": len(label)}
        )
    if not HOSTNAME.fullmatch(name):
        raise forms.ValidationError(
            _(
                "A host name: letters, digits and hyphens, in parts separated by dots; "
                "no part begins or ends with a hyphen."
            )
        )
    return name
