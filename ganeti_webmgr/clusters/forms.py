from __future__ import annotations

from django import forms
from django.utils.text import slugify

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import RapiError
from ganeti_webmgr.ganeti.tls import format_fingerprint, normalize_fingerprint
from ganeti_webmgr.ganeti.transport import parse_rapi_url

TRUST_CHOICES = [
    ("pin", "Pin the certificate the cluster presents (Ganeti's own, self-signed)"),
    ("ca", "Its certificate is signed by this CA"),
    ("system", "Its certificate is signed by a CA this system trusts"),
]


class ClusterForm(forms.Form):
    slug = forms.SlugField(
        label="Name in GWM",
        max_length=50,
        help_text="Short name for URLs and commands, e.g. production.",
    )
    hostname = forms.CharField(max_length=255, help_text="The cluster's RAPI host name.")
    port = forms.IntegerField(min_value=1, max_value=65535, initial=5080)
    username = forms.CharField(
        max_length=128, required=False, help_text="RAPI user; leave empty for a read-only cluster."
    )
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False))
    trust = forms.ChoiceField(choices=TRUST_CHOICES, initial="pin", widget=forms.RadioSelect)
    ca_certificates = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="CA certificate (PEM)"
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug != slugify(slug):
            raise forms.ValidationError("Use lower-case letters, digits and '-' only.")
        if Cluster.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"A cluster named {slug!r} exists already.")
        return slug

    def clean(self):
        data = super().clean()
        if data.get("hostname") and data.get("port"):
            try:
                parse_rapi_url(f"{data['hostname']}:{data['port']}")
            except RapiError as error:
                self.add_error("hostname", error.message)
        if bool(data.get("username")) != bool(data.get("password")):
            self.add_error("password", "Give the user name and the password, or neither.")
        if data.get("trust") == "ca" and "BEGIN CERTIFICATE" not in data.get("ca_certificates", ""):
            self.add_error("ca_certificates", "Paste the CA certificate in PEM form.")
        return data


class ConfirmForm(forms.Form):
    """The checked values, carried to the confirmation; the password encrypted."""

    slug = forms.SlugField()
    hostname = forms.CharField()
    port = forms.IntegerField()
    username = forms.CharField(required=False)
    password_encrypted = forms.CharField(required=False)
    fingerprint = forms.CharField(required=False)
    ca_certificates = forms.CharField(required=False)
    description = forms.CharField(required=False)

    def clean_fingerprint(self):
        value = self.cleaned_data["fingerprint"]
        try:
            return format_fingerprint(normalize_fingerprint(value)) if value else ""
        except RapiError as error:
            raise forms.ValidationError(error.message) from None
