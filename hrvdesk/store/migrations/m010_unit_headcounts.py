"""Headcount per unit (issue 17): HR may give a unit's staff and target group beside the
administration's (an optional ``unit`` column of the ``headcount`` import), so that a school
or preschool sees its own coverage. ``unit_key`` is the name as matched against the training
records (spaces collapsed, letter case folded); ``unit`` the name as HR wrote it.
A migration is a snapshot of the schema at its version: it uses only its own SQL.
"""

ADDITIVE = True  # new tables only: an older hrvdesk can still read the database

SQL = """
CREATE TABLE unit_headcounts (
    year           INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    administration TEXT NOT NULL REFERENCES administrations(code),
    unit_key       TEXT NOT NULL CHECK (unit_key <> ''),
    unit           TEXT NOT NULL,
    headcount      INTEGER NOT NULL CHECK (headcount >= 0),
    target_group   INTEGER CHECK (target_group IS NULL OR target_group BETWEEN 0 AND headcount),
    PRIMARY KEY (year, administration, unit_key)
) WITHOUT ROWID;
"""
