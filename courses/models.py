from django.db import models
from django.urls import reverse

from roadmap.models import Step


class ProviderQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str) -> "Provider":
        return self.get(slug=slug)


class Provider(models.Model):
    """Who publishes a course: a documentation project, a school, a platform."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class CourseQuerySet(models.QuerySet):
    def published(self) -> "CourseQuerySet":
        return self.filter(is_published=True)

    def free(self) -> "CourseQuerySet":
        """Free to learn from; a paid certificate may be on offer."""
        return self.exclude(pricing=Course.Pricing.PAID)

    def paid(self) -> "CourseQuerySet":
        return self.filter(pricing=Course.Pricing.PAID)

    def get_by_natural_key(self, slug: str) -> "Course":
        return self.get(slug=slug)


class Course(models.Model):
    """A curated resource: a course, book, documentation page or video."""

    class Format(models.TextChoices):
        COURSE = "course", "Course"
        BOOK = "book", "Book"
        DOCUMENTATION = "documentation", "Documentation"
        VIDEO = "video", "Video"
        TUTORIAL = "tutorial", "Tutorial"
        INTERACTIVE = "interactive", "Interactive"
        ARTICLE = "article", "Article"

    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    class Pricing(models.TextChoices):
        FREE = "free", "Free"
        FREE_CERTIFICATE = "free_certificate", "Free, paid certificate"
        PAID = "paid", "Paid"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    url = models.URLField("URL", max_length=500)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.COURSE)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER)
    pricing = models.CharField(max_length=20, choices=Pricing.choices, default=Pricing.FREE)
    duration_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Rough time to complete, in hours."
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    is_published = models.BooleanField("published", default=True)
    steps = models.ManyToManyField(Step, through="StepCourse", related_name="courses", blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('courses:catalogue')}#course-{self.slug}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["courses.provider"]

    @property
    def is_paid(self) -> bool:
        return self.pricing == self.Pricing.PAID


class StepCourseQuerySet(models.QuerySet):
    def published(self) -> "StepCourseQuerySet":
        return self.filter(course__is_published=True)

    def free_first(self) -> "StepCourseQuerySet":
        """Free resources before paid ones, then in the editors' order."""
        paid_last = models.Case(
            models.When(course__pricing=Course.Pricing.PAID, then=models.Value(1)),
            default=models.Value(0),
            output_field=models.IntegerField(),
        )
        return self.order_by(paid_last, "position", "id")

    def get_by_natural_key(self, stage_slug: str, step_slug: str, course_slug: str):
        return self.get(
            step__stage__slug=stage_slug, step__slug=step_slug, course__slug=course_slug
        )


class StepCourse(models.Model):
    """A course curated for a step, in the order editors chose."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="course_links")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="step_links")
    position = models.PositiveIntegerField(default=0)
    is_recommended = models.BooleanField("recommended", default=False)

    objects = StepCourseQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "course link"
        constraints = [
            models.UniqueConstraint(fields=["step", "course"], name="course_linked_once_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.course} → {self.step}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.step.natural_key(), self.course.slug)

    natural_key.dependencies = ["roadmap.step", "courses.course"]
