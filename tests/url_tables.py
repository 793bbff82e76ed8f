"""The URL tables: every address with the status each role must get. test_url_table.py and
test_group_url_table.py check them; test_fuzz.py posts to every one of them."""

from django.contrib.auth import get_user_model

from courses.models import Course
from groups.models import Membership, StudyGroup
from roadmap.models import Step

# ---------------------------------------------------------------- the site (but groups)

ROLES = ["visitor", "learner", "another learner", "editor", "superuser"]

# path: expected status for visitor, learner, another learner, editor, superuser
TABLE = {
    "/": (200, 200, 200, 200, 200),
    "{stage}": (200, 200, 200, 200, 200),
    "{step}": (200, 200, 200, 200, 200),
    "{step}status/?status=done": (405, 405, 405, 405, 405),
    "{step}note/?body=hello": (405, 405, 405, 405, 405),
    "{step}checkpoints/{checkpoint}/?ticked=1": (405, 405, 405, 405, 405),
    "{project}project/?repository_url=https://example.com/": (405, 405, 405, 405, 405),
    "/guest/": (405, 405, 405, 405, 405),
    "/courses/{course}/vote/?vote=helpful": (405, 405, 405, 405, 405),
    "/courses/{course}/report/?reason=broken": (405, 405, 405, 405, 405),
    "/courses/markdown-preview/?text=hello": (405, 405, 405, 405, 405),
    "/courses/": (200, 200, 200, 200, 200),
    "/courses/?format=nonsense&page=zzz": (200, 200, 200, 200, 200),
    "/progress/": (302, 200, 200, 200, 200),
    "/progress/reset/?stage={stage_slug}&step={step_slug}": (302, 200, 200, 200, 200),
    "/progress/reset/?stage={stage_slug}&step=no-such-step": (302, 404, 404, 404, 404),
    "/healthz": (200, 200, 200, 200, 200),
    "/theme/": (200, 200, 200, 200, 200),
    "/accounts/login/": (200, 302, 302, 302, 302),
    "/accounts/signup/": (200, 302, 302, 302, 302),
    "/accounts/password/reset/": (200, 200, 200, 200, 200),
    "/admin/": (302, 302, 302, 200, 200),
    "/admin/login/": (302, 403, 403, 302, 302),
    "/admin/roadmap/stage/": (302, 302, 302, 200, 200),
    "/admin/roadmap/checkpoint/": (302, 302, 302, 200, 200),
    "/admin/auth/user/": (302, 302, 302, 403, 200),
    "/groups/": (302, 200, 200, 200, 200),
    "/groups/no-such-group/": (302, 404, 404, 404, 404),
    "/groups/join/no-such-token/": (404, 404, 404, 404, 404),
    "/stages/no-such-stage/": (404, 404, 404, 404, 404),
    "/no/such/page/": (404, 404, 404, 404, 404),
    "/plan/": (200, 200, 200, 200, 200),  # a visitor's explains what a plan does
    "/plan/?hours_per_week=0&target_date=2027-02-30": (200, 200, 200, 200, 200),
    "/plan/review/": (302, 200, 200, 200, 200),
    "/plan/review/?offer=abc": (302, 200, 200, 200, 200),
    "{step}hours/?hours_spent=3": (405, 405, 405, 405, 405),
    "/plan/email/": (302, 200, 200, 200, 200),
    "/plan/unsubscribe/MQ:1vABCd:tampered/": (400, 400, 400, 400, 400),
}

# path: (POST data, expected status for each role); the learner (alice) has done the first
# step, and its review is due (test_url_table.py); nobody else has started it
POSTS_BY_ROLE = {
    # the learner's answer counts; for anyone else there is no such review
    "/plan/review/": ({"step": "{step_id}", "outcome": "solid"}, (302, 302, 404, 404, 404)),
    "/plan/review/?x=1": ({"step": "{step_id}", "outcome": "maybe"}, (302, 302, 404, 404, 404)),
    # recorded for the learner; the others have not started the step: a message, no change
    "{step}hours/": ({"hours_spent": "3"}, (302, 302, 302, 302, 302)),
}

# Django's admin sends signed-in staff from its sign-in page to its index on GET only.
HEAD_TABLE = TABLE | {"/admin/login/": (302, 403, 403, 200, 200)}


