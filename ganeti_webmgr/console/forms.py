"""The cluster's console settings: its VNC password, write-only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsoleSettingsForm(forms.Form):
    vnc_password = forms.CharField(
        label=_("New VNC password"),
        required=False,
        strip=False,
        max_length=200,
        # Never rendered back, not even after a failed submission.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("The password in the hypervisor's vnc_password_file, the same on every node."),
    )
    clear = forms.BooleanField(
        label=_("Clear the VNC password (the VNC servers ask for none)"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("vnc_password") and data.get("clear"):
            raise forms.ValidationError(_("Either set a new password or clear it, not both."))
        if not data.get("vnc_password") and not data.get("clear"):
            raise forms.ValidationError(_("Type a new password, or tick Clear."))
        return data


class ConsoleAccessForm(forms.Form):
    """How GWM reaches the nodes' consoles: VNC over TLS, and the serial console's
    SSH key and the node host keys it trusts. The private key is never shown."""

    vnc_tls_ca = forms.CharField(
        label=_("CA certificate of the nodes' VNC TLS certificates (PEM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "With it GWM speaks VeNCrypt to the VNC servers and verifies each "
            "node's certificate; empty: no TLS (KVM's vnc_tls off)."
        ),
    )
    serial_known_hosts = forms.CharField(
        label=_("Trusted node host keys (known_hosts lines)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_('One "[address]:port type key" per line, as ssh-keyscan prints them.'),
    )
    serial_accept_new_host_keys = forms.BooleanField(
        label=_("Record a node's first host key (a changed key is always refused)"),
        required=False,
    )
    generate_serial_key = forms.BooleanField(
        label=_("Generate a new serial console key (the old one stops working)"), required=False
    )

    def clean_vnc_tls_ca(self) -> str:
        pem = self.cleaned_data["vnc_tls_ca"].strip()
        if not pem:
            return ""
        from cryptography import x509

        try:
            certificates = x509.load_pem_x509_certificates(pem.encode())
        except ValueError as error:
            raise forms.ValidationError(
                _("Not a PEM certificate: %(error)s") % {"error": error}
            ) from None
        if not certificates:
            raise forms.ValidationError(_("Not a PEM certificate."))
        return pem + "\n"

    def clean_serial_known_hosts(self) -> str:
        import asyncssh

        lines = []
        for number, line in enumerate(self.cleaned_data["serial_known_hosts"].splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split()
            try:
                if len(fields) < 3:
                    raise ValueError(_("expected: [address]:port type key"))
                asyncssh.import_public_key(" ".join(fields[1:3]))
            except (ValueError, asyncssh.KeyImportError) as error:
                raise forms.ValidationError(
                    _("Line %(number)s: %(error)s") % {"number": number, "error": error}
                ) from None
            lines.append(line)
        return "\n".join(lines) + ("\n" if lines else "")
