"""The house stays easy to see: the README's layout section lists every subpackage and bottom module, and no
module grows past 600 lines."""

from __future__ import annotations

import re

from tradeviz import paths

MAX_LINES = 600


def _layout_block() -> str:
    readme = (paths.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Layout") :]
    return section[section.index("```") + 3 : section.index("```", section.index("```") + 3)]


def test_the_readme_layout_lists_every_subpackage_and_nothing_that_is_gone() -> None:
    block = _layout_block()
    listed = set(re.findall(r"^  (\w+)/", block, re.M))
    on_disk = {p.parent.name for p in paths.PACKAGE_DIR.glob("*/__init__.py")}
    assert listed == on_disk, f"README layout lists {sorted(listed)}, the package has {sorted(on_disk)}"
    top = {p.stem for p in paths.PACKAGE_DIR.glob("*.py")} - {"__init__", "__main__"}
    named = set(re.findall(r"\b(\w+)(?:\.py)?\b", block))
    assert top <= named, f"modules at the top of the package missing from the README layout: {sorted(top - named)}"


def test_no_module_is_longer_than_600_lines() -> None:
    long = {
        p.relative_to(paths.PACKAGE_DIR).as_posix(): n
        for p in paths.PACKAGE_DIR.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules where their topics part (more than {MAX_LINES} lines): {long}"


def test_the_tests_are_laid_out_like_the_package() -> None:
    tests = paths.PROJ_ROOT / "tests"
    folders = {p.name for p in tests.iterdir() if p.is_dir() and p.name not in {"fixtures", "__pycache__"}}
    subpackages = {p.parent.name for p in paths.PACKAGE_DIR.glob("*/__init__.py")}
    assert folders <= subpackages, f"test folders that are no subpackage of tradeviz: {sorted(folders - subpackages)}"


def test_no_import_cycle_between_modules() -> None:
    """No module imports (directly or through others) a module that imports it: one-way imports inside the layers
    too, not only between them (import-linter checks the layers; grimp, which it is built on, finds the cycles)."""
    import grimp

    graph = grimp.build_graph("tradeviz")
    cycles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in graph.modules
            for imported in graph.find_modules_directly_imported_by(module)
            if graph.find_shortest_chain(importer=imported, imported=module)
        }
    )
    assert not cycles, f"import cycles: {cycles}"
