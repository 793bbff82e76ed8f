#!/usr/bin/env python3
"""Take the screenshots in docs/screenshots from the site as it is now.

Serves the seeded roadmap from a throwaway SQLite database (runserver), with a
learner who has made some progress, a study group and a study plan, and photographs the
pages the README and docs/features.md show, with Debian's chromium.

    .venv/bin/python scripts/screenshots.py
    .venv/bin/python scripts/screenshots.py study-group-phone=docs/screenshots/x.png

With NAME=PATH arguments it takes only those shots, saved where they say (a
"before" picture for an issue, say); the names are the keys of SHOTS.
    .venv/bin/python scripts/screenshots.py before   # issue 26's phone shots named *-before

Issue 26's phone shots (docs/screenshots/issue-26/) are named `item<N>-after.png`
unless a label (before, after) is given.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "screenshots-only-password"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 860}
SMALL_PHONE = {"width": 360, "height": 740}

# Ada has done the first steps, ticked two self-checks of the next one and follows
# Ben and Cleo in a study group.
DEMO_DATA = f"""
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from groups import services as group_services
from progress import services
from roadmap.models import Step
steps = list(Step.objects.published().in_roadmap_order())
people = []
for name in ("ada", "ben", "cleo"):
    user = get_user_model().objects.create_user(name, f"{{name}}@example.com", "{PASSWORD}")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    people.append(user)
ada, ben, cleo = people
for learner, done in ((ada, 3), (ben, 9), (cleo, 4)):
    for step in steps[:done]:
        services.progress_set(user=learner, step=step, status="done")
    services.progress_set(user=learner, step=steps[done], status="in_progress")
for checkpoint in steps[3].checkpoints.all()[:2]:
    services.checkpoint_tick(user=ada, checkpoint=checkpoint, ticked=True)
group = group_services.group_create(owner=ada, name="Tuesday Django club",
                                    description="We meet on Tuesdays at the library.")
for learner in (ben, cleo):
    group_services.group_join(group=group, user=learner)
import datetime as dt
from django.utils import timezone
from plans.models import Plan, Review
from progress.models import ProgressEvent, StepProgress
# Ada's done steps three weeks back: her plan has a measured pace and a week to fill.
weeks_ago = timezone.now() - dt.timedelta(days=20)
StepProgress.objects.filter(user=ada, status="done").update(updated_at=weeks_ago)
ProgressEvent.objects.filter(user=ada, status="done").update(created_at=weeks_ago)
Review.objects.filter(user=ada).update(due_at=weeks_ago + dt.timedelta(days=7))
Plan.objects.create(user=ada, hours_per_week=6, target_date=dt.date.today() + dt.timedelta(150))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", f"{name}@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack-form button.button")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def mentor_table_phone(page: Page, base: str, path: Path) -> None:
    page.goto(f"{base}/groups/tuesday-django-club/")
    table = page.locator(".table-scroll")
    table.scroll_into_view_if_needed()
    table.evaluate("element => element.scrollBy(120, 0)")  # scrolled, as a thumb would
    page.screenshot(path=path)


def study_plan(page: Page, base: str, path: Path) -> None:
    page.goto(f"{base}/plan/")
    page.screenshot(path=path)


# The shots taken one by one on request: name -> (viewport, user, function).
SHOTS = {
    "study-group-phone": ({"width": 360, "height": 740}, "ada", mentor_table_phone),
    "study-plan-desktop": (DESKTOP, "ada", study_plan),
}


def shoot(base: str, only: dict[str, Path], label: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )

        def page_for(viewport: dict, *, theme: str = "light", user: str = "") -> Page:
            context = browser.new_context(viewport=viewport)
            context.add_cookies([{"name": "theme", "value": theme, "url": base}])
            page = context.new_page()
            if user:
                sign_in(page, base, user)
            return page

        if only:
            for name, path in only.items():
                viewport, user, take = SHOTS[name]
                path.parent.mkdir(parents=True, exist_ok=True)
                take(page_for(viewport, user=user), base, path)
            browser.close()
            return

        page = page_for(DESKTOP)
        page.goto(f"{base}/")
        page.screenshot(path=OUT / "visual-roadmap-desktop.png")
        page = page_for({"width": 360, "height": 780}, theme="dark")
        page.goto(f"{base}/")
        page.screenshot(path=OUT / "visual-roadmap-phone.png")
        page = page_for({"width": 360, "height": 780})
        page.goto(f"{base}/search/?q=django+orm")
        page.screenshot(path=OUT / "search-phone.png")
        page = page_for(DESKTOP, theme="dark")
        page.goto(f"{base}/courses/?format=book&price=free")
        page.screenshot(path=OUT / "catalogue-desktop.png")
        page = page_for(PHONE, user="ada")
        page.goto(f"{base}/stages/python-fundamentals/control-flow/")
        page.screenshot(path=OUT / "step-phone.png")
        page.locator("#checkpoints").scroll_into_view_if_needed()
        page.screenshot(path=OUT / "self-checks-phone.png")
        page = page_for(DESKTOP, user="ada")
        page.goto(f"{base}/groups/tuesday-django-club/")
        page.screenshot(path=OUT / "study-group-desktop.png")
        for name, (viewport, user, take) in SHOTS.items():
            take(page_for(viewport, user=user), base, OUT / f"{name}.png")
        shoot_issue_26(page_for, base, label)
        browser.close()


def shoot_issue_26(page_for: Callable[..., Page], base: str, label: str) -> None:
    """Issue 26's funnel on a 360 px phone: a visitor's first tap, a guest's dashboard, a
    rejected project link."""
    out = OUT / "issue-26"
    out.mkdir(exist_ok=True)
    step = f"{base}/stages/python-fundamentals/functions/"
    page = page_for(SMALL_PHONE)
    page.goto(step)
    page.locator(".status-controls").get_by_text("Done").click()
    page.wait_for_load_state()
    page.screenshot(path=out / f"item1-{label}.png")
    page.get_by_role("button", name="Continue as a guest").click()
    page.wait_for_load_state()
    page.screenshot(path=out / f"item1-guest-{label}.png")
    page.goto(f"{base}/progress/")
    page.screenshot(path=out / f"item2-{label}.png")
    page = page_for(SMALL_PHONE, user="ada")
    page.goto(f"{base}/stages/python-fundamentals/cli-project/")
    page.fill("#project input[name=repository_url]", "not a link")
    page.locator("#project").get_by_role("button", name="Save project").click()
    page.wait_for_load_state()
    page.screenshot(path=out / f"item4-{label}.png")


def main() -> None:
    only, label = {}, "after"
    for argument in sys.argv[1:]:
        if argument in ("before", "after"):
            label = argument
            continue
        name, _, path = argument.partition("=")
        if name not in SHOTS or not path:
            names = ", ".join(SHOTS)
            sys.exit(f"usage: screenshots.py [before|after] [NAME=PATH ...], NAME one of {names}")
        only[name] = Path(path).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/screenshots.db"}
        env.pop("REDIS_URL", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["migrate", "-v0"], ["seed"], ["shell", "-c", DEMO_DATA]):
            subprocess.run(manage + command, env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            shoot(base, only, label)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"Screenshots written to {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
