"""Training coverage kept between computations (issue 13): the counts a coverage computation
finds (persons trained per administration and unit, the year's activity per administration)
are kept per topic set, validity window and year in ``coverage_cache``, beside a stamp of
the data they came from. ``coverage_changes`` counts, per topic and year, every change that
can alter such counts; triggers keep it, so no write path can forget it:

- a row of ``training_person_years`` inserted, updated or deleted (every completion added
  or deleted, one by one or by an import, changes its person's row there);
- aggregate attendance inserted, updated or deleted (for each topic of its training);
- a topic added to, changed in or removed from a training (year 0: "any year" of that topic).

A kept entry is used while the sum of ``n`` over its topics, its window's years and year 0 is
the one stored with it: ``n`` only grows and its rows are never deleted, so any change makes
the sum larger. A migration is a snapshot of the schema at its version: it uses only its own
SQL.
"""

ADDITIVE = True  # new tables and triggers only: an older hrvdesk can still read the database

SQL = """
CREATE TABLE coverage_changes (
    topic TEXT NOT NULL,
    year  INTEGER NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (topic, year)
) WITHOUT ROWID;

CREATE TABLE coverage_cache (
    topics   TEXT NOT NULL,
    validity INTEGER NOT NULL,
    year     INTEGER NOT NULL,
    rule     INTEGER NOT NULL,
    stamp    INTEGER NOT NULL,
    counts   TEXT NOT NULL,
    PRIMARY KEY (topics, validity, year)
) WITHOUT ROWID;

CREATE TRIGGER coverage_person_year_insert AFTER INSERT ON training_person_years
BEGIN
    INSERT INTO coverage_changes(topic, year, n) VALUES (NEW.topic, NEW.year, 1)
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_person_year_update AFTER UPDATE ON training_person_years
BEGIN
    INSERT INTO coverage_changes(topic, year, n) VALUES (NEW.topic, NEW.year, 1)
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_person_year_moved AFTER UPDATE OF topic, year ON training_person_years
WHEN OLD.topic IS NOT NEW.topic OR OLD.year IS NOT NEW.year
BEGIN
    INSERT INTO coverage_changes(topic, year, n) VALUES (OLD.topic, OLD.year, 1)
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_person_year_delete AFTER DELETE ON training_person_years
BEGIN
    INSERT INTO coverage_changes(topic, year, n) VALUES (OLD.topic, OLD.year, 1)
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_attendance_insert AFTER INSERT ON training_attendance
BEGIN
    INSERT INTO coverage_changes(topic, year, n)
    SELECT topic, CAST(substr(NEW.attended_date, 1, 4) AS INTEGER), 1
    FROM training_topics WHERE training_id = NEW.training_id
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_attendance_update AFTER UPDATE ON training_attendance
BEGIN
    INSERT INTO coverage_changes(topic, year, n)
    SELECT topic, CAST(substr(NEW.attended_date, 1, 4) AS INTEGER), 1
    FROM training_topics WHERE training_id IN (OLD.training_id, NEW.training_id)
    UNION ALL
    SELECT topic, CAST(substr(OLD.attended_date, 1, 4) AS INTEGER), 1
    FROM training_topics WHERE training_id IN (OLD.training_id, NEW.training_id)
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_attendance_delete AFTER DELETE ON training_attendance
BEGIN
    INSERT INTO coverage_changes(topic, year, n)
    SELECT topic, CAST(substr(OLD.attended_date, 1, 4) AS INTEGER), 1
    FROM training_topics WHERE training_id = OLD.training_id
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_topic_insert AFTER INSERT ON training_topics
BEGIN
    INSERT INTO coverage_changes(topic, year, n) VALUES (NEW.topic, 0, 1)
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_topic_delete AFTER DELETE ON training_topics
BEGIN
    INSERT INTO coverage_changes(topic, year, n) VALUES (OLD.topic, 0, 1)
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER coverage_topic_update AFTER UPDATE ON training_topics
BEGIN
    INSERT INTO coverage_changes(topic, year, n) VALUES (OLD.topic, 0, 1), (NEW.topic, 0, 1)
    ON CONFLICT (topic, year) DO UPDATE SET n = n + 1;
END;
"""
