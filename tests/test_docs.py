"""The README keeps up with the data: every source's licence is stated there."""

from __future__ import annotations

from tradeviz import data, paths


def test_the_readme_states_the_licence_of_every_source() -> None:
    readme = (paths.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    licences = readme[readme.index("## Licences") :]
    missing = [s for s in data.load_table("sources")["source_id"] if f"`{s}`" not in licences]
    assert not missing, f"add these sources and their licences (sources.csv) to the README's Licences table: {missing}"
