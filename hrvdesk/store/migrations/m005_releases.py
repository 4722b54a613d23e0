"""The release register (national package v2): every package written, exactly as written.

``json`` and ``csv`` are the bytes that left the program; ``seed`` is the secret that chose
the pattern of suppressed cells (never exported); ``supersedes`` names the earlier release
of an overlapping period that this one corrects. Rows are never updated or deleted.
A migration is a snapshot of the schema at its version: it uses only its own SQL.
"""

SQL = """
CREATE TABLE releases (
    id           INTEGER PRIMARY KEY,
    period_from  TEXT NOT NULL,                 -- YYYY-MM-DD
    period_to    TEXT NOT NULL,                 -- YYYY-MM-DD
    format_version INTEGER NOT NULL,
    method       TEXT NOT NULL,
    threshold    INTEGER NOT NULL,
    seed         BLOB NOT NULL,
    supersedes   INTEGER REFERENCES releases(id),
    total        INTEGER NOT NULL,
    suppressed   INTEGER NOT NULL,
    json         BLOB NOT NULL,
    csv          BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX releases_period ON releases(period_from, period_to);

CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'releases are never changed'); END;
CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
BEGIN SELECT RAISE(ABORT, 'releases are never deleted'); END;
"""
