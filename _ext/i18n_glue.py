"""Glued numbers inside translated text.

Sphinx parses each translated message (from the ``.po`` catalogs) as a small document of its
own, after the chapter itself was parsed; the chapter's glue data, which myst-nb holds only
while it parses the chapter, is gone by then, so ``{glue:text}`key``` in a Chinese sentence
would find nothing. Rewritten as a reference to the chapter's own file
(``{glue:text}`/chapters/x.md::key```), it becomes a pending reference that myst-nb resolves
after parsing from the glue data it saved for the chapter: the same number, from the same
run, in both editions.
"""

from __future__ import annotations

import re

import sphinx.transforms.i18n as i18n

GLUE = re.compile(r"\{glue:text\}`(?![^`]*::)([^`]+)`")


def _with_format(body: str) -> str:
    # the role splits its text at the last ':' into key and format: a path has ':' in it
    return body if ":" in body else f"{body}:s"


def _with_glue_from_this_page(publish):
    def publish_msgstr(app, source, source_path, source_line, config, settings):
        if "{glue:text}" in source:
            page = "/" + str(app.env.doc2path(app.env.docname, False)).replace("\\", "/")
            source = GLUE.sub(lambda m: f"{{glue:text}}`{page}::{_with_format(m.group(1))}`", source)
        return publish(app, source, source_path, source_line, config, settings)

    publish_msgstr.__wrapped__ = publish
    return publish_msgstr


def setup(app):
    if not hasattr(i18n.publish_msgstr, "__wrapped__"):
        i18n.publish_msgstr = _with_glue_from_this_page(i18n.publish_msgstr)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
