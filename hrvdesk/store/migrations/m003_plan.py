"""Action plan, cross-agency routines and the pilot survey (issue 5).

New databases get the committees and the structure of Botkyrka's action plan
(:data:`hrvdesk.domain.plan_seed.BOTKYRKA_PLAN`). Seeded titles are English message ids,
shown through ``_()``; titles that users type are stored as typed. A migration is a
snapshot of the schema at its version, so :func:`seed` writes with its own SQL rather than
with the repositories (which follow the newest schema).
"""

from __future__ import annotations

import datetime as dt

SQL = """
CREATE TABLE committees (
    code           TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    administration TEXT NOT NULL REFERENCES administrations(code),
    position       INTEGER NOT NULL
);

CREATE TABLE plans (
    id              INTEGER PRIMARY KEY,
    plan_key        TEXT NOT NULL,
    version         TEXT NOT NULL,
    name            TEXT NOT NULL,
    owner_committee TEXT NOT NULL REFERENCES committees(code),
    adopted_year    INTEGER NOT NULL,
    valid_from      INTEGER NOT NULL,
    valid_to        INTEGER,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    UNIQUE (plan_key, version),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE TABLE plan_goals (
    id     INTEGER PRIMARY KEY,
    plan   INTEGER NOT NULL REFERENCES plans(id),
    number INTEGER NOT NULL,
    title  TEXT NOT NULL,
    UNIQUE (plan, number)
);

CREATE TABLE plan_measures (
    id       INTEGER PRIMARY KEY,
    plan     INTEGER NOT NULL REFERENCES plans(id),
    goal     INTEGER NOT NULL REFERENCES plan_goals(id),
    code     TEXT NOT NULL,
    title    TEXT NOT NULL,
    source   TEXT NOT NULL CHECK (source IN ('training_coverage', 'routines_share', 'manual')),
    unit     TEXT NOT NULL CHECK (unit IN ('share', 'count')),
    position INTEGER NOT NULL,
    UNIQUE (plan, code)
);

CREATE TABLE plan_activities (
    id         INTEGER PRIMARY KEY,
    plan       INTEGER NOT NULL REFERENCES plans(id),
    goal       INTEGER NOT NULL REFERENCES plan_goals(id),
    code       TEXT NOT NULL,
    title      TEXT NOT NULL,
    lead       TEXT NOT NULL REFERENCES committees(code),
    timeframe  TEXT NOT NULL DEFAULT '',
    first_year INTEGER,
    last_year  INTEGER,
    position   INTEGER NOT NULL,
    UNIQUE (plan, code)
);

CREATE TABLE plan_activity_committees (
    activity  INTEGER NOT NULL REFERENCES plan_activities(id) ON DELETE CASCADE,
    committee TEXT NOT NULL REFERENCES committees(code),
    position  INTEGER NOT NULL,
    PRIMARY KEY (activity, committee)
);

CREATE TABLE plan_activity_partners (
    activity INTEGER NOT NULL REFERENCES plan_activities(id) ON DELETE CASCADE,
    partner  TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (activity, partner)
);

CREATE TABLE plan_followups (
    activity     INTEGER NOT NULL REFERENCES plan_activities(id),
    year         INTEGER NOT NULL,
    status       TEXT NOT NULL
                 CHECK (status IN ('not_started', 'started', 'ongoing', 'done', 'cancelled')),
    comment      TEXT NOT NULL DEFAULT '',
    carried_from INTEGER,
    updated_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (activity, year)
);

CREATE TABLE plan_measure_values (
    measure    INTEGER NOT NULL REFERENCES plan_measures(id),
    year       INTEGER NOT NULL,
    value      REAL NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('training_coverage', 'routines_share', 'manual')),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (measure, year)
);

CREATE TABLE routines (
    id                     INTEGER PRIMARY KEY,
    title                  TEXT NOT NULL,
    purpose                TEXT NOT NULL CHECK (purpose IN ('detect', 'act_on_suspicion',
                               'individual_cooperation', 'parental_support', 'family_contact',
                               'information')),
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

CREATE TABLE routine_participants (
    routine  INTEGER NOT NULL REFERENCES routines(id) ON DELETE CASCADE,
    party    TEXT NOT NULL,          -- an administration or partner code
    position INTEGER NOT NULL,
    PRIMARY KEY (routine, party)
);

CREATE TABLE routine_versions (
    routine     INTEGER NOT NULL REFERENCES routines(id),
    number      INTEGER NOT NULL CHECK (number >= 1),
    adopted_on  TEXT NOT NULL,
    adopted_by  TEXT NOT NULL,       -- the adopting body, not a person
    note        TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (routine, number)
);
CREATE TRIGGER routine_versions_no_update BEFORE UPDATE ON routine_versions
BEGIN SELECT RAISE(ABORT, 'adopted routine versions are history'); END;
CREATE TRIGGER routine_versions_no_delete BEFORE DELETE ON routine_versions
BEGIN SELECT RAISE(ABORT, 'adopted routine versions are history'); END;

CREATE TABLE routine_contacts (
    routine      INTEGER NOT NULL REFERENCES routines(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    role         TEXT NOT NULL,
    how_to_reach TEXT NOT NULL,
    PRIMARY KEY (routine, position)
);

CREATE TABLE routine_attachments (
    id       INTEGER PRIMARY KEY,
    routine  INTEGER NOT NULL REFERENCES routines(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    mime     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    data     BLOB NOT NULL,          -- encrypted with the rest of the database
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);
CREATE INDEX routine_attachments_routine ON routine_attachments(routine);

CREATE TABLE survey_pilot (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    first_year INTEGER NOT NULL,
    length     INTEGER NOT NULL CHECK (length >= 1)
);

CREATE TABLE survey_questions (
    year     INTEGER NOT NULL,
    number   INTEGER NOT NULL CHECK (number >= 1),
    text     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('number', 'yes_no', 'text')),
    required INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (year, number)
);

CREATE TABLE survey_answers (
    year           INTEGER NOT NULL,
    administration TEXT NOT NULL REFERENCES administrations(code),
    question       INTEGER NOT NULL,
    value          TEXT NOT NULL,    -- JSON: a number, true/false or a text
    updated_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (year, administration, question),
    FOREIGN KEY (year, question) REFERENCES survey_questions(year, number)
);
"""

