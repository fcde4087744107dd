"""The built book as a reader's browser shows it, with no network.

Every page of `_build/html` is opened once in headless Chromium (see conftest.py); what it
shows is collected, then each check below is its own test, named by page, so a failure says
which page and what is wrong:

- the page logs no console error (level SEVERE) and fetches nothing from outside the book;
- every equation is typeset by the bundled MathJax: each `.math` element holds a
  `mjx-container`, MathJax reports no error, and no raw `$$`, `\\(`, `\\[`, `\\begin{` or
  `$x_t$` is left in the prose;
- every image has loaded (naturalWidth > 0);
- every internal link names a file of the built book, and its #anchor exists in that file;
  no cross-reference is left unresolved;
- every solution dropdown is closed, and opens when its button is clicked;
- the launch buttons of a chapter name its notebook: Binder `urlpath=.../chapters/NN_x.ipynb`,
  Colab `.../blob/<branch>/chapters/NN_x.ipynb`, a file that exists in the repository, and
  every page has the repository button. The expected URLs come from _config.yml.

The Chinese edition (`_build/html/zh`) is checked page for page the same way, and beside
that: its text is Chinese and shows in a CJK font (two different characters draw different
glyphs, not the same missing-glyph box), every glued number is the English page's, and the
language switch of every page opens the same page in the other edition.

Screenshots of the landing page and of chapter 10 (and their Chinese ones) go to
reports/screenshots/.
"""

from __future__ import annotations

import html
import json
import os
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
BOOK = Path(os.environ.get("BOOK_HTML", REPO / "_build" / "html")).resolve()  # as in conftest.py
SCREENSHOTS = REPO / "reports" / "screenshots"


ZH = "zh/"  # the Chinese edition's folder in the built book


def _book_pages(edition: str = "") -> list[str]:
    """Every page of the last build of one edition, relative to the book's root: the documents
    in Sphinx's search index, and the index and search pages. (Files left in _build/html by
    older builds are not pages of the book; index.html only redirects, and has its own test.)"""
    index = BOOK / edition / "searchindex.js"
    if not index.is_file():
        return []
    text = index.read_text(encoding="utf-8")
    docnames = json.loads(text[text.index("(") + 1 : text.rindex(")")])["docnames"]
    pages = [f"{edition}{name}.html" for name in docnames] + [f"{edition}genindex.html", f"{edition}search.html"]
    return sorted(p for p in pages if (BOOK / p).is_file())


ENGLISH_PAGES = _book_pages()
ZH_PAGES = _book_pages(ZH)
PAGES = ENGLISH_PAGES + ZH_PAGES


def _english(page: str) -> str:
    """The English page a page of either edition translates."""
    return page.removeprefix(ZH)
# the configuration the build used (tools/book_config.py writes it with the repository's URL)
_BUILT_CONFIG = REPO / "_build" / "config" / "_config.yml"
_CONFIG_FILE = _BUILT_CONFIG if _BUILT_CONFIG.is_file() else REPO / "_config.yml"
CONFIG = yaml.safe_load(_CONFIG_FILE.read_text(encoding="utf-8"))


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [re.sub(r"\.(md|ipynb)$", "", f) + ".html" for f in files]


CHAPTER_PAGES = [p for p in _toc_pages() if p.startswith("chapters/")]


# --- collecting what a page shows -----------------------------------------------------------

