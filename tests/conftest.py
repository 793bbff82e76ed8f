"""Shared test data: three people, the seeded content, and a roadmap factory.

* alice and bob are learners with verified email addresses (allauth), so they
  can sign in with a password as well as through `client.force_login`;
* charlie is an editor: staff, in the Editors group the migration creates;
* `seeded` loads fixtures/roadmap.json and fixtures/courses.json once per test
  module (the rows of the first load copied back, after that), inside a
  transaction that is rolled back when the module ends; each test still runs
  in its own savepoint, so what a test changes never leaks;
* `make_roadmap` builds a roadmap of N stages x M steps with courses (and
  checkpoints, when asked), for the query-count tests.
"""

import itertools
from dataclasses import dataclass, field

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from pytest_django.plugin import blocking_manager_key

from courses.models import Course, Provider, StepCourse
from roadmap.models import Checkpoint, Stage, Step
from roadmap_site.editors import EDITORS_GROUP, sync_editors_group
from roadmap_site.page_cache import PAGES
from tests.support import person, restore_seed

# The fixtures of the browser and study-group tests, for any test that names them.
pytest_plugins = ["tests.browser_support", "tests.groups_support"]


def pytest_configure(config: pytest.Config) -> None:
    """Let xdist hand out the files in the order below.

    By default `--dist loadfile` queues the files by their number of tests, most first
    (its --loadscope-reorder), whatever order the collection gives: the Lighthouse file,
    8 tests and a minute of work, then started near the end and kept one worker busy
    while the other had nothing left to do.
    """
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start with the slow tests that need no test database (Lighthouse, live servers).

    pytest-django puts tests without a database last; these hold a worker for a
    minute, so begun last they would keep the run waiting on one worker while the
    other idles. Under xdist the other slow files and the transactional ones (browsers,
    migrations: several seconds a test) come next, so that the run ends on small
    files that keep both workers busy; xdist already mixes database and transactional
    files on a worker. Alone, everything else keeps pytest-django's order (database
    tests, then the transactional ones, which empty the database).
    """
    distributed = hasattr(config, "workerinput")
    items.sort(key=lambda item: _start_rank(item, distributed=distributed))


def _start_rank(item: pytest.Item, *, distributed: bool) -> int:
    slow = bool(item.get_closest_marker("slow"))
    if slow and not _uses_db(item):
        return 0
    if distributed and (slow or _is_transactional(item)):
        return 1
    return 2


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(fixtures)
    )


def _uses_db(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return (
        bool(item.get_closest_marker("django_db")) or "db" in fixtures or "live_server" in fixtures
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After a transactional test's flush, the Editors group its migration made, again.

    The flush empties every table, and the group is the one row a migration leaves in an
    empty database (content types and permissions come back with the flush's
    post_migrate): without it, a test run after a transactional one on the same process
    would find no group, and which test runs after which is xdist's choice. After the
    session's last test there is nothing to make it for: the test database is gone."""
    result = yield
    if _is_transactional(item) and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            sync_editors_group(django_apps)
    return result


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The real hasher is slow on purpose; tests only need passwords to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The database cache, as in production, and the page cache in this process's memory,
# whatever REDIS_URL says: a test never touches, let alone clears, a Redis it did not
# start itself.
TEST_CACHES = {
    **django_settings.CACHES,
    PAGES: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Pages may be cached for visitors; no test may see another test's pages."""
    settings.CACHES = TEST_CACHES
    settings.PAGE_CACHE_SECONDS = 600
    caches[PAGES].clear()
    yield
    caches[PAGES].clear()


@pytest.fixture(autouse=True)
def _no_sign_in_limits_left(request):
    """allauth keeps its limits in the database cache, whose table the flush after a
    transactional test leaves alone: no test may inherit another's failed sign-ins."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        marker = request.node.get_closest_marker("django_db")
        if not (marker and marker.kwargs.get("transaction")):
            yield
            return
    request.getfixturevalue("transactional_db")  # set up before this fixture, torn down after
    yield
    caches["default"].clear()


@pytest.fixture
def alice(db, django_user_model):
    """A learner."""
    return person(django_user_model, "alice")


@pytest.fixture
def bob(db, django_user_model):
    """Another learner."""
    return person(django_user_model, "bob")


@pytest.fixture
def charlie(db, django_user_model):
    """An editor: staff in the Editors group, not a superuser."""
    user = person(django_user_model, "charlie", is_staff=True)
    # The migration makes the group; a transactional test's flush, run earlier on the
    # same worker, may have emptied it: make it again as the migration does.
    sync_editors_group(django_apps)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def superuser(db, django_user_model):
    return person(django_user_model, "root", is_staff=True, is_superuser=True)


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def charlie_client(charlie) -> Client:
    client = Client()
    client.force_login(charlie)
    return client


@pytest.fixture(params=["visitor", "learner", "editor"])
def anyone(request, db) -> Client:
    """A client for each kind of person who browses the public pages."""
    client = Client()
    if request.param == "learner":
        client.force_login(request.getfixturevalue("alice"))
    elif request.param == "editor":
        client.force_login(request.getfixturevalue("charlie"))
    return client


# ---------------------------------------------------------------- seeded content


@pytest.fixture(scope="module")
def _seeded_module(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        restore_seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_module, db) -> None:
    """The seeded roadmap and course catalogue (fixtures/*.json)."""


# ---------------------------------------------------------------- roadmap factory


@dataclass
class Roadmap:
    stages: list[Stage] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)

    def steps_of(self, stage: Stage) -> list[Step]:
        return [step for step in self.steps if step.stage_id == stage.pk]


class RoadmapFactory:
    """Builds stages x steps, each step with its own courses plus one shared course."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)

    def __call__(
        self,
        *,
        stages: int = 2,
        steps: int = 3,
        courses_per_step: int = 2,
        optional_every: int = 3,
        checkpoints_per_step: int = 0,
    ) -> Roadmap:
        batch = next(self._numbers)
        provider = Provider.objects.create(
            name=f"Provider {batch}", slug=f"provider-{batch}", website="https://example.com/"
        )
        shared = Course.objects.create(
            title=f"Shared course {batch}",
            slug=f"shared-{batch}",
            url="https://example.com/shared",
            provider=provider,
            pricing=Course.Pricing.PAID,
        )
        roadmap = Roadmap(courses=[shared])
        last = Stage.objects.order_by("-position").values_list("position", flat=True).first() or 0
        for s in range(1, stages + 1):
            stage = Stage.objects.create(
                title=f"Stage {batch}.{s}",
                slug=f"stage-{batch}-{s}",
                position=last + s,
                summary="A stage.",
                body="Some *Markdown*.",
            )
            roadmap.stages.append(stage)
            Step.objects.bulk_create(
                Step(
                    stage=stage,
                    title=f"Step {batch}.{s}.{n}",
                    slug=f"step-{n}",
                    position=n,
                    summary="A step.",
                    body="Read **this**.",
                    estimated_hours=2,
                    is_optional=n % optional_every == 0,
                )
                for n in range(1, steps + 1)
            )
        roadmap.steps = list(
            Step.objects.filter(stage__in=roadmap.stages).select_related("stage").in_roadmap_order()
        )
        Course.objects.bulk_create(
            Course(
                title=f"Course {batch}.{step.pk}.{c}",
                slug=f"course-{batch}-{step.pk}-{c}",
                url=f"https://example.com/{step.pk}/{c}",
                provider=provider,
                description="A *good* course.",
            )
            for step in roadmap.steps
            for c in range(1, courses_per_step + 1)
        )
        own = Course.objects.filter(slug__startswith=f"course-{batch}-").order_by("id")
        roadmap.courses += list(own)
        by_slug = {course.slug: course for course in roadmap.courses}
        StepCourse.objects.bulk_create(
            StepCourse(
                step=step,
                course=by_slug[f"course-{batch}-{step.pk}-{c}"],
                position=c,
                is_recommended=c == 1,
            )
            for step in roadmap.steps
            for c in range(1, courses_per_step + 1)
        )
        StepCourse.objects.bulk_create(
            StepCourse(step=step, course=shared, position=courses_per_step + 1)
            for step in roadmap.steps
        )
        Checkpoint.objects.bulk_create(
            Checkpoint(step=step, text=f"Do *thing* {n}.", slug=f"thing-{n}", position=n)
            for step in roadmap.steps
            for n in range(1, checkpoints_per_step + 1)
        )
        return roadmap


@pytest.fixture
def make_roadmap(db) -> RoadmapFactory:
    """Call it to build a roadmap: make_roadmap(stages=2, steps=3)."""
    return RoadmapFactory()


@pytest.fixture
def roadmap(make_roadmap) -> Roadmap:
    """A small roadmap: 2 stages x 3 steps (every third step optional), 2 courses a step."""
    return make_roadmap(stages=2, steps=3)
