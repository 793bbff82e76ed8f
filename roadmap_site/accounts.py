"""The learner's pages that show what two apps keep: the dashboard, the data download and
account deletion. progress draws them; groups and plans add their parts (a card, the
export's groups, a notice), put together here so that progress imports neither.

Their addresses and names stay progress's (`progress:dashboard`…): roadmap_site/urls.py
puts these patterns in progress's namespace.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_safe

from groups import export as groups_export
from groups import selectors as groups_selectors
from plans import email_views as plans_email_views
from plans import export as plans_export
from plans import selectors as plans_selectors
from progress import account_views, views
from roadmap_site.http import AuthenticatedHttpRequest


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """The learner's dashboard, with cards of their study groups and their study plan (none
    for guests)."""
    cards = []
    if request.user.is_authenticated:
        memberships = groups_selectors.groups_of(request.user)
        cards.append(render_to_string("groups/_dashboard_card.html", {"memberships": memberships}))
        outlook = plans_selectors.outlook(request.user)
        cards.append(render_to_string("plans/_dashboard_card.html", {"outlook": outlook}))
    return views.dashboard(request, cards=cards)


@login_required
@require_safe
def download_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the site keeps about the learner, their groups and plan included, as JSON."""
    more = groups_export.groups_data(request.user) | plans_export.plans_data(request.user)
    return account_views.download_data(request, more=more)


@account_views.learner_form_page
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account's deletion, saying which of the learner's groups go with it."""
    owned = groups_selectors.owned_by(request.user)
    notice = render_to_string("groups/_deletion_notice.html", {"owned_groups": owned})
    return account_views.delete_account(request, notices=[notice])


@account_views.learner_form_page
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The settings, with the weekly email's part (it posts to plans' own address)."""
    sections = [plans_email_views.settings_section(request)]
    return account_views.account_settings(request, sections=sections)


urlpatterns = [
    path("progress/", dashboard, name="dashboard"),
    path("accounts/settings/data.json", download_data, name="download_data"),
    path("accounts/settings/delete/", delete_account, name="delete_account"),
    # next to django-allauth's /accounts/ pages
    path("accounts/settings/", account_settings, name="account_settings"),
]
