"""The profile page's form for a new API token. Its fields carry the names that
tokens.TokenError gives in `field`, so an error of issue() lands on its field."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr import conf
from ganeti_webmgr.api import tokens


def longest() -> int:
    """[api] max_token_days; 0: no limit."""
    return conf.current().get("api", "max_token_days")


def expiry_of(day: date) -> datetime:
    """A token "expires on" a day: it stops working at the day's start, local time (so
    the latest day allowed, today + max_token_days, stays inside the limit)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def last_day(today: date | None = None) -> date | None:
    days = longest()
    return (today or timezone.localdate()) + timedelta(days=days) if days else None


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the script or host using it."),
    )
    write = forms.BooleanField(
        label=gettext_lazy("May make changes"),
        required=False,
        help_text=gettext_lazy(
            "Without it the token only reads; with it, it may do what you may do."
        ),
    )
    expires_at = forms.DateField(
        label=gettext_lazy("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    allowed_ips = forms.CharField(
        label=gettext_lazy("Allowed networks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "Addresses or networks (CIDR, IPv4 or IPv6) it may be used from, one per line; "
            "empty: anywhere."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        today = timezone.localdate()
        field = self.fields["expires_at"]
        field.widget.attrs["min"] = (today + timedelta(days=1)).isoformat()
        if latest := last_day(today):
            field.initial = latest
            field.widget.attrs["max"] = latest.isoformat()
            field.help_text = _("At most %(days)s days from today.") % {"days": longest()}
        else:
            field.required = False
            field.help_text = _("Empty: it never expires.")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if tokens.active(self.user).filter(name=name).exists():
            raise forms.ValidationError(_("You already have a token with this name."))
        return name

    def clean_expires_at(self):
        day = self.cleaned_data["expires_at"]
        if day is None:
            return None
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        latest = last_day()
        if latest and day > latest:
            raise forms.ValidationError(
                _("Tokens are valid for at most %(days)s days: choose %(day)s or earlier.")
                % {"days": longest(), "day": latest.isoformat()}
            )
        return expiry_of(day)

    def clean_allowed_ips(self):
        values = tokens.split_networks(self.cleaned_data["allowed_ips"])
        if (wrong := tokens.not_a_network(values)) is not None:
            raise forms.ValidationError(
                _("“%(value)s” is not an IP address or network (CIDR).") % {"value": wrong}
            )
        return values
