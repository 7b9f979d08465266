from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_runs_django_commands_for_this_site(initialised_site):
    site = initialised_site
    result = site.run("gwm-manage", "showmigrations", "sessions")
    assert result.returncode == 0, result.stderr
    assert "[X] 0001_initial" in result.stdout


def test_it_refuses_to_run_with_a_bad_configuration(initialised_site):
    site = initialised_site
    path = site.write_conf("[web]\nallowed_hosts = a,,b\n", "settings.d/10-web.conf")
    result = site.run("gwm-manage", "check")
    assert result.returncode == 2
    assert result.stderr == (
        f"{path}:2: [web] allowed_hosts: 'a,,b' has an empty item (two commas in a row?)\n"
    )


def test_the_deployment_checks_pass_with_the_package_defaults_behind_tls(initialised_site):
    site = initialised_site
    # The shipped settings.conf as a package installs it, and the two lines a site
    # behind its TLS proxy adds.
    site.write_conf((ROOT / "etc/ganeti-webmgr/settings.conf").read_text())
    site.write_conf(
        f"[paths]\ndata_dir = {site.data_dir}\n[web]\nbehind_tls_proxy = true\n"
        "allowed_hosts = gwm.example.org\n",
        "settings.d/10-site.conf",
    )
    result = site.run("gwm-manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr and "?: (" not in result.stderr, result.stderr


def test_the_deployment_checks_warn_without_tls(initialised_site):
    site = initialised_site
    result = site.run("gwm-manage", "check", "--deploy")
    warned = {line.split()[1] for line in result.stderr.splitlines() if line.startswith("?: (")}
    assert {"(security.W004)", "(security.W008)", "(security.W012)"} <= warned
