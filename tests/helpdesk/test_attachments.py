import contextlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk import services
from helpdesk.attachments import TEXT_CHUNK_BYTES, AttachmentRefused, inspect_upload, safe_name
from helpdesk.models import AccessLog, Attachment, Sensitivity, Visibility
from tests.access_world import PDF_BYTES, ROLES, build_world
from tests.factories import PASSWORD
from tests.helpdesk import upload_corpus

pytestmark = pytest.mark.django_db

PNG = upload_corpus.png()
JPEG = upload_corpus.jpeg()
HTML = b"<!DOCTYPE html><html><body><script>fetch('/steal?c='+document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.domain)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<r/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
DOCM = _zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<w/>", "word/vbaProject.bin": b"\x00" * 8})
ZIP = _zip({"notes.txt": b"hello"})


def _inspect(content: bytes, name: str):
    return inspect_upload(io.BytesIO(content), name=name, size=len(content))


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF_BYTES, "report.pdf", "application/pdf"),
        (PNG, "photo.png", "image/png"),
        (JPEG, "photo.JPG", "image/jpeg"),
        (JPEG, "photo.jpeg", "image/jpeg"),
        (DOCX, "plan.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (XLSX, "budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (PPTX, "slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (OLE + "WordDocument".encode("utf-16-le"), "old.doc", "application/msword"),
        (OLE + "Workbook".encode("utf-16-le"), "old.xls", "application/vnd.ms-excel"),
        ("Plain notes, café, مرحبا\n".encode(), "notes.txt", "text/plain; charset=utf-8"),
        (b"city,amount\nSaida,1200\n", "budget.csv", "text/csv; charset=utf-8"),
        ("Notes".encode("utf-16"), "notes.txt", "text/plain; charset=utf-16"),
        ("Résumé".encode("cp1252"), "cv.txt", "text/plain; charset=windows-1252"),
    ],
)
def test_accepted_types_are_recognised_by_content(content, name, content_type):
    inspected = _inspect(content, name)
    assert inspected.content_type == content_type
    assert inspected.size == len(content)


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (HTML, "report.pdf", "markup"),  # HTML renamed to .pdf
        (HTML, "page.html", "type_not_allowed"),
        (SVG, "logo.svg", "type_not_allowed"),
        (SVG, "logo.png", "markup"),
        (SVG, "logo.txt", "markup"),
        (EXE, "setup.exe", "type_not_allowed"),
        (EXE, "report.pdf", "type_not_allowed"),
        (ELF, "notes.txt", "type_not_allowed"),
        (ZIP, "docs.zip", "type_not_allowed"),
        (ZIP, "plan.docx", "archive"),
        (DOCM, "plan.docx", "macros"),
        (OLE + "_VBA_PROJECT".encode("utf-16-le") + "WordDocument".encode("utf-16-le"), "m.doc", "macros"),
        (OLE + b"installer", "setup.doc", "unknown_content"),
        (PDF_BYTES, "report.docx", "mismatch"),
        (PNG, "photo.jpg", "mismatch"),
        (b"just text", "report.pdf", "mismatch"),
        (
            PDF_BYTES.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            "a.pdf",
            "pdf_active",
        ),
        (b"", "empty.pdf", "empty"),
        (b"\x00\x01\x02binary\x00", "data.txt", "unknown_content"),
    ],
)
def test_refused_types_have_a_clear_reason(content, name, code):
    with pytest.raises(AttachmentRefused) as refused:
        _inspect(content, name)
    assert refused.value.code == code
    assert str(refused.value.messages[0])


