"""The determinism check (tools/determinism.py) catches a changed print, a changed glued
value and a changed figure kind, and ignores what may legitimately differ."""

import sys
from pathlib import Path

from nbformat.v4 import new_code_cell, new_notebook, new_output

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import determinism  # noqa: E402


def executed(*outputs, source="print(x)"):
    cell = new_code_cell(source)
    cell.outputs = list(outputs)
    return new_notebook(cells=[cell])


def stream(text, name="stdout"):
    return new_output("stream", name=name, text=text)


def glue(name, text):
    out = new_output("display_data", data={"application/papermill.record/text/plain": text})
    out.metadata = {"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}}
    return out


def test_same_outputs_pass_even_when_streams_were_merged():
    split = executed(stream("loss 0.5\n"), stream("loss 0.4\n"))
    merged = executed(stream("loss 0.5\nloss 0.4\n"))
    assert determinism.compare("ch", split, merged) == []


def test_the_build_copy_merged_in_place_is_not_a_change():
    """myst-nb merges a run of streams into its first output and leaves the others behind."""
    built = executed(stream("step 1\nstep 2\ndone\n"), stream("step 2\n"), stream("done\n"))
    rerun = executed(stream("step 1\n"), stream("step 2\n"), glue("acc", "0.5"), stream("done\n"))
    assert determinism.compare("ch", built, rerun) == []
    changed = executed(stream("step 1\n"), stream("step 3\n"), stream("done\n"))
    assert determinism.compare("ch", built, changed)


def test_streams_merged_across_an_interleaved_stderr_are_not_a_change():
    """myst-nb merges each stream name over the whole cell, not only consecutive outputs."""
    built = executed(stream("step 1\nstep 2\ndone\n"), stream("step 2\n"),
                     stream("warning a\nwarning b\n", "stderr"), stream("warning b\n", "stderr"),
                     stream("done\n"))
    rerun = executed(stream("step 1\n"), stream("step 2\n"), glue("acc", "0.5"),
                     stream("warning a\n", "stderr"), stream("warning b\n", "stderr"), stream("done\n"))
    assert determinism.compare("ch", built, rerun) == []
    changed = executed(stream("step 1\n"), stream("step 2\n"), stream("warning a\n", "stderr"),
                       stream("done!\n"))
    assert determinism.compare("ch", built, changed)


def test_a_print_cut_between_its_text_and_its_newline_is_not_a_change():
    """Seen in CI: the kernel's flush timer cut one `print` between its text and its "\n";
    coalesce_streams strips the first message and keeps the second's leading newline, so
    the rerun showed a blank line the build did not."""
    built = executed(stream("41  real = a < b\n    # not padding\n44  x = 0\n"))
    rerun = executed(stream("41  real = a < b\n    # not padding"), stream("\n44  x = 0\n"))
    assert determinism.compare("ch", built, rerun) == []
    # a word that changes is still a change, wherever the messages were cut
    moved = executed(stream("41  real = a < b\n    # not padding"), stream("\n45  x = 0\n"))
    problems = determinism.compare("ch", built, moved)
    assert problems and "45" in problems[0] and "44" in problems[0]


def test_a_changed_number_is_reported_with_its_cell():
    problems = determinism.compare("ch", executed(stream("loss 0.5\n")), executed(stream("loss 0.6\n")))
    assert len(problems) == 1 and "code cell 1" in problems[0] and "0.6" in problems[0]


def test_figures_compare_by_kind_and_addresses_are_ignored():
    def figure(text):
        return new_output("display_data", data={"image/png": "AAAA", "text/plain": text})

    a = executed(figure("<Figure size 640x480 with 1 Axes>"), new_output(
        "execute_result", data={"text/plain": "<Line2D at 0x7f00aa>"}, execution_count=1))
    b = executed(figure("<Figure size 640x480 with 1 Axes>"), new_output(
        "execute_result", data={"text/plain": "<Line2D at 0x7f11bb>"}, execution_count=1))
    assert determinism.compare("ch", a, b) == []
    c = executed(figure("<Figure size 640x480 with 2 Axes>"))
    assert determinism.compare("ch", a, c)


def test_glued_values_are_read_from_the_run():
    nb = executed(glue("rmse", "0.404"), stream("done\n"))
    assert determinism.glued(nb) == {"rmse": "0.404"}
    assert determinism.text_outputs(nb.cells[0]) == ["stdout: done"]


def test_a_different_version_of_the_chapter_is_not_compared():
    problems = determinism.compare("ch", executed(source="a"), executed(source="b"))
    assert "different version" in problems[0]


def test_built_glue_reads_the_build_record(tmp_path):
    record = tmp_path / "x.glue.json"
    record.write_text('{"rmse": {"output_type": "display_data", "data": {"text/plain": "0.404"}}}')
    assert determinism.built_glue(record) == {"rmse": "0.404"}
    assert determinism.built_glue(tmp_path / "missing.glue.json") == {}


def test_a_timing_cell_may_print_other_numbers_on_a_rerun():
    a, b = executed(stream("took 1.23 ms\n")), executed(stream("took 1.31 ms\n"))
    for notebook in (a, b):
        notebook.cells[0].metadata["tags"] = ["timing"]
    assert determinism.compare("ch", a, b) == []
    c = executed(stream("took 1.31 ms\n"))  # untagged: a change is a change
    assert determinism.compare("ch", executed(stream("took 1.23 ms\n")), c)
