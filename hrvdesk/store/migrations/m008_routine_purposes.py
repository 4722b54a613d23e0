"""Routines for children taken abroad (issue 11): the national mapping asks whether the
municipality has routines for children taken abroad and for children reported married, so
the routines register gains those two purposes.

The CHECK of ``routines.purpose`` can only change by rebuilding the table, and other tables
refer to it: ``FOREIGN_KEYS_OFF`` tells the runner to follow SQLite's procedure for such a
change (foreign keys off around the transaction, ``PRAGMA foreign_key_check`` before commit).
A migration is a snapshot of the schema at its version: it uses only its own SQL.
"""

FOREIGN_KEYS_OFF = True

SQL = """
CREATE TABLE routines_v8 (
    id                     INTEGER PRIMARY KEY,
    title                  TEXT NOT NULL,
    purpose                TEXT NOT NULL CHECK (purpose IN ('detect', 'act_on_suspicion',
                               'individual_cooperation', 'parental_support', 'family_contact',
                               'information', 'children_abroad', 'reported_married')),
    owner                  TEXT NOT NULL REFERENCES administrations(code),
    status                 TEXT NOT NULL
                           CHECK (status IN ('draft', 'adopted', 'under_revision', 'retired')),
    review_interval_months INTEGER NOT NULL CHECK (review_interval_months >= 1),
    planned_review         TEXT,
    created_at             TEXT NOT NULL,
    created_by             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    updated_by             TEXT NOT NULL
);
INSERT INTO routines_v8 SELECT id, title, purpose, owner, status, review_interval_months,
    planned_review, created_at, created_by, updated_at, updated_by FROM routines;
DROP TABLE routines;
ALTER TABLE routines_v8 RENAME TO routines;
"""