SEED_USER = "hrvdesk"
PLAN_OWNER = "KS"  # the plan is the Municipal Executive Board's (plan section 8)


def seed(conn) -> None:
    from hrvdesk.domain.plan_seed import BOTKYRKA_PLAN, COMMITTEE_ADMINISTRATION, COMMITTEES
    from hrvdesk.domain.survey import PILOT_YEARS

    now = dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")
    conn.executemany(
        "INSERT INTO committees(code, title, administration, position) VALUES (?, ?, ?, ?)",
        [(c.code, c.label, COMMITTEE_ADMINISTRATION[c.code], i)
         for i, c in enumerate(COMMITTEES, start=1)])
    plan = BOTKYRKA_PLAN
    plan_row = conn.execute(
        "INSERT INTO plans(plan_key, version, name, owner_committee, adopted_year, valid_from,"
        " valid_to, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (plan.id, plan.version, plan.name, PLAN_OWNER, plan.adopted_year, plan.valid_from,
         plan.valid_to, now, SEED_USER)).lastrowid
    position = 0
    for goal in plan.goals:
        goal_row = conn.execute("INSERT INTO plan_goals(plan, number, title) VALUES (?, ?, ?)",
                                (plan_row, goal.number, goal.title)).lastrowid
        for m in goal.measures:
            position += 1
            conn.execute(
                "INSERT INTO plan_measures(plan, goal, code, title, source, unit, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (plan_row, goal_row, m.code, m.title, m.source, m.unit, position))
        for a in goal.activities:
            position += 1
            activity_row = conn.execute(
                "INSERT INTO plan_activities(plan, goal, code, title, lead, timeframe, first_year,"
                " last_year, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (plan_row, goal_row, a.code, a.title, a.lead, a.timeframe, a.first_year,
                 a.last_year, position)).lastrowid
            conn.executemany(
                "INSERT INTO plan_activity_committees(activity, committee, position) VALUES (?, ?, ?)",
                [(activity_row, c, i) for i, c in enumerate(a.responsible)])
            conn.executemany(
                "INSERT INTO plan_activity_partners(activity, partner, position) VALUES (?, ?, ?)",
                [(activity_row, p, i) for i, p in enumerate(a.partners)])
    conn.execute("INSERT INTO survey_pilot(id, first_year, length) VALUES (1, ?, ?)",
                 (plan.adopted_year, PILOT_YEARS))
