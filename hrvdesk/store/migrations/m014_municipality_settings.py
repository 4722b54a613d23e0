"""The municipality's code and name become values every database stores (issue 15), so that
the settings' defaults need not be Botkyrka's. A database set up from a municipality profile
stores them already; one made before profiles was Botkyrka's and gets Botkyrka's here, as
frozen literals (a municipality seed: it runs when an existing database is upgraded, never
for a new one). A value already stored is kept. A migration is a snapshot of the schema at
its version: it uses only its own SQL.
"""

ADDITIVE = True  # rows only: an older hrvdesk reads these settings as before
MUNICIPALITY_SEED = True

SQL = ""


def seed(conn) -> None:
    conn.executemany("INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)",
                     [("municipality_code", '"0127"'), ("municipality_name", '"Botkyrka"')])
