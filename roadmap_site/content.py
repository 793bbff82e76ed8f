"""What counts as content: the models editors curate in the admin.

The one list: the Editors group's permissions (editors.py), the page cache's
invalidation (page_cache.py) and the fixtures that export_content writes (its test
checks that every one of them is written) all follow it. A new content model goes here.
"""

from django.apps import apps
from django.db.models import Model

#: As "app_label.ModelName", parents before children (the order fixtures load in).
CONTENT_MODELS = (
    "roadmap.Stage",
    "roadmap.Step",
    "roadmap.Checkpoint",  # the self-checks edited inline on a step
    "courses.Provider",
    "courses.Course",
    "courses.StepCourse",  # the course links edited inline on a step
)


def content_models() -> list[type[Model]]:
    """The model classes of CONTENT_MODELS, in its order."""
    return [apps.get_model(label) for label in CONTENT_MODELS]
