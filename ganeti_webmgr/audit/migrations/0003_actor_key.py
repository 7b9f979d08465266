"""Entries learn their actor's name key (natural order of user names), which also
serves the user filter in place of the index on the name itself."""

from django.db import migrations, models

import ganeti_webmgr.core.sorting
from ganeti_webmgr.core.sorting import name_key


def fill_actor_keys(apps, schema_editor):
    """One UPDATE per user name in the log (there are far fewer names than entries)."""
    Entry = apps.get_model("audit", "Entry")
    entries = Entry.objects.using(schema_editor.connection.alias)
    names = entries.exclude(actor_name="").values_list("actor_name", flat=True).distinct()
    for name in list(names.order_by()):
        entries.filter(actor_name=name).update(actor_key=name_key(name))


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_unknown_login_names")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="actor_key",
            field=ganeti_webmgr.core.sorting.NameKeyField(
                default="", editable=False, max_length=255
            ),
        ),
        migrations.RunPython(fill_actor_keys, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="entry", name="audit_actor_time_idx"),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["actor_key", "time"], name="audit_actor_key_time_idx"),
        ),
    ]
