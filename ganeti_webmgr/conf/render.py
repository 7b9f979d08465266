"""Render the shipped settings.conf, the feature packages' drop-ins and the docs'
configuration reference from the schema.

    python -m ganeti_webmgr.conf.render settings-conf|reference|dropin NAME

Used by `make config-files`; tests compare the committed files with this output.
"""

from __future__ import annotations

import sys
import textwrap

from ganeti_webmgr.conf.features import FEATURES, Feature
from ganeti_webmgr.conf.schema import KEYS, SECTIONS, Derived, Key


def default_text(key: Key) -> str:
    if isinstance(key.default, Derived):
        return key.default.text
    return key.type.format(key.default)


def settings_conf() -> str:
    lines = [
        "# Ganeti Web Manager configuration.",
        "#",
        "# Every key is shown commented out with its default value; uncomment and edit",
        "# what you need. Files in settings.d/*.conf are read after this one, in lexical",
        "# order, and environment variables GWM_<SECTION>_<KEY> override them all.",
        "# Check the result with: gwm-init --check",
        "#",
        "# One 'key = value' per line; no comments after a value. Lists are",
        "# comma-separated. The Django secret key is kept in the file secret_key beside",
        "# this one, created by gwm-init.",
    ]
    for section, description in SECTIONS.items():
        lines += ["", "", f"[{section}]"]
        lines += _comment(description)
        for key in (k for k in KEYS if k.section == section):
            lines.append("")
            lines += _comment(f"{key.help} ({key.type.name})")
            lines.append(f"# {key.name} = {default_text(key)}".rstrip())
    return "\n".join(lines) + "\n"


def dropin(feature: Feature) -> str:
    """settings.d/50-<name>.conf of the feature's package: [<name>] enabled = true, and
    the section's other keys commented out as in settings.conf, for the admin to fill."""
    lines = _comment(
        f"{feature.title}: the drop-in of the {feature.package} package, read after "
        f"settings.conf. It turns [{feature.name}] on. {feature.setup} Every key below is "
        "shown commented out with its default value; the configuration reference "
        "explains them too."
    )
    lines.append("#")
    lines += _comment(
        "Your edits are kept on upgrades. apt-get remove keeps this file (the feature is "
        "then off, as gwm-init --check says), apt-get purge deletes it; rpm -e keeps it "
        f"only if edited, as {feature.dropin}.rpmsave."
    )
    lines += ["", f"[{feature.name}]", "enabled = true"]
    for key in (k for k in KEYS if k.section == feature.name and k.name != "enabled"):
        lines.append("")
        lines += _comment(f"{key.help} ({key.type.name})")
        lines.append(f"# {key.name} = {default_text(key)}".rstrip())
    return "\n".join(lines) + "\n"


def reference() -> str:
    title = "Configuration reference"
    lines = [
        ".. This file is generated from ganeti_webmgr/conf/schema.py by",
        "   `make config-files`; edit the schema, not this file.",
        "",
        ".. _configuration-reference:",
        "",
        title,
        "=" * len(title),
        "",
        "Every key of ``settings.conf`` (and of the drop-in files in ``settings.d/``), with",
        "its type, its default and the environment variable that overrides it. See",
        ":doc:`configuration` for how the files are read.",
    ]
    for section, description in SECTIONS.items():
        heading = f"[{section}]"
        lines += ["", heading, "-" * len(heading), "", description, ""]
        for key in (k for k in KEYS if k.section == section):
            default = default_text(key)
            lines += [
                f"``{key.name}``",
                f"   {key.help}",
                "",
                f"   :type: {key.type.name}",
                f"   :default: ``{default}``" if default else "   :default: (empty)",
                f"   :environment: ``{key.env_var}``",
            ]
            if key.secret:
                lines.append("   :secret: masked by ``gwm-init --check``")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 86)]


def main(argv: list[str]) -> int:
    renderers = {"settings-conf": settings_conf, "reference": reference}
    if len(argv) == 2 and argv[0] == "dropin" and argv[1] in FEATURES:
        sys.stdout.write(dropin(FEATURES[argv[1]]))
        return 0
    if len(argv) != 1 or argv[0] not in renderers:
        names = "|".join(FEATURES)
        print(
            f"usage: python -m ganeti_webmgr.conf.render settings-conf|reference|dropin {names}",
            file=sys.stderr,
        )
        return 2
    sys.stdout.write(renderers[argv[0]]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
