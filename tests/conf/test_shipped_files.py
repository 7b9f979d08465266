"""The shipped settings.conf and the docs reference are generated from the schema."""

import re
from pathlib import Path

import pytest

from ganeti_webmgr.conf import load, render
from ganeti_webmgr.conf.features import FEATURES
from ganeti_webmgr.conf.schema import KEYS, SECTIONS

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_settings_conf_matches_the_schema():
    shipped = (ROOT / "etc/ganeti-webmgr/settings.conf").read_text()
    assert shipped == render.settings_conf(), "run `make config-files`"


def test_the_docs_reference_matches_the_schema():
    shipped = (ROOT / "docs/configuration-reference.rst").read_text()
    assert shipped == render.reference(), "run `make config-files`"


def test_the_shipped_file_loads_to_the_defaults(tmp_path):
    (tmp_path / "settings.conf").write_text(render.settings_conf())
    config = load(tmp_path, environ={})
    assert all(config.source(k.section, k.name) == "default" for k in KEYS)


def test_uncommenting_every_key_gives_the_same_values(tmp_path):
    """The defaults written in the shipped file are the real ones."""
    lines = []
    for line in render.settings_conf().splitlines():
        if re.match(r"# [a-z_]+ = ", line) and "<" not in line:
            lines.append(line[2:])
        elif line.startswith("["):
            lines.append(line)
    (tmp_path / "settings.conf").write_text("\n".join(lines) + "\n")
    config = load(tmp_path, environ={})
    defaults = load(tmp_path / "none", environ={})
    for key in KEYS:
        assert config.get(key.section, key.name) == defaults.get(key.section, key.name), key


def test_every_key_is_documented_and_named_uniquely():
    assert len({k.env_var for k in KEYS}) == len(KEYS)
    for key in KEYS:
        assert key.section in SECTIONS
        assert key.help.endswith("."), key
        assert key.name.isidentifier() and key.name == key.name.lower()


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_the_feature_drop_ins_match_the_schema(name):
    shipped = (ROOT / "etc/ganeti-webmgr/settings.d" / FEATURES[name].dropin).read_text()
    assert shipped == render.dropin(FEATURES[name]), "run `make config-files`"


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_a_feature_drop_in_turns_its_section_on_and_nothing_else(tmp_path, name):
    """settings.conf and the package's drop-in, as installed: the feature's enabled comes
    from the drop-in, every other key keeps its default."""
    (tmp_path / "settings.conf").write_text(render.settings_conf())
    (tmp_path / "settings.d").mkdir()
    dropin = tmp_path / "settings.d" / FEATURES[name].dropin
    dropin.write_text(render.dropin(FEATURES[name]))
    config = load(tmp_path, environ={})
    line = render.dropin(FEATURES[name]).splitlines().index("enabled = true") + 1
    assert config.get(name, "enabled") is True
    assert config.source(name, "enabled") == f"{dropin}:{line}"
    changed = [k for k in KEYS if config.source(k.section, k.name) != "default"]
    assert [(k.section, k.name) for k in changed] == [(name, "enabled")]
    # The keys left for the admin: uncommented, their defaults are the real ones.
    lines = [
        line[2:] if re.match(r"# [a-z_]+ = ", line) else line
        for line in dropin.read_text().splitlines()
    ]
    dropin.write_text("\n".join(lines) + "\n")
    uncommented = load(tmp_path, environ={})
    assert all(uncommented.get(k.section, k.name) == config.get(k.section, k.name) for k in KEYS)
