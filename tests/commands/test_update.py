import os
import sqlite3


def test_it_does_nothing_on_an_up_to_date_site(initialised_site):
    site = initialised_site
    result = site.run("gwm-update")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "gwm-update: nothing to do: database and static files are up to date\n"


def test_it_refuses_an_uninitialised_site(site):
    result = site.run("gwm-update")
    assert result.returncode == 2
    assert (
        result.stderr == f"{site.config_dir}/secret_key: secret key file is missing; run gwm-init\n"
    )


def test_it_applies_pending_migrations_after_saving_an_sqlite_database(initialised_site):
    site = initialised_site
    assert site.run("gwm-manage", "migrate", "sessions", "zero").returncode == 0
    result = site.run("gwm-update")
    assert result.returncode == 0, result.stderr
    assert "gwm-update: applied 1 database migrations" in result.stdout
    backups = list((site.data_dir / "backups").glob("ganeti_webmgr.sqlite3.*"))
    if os.environ.get("GWM_DATABASE_ENGINE", "sqlite") == "sqlite":
        assert f"gwm-update: saved the database to {backups[0]}" in result.stdout
        with sqlite3.connect(backups[0]) as saved:  # a usable copy from before the update
            apps = {row[0] for row in saved.execute("SELECT app FROM django_migrations")}
        assert "auth" in apps and "sessions" not in apps
    else:
        assert backups == []
    assert site.run("gwm-update").stdout.endswith(
        "nothing to do: database and static files are up to date\n"
    )


def test_a_failed_migration_says_how_to_go_back(initialised_site):
    site = initialised_site
    assert site.run("gwm-manage", "migrate", "sessions", "zero").returncode == 0
    # A table in the way makes the sessions migration fail on every engine.
    site.python(
        "from django.db import connection\n"
        "with connection.cursor() as c: c.execute('CREATE TABLE django_session (x integer)')\n"
    )
    result = site.run("gwm-update")
    assert result.returncode == 1
    assert "gwm-update: migration failed: " in result.stderr
    if os.environ.get("GWM_DATABASE_ENGINE", "sqlite") == "sqlite":
        backup = next((site.data_dir / "backups").glob("ganeti_webmgr.sqlite3.*"))
        database = site.data_dir / "ganeti_webmgr.sqlite3"
        assert (
            f"the database as it was before is in {backup}; to go back, stop ganeti-webmgr "
            f"and run: cp {backup} {database}"
        ) in result.stderr
    else:
        assert "restore the database from your last backup" in result.stderr


def test_backup_saves_an_sqlite_database_even_when_nothing_is_due(initialised_site):
    site = initialised_site
    result = site.run("gwm-update", "--backup")
    assert result.returncode == 0, result.stderr
    backups = list((site.data_dir / "backups").glob("ganeti_webmgr.sqlite3.*"))
    if os.environ.get("GWM_DATABASE_ENGINE", "sqlite") == "sqlite":
        assert result.stdout == (
            f"gwm-update: saved the database to {backups[0]}\n"
            "gwm-update: nothing to do: database and static files are up to date\n"
        )
        assert oct(backups[0].stat().st_mode & 0o777) == "0o640"
    else:  # the server engines keep their own backups (pg_dump, mysqldump)
        assert backups == []


def test_if_initialised_does_nothing_before_gwm_init(site):
    # What the package scripts run on an upgrade of a site nobody initialised yet.
    result = site.run("gwm-update", "--if-initialised", "--backup")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "gwm-update: not initialised yet (run gwm-init): nothing to update\n"
    assert not site.data_dir.exists()


def test_if_initialised_updates_an_initialised_site(initialised_site):
    site = initialised_site
    result = site.run("gwm-update", "--if-initialised")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "gwm-update: nothing to do: database and static files are up to date\n"
