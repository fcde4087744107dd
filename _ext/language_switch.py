"""A link on every page to the same page in the other edition.

The English book is at ``_build/html``, the Chinese one at ``_build/html/zh`` (``make book``),
page for page under the same names, so the counterpart of ``chapters/x.html`` is
``zh/chapters/x.html`` and back. The link sits in the header beside the launch buttons; the
page's ``<head>`` names its counterpart as an alternate-language version too.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
EDITIONS = {"en": ("zh/", "zh-CN", "中文"), "zh_CN": ("", "en", "English")}
ZH_FOLDER = "zh"


def counterpart(pagename: str, language: str) -> str:
    """The relative URL, from page ``pagename`` of the ``language`` edition, of the same page
    in the other edition."""
    depth = pagename.count("/")
    if language.startswith("zh"):
        return "../" * (depth + 1) + f"{pagename}.html"
    return "../" * depth + f"{ZH_FOLDER}/{pagename}.html"


def add_switch(app, pagename, templatename, context, doctree):
    language = app.config.language or "en"
    _, hreflang, label = EDITIONS["zh_CN" if language.startswith("zh") else "en"]
    url = counterpart(pagename, language)
    context["language_switch"] = {"url": url, "hreflang": hreflang, "label": label}
    context["metatags"] = context.get("metatags", "") + f'\n<link rel="alternate" hreflang="{hreflang}" href="{url}" />'


def place_switch(app, config):
    config.templates_path.append(str(TEMPLATES))
    config.html_static_path.append(str(STATIC))
    options = config.html_theme_options
    # sphinx-book-theme's header buttons; the switch goes first, left of the launch buttons.
    options["article_header_end"] = ["language-switch.html", "article-header-buttons.html"]


def setup(app):
    app.connect("config-inited", place_switch)
    app.connect("html-page-context", add_switch)
    app.add_css_file("language-switch.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
