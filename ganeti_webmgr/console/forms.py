"""The cluster's console settings: its VNC password, write-only."""

from __future__ import annotations

from django import forms


class ConsoleSettingsForm(forms.Form):
    vnc_password = forms.CharField(
        label="New VNC password",
        required=False,
        strip=False,
        max_length=200,
        # Never rendered back, not even after a failed submission.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="The password in the hypervisor's vnc_password_file, the same on every node.",
    )
    clear = forms.BooleanField(
        label="Clear the VNC password (the VNC servers ask for none)", required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("vnc_password") and data.get("clear"):
            raise forms.ValidationError("Either set a new password or clear it, not both.")
        if not data.get("vnc_password") and not data.get("clear"):
            raise forms.ValidationError("Type a new password, or tick Clear.")
        return data
