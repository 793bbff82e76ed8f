from django.db import migrations

from roadmap_site.editors import sync_editors_group


class Migration(migrations.Migration):
    """Give the Editors group the permissions on link reports and course feedback."""

    dependencies = [
        ("courses", "0002_link_health_reports_feedback"),
        ("roadmap", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(sync_editors_group, migrations.RunPython.noop)]
