import time

import pytest
from PIL import Image

from helpdesk.attachment_common import AttachmentRefused
from helpdesk.attachment_containers import JPEG, PNG, _jpeg_end, check_image, ooxml_type
from tests.helpdesk import upload_corpus


def _code(call, *args, **kwargs) -> str:
    with pytest.raises(AttachmentRefused) as refused:
        call(*args, **kwargs)
    return refused.value.code


def test_a_jpeg_ends_at_its_own_eoi_not_its_thumbnails():
    photo = upload_corpus.jpeg_with_thumbnail()
    thumbnail = upload_corpus.jpeg((8, 8))
    assert photo.find(b"\xff\xd9") < photo.index(thumbnail) + len(thumbnail) < len(photo)
    assert _jpeg_end(photo, 0) == len(photo)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(upload_corpus.png(), PNG), (upload_corpus.jpeg(), JPEG), (upload_corpus.jpeg(progressive=True), JPEG)],
)
def test_a_cut_image_is_unreadable(content, content_type):
    assert _code(check_image, content[: len(content) - 20], content_type=content_type) == "image_unreadable"


def test_an_image_of_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    assert _code(check_image, upload_corpus.png((12, 12)), content_type=PNG) == "image_too_large"


def test_a_png_claimed_as_jpeg_is_unreadable():
    assert _code(check_image, upload_corpus.png(), content_type=JPEG) == "image_unreadable"


def test_the_unpacked_size_limit_comes_from_the_settings(settings):
    docx = upload_corpus.office({"word/media/image1.png": upload_corpus.png((64, 64))})
    assert ooxml_type(docx) is not None
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 200
    assert _code(ooxml_type, docx) == "zip_bomb"


def test_too_many_parts_are_refused(monkeypatch):
    monkeypatch.setattr("helpdesk.attachment_containers.MAX_ZIP_ENTRIES", 3)
    assert _code(ooxml_type, upload_corpus.office({"word/styles.xml": b"<s/>"})) == "too_complex"


def test_a_small_part_may_compress_very_well():
    # The ratio is judged on parts over a megabyte: a page of repeated styles is not a bomb.
    assert ooxml_type(upload_corpus.office({"word/styles.xml": b"<w:style/>" * 50_000})) is not None


def test_stuffed_bytes_are_skipped_without_a_python_loop():
    photo = upload_corpus.jpeg((8, 8))
    scan = photo.index(b"\xff\xda")
    length = int.from_bytes(photo[scan + 2 : scan + 4], "big")
    padded = photo[: scan + 2 + length] + b"\xff\x00" * 2_000_000 + b"\xff\xd0\xff\xff\xd9"
    started = time.perf_counter()
    assert _jpeg_end(padded, 0) == len(padded)
    assert time.perf_counter() - started < 1
