def test_it_runs_django_commands_for_this_site(site):
    site.init()
    result = site.run("gwm-manage", "showmigrations", "sessions")
    assert result.returncode == 0, result.stderr
    assert "[X] 0001_initial" in result.stdout


def test_it_refuses_to_run_with_a_bad_configuration(site):
    site.init()
    path = site.write_conf("[web]\nallowed_hosts = a,,b\n", "settings.d/10-web.conf")
    result = site.run("gwm-manage", "check")
    assert result.returncode == 2
    assert result.stderr == (
        f"{path}:2: [web] allowed_hosts: 'a,,b' has an empty item (two commas in a row?)\n"
    )


def test_the_django_system_checks_pass_on_a_production_configuration(site):
    site.write_conf(
        f"[paths]\ndata_dir = {site.data_dir}\n[web]\nbehind_tls_proxy = true\n"
        "allowed_hosts = gwm.example.org\n"
    )
    site.init()
    result = site.run("gwm-manage", "check", "--deploy", "--fail-level", "WARNING")
    # HSTS is the TLS proxy's business; every other deployment check must pass.
    problems = [line for line in result.stderr.splitlines() if line.startswith("?: (security")]
    assert [p.split()[1] for p in problems] == ["(security.W004)"], result.stderr
