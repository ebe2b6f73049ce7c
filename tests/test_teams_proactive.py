"""Teams proactive messages: sent through stored references, answered on the card, throttling honoured."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.delivery.outbox import Outbox
from bot.runtime.replies import Button, Reply, Scale
from bot.runtime.turn import Turn
from storage.models import OutboxMessage
from tests.support.teams import TENANT, action_titled, card_of, connector, people, refs, teams, texts

__all__ = ["connector", "teams"]  # fixtures


async def test_quiz_survey_and_claim_answers_from_a_proactive_card(app, teams, connector, deliver) -> None:  # type: ignore[no-untyped-def]
    router = app.state.dispatcher.router

    async def quiz(turn: Turn) -> Reply:
        return Reply(text="Correct!" if turn.event.value == "q1:b" else "Not quite.")

    async def survey(turn: Turn) -> Reply:
        return Reply(text=f"Thanks, noted {turn.event.value}.")

    async def claim(turn: Turn) -> Reply:
        turn.source_update = Reply(text=f"Question {turn.event.value}: claimed by {turn.person.display_name}")
        return Reply(text="It's yours: answer when you can.")

    router.action("test.quiz", quiz)
    router.action("test.survey", survey)
    router.action("test.claim", claim)
    anna = teams("29:anna", "Anna")
    await anna.install()
    [person] = await people(app)
    context = app.state.context
    quiz_card = Reply(
        title="Quiz",
        text="What is a sprint?",
        buttons=(Button("A meeting", "test.quiz", "q1:a"), Button("A short push", "test.quiz", "q1:b")),
    )
    pulse = Reply(
        text="How confident are you with data?",
        scale=Scale("test.survey", 0, 10, "Not at all", "Very", prefix="s1:"),
    )
    question = Reply(
        text="New question about Excel", buttons=(Button("Claim", "test.claim", "7", "primary"),)
    )
    async with context.db.unit_of_work() as session:
        outbox = Outbox(session, context.clock)
        for n, reply in enumerate((quiz_card, pulse, question)):
            assert await outbox.enqueue(key=f"test:{n}", person_id=person.id, reply=reply)
    assert await deliver() == 3
    sent = connector.messages()[-3:]
    assert all(s.conversation_id == anna.conversation_id for s in sent)
    # The worker sends a batch concurrently, so the three may arrive in any order.
    quiz_msg, pulse_msg, question_msg = (
        next(s for s in sent if words in json.dumps(s.body))
        for words in ("What is a sprint?", "How confident are you with data?", "New question about Excel")
    )
    assert quiz_msg.body["channelData"]["tenant"]["id"] == TENANT

    await anna.submit(action_titled(card_of(quiz_msg.body), "A short push")["data"], reply_to=quiz_msg.id)
    assert connector.messages()[-1].body["text"] == "Correct!"
    assert texts(card_of(connector.updates()[-1].body))[-1] == "✓ A short push"

    pulse_card = card_of(pulse_msg.body)
    assert [len(row["actions"]) for row in pulse_card["body"] if row["type"] == "ActionSet"] == [6, 5]
    await anna.submit(action_titled(pulse_card, "7")["data"], reply_to=pulse_msg.id)
    assert connector.messages()[-1].body["text"] == "Thanks, noted s1:7."

    claim_action = action_titled(card_of(question_msg.body), "Claim")
    assert claim_action["style"] == "positive"
    await anna.submit(claim_action["data"], reply_to=question_msg.id)
    assert connector.messages()[-1].body["text"] == "It's yours: answer when you can."
    update = connector.updates()[-1]
    assert update.activity_id == question_msg.id
    assert texts(card_of(update.body)) == ["Question 7: claimed by Anna"]


async def test_throttled_proactive_message_is_rescheduled_not_lost(
    app, teams, connector, deliver, clock
) -> None:  # type: ignore[no-untyped-def]
    anna = teams("29:anna", "Anna")
    await anna.say("hi")
    [person] = await people(app)
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await Outbox(session, clock).enqueue(
            key="nudge:1", person_id=person.id, reply=Reply(text="Lesson time")
        )
    before = len(connector.messages())
    connector.fail_next(429, {"Retry-After": "30"})
    assert await deliver() == 0
    async with context.db.unit_of_work() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
        assert (row.status, row.attempts) == ("pending", 0)  # a 429 is no failed attempt
        assert (row.due_at - clock.now()).total_seconds() == 30
        assert "429" in (row.last_error or "")
    clock.advance(seconds=29)
    assert await deliver() == 0
    connector.fail_next(502)
    clock.advance(seconds=1)
    assert await deliver() == 0  # Teams briefly down: backoff, no Retry-After
    async with context.db.unit_of_work() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
        assert row.status == "pending" and row.due_at > clock.now()
        clock.set(row.due_at)
    assert await deliver() == 1
    [nudge] = connector.messages()[before:]
    assert nudge.body["text"] == "Lesson time"
    async with context.db.unit_of_work() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
        assert row.status == "sent" and row.platform_message_id == nudge.id


async def test_escalation_reaches_a_team_channel(app, teams, connector, deliver) -> None:  # type: ignore[no-untyped-def]
    ambassadors = teams("29:bo", "Bo", team=True, conversation_id="19:ambassadors@thread.tacv2")
    await ambassadors.post(ambassadors.activity("installationUpdate", action="add"))
    [channel] = [ref for ref in await refs(app) if ref.kind == "channel"]
    context = app.state.context
    escalation = Reply(text="A question has waited two days", buttons=(Button("Claim", "test.claim", "9"),))
    async with context.db.unit_of_work() as session:
        outbox = Outbox(session, context.clock)
        await outbox.enqueue(
            key="escalate:9", person_id=None, reply=escalation, conversation_ref_id=channel.id
        )
    assert await deliver() == 1
    [posted] = connector.messages()
    assert posted.conversation_id == "19:ambassadors@thread.tacv2"
    assert texts(card_of(posted.body)) == ["A question has waited two days"]
