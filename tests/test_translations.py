"""The Chinese edition: its catalogs cannot drift from the English, its terms are the glossary's,
its glued numbers and cross-references survive translation, and its student edition is Chinese."""

import re
import shutil
import sys
from pathlib import Path

import jupytext
import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import i18n_glue  # noqa: E402
import language_switch  # noqa: E402
import make_student  # noqa: E402
import translations  # noqa: E402

LOCALES = translations.catalogs_dir(ROOT)
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.md"))
PAGES = [str(md.relative_to(ROOT).with_suffix("")) for md in CHAPTERS] + [
    "intro", "teachers", "notation", "glossary", "bibliography", "errata"]


def glossary_entries():
    """(English terms, the Chinese the definition opens with) for each glossary entry."""
    body = (ROOT / "glossary.md").read_text(encoding="utf-8").split("```{glossary}")[1].split("\n```")[0]
    for block in body.split("\n\n"):
        lines = block.strip("\n").split("\n")
        terms = [line for line in lines if line and not line.startswith((" ", ":"))]
        definition = [line.strip() for line in lines if line.startswith("  ")]
        if terms and definition:
            yield terms, definition[0].split(". ")[0]


def test_every_page_has_a_catalog():
    for page in PAGES:
        assert (LOCALES / f"{page}.po").exists(), f"no catalog for {page}"


@pytest.mark.parametrize("english", list(translations.TERMS))
def test_checked_terms_are_the_glossarys(english):
    chinese = translations.TERMS[english]
    owners = [zh for terms, zh in glossary_entries()
              if any(re.search(rf"\b(?:{english})\b", term, re.I) for term in terms)]
    assert owners, f"{english!r}: no glossary entry has this term"
    assert any(chinese in zh for zh in owners), f"{english!r}: the glossary gives {owners}, not {chinese}"


def test_glossary_chinese_page_keeps_each_terms_chinese():
    """The Chinese glossary defines each term with the Chinese the English glossary names."""
    catalog = translations.read(LOCALES / "glossary.po")
    for message in catalog:
        match = re.match(r"([^.]+)\. ", message.id or "")
        if match and re.search(r"[\u4e00-\u9fff]", match.group(1)) and message.string:
            opening = re.split(r"（|\(| / ", match.group(1))[0].strip()
            assert message.string.startswith(opening), f"glossary: {message.string[:60]!r} does not open with {opening}"


def test_markup_kept_and_lost():
    english = ("The {term}`forget gate` of {ref}`chapter 6 <ch-forget-gate>` gives {glue:text}`f_mean:.2f`, "
               "$f_t$, `nn.LSTM`.")
    good = ("{ref}`第 6 章 <ch-forget-gate>` 中的 {term}`遗忘门 <forget gate>` 给出 {glue:text}`f_mean:.2f`、"
            "$f_t$ 与 `nn.LSTM`。")
    assert translations.markup_problems(english, good) is None
    lost_glue = good.replace("{glue:text}`f_mean:.2f`", "0.52")
    assert "glue" in translations.markup_problems(english, lost_glue)
    wrong_target = good.replace("<ch-forget-gate>", "<ch-input-gate>")
    assert "ch-input-gate" in translations.markup_problems(english, wrong_target)
    changed_math = good.replace("$f_t$", "$f$")
    assert "math" in translations.markup_problems(english, changed_math)


def test_glossary_terms_are_required_where_english_uses_them():
    english = "The forget gate scales the cell state at every time step."
    assert translations.term_problems(english, "遗忘门在每个时间步缩放细胞状态。") == []
    problems = translations.term_problems(english, "忘记门在每一步缩放单元状态。")
    assert len(problems) == 3 and any("遗忘门" in p for p in problems)
    # a term that is only a cross-reference's target, code or math is not English prose
    assert translations.english_terms("See {ref}`there <forget-gate-bias>` and `forget_gate`.") == []


def test_glue_inside_a_translation_points_at_its_own_page():
    rewritten = i18n_glue.GLUE.sub(lambda m: f"{{glue:text}}`/p.md::{i18n_glue._with_format(m.group(1))}`",
                                   "有 {glue:text}`n` 个，{glue:text}`x:.3f`，{glue:text}`/q.md::y:d`")
    assert rewritten == "有 {glue:text}`/p.md::n:s` 个，{glue:text}`/p.md::x:.3f`，{glue:text}`/q.md::y:d`"


