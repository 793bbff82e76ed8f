"""Lighthouse scores at least 95 in every category, and each page weighs under 100 KB.

Runs scripts/lighthouse.py's audit: gunicorn with DEBUG off and whitenoise's
compressed files, Debian's chromium, Lighthouse from node_modules.
"""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "lighthouse.py"
spec = importlib.util.spec_from_file_location("lighthouse_script", SCRIPT)
lighthouse = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lighthouse)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def audits() -> dict:
    assert lighthouse.LIGHTHOUSE.exists(), "Lighthouse is missing: run `npm ci` (make test does)"
    return {audit.page: audit for audit in lighthouse.run_all()}


@pytest.mark.parametrize("page", list(lighthouse.PAGES))
def test_every_category_scores_at_least_95(audits, page):
    scores = audits[page].scores
    print(page, scores, f"{audits[page].transfer_bytes / 1024:.1f} KB")
    assert set(scores) == set(lighthouse.CATEGORIES)
    assert min(scores.values()) >= lighthouse.MIN_SCORE, scores


@pytest.mark.parametrize("page", list(lighthouse.PAGES))
def test_each_page_weighs_under_100_kb(audits, page):
    assert 0 < audits[page].transfer_bytes < lighthouse.MAX_BYTES
