"""The creation wizard's form: every choice from the cluster's last sync.

One form with sections (owner and name, basics, disks, network cards, placement,
hypervisor parameters, options) and two formsets (disks, NICs). clean() checks
the whole VM against the cluster's instance policy, so a mistake is shown at
its field instead of failing in Ganeti.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.units import format_mib, parse_size
from ganeti_webmgr.nodes.models import Node
from ganeti_webmgr.permissions.rules import can
from ganeti_webmgr.provisioning import policy
from ganeti_webmgr.virtual_machines import hvparams
from ganeti_webmgr.virtual_machines.forms import hypervisor_field
from ganeti_webmgr.virtual_machines.models import VirtualMachine

MAX_COUNT = 50
# As the Modify form allows.
MAX_VCPUS = 1024
NIC_MODES = [("", gettext_lazy("cluster default"))] + [
    (m, m) for m in ("bridged", "routed", "openvswitch")
]


class SizeField(forms.CharField):
    """A size typed as 10G, 512M or plain MiB; cleaned to MiB."""

    def to_python(self, value: Any) -> int | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_size(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class DiskForm(forms.Form):
    size = SizeField(
        label=gettext_lazy("Size"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. 10G")}),
    )

    def has_changed(self) -> bool:
        # A row without a size is no disk (the page offers a few spare rows).
        return bool(self["size"].value())


class NicForm(forms.Form):
    network = forms.ChoiceField(label=gettext_lazy("Ganeti network"), required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=NIC_MODES, required=False)
    link = forms.CharField(label=gettext_lazy("Link"), required=False, max_length=64)
    mac = forms.CharField(
        label=gettext_lazy("MAC"),
        required=False,
        max_length=17,
        help_text=gettext_lazy("Empty: Ganeti generates one."),
    )
    ip = forms.CharField(label=gettext_lazy("IP address"), required=False, max_length=64)

    def __init__(self, *args: Any, networks: list[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [("", _("none (mode and link)"))] + [
            (n, n) for n in networks
        ]

    def clean_mac(self) -> str:
        mac = self.cleaned_data["mac"].strip().lower()
        parts = mac.split(":")
        if mac and (len(parts) != 6 or not all(len(p) == 2 for p in parts)):
            raise forms.ValidationError(_("Write a MAC as six pairs, e.g. aa:00:00:12:34:56."))
        if mac and not all(c in "0123456789abcdef" for c in mac.replace(":", "")):
            raise forms.ValidationError(_("A MAC has hexadecimal digits only."))
        return mac

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("network") and (data.get("mode") or data.get("link")):
            self.add_error("network", _("Choose a Ganeti network, or a mode and link, not both."))
        if data.get("ip") == "pool" and not data.get("network"):
            self.add_error("ip", _("Only a Ganeti network has a pool to take an address from."))
        return data

    def has_changed(self) -> bool:
        return any(self[name].value() for name in self.fields)

    def as_params(self) -> dict[str, str]:
        data = self.cleaned_data
        return {k: data[k] for k in ("network", "mode", "link", "mac", "ip") if data.get(k)}


ROWS = 4  # disk and NIC rows on the page; Modify adds more later


def _formset(form, data, prefix: str, initial: list[dict], **form_kwargs):
    cls = forms.formset_factory(form, extra=max(ROWS - len(initial), 0), max_num=ROWS)
    return cls(
        data,
        prefix=prefix,
        initial=initial,
        form_kwargs={"empty_permitted": True, **form_kwargs},
    )


def owner_choices(user: User, cluster: Cluster) -> list[tuple[str, str]]:
    """Who the user may create VMs for: themself and their groups; a cluster's admins
    anyone."""
    if can(user, "admin", cluster):
        users = User.objects.filter(is_active=True).order_by("username")
        groups = Group.objects.order_by("name")
    else:
        users = User.objects.filter(pk=user.pk)
        groups = user.groups.order_by("name")
    return [(f"user:{u.username}", _("user %(name)s") % {"name": u.username}) for u in users] + [
        (f"group:{g.name}", _("group %(name)s") % {"name": g.name}) for g in groups
    ]


class CreateForm(forms.Form):
    # Owner and name
    owner = forms.ChoiceField(label=gettext_lazy("Owner"))
    name = forms.CharField(
        label=gettext_lazy("Instance name"),
        max_length=255,
        help_text=gettext_lazy(
            "The VM's fully qualified name. To create several, put {n} where the "
            "number goes, e.g. web{n}.example.org or web{n:02d}.example.org."
        ),
    )
    count = forms.IntegerField(
        label=gettext_lazy("How many"), min_value=1, max_value=MAX_COUNT, initial=1
    )
    first_number = forms.IntegerField(
        label=gettext_lazy("First number"), min_value=0, max_value=999_999_999, initial=1
    )
    # Basics
    hypervisor = forms.ChoiceField(label=gettext_lazy("Hypervisor"))
    os = forms.ChoiceField(label=gettext_lazy("Operating system"))
    disk_template = forms.ChoiceField(label=gettext_lazy("Disk template"))
    memory = SizeField(label=gettext_lazy("Memory"), initial="1G")
    minmem = SizeField(
        label=gettext_lazy("Minimum memory"),
        required=False,
        help_text=gettext_lazy("Empty: the same as the memory."),
    )
    vcpus = forms.IntegerField(
        label=gettext_lazy("vCPUs"), min_value=1, max_value=MAX_VCPUS, initial=1
    )
    nic_count = forms.IntegerField(
        label=gettext_lazy("Network cards"),
        min_value=0,
        max_value=ROWS,
        initial=1,
        help_text=gettext_lazy("Set each below."),
    )
    # Placement
    use_iallocator = forms.BooleanField(
        label=gettext_lazy("Let Ganeti choose the nodes"), required=False, initial=True
    )
    pnode = forms.ChoiceField(label=gettext_lazy("Primary node"), required=False)
    snode = forms.ChoiceField(
        label=gettext_lazy("Secondary node"), required=False, help_text=gettext_lazy("For drbd.")
    )
    # Options
    start = forms.BooleanField(
        label=gettext_lazy("Start it when created"), required=False, initial=True
    )
    no_install = forms.BooleanField(label=gettext_lazy("Do not install the OS"), required=False)
    name_check = forms.BooleanField(
        label=gettext_lazy("Check that the name resolves"), required=False, initial=True
    )
    ip_check = forms.BooleanField(
        label=gettext_lazy("Check that its IP address is not in use"), required=False, initial=True
    )

    def __init__(
        self, cluster: Cluster, user: User, data=None, initial: dict | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        self.cluster, self.user = cluster, user
        info = cluster.info or {}
        self.ipolicy = info.get("ipolicy") or {}
        self.iallocator = info.get("default_iallocator") or ""
        enabled = info.get("enabled_hypervisors") or []
        self.fields["owner"].choices = owner_choices(user, cluster)
        self.fields["owner"].initial = f"user:{user.username}"
        self.fields["hypervisor"].choices = [(h, h) for h in enabled]
        self.fields["hypervisor"].initial = info.get("default_hypervisor")
        self.fields["os"].choices = [("", _("choose"))] + [
            (o, o) for o in cluster.operating_systems
        ]
        messages = self.fields["os"].error_messages
        messages["required"] = _("Choose an operating system.")
        if not cluster.operating_systems:
            messages["required"] = messages["invalid_choice"] = _(
                "GWM has not read this cluster's OS list yet; wait for its next sync."
            )
        templates = [
            t
            for t in info.get("enabled_disk_templates") or []
            if t in (self.ipolicy.get("disk-templates") or [t])
        ]
        self.fields["disk_template"].choices = [(t, t) for t in templates]
        nodes = Node.objects.filter(
            cluster=cluster, missing=False, vm_capable=True, offline=False, drained=False
        ).order_by("name")
        node_choices = [("", "-")] + [(n.name, n.name) for n in nodes]
        self.fields["pnode"].choices = self.fields["snode"].choices = node_choices
        if not self.iallocator:
            self.fields["use_iallocator"].initial = False
            self.fields["use_iallocator"].disabled = True
            self.fields["use_iallocator"].help_text = _("The cluster has no default iallocator.")
        # Hypervisor parameters of each enabled hypervisor; empty means the cluster's.
        self.hv_fields: dict[str, list[str]] = {}
        for hypervisor in enabled:
            defaults = (info.get("hvparams") or {}).get(hypervisor) or {}
            for key in hvparams.WIZARD.get(hypervisor, []):
                if key not in defaults:
                    continue
                name = f"hv_{hypervisor}_{key}"
                field = hypervisor_field(hypervisor, key, defaults[key])
                field.required = False
                self.fields[name] = field
                self.hv_fields.setdefault(hypervisor, []).append(name)
        initial = initial or {}
        self.disks = _formset(DiskForm, data, "disk", initial.get("disks", [{"size": "10G"}]))
        self.nics = _formset(
            NicForm,
            data,
            "nic",
            initial.get("nics", [{}]),
            networks=[n["name"] for n in cluster.networks],
        )
        self.section_errors: dict[str, list[str]] = {}

    # -- validation --------------------------------------------------------------------
    def clean_os(self) -> str:
        if not self.cluster.operating_systems:
            raise forms.ValidationError(
                _("GWM has not read this cluster's OS list yet; wait for its next sync.")
            )
        if not self.cleaned_data["os"]:
            raise forms.ValidationError(_("Choose an operating system."))
        return self.cleaned_data["os"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._clean_names(data)
        if data.get("minmem") and data.get("memory") and data["minmem"] > data["memory"]:
            self.add_error("minmem", _("The minimum may not exceed the memory."))
        self._clean_placement(data)
        disks_ok, nics_ok = self.disks.is_valid(), self.nics.is_valid()
        sizes = [f.cleaned_data["size"] for f in self.disks if f.cleaned_data.get("size")]
        data["disk_sizes"] = sizes
        template = data.get("disk_template")
        if template == "diskless" and sizes:
            self._section("disks", _("A diskless VM has no disks: remove them or change template."))
        elif template and template != "diskless" and disks_ok and not sizes:
            self._section("disks", _("Add at least one disk."))
        if template and data.get("memory") and data.get("vcpus") and disks_ok and nics_ok:
            # nic_count None (invalid) is reported at its field
            spec = policy.Spec(
                memory=data["memory"],
                vcpus=data["vcpus"],
                disk_sizes=tuple(sizes),
                nic_count=data.get("nic_count") or 0,
                disk_template=template,
            )
            for field, message in policy.violations(spec, self.ipolicy):
                if field in ("disks", "nics"):
                    self._section(field, message)
                else:
                    self.add_error(field, message)
        if not disks_ok or not nics_ok:
            self._section("general", _("Correct the disks and network cards below."))
        return data

    def _section(self, section: str, message: str) -> None:
        self.section_errors.setdefault(section, []).append(message)
        self.add_error(None, message)

    def _clean_names(self, data: dict[str, Any]) -> None:
        pattern, count = data.get("name", "").strip(), data.get("count") or 1
        if not pattern:
            return
        try:
            names = policy.names_from_pattern(pattern, count, data.get("first_number") or 0)
        except ValueError as error:
            self.add_error("name", str(error))
            return
        bad = [n for n in names if not policy.HOSTNAME.fullmatch(n)]
        if bad:
            self.add_error("name", _("%(name)r is not a valid host name.") % {"name": bad[0]})
            return
        if len(set(names)) != len(names):
            self.add_error("name", _("The pattern gives the same name twice."))
            return
        taken = list(
            VirtualMachine.objects.filter(cluster=self.cluster, name__in=names, missing=False)
            .order_by("name")
            .values_list("name", flat=True)
        )
        if taken:
            self.add_error(
                "name", _("%(name)s exists already in this cluster.") % {"name": taken[0]}
            )
            return
        data["names"] = names

    def _clean_placement(self, data: dict[str, Any]) -> None:
        if data.get("use_iallocator") and self.iallocator:
            data["pnode"] = data["snode"] = ""
            return
        data["use_iallocator"] = False
        if not data.get("pnode"):
            self.add_error("pnode", _("Choose the primary node, or let Ganeti choose."))
        needs_secondary = data.get("disk_template") == "drbd"
        if needs_secondary and not data.get("snode"):
            self.add_error("snode", _("A drbd VM needs a secondary node."))
        if not needs_secondary:
            data["snode"] = ""
        if data.get("snode") and data.get("snode") == data.get("pnode"):
            self.add_error("snode", _("The secondary node must differ from the primary."))

    # -- what to send ---------------------------------------------------------------------
    def owner_object(self) -> User | Group:
        kind, _sep, name = self.cleaned_data["owner"].partition(":")
        if kind == "group":
            return Group.objects.get(name=name)
        return User.objects.get(username=name)

    def hvparams(self) -> dict[str, Any]:
        """The hypervisor parameters that differ from the cluster's."""
        hypervisor = self.cleaned_data["hypervisor"]
        defaults = ((self.cluster.info or {}).get("hvparams") or {}).get(hypervisor) or {}
        changed = {}
        for name in self.hv_fields.get(hypervisor, []):
            key = name[len(f"hv_{hypervisor}_") :]
            value = self.cleaned_data.get(name)
            if value not in (None, "") and value != defaults.get(key):
                changed[key] = value
        return changed

    def allocation(self) -> dict[str, Any]:
        """Keyword arguments for RapiClient.instance_allocation (all but the name)."""
        data = self.cleaned_data
        params: dict[str, Any] = {
            "disk_template": data["disk_template"],
            "disks": [{"size": size} for size in data["disk_sizes"]],
            "nics": [f.as_params() for f in self.nics.forms[: data["nic_count"]]],
            "os": data["os"],
            "hypervisor": data["hypervisor"],
            "beparams": {
                "maxmem": data["memory"],
                "minmem": data.get("minmem") or data["memory"],
                "vcpus": data["vcpus"],
            },
            "start": data["start"],
            "no_install": data["no_install"],
            "name_check": data["name_check"],
            "ip_check": data["ip_check"] and data["name_check"],  # Ganeti needs both
        }
        if hv := self.hvparams():
            params["hvparams"] = hv
        if data["use_iallocator"]:
            params["iallocator"] = self.iallocator
        else:
            params["pnode"] = data["pnode"]
            if data.get("snode"):
                params["snode"] = data["snode"]
        return params

    def summary(self) -> list[tuple[str, str]]:
        """What will be created, in words, for the review step."""
        data, alloc = self.cleaned_data, self.allocation()
        disks = ", ".join(format_mib(d["size"]) for d in alloc["disks"]) or _("none")
        nics = "; ".join(
            " ".join(f"{k}={v}" for k, v in nic.items()) or _("cluster default")
            for nic in alloc["nics"]
        )
        placement = (
            _("chosen by %(allocator)s") % {"allocator": self.iallocator}
            if data["use_iallocator"]
            else _(" and ").join(n for n in (data["pnode"], data.get("snode")) if n)
        )
        memory = format_mib(data["memory"])
        if data.get("minmem") and data["minmem"] != data["memory"]:
            memory += " " + _("(minimum %(minmem)s)") % {"minmem": format_mib(data["minmem"])}
        options = [
            label
            for key, label in (
                ("start", _("start")),
                ("no_install", _("no OS install")),
                ("name_check", _("name check")),
                ("ip_check", _("IP check")),
            )
            if alloc.get(key)
        ]
        rows = []
        if "names" in data:  # not for a template
            rows += [
                (_("Names"), ", ".join(data["names"])),
                (_("Owner"), data["owner"].replace(":", " ")),
            ]
        rows += [
            (_("Hypervisor"), data["hypervisor"]),
            (_("Operating system"), data["os"]),
            (_("Disk template"), data["disk_template"]),
            (_("Disks"), disks),
            (_("Network cards"), nics or _("none")),
            (_("Memory"), memory),
            (_("vCPUs"), str(data["vcpus"])),
            (_("Placement"), placement),
            (_("Options"), ", ".join(options) or _("none")),
        ]
        if hv := self.hvparams():
            rows.append((_("Hypervisor parameters"), ", ".join(f"{k}={v}" for k, v in hv.items())))
        return rows


class TemplateForm(CreateForm):
    """The wizard's choices without owner and name, saved under a template name."""

    template_name = forms.CharField(label=gettext_lazy("Template name"), max_length=100)
    template_description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, cluster, user, data=None, initial=None, template=None) -> None:
        super().__init__(cluster, user, data, initial)
        self.template = template
        for name in ("owner", "name", "count", "first_number"):
            del self.fields[name]

    def clean_template_name(self) -> str:
        name = self.cleaned_data["template_name"].strip()
        others = self.cluster.vm_templates.filter(name=name)
        if self.template is not None:
            others = others.exclude(pk=self.template.pk)
        if others.exists():
            raise forms.ValidationError(
                _("This cluster has a template named %(name)r already.") % {"name": name}
            )
        return name
