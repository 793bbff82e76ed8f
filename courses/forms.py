from django import forms

from courses.models import Course
from roadmap.models import Stage

PRICE_CHOICES = [("", "Free and paid"), ("free", "Free to learn"), ("paid", "Paid")]


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters. Unknown values are reported and ignored, never a 500."""

    stage = forms.ChoiceField(required=False)
    format = forms.ChoiceField(required=False, choices=[("", "Any format"), *Course.Format.choices])
    level = forms.ChoiceField(required=False, choices=[("", "Any level"), *Course.Level.choices])
    price = forms.ChoiceField(required=False, choices=PRICE_CHOICES)

    def __init__(self, *args, stages: list[Stage], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "Any stage"), *((s.slug, s.title) for s in stages)]

    def valid_filters(self) -> dict[str, str]:
        """The submitted filters that are valid; the rest are left out."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value and name not in self.errors
        }

    def rejected(self) -> list[str]:
        self.is_valid()
        return [self.fields[name].label or name.title() for name in self.errors]
