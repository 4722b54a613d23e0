"""Targets on the plan's measures (issue 16), e.g. 80 % coverage or all committees with a
routine: one target per measure of a plan, kept across the plan's versions by the measure's
code. A migration is a snapshot of the schema at its version: it uses only its own SQL.
"""

ADDITIVE = True  # new tables only: an older hrvdesk can still read the database

SQL = """
CREATE TABLE plan_measure_targets (
    plan_key   TEXT NOT NULL,
    measure    TEXT NOT NULL,
    target     REAL NOT NULL CHECK (target >= 0),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (plan_key, measure)
) WITHOUT ROWID;
"""
