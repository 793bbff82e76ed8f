from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from roadmap_site.editors import EDITORS_GROUP


class Command(BaseCommand):
    help = "Make an existing user an editor: staff access to the admin, in the Editors group."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the email address the person signed up with")
        parser.add_argument("--remove", action="store_true", help="take editor rights away")

    def handle(self, *args, email: str, remove: bool, **options):
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the email {email!r}. They must sign up first.")
        group = Group.objects.get(name=EDITORS_GROUP)
        if remove:
            user.groups.remove(group)
            user.is_staff = user.is_superuser
            user.save(update_fields=["is_staff"])
            self.stdout.write(self.style.SUCCESS(f"{email} is no longer an editor."))
            return
        user.groups.add(group)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        self.stdout.write(
            self.style.SUCCESS(f"{email} is now an editor: they can sign in at /admin/.")
        )
