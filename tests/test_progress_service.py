import pytest
from django.db.models import QuerySet

from progress import selectors, services
from progress.models import ProgressEvent, StepProgress
from roadmap.models import Stage, Step

Status = StepProgress.Status


# ---------------------------------------------------------------- progress_set


@pytest.fixture
def step(roadmap) -> Step:
    return roadmap.steps[0]


def test_it_sets_a_status(alice, step):
    changed = services.progress_set(user=alice, step=step, status=Status.IN_PROGRESS)

    assert changed is True
    assert StepProgress.objects.get(user=alice, step=step).status == Status.IN_PROGRESS


def test_it_updates_a_status(alice, step):
    services.progress_set(user=alice, step=step, status=Status.IN_PROGRESS)

    services.progress_set(user=alice, step=step, status=Status.DONE)

    assert StepProgress.objects.get(user=alice, step=step).status == Status.DONE


def test_it_resets_a_status(alice, step):
    services.progress_set(user=alice, step=step, status=Status.DONE)

    result = services.progress_set(user=alice, step=step, status=services.RESET)

    assert result is True
    assert not StepProgress.objects.filter(user=alice, step=step).exists()


def test_it_resets_a_step_never_started(alice, step):
    assert services.progress_set(user=alice, step=step, status=services.RESET) is False
    assert not StepProgress.objects.exists()


def test_it_is_idempotent(alice, step):
    first = services.progress_set(user=alice, step=step, status=Status.DONE)
    second = services.progress_set(user=alice, step=step, status=Status.DONE)

    assert (first, second) == (True, False)
    assert list(StepProgress.objects.values_list("user", "step", "status")) == [
        (alice.pk, step.pk, Status.DONE)
    ]


def test_it_never_duplicates_rows(alice, step):
    for status in [Status.IN_PROGRESS, Status.DONE, Status.SKIPPED, Status.DONE, Status.DONE]:
        services.progress_set(user=alice, step=step, status=status)

    assert StepProgress.objects.filter(user=alice, step=step).count() == 1


@pytest.fixture
def loses_the_race(monkeypatch):
    """Make the next read of a StepProgress row lose a race: it finds nothing, and right
    after it another request's row for the same learner and step (built by the test)
    really lands, so the insert that follows hits the unique constraint, as when two
    clicks arrive at once."""
    landed = []

    def land_after_the_read(other: StepProgress) -> None:
        real_get = QuerySet.get

        def get(queryset, *args, **kwargs):
            try:
                return real_get(queryset, *args, **kwargs)
            except StepProgress.DoesNotExist:
                if queryset.model is StepProgress and not landed:
                    other.save(force_insert=True)
                    landed.append(other)
                raise

        monkeypatch.setattr(QuerySet, "get", get)

    land_after_the_read.landed = landed
    return land_after_the_read


def test_it_recovers_when_another_request_inserted_another_status_first(
    alice, step, loses_the_race
):
    """A lost insert race becomes an update, not a 500: the later request's status wins."""
    loses_the_race(StepProgress(user=alice, step=step, status=Status.IN_PROGRESS))

    assert services.progress_set(user=alice, step=step, status=Status.DONE) is True

    assert loses_the_race.landed, "the other request's row never landed first"
    assert list(StepProgress.objects.filter(user=alice).values_list("step", "status")) == [
        (step.pk, Status.DONE)
    ]
    assert list(ProgressEvent.objects.filter(user=alice).values_list("status", flat=True)) == [
        Status.DONE
    ]


def test_it_changes_nothing_when_another_request_inserted_the_same_status_first(
    alice, step, loses_the_race
):
    """Two clicks on the same status at once: one row, and no second activity event."""
    loses_the_race(StepProgress(user=alice, step=step, status=Status.DONE))

    assert services.progress_set(user=alice, step=step, status=Status.DONE) is False

    assert loses_the_race.landed, "the other request's row never landed first"
    assert list(StepProgress.objects.filter(user=alice).values_list("step", "status")) == [
        (step.pk, Status.DONE)
    ]
    assert not ProgressEvent.objects.filter(user=alice).exists()


def test_it_keeps_learners_apart(alice, bob, step):
    services.progress_set(user=alice, step=step, status=Status.DONE)
    services.progress_set(user=bob, step=step, status=Status.SKIPPED)
    services.progress_set(user=bob, step=step, status=services.RESET)

    assert selectors.statuses_for(alice) == {step.pk: Status.DONE}
    assert selectors.statuses_for(bob) == {}


@pytest.mark.parametrize("status", ["finished", "", "DONE", "not_started", None])
def test_it_rejects_an_unknown_status(alice, step, status):
    with pytest.raises(ValueError, match="Unknown status"):
        services.progress_set(user=alice, step=step, status=status)

    assert not StepProgress.objects.exists()


def test_it_rejects_an_unknown_status_without_touching_the_existing_one(alice, step):
    services.progress_set(user=alice, step=step, status=Status.DONE)

    with pytest.raises(ValueError):
        services.progress_set(user=alice, step=step, status="finished")

    assert StepProgress.objects.get(user=alice, step=step).status == Status.DONE


