"""The HS 2022 nomenclature: sections, chapters and headings, read strictly."""

import shutil

import pytest

from tradeviz import paths
from tradeviz.errors import BuildError
from tradeviz.sources import hs_nomenclature as hs


def test_sections_chapters_and_headings():
    table = hs.build_hs_nomenclature(paths.raw_dir())
    assert table.level.value_counts().to_dict() == {"heading": 1229, "chapter": 97, "section": 22}
    by = table.set_index(["level", "code"])
    assert by.loc[("chapter", "26"), "section"] == "V" and by.loc[("section", "V"), "section_number"] == 5
    assert by.loc[("heading", "2601"), "description"].startswith("Iron ores and concentrates")
    assert by.loc[("heading", "9999"), "section"] == "unspecified"  # chapter 99: upstream's pseudo-section TOTAL
    assert ("chapter", "77") not in by.index and ("heading", "8803") not in by.index  # 88.03 gone in HS 2022
    assert set(table.edition) == {"HS 2022"} and table.source_id.nunique() == 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("I,0101,", "I,101,", "column hscode: '101' is not a 4-digit code"),
        ("I,0101,", "II,0101,", "column section: 'II' is not the section of chapter 01"),
        ('mules and hinnies; live",01,4', 'mules and hinnies; live",02,4', "column parent"),
        ("I,01,Animals; live,TOTAL,2", "I,01,Animals; live,TOTAL,3", "column level"),
    ],
)
def test_a_bad_line_names_file_line_and_column(tmp_path, old, new, message):
    folder = tmp_path / hs.FOLDER
    shutil.copytree(paths.raw_dir() / hs.FOLDER, folder)
    path = folder / hs.CODES_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BuildError, match=hs.CODES_FILE) as caught:
        hs.build_hs_nomenclature(tmp_path)
    assert "line " in str(caught.value) and message in str(caught.value)
