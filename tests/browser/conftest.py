"""Fixtures for the browser test of the built book (`make browser-test`).

The built HTML (`_build/html`, or $BOOK_HTML) is served by a local http.server on a free port
of 127.0.0.1 and opened in Debian's headless Chromium through Debian's chromedriver, both found
on PATH: nothing is downloaded. Chromium's host resolver is told that no host name exists, so
the pages load with no network at all; a page that needs a CDN fails its checks.

These tests are marked `browser` and left out of a plain `pytest tests` (`make unit`): they run
when asked for by marker (`-m browser`) or by path (`pytest tests/browser`).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOOK = Path(os.environ.get("BOOK_HTML", REPO / "_build" / "html")).resolve()
SCREENSHOTS = REPO / "reports" / "screenshots"

# What the checks counted, for the summary printed at the end of the run.
SUMMARY: dict[str, int] = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: opens the built book in headless Chromium (make browser-test)")


def _asked_for(config) -> bool:
    if "browser" in (config.option.markexpr or ""):
        return True
    here = Path(__file__).resolve().parent
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path == here or here in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config, items):
    if _asked_for(config):
        return
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = [item for item in items if not item.get_closest_marker("browser")]


def pytest_terminal_summary(terminalreporter):
    if not SUMMARY:
        return
    s = SUMMARY
    terminalreporter.write_sep("-", "browser check of the built book")
    terminalreporter.write_line(
        f"{s.get('pages', 0)} pages checked in headless Chromium with no network; "
        f"{s.get('equations', 0)} equations typeset by the bundled MathJax "
        f"on {s.get('pages_with_math', 0)} pages; "
        f"{s.get('images', 0)} images loaded; "
        f"{s.get('internal_links', 0)} internal links resolved "
        f"({s.get('anchors', 0)} of them to an #anchor); "
        f"{s.get('external_links', 0)} external links not followed; "
        f"{s.get('dropdowns', 0)} solution dropdowns opened; "
        f"{s.get('launch_links', 0)} launch and repository links checked; "
        f"{s.get('console_errors', 0)} console errors."
    )
    if s.get("screenshots"):
        terminalreporter.write_line(f"screenshots: {SCREENSHOTS.relative_to(REPO)}/")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def book_dir() -> Path:
    if not (BOOK / "index.html").exists():
        pytest.fail(f"no built book at {BOOK}: run `make book` first")
    return BOOK


@pytest.fixture(scope="session")
def base_url(book_dir):
    handler = functools.partial(_QuietHandler, directory=str(book_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        pytest.fail("Debian's chromium and chromedriver are needed: `make browser-test` installs them")
    options = webdriver.ChromeOptions()
    # Both paths given, so Selenium Manager has nothing to look up or download.
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        # No network: every host name fails to resolve, only the local server answers.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def summary():
    return SUMMARY
