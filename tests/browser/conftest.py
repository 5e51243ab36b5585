"""Browser tests: Playwright drives Debian's chromium against the live test server."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse to
# touch the database from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright

from commonground.measurement import services
from commonground.measurement.models import Indicator, ReportingAssignment

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def graduation(world):
    """A published graduation-rate indicator with two approved years from both partners."""
    indicator = Indicator.objects.create(
        initiative=world.alpha,
        code="grad_rate",
        name="On-time graduation rate",
        unit="%",
        value_type="rate",
        scale_factor=100,
        aggregation="ratio_of_sums",
        frequency="annual",
        is_published=True,
    )
    figures = {  # partner → period → (graduates, cohort)
        "a": {"2008": (890, 1012), "2009": (945, 1056)},
        "b": {"2008": (238, 319), "2009": (242, 316)},
    }
    lead = world.users["data_manager"]
    for code, years in figures.items():
        partnership = world.partners[code]
        ReportingAssignment.objects.create(indicator=indicator, partnership=partnership)
        for period, (numerator, denominator) in years.items():
            submission = services.open_submission(
                actor=lead, partnership=partnership, period=period
            )
            services.save_values(
                actor=lead,
                submission=submission,
                entries=[
                    services.Entry(
                        indicator=indicator,
                        cell={},
                        numerator=Decimal(numerator),
                        denominator=Decimal(denominator),
                    )
                ],
            )
            services.submit_submission(actor=lead, submission=submission)
            services.approve_submission(actor=lead, submission=submission)
    return indicator
