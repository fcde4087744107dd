"""The Chinese edition's catalogs: bring them up to date after an English edit, and check them.

Every page's English text is the message template Sphinx's gettext builder extracts from the
sources (``_build/gettext/<page>.pot``, nothing executed); its Chinese is the catalog
``locales/zh_CN/LC_MESSAGES/<page>.po``, one entry per paragraph, heading, list item, table
cell or caption.

    python tools/translations.py update     # after an English edit: new entries empty, changed ones fuzzy
    python tools/translations.py check      # every entry translated, none fuzzy, none stale

``update`` runs the gettext builder and ``sphinx-intl update``: a new English paragraph gets an
empty entry, a changed one keeps its old translation marked fuzzy (with the old English beside
it, ``#| msgid``), a deleted one goes. Display math is the same in both editions, so its entry
is filled with the English at once. A translator then fills the empty entries, rewrites the
fuzzy ones and removes their ``#, fuzzy`` line.

``check`` builds the template again into a scratch folder and compares: it fails, naming the
page and the English sentence, on an entry that is missing, empty, fuzzy, or obsolete (in the
catalog but no longer in the English), and on a translation that lost the markup the page
needs (a cross-reference, citation, glued number, inline math or code, a link); and it checks
that every chapter uses the glossary's Chinese term wherever the English uses the English term.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "zh_CN"


def catalogs_dir(root: Path = ROOT) -> Path:
    return root / "locales" / LANGUAGE / "LC_MESSAGES"


def build_templates(root: Path, out: Path) -> Path:
    """Run Sphinx's gettext builder over the book at ``root`` (nothing executed); the
    templates land in ``out/_build/gettext``."""
    python = sys.executable
    config = out / "_config_gettext.yml"
    subprocess.run([python, str(root / "tools" / "book_config.py"), "--edition", "gettext", "--out", str(config)],
                   check=True, cwd=root, stdout=subprocess.DEVNULL)
    jb = Path(python).parent / "jupyter-book"
    # Warnings here are about glued numbers, which are not run: the English build has -W.
    result = subprocess.run([str(jb), "build", str(root), "--config", str(config), "--path-output", str(out),
                             "--builder", "custom", "--custom-builder", "gettext", "--all"],
                            cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"the gettext build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return out / "_build" / "gettext"


def templates(gettext: Path) -> dict[str, Path]:
    """Page name (``chapters/04_the_repeating_module``) to its template."""
    return {str(p.relative_to(gettext).with_suffix("")): p for p in sorted(gettext.rglob("*.pot"))}


def read(path: Path):
    with path.open("rb") as f:
        return read_po(f, locale=LANGUAGE if path.suffix == ".po" else None)


def is_display_math(msgid: str) -> bool:
    """A display-math block's message: its source starts on a new line."""
    return msgid.startswith("\n")


