"""The messages of a question's life, built for one reader's language."""

from __future__ import annotations

from bot.questions.limits import MESSAGE_LIMIT, QUESTION_LIMIT, TAG_LIMIT
from bot.questions.notices import Translate
from bot.questions.search import Hit
from bot.runtime.replies import Button, Field, Form, Option, Reply
from bot.runtime.usertext import said
from storage.models import Question

TOPICS = (
    "digital_mindset",
    "workflow_automation",
    "basic_skills",
    "digital_innovation",
    "project_participation",
    "trainer_skills",
    "service_communication",
    "collaboration",
    "digital_leadership",
    "security",
    "data_and_ai",
)


def topic_label(t: Translate, topic: str) -> str:
    return t(f"questions.topic.{topic}") if topic in TOPICS else topic


def self_help(t: Translate, question: Question, hits: list[Hit]) -> Reply:
    """The hits, numbered; an FAQ entry that answered the asker is said by its own button, so
    their wording can be kept with it."""
    lines = [t("questions.selfhelp.intro"), ""]
    lines += [f"{n}. **{_typed(hit.title, hit)}**: {_typed(hit.body, hit)}" for n, hit in enumerate(hits, 1)]
    solved = [
        Button(
            t("questions.selfhelp.solved_by", n=n), "questions.self_solved", f"{question.id}:{hit.entry_id}"
        )
        for n, hit in enumerate(hits, 1)
        if hit.entry_id is not None
    ] or [Button(t("questions.selfhelp.solved"), "questions.self_solved", str(question.id), "primary")]
    person = Button(t("questions.selfhelp.person"), "questions.person", str(question.id))
    return Reply(title=t("questions.selfhelp.title"), text="\n".join(lines), buttons=(*solved, person))


def _typed(text: str, hit: Hit) -> str:
    """An FAQ entry was written by people (proposed, approved); a glossary term is ours."""
    return said(text) if hit.entry_id is not None else text


def details_form(t: Translate, question: Question) -> Reply:
    """Topic and anonymity; a suggested topic that is no listed one is offered as the own tag."""
    options = tuple(Option(topic_label(t, topic), topic) for topic in TOPICS)
    listed = question.topic in TOPICS
    fields = (
        Field(
            "topic", t("questions.form.topic"), "select", options, initial=question.topic if listed else ""
        ),
        Field(
            "tag",
            t("questions.form.tag"),
            placeholder=t("questions.form.tag_hint"),
            initial="" if listed else question.topic,
            max_length=TAG_LIMIT,
        ),
        Field("anonymous", t("questions.form.anonymous"), "checkbox"),
    )
    form = Form(
        "questions.submit", t("questions.form.title"), fields, t("questions.form.send"), str(question.id)
    )
    return Reply(text=t("questions.form.intro"), form=form)


def card(t: Translate, question: Question, who: str, *, group: bool = False) -> Reply:
    """What an ambassador (or the group) sees: question, topic, anonymity marker, what to do."""
    topic = topic_label(t, question.topic) if question.topic in TOPICS else said(question.topic)
    text = t("questions.card.body", topic=topic, who=who, text=said(question.text))
    buttons = [Button(t("questions.card.claim"), "questions.claim", str(question.id), "primary")]
    if not group:
        buttons.append(Button(t("questions.card.pass"), "questions.pass", str(question.id)))
        buttons.append(Button(t("questions.card.not_my_topic"), "questions.not_my_topic", str(question.id)))
    key = "questions.card.group_title" if group else "questions.card.title"
    return Reply(title=t(key, id=question.id), text=text, buttons=tuple(buttons))


def write_form(t: Translate, question: Question, action: str) -> Form:
    field = Field("text", t("questions.thread.message"), "textarea", required=True, max_length=MESSAGE_LIMIT)
    return Form(
        action,
        t("questions.thread.title", id=question.id),
        (field,),
        t("questions.thread.send"),
        str(question.id),
    )


def to_asker(t: Translate, question: Question, body: str) -> Reply:
    solved = Button(t("questions.thread.solved"), "questions.resolve", str(question.id), "primary")
    return Reply(
        text=t("questions.thread.to_asker", id=question.id, text=said(body)),
        buttons=(solved,),
        form=write_form(t, question, "questions.reply"),
    )


def to_owner(t: Translate, question: Question, who: str, body: str) -> Reply:
    text = t("questions.thread.to_owner", id=question.id, who=who, text=said(body))
    return Reply(text=text, form=write_form(t, question, "questions.answer"))


def rating(t: Translate, question: Question) -> Reply:
    buttons = (
        Button(t("questions.rate.yes"), "questions.rate", f"{question.id}:yes", "primary"),
        Button(t("questions.rate.no"), "questions.rate", f"{question.id}:no"),
    )
    return Reply(text=t("questions.resolved.asker"), buttons=buttons)


def propose_form(t: Translate, question: Question, answer: str) -> Reply:
    fields = (
        Field(
            "question",
            t("questions.faq.question"),
            "textarea",
            required=True,
            initial=question.text,
            max_length=QUESTION_LIMIT,
        ),
        Field(
            "answer",
            t("questions.faq.answer"),
            "textarea",
            required=True,
            initial=answer,
            max_length=MESSAGE_LIMIT,
        ),
    )
    form = Form(
        "questions.propose_submit",
        t("questions.faq.title"),
        fields,
        t("questions.faq.send"),
        str(question.id),
    )
    return Reply(text=t("questions.faq.intro"), form=form)


def resolved_owner(t: Translate, question: Question) -> Reply:
    propose = Button(t("questions.faq.propose"), "questions.propose", str(question.id))
    return Reply(text=t("questions.resolved.owner", id=question.id), buttons=(propose,))


def faq_proposal(t: Translate, entry_id: int, question: str, answer: str, waiting: int = 0) -> Reply:
    """A proposal for a coordinator: approve as it is, edit and approve, or reject with a reason."""
    value = str(entry_id)
    buttons = (
        Button(t("questions.faq.approve"), "questions.faq_approve", value, "primary"),
        Button(t("questions.faq.edit"), "questions.faq_edit", value),
        Button(t("questions.faq.reject"), "questions.faq_reject", value, "danger"),
    )
    text = t("questions.faq.proposed_card", question=said(question), answer=said(answer))
    if waiting:
        text += "\n\n" + t("questions.faq.more_waiting", n=waiting)
    return Reply(title=t("questions.faq.proposed_title", id=entry_id), text=text, buttons=buttons)


def faq_edit_form(t: Translate, entry_id: int, question: str, answer: str) -> Reply:
    fields = (
        Field("question", t("questions.faq.question"), "textarea", required=True, initial=question),
        Field("answer", t("questions.faq.answer"), "textarea", required=True, initial=answer),
    )
    form = Form(
        "questions.faq_edited", t("questions.faq.edit"), fields, t("questions.faq.approve"), str(entry_id)
    )
    return Reply(form=form)


def faq_reject_form(t: Translate, entry_id: int) -> Reply:
    reason = Field("reason", t("questions.faq.reason"), "textarea", required=True)
    form = Form(
        "questions.faq_rejected",
        t("questions.faq.reject"),
        (reason,),
        t("questions.faq.reject"),
        str(entry_id),
    )
    return Reply(form=form)
