"""Failed logins logged before GWM stopped keeping names no user has: their
messages lose the name that was typed (at times a password)."""

from django.db import migrations


def forget_typed_names(apps, schema_editor):
    Entry = apps.get_model("audit", "Entry")
    failed = Entry.objects.filter(action="user.login_failed")
    failed.filter(targets__isnull=True).update(message="Failed login with an unknown user name")
    failed.filter(targets__isnull=False).update(message="Failed login")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forget_typed_names, migrations.RunPython.noop)]