def short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- markup a translation must keep ----------------------------------------------------

ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
CODE = re.compile(r"(?<![}`])`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
EXACT_ROLES = ("cite", "glue")  # their whole body is a key: it must not change


MARKDOWN = create_md_parser(MdParserConfig(enable_extensions={"amsmath", "colon_fence", "dollarmath"}), RendererHTML)


def emphasis(text: str) -> Counter:
    """Bold and italic spans as MyST parses them. Next to Chinese punctuation a ``**`` can stop
    counting as a delimiter (CommonMark's flanking rules): the bold is then lost, and the
    asterisks are printed."""
    found = Counter()
    for block in MARKDOWN.parse(text):
        for token in block.children or []:
            if token.type in ("strong_open", "em_open"):
                found["bold" if token.type == "strong_open" else "italic"] += 1
    return found


def markup(text: str) -> Counter:
    """What a translation must carry over unchanged: roles (for a cross-reference or a term,
    its target; its shown text may be translated), math, inline code, link targets, and how
    many bold and italic spans there are."""
    found = Counter(emphasis(text))
    for role, body in ROLE.findall(text):
        if role.startswith(EXACT_ROLES):
            found[f"{{{role}}}`{body}`"] += 1
        else:
            shown = re.fullmatch(r"(.*?)\s*<([^>]+)>", body, re.S)
            found[f"{{{role}}} → {shown.group(2) if shown else body}"] += 1
    bare = ROLE.sub(" ", text)
    found.update(f"math {m}" for m in MATH.findall(bare))
    found.update(f"code `{c}`" for c in CODE.findall(MATH.sub(" ", bare)))
    found.update(f"link {u}" for u in LINK.findall(bare))
    return found


def markup_problems(msgid: str, msgstr: str) -> str | None:
    want, got = markup(msgid), markup(msgstr)
    if want == got:
        return None
    lost = ", ".join(sorted((want - got).elements()))
    extra = ", ".join(sorted((got - want).elements()))
    return "; ".join(p for p in (f"lost {lost}" if lost else "", f"added {extra}" if extra else "") if p)


# --- the glossary's terms ---------------------------------------------------------------

# English term (a regular expression over the English with roles' targets, code and math taken
# out) and the glossary's Chinese term the translation must then contain. Each pair is the
# glossary's own (tests/test_translations.py checks it against glossary.md); a term whose
# English word is too common to pin one rendering on (cell, gate, window, feature, loss) is
# left out.
TERMS = {
    r"forget[- ]gates?": "遗忘门",
    r"input[- ]gates?": "输入门",
    r"output[- ]gates?": "输出门",
    r"reset[- ]gates?": "重置门",
    r"update[- ]gates?": "更新门",
    r"candidates?": "候选",
    r"cell[- ]states?": "细胞状态",
    r"hidden[- ]states?": "隐藏状态",
    r"hidden units?": "隐藏单元",
    r"time[- ]steps?": "时间步",
    r"unroll(?:s|ed|ing)?": "展开",
    r"vanishing gradients?|gradients? (?:that )?vanish": "梯度消失",
    r"exploding gradients?|gradients? (?:that )?explode": "梯度爆炸",
    r"gradient clipping": "梯度裁剪",
    r"peepholes?": "窥视孔",
    r"backpropagation through time": "随时间反向传播",
    r"weight sharing": "权重共享",
    r"long-term dependenc(?:y|ies)": "长期依赖",
    r"teacher forcing": "教师强制",
    r"cross-entropy": "交叉熵",
    r"perplexity": "困惑度",
    r"packed sequences?": "打包序列",
    r"sliding windows?": "滑动窗口",
    r"bits per character": "每字符比特数",
    r"stateful": "有状态",
    r"stateless": "无状态",
    r"spectral radius": "谱半径",
    r"early stopping": "早停",
    r"initial states?": "初始状态",
    r"constant error carousel": "恒定误差传送带",
    r"adding problem": "加法问题",
    r"activation functions?": "激活函数",
    r"computation(?:al)? graphs?": "计算图",
    r"validation sets?": "验证集",
    r"test sets?": "测试集",
    r"seasonal baselines?": "季节性基线",
    r"persistence forecasts?": "持续性预测",
    r"language models?": "语言模型",
}
_STRIP = re.compile(r"<[^>]+>|\{cite:?\w*\}`[^`]*`|\{glue:?\w*\}`[^`]*`|\([^)\s]*\)")


def english_terms(msgid: str) -> list[str]:
    """The glossary terms an English message uses (outside code, math, targets and URLs)."""
    text = _STRIP.sub(" ", CODE.sub(" ", MATH.sub(" ", msgid)))
    return [en for en in TERMS if re.search(rf"(?<![\w-]){en}(?![\w-])", text, re.I)]


def term_problems(msgid: str, msgstr: str) -> list[str]:
    return [f"uses {re.sub(r'[^a-z -]', '', en.split('|')[0].replace('?:', ''))!r} but not {TERMS[en]}"
            for en in english_terms(msgid) if TERMS[en] not in msgstr]


# --- the check ----------------------------------------------------------------------------

@dataclass
class Problem:
    page: str
    what: str
    english: str

    def __str__(self) -> str:
        return f"{self.page}: {self.what}: \"{short(self.english)}\""


def check_catalogs(gettext: Path, locales: Path) -> list[Problem]:
    problems: list[Problem] = []
    pages = templates(gettext)
    for stray in sorted(set(str(p.relative_to(locales).with_suffix("")) for p in locales.rglob("*.po")) - set(pages)):
        problems.append(Problem(stray, "catalog of a page the book no longer has", stray))
    for page, pot in pages.items():
        po_path = locales / f"{page}.po"
        if not po_path.exists():
            problems.append(Problem(page, f"no catalog {po_path.relative_to(locales.parent.parent.parent)}", page))
            continue
        template, catalog = read(pot), read(po_path)
        wanted = {m.id for m in template if m.id}
        for msgid in template:
            if not msgid.id:
                continue
            entry = catalog.get(msgid.id)
            if entry is None:
                problems.append(Problem(page, "missing", msgid.id))
            elif not entry.string or not str(entry.string).strip():
                problems.append(Problem(page, "empty", msgid.id))
            elif entry.fuzzy:
                problems.append(Problem(page, "fuzzy (the English changed: rewrite it, then remove '#, fuzzy')",
                                        msgid.id))
            elif is_display_math(msgid.id):
                if entry.string != msgid.id:
                    problems.append(Problem(page, "display math must stay as it is in the English", msgid.id))
            else:
                lost = markup_problems(msgid.id, entry.string)
                if lost:
                    problems.append(Problem(page, f"markup differs ({lost})", msgid.id))
                if page.startswith("chapters/") or page in ("intro", "teachers"):
                    for term in term_problems(msgid.id, entry.string):
                        problems.append(Problem(page, f"glossary term: {term}", msgid.id))
        for entry in catalog:
            if entry.id and entry.id not in wanted:
                problems.append(Problem(page, "obsolete (no longer in the English: delete it)", entry.id))
        for msgid in catalog.obsolete:
            problems.append(Problem(page, "obsolete (#~, no longer in the English: delete it)", msgid))
    return problems


def update_catalogs(gettext: Path, locales: Path) -> None:
    locale_root = locales.parent.parent
    sphinx_intl = Path(sys.executable).parent / "sphinx-intl"
    subprocess.run([str(sphinx_intl), "update", "-p", str(gettext), "-d", str(locale_root), "-l", LANGUAGE, "-w", "0"],
                   check=True, stdout=subprocess.DEVNULL)
    pages = templates(gettext)
    for po_path in sorted(locales.rglob("*.po")):
        page = str(po_path.relative_to(locales).with_suffix(""))
        if page not in pages:
            po_path.unlink()  # the English page is gone
            continue
        catalog = read(po_path)
        catalog.obsolete.clear()  # a deleted English paragraph: nothing left to translate
        for message in catalog:
            if message.id and not message.string and is_display_math(message.id):
                message.string = message.id
        catalog.project = "LSTM, step by step"
        catalog.language_team = "Chinese (Simplified)"
        catalog.fuzzy = False
        write(po_path, catalog)


def write(path: Path, catalog) -> None:
    """Write a catalog as `update` does: one line per message, the previous English of a fuzzy
    entry kept, no format-string flags (babel guesses them from ``{term}`…``` or ``90% of``;
    these messages are never formatted)."""
    for message in catalog:
        message.flags.discard("python-brace-format")
        message.flags.discard("python-format")
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, ignore_obsolete=True, include_previous=True,
                 sort_output=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "check"))
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder (default: this checkout)")
    parser.add_argument("--page", action="append",
                        help="report only these pages (e.g. chapters/04_the_repeating_module)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    locales = catalogs_dir(root)
    with tempfile.TemporaryDirectory(prefix="gettext-") as scratch:
        gettext = build_templates(root, Path(scratch))
        if args.command == "update":
            locales.mkdir(parents=True, exist_ok=True)
            update_catalogs(gettext, locales)
            out = root / "_build" / "gettext"
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(gettext, out)
            todo = [p for p in check_catalogs(gettext, locales) if not p.what.startswith("glossary")]
            print(f"catalogs updated in {locales.relative_to(root)}: {len(todo)} entries to translate or review")
            return 0
        problems = check_catalogs(gettext, locales)
    if args.page:
        problems = [p for p in problems if p.page in args.page]
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problems in the Chinese catalogs (locales/{LANGUAGE}/LC_MESSAGES); "
              "after an English edit run `make translations`, then translate what it marks.")
        return 1
    print("Chinese catalogs: every page complete, nothing fuzzy or stale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
