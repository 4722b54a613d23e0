"""Action plan, cross-agency routines and the pilot survey (issue 5).

A database upgraded to this version gets Botkyrka's committees and action plan, frozen here
as plain literals (:data:`COMMITTEES`, :data:`PLAN`, :data:`GOALS`, :data:`PILOT`: the data
of ``domain/plan_seed.py`` when this migration was written), so that the upgrade gives the
same rows whatever the plan code becomes. A new database is set up from a municipality
profile instead (:mod:`hrvdesk.store.profiles`); ``MUNICIPALITY_SEED`` tells the migration
runner to skip :func:`seed` then. Seeded titles are English message ids, shown through
``_()``. A migration is a snapshot of the schema at its version, so :func:`seed` writes with
its own SQL rather than with the repositories (which follow the newest schema).
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
#: The seed is Botkyrka's data, not schema: a new database takes it from its profile.
MUNICIPALITY_SEED = True

#: (code, title, administration), in their order
COMMITTEES = (
    ('KS', 'Municipal Executive Board', 'KLF'),
    ('UN', 'Education Committee', 'UBF'),
    ('SN', 'Social Services Committee', 'SOC'),
    ('KFN', 'Culture and Leisure Committee', 'KOF'),
    ('AVN', 'Labour Market and Adult Education Committee', 'AVUX'),
    ('SBN', 'Urban Planning Committee', 'SBF'),
    ('VON', 'Health and Social Care Committee', 'VOF'),
)

#: (plan_key, version, name, owner_committee, adopted_year, valid_from, valid_to)
PLAN = ('botkyrka-hrv', '1',
        'Free to live in Botkyrka – action plan against honour-related violence and oppression',
        "KS", 2022, 2022, None)

#: (number, title, measures, activities); a measure is (code, title, source, unit), an
#: activity (code, title, lead, timeframe, first_year, last_year, responsible, partners)
GOALS = (
    (1, 'Services work to prevent honour-related violence', (
        ('M1.1', 'Share of schools and preschools whose systematic violence prevention includes HRV',
         'manual', 'share'),
    ), (
        ('A1.1', 'Cover HRV and FGM in the introduction to parenting-support programmes',
         'SN', '', None, None, ('SN', 'KS'), ()),
        ('A1.2', 'Build HRV, with a focus on men, boys and masculinity, into Tåget and MVP at school and in leisure',
         'KS', '', None, None, ('KS', 'SN', 'UN', 'KFN'), ()),
        ('A1.3', 'Include gender equality and freedom from violence, with HRV, in school teaching',
         'UN', '', None, None, ('UN', 'KS'), ()),
        ('A1.4', 'Cover sexuality, consent, relationships and HRV in adult education',
         'AVN', '', None, None, ('AVN', 'UN'), ()),
        ('A1.5', 'Raise HRV with young people met through the municipal activity responsibility',
         'AVN', '', None, None, ('AVN',), ()),
        ('A1.6', 'Check that subsidised associations for children and young people have the knowledge needed',
         'KS', '', None, None, ('KS', 'KFN', 'SN'), ()),
    )),
    (2, 'Children and young people subjected to HRV are detected', (
        ('M2.1', 'Share of preschools that ask about violence to detect HRV and FGM',
         'manual', 'share'),
        ('M2.2', 'Share of preschools with routines to detect HRV and FGM',
         'manual', 'share'),
    ), (
        ('A2.1', 'Spread easy-to-read information on support and protection in several languages',
         'AVN', 'Ongoing', None, None, ('AVN', 'KFN', 'SN'), ('botkyrkabyggen',)),
        ('A2.2', "Inform about HRV and FGM at school and in leisure, with a contact path to social services' expertise",
         'UN', '', None, None, ('UN', 'SN', 'KFN'), ('region',)),
        ('A2.3', 'Ask routinely about violence and HRV with standardised methods',
         'SN', '', None, None, ('SN', 'AVN', 'KFN', 'UN'), ()),
        ('A2.4', 'Let the violence-prevention centre co-organise HRV training for more than one administration',
         'KS', '', None, None, ('KS',), ()),
        ('A2.5', 'Keep statistics on cases identified as HRV',
         'UN', '', None, None, ('UN', 'SN'), ()),
    )),
    (3, 'Administrations cooperate so that children get knowledge-based support', (
        ('M3.1', 'Share of committees with routines for cooperating with other bodies',
         'routines_share', 'share'),
        ('M3.2', 'Share of parents exercising HRV who receive treatment and support',
         'manual', 'share'),
    ), (
        ('A3.1', 'Offer joint training on domestic violence and HRV for social services, education and the violence-prevention centre',
         'KS', 'Continuous', None, None, ('KS', 'SN', 'UN'), ()),
        ('A3.2', 'Draw up joint routines to motivate parents exercising HRV to accept support',
         'AVN', '', None, None, ('AVN', 'SN', 'UN', 'KFN'), ()),
        ('A3.3', 'Offer family treatment and support to parents exercising HRV',
         'SN', '', None, None, ('SN',), ()),
    )),
    (4, 'Systematic knowledge development, evaluation and follow-up', (
        ('M4.1', 'Share of administrations whose staff have knowledge of domestic violence, FGM and HRV',
         'training_coverage', 'share'),
    ), (
        ('A4.1', 'Train preschool staff on HRV and FGM',
         'KS', '', None, None, ('KS', 'UN'), ()),
        ('A4.2', 'Train staff in school, leisure and culture, social services and labour market on HRV and FGM',
         'KS', '', None, None, ('KS', 'UN', 'SN', 'KFN', 'AVN', 'SBN', 'VON'), ()),
        ('A4.3', 'Hold experience meetings and training on cooperating in individual HRV cases for education and social services',
         'KS', '', None, None, ('KS', 'UN', 'SN'), ()),
        ('A4.4', 'Ask in the staff survey about exposure to violence and whether HRV training was offered',
         'KS', 'Yearly, baseline in 2022', 2022, None, ('KS',), ()),
    )),
)

PILOT = (2022, 4)  # (first_year, length) of the pilot survey


def seed(conn) -> None:
    now = dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")
    conn.executemany(
        "INSERT INTO committees(code, title, administration, position) VALUES (?, ?, ?, ?)",
        [(*committee, i) for i, committee in enumerate(COMMITTEES, start=1)])
    plan_row = conn.execute(
        "INSERT INTO plans(plan_key, version, name, owner_committee, adopted_year, valid_from,"
        " valid_to, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*PLAN, now, SEED_USER)).lastrowid
    position = 0
    for number, title, measures, activities in GOALS:
        goal_row = conn.execute("INSERT INTO plan_goals(plan, number, title) VALUES (?, ?, ?)",
                                (plan_row, number, title)).lastrowid
        for measure in measures:
            position += 1
            conn.execute(
                "INSERT INTO plan_measures(plan, goal, code, title, source, unit, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", (plan_row, goal_row, *measure, position))
        for *activity, responsible, partners in activities:
            position += 1
            activity_row = conn.execute(
                "INSERT INTO plan_activities(plan, goal, code, title, lead, timeframe, first_year,"
                " last_year, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (plan_row, goal_row, *activity, position)).lastrowid
            conn.executemany(
                "INSERT INTO plan_activity_committees(activity, committee, position) VALUES (?, ?, ?)",
                [(activity_row, c, i) for i, c in enumerate(responsible)])
            conn.executemany(
                "INSERT INTO plan_activity_partners(activity, partner, position) VALUES (?, ?, ?)",
                [(activity_row, p, i) for i, p in enumerate(partners)])
    conn.execute("INSERT INTO survey_pilot(id, first_year, length) VALUES (1, ?, ?)", PILOT)
