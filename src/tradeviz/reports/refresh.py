"""``tradeviz notebooks refresh``: re-execute the notebooks in place so their outputs are the nbval reference;
``tradeviz notebooks copy DIR``: an analyst's own editable copies.

Byte-stable: outputs are produced by the default parameters in the project's own kernel, then everything
that varies from run to run is dropped (execution timestamps, the kernel's Python version); cell ids are
the authored ones.  Refreshing twice leaves git clean.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from tradeviz import paths
from tradeviz.io import atomic_write_text

if TYPE_CHECKING:
    from nbformat import NotebookNode



def stored_form(nb: NotebookNode) -> str:
    """The notebook as stored in git: no timings, language_info reduced to its name, trailing newline."""
    import nbformat

    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata["language_info"] = {"name": nb.metadata.get("language_info", {}).get("name", "python")}
    nb.metadata.pop("papermill", None)
    return nbformat.writes(nb) + "\n"


def execute(path: Path) -> NotebookNode:
    """Run ``path`` top to bottom with its default parameters in tradeviz's environment; return the notebook."""
    import nbformat
    from nbclient import NotebookClient

    from tradeviz.reports.execute import CELL_TIMEOUT, KERNEL_NAME, check_kernel, kernel_manager_class

    check_kernel()
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=KERNEL_NAME,
        kernel_manager_class=kernel_manager_class(),
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return nb


def refresh(names: list[str] | None = None, directory: Path | None = None) -> list[Path]:
    """Refresh the named notebooks (default: all in ``notebooks/``); each is written atomically."""
    if directory is None:
        if not paths.is_clone():
            raise ValueError(
                "`tradeviz notebooks refresh` rewrites the notebooks of a clone; this is an installed "
                "package. Use `tradeviz notebooks copy DIR` for copies of your own."
            )
        directory = paths.NOTEBOOKS_DIR
    available = sorted(directory.glob("*.ipynb"))
    if names:
        by_name = {p.stem: p for p in available}
        unknown = [n for n in names if Path(n).stem not in by_name]
        if unknown:
            raise ValueError(f"unknown notebook(s) {unknown}; choose from {sorted(by_name)}")
        available = [by_name[Path(n).stem] for n in names]
    written = []
    for path in available:
        atomic_write_text(path, stored_form(execute(path)))
        written.append(path)
    return written


def copy_notebooks(destination: Path, overwrite: bool = False) -> list[Path]:
    """Copy the notebooks (with their stored outputs) into ``destination``; they run there as they are.

    Refuses to replace a notebook already in ``destination`` unless ``overwrite``; nothing is copied then.
    """
    sources = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no notebooks found in {paths.NOTEBOOKS_DIR}; reinstall tradeviz.")
    destination = Path(destination).expanduser().resolve()
    if destination.exists() and not destination.is_dir():
        raise ValueError(f"{destination} is a file; give a folder (it is created if missing).")
    existing = [destination / p.name for p in sources if (destination / p.name).exists()]
    if existing and not overwrite:
        raise ValueError(f"{', '.join(str(p) for p in existing)} already exist(s); add --force to overwrite.")
    destination.mkdir(parents=True, exist_ok=True)
    copied = []
    for source in sources:
        shutil.copyfile(source, destination / source.name)
        copied.append(destination / source.name)
    return copied
