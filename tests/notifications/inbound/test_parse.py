"""The reply parser on client-format mails in three languages, on broken mail, and on each quoting header."""

from __future__ import annotations

import io
import random
from email.message import EmailMessage

import pytest
from PIL import Image

from notifications.inbound import parse
from notifications.inbound.parse import (
    SIGNATURE_IMAGE_MAX_BYTES,
    MailUnreadable,
    ReplyContent,
    mail_parse,
    reply_content,
    reply_text,
)
from tests.notifications.inbound.eml import EML_NAMES, MAILS, PLACEHOLDERS, eml_expected, eml_fixture

HEAD = b"From: amal@city.example\nTo: reply+t@desk.example\nSubject: Re: x\nMessage-ID: <m1@city.example>\n"


def test_there_are_fixtures_for_each_language_and_client():
    assert len(EML_NAMES) >= 18
    for language in ("en", "fr", "ar"):
        for clients in (("gmail",), ("outlook",), ("apple",), ("iphone", "android")):
            assert any(name.startswith(f"{language}_") and any(c in name for c in clients) for name in EML_NAMES)


@pytest.mark.parametrize("name", EML_NAMES)
def test_fixture_carries_each_placeholder_once_in_its_headers(name):
    raw = (MAILS / f"{name}.eml").read_bytes()
    head = raw.split(b"\n\n", 1)[0]
    for placeholder in PLACEHOLDERS:
        assert raw.count(placeholder.encode()) == 1, placeholder
        assert placeholder.encode() in head
    message = mail_parse(eml_fixture(name, sender="Amal <amal@city.example>", message_id="abc.1@mail.example"))
    assert message["From"].addresses[0].addr_spec == "amal@city.example"
    assert message["Message-ID"] == "<abc.1@mail.example>"


@pytest.mark.parametrize("name", EML_NAMES)
def test_fixture_gives_its_new_text_and_files(name):
    expected = eml_expected(name)

    content = reply_content(mail_parse(eml_fixture(name)))

    assert content.text == expected["text"]
    assert [
        {"name": file.name, "content_type": file.content_type, "inline": file.inline} for file in content.files
    ] == expected["files"]
    assert all(file.content for file in content.files)
    assert content.from_html is expected["from_html"]


# --- Broken mail: an answer, never a crash ----------------------------------------------------------------


def _content(raw: bytes) -> ReplyContent:
    return reply_content(mail_parse(raw))


def test_a_message_without_body_has_no_text():
    assert _content(HEAD) == ReplyContent(text="", files=(), from_html=False)


def test_a_multipart_whose_boundary_never_comes_has_no_text():
    raw = HEAD + b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="abc"\n\n--xyz\n\nHello\n--xyz--\n'
    assert _content(raw).text == ""


def test_a_multipart_never_closed_keeps_its_text():
    head = b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="abc"\n\n'
    raw = HEAD + head + b"--abc\nContent-Type: text/plain\n\nHello\n"
    assert _content(raw).text == "Hello"


def test_bytes_invalid_in_the_declared_charset_are_replaced():
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nCaf\xe9 \xff ok\n"
    assert _content(raw).text == "Caf\ufffd \ufffd ok"


def test_an_unknown_charset_is_read_as_utf8():
    raw = (
        HEAD
        + b"Content-Type: text/plain; charset=x-klingon\nContent-Transfer-Encoding: 8bit\n\nD\xc3\xa9j\xc3\xa0 vu\n"
    )
    assert _content(raw).text == "Déjà vu"


def test_a_legacy_charset_that_is_really_legacy_is_read_in_it():
    body = "نعم، وصلت القطع".encode("windows-1256")
    raw = HEAD + b"Content-Type: text/plain; charset=windows-1256\nContent-Transfer-Encoding: 8bit\n\n" + body
    assert _content(raw).text == "نعم، وصلت القطع"


def test_utf8_sent_under_a_legacy_charset_is_read_as_utf8():
    raw = (
        HEAD + b"Content-Type: text/plain; charset=windows-1256\nContent-Transfer-Encoding: 8bit\n\n" + "شكراً".encode()
    )
    assert _content(raw).text == "شكراً"


def test_broken_base64_and_quoted_printable_are_read_as_far_as_they_go():
    b64 = HEAD + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSGVsbG8gd29ybGQ=!!!*\n"
    qp = HEAD + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nHello =ZZ\n"
    assert _content(b64).text == "Hello world"
    assert _content(qp).text == "Hello =ZZ"


def test_control_characters_never_reach_the_text():
    raw = HEAD + b"Content-Type: text/plain\n\nA\x00B\x07C \xe2\x80\xaeevil\n"
    assert _content(raw).text == "ABC evil"


def test_a_huge_line_is_kept_whole():
    line = "word " * 200_000
    raw = (
        HEAD
        + b"Content-Type: text/plain\n\n"
        + line.encode()
        + b"\n\nOn Sun, Dec 6, 2026 at 10:02 Desk <r@d.example> wrote:\n> old\n"
    )
    assert _content(raw).text == line.strip()


