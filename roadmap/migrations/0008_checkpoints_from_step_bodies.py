"""Self-checks (issue 15): each step's "You can move on when you can…" list becomes checkpoints.

Every step body ended with that heading and a Markdown bullet list. Forward, the
bullets become the step's checkpoints, in order, and the heading and its list leave
the body (anything written after the list stays), so the page does not show them
twice. Backward, the checkpoints are written back as that section at the end of
the body. A body without the section is left alone, and so is one whose section
is not a plain list of one-line bullets that fit a checkpoint (nested lists, say):
an editor moves those by hand, and nothing is lost.

The slugs are made from the texts exactly as Checkpoint.save() makes them, so any
database migrated here gets the slugs of the committed fixtures, and `seed --force`
then updates its checkpoints in place instead of adding them again.
"""

import re

from django.db import migrations
from django.utils.text import slugify

from roadmap_site.editors import sync_editors_group

HEADING = "### You can move on when you can…"
# The heading as editors may have typed it: any level, "…" or "...", any case.
HEADING_LINE = re.compile(r"^#{1,6}[ \t]*you can move on when you can[ \t]*(…|\.\.\.)?[ \t]*$", re.I)
BULLET = re.compile(r"^[-*+][ \t]+(\S.*)$")
CONTINUATION = re.compile(r"^[ \t]{2,}(\S.*)$")  # a bullet's text wrapped onto the next line
MAX_TEXT, SLUG_LENGTH = 300, 60


def split_checklist(body: str) -> tuple[str, list[str]] | None:
    """The body without its checklist section, and the section's bullets; None to leave it."""
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if HEADING_LINE.match(line.strip())), None)
    if start is None:
        return None
    bullets: list[str] = []
    end = start + 1
    while end < len(lines) and not lines[end].strip() and not bullets:
        end += 1  # blank lines between the heading and its list
    while end < len(lines):
        line = lines[end].rstrip()
        if bullet := BULLET.match(line):
            bullets.append(bullet[1].strip())
        elif (wrapped := CONTINUATION.match(line)) and bullets and not BULLET.match(wrapped[1]):
            bullets[-1] += " " + wrapped[1].strip()
        elif line:
            if not lines[end - 1].strip():
                break  # the list is over; what follows is the body's again
            return None  # a list item we cannot read as one line
        else:
            following = lines[end + 1] if end + 1 < len(lines) else ""
            if not BULLET.match(following.rstrip()):
                break
        end += 1
    if not bullets or any(len(text) > MAX_TEXT for text in bullets):
        return None
    before = "\n".join(lines[:start]).rstrip()
    after = "\n".join(lines[end:]).strip()
    return "\n\n".join(part for part in (before, after) if part), bullets


def slug_for(text: str, taken: set[str]) -> str:
    base = slugify(text)
    if len(base) > SLUG_LENGTH:  # cut at a word
        base = base[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    base = base.strip("-") or "checkpoint"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def bodies_to_checkpoints(apps, schema_editor):
    Step = apps.get_model("roadmap", "Step")
    Checkpoint = apps.get_model("roadmap", "Checkpoint")
    for step in Step.objects.exclude(checkpoints__isnull=False).only("body").iterator():
        split = split_checklist(step.body)
        if split is None:
            continue
        step.body, bullets = split
        taken: set[str] = set()
        Checkpoint.objects.bulk_create(
            Checkpoint(step=step, text=text, slug=slug_for(text, taken), position=number)
            for number, text in enumerate(bullets, start=1)
        )
        step.save(update_fields=["body"])


def checkpoints_to_bodies(apps, schema_editor):
    Step = apps.get_model("roadmap", "Step")
    Checkpoint = apps.get_model("roadmap", "Checkpoint")
    texts: dict[int, list[str]] = {}
    for step_id, text in Checkpoint.objects.order_by("position", "id").values_list("step_id", "text"):
        texts.setdefault(step_id, []).append(text)
    for step in Step.objects.filter(pk__in=texts).only("body"):
        section = "\n".join([HEADING, *(f"- {text}" for text in texts[step.pk])])
        step.body = f"{step.body.rstrip()}\n\n{section}" if step.body.strip() else section
        step.save(update_fields=["body"])
    Checkpoint.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0007_checkpoints")]

    operations = [
        migrations.RunPython(bodies_to_checkpoints, checkpoints_to_bodies),
        # Editors add, change and delete checkpoints, as every other content model.
        migrations.RunPython(sync_editors_group, migrations.RunPython.noop),
    ]
