"""sitemap.xml: the public pages and the published content, nothing else."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from roadmap.models import Stage, Step


class PagesSitemap(Sitemap):
    priority = 0.8

    def items(self) -> list[str]:
        return ["roadmap:index", "courses:catalogue"]

    def location(self, item: str) -> str:
        return reverse(item)


class StageSitemap(Sitemap):
    priority = 0.7

    def items(self):
        return Stage.objects.filter(steps__is_published=True).distinct().order_by("position", "id")


class StepSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return Step.objects.published().select_related("stage").in_roadmap_order()


SITEMAPS = {"pages": PagesSitemap, "stages": StageSitemap, "steps": StepSitemap}
