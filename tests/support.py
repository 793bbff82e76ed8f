"""Helpers the test files share: constants and plain functions, no fixtures.

The shared fixtures are in tests/conftest.py and the plugins it registers with
`pytest_plugins` (tests/browser_support.py, tests/groups_support.py): a test asks for
them by name and imports nothing. A test file imports its helpers from here, never
from conftest.py or from another test file.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from courses.models import Course, Provider, StepCourse
from groups.models import Membership, StudyGroup
from roadmap.models import Checkpoint, Stage, Step

PASSWORD = "a-long-and-unguessable-passphrase"
NEW_PASSWORD = "another-long-unusual-passphrase-42"


# ---------------------------------------------------------------- people


def person(django_user_model, name: str, **extra):
    """A user `name` with a verified email address (allauth), so they can sign in with
    PASSWORD as well as through `client.force_login`."""
    user = django_user_model.objects.create_user(
        username=name, email=f"{name}@example.com", password=PASSWORD, **extra
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def client_for(user) -> Client:
    """A test client signed in as `user` (a visitor's when None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fill_group(group: StudyGroup, *, up_to: int) -> None:
    """Add made-up members until the group holds `up_to` people."""
    missing = up_to - group.memberships.count()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"learner{n}", email=f"learner{n}@example.com")
        for n in range(missing)
    )
    Membership.objects.bulk_create(Membership(group=group, user=user) for user in users)


# ---------------------------------------------------------------- the database


def load_seed() -> None:
    """The seeded roadmap and course catalogue (fixtures/*.json)."""
    call_command("loaddata", "roadmap", "courses", verbosity=0)


# The models fixtures/*.json fill, each after those it points to.
SEEDED_MODELS = (Stage, Step, Checkpoint, Provider, Course, StepCourse)
_seeded_rows: list[list] = []


def restore_seed() -> None:
    """What load_seed() leaves, row for row, in a database without it: loaded once per
    process, then copied back in one insert per model (loaddata looks every natural key
    up, a query per object). As loaddata does, the sequences are then set past the rows."""
    if not _seeded_rows:
        load_seed()
        _seeded_rows.extend(list(model.objects.order_by("pk")) for model in SEEDED_MODELS)
        return
    for model, rows in zip(SEEDED_MODELS, _seeded_rows, strict=True):
        model.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), SEEDED_MODELS):
            cursor.execute(sql)


def migrate(targets=None):
    """Migrate the test database to `targets` (the latest migrations when None); the state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    state = executor.migrate(targets)
    ContentType.objects.clear_cache()
    return state.apps


# ---------------------------------------------------------------- rendered Markdown


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser would read them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}

    def attributes(self) -> set[str]:
        return {name for _, attrs in self.tags for name in attrs}

    def hrefs(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.tags if tag == "a" and "href" in attrs]


def leaves_the_site_without_a_scheme(href: str) -> bool:
    """True for "//host" as a browser reads it: tabs and newlines go, leading
    spaces and control characters go, and a backslash counts as a slash."""
    url = re.sub(r"[\t\n\r]", "", href).lstrip("".join(map(chr, range(0x21))))
    return url[:2].replace("\\", "/") == "//"


def assert_safe(html: str) -> Elements:
    """Fail unless the HTML is free of scripts, styles, embeds, event handlers and
    links to other schemes or, without a scheme, to other sites."""
    elements = Elements(html)
    assert not elements.names() & {"script", "style", "iframe", "img", "object", "embed", "svg"}
    assert not {name for name in elements.attributes() if name.startswith("on")}
    assert "style" not in elements.attributes()
    for href in elements.hrefs():
        scheme = urlsplit("".join(href.split())).scheme.lower()
        assert scheme in {"", "http", "https", "mailto"}, href
        assert not leaves_the_site_without_a_scheme(href), href
    return elements


def sign_up(client: Client, email: str = "dora@example.com"):
    """Sign up through allauth's form with a new email address and NEW_PASSWORD."""
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
