"""Corrections after submission: a reason is asked for, and the change shows up against the
snapshot with who made it, when and why."""

import re

import sqlalchemy as sa

from council.activities.models import Activity
from council.activities.services import reason_required
from council.audit.models import AuditEntry
from council.extensions import db
from tests.submissions.conftest import edit_form


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_no_reason_is_asked_before_submission_or_after_a_return(
    sec_client, hq_client, held_meeting
):
    meeting = held_meeting()
    assert not reason_required(meeting)
    sec_client.post("/submissions/2007/kanto/record/submit", data={})
    assert reason_required(meeting)
    hq_client.post("/submissions/2007/kanto/record/return", data={"return-record-reason": "x"})
    db.session.expire_all()
    assert not reason_required(db.session.get(Activity, meeting.id))


def test_a_submitted_plan_asks_for_a_reason_too(secretariat, make_activity, block):
    from datetime import UTC, datetime

    from council.submissions import services

    planned = make_activity(title="来年度の協議会", status="planned", start="2008-06-20 14:00")
    other_year = make_activity(title="今年度の協議会", status="planned", start="2007-06-20 14:00")
    services.submit(
        block("kanto"), 2008, "plan", actor=secretariat, now=datetime(2008, 3, 1, tzinfo=UTC)
    )
    db.session.commit()
    assert reason_required(planned) and not reason_required(other_year)


def test_an_edit_of_a_submitted_year_needs_a_reason_that_reaches_the_log_and_the_diff(
    secretariat, sec_client, hq_client, held_meeting, make_activity
):
    meeting = held_meeting()
    results = make_activity(
        category="results",
        title="合同成果発表会",
        status="held",
        participants=150,
        organizers=["関東経済産業局", "関東総合通信局"],
        start="2007-10-05 13:00",
        end="2007-10-05 17:00",
    )
    assert sec_client.post("/submissions/2007/kanto/record/submit", data={}).status_code == 302

    form = _text(sec_client.get(f"/activities/{results.id}/edit"))
    assert "変更理由が必須です" in form
    # The required reason comes first in the form, above the title and the long lists.
    fields = form.split('class="activity-form"', 1)[1]
    assert fields.index('name="reason"') < fields.index('name="title"')
    assert fields.index('name="reason"') < fields.index('name="organizers"')
    refused = sec_client.post(
        f"/activities/{results.id}/edit", data=edit_form(results, category="training")
    )
    assert refused.status_code == 400 and "変更理由を入力してください。" in _text(refused)
    saved = sec_client.post(
        f"/activities/{results.id}/edit",
        data=edit_form(results, category="training", reason="区分の誤りを訂正"),
    )
    assert saved.status_code == 302, _text(saved)[:2000]
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "Activity", AuditEntry.object_id == results.id)
        .order_by(AuditEntry.id.desc())
    )
    assert entry.reason == "区分の誤りを訂正" and entry.actor_id == secretariat.id

    for client in (sec_client, hq_client):
        html = _text(client.get("/submissions/2007/kanto"))
        figures = re.search(
            r'<table class="table submission-figures" id="figures-record">.*?</table>', html, re.S
        ).group(0)
        results_row = re.search(r'<tr data-category="results".*?</tr>', figures, re.S).group(0)
        assert re.search(
            r'data-col="submitted">1<.*data-col="current">0<.*data-col="diff">-1<',
            results_row,
            re.S,
        )
        training_row = re.search(r'<tr data-category="training".*?</tr>', figures, re.S).group(0)
        assert 'data-col="diff">+1<' in training_row
        change = re.search(
            rf'<tr class="correction" data-activity="{results.id}".*?</tr>', html, re.S
        ).group(0)
        assert (
            "区分の誤りを訂正" in change
            and secretariat.name in change
            and secretariat.email in change
        )
        assert "成果発表会" in change and "研修会等" in change
    # The meeting itself did not move: it is not listed as a change.
    assert f'data-activity="{meeting.id}" data-change' not in html


def test_a_status_change_of_a_submitted_year_needs_a_reason(
    sec_client, held_meeting, make_activity
):
    held_meeting()
    later = make_activity(title="三月の協議会", status="planned", start="2008-03-12 14:00")
    # The late meeting is red: hold it first, then submit (it needs minutes too).
    from tests.submissions.conftest import approve_minutes

    later.status = "held"
    later.participants = 20
    approve_minutes(later)
    db.session.commit()
    sec_client.post("/submissions/2007/kanto/record/submit", data={})
    extra = make_activity(
        title="追加の研修会",
        category="training",
        status="planned",
        start="2008-02-01 10:00",
        organizers=["関東経済産業局"],
    )
    page = sec_client.get(f"/activities/{extra.id}/held")
    assert "変更理由" in _text(page)
    refused = sec_client.post(
        f"/activities/{extra.id}/held", data={"version": extra.version, "participants": "25"}
    )
    assert refused.status_code == 400 and "変更理由を入力してください" in _text(refused)
    done = sec_client.post(
        f"/activities/{extra.id}/held",
        data={"version": extra.version, "participants": "25", "reason": "実施報告の反映漏れ"},
    )
    assert done.status_code == 302
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == "Activity", AuditEntry.object_id == extra.id)
        .order_by(AuditEntry.id.desc())
    )
    assert entry.action == "status" and entry.reason == "実施報告の反映漏れ"
    html = _text(sec_client.get("/submissions/2007/kanto"))
    change = re.search(
        rf'<tr class="correction" data-activity="{extra.id}" data-change="added".*?</tr>',
        html,
        re.S,
    )
    assert change and "実施報告の反映漏れ" in change.group(0)
