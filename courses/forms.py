from collections import Counter
from typing import cast

from django import forms

from courses.catalogue import DEFAULT_SORT, FACETS, SORTS
from courses.models import Course, Provider
from roadmap.models import Stage

PRICE_CHOICES = [("", "Free and paid"), ("free", "Free to learn"), ("paid", "Paid")]


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters and order. Unknown values are reported and ignored, never a 500."""

    stage = forms.ChoiceField(required=False)
    format = forms.ChoiceField(required=False, choices=[("", "Any format"), *Course.Format.choices])
    level = forms.ChoiceField(required=False, choices=[("", "Any level"), *Course.Level.choices])
    price = forms.ChoiceField(required=False, choices=PRICE_CHOICES)
    provider = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(
        required=False, label="Sort by", choices=[(key, label) for key, (label, _) in SORTS.items()]
    )

    def __init__(self, *args, stages: list[Stage], providers: list[Provider], **kwargs):
        super().__init__(*args, **kwargs)
        self._choice_field("stage").choices = [
            ("", "Any stage"),
            *((s.slug, s.title) for s in stages),
        ]
        self._choice_field("provider").choices = [
            ("", "Any provider"),
            *((p.slug, p.name) for p in providers),
        ]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])  # every field above is one

    def valid_filters(self) -> dict[str, str]:
        """The submitted filters that are valid; the rest are left out."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in FACETS and value and name not in self.errors
        }

    def sort_order(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or DEFAULT_SORT

    def rejected(self) -> list[str]:
        self.is_valid()
        return [str(self.fields[name].label or name.title()) for name in self.errors]

    def show_counts(self, counts: dict[str, Counter]) -> None:
        """Put "(N)" after each filter value: the courses it would show. A value that would
        show none is left out, unless it is the one chosen."""
        for name in FACETS:
            field = self._choice_field(name)
            chosen = self.data.get(name, "") if self.is_bound else ""
            choices = cast(list[tuple[str, str]], field.choices)  # normalised to a list
            field.choices = [
                (value, f"{label} ({counts[name][value]})")
                for value, label in choices
                if counts[name][value] or value == chosen
            ]

    def chosen_labels(self) -> list[str]:
        """What each active filter shows, in words: "Book", "Free to learn"."""
        filters = self.valid_filters() if self.is_bound else {}
        return [
            str(
                dict(cast(list[tuple[str, str]], self._choice_field(name).choices))[value]
            ).rpartition(" (")[0]
            for name, value in filters.items()
        ]
