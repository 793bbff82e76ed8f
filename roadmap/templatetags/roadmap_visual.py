from collections.abc import Iterable
from dataclasses import dataclass, field

from django import template

from roadmap.models import Step

register = template.Library()


@dataclass
class StepGroup:
    """Consecutive steps drawn together: one required step, or a run of optional ones."""

    optional: bool
    steps: list[Step] = field(default_factory=list)

    @property
    def is_choice(self) -> bool:
        """Two or more optional steps side by side are alternatives: pick one."""
        return self.optional and len(self.steps) > 1


@register.filter
def step_groups(steps: Iterable[Step]) -> list[StepGroup]:
    """Group runs of optional steps (React, Angular) so the roadmap can draw them as a fork."""
    groups: list[StepGroup] = []
    for step in steps:
        if step.is_optional and groups and groups[-1].optional:
            groups[-1].steps.append(step)
        else:
            groups.append(StepGroup(optional=step.is_optional, steps=[step]))
    return groups
