"""Each inline <script> once per page, as Sphinx >= 8.2 does (sphinx-doc/sphinx#13402).

Sphinx 7.4 (which Jupyter Book 1 needs) renders an inline script that an extension registers
after the builder started twice: once as given (filename None) and once re-read from the
registry (filename ""), which it does not recognise as the same script. sphinx-thebe's
`const THEBE_JS_URL = ...` then raises "Identifier 'THEBE_JS_URL' has already been declared"
on every page. Giving the builder "" for None, as the fix upstream does, makes the two equal.
"""

from sphinx.builders.html import StandaloneHTMLBuilder


def setup(app):
    add_js_file = StandaloneHTMLBuilder.add_js_file
    if not getattr(add_js_file, "_inline_js_once", False):

        def add_js_file_once(self, filename, **kwargs):
            return add_js_file(self, filename or "", **kwargs)

        add_js_file_once._inline_js_once = True
        StandaloneHTMLBuilder.add_js_file = add_js_file_once
    return {"parallel_read_safe": True, "parallel_write_safe": True}
