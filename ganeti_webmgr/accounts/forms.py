from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.contrib.auth.models import Group, User
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.accounts import language, sshkeys
from ganeti_webmgr.accounts.models import GroupProfile, SshKey, UserProfile
from ganeti_webmgr.accounts.names import GROUP_NAME

SUPERUSER_HELP = gettext_lazy("May do everything in GWM, on every cluster.")

# What the log records of a user's edits (never the password hash).
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_superuser")
PROFILE_FIELDS = ("first_name", "last_name", "email")


class UserCreateForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username", "first_name", "last_name", "email", "is_superuser")
        help_texts = {"is_superuser": SUPERUSER_HELP}


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = USER_FIELDS
        field_classes = {"username": UsernameField}
        help_texts = {
            "is_active": gettext_lazy(
                "Inactive users cannot log in; their history stays in the log."
            ),
            "is_superuser": SUPERUSER_HELP,
        }

    def __init__(self, *args, editor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor

    def clean_username(self):
        username = self.cleaned_data["username"]
        taken = User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("A user with that user name already exists."))
        return username

    def clean(self):
        data = super().clean()
        # Locking yourself out is easy to do and hard to undo (needs gwm-manage).
        if self.instance.pk == self.editor.pk:
            if not data.get("is_active", True):
                self.add_error("is_active", _("You cannot deactivate yourself."))
            if not data.get("is_superuser", True):
                self.add_error("is_superuser", _("You cannot remove your own superuser status."))
        return data


class ProfileForm(forms.ModelForm):
    """Name and e-mail (the user's own fields), and the language (their profile's)."""

    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        help_text=gettext_lazy(
            "Without a choice, pages follow the language your browser asks for."
        ),
    )

    class Meta:
        model = User
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language named in itself, as language menus do.
        self.fields["language"].choices = [
            ("", _("As my browser asks")),
            *settings.LANGUAGES,
        ]
        self.initial.setdefault("language", language.chosen(self.instance))

    def save(self, commit=True):
        user = super().save(commit)
        UserProfile.objects.update_or_create(
            user=user, defaults={"language": self.cleaned_data["language"]}
        )
        return user


class GroupForm(forms.ModelForm):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    class Meta:
        model = Group
        fields = ("name",)
        help_texts = {
            "name": gettext_lazy(
                "Letters, digits and . + @ - _ (it appears in URLs and in Ganeti tags)."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = GroupProfile.objects.filter(group_id=self.instance.pk).first()
        if profile is not None:
            self.initial.setdefault("description", profile.description)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not GROUP_NAME.fullmatch(name):
            raise forms.ValidationError(
                _("Use at most 100 letters, digits and . + @ - _ (no spaces or slashes).")
            )
        taken = Group.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("A group with that name already exists."))
        return name

    def save(self, commit: bool = True) -> Group:
        group = super().save()
        profile = GroupProfile.of(group)
        profile.description = self.cleaned_data["description"]
        profile.save(update_fields=["description"])
        return group


class MemberForm(forms.Form):
    """Add or remove one user (members or administrators of a group)."""

    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if username:
            user = User.objects.filter(username=username).first()
            if user is None or (data.get("action") == "add" and not user.is_active):
                self.add_error(
                    "username", _("There is no active user named “%(name)s”.") % {"name": username}
                )
            data["user"] = user
        return data


class SshKeyForm(forms.ModelForm):
    class Meta:
        model = SshKey
        fields = ("name", "key")
        labels = {"name": gettext_lazy("Name"), "key": gettext_lazy("Public key")}
        help_texts = {
            "name": gettext_lazy("To tell your keys apart; the key's comment when left empty."),
            "key": format_lazy(
                gettext_lazy(
                    "One line, as in ~/.ssh/id_ed25519.pub: type, key data, comment. "
                    "Accepted: {types}; RSA from 2048 bits."
                ),
                types=", ".join(sshkeys.KEY_TYPES),
            ),
        }
        widgets = {
            "key": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].required = False

    def clean_key(self):
        try:
            self.parsed = sshkeys.parse(self.cleaned_data["key"])
        except sshkeys.InvalidKey as error:
            raise forms.ValidationError(str(error)) from None
        if SshKey.objects.filter(user=self.user, fingerprint=self.parsed.fingerprint).exists():
            raise forms.ValidationError(
                _("You already have this key (%(fingerprint)s).")
                % {"fingerprint": self.parsed.fingerprint}
            )
        return self.parsed.line

    def clean(self):
        data = super().clean()
        if "key" in data:
            name = (data.get("name") or self.parsed.comment or self.parsed.type)[:100]
            if SshKey.objects.filter(user=self.user, name=name).exists():
                self.add_error(
                    "name", _("You already have a key named “%(name)s”.") % {"name": name}
                )
            data["name"] = name
        return data

    def save(self, commit: bool = True) -> SshKey:
        key = super().save(commit=False)
        key.user, key.fingerprint = self.user, self.parsed.fingerprint
        if commit:
            key.save()
        return key


class LoginForm(AuthenticationForm):
    """Django's, except that a sign-in the LDAP directory could not answer says so
    (accounts.ldap_backend) rather than blaming the password."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            problem = getattr(self.request, "ldap_problem", None)
            if problem:
                raise forms.ValidationError(problem, code="ldap_unavailable") from None
            raise
