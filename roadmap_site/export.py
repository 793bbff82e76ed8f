"""The whole roadmap as one Markdown document: stages, steps, texts, self-checks and
resources."""

from django.db.models import Prefetch

from courses.models import StepCourse
from courses.selectors import course_links
from roadmap.models import Stage, Step
from roadmap.selectors import group_by_stage


def _stages_for_export() -> list[Stage]:
    steps = (
        Step.objects.published()
        .select_related("stage")
        .in_roadmap_order()
        .prefetch_related(Prefetch("course_links", course_links()), "checkpoints")
    )
    return group_by_stage(steps)


def _demote_headings(text: str, levels: int) -> str:
    """Push the editor's headings below ours, outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("#"):
            line = "#" * levels + line
        lines.append(line)
    return "\n".join(lines).strip()


def _resource_line(link: StepCourse) -> str:
    course = link.course
    facts = [course.provider.name, course.get_format_display(), course.get_level_display(),
             course.get_pricing_display()]  # fmt: skip
    if course.duration_hours:
        facts.append(f"about {course.duration_hours} h")
    star = " ★ recommended" if link.is_recommended else ""
    return f"- [{course.title}]({course.url}) ({', '.join(facts)}){star}"


def _step_section(step: Step, base_url: str) -> list[str]:
    optional = " (optional)" if step.is_optional else ""
    lines = [f"### {step.title}{optional}", ""]
    lines += [f"About {step.estimated_hours} h · {base_url}{step.get_absolute_url()}", ""]
    if step.summary:
        lines += [f"*{step.summary}*", ""]
    if step.body:
        lines += [_demote_headings(step.body, 3), ""]
    if checkpoints := step.checkpoints.all():
        lines += ["**You can move on when you can…**", ""]
        lines += [*(f"- [ ] {checkpoint.text}" for checkpoint in checkpoints), ""]
    if links := step.course_links.all():  # the published ones, free first (prefetched)
        lines += ["**Resources**", "", *(_resource_line(link) for link in links), ""]
    return lines


def roadmap_markdown(base_url: str) -> str:
    """The published roadmap as Markdown; links are made absolute with `base_url`."""
    lines = ["# Python Backend Roadmap", "", f"The full roadmap, from {base_url}/", ""]
    for number, stage in enumerate(_stages_for_export(), start=1):
        lines += [f"## {number}. {stage.title}", ""]
        if stage.summary:
            lines += [f"*{stage.summary}*", ""]
        if stage.body:
            lines += [_demote_headings(stage.body, 2), ""]
        for step in stage.published_steps:
            lines += _step_section(step, base_url)
    return "\n".join(lines).rstrip() + "\n"
