"""The table of contents' part captions, translated.

sphinx-external-toc builds the root page's toctrees from _toc.yml in a transform (priority
100) that runs after Sphinx's own translation transform (priority 20), so the captions, which
the gettext builder does extract into the root page's catalog (intro.po), would stay English
in the sidebar. This transform runs after both and looks each caption up in that catalog.
"""

from __future__ import annotations

from os import path

from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain


class TranslateTocCaptions(SphinxTransform):
    default_priority = 150  # after sphinx-external-toc's InsertToctrees (100)

    def apply(self, **kwargs):
        if not self.config.language or self.config.language == "en":
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
        catalog, found = init_locale(dirs, self.config.language, domain)
        if not found:
            return
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("rawcaption") or toctree.get("caption")
            if caption and catalog.gettext(caption) != caption:
                toctree["caption"] = catalog.gettext(caption)


def setup(app):
    app.add_transform(TranslateTocCaptions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
