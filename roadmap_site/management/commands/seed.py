from django.core.management import call_command
from django.core.management.base import BaseCommand

from roadmap.models import Stage

FIXTURES = ["roadmap", "courses"]


class Command(BaseCommand):
    help = (
        "Load the seeded roadmap and course catalogue from fixtures/ into an empty database. "
        "Does nothing when content exists, so editors' changes are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load the fixtures even when content exists (updates seeded rows in place)",
        )

    def handle(self, *args, force: bool, **options):
        if Stage.objects.exists() and not force:
            self.stdout.write("Content already present: nothing loaded (use --force to reload).")
            return
        call_command("loaddata", *FIXTURES, verbosity=options["verbosity"])
