"""Children taken abroad (issue 4): cases, their dated status changes and change history.

A case holds the fields of the ``abroad`` import format (``import-formats.md``); lists
(purposes, actions) live in child tables so that the statistics can count them in SQL.
``case_ref`` and ``notes`` are never exported; retention erases them and sets ``reduced``.
``fingerprint`` identifies the row a case was created from, so that importing the same
file twice reports the rows as already present; retention replaces it by
``reduced_fingerprint`` (the same row without the erased fields). ``abroad_changes`` is
the history shown per record: who, when and which field *names* changed (never values).
A migration is a snapshot of the schema at its version: it uses only its own SQL.
"""

SQL = """
CREATE TABLE abroad_cases (
    id               INTEGER PRIMARY KEY,
    case_ref         TEXT CHECK (case_ref IS NULL OR length(case_ref) <= 40),
    reported_by      TEXT NOT NULL REFERENCES administrations(code),
    known_date       TEXT NOT NULL,              -- YYYY-MM-DD
    departure_date   TEXT,                       -- YYYY-MM-DD or YYYY-MM
    gender           TEXT NOT NULL CHECK (gender IN ('girl', 'boy', 'other', 'unknown')),
    birth_year       INTEGER CHECK (birth_year IS NULL OR birth_year BETWEEN 1000 AND 9999),
    honour_link      TEXT NOT NULL CHECK (honour_link IN ('suspected', 'confirmed')),
    destination      TEXT CHECK (destination IS NULL OR length(destination) = 2),
    status           TEXT NOT NULL
                     CHECK (status IN ('at_risk', 'abroad', 'returned', 'unknown')),
    reported_married INTEGER NOT NULL DEFAULT 0 CHECK (reported_married IN (0, 1)),
    notes            TEXT,
    fingerprint      TEXT NOT NULL,              -- of the row the case was created from
    reduced_fingerprint TEXT NOT NULL,           -- the same without case_ref and notes
    reduced          INTEGER NOT NULL DEFAULT 0 CHECK (reduced IN (0, 1)),
    reduced_at       TEXT,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,              -- the last change (retention counts from it)
    updated_by       TEXT NOT NULL,
    CHECK (reduced = 0 OR (case_ref IS NULL AND notes IS NULL))
);
CREATE INDEX abroad_cases_known ON abroad_cases(known_date);
CREATE INDEX abroad_cases_fingerprint ON abroad_cases(fingerprint);
CREATE INDEX abroad_cases_retention ON abroad_cases(reduced, updated_at);

CREATE TABLE abroad_case_purposes (
    case_id INTEGER NOT NULL REFERENCES abroad_cases(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('child_marriage', 'forced_marriage', 'fgm',
                 'upbringing_trip', 'conversion', 'evade_authorities', 'other', 'unknown')),
    PRIMARY KEY (case_id, purpose)
) WITHOUT ROWID;

CREATE TABLE abroad_case_actions (
    case_id INTEGER NOT NULL REFERENCES abroad_cases(id) ON DELETE CASCADE,
    action  TEXT NOT NULL CHECK (action IN ('concern_report', 'investigation', 'police_report',
                 'travel_ban', 'lvu', 'school_followup', 'consular_contact')),
    PRIMARY KEY (case_id, action)
) WITHOUT ROWID;

CREATE TABLE abroad_status_changes (
    id          INTEGER PRIMARY KEY,           -- order of recording (ties on one date)
    case_id     INTEGER NOT NULL REFERENCES abroad_cases(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('at_risk', 'abroad', 'returned', 'unknown')),
    changed_on  TEXT NOT NULL,                 -- YYYY-MM-DD: from this day on
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX abroad_status_changes_case ON abroad_status_changes(case_id, changed_on, id);

CREATE TABLE abroad_changes (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES abroad_cases(id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('create', 'import', 'update', 'retention')),
    fields  TEXT NOT NULL DEFAULT '[]'         -- JSON list of field NAMES, never values
);
CREATE INDEX abroad_changes_case ON abroad_changes(case_id, id);
"""