def test_it_maps_step_ids_to_statuses(alice, roadmap):
    first, second = roadmap.steps[:2]
    services.progress_set(user=alice, step=first, status=Status.DONE)
    services.progress_set(user=alice, step=second, status=Status.IN_PROGRESS)

    assert selectors.statuses_for(alice) == {first.pk: Status.DONE, second.pk: Status.IN_PROGRESS}


def test_it_has_no_statuses_for_a_visitor():
    from django.contrib.auth.models import AnonymousUser

    assert selectors.statuses_for(AnonymousUser()) == {}


# ---------------------------------------------------------------- summarise and next_step
# Pure functions: steps are built in memory, no database needed.

STAGE = Stage(pk=1, slug="stage", title="Stage")


def make_steps(*specs: tuple[int, bool, int]) -> list[Step]:
    """Steps from (pk, optional, hours) triples, in roadmap order."""
    return [
        Step(pk=pk, stage=STAGE, slug=f"s{pk}", is_optional=optional, estimated_hours=hours)
        for pk, optional, hours in specs
    ]


STEPS = make_steps(
    (1, False, 4),
    (2, False, 6),
    (3, True, 10),  # optional
    (4, False, 8),
    (5, True, 3),  # optional
)


def test_it_summarises_an_untouched_roadmap():
    summary = selectors.summarise(STEPS, statuses={})

    assert summary.required_total == 3
    assert summary.optional_total == 2
    assert (summary.done, summary.skipped, summary.in_progress, summary.settled) == (0, 0, 0, 0)
    assert summary.percent == 0
    assert summary.hours_left == 4 + 6 + 8
    assert not summary.is_complete


def test_it_leaves_optional_steps_out_of_the_percentage():
    summary = selectors.summarise(STEPS, statuses={3: Status.DONE, 5: Status.DONE})

    assert summary.percent == 0
    assert summary.optional_done == 2
    assert summary.done == 0
    assert summary.hours_left == 18


def test_it_counts_done_steps():
    summary = selectors.summarise(STEPS, statuses={1: Status.DONE})

    assert summary.done == 1
    assert summary.settled == 1
    assert summary.percent == 33
    assert summary.hours_left == 6 + 8


def test_it_counts_skipped_steps_as_settled_but_not_done():
    summary = selectors.summarise(STEPS, statuses={1: Status.DONE, 2: Status.SKIPPED})

    assert summary.done == 1
    assert summary.skipped == 1
    assert summary.settled == 2
    assert summary.percent == 67
    assert summary.hours_left == 8


def test_it_does_not_count_in_progress_as_settled():
    summary = selectors.summarise(STEPS, statuses={1: Status.IN_PROGRESS, 3: Status.IN_PROGRESS})

    assert summary.in_progress == 2
    assert summary.settled == 0
    assert summary.percent == 0
    assert summary.hours_left == 18


def test_it_completes_when_every_required_step_is_settled():
    summary = selectors.summarise(
        STEPS, statuses={1: Status.DONE, 2: Status.SKIPPED, 4: Status.DONE}
    )

    assert summary.percent == 100
    assert summary.is_complete
    assert summary.hours_left == 0
    assert summary.optional_done == 0


def test_it_never_completes_an_empty_roadmap():
    summary = selectors.summarise([], statuses={})

    assert summary.percent == 0
    assert not summary.is_complete


def test_it_ignores_statuses_of_steps_outside_the_set():
    summary = selectors.summarise(STEPS[:2], statuses={4: Status.DONE, 99: Status.DONE})

    assert summary.required_total == 2
    assert summary.done == 0


def test_it_picks_the_first_required_step_as_next():
    assert selectors.next_step(STEPS, statuses={}).pk == 1


def test_it_passes_over_done_and_skipped_steps():
    assert selectors.next_step(STEPS, statuses={1: Status.DONE, 2: Status.SKIPPED}).pk == 4


def test_it_keeps_an_in_progress_step_as_next():
    assert selectors.next_step(STEPS, statuses={1: Status.DONE, 2: Status.IN_PROGRESS}).pk == 2


def test_it_never_picks_an_optional_step_as_next():
    steps = make_steps((1, True, 1), (2, False, 1))

    assert selectors.next_step(steps, statuses={}).pk == 2


def test_it_has_no_next_step_when_everything_is_settled():
    assert (
        selectors.next_step(STEPS, statuses={1: Status.DONE, 2: Status.DONE, 4: Status.SKIPPED})
        is None
    )


def test_it_follows_roadmap_order_across_stages(alice, make_roadmap):
    roadmap = make_roadmap(stages=2, steps=2)
    first_stage, second_stage = roadmap.stages
    for step in roadmap.steps_of(first_stage):
        services.progress_set(user=alice, step=step, status=Status.DONE)
    # Editors reorder steps; roadmap order is stage position, then step position.
    later = roadmap.steps_of(second_stage)[1]
    Step.objects.filter(pk=later.pk).update(position=0)
    steps = list(Step.objects.published().in_roadmap_order())

    chosen = selectors.next_step(steps, statuses=selectors.statuses_for(alice))

    assert chosen == later
