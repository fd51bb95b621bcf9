"""The email that carries a patient's copy: subject and a short note in the patient's language first
and the other language second, as plain text and HTML, with the personalised PDF attached.

The words are data (content/email.toml); this module only lays them out. Used by `sending`.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import string
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from functools import cache

from brochure.assets import content_dir
from brochure.config import schema
from brochure.config.clinic import Clinic
from brochure.config.content import Bilingual
from brochure.config.patients import Patient
from brochure.config.schema import Field, Table
from brochure.errors import BrochureError, Problem, display_path
from brochure.text_runs import kept_whole_html, kept_whole_plain, region_of

PLACEHOLDERS = ("name", "clinic", "appointment", "phone")
_LTR_ISOLATE, _POP_ISOLATE = "\u2066", "\u2069"
EMAIL_WORDS = Table({
    "subject": schema.bilingual(400),
    "greeting": schema.bilingual(400),
    "body": Table({"en": Field(schema.text_list(1)), "ar": Field(schema.text_list(1))}),
    "closing": schema.bilingual(400),
})


@dataclass(frozen=True)
class EmailWords:
    subject: Bilingual
    greeting: Bilingual
    body: dict[str, tuple[str, ...]]
    closing: Bilingual


@cache
def email_words() -> EmailWords:
    path = content_dir() / "email.toml"
    data, problems = schema.validate(schema.read_toml(path), EMAIL_WORDS, path)
    for key, value in data.items():
        for language, texts in value.items():
            for text in [texts] if isinstance(texts, str) else texts:
                for _, name, _, _ in string.Formatter().parse(text):
                    if name is not None and name not in PLACEHOLDERS:
                        problems.append(Problem(display_path(path), f"{key}.{language}",
                                                f"unknown placeholder {{{name}}} (known: "
                                                + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS) + ")"))
    if problems:
        raise BrochureError(problems)
    return EmailWords(Bilingual(**data["subject"]), Bilingual(**data["greeting"]),
                      {lang: tuple(texts) for lang, texts in data["body"].items()},
                      Bilingual(**data["closing"]))


def attachment_filename(clinic: Clinic) -> str:
    """What the patient sees in their mail program: the clinic and the topic, no IDs."""
    return f"{clinic.slug}-miss-leaflet.pdf"


def message_id(clinic: Clinic, patient: Patient) -> str:
    """The same for every attempt at one patient's message, so that if staff ever resend one whose
    delivery was unconfirmed, mail programs that group by Message-ID show it once. Hashed: the
    header travels through every server on the way and need not carry the clinic's patient ID."""
    key = f"{clinic.slug}|{patient.patient_id}|{patient.appointment.isoformat()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<miss.{digest}@{clinic.contact.email.rpartition('@')[2]}>"


def compose(clinic: Clinic, patient: Patient, pdf: bytes) -> Message:
    """The message to `patient`, from the clinic's contact address, with their copy attached."""
    from brochure.render.html import format_appointment  # Babel dates, as printed on the patient's cover

    words = email_words()
    languages = patient.languages

    region = region_of(clinic.contact.phone)

    def fill(text: str, language: str, *, as_html: bool) -> str:
        phone = clinic.contact.phone
        typed = {"name": patient.name, "clinic": clinic.name[language]}
        if as_html:
            # numbers and addresses staff typed stay whole and left to right (text_runs); a name in
            # the other script keeps its own direction (and its comma stays outside)
            values = {key: str(kept_whole_html(value, region)) for key, value in typed.items()}
            values["name"] = f"<bdi>{values['name']}</bdi>"
            values["appointment"] = html.escape(format_appointment(patient.appointment, language))
            # a phone number's digit groups reverse inside Arabic unless it is marked left-to-right
            values["phone"] = f'<span dir="ltr">{html.escape(phone)}</span>'
            return html.escape(text, quote=False).format_map(values)
        if language != "ar":
            return text.format_map({**typed, "phone": phone,
                                    "appointment": format_appointment(patient.appointment, language)})
        values = {key: kept_whole_plain(value, region) for key, value in typed.items()}
        values["appointment"] = format_appointment(patient.appointment, language)
        values["phone"] = _LTR_ISOLATE + phone + _POP_ISOLATE
        return text.format_map(values)

    def paragraphs(language: str, *, as_html: bool) -> list[str]:
        return [fill(text, language, as_html=as_html) for text in
                (words.greeting[language], *words.body[language], words.closing[language])] + [
                html.escape(clinic.name[language]) if as_html else clinic.name[language]]

    message = MIMEMultipart("mixed")
    message["Subject"] = Header(" / ".join(fill(words.subject[lang], lang, as_html=False)
                                           for lang in languages), "utf-8")
    message["From"] = _address(clinic.name[patient.language], clinic.contact.email)
    message["Reply-To"] = _address(clinic.name[patient.language], clinic.contact.email)
    message["To"] = _address(patient.name, patient.email)
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = message_id(clinic, patient)
    message["Content-Language"] = ", ".join(languages)

    text = "\n\n\u2014\u2014\u2014\n\n".join(
        "\n\n".join(paragraphs(lang, as_html=False)) for lang in languages)
    blocks = "\n<hr>\n".join(
        f'<div dir="{"rtl" if lang == "ar" else "ltr"}" lang="{lang}">\n'
        + "\n".join(f"<p>{p}</p>" for p in paragraphs(lang, as_html=True)) + "\n</div>"
        for lang in languages)
    page = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
            f"<body>\n{blocks}\n</body></html>\n")
    alternatives = MIMEMultipart("alternative")
    # utf-8 parts are base64: 7-bit clean, so no server on the way needs 8BITMIME
    alternatives.attach(MIMEText(text + "\n", "plain", "utf-8"))
    alternatives.attach(MIMEText(page, "html", "utf-8"))
    message.attach(alternatives)
    attachment = MIMEApplication(pdf, "pdf")
    attachment.add_header("Content-Disposition", "attachment", filename=attachment_filename(clinic))
    message.attach(attachment)
    return message


def _address(name: str, address: str) -> str:
    """`name <address>` with the name as RFC 2047 encoded words, short enough to fold."""
    return f"{Header(name, 'utf-8').encode(linesep=' ')} <{address}>"


def wire_bytes(message: Message) -> bytes:
    """The message as it goes to the server or into an .eml file: CRLF lines, headers folded by
    the classic generator. (The newer `email.policy` folding of Python 3.11 drops or adds spaces
    where it splits long non-ASCII headers: an Arabic subject arrived with two words run together.)"""
    return message.as_bytes(policy=compat32.clone(linesep="\r\n"))
