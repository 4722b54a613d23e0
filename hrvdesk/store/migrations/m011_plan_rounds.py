"""The plan follow-up as a reporting round (issue 16): the coordinator opens a year's round
with a deadline, and each responsible committee marks its part ready.
A migration is a snapshot of the schema at its version: it uses only its own SQL.
"""

ADDITIVE = True  # new tables only: an older hrvdesk can still read the database

SQL = """
CREATE TABLE plan_rounds (
    plan_key  TEXT NOT NULL,
    year      INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    deadline  TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    PRIMARY KEY (plan_key, year)
) WITHOUT ROWID;

CREATE TABLE plan_round_ready (
    plan_key  TEXT NOT NULL,
    year      INTEGER NOT NULL,
    committee TEXT NOT NULL REFERENCES committees(code),
    ready_by  TEXT NOT NULL,
    ready_at  TEXT NOT NULL,
    PRIMARY KEY (plan_key, year, committee),
    FOREIGN KEY (plan_key, year) REFERENCES plan_rounds(plan_key, year)
) WITHOUT ROWID;
"""