def url_of(path: str) -> str:
    steps = Step.objects.published().select_related("stage").order_by("id")
    step, project = steps.first(), steps.filter(is_project=True).first()
    return path.format(
        stage=step.stage.get_absolute_url(),
        step=step.get_absolute_url(),
        project=project.get_absolute_url(),
        checkpoint=step.checkpoints.first().pk,
        stage_slug=step.stage.slug,
        step_slug=step.slug,
        course=Course.objects.published().order_by("id").first().slug,
        step_id=step.pk,
    )


# ---------------------------------------------------------------- study groups

GROUP_ROLES = ["owner", "mentor", "member", "learner", "editor", "visitor"]

# path: expected status for owner, mentor, member, another learner, editor, visitor
GETS = {
    "/groups/": (200, 200, 200, 200, 200, 302),
    "{group}": (200, 200, 200, 404, 404, 302),
    "{group}progress.csv": (200, 200, 404, 404, 404, 302),
    "{group}members/{eve}/": (200, 200, 404, 404, 404, 302),
    "{group}members/{bob}/": (200, 200, 200, 404, 404, 302),  # the member's own page
    "{group}members/{mia}/": (404, 404, 404, 404, 404, 302),  # mentors are not followed
    "{group}members/{dora}/": (404, 404, 404, 404, 404, 302),  # not in the group
    "{group}members/999999/": (404, 404, 404, 404, 404, 302),
    "{group}members/abc/": (404, 404, 404, 404, 404, 404),
    "{group}members/-1/": (404, 404, 404, 404, 404, 404),
    "{group}settings/": (200, 404, 404, 404, 404, 302),
    "{group}delete/": (200, 404, 404, 404, 404, 302),
    "{group}leave/": (405, 405, 405, 405, 405, 405),
    "{group}invite/": (405, 405, 405, 405, 405, 405),
    "{group}members/{eve}/role/?role=mentor": (405, 405, 405, 405, 405, 405),
    "{group}members/{eve}/remove/": (200, 404, 404, 404, 404, 302),  # the confirmation
    "{group}members/{alice}/remove/": (404, 404, 404, 404, 404, 302),  # never the owner
    "{group}members/{dora}/remove/": (404, 404, 404, 404, 404, 302),  # not in the group
    "{invite}": (200, 200, 200, 200, 200, 200),
    "/groups/join/{invite_token}x/": (404, 404, 404, 404, 404, 404),
    "/groups/join/nonsense/": (404, 404, 404, 404, 404, 404),
    "/groups/no-such-group/": (404, 404, 404, 404, 404, 302),
    "/groups/no-such-group/progress.csv": (404, 404, 404, 404, 404, 302),
    "/groups/join/": (404, 404, 404, 404, 404, 302),  # "join" is a group slug like any other
}

# path: (POST data, expected status for each role); 302 is the only success
POSTS = {
    "/groups/": ({"name": "Another"}, (302, 302, 302, 302, 302, 302)),
    "{group}leave/": ({}, (302, 302, 302, 404, 404, 302)),
    "{group}invite/": ({}, (302, 404, 404, 404, 404, 302)),
    "{group}members/{eve}/role/": ({"role": "mentor"}, (302, 404, 404, 404, 404, 302)),
    "{group}members/{eve}/remove/": ({}, (302, 404, 404, 404, 404, 302)),
    "{group}settings/": ({"name": "Renamed"}, (302, 404, 404, 404, 404, 302)),
    "{group}delete/": ({}, (302, 404, 404, 404, 404, 302)),
    "{group}progress.csv": ({}, (405, 405, 405, 405, 405, 405)),
    "{invite}": ({}, (302, 302, 302, 302, 302, 302)),
}


def group_url_of(path: str, group: StudyGroup) -> str:
    users = dict(Membership.objects.filter(group=group).values_list("user__username", "user_id"))
    dora = get_user_model().objects.get(username="dora")
    return path.format(
        group=group.get_absolute_url(),
        invite=group.invite_path(),
        invite_token=group.invite_token,
        eve=users["eve"],
        bob=users["bob"],
        mia=users["mia"],
        alice=users["alice"],
        dora=dora.pk,
    )
