"""Committees propose their own activities under a goal; the coordinator accepts them into
the plan (with the next free code, the proposing committee as lead) or declines them with a
reason. Domain rules, the store with real users of each role, and the tab in the app."""

from __future__ import annotations

import dataclasses

import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.plan import Activity, Goal, Plan
from hrvdesk.domain.plan_proposals import Proposal, next_activity_code, with_accepted
from hrvdesk.store import audit, plan_proposals_repo as proposals, plan_repo
from tests.store.plan_helpers import EDITORS, VIEWER, add_users, opened_as

YEAR = 2025


@pytest.fixture
def db(admin_db):
    i18n.set_language("en")
    add_users(admin_db)
    return admin_db


def _plan(*codes_by_goal: tuple[str, ...]) -> Plan:
    goals = tuple(Goal(n, f"Goal {n}", activities=tuple(Activity(c, c, ("SN",), "SN") for c in codes))
                  for n, codes in enumerate(codes_by_goal, start=1))
    return Plan("p", "Plan", "1", 2023, 2023, None, goals)


def test_the_next_code_follows_the_goals_own_numbering():
    plan = _plan(("A1.1", "A1.2"), ("A2.1", "A2.5", "X9"))
    assert next_activity_code(plan, 1) == "A1.3"
    assert next_activity_code(plan, 2) == "A2.6"
    assert next_activity_code(_plan((), ()), 2) == "A2.1"
    # a code already used under another goal (moved there) is skipped
    assert next_activity_code(_plan(("A1.1", "A2.1"), ()), 2) == "A2.2"


def test_an_accepted_proposal_is_the_last_activity_of_its_goal():
    plan = _plan(("A1.1",), ("A2.1",))
    proposal = Proposal(7, 2, "  Föräldraträffar i skolan ", "UBN")
    added = with_accepted(plan, proposal, "A2.2", 2026).goals[1].activities[-1]
    assert added == Activity("A2.2", "Föräldraträffar i skolan", ("UBN",), "UBN", first_year=2026)
    assert with_accepted(plan, proposal, "A2.2", 2026).goals[0] == plan.goals[0]


def _lead_committee_of(db, administration: str) -> str:
    return next(c.code for c in plan_repo.committees(db) if c.administration == administration)


def test_a_representative_proposes_for_her_own_committee_only(db):
    soc = _lead_committee_of(db, "SOC")
    ubf = _lead_committee_of(db, "UBF")
    with opened_as(db, "SOC") as editor:
        assert proposals.may_propose(editor) == [soc]
        made = proposals.propose(editor, 2, "Samtalsgrupper för föräldrar", soc, "Når fler familjer",
                                 year=YEAR)
        with pytest.raises(PermissionDenied):
            proposals.propose(editor, 2, "Något annat", ubf, year=YEAR)
        with pytest.raises(ValidationError) as refused:
            proposals.propose(editor, 99, "", soc, "ring 19121212-1212", year=YEAR)
        fields = {p.field for p in refused.value.problems}
        assert {"Goal", "Activity", "Why"} <= fields
    with opened_as(db, VIEWER) as viewer:
        assert proposals.may_propose(viewer) == []
        with pytest.raises(PermissionDenied):
            proposals.propose(viewer, 2, "Något", soc, year=YEAR)
        assert [p.title for p in proposals.proposals(viewer)] == ["Samtalsgrupper för föräldrar"]
    assert (made.proposed_by, made.state, made.committee) == (EDITORS["SOC"], "proposed", soc)
    [entry] = audit.entries(db.conn, action="create", limit=1)
    assert entry.target == f"proposal:{made.id}" and entry.user == EDITORS["SOC"]
    assert "Samtalsgrupper" not in str(entry.detail)  # the log names fields, never the text


def test_the_coordinator_accepts_into_the_plan_in_force(db):
    soc = _lead_committee_of(db, "SOC")
    with opened_as(db, "SOC") as editor:
        made = proposals.propose(editor, 2, "Samtalsgrupper för föräldrar", soc, year=YEAR)
        with pytest.raises(PermissionDenied):
            proposals.decide(editor, made.id, "accepted", year=YEAR)
    before = plan_repo.plan_in_force(db, YEAR)
    expected_code = next_activity_code(before, 2)
    decided = proposals.decide(db, made.id, "accepted", year=YEAR)
    after = plan_repo.plan_in_force(db, YEAR)
    added = after.activity(expected_code)
    assert decided.activity == expected_code and decided.state == "accepted"
    assert (added.title, added.lead, added.responsible, added.first_year) == (
        "Samtalsgrupper för föräldrar", soc, (soc,), YEAR)
    assert [a.code for a in after.goals[1].activities][-1] == expected_code
    # the committee reports it in the follow-up like any other of its activities
    assert expected_code in [line.activity.code for line in plan_repo.year_followup(db, YEAR)]
    assert proposals.proposals(db, open_only=True) == []
    with pytest.raises(ValidationError, match="already been decided"):
        proposals.decide(db, made.id, "declined", "för sent", year=YEAR)
    assert plan_repo.plan_in_force(db, YEAR) == after
    actions = [(e.action, e.target) for e in audit.entries(db.conn, limit=2)]
    assert actions == [("update", f"proposal:{made.id}"), ("update", f"plan:{after.id}:{after.version}")]


def test_declining_needs_a_reason_and_leaves_the_plan_as_it_was(db):
    soc = _lead_committee_of(db, "SOC")
    with opened_as(db, "SOC") as editor:
        made = proposals.propose(editor, 1, "Informationskväll", soc, year=YEAR)
    before = plan_repo.plan_in_force(db, YEAR)
    with pytest.raises(ValidationError, match="Say why"):
        proposals.decide(db, made.id, "declined", "  ", year=YEAR)
    decided = proposals.decide(db, made.id, "declined", "Ingår redan i A1.2", year=YEAR)
    assert (decided.state, decided.note, decided.activity) == ("declined", "Ingår redan i A1.2", None)
    assert plan_repo.plan_in_force(db, YEAR) == before
    with opened_as(db, "SOC") as editor:  # the committee reads why
        [seen] = proposals.proposals(editor)
        assert dataclasses.astuple(seen)[7:11] == ("declined", db.user, decided.decided_at, "Ingår redan i A1.2")


def test_an_acceptance_that_fails_leaves_the_proposal_open(db, monkeypatch):
    """The activity and the decision are one transaction: no activity without the decision."""
    soc = _lead_committee_of(db, "SOC")
    with opened_as(db, "SOC") as editor:
        made = proposals.propose(editor, 2, "Samtalsgrupper", soc, year=YEAR)
    before = plan_repo.plan_in_force(db, YEAR)

    plan_audit = db.audit

    def broken_audit(action, target="", *args, **kwargs):  # fails after the plan is written
        if target.startswith("proposal:"):
            raise RuntimeError("disk gone")
        return plan_audit(action, target, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(db, "audit", broken_audit)
        with pytest.raises(RuntimeError):
            proposals.decide(db, made.id, "accepted", year=YEAR)
    assert plan_repo.plan_in_force(db, YEAR) == before
    assert [p.id for p in proposals.proposals(db, open_only=True)] == [made.id]
