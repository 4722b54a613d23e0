"""Training log: trainings, pseudonymous completions, aggregate attendance, headcounts.

Persons appear only as a keyed hash (:func:`hrvdesk.domain.training.pseudonymise`) in
``training_persons``; completions refer to that row by number, so the pseudonym is stored
once. The pseudonymisation key is created here, once per database, and kept in ``meta``
inside the encrypted file. ``training_person_years`` is a summary kept by triggers that
lets coverage read one row per person and year. A migration is a snapshot
of the schema at its version: it uses its own SQL and constants, not the repository.
"""

import secrets

PSEUDONYM_KEY = "training_pseudonym_key"
PSEUDONYM_KEY_BYTES = 32

_LATEST = "{p}completed_date || char(31) || {p}administration || char(31) || {p}unit"

SQL = """
CREATE TABLE trainings (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    format          TEXT NOT NULL CHECK (format IN ('web', 'classroom', 'conference', 'network_meeting')),
    start_date      TEXT NOT NULL,                 -- YYYY-MM-DD
    end_date        TEXT CHECK (end_date IS NULL OR end_date >= start_date),
    hours           TEXT,                          -- decimal as text, e.g. '1.5'
    organiser       TEXT NOT NULL DEFAULT '',
    vpc_coorganised INTEGER NOT NULL DEFAULT 0 CHECK (vpc_coorganised IN (0, 1))
);

CREATE TABLE training_topics (
    topic       TEXT NOT NULL CHECK (topic IN ('hrv', 'fgm', 'dv')),
    training_id INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    PRIMARY KEY (topic, training_id)
) WITHOUT ROWID;
CREATE INDEX training_topics_training ON training_topics(training_id);

CREATE TABLE training_administrations (
    training_id    INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    administration TEXT NOT NULL REFERENCES administrations(code),
    PRIMARY KEY (training_id, administration)
) WITHOUT ROWID;

CREATE TABLE training_persons (
    id         INTEGER PRIMARY KEY,
    person_key TEXT NOT NULL UNIQUE CHECK (length(person_key) = 64)
);

CREATE TABLE completions (
    id             INTEGER PRIMARY KEY,
    person         INTEGER NOT NULL REFERENCES training_persons(id),
    training_id    INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    administration TEXT NOT NULL REFERENCES administrations(code),
    unit           TEXT NOT NULL DEFAULT '',
    completed_date TEXT NOT NULL CHECK (completed_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    UNIQUE (person, training_id, completed_date)
);
-- The completions of one training, and the activity figures (per topic and year).
CREATE INDEX completions_training ON completions(training_id, completed_date, administration);

-- Completions are not changed in place (delete and record again), which keeps the summary
-- below simple.
CREATE TRIGGER completions_immutable BEFORE UPDATE ON completions
BEGIN SELECT RAISE(ABORT, 'completions are not updated; delete and record again'); END;

-- Coverage summary, kept by the triggers below: for each topic, year and person, their
-- latest completion of the topic that year as "date<US>administration<US>unit" (US =
-- char(31), below every printable character, so the text sorts like the tuple). Coverage
-- for a window then reads one row per person and year instead of every completion.
CREATE TABLE training_person_years (
    topic  TEXT NOT NULL,
    person INTEGER NOT NULL,
    year   INTEGER NOT NULL,
    latest TEXT NOT NULL,
    PRIMARY KEY (topic, year, person)
) WITHOUT ROWID;

CREATE TRIGGER completions_summary_insert AFTER INSERT ON completions
BEGIN
    INSERT INTO training_person_years(topic, person, year, latest)
    SELECT topic, NEW.person, CAST(substr(NEW.completed_date, 1, 4) AS INTEGER), {new_latest}
    FROM training_topics WHERE training_id = NEW.training_id
    ON CONFLICT (topic, year, person) DO UPDATE SET latest = max(latest, excluded.latest);
END;

CREATE TRIGGER completions_summary_delete AFTER DELETE ON completions
BEGIN
    DELETE FROM training_person_years
    WHERE person = OLD.person AND year = CAST(substr(OLD.completed_date, 1, 4) AS INTEGER)
      AND topic IN (SELECT topic FROM training_topics WHERE training_id = OLD.training_id);
    INSERT INTO training_person_years(topic, person, year, latest)
    SELECT t.topic, OLD.person, CAST(substr(OLD.completed_date, 1, 4) AS INTEGER), max({c_latest})
    FROM completions c JOIN training_topics t ON t.training_id = c.training_id
    WHERE c.person = OLD.person
      AND substr(c.completed_date, 1, 4) = substr(OLD.completed_date, 1, 4)
      AND t.topic IN (SELECT topic FROM training_topics WHERE training_id = OLD.training_id)
    GROUP BY t.topic;
END;

CREATE TRIGGER training_topics_summary_insert AFTER INSERT ON training_topics
BEGIN
    INSERT INTO training_person_years(topic, person, year, latest)
    SELECT NEW.topic, c.person, CAST(substr(c.completed_date, 1, 4) AS INTEGER), {c_latest}
    FROM completions c WHERE c.training_id = NEW.training_id
    ON CONFLICT (topic, year, person) DO UPDATE SET latest = max(latest, excluded.latest);
END;

CREATE TRIGGER training_topics_summary_delete AFTER DELETE ON training_topics
BEGIN
    DELETE FROM training_person_years
    WHERE topic = OLD.topic AND (person, year) IN (
        SELECT person, CAST(substr(completed_date, 1, 4) AS INTEGER)
        FROM completions WHERE training_id = OLD.training_id);
    INSERT INTO training_person_years(topic, person, year, latest)
    SELECT OLD.topic, c.person, CAST(substr(c.completed_date, 1, 4) AS INTEGER) AS y, max({c_latest})
    FROM completions c JOIN training_topics t ON t.training_id = c.training_id AND t.topic = OLD.topic
    WHERE (c.person, CAST(substr(c.completed_date, 1, 4) AS INTEGER)) IN (
        SELECT person, CAST(substr(completed_date, 1, 4) AS INTEGER)
        FROM completions WHERE training_id = OLD.training_id)
    GROUP BY c.person, y;
END;

CREATE TABLE training_attendance (
    id             INTEGER PRIMARY KEY,
    training_id    INTEGER NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    administration TEXT NOT NULL REFERENCES administrations(code),
    attended_date  TEXT NOT NULL,
    participants   INTEGER NOT NULL CHECK (participants > 0),
    UNIQUE (training_id, administration, attended_date)
);

CREATE TABLE headcounts (
    year           INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    administration TEXT NOT NULL REFERENCES administrations(code),
    headcount      INTEGER NOT NULL CHECK (headcount >= 0),
    target_group   INTEGER CHECK (target_group IS NULL OR target_group BETWEEN 0 AND headcount),
    PRIMARY KEY (year, administration)
) WITHOUT ROWID;
"""


SQL = SQL.replace("{new_latest}", _LATEST.format(p="NEW.")).replace("{c_latest}", _LATEST.format(p="c."))


def seed(conn) -> None:
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)",
                 (PSEUDONYM_KEY, secrets.token_bytes(PSEUDONYM_KEY_BYTES).hex()))
