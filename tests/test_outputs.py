"""The one way a user's file is written (:mod:`hrvdesk.services.outputs`): atomically, and an
operating-system error as one sentence naming the file, for both faces."""

from __future__ import annotations

import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import HrvError
from hrvdesk.services import outputs


def test_a_file_is_written_whole_and_readable_only_by_its_owner(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    outputs.save(folder / "rapport.pdf", b"%PDF-1.4 ...")
    assert (folder / "rapport.pdf").read_bytes() == b"%PDF-1.4 ..."
    assert (folder / "rapport.pdf").stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in folder.iterdir()) == ["rapport.pdf"]  # no temp file left


def test_an_unwritable_place_is_one_sentence_naming_the_file(tmp_path):
    i18n.set_language("en")
    folder = tmp_path / "out"
    folder.mkdir()
    blocker = folder / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(HrvError, match=r"^rapport\.pdf could not be written: ") as refused:
        outputs.save(blocker / "rapport.pdf", b"data")
    assert "Traceback" not in str(refused.value)
    assert sorted(p.name for p in folder.iterdir()) == ["not-a-folder"]


def test_what_is_not_an_os_error_stays_a_bug():
    with pytest.raises(ZeroDivisionError):
        outputs.written(__import__("pathlib").Path("x"), lambda: 1 / 0)