COLLECT_JS = r"""
const done = arguments[arguments.length - 1];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function mathjaxFinished() {
  const script = document.querySelector('script[src*="mathjax" i], script[src*="tex-" i]');
  if (!script) return {loaded: false, script: null};
  const t0 = Date.now();
  // The page has finished loading, so a (deferred) MathJax that loaded has already started.
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - t0 > 5000) return {loaded: false, script: script.src, error: 'MathJax never started'};
    await sleep(50);
  }
  try {
    await MathJax.startup.promise;
  } catch (e) {
    return {loaded: true, script: script.src, error: String(e)};
  }
  return {loaded: true, script: script.src, version: MathJax.version};
}

async function imagesLoaded() {
  const imgs = Array.from(document.images);
  imgs.forEach((img) => { if (img.loading === 'lazy') img.loading = 'eager'; });
  await Promise.all(imgs.map((img) => img.complete ? null : new Promise((resolve) => {
    img.addEventListener('load', resolve, {once: true});
    img.addEventListener('error', resolve, {once: true});
    setTimeout(resolve, 15000);
  })));
  return imgs.map((img) => ({src: img.currentSrc || img.src, alt: img.alt || '',
                             width: img.naturalWidth, complete: img.complete}));
}

function rawTex() {
  const skip = 'pre, code, script, style, textarea, mjx-container, .math, .highlight';
  const patterns = [/\$\$/, /\\\(|\\\)/, /\\\[|\\\]/, /\\(begin|end)\{/, /\$[^$\s][^$]*[\\^_{][^$]*\$/];
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    const text = node.textContent;
    for (const re of patterns) {
      const m = re.exec(text);
      if (m) {
        found.push(text.slice(Math.max(0, m.index - 30), m.index + 50).replace(/\s+/g, ' ').trim());
        break;
      }
    }
  }
  return found;
}

(async () => {
  const mathjax = await mathjaxFinished();
  const images = await imagesLoaded();
  const maths = Array.from(document.querySelectorAll('.math'));
  const math = {
    elements: maths.length,
    typeset: maths.filter((m) => m.querySelector('mjx-container')).length,
    untypeset: maths.filter((m) => !m.querySelector('mjx-container'))
                    .map((m) => m.textContent.trim().slice(0, 80)),
    containers: document.querySelectorAll('mjx-container').length,
    errors: Array.from(document.querySelectorAll('mjx-merror'))
                 .map((e) => e.getAttribute('data-mjx-error') || e.textContent.slice(0, 80)),
    raw: rawTex(),
  };
  const links = Array.from(document.querySelectorAll('a[href]')).map((a) => ({
    href: a.href, raw: a.getAttribute('href'), text: a.textContent.trim().slice(0, 60),
  }));
  const ids = Array.from(document.querySelectorAll('[id]')).map((e) => e.id)
    .concat(Array.from(document.querySelectorAll('a[name]')).map((e) => e.getAttribute('name')));
  const unresolved = Array.from(document.querySelectorAll('.xref'))
    .filter((e) => !e.closest('a')).map((e) => e.textContent.trim().slice(0, 60));
  const resources = performance.getEntriesByType('resource').map((e) => e.name)
    .concat(Array.from(document.querySelectorAll('script[src], link[rel="stylesheet"][href], img[src]'))
      .map((e) => e.src || e.href));
  done({mathjax, images, math, links, ids, unresolved, resources,
        title: document.title, url: location.href});
})().catch((e) => done({error: String(e && e.stack || e)}));
"""

DROPDOWN_STATE_JS = r"""
const item = arguments[0];
const body = Array.from(item.children).filter((c) => !c.classList.contains('admonition-title'));
if (item.tagName === 'DETAILS') return {open: item.open};
const shown = body.length > 0 && body.every((c) => {
  const s = getComputedStyle(c);
  return s.visibility === 'visible' && s.display !== 'none' && parseFloat(s.opacity) > 0.9
         && c.getBoundingClientRect().height > 0;
});
return {open: shown && !item.classList.contains('toggle-hidden'), parts: body.length};
"""


def _label(element) -> str:
    title = element.get_attribute("id") or ""
    for selector in (".admonition-title", "summary"):
        found = element.find_elements("css selector", selector)
        if found:
            return (found[0].get_attribute("textContent") or "").strip() or title
    return title