def test_a_line_of_header_lookalikes_does_not_stall_the_parser():
    # 15 KB of "On " took the library 8 s on one line; long lines are hidden from its patterns.
    assert reply_text("On " * 5000 + "\n\nOn Sun, Dec 6, 2026 Desk wrote:\n> old") == ("On " * 5000).strip()


def test_parts_nested_past_any_client_are_unreadable():
    nesting = b"".join(b'--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (i, i + 1) for i in range(60))
    raw = HEAD + b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b0"\n\n' + nesting + b"--b60\n\nDeep\n"
    with pytest.raises(MailUnreadable):
        _content(raw)


def test_empty_input_is_unreadable():
    with pytest.raises(MailUnreadable):
        mail_parse(b"  \r\n")


def test_any_failure_while_reading_becomes_mail_unreadable(monkeypatch):
    def broken(html: str) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(parse, "_html_reply", broken)
    raw = HEAD + b"Content-Type: text/html\n\n<p>Hi</p>\n"
    with pytest.raises(MailUnreadable) as refused:
        _content(raw)
    assert isinstance(refused.value, ValueError)
    assert isinstance(refused.value.__cause__, RecursionError)


def test_arbitrary_bytes_do_not_crash():
    content = _content(bytes(range(256)) * 100)
    assert isinstance(content.text, str)


# --- Inline images: kept as files unless they are the quote's or a signature's logo -----------------------


def _jpeg(size: int) -> bytes:
    generator = random.Random(size)
    image = Image.new("RGB", (size, size))
    image.putdata([tuple(generator.randrange(256) for _ in range(3)) for _ in range(size * size)])  # type: ignore[misc]
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _with_images(html: str, images: dict[str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "amal@city.example"
    message["To"] = "reply+t@desk.example"
    message["Subject"] = "Re: x"
    message.set_content(html, subtype="html")
    for cid, content in images.items():
        message.add_related(content, "image", "jpeg", cid=f"<{cid}>", filename=f"{cid}.jpg")
    return message.as_bytes()


SMALL = _jpeg(16)
LARGE = _jpeg(200)


def test_image_sizes_straddle_the_logo_limit():
    assert len(SMALL) < SIGNATURE_IMAGE_MAX_BYTES < len(LARGE)


def test_an_image_in_the_new_text_is_kept_inline_whatever_its_size():
    raw = _with_images('<p>See <img src="cid:a"> and <img src="cid:b"></p>', {"a": SMALL, "b": LARGE})
    content = _content(raw)
    assert content.text == "See and"
    assert [(file.name, file.inline) for file in content.files] == [("a.jpg", True), ("b.jpg", True)]


def test_a_small_image_in_a_signature_is_a_logo_and_dropped_a_large_one_kept():
    html = (
        "<p>Done.</p><div class='gmail_signature'>Amal<img src='cid:logo'></div>"
        "<div>-- <br>Second signature <img src='cid:photo'></div>"
    )
    content = _content(_with_images(html, {"logo": SMALL, "photo": LARGE}))
    assert content.text == "Done."
    assert [file.name for file in content.files] == ["photo.jpg"]


def test_an_image_in_the_quoted_history_is_dropped_whatever_its_size():
    html = (
        "<p>Yes.</p><div class='gmail_quote'><div class='gmail_attr'>On Sun, Desk wrote:</div>"
        "<blockquote class='gmail_quote'><img src='cid:old'></blockquote></div>"
    )
    assert _content(_with_images(html, {"old": LARGE})).files == ()


def test_an_image_nothing_refers_to_is_kept():
    content = _content(_with_images("<p>Attached.</p>", {"loose": SMALL}))
    assert [file.name for file in content.files] == ["loose.jpg"]


# --- reply_text: each language's quoting headers as mail-parser-reply (with the Arabic entry) reads them ----


@pytest.mark.parametrize(
    ("body", "new"),
    [
        ("Yes.\n\nOn Sun, Dec 6, 2026 at 10:02 AM Desk <r@d.example> wrote:\n> old", "Yes."),
        ("Yes.\n\nOn Sun, Dec 6, 2026 at 10:02 AM Desk <\nr@d.example> wrote:\n> old", "Yes."),
        ("Yes.\n\n> On Dec 6, 2026, at 10:02, Desk <r@d.example> wrote:\n> \n> old", "Yes."),
        (
            "Yes.\n\nFrom: Desk <r@d.example>\nSent: Sunday, December 6, 2026 10:02 AM\nTo: Amal\nSubject: x\n\nold",
            "Yes.",
        ),
        ("Yes.\n\n-----Original Message-----\nFrom: Desk\nold", "Yes."),
        (
            "FYI.\n\nBegin forwarded message:\n\nFrom: Hydro <s@h.example>\nSubject: Quote\nDate: 4 Dec 2026\n\nold",
            "FYI.",
        ),
        ("Oui.\n\nLe dim. 6 déc. 2026 à 10:02, Desk <r@d.example> a écrit\u00a0:\n> old", "Oui."),
        ("Oui.\n\nLe 6 déc. 2026 à 10:02, Desk <\nr@d.example> a écrit :\n> old", "Oui."),
        (
            "Oui.\n\nDe\u00a0: Desk <r@d.example>\nEnvoyé\u00a0: dimanche 6 décembre 2026 10:02\n"
            "À\u00a0: Amal\nObjet\u00a0: x\n\nold",
            "Oui.",
        ),
        ("نعم.\n\nفي الأحد، 6 ديسمبر 2026 في 10:02 ص تمت كتابة ما يلي بواسطة Desk <r@d.example>:\n> old", "نعم."),
        ("نعم.\n\n\u202bفي الأحد، 6 ديسمبر 2026 في 10:02 ص، كتب Desk <r@d.example>:\u202c\n> old", "نعم."),
        ("نعم.\n\n> في 6 ديسمبر 2026، الساعة 10:02 ص، كتب \u200eDesk <r@d.example>\u200f:\n> old", "نعم."),
        ("نعم.\n\nفي ٦ ديسمبر ٢٠٢٦، كتب Desk:\n> old", "نعم."),
        ("نعم.\n\nمن: Desk <r@d.example>\nتاريخ الإرسال: الأحد، 6 ديسمبر 2026\nإلى: سامي\nالموضوع: x\n\nold", "نعم."),
        ("نعم.\n\nمن: Desk <r@d.example>\nDate: الأحد\nSubject: x\nTo: سامي\n\nold", "نعم."),
    ],
)
def test_quoting_headers_in_three_languages_are_cut(body, new):
    assert reply_text(body) == new


def test_prose_over_two_lines_is_not_taken_for_a_wrapped_attribution():
    body = "On Monday we replace the valve.\nKarim wrote:\nthe pump is fine."
    assert reply_text(body) == body


def test_an_arabic_sentence_that_reads_like_a_header_without_a_date_is_kept():
    body = "في الاجتماع كتب المدير ما يلي:\nالمضخة تعمل."
    assert reply_text(body) == body


@pytest.mark.parametrize(
    "footer",
    [
        "Sent from my iPhone",
        "Sent from my Galaxy",
        "Get Outlook for Android",
        "Get Outlook for iOS<https://aka.ms/o0ukef>",
        "Envoyé de mon iPhone",
        "Envoyé depuis mon mobile",
        "أُرسلت من الـ iPhone",
        "أرسلت من هاتفي",
    ],
)
def test_phone_footers_in_three_languages_are_dropped(footer):
    assert reply_text(f"Fine.\n\n{footer}\n") == "Fine."


def test_the_signature_after_its_delimiter_is_dropped_the_sign_off_kept():
    assert (
        reply_text("Fine.\n\nBest regards,\nAmal\n-- \nAmal Haddad\n+961 1 000 000") == "Fine.\n\nBest regards,\nAmal"
    )


def test_a_hyphen_list_is_not_a_signature():
    assert reply_text("We need:\n- two impellers\n- one valve") == "We need:\n- two impellers\n- one valve"


def test_a_reply_with_nothing_above_the_quote_is_empty():
    assert reply_text("On Sun, Dec 6, 2026 at 10:02 AM Desk <r@d.example> wrote:\n> old question") == ""


def test_rtl_marks_at_line_ends_and_blank_runs_are_tidied():
    assert reply_text("\u200fسطر أول\u200f\n\n\n\n\u200fسطر ثان\u200f  \n") == "سطر أول\n\nسطر ثان"


# --- The HTML path on its own: each client's HTML part, read without its text part, says the same -----------

ALTERNATIVES = [
    name for name in EML_NAMES if b"multipart/alternative" in (MAILS / f"{name}.eml").read_bytes().split(b"\n\n", 1)[0]
]


@pytest.mark.parametrize("name", ALTERNATIVES)
def test_the_html_part_alone_gives_the_same_text(name):
    html_part = mail_parse(eml_fixture(name)).get_body(preferencelist=("html",))
    assert html_part is not None
    html_only = EmailMessage()
    html_only.set_content(html_part.get_content(), subtype="html")

    content = reply_content(html_only)

    assert content.from_html
    assert content.text == eml_expected(name)["text"]


def test_a_message_forwarded_as_an_attachment_is_a_file():
    forwarded = EmailMessage()
    forwarded["Subject"] = "Quote"
    forwarded.set_content("Please find our quote.")
    message = EmailMessage()
    message.set_content("See the forwarded quote.")
    message.add_attachment(forwarded)

    content = _content(message.as_bytes())

    assert content.text == "See the forwarded quote."
    assert [(file.name, file.content_type, file.inline) for file in content.files] == [
        ("attachment.eml", "message/rfc822", False)
    ]
    assert b"Please find our quote." in content.files[0].content
