"""The effective configuration as text, each value with where it came from (gwm-init --check)."""

from __future__ import annotations

from ganeti_webmgr.conf.loader import Config
from ganeti_webmgr.conf.schema import KEYS, SECTIONS

MASK = "********"


def shown_value(config: Config, section: str, name: str, secret: bool) -> str:
    value = config.get(section, name)
    if secret:
        return MASK if value else "(not set)"
    key = next(k for k in KEYS if (k.section, k.name) == (section, name))
    text = key.type.format(value)
    return text if text != "" else "(empty)"


def effective(config: Config) -> str:
    lines = [f"Configuration directory: {config.directory}"]
    if config.files:
        lines += ["Files read, in order:", *(f"  {path}" for path in config.files)]
    else:
        lines.append("Files read: none (built-in defaults)")
    for section in SECTIONS:
        lines += ["", f"[{section}]"]
        keys = [k for k in KEYS if k.section == section]
        width = max(len(k.name) for k in keys)
        for key in keys:
            value = shown_value(config, key.section, key.name, key.secret)
            source = config.source(key.section, key.name)
            lines.append(f"{key.name:<{width}} = {value}    ({source})")
    return "\n".join(lines) + "\n"