def _open_dropdowns(driver) -> list[dict]:
    """Click every dropdown of the article; report whether it was closed and then opened."""
    from selenium.webdriver.support.ui import WebDriverWait

    results = []
    items = driver.find_elements("css selector", ".admonition.dropdown, article details")
    for item in items:
        label = _label(item)
        before = driver.execute_script(DROPDOWN_STATE_JS, item)
        if item.tag_name == "details":
            control = item.find_element("css selector", "summary")
        else:
            controls = item.find_elements("css selector", "button.toggle-button")
            if not controls:
                results.append({"label": label, "problem": "has no toggle button (togglebutton.js did not run)"})
                continue
            control = controls[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", control)
        problem = None
        try:
            control.click()
            WebDriverWait(driver, 5).until(lambda d, item=item: d.execute_script(DROPDOWN_STATE_JS, item)["open"])
        except Exception as exc:  # a click intercepted, or the content never showed
            problem = f"did not open on click ({type(exc).__name__})"
        if before["open"]:
            problem = "is open before any click"
        results.append({"label": label, "problem": problem})
    return results


_REPORTS: dict[str, dict] = {}


def _visit(driver, base_url: str, page: str) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # forget what earlier pages logged
    try:  # every page is checked as a first visit, with nothing stored by earlier pages
        driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    except Exception:
        pass
    driver.get(base_url + page)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    data = driver.execute_async_script(COLLECT_JS)
    if "error" in data:
        raise AssertionError(f"{page}: collecting the page failed: {data['error']}")
    data["dropdowns"] = _open_dropdowns(driver)
    data["console"] = [
        entry
        for entry in driver.get_log("browser")
        # Chromium asks every site for /favicon.ico; the book has none, and no page links one.
        if entry["level"] == "SEVERE" and "/favicon.ico" not in entry["message"]
    ]
    return data


@pytest.fixture
def shown(browser, base_url, book_dir, summary):
    """What a page shows in the browser, collected once per page for all the checks."""

    def get(page: str) -> dict:
        if page not in _REPORTS:
            try:
                _REPORTS[page] = _visit(browser, base_url, page)
            except Exception as exc:
                _REPORTS[page] = {"failed": f"{type(exc).__name__}: {exc}"}
            else:
                summary["pages"] = summary.get("pages", 0) + 1
        report = _REPORTS[page]
        if "failed" in report:
            pytest.fail(f"{page}: the page could not be checked: {report['failed']}")
        return report

    return get


def _count(summary, key, n):
    summary[key] = summary.get(key, 0) + n


def _problems(page: str, what: str, items: list[str]) -> str:
    listed = "\n  ".join(items[:25]) + ("\n  ..." if len(items) > 25 else "")
    return f"{page}: {len(items)} {what}:\n  {listed}"


# --- the checks ---------------------------------------------------------------------------------


def test_book_is_built():
    assert (BOOK / "index.html").exists(), f"no built book at {BOOK}: run `make book`"
    assert ENGLISH_PAGES, f"no pages in {BOOK}"
    assert ZH_PAGES, f"no Chinese edition in {BOOK / ZH}: run `make book`"


def test_every_toc_entry_has_a_page():
    missing = [p for p in _toc_pages() if p not in ENGLISH_PAGES]
    assert not missing, f"pages of _toc.yml missing from {BOOK}: {missing}"


def test_every_page_exists_in_chinese():
    missing = [p for p in ENGLISH_PAGES if ZH + p not in ZH_PAGES]
    assert not missing, f"pages missing from the Chinese edition {BOOK / ZH}: {missing}"


# The warnings a reader may see under a cell, by page: each must be one the page's text
# explains. Anything else printed to stderr (a font missing, a deprecation) is noise from the
# machine that built the book, and must not reach it.
EXPLAINED_STDERR = {"chapters/17_lstm_parameters.html": ["oneDNN"]}
STDERR_BLOCK = re.compile(r'<div class="output stderr[^"]*"><div class="highlight"><pre>(.*?)</pre>', re.S)


@pytest.mark.parametrize("page", PAGES)
def test_no_unexplained_stderr_in_cell_outputs(page):
    text = (BOOK / page).read_text(encoding="utf-8")
    shown = [html.unescape(re.sub(r"<[^>]+>", "", block)).strip() for block in STDERR_BLOCK.findall(text)]
    explained = EXPLAINED_STDERR.get(_english(page), [])
    unexplained = [block for block in shown if not any(phrase in block for phrase in explained)]
    assert not unexplained, _problems(page, "cell outputs on stderr that the text does not explain",
                                      [block.splitlines()[0] for block in unexplained])


def _landing(driver, base_url: str) -> str:
    """The page the book's root URL ends up on (index.html redirects to the root of _toc.yml)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base_url)
    WebDriverWait(driver, 15).until(
        lambda d: urlsplit(d.current_url).path.endswith(".html")
        and not urlsplit(d.current_url).path.endswith("/index.html")
        and d.execute_script("return document.readyState") == "complete"
    )
    return urlsplit(driver.current_url).path.lstrip("/")


def test_index_redirects_to_a_page(browser, base_url, book_dir):
    landed = _landing(browser, base_url)
    assert landed in PAGES, f"index.html redirects to {landed!r}, which is not a page of the book"


@pytest.mark.parametrize("page", PAGES)
def test_no_console_errors(page, shown, summary):
    report = shown(page)
    _count(summary, "console_errors", len(report["console"]))
    messages = [f"[{e['source']}] {e['message']}" for e in report["console"]]
    assert not messages, _problems(page, "console errors", messages)


@pytest.mark.parametrize("page", PAGES)
def test_nothing_fetched_from_the_network(page, shown, base_url):
    report = shown(page)
    outside = sorted({r for r in report["resources"] if r and not r.startswith((base_url, "data:", "blob:"))})
    assert not outside, _problems(page, "resources from outside the book (the book must read offline)", outside)


@pytest.mark.parametrize("page", PAGES)
def test_equations_are_typeset(page, shown, base_url, summary):
    report = shown(page)
    math, mathjax = report["math"], report["mathjax"]
    if math["elements"] == 0 and not mathjax["script"]:
        return  # a page with no math loads no MathJax
    static = base_url + (ZH if page.startswith(ZH) else "") + "_static/"  # each edition has its own
    assert mathjax["script"] and mathjax["script"].startswith(static), (
        f"{page}: MathJax is loaded from {mathjax['script']!r}, not from the book's _static/"
    )
    assert mathjax["loaded"] and not mathjax.get("error"), f"{page}: MathJax did not finish: {mathjax.get('error')}"
    assert not math["untypeset"], _problems(page, "equations not typeset", math["untypeset"])
    assert not math["errors"], _problems(page, "MathJax errors", math["errors"])
    assert not math["raw"], _problems(page, "pieces of raw TeX left in the text", math["raw"])
    assert math["typeset"] == math["elements"] and math["containers"] >= math["elements"]
    _count(summary, "equations", math["typeset"])
    _count(summary, "pages_with_math", 1 if math["typeset"] else 0)


@pytest.mark.parametrize("page", PAGES)
def test_images_have_loaded(page, shown, summary):
    report = shown(page)
    broken = [f"{img['src']} (alt {img['alt']!r})" for img in report["images"] if not img["width"]]
    _count(summary, "images", len(report["images"]) - len(broken))
    assert not broken, _problems(page, "images that did not load", broken)


@cache
def _anchors_in(path: Path) -> frozenset[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return frozenset(html.unescape(m) for m in re.findall(r'\s(?:id|name)="([^"]*)"', text))


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(page, shown, base_url, book_dir, summary):
    report = shown(page)
    here = urlsplit(report["url"]).path
    base = urlsplit(base_url)
    problems, internal, anchors, external = [], 0, 0, 0
    for link in report["links"]:
        url = urlsplit(link["href"])
        if url.scheme not in ("http", "https"):
            continue  # mailto:, javascript:
        if url.netloc != base.netloc:
            external += 1
            continue
        internal += 1
        path = unquote(url.path)
        target = book_dir / path.lstrip("/")
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        where = f"{link['raw']!r} ({link['text']!r})"
        if not target.is_file():
            problems.append(f"{where}: no file {target.relative_to(book_dir)}")
            continue
        fragment = unquote(url.fragment)
        if not fragment:
            continue
        anchors += 1
        ids = set(report["ids"]) if url.path == here else _anchors_in(target)
        if fragment not in ids:
            problems.append(f"{where}: no #{fragment} in {target.relative_to(book_dir)}")
    problems += [f"unresolved cross-reference {text!r}" for text in report["unresolved"]]
    _count(summary, "internal_links", internal - len(problems))
    _count(summary, "anchors", anchors)
    _count(summary, "external_links", external)
    assert not problems, _problems(page, "broken internal links", problems)


@pytest.mark.parametrize("page", PAGES)
def test_solution_dropdowns_open_on_click(page, shown, summary):
    report = shown(page)
    dropdowns = report["dropdowns"]
    failed = [f"{d['label']!r} {d['problem']}" for d in dropdowns if d["problem"]]
    _count(summary, "dropdowns", len(dropdowns) - len(failed))
    assert not failed, _problems(page, "dropdowns that do not work", failed)


def _launched_file(page: str) -> str:
    """The repository file the theme's launch buttons open for `page`: the paired .ipynb of a
    MyST notebook when there is one (sphinx-book-theme's rule), else the page's source."""
    prefix = (CONFIG["repository"].get("path_to_book") or "").strip("/")
    stem = (Path(prefix) / page).with_suffix("").as_posix()
    for suffix in (".ipynb", ".md"):
        if (REPO / (stem + suffix)).is_file():
            return stem + suffix
    return stem + ".ipynb"


def _expected_launch_urls(path: str) -> dict[str, str]:
    """The URLs _config.yml asks the theme for, for the repository file `path`."""
    repo = CONFIG["repository"]
    launch = CONFIG["launch_buttons"]
    org, name = repo["url"].rstrip("/").split("/")[-2:]
    branch = repo.get("branch", "main")
    ui = {"classic": "tree", "jupyterlab": "lab/tree"}[launch.get("notebook_interface", "classic")]
    return {
        "Binder": f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org}/{name}/{branch}?urlpath={ui}/{path}",
        "Colab": f"{launch['colab_url'].rstrip('/')}/github/{org}/{name}/blob/{branch}/{path}",
    }


@pytest.mark.parametrize("page", PAGES)
def test_launch_and_repository_buttons(page, shown, summary):
    report = shown(page)
    hrefs = [link["href"] for link in report["links"]]
    repo_url = CONFIG["repository"]["url"].rstrip("/")
    problems = []
    if repo_url not in [h.rstrip("/") for h in hrefs]:
        problems.append(f"no repository button linking {repo_url}")
    checked = 1
    binder_host = urlsplit(CONFIG["launch_buttons"]["binderhub_url"]).netloc
    colab_host = urlsplit(CONFIG["launch_buttons"]["colab_url"]).netloc
    found = {
        "Binder": [h for h in hrefs if urlsplit(h).netloc == binder_host],
        "Colab": [h for h in hrefs if urlsplit(h).netloc == colab_host],
    }
    launched = _launched_file(_english(page))  # both editions launch the same notebook
    expected = _expected_launch_urls(launched)
    is_chapter = _english(page) in CHAPTER_PAGES
    for service, urls in found.items():
        if is_chapter and not urls:
            problems.append(f"no {service} button")
        for url in urls:
            checked += 1
            if url != expected[service]:
                problems.append(f"{service} URL {url}\n    expected {expected[service]}")
    if is_chapter or any(found.values()):
        if not (REPO / launched).is_file():
            problems.append(f"the launch buttons open {launched}, which is not in the repository")
        elif (found["Colab"] or is_chapter) and not launched.endswith(".ipynb"):
            problems.append(
                f"the Colab button opens {launched}, but Colab opens only notebooks: "
                f"commit a paired {Path(launched).with_suffix('.ipynb').as_posix()} (jupytext), "
                "or make the page a plain Markdown page (no kernelspec) so that it has no launch buttons"
            )
    _count(summary, "launch_links", checked)
    assert not problems, _problems(page, "problems with the launch/repository buttons", problems)


def test_chapters_have_launch_buttons():
    assert CHAPTER_PAGES, "_toc.yml lists no chapters/ pages"
    assert CONFIG.get("launch_buttons", {}).get("binderhub_url"), "_config.yml has no Binder launch button"
    assert CONFIG.get("launch_buttons", {}).get("colab_url"), "_config.yml has no Colab launch button"


def _screenshot(driver, base_url: str, page: str, name: str, scroll_to: str | None = None) -> Path:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base_url + page)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "(window.MathJax && MathJax.startup && MathJax.startup.promise"
        " ? MathJax.startup.promise : Promise.resolve()).then(() => done(true), () => done(false));"
    )
    if scroll_to:
        driver.execute_script(
            "const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView({block: 'center'});",
            scroll_to,
        )
        driver.execute_script("return new Promise((r) => setTimeout(r, 300));")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path


def test_screenshots(browser, base_url, book_dir, summary):
    landing = _landing(browser, base_url)
    chapter_10 = [p for p in CHAPTER_PAGES if Path(p).name.startswith("10_")] or CHAPTER_PAGES[:1]
    shots = [
        _screenshot(browser, base_url, landing, "landing.png"),
        _screenshot(browser, base_url, chapter_10[0], "chapter_10.png"),
        _screenshot(browser, base_url, chapter_10[0], "chapter_10_equation.png", scroll_to="div.math"),
    ]
    for shot in shots:
        assert shot.stat().st_size > 10_000, f"{shot} looks empty"
    summary["screenshots"] = len(shots)



# --- the Chinese edition ------------------------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")

GLYPHS_JS = r"""
// Two different characters in the font the article's text uses: drawn, they must differ
// (a missing font draws both as the same box, or nothing).
const text = document.querySelector('article p, article h1') || document.body;
const font = getComputedStyle(text).fontFamily;
function draw(ch) {
  const c = document.createElement('canvas'); c.width = 64; c.height = 64;
  const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 64);
  g.fillStyle = '#000'; g.font = '48px ' + font; g.textBaseline = 'top'; g.fillText(ch, 8, 8);
  const d = g.getImageData(0, 0, 64, 64).data; let ink = 0; const bits = [];
  for (let i = 0; i < d.length; i += 4) { const on = d[i] < 128; bits.push(on ? 1 : 0); ink += on; }
  return {ink, bits: bits.join('')};
}
const a = draw('遗'), b = draw('门');
return {font, inkA: a.ink, inkB: b.ink, same: a.bits === b.bits,
        lang: document.documentElement.lang, title: document.title,
        text: Array.from(document.querySelectorAll('article p, article li, article h1, article h2, article td'))
                   .filter((e) => !e.closest('pre, .cell_output, .output, .highlight'))
                   .map((e) => e.innerText).join(' ')};
"""


def _visit_text(driver, base_url: str, page: str) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base_url + page)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    return driver.execute_script(GLYPHS_JS)


@pytest.mark.parametrize("page", ZH_PAGES)
def test_chinese_pages_show_chinese_in_a_cjk_font(page, browser, base_url):
    shown = _visit_text(browser, base_url, page)
    assert shown["lang"] == "zh-CN", f"{page}: <html lang={shown['lang']!r}>"
    assert CJK.search(shown["title"]), f"{page}: the title {shown['title']!r} is not Chinese"
    letters = [ch for ch in shown["text"] if ch.isalpha()]
    chinese = sum(1 for ch in letters if CJK.match(ch))
    # the prose of a page, not its code or outputs; an index lists the book's terms in English,
    # and the bibliography its papers under their own titles
    if len(letters) > 40 and not page.endswith(("genindex.html", "search.html", "bibliography.html")):
        assert chinese > 0.3 * len(letters), f"{page}: only {chinese} of {len(letters)} letters are Chinese"
    assert shown["inkA"] > 50 and shown["inkB"] > 50 and not shown["same"], (
        f"{page}: Chinese characters do not render in {shown['font']!r} "
        f"(ink {shown['inkA']}, {shown['inkB']}; same glyph: {shown['same']}); is a CJK font installed?"
    )


PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')


@pytest.mark.parametrize("page", [p for p in ZH_PAGES if p.startswith(ZH + "chapters/")])
def test_glued_numbers_are_the_english_pages(page):
    english = sorted(PASTED.findall((BOOK / _english(page)).read_text(encoding="utf-8")))
    chinese = sorted(PASTED.findall((BOOK / page).read_text(encoding="utf-8")))
    assert chinese == english, f"{page}: glued numbers differ from {_english(page)}"


@pytest.mark.parametrize("page", [p for p in ENGLISH_PAGES if p not in ("genindex.html", "search.html")])
def test_language_switch_reaches_the_same_page_both_ways(page, browser, base_url):
    from selenium.webdriver.support.ui import WebDriverWait

    def switch(expected_path: str, expected_lang: str):
        link = browser.find_element("css selector", "a.language-switch")
        browser.execute_script("arguments[0].click();", link)
        WebDriverWait(browser, 15).until(lambda d: urlsplit(d.current_url).path == "/" + expected_path
                                         and d.execute_script("return document.readyState") == "complete")
        assert browser.execute_script("return document.documentElement.lang") == expected_lang

    browser.get(base_url + page)
    switch(ZH + page, "zh-CN")
    switch(page, "en")


def test_chinese_screenshots(browser, base_url, book_dir, summary):
    chapter_10 = [p for p in CHAPTER_PAGES if Path(p).name.startswith("10_")] or CHAPTER_PAGES[:1]
    shots = [
        _screenshot(browser, base_url, ZH + "intro.html", "zh_landing.png"),
        _screenshot(browser, base_url, ZH + chapter_10[0], "zh_chapter_10.png"),
    ]
    for shot in shots:
        assert shot.stat().st_size > 10_000, f"{shot} looks empty"
    summary["screenshots"] = summary.get("screenshots", 0) + len(shots)
