"""The stored notebooks: well-formed references for nbval, and proof that nbval catches a change."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from tradeviz import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
SANITIZE = paths.NOTEBOOKS_DIR / "sanitize.cfg"
STRAY_REPR = re.compile(r"^(Text|Line2D|\[<matplotlib)|<[\w.]+ (object )?at 0x[0-9a-f]+>", re.M)


def test_the_six_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "country_profile.ipynb",
        "mirror_statistics.ipynb",
        "overview.ipynb",
        "partners.ipynb",
        "products.ipynb",
        "targets_and_pledges.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_validated_by_the_next(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    following = nb.cells[tagged[0] + 1]
    assert following.cell_type == "code" and "parameters." in following.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_are_clean_references(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "run top to bottom once"
    assert any(c.outputs for c in code)
    for cell in code:
        assert "execution" not in cell.metadata and "papermill" not in cell.metadata
        for out in cell.outputs:
            assert out.output_type != "error", f"{cell.id} stored an error"
            text = out.get("text", "") + out.get("data", {}).get("text/plain", "")
            assert not STRAY_REPR.search(text), f"{cell.id} ends with a stray repr: {text[:80]!r}"
            assert out.get("name") != "stderr", f"{cell.id} printed to stderr: {out.get('text', '')[:200]!r}"
    assert "papermill" not in nb.metadata
    assert nb.metadata.kernelspec.name == "python3", "the standard kernel: plain papermill/Jupyter use the current env"
    assert all(re.fullmatch(rf"{path.stem}-\d\d", c.id) for c in nb.cells), "stable, readable cell ids"


INLINE_CONFIG = re.compile(r"^%config InlineBackend\.print_figure_kwargs = (\{.*\})  #", re.M)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_inline_images_are_drawn_once_at_the_house_zlib_level(path):
    """The reports' images come from the inline backend: one draw (no tight-bbox pass), the level save_figure uses."""
    import ast

    from tradeviz.charts.style import PNG_COMPRESS_LEVEL

    nb = nbformat.read(path, as_version=4)
    found = [m.group(1) for c in nb.cells if c.cell_type == "code" for m in INLINE_CONFIG.finditer(c.source)]
    assert len(found) == 1, "one %config line, in the import cell"
    assert ast.literal_eval(found[0]) == {"bbox_inches": None, "pil_kwargs": {"compress_level": PNG_COMPRESS_LEVEL}}


def _nbval(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        "--color=no",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


def test_nbval_reports_a_changed_stored_number(tmp_path):
    nb = json.loads((paths.NOTEBOOKS_DIR / "mirror_statistics.ipynb").read_text())
    target = next(
        c
        for c in nb["cells"]
        if c["cell_type"] == "code" and any("text/markdown" in o.get("data", {}) for o in c["outputs"])
    )
    markdown = target["outputs"][0]["data"]["text/markdown"]
    text = "".join(markdown)
    changed = re.sub(r"\*\*(\d+) of (\d+)\*\*", lambda m: f"**{int(m[1]) + 1} of {m[2]}**", text, count=1)
    assert changed != text
    target["outputs"][0]["data"]["text/markdown"] = changed
    copy = tmp_path / "mirror_statistics.ipynb"
    copy.write_text(json.dumps(nb))
    result = _nbval(str(copy))
    assert result.returncode == 1, result.stdout[-2000:]
    assert re.search(rf"FAILED \S*::Cell {_code_index(nb, target)} ", result.stdout), result.stdout[-2000:]
    assert "mismatch 'text/markdown'" in result.stdout and "1 failed" in result.stdout


def _code_index(nb: dict, cell: dict) -> int:
    """nbval names a cell 'Cell N', N counting code cells only, from 0."""
    return [c for c in nb["cells"] if c["cell_type"] == "code"].index(cell)


def test_nbval_on_the_overview_fails_when_a_curated_value_changes(data_copy, tmp_path):
    trade = data_copy / "curated" / "trade.csv"
    frame = pd.read_csv(trade, dtype=str, keep_default_na=False)
    row = (frame.year == "2020") & (frame.reporter == "CHN") & (frame.partner == "KAZ") & (frame.flow == "exports")
    frame.loc[row, "value_usd_millions"] = str(float(frame.loc[row, "value_usd_millions"].iloc[0]) + 1000)
    frame.to_csv(trade, index=False, lineterminator="\n")
    shutil.copy(paths.NOTEBOOKS_DIR / "overview.ipynb", tmp_path)
    result = _nbval(str(tmp_path / "overview.ipynb"), env={**os.environ, "TRADEVIZ_DATA_DIR": str(data_copy)})
    assert result.returncode == 1, result.stdout[-2000:]
    assert "failed" in result.stdout


def test_the_unchanged_notebook_passes_in_the_same_harness(tmp_path):
    shutil.copy(paths.NOTEBOOKS_DIR / "mirror_statistics.ipynb", tmp_path)
    result = _nbval(str(tmp_path / "mirror_statistics.ipynb"))
    assert result.returncode == 0, result.stdout[-3000:]


def test_refreshing_reproduces_the_stored_notebooks_byte_for_byte(tmp_path):
    from tradeviz.reports import refresh

    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path)
    refresh.refresh(directory=tmp_path)
    for path in NOTEBOOKS:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), f"{path.name}: refresh is not byte-stable"


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"partner": "Russia"}, r"Unknown country 'Russia'\. Valid choices: KAZ \(Kazakhstan\)"),
        ({"start_year": 1985}, r"year 1985 is before 1992.*valid years .* are 1992–2020"),
        (
            {"end_year": 2031},
            r"end_year 2031 is outside the data: IMF DOTS covers 1992–2020, published figures "
            r"continue to 2025; choose an end_year in 1992–2025",
        ),
    ],
)
def test_bad_parameters_stop_the_profile_with_a_clear_message(tmp_path, parameters, message):
    import papermill

    from tradeviz.reports.execute import kernel_manager_class

    with pytest.raises(papermill.PapermillExecutionError, match=message) as failure:
        papermill.execute_notebook(
            paths.NOTEBOOKS_DIR / "country_profile.ipynb",
            tmp_path / "out.ipynb",
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            kernel_manager_class=kernel_manager_class(),
            cwd=paths.NOTEBOOKS_DIR,
        )
    # executed: 1 parameters, 2 papermill's injected parameters, 3 the validation cell
    assert failure.value.exec_count == 3, "stopped by the validation cell right after the parameters"
