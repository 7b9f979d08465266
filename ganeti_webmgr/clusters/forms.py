from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.clusters import connection, credentials
from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.ganeti import RapiError
from ganeti_webmgr.ganeti.transport import parse_rapi_url

TRUST_CHOICES = [
    ("pin", gettext_lazy("Pin the certificate the cluster presents (Ganeti's own, self-signed)")),
    ("ca", gettext_lazy("Its certificate is signed by this CA")),
    ("system", gettext_lazy("Its certificate is signed by a CA this system trusts")),
]


class ConnectionForm(forms.Form):
    """How GWM reaches a cluster's RAPI: the fields adding and editing share."""

    hostname = forms.CharField(
        label=gettext_lazy("Hostname"),
        max_length=255,
        help_text=gettext_lazy("The cluster's RAPI host name."),
    )
    port = forms.IntegerField(
        label=gettext_lazy("Port"), min_value=1, max_value=65535, initial=5080
    )
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=128,
        required=False,
        help_text=gettext_lazy("RAPI user; leave empty for a read-only cluster."),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    trust = forms.ChoiceField(
        label=gettext_lazy("Trust"),
        choices=TRUST_CHOICES,
        initial="pin",
        widget=forms.RadioSelect,
    )
    ca_certificates = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("CA certificate (PEM)"),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # (legend, field names) for clusters/_fieldsets.html.
    FIELDSETS: list[tuple[str, list[str]]] = []

    @property
    def fieldsets(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]

    def clean_ca_certificates(self):
        # Browsers send textarea line ends as CRLF; store them as the PEM file had them.
        return self.cleaned_data["ca_certificates"].replace("\r\n", "\n")

    def clean(self):
        data = super().clean()
        if data.get("hostname") and data.get("port"):
            try:
                parse_rapi_url(f"{data['hostname']}:{data['port']}")
            except RapiError as error:
                self.add_error("hostname", error.message)
        if data.get("trust") == "ca" and "BEGIN CERTIFICATE" not in data.get("ca_certificates", ""):
            self.add_error("ca_certificates", _("Paste the CA certificate in PEM form."))
        return data


class ClusterForm(ConnectionForm):
    """Adding a cluster."""

    slug = forms.SlugField(
        label=gettext_lazy("Name in GWM"),
        max_length=50,
        help_text=gettext_lazy("Short name for URLs and commands, e.g. production."),
    )

    field_order = ["slug"]
    FIELDSETS = [
        (gettext_lazy("Cluster"), ["slug", "description"]),
        (gettext_lazy("Remote API"), ["hostname", "port"]),
        (gettext_lazy("Credentials"), ["username", "password"]),
        (gettext_lazy("Certificate"), ["trust", "ca_certificates"]),
    ]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug != slugify(slug):
            raise forms.ValidationError(_("Use lower-case letters, digits and '-' only."))
        if Cluster.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                _("A cluster named %(name)r exists already.") % {"name": slug}
            )
        return slug

    def clean(self):
        data = super().clean()
        if bool(data.get("username")) != bool(data.get("password")):
            self.add_error("password", _("Give the user name and the password, or neither."))
        return data

    def new_cluster(self) -> Cluster:
        """The cluster as entered (unsaved; a "pin" trust is resolved by the check)."""
        data = self.cleaned_data
        cluster = Cluster(
            slug=data["slug"],
            hostname=data["hostname"],
            port=data["port"],
            username=data["username"],
            description=data["description"],
            read_only=not data["username"],
            ca_certificates=data["ca_certificates"] if data["trust"] == "ca" else "",
        )
        cluster.password = data["password"]
        return cluster


# What the database's integer columns hold everywhere (PositiveIntegerField).
QUOTA_MAX = 2_147_483_647
NO_LIMIT = gettext_lazy("Empty: no limit.")


