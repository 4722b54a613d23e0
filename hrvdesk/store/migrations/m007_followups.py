"""Following each child up (issue 11).

``abroad_cases.follow_up_date`` is the next follow-up date (YYYY-MM-DD) and
``no_school_since`` the day since which a child reported by a school has had no school
placement. ``abroad_followups`` is each case's follow-up log: what was done on which day, with
an optional note (stored encrypted like every note, erased by retention); an entry is never
changed. A case's own history (``abroad_changes``) gains the kind ``follow_up``; its CHECK can
only change by rebuilding the table, which keeps every row.
A migration is a snapshot of the schema at its version: it uses only its own SQL.
"""

SQL = """
ALTER TABLE abroad_cases ADD COLUMN follow_up_date TEXT;
ALTER TABLE abroad_cases ADD COLUMN no_school_since TEXT;
CREATE INDEX abroad_cases_follow_up ON abroad_cases(follow_up_date);

CREATE TABLE abroad_followups (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES abroad_cases(id) ON DELETE CASCADE,
    done_on     TEXT NOT NULL,                  -- YYYY-MM-DD
    kind        TEXT NOT NULL CHECK (kind IN ('attendance_officer', 'social_services',
                    'home_visit', 'police', 'embassy', 'returned', 'other')),
    note        TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX abroad_followups_case ON abroad_followups(case_id, done_on, id);

CREATE TABLE abroad_changes_v7 (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES abroad_cases(id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('create', 'import', 'update', 'retention', 'follow_up')),
    fields  TEXT NOT NULL DEFAULT '[]'         -- JSON list of field NAMES, never values
);
INSERT INTO abroad_changes_v7(id, case_id, at, user, kind, fields)
    SELECT id, case_id, at, user, kind, fields FROM abroad_changes;
DROP TABLE abroad_changes;
ALTER TABLE abroad_changes_v7 RENAME TO abroad_changes;
CREATE INDEX abroad_changes_case ON abroad_changes(case_id, id);
"""
