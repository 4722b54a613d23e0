"""Persons in the register of children taken abroad, school holidays and the basis of a
release (national package v2, issue 10).

``abroad_cases.person_key`` is the keyed pseudonym of the child's personal identity or
coordination number (HMAC under ``meta.abroad_person_key``, a random key made here, once per
database); NULL when no number was given, and the case is then a person of its own. The raw
number is never stored. The action codes gain ``placement``, ``protected_housing`` and
``no_action``; the CHECK of ``abroad_case_actions`` can only change by rebuilding the table,
which keeps every row.

``school_holidays`` holds the holidays an administrator entered per school year (the years
without their own rows use the Swedish defaults of the program). ``releases.basis`` keeps,
inside the encrypted database, what a later overlapping package needs for the joint audit of
rule 6: the exact tables of the release and a fingerprint of what each person contributed
(JSON; never exported). ``meta.release_seed_key`` is the secret each release's seed is
derived from. A migration is a snapshot of the schema at its version: it uses
only its own SQL.
"""

import secrets

PERSON_KEY = "abroad_person_key"
PERSON_KEY_BYTES = 32
#: The secret from which each release's seed (the choice among equally good patterns) is
#: derived, so that the preview of a package is the package that is then written.
RELEASE_SEED_KEY = "release_seed_key"

SQL = """
ALTER TABLE abroad_cases ADD COLUMN person_key TEXT
    CHECK (person_key IS NULL OR length(person_key) = 64);
CREATE INDEX abroad_cases_person ON abroad_cases(person_key);

CREATE TABLE abroad_case_actions_v6 (
    case_id INTEGER NOT NULL REFERENCES abroad_cases(id) ON DELETE CASCADE,
    action  TEXT NOT NULL CHECK (action IN ('concern_report', 'investigation', 'police_report',
                 'travel_ban', 'lvu', 'school_followup', 'consular_contact', 'placement',
                 'protected_housing', 'no_action')),
    PRIMARY KEY (case_id, action)
) WITHOUT ROWID;
INSERT INTO abroad_case_actions_v6(case_id, action) SELECT case_id, action FROM abroad_case_actions;
DROP TABLE abroad_case_actions;
ALTER TABLE abroad_case_actions_v6 RENAME TO abroad_case_actions;

CREATE TABLE school_holidays (
    start_year INTEGER NOT NULL,                -- school year start_year/start_year+1
    kind       TEXT NOT NULL CHECK (kind IN ('autumn', 'christmas', 'sports', 'easter', 'summer')),
    first_day  TEXT NOT NULL,                   -- YYYY-MM-DD
    last_day   TEXT NOT NULL,                   -- YYYY-MM-DD
    PRIMARY KEY (start_year, kind)
) WITHOUT ROWID;

ALTER TABLE releases ADD COLUMN basis BLOB;
"""


def seed(conn) -> None:
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                     [(key, secrets.token_bytes(PERSON_KEY_BYTES).hex())
                      for key in (PERSON_KEY, RELEASE_SEED_KEY)])
