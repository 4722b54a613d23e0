"""The audit log: append-only, hash-chained, inside the encrypted database.

Every entry records who, when and what — for changes the *names* of the changed fields,
never their values. Each entry's hash covers its own content and the previous entry's
hash; the newest hash and sequence number are kept in ``meta`` as the chain's head, so
an edited, inserted or deleted entry (the last one included) breaks verification.
SQL triggers refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from hrvdesk.i18n import N_, _

GENESIS = "0" * 64
HEAD_KEY = "audit_head"

# Actions, with their translatable names for the audit viewer and `hrvdesk audit`.
ACTIONS: dict[str, str] = {
    "create_database": N_("Database created"),
    "unlock": N_("Unlocked"),
    "unlock_failed": N_("Failed unlock"),
    "session_recovered": N_("Unclosed session ended"),
    "take_over": N_("Took over writing"),
    "lock": N_("Locked"),
    "view": N_("Record viewed"),
    "lookup": N_("Child looked up by personal identity number"),
    "create": N_("Record created"),
    "update": N_("Record updated"),
    "delete": N_("Record deleted"),
    "import": N_("Import"),
    "export": N_("Export"),
    "report": N_("Report"),
    "backup": N_("Backup"),
    "restore": N_("Restore"),
    "user_add": N_("User added"),
    "user_remove": N_("User removed"),
    "passphrase_change": N_("Passphrase changed"),
    "key_upgrade": N_("Key slot upgraded"),
    "rekey": N_("Database key changed"),
    "checkpoint": N_("Session signed"),
    "denied": N_("Refused by role"),
    "page_scan": N_("Every page checked"),
    "settings": N_("Settings changed"),
    "retention": N_("Retention applied"),
    "migrate": N_("Database upgraded"),
    "check": N_("Database checked"),
}


def action_label(action: str) -> str:
    return _(ACTIONS[action]) if action in ACTIONS else action


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    user: str
    action: str
    target: str
    fields: tuple[str, ...]
    detail: dict

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at)


def _digest(prev: str, seq: int, at: str, user: str, action: str, target: str,
            fields: str, detail: str) -> str:
    body = "\x1f".join([prev, str(seq), at, user, action, target, fields, detail])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def now_iso() -> str:
    """Now, in local time with its offset, to the second (how every timestamp is stored)."""
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def head(conn) -> tuple[int, str]:
    """(number, hash) of the last entry; (0, genesis) for an empty log."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    if row is None:
        return 0, GENESIS
    seq, digest = row[0].split(":", 1)
    return int(seq), digest


def append(conn, user: str, action: str, target: str = "", fields=(), detail: dict | None = None,
           at: str | None = None) -> int:
    """Append one entry (call inside the transaction that makes the change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    seq, prev = head(conn)
    seq += 1
    at = at or now_iso()
    fields_json = json.dumps(sorted(set(fields)), ensure_ascii=False)
    detail_json = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)
    digest = _digest(prev, seq, at, user, action, target, fields_json, detail_json)
    conn.execute(
        "INSERT INTO audit_log(seq, at, user, action, target, fields, detail, prev, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, user, action, target, fields_json, detail_json, prev, digest))
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (HEAD_KEY, f"{seq}:{digest}"))
    return seq


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    problem: str = ""  # translated sentence when not ok


def verify(conn) -> ChainReport:
    """Walk the chain from the first entry; compare the end with the recorded head."""
    prev, expected_seq, count = GENESIS, 1, 0
    rows = conn.execute(
        "SELECT seq, at, user, action, target, fields, detail, prev, hash FROM audit_log ORDER BY seq")
    for seq, at, user, action, target, fields, detail, stored_prev, digest in rows:
        if seq != expected_seq:
            return ChainReport(False, count, _(
                "The audit log has a gap or an inserted entry at number {seq}.").format(seq=expected_seq))
        if stored_prev != prev or _digest(prev, seq, at, user, action, target, fields, detail) != digest:
            return ChainReport(False, count, _(
                "Audit log entry {seq} has been altered.").format(seq=seq))
        prev, expected_seq, count = digest, seq + 1, count + 1
    head_seq, head_digest = head(conn)
    if (head_seq, head_digest) != (count, prev if count else GENESIS):
        return ChainReport(False, count, _(
            "The audit log ends before its recorded last entry: entries have been removed."))
    return ChainReport(True, count)


def signed_rows(conn):
    """(seq, user, action, detail, hash) of every entry, in order (for the checkpoints)."""
    return conn.execute("SELECT seq, user, action, detail, hash FROM audit_log ORDER BY seq")


def _where(user: str | None, action: str | None, since: dt.date | None,
           until: dt.date | None) -> tuple[str, list]:
    """The WHERE clause of a filtered query: by user, action and local date (inclusive)."""
    sql, params = " WHERE 1=1", []
    for clause, value in ((" AND user = ?", user), (" AND action = ?", action),
                          (" AND substr(at, 1, 10) >= ?", since and since.isoformat()),
                          (" AND substr(at, 1, 10) <= ?", until and until.isoformat())):
        if value:
            sql += clause
            params.append(value)
    return sql, params


def entries(conn, user: str | None = None, action: str | None = None,
            since: dt.date | None = None, until: dt.date | None = None,
            limit: int | None = None) -> list[AuditEntry]:
    """Entries, newest first, filtered by user, action and date (inclusive)."""
    where, params = _where(user, action, since, until)
    sql = "SELECT seq, at, user, action, target, fields, detail FROM audit_log" + where + " ORDER BY seq DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [AuditEntry(seq, at, u, a, t, tuple(json.loads(f)), json.loads(d))
            for seq, at, u, a, t, f, d in conn.execute(sql, params)]


def count(conn, user: str | None = None, action: str | None = None,
          since: dt.date | None = None, until: dt.date | None = None) -> int:
    where, params = _where(user, action, since, until)
    return conn.execute("SELECT count(*) FROM audit_log" + where, params).fetchone()[0]


def users(conn) -> list[str]:
    """Every user name that occurs in the log (removed users too), sorted."""
    return [u for (u,) in conn.execute("SELECT DISTINCT user FROM audit_log ORDER BY user")]


def last_at(conn, action: str) -> dt.datetime | None:
    """When ``action`` was last recorded, or None."""
    row = conn.execute("SELECT at FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1",
                       (action,)).fetchone()
    return dt.datetime.fromisoformat(row[0]) if row else None
