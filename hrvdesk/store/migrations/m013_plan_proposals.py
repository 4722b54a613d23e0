"""Activities proposed by a committee under a goal of the plan, and the coordinator's
decision (issue 16). A migration is a snapshot of the schema at its version: it uses only its
own SQL.
"""

ADDITIVE = True  # a new table only: an older hrvdesk can still read the database

SQL = """
CREATE TABLE plan_proposals (
    id          INTEGER PRIMARY KEY,
    plan_key    TEXT NOT NULL,
    goal        INTEGER NOT NULL,
    title       TEXT NOT NULL,
    committee   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'proposed'
                CHECK (state IN ('proposed', 'accepted', 'declined')),
    decided_by  TEXT,
    decided_at  TEXT,
    note        TEXT NOT NULL DEFAULT '',
    activity    TEXT
);
CREATE INDEX plan_proposals_by_state ON plan_proposals(plan_key, state);
"""