@pytest.mark.parametrize("page", ["intro", "chapters/04_the_repeating_module", "a/b/c"])
def test_language_switch_reaches_the_same_page(page):
    import posixpath

    english_url = f"/book/{page}.html"
    to_zh = language_switch.counterpart(page, "en")
    zh_url = posixpath.normpath(posixpath.join(posixpath.dirname(english_url), to_zh))
    assert zh_url == f"/book/zh/{page}.html"
    back = language_switch.counterpart(page, "zh_CN")
    assert posixpath.normpath(posixpath.join(posixpath.dirname(zh_url), back)) == english_url


def test_chinese_student_edition_translates_every_paragraph():
    """Every English paragraph of a chapter with a translation is gone from the Chinese
    student notebook; what remains English is code."""
    for md in CHAPTERS:
        page = f"chapters/{md.stem}"
        translated = make_student.translated(jupytext.read(md), page, "zh_CN")
        prose = "\n".join(c.source for c in translated.cells if c.cell_type == "markdown")
        joined = " ".join(prose.split())
        for msgid, msgstr in make_student.messages(page, "zh_CN").items():
            if msgid != msgstr and len(msgid) > 20 and not translations.is_display_math(msgid):
                assert " ".join(msgid.split()) not in joined, f"{page}: still English: {msgid[:70]!r}"
        title = next(c.source for c in translated.cells if c.cell_type == "markdown")
        assert re.search(r"^# .*[\u4e00-\u9fff]", title, re.M), f"{page}: title not translated"


def test_student_edition_rejects_an_unknown_language(tmp_path):
    with pytest.raises(ValueError, match="expected a language among en, zh_CN, got 'fr'"):
        make_student.write_student_edition(CHAPTERS[:1], tmp_path, "fr")


def _scratch_book(tmp_path: Path) -> Path:
    copy = tmp_path / "book"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "_build", "student", "student-zh", "*.ipynb", "__pycache__", ".pytest_cache",
        ".ruff_cache", "datasets", "reports"))
    return copy


def test_an_english_edit_fails_the_check_until_its_entry_is_translated(tmp_path):
    book = _scratch_book(tmp_path)
    page = "chapters/04_the_repeating_module"
    source = book / f"{page}.md"
    old = "An **arrow** carries a whole vector from one element to another."
    new = "An **arrow** carries a whole vector, unchanged, from one element to another."
    assert old in source.read_text(encoding="utf-8")
    source.write_text(source.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    locales = translations.catalogs_dir(book)

    gettext = translations.build_templates(book, tmp_path / "gettext-1")
    problems = [str(p) for p in translations.check_catalogs(gettext, locales)]
    assert any(p.startswith(f"{page}: missing") and "carries a whole vector, unchanged" in p
               for p in problems), problems
    assert any(p.startswith(f"{page}: obsolete") and "carries a whole vector from one" in p for p in problems)

    translations.update_catalogs(gettext, locales)  # what `make translations` does
    problems = [str(p) for p in translations.check_catalogs(gettext, locales)]
    assert [p for p in problems if "fuzzy" in p] and all(page in p for p in problems), problems

    po = locales / f"{page}.po"
    catalog = read_po(po.open("rb"), locale="zh_CN")
    entry = catalog[new]
    entry.string = "**箭头**把一个完整的向量原样从一个元素传到另一个元素。"
    entry.flags.discard("fuzzy")
    entry.previous_id = []
    translations.write(po, catalog)
    assert translations.check_catalogs(gettext, locales) == []


def test_chinese_student_readme_translates_the_current_english_one():
    """The student edition's README is translated by hand (it is no page of the book): its first
    line names the English file's hash, so an English edit fails here until it is translated."""
    import hashlib

    english = hashlib.sha256((ROOT / "tools" / "student_README.md").read_bytes()).hexdigest()[:16]
    first = (ROOT / "tools" / "student_README.zh_CN.md").read_text(encoding="utf-8").splitlines()[0]
    assert f"sha256 {english}" in first, (
        "tools/student_README.md changed: update tools/student_README.zh_CN.md, then its first line's hash "
        f"to {english}")
