"""Properties of the timeline over generated companies (Hypothesis).

Whatever the answers, the size, the day, the target, the dates recorded (before, after or
instead of the plan's) and the certificate: no item is listed twice, every date the
assistant derives is a working day, every dependency of what is still planned comes first,
and "what's next" is exactly one thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import planning, timeline_edit
from flows.context import Ctx
from flows.dates import add_months, default_expiry
from flows.known import timeline_of
from flows.nextstep import compute_next, show
from flows.state import Answer, Certificate, Company, Conversation, Stage, User
from flows.timeline import MILESTONES, Timeline
from flows.types import Reply
from flows.workdays import is_working_day
from knowledge.loader import load_knowledge

KB = load_knowledge()
QUESTIONS = [q.id for q in KB.questions]
STAGES = [Stage.NOT_STARTED, Stage.BUILDING, Stage.RUNNING, Stage.CERTIFIED]
PROFILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass(frozen=True)
class Case:
    """A generated company, small enough to read when Hypothesis reports a failure."""

    today: date
    gaps: frozenset[str]
    headcount: int
    stage: Stage
    ran_days: int  # running since (stage "running")
    cert_age_days: int  # certificate issued this long ago (stage "certified")
    later_months: int  # target: this long after the earliest feasible one
    recorded: tuple[tuple[str, int], ...]  # (milestone, days from today) the user records
    then_days: int  # then time passes


CASES = st.builds(
    Case,
    today=st.dates(date(2026, 1, 1), date(2029, 12, 31)),
    gaps=st.frozensets(st.sampled_from(QUESTIONS)),
    headcount=st.sampled_from([8, 45, 180, 900]),
    stage=st.sampled_from(STAGES),
    ran_days=st.integers(0, 400),
    cert_age_days=st.integers(0, 1200),
    later_months=st.integers(0, 18),
    recorded=st.lists(
        st.tuples(st.sampled_from(MILESTONES[1:4]), st.integers(-200, 700)),
        max_size=3,
        unique_by=lambda r: r[0],
    ).map(tuple),
    then_days=st.integers(0, 900),
)


def company_of(case: Case) -> Ctx:
    now = datetime.combine(case.today, time(3), tzinfo=UTC)  # 11:00 in Shanghai
    answers = {
        q: Answer(question_id=q, value="no" if q in case.gaps else "yes", answered_at=now)
        for q in QUESTIONS
    }
    company = Company(
        name="Acme", headcount=case.headcount, answers=answers, onboarded=True, stage=case.stage
    )
    if case.stage is Stage.RUNNING:
        company.system_start = case.today - timedelta(days=case.ran_days)
    ctx = Ctx(Conversation(user=User(external_id="p", lang="zh"), company=company), KB, now)
    if case.stage is Stage.CERTIFIED:
        issued = case.today - timedelta(days=case.cert_age_days)
        company.certificate = Certificate(
            number="X", issued=issued, expires=default_expiry(issued, 3)
        )
    else:
        target = add_months(planning.earliest_target(ctx), case.later_months)
        company.target_date = target
        company.actions, _ = planning.build_plan(ctx, target)
        timeline_edit.reschedule(ctx)
    for key, days in case.recorded:
        timeline_edit.record(ctx, key, case.today + timedelta(days=days))
    ctx.now = now + timedelta(days=case.then_days)
    return ctx


def _timeline(ctx: Ctx) -> Timeline:
    return timeline_of(ctx)


@PROFILE
@given(CASES)
def test_no_item_is_listed_twice(case: Case) -> None:
    ctx = company_of(case)
    keys = [i.key for i in _timeline(ctx).items]
    assert len(keys) == len(set(keys))


@PROFILE
@given(CASES)
def test_every_derived_date_is_a_working_day(case: Case) -> None:
    ctx = company_of(case)
    for item in _timeline(ctx).items:
        if not item.fixed and not item.done:
            assert is_working_day(item.on), item


@PROFILE
@given(CASES)
def test_every_dependency_of_what_is_planned_comes_first(case: Case) -> None:
    ctx = company_of(case)
    tl = _timeline(ctx)
    for item in tl.items:
        if item.done or item.fixed:
            continue
        for key in item.after:
            dep = tl.get(key)
            assert dep is not None, (item.key, key)
            assert dep.done or dep.on <= item.on, (dep.key, dep.on, item.key, item.on)


@PROFILE
@given(CASES)
def test_whats_next_is_never_empty_and_never_two_answers(case: Case) -> None:
    ctx = company_of(case)
    found = compute_next(ctx)
    assert found.what.strip() and found.why.strip()
    [reply] = [r for r in show(ctx) if isinstance(r, Reply)]
    assert reply.text.count("👉 下一步") + reply.text.count("⚠️ 证书风险") == 1
    assert reply.buttons
