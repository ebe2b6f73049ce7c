"""Teams over real HTTP: Bot Framework activities in, replies and card updates at a fake connector."""

from __future__ import annotations

import httpx

from storage.models import Person
from tests.support.teams import TENANT, action_titled, card_of, connector, people, refs, teams, texts

__all__ = ["connector", "teams"]  # fixtures


async def test_install_stores_reference_links_email_and_welcomes(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    async with app.state.context.db.unit_of_work() as session:
        session.add(
            Person(
                email="anna@example.org",
                display_name="Anna Holm",
                department="HR",
                created_at=app.state.context.clock.now(),
            )
        )
    connector.members["29:anna"] = {
        "id": "29:anna",
        "name": "Anna H",
        "email": "Anna@Example.org",
        "userPrincipalName": "anna@example.org",
        "tenantId": TENANT,
    }
    anna = teams("29:anna", "Anna H", timezone="Europe/Oslo")
    response = await anna.install()
    assert response.status_code == 200
    [person] = await people(app)
    assert person.department == "HR" and person.timezone == "Europe/Oslo"
    assert [(i.platform, i.workspace_id, i.user_id) for i in person.identities] == [
        ("teams", TENANT, "29:anna")
    ]
    [ref] = await refs(app)
    assert (ref.kind, ref.workspace_id, ref.conversation_id) == ("personal", TENANT, anna.conversation_id)
    assert ref.reference["serviceUrl"] == connector.url
    assert ref.reference["bot"]["id"] == "28:stafet-bot"
    assert ref.reference["conversation"]["tenantID"] == TENANT
    [welcome] = connector.messages()
    assert texts(card_of(welcome.body))[0] == "Hi, I'm Stafet"
    await anna.say("help")
    assert connector.member_lookups == 1  # a known identity is not looked up again


async def test_install_in_a_team_channel_stores_a_channel_reference(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    bo = teams("29:bo", "Bo", team=True, conversation_id="19:general@thread.tacv2")
    installed = bo.activity("installationUpdate", action="add")
    assert (await bo.post(installed)).status_code == 200
    [ref] = await refs(app)
    assert (ref.kind, ref.identity_id, ref.conversation_id) == ("channel", None, "19:general@thread.tacv2")
    assert connector.messages() == []  # no welcome in a channel


async def test_text_gets_a_card_and_repeats_are_ignored(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    anna = teams("29:anna", "Anna")
    message = anna.activity(
        "message",
        text="<at>Stafet</at> what is this",
        entities=[
            {
                "type": "mention",
                "text": "<at>Stafet</at>",
                "mentioned": {"id": "28:stafet-bot", "name": "Stafet"},
            }
        ],
    )
    assert (await anna.post(message)).status_code == 200
    assert (await anna.post(message)).status_code == 200  # Teams retried: same activity id
    [reply] = connector.messages()
    assert reply.activity_id == message["id"]  # a reply to the message
    card = card_of(reply.body)
    assert "didn't quite get that" in texts(card)[1]
    assert {"Language", "Overview"} <= {a["title"] for a in card["body"][-1]["actions"]}
    [ref] = await refs(app)
    assert ref.kind == "personal" and ref.reference["user"]["id"] == "29:anna"


async def test_language_choice_is_answered_and_the_card_redrawn(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    anna = teams("29:anna", "Anna")
    await anna.say("language")
    [prompt] = connector.messages()
    card = card_of(prompt.body)
    [chooser] = [item for item in card["body"] if item["type"] == "Input.ChoiceSet"]
    assert [c["title"] for c in chooser["choices"]] == ["Danish", "English", "Norwegian (bokmål)"]
    submit = action_titled(card, "OK")
    await anna.submit({**submit["data"], chooser["id"]: "da"}, reply_to=prompt.id)
    [update] = connector.updates()
    assert update.activity_id == prompt.id
    redrawn = card_of(update.body)
    assert texts(redrawn) == ["Which language would you like me to use?", "✓ Danish"]
    assert not [item for item in redrawn["body"] if item["type"] in ("ActionSet", "Input.ChoiceSet")]
    done = connector.messages()[-1]
    assert done.body["text"] == "Sådan. Fra nu af skriver jeg på dansk."
    [person] = await people(app)
    assert person.language == "da"


async def test_emulator_mode_serves_only_this_machine_and_says_so(http: httpx.AsyncClient, teams) -> None:  # type: ignore[no-untyped-def]
    anna = teams("29:anna", "Anna")
    refused = await anna.post(anna.activity("message", text="hi"), headers={"X-Forwarded-For": "203.0.113.7"})
    assert refused.status_code == 403
    health = (await http.get("/healthz")).json()
    assert health["teams"]["mode"] == "emulator" and "MICROSOFT_APP_ID" in health["teams"]["warning"]
    assert "teams" in health["platforms"]
    bad = await http.post("/api/messages", json={"text": "no type"})
    assert bad.status_code == 400


async def test_bot_framework_emulator_conversation(app, teams, connector) -> None:  # type: ignore[no-untyped-def]
    """As the Emulator sends it: channel `emulator`, no channelData, no tenant, no roster."""
    ada = teams("0b3f-ada", "Ada", conversation_id="8a1c-conversation|livechat")
    message = ada.activity("message", text="help", channelId="emulator", channelData=None)
    message["conversation"] = {"id": ada.conversation_id}
    assert (await ada.post(message)).status_code == 200
    [reply] = connector.messages()
    assert texts(card_of(reply.body))[0] == "Hi, I'm Stafet"
    assert connector.member_lookups == 0
    [ref] = await refs(app)
    assert (ref.workspace_id, ref.kind) == ("emulator", "personal")