def test_size_limit_is_configurable(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(AttachmentRefused) as refused:
        _inspect(PDF_BYTES + b"%" * 1000, "big.pdf")
    assert refused.value.code == "too_large"
    assert "1000" in str(refused.value.messages[0]) or "KB" in str(refused.value.messages[0])
    # Also when the declared size lies: the content read is capped at the limit plus one byte.
    with pytest.raises(AttachmentRefused):
        inspect_upload(io.BytesIO(PDF_BYTES + b"%" * 1000), name="big.pdf", size=10)


def test_names_lose_folders_controls_and_bidi_tricks():
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("C:\\Users\\me\\plan.pdf") == "plan.pdf"
    assert safe_name("invoice\u202egpj.exe") == "invoicegpj.exe"
    assert safe_name('a"b<c>.pdf') == "a_b_c_.pdf"
    assert safe_name("x" * 300 + ".pdf").endswith(".pdf") and len(safe_name("x" * 300 + ".pdf")) == 255
    assert safe_name(".hidden") == "hidden"


# --- the service and the done-when scenario --------------------------------------------------------------
@pytest.fixture
def world():
    return build_world()


def test_only_the_valid_pdf_of_four_uploads_is_accepted(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 50_000
    own = world.user("own_city")
    uploads = [
        SimpleUploadedFile("renamed.pdf", HTML, content_type="application/pdf"),
        SimpleUploadedFile("drawing.svg", SVG, content_type="image/svg+xml"),
        SimpleUploadedFile("huge.pdf", PDF_BYTES + b"%" * 60_000, content_type="application/pdf"),
        SimpleUploadedFile("valid.pdf", PDF_BYTES, content_type="application/pdf"),
    ]
    before = Attachment.objects.count()
    accepted = []
    for upload in uploads:
        with contextlib.suppress(AttachmentRefused):
            accepted.append(services.attachment_add(request=world.req, uploaded_by=own, upload=upload))
    assert [a.original_name for a in accepted] == ["valid.pdf"]
    assert Attachment.objects.count() == before + 1
    stored = accepted[0]
    assert stored.file.name.startswith(f"attachments/{world.req.pk}/") and "valid" not in stored.file.name
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES


def test_attachment_add_checks_the_channel_and_the_message(world):
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            request=world.req, uploaded_by=world.user("own_city"), upload=upload, visibility=Visibility.INTERNAL
        )
    with pytest.raises(PermissionDenied):
        services.attachment_add(request=world.req, uploaded_by=world.user("same_region_city"), upload=upload)
    foreign = world.req_other_region.messages.create(body="elsewhere")
    with pytest.raises(PermissionDenied):
        services.attachment_add(request=world.req, uploaded_by=world.user("hub_region"), upload=upload, message=foreign)


# --- the download view --------------------------------------------------------------------------------
def _client_for(client, world, role):
    person = world.user(role)
    if person is not None:
        client.force_login(person)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_download_statuses_by_role(client, world, role):
    expected = {
        "city": {"own_city", "hub_region", "management"},
        "restricted": {"own_city", "hub_region", "management"},
        "internal": {"hub_region", "management"},
        "expert": {"assigned_expert", "hub_region", "management"},
        "other_region": {"other_region_city", "hub_other_region", "management"},
        # A city file the hub shared with the assigned expert.
        "shared": {"own_city", "assigned_expert", "hub_region", "management"},
    }
    client = _client_for(client, world, role)
    for key, attachment in world.attachments.items():
        response = client.get(f"/attachments/{attachment.pk}/")
        if role == "anonymous":
            assert response.status_code == 302, key
        elif role in expected[key]:
            assert response.status_code == 200, (role, key)
        else:
            assert response.status_code == 404, (role, key)


def test_download_headers_content_and_access_log(client, world):
    attachment = world.attachments["city"]
    client.force_login(world.user("own_city"))
    response = client.get(f"/attachments/{attachment.pk}/", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="city.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert (log.user, log.attachment, log.request, log.ip_address) == (
        world.user("own_city"),
        attachment,
        world.req,
        "192.0.2.7",
    )


def test_another_citys_attachment_and_unknown_ids_answer_404(client, world):
    client.force_login(world.user("own_city"))
    assert client.get(f"/attachments/{world.attachments['other_region'].pk}/").status_code == 404
    assert client.get("/attachments/999999/").status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_a_missing_file_answers_404(client, world):
    attachment = world.attachments["city"]
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(world.user("hub_region"))
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_released_attachment_becomes_downloadable_for_colleagues(client, world):
    from tests.factories import focal_point

    colleague = focal_point(world.req.city)
    restricted = world.attachments["restricted"]
    client.force_login(colleague)
    assert client.get(f"/attachments/{restricted.pk}/").status_code == 404
    services.restricted_release(obj=restricted, actor=world.user("hub_region"))
    assert Attachment.objects.get(pk=restricted.pk).sensitivity == Sensitivity.SHAREABLE
    assert client.get(f"/attachments/{restricted.pk}/").status_code == 200


def test_login_is_required_and_post_is_refused(client, world):
    attachment = world.attachments["city"]
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 302
    assert client.login(username=world.user("own_city").username, password=PASSWORD)
    assert client.post(f"/attachments/{attachment.pk}/").status_code == 405


# --- the upload corpus: hostile files refused, clean ones accepted -----------------------------------------
# Why each hostile file is refused: the right check caught it, not an accident of another.
REASONS = {
    "csv_late_markup": "markup",
    "docm_vba_project": "macros",
    "docx_activex": "embedded_objects",
    "docx_macro_content_type": "macros",
    "html_then_pdf": "polyglot",
    "jpeg_then_html": "polyglot",
    "jpeg_thumbnail_then_html": "polyglot",
    "md_late_markup": "markup",
    "pdf_annotation_launch": "pdf_active",
    "pdf_broken": "pdf_unreadable",
    "pdf_embedded_file": "pdf_active",
    "pdf_html_before_last_eof": "polyglot",
    "pdf_js_in_names_tree_object_stream": "pdf_active",
    "pdf_js_in_object_stream": "pdf_active",
    "pdf_name_escape_launch": "pdf_active",
    "pdf_name_escape_openaction": "pdf_active",
    "pdf_page_additional_action": "pdf_active",
    "pdf_rich_media": "pdf_active",
    "pdf_then_html": "polyglot",
    "pdf_with_password": "pdf_unreadable",
    "pdf_xfa": "pdf_active",
    "png_then_html": "polyglot",
    "ratio_bomb_docx": "zip_bomb",
    "txt_late_markup": "markup",
    "utf16_late_markup": "markup",
    "xlsm_renamed_xlsx": "macros",
    "zip_bomb_docx": "zip_bomb",
}


def test_every_hostile_file_has_its_reason():
    assert set(REASONS) == set(upload_corpus.hostile())


@pytest.mark.parametrize("case", sorted(upload_corpus.hostile()))
def test_no_hostile_file_of_the_corpus_is_accepted(case):
    name, content = upload_corpus.hostile()[case]
    with pytest.raises(AttachmentRefused) as refused:
        _inspect(content, name)
    assert refused.value.code == REASONS[case]
    assert str(refused.value.messages[0])


@pytest.mark.parametrize("case", sorted(upload_corpus.clean()))
def test_every_clean_file_of_the_corpus_is_accepted(case):
    name, content = upload_corpus.clean()[case]
    inspected = _inspect(content, name)
    assert inspected.size == len(content) and inspected.extension in name


# --- text read whole, a chunk at a time --------------------------------------------------------------------
@pytest.mark.parametrize("cut", [1, 4, 7, 40])
def test_markup_split_across_two_chunks_is_found(cut):
    tag = b"<  script>alert(1)</script>"
    content = b"a" * (TEXT_CHUNK_BYTES - cut) + tag
    assert content[TEXT_CHUNK_BYTES - 1 : TEXT_CHUNK_BYTES + 1] != b"<s"  # The tag straddles the boundary.
    with pytest.raises(AttachmentRefused) as refused:
        _inspect(content, "notes.txt")
    assert refused.value.code == "markup"


def test_a_character_split_across_two_chunks_still_decodes():
    content = b"a" + "é".encode() * TEXT_CHUNK_BYTES
    assert _inspect(content, "notes.txt").content_type == "text/plain; charset=utf-8"
    # A control character in the last chunk only is found too.
    with pytest.raises(AttachmentRefused) as refused:
        _inspect(content + b"\x01", "notes.txt")
    assert refused.value.code == "unknown_content"


def test_a_whole_size_limit_of_text_is_read_to_its_end(settings):
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    line = "Compte rendu, مرحبا, 3 < 5\n".encode()
    content = line * (settings.ATTACHMENT_MAX_BYTES // len(line) - 1)
    assert _inspect(content, "minutes.txt").size == len(content)
    with pytest.raises(AttachmentRefused):
        _inspect(content + b"<svg/onload=alert(1)>", "minutes.txt")
