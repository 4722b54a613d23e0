"""Retention keeps only what the statistics need (issue 18): read the reduced rows back, and
scan the database's decrypted pages and its write-ahead log for the erased values."""

from __future__ import annotations

import dataclasses

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hrvdesk.domain.followups import FollowUpEntry
from hrvdesk.store import abroad_repo, followups_repo, settings
from tests.store.abroad_helpers import D, case, moment

TODAY = D(2026, 6, 1)
PAGE, RESERVE = 4096, 80  # SQLCipher 4: 16-byte IV and 64-byte HMAC at the end of each page
SECRETS = ("HEMLIG-REF-7731", "Anteckning-om-barnet-4411", "Hembesok-anteckning-9920")


def _decrypt(page: bytes, key: bytes, first: bool) -> bytes:
    decryptor = Cipher(algorithms.AES(key), modes.CBC(page[PAGE - RESERVE:PAGE - RESERVE + 16])).decryptor()
    return decryptor.update(page[16 if first else 0:PAGE - RESERVE]) + decryptor.finalize()


def decrypted_pages(path, key: bytes) -> bytes:
    """Every page of the file, and every frame of its write-ahead log, decrypted with the
    database key (AES-256-CBC, per-page IV), free pages included: what is left on disk, not
    what SQL returns."""
    data = path.read_bytes()
    out = b"".join(_decrypt(data[n * PAGE:(n + 1) * PAGE], key, n == 0) for n in range(len(data) // PAGE))
    wal = path.with_name(path.name + "-wal")
    if wal.exists():  # 32-byte header, then frames of a 24-byte header and one page
        log = wal.read_bytes()
        for start in range(32, len(log) - PAGE + 1, 24 + PAGE):
            number = int.from_bytes(log[start:start + 4], "big")
            out += _decrypt(log[start + 24:start + 24 + PAGE], key, number == 1)
    return out


def test_a_reduced_case_keeps_only_the_coarse_statistical_content(admin_db):
    db = admin_db
    key = "c" * 64
    old = abroad_repo.create_case(db, case(
        person_key=key, case_ref=SECRETS[0], notes=SECRETS[1], known_date=D(2015, 3, 17),
        departure_date="2015-07-02", birth_year=2003, destination="IQ", status="abroad",
        follow_up_date=D(2015, 4, 1)), now=moment(2015, 3, 18))
    followups_repo.add_entry(db, old, FollowUpEntry(D(2015, 3, 20), "home_visit", SECRETS[2]),
                             now=moment(2015, 3, 20))
    db.conn.execute("UPDATE abroad_cases SET updated_at = ? WHERE id = ?", (moment(2015, 3, 21).isoformat(), old))
    kept = abroad_repo.create_case(db, case(known_date=D(2025, 3, 1)), now=moment(2025, 3, 2))
    before = abroad_repo.stats_for(db, 2015).to_json_dict()
    pages = decrypted_pages(db.path, bytes(db.key))
    assert all(secret.encode() in pages for secret in SECRETS)  # the scan finds them before
    assert abroad_repo.apply_retention(db, TODAY) == 1
    wal = db.path.with_name(db.path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated at once

    row = dict(zip(*[[d[0] for d in c.description] for c in [db.conn.execute(
        "SELECT * FROM abroad_cases WHERE id = ?", (old,))]], db.conn.execute(
        "SELECT * FROM abroad_cases WHERE id = ?", (old,)).fetchone()))
    assert {name: row[name] for name in ("person_key", "case_ref", "notes", "birth_year", "destination",
                                         "departure_date", "follow_up_date")} == dict.fromkeys(
        ("person_key", "case_ref", "notes", "birth_year", "destination", "departure_date",
         "follow_up_date"))
    assert (row["known_date"], row["coarse_age_band"], row["coarse_region"], row["coarse_timing"]) == (
        "2015-03-01", "0-12", "145", "summer_holiday")
    assert followups_repo.entries(db, old) == []
    assert [c.kind for c in abroad_repo.change_history(db, old)] == ["retention"]
    assert len(abroad_repo.status_history(db, old)) == 1
    assert abroad_repo.stats_for(db, 2015).to_json_dict() == before  # the figures stay
    assert not abroad_repo.get_case(db, kept).reduced

    pages = decrypted_pages(db.path, bytes(db.key))
    assert b"CREATE TABLE abroad_cases" in pages  # the decryption is right
    for secret in (*SECRETS, key):
        assert secret.encode() not in pages, secret


def test_a_child_with_two_cases_counts_twice_once_one_is_reduced_and_the_release_keeps_what_was_sent(admin_db):
    db = admin_db
    key = "d" * 64
    abroad_repo.create_case(db, case(person_key=key, known_date=D(2019, 2, 1)), now=moment(2019, 2, 2))
    recent = abroad_repo.create_case(db, case(person_key=key, known_date=D(2019, 11, 1),
                                              reported_by="UBF"), now=moment(2019, 11, 2))
    abroad_repo.update_case(db, dataclasses.replace(abroad_repo.get_case(db, recent).case,
                                                    status="returned"), now=moment(2024, 1, 1))
    assert abroad_repo.stats_for(db, 2019).total == 1
    settings.put(db, "retention_years", 5)
    assert abroad_repo.apply_retention(db, TODAY) == 1
    assert abroad_repo.stats_for(db, 2019).total == 2  # the pseudonym that matched them is gone
