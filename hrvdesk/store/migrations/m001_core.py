"""Core schema: metadata, settings, users, organisation register, audit log.

:data:`ADMINISTRATIONS` and :data:`PARTNERS` are Botkyrka's organisation, frozen as the
first databases got it; a new database takes its organisation from its municipality
profile instead (``MUNICIPALITY_SEED``, :mod:`hrvdesk.store.profiles`).
"""

SQL = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);

CREATE TABLE administrations (
    code      TEXT PRIMARY KEY CHECK (code = upper(code) AND length(code) BETWEEN 1 AND 12),
    name      TEXT NOT NULL,
    committee TEXT NOT NULL DEFAULT '',
    kind      TEXT NOT NULL CHECK (kind IN ('social_services', 'education', 'other')),
    active    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE partners (
    code   TEXT PRIMARY KEY CHECK (code = upper(code) AND length(code) BETWEEN 1 AND 12),
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE users (
    name           TEXT PRIMARY KEY,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    administration TEXT REFERENCES administrations(code),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    CHECK ((role = 'editor') = (administration IS NOT NULL))
);

CREATE TABLE audit_log (
    seq    INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    user   TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '[]',   -- JSON list of field NAMES, never values
    detail TEXT NOT NULL DEFAULT '{}',   -- JSON of counts/ids, never record contents
    prev   TEXT NOT NULL,
    hash   TEXT NOT NULL
);
CREATE INDEX audit_log_user ON audit_log(user);
CREATE INDEX audit_log_action ON audit_log(action);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

#: The seed is Botkyrka's data, not schema: a new database takes it from its profile.
MUNICIPALITY_SEED = True

ADMINISTRATIONS = [
    ("KLF", "Kommunledningsförvaltningen", "Kommunstyrelsen", "other"),
    ("UBF", "Utbildningsförvaltningen", "Utbildningsnämnden", "education"),
    ("SOC", "Socialförvaltningen", "Socialnämnden", "social_services"),
    ("AVUX", "Arbetsmarknads- och vuxenutbildningsförvaltningen",
     "Arbetsmarknads- och vuxenutbildningsnämnden", "other"),
    ("KOF", "Kultur- och fritidsförvaltningen", "Kultur- och fritidsnämnden", "other"),
    ("SBF", "Samhällsbyggnadsförvaltningen", "Samhällsbyggnadsnämnden", "other"),
    ("VOF", "Vård- och omsorgsförvaltningen", "Vård- och omsorgsnämnden", "other"),
]

PARTNERS = [
    ("POL", "Polisen, lokalpolisområde Botkyrka", "police"),
    ("BOB", "Botkyrkabyggen", "housing"),
    ("KVJ", "Botkyrka kvinnojour", "womens_shelter"),
    ("SBR", "Södertörns brandförsvarsförbund", "fire_service"),
    ("RST", "Region Stockholm", "region"),
]


def seed(conn) -> None:
    conn.executemany("INSERT INTO administrations(code, name, committee, kind) VALUES (?, ?, ?, ?)",
                     ADMINISTRATIONS)
    conn.executemany("INSERT INTO partners(code, name, kind) VALUES (?, ?, ?)", PARTNERS)