class ClusterEditForm(ConnectionForm):
    """Editing a cluster: what changes the connection is checked before it is saved."""

    remove_credentials = forms.BooleanField(
        required=False,
        label=gettext_lazy("Remove the credentials"),
        help_text=gettext_lazy(
            "GWM forgets the user name and password and only reads this cluster."
        ),
    )
    auto_import = forms.BooleanField(
        required=False,
        label=gettext_lazy("Import new instances and nodes automatically"),
        help_text=gettext_lazy(
            "Off: new ones wait in the import tools until an administrator imports them."
        ),
    )
    default_quota_ram = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=QUOTA_MAX,
        label=gettext_lazy("Memory (MiB)"),
        help_text=NO_LIMIT,
    )
    default_quota_disk = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=QUOTA_MAX,
        label=gettext_lazy("Disk (MiB)"),
        help_text=NO_LIMIT,
    )
    default_quota_vcpus = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=QUOTA_MAX,
        label="vCPUs",
        help_text=NO_LIMIT,
    )
    default_quota_vms = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=QUOTA_MAX,
        label=gettext_lazy("Virtual machines"),
        help_text=NO_LIMIT,
    )
    quota_counts_stopped_vms = forms.BooleanField(
        required=False,
        label=gettext_lazy("Count the memory and vCPUs of stopped VMs too"),
        help_text=gettext_lazy(
            "Off: only running VMs use memory and vCPUs of a quota (disk counts always)."
        ),
    )

    # Settings saved as typed, without a connection check.
    PLAIN_FIELDS = [
        "description",
        "default_quota_ram",
        "default_quota_disk",
        "default_quota_vcpus",
        "default_quota_vms",
        "quota_counts_stopped_vms",
        "auto_import",
    ]
    # What changes how GWM talks to the cluster: a change is checked and confirmed first.
    CONNECTION_FIELDS = [
        "hostname",
        "port",
        "username",
        "password_encrypted",
        "read_only",
        "fingerprint",
        "ca_certificates",
    ]
    FIELDSETS = [
        (gettext_lazy("Cluster"), ["description", "auto_import"]),
        (gettext_lazy("Remote API"), ["hostname", "port"]),
        (gettext_lazy("Credentials"), ["username", "password", "remove_credentials"]),
        (gettext_lazy("Certificate"), ["trust", "ca_certificates"]),
        (
            gettext_lazy("Default quotas of VM owners who have none of their own"),
            PLAIN_FIELDS[1:6],
        ),
    ]

    def __init__(self, data=None, *, cluster: Cluster, **kwargs):
        self.cluster = cluster
        initial = {
            name: getattr(cluster, name)
            for name in ("hostname", "port", "username", "ca_certificates", *self.PLAIN_FIELDS)
        }
        super().__init__(data, initial={**initial, "trust": "keep"}, **kwargs)
        self.fields["trust"].choices = [
            ("keep", _("Keep it as it is (%(trust)s)") % {"trust": cluster.trust_text}),
            ("pin", _("Re-pin: trust the certificate the cluster presents now")),
            *TRUST_CHOICES[1:],
        ]
        self.fields["username"].help_text = _("RAPI user.")
        if cluster.password_encrypted:
            self.fields["password"].help_text = _("Leave empty to keep the stored password.")
        if not cluster.username:
            del self.fields["remove_credentials"]  # nothing to remove
            self.fields["username"].help_text = _(
                "RAPI user with write access; leave empty to keep the cluster read-only."
            )

    def clean(self):
        data = super().clean()
        typed_ca = data.get("ca_certificates", "").strip()
        if data.get("trust") == "keep" and typed_ca != self.cluster.ca_certificates.strip():
            self.add_error(
                "trust",
                _("To use the CA certificate given below, choose “%(choice)s”.")
                % {"choice": TRUST_CHOICES[1][1]},
            )
        if data.get("remove_credentials"):
            return data  # the user name and password typed are ignored
        username, password = data.get("username"), data.get("password")
        if password and not username:
            self.add_error("username", _("Give the user name for this password."))
        elif username and not password and not self.cluster.password_encrypted:
            self.add_error(
                "password", _("Give the password: GWM has none stored for this cluster.")
            )
        elif not username and self.cluster.username and "username" not in self.errors:
            self.add_error(
                "username",
                _("Give the user name, or tick “%(choice)s” to make the cluster read-only.")
                % {"choice": self.fields["remove_credentials"].label},
            )
        return data

    def new_values(self) -> dict[str, Any]:
        """{field: new value} of the settings that differ from the cluster's.

        The password appears (encrypted) only when a different one was typed; a
        "pin" trust appears as fingerprint "" (the check pins the certificate).
        """
        data, cluster = self.cleaned_data, self.cluster
        values = {name: data[name] for name in ("hostname", "port", *self.PLAIN_FIELDS)}
        if data.get("remove_credentials"):
            values.update(username="", password_encrypted="", read_only=True)
        else:
            values.update(username=data["username"], read_only=not data["username"])
            if data["password"] and data["password"] != _stored_password(cluster):
                values["password_encrypted"] = credentials.encrypt(data["password"])
        trust = data["trust"]
        if trust != "keep":
            values["fingerprint"] = ""  # the check fills it in for "pin"
            values["ca_certificates"] = data["ca_certificates"] if trust == "ca" else ""
        return {
            name: value
            for name, value in values.items()
            if (trust == "pin" and name == "fingerprint") or value != getattr(cluster, name)
        }

    def checks_connection(self, values: dict[str, Any]) -> bool:
        """Does saving values need a connection check first?"""
        return self.cleaned_data["trust"] == "pin" or any(
            name in values for name in self.CONNECTION_FIELDS
        )


def _stored_password(cluster: Cluster) -> str | None:
    try:
        return cluster.password
    except credentials.CredentialsError:
        return None  # unreadable: whatever was typed replaces it


class ConfirmForm(forms.Form):
    """The checked values, carried to the confirmation in one signed token."""

    checked = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, purpose: str, values: dict | None = None, **kwargs):
        self.purpose = purpose
        initial = {"checked": connection.sign(values, purpose)} if values is not None else None
        super().__init__(data, initial=initial, **kwargs)

    def clean_checked(self):
        values = connection.unsign(self.cleaned_data["checked"], self.purpose)
        if values is None:
            raise forms.ValidationError(_("The checked values were changed or are too old."))
        return values
