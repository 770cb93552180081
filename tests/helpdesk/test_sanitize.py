import re
import time

import pytest
from django.utils.html import escape

from helpdesk.sanitize import (
    LINK_REL,
    clean_html,
    clean_text,
    html_to_markdown,
    html_to_text,
    markdown_html,
    render_typed,
)
from tests.helpdesk.hostile_inputs import HOSTILE, dangerous, has_bad_characters


def test_the_corpus_is_large_and_varied_enough():
    assert len(HOSTILE) >= 50
    assert any(len(item) >= 1024 * 1024 for item in HOSTILE)
    assert any("\x00" in item for item in HOSTILE)
    assert any("\u202e" in item for item in HOSTILE)
    assert any("javascript:" in item.lower() for item in HOSTILE)


@pytest.mark.parametrize("payload", HOSTILE, ids=[f"hostile-{i:02d}" for i in range(len(HOSTILE))])
def test_clean_html_leaves_nothing_executable(payload):
    cleaned = clean_html(payload)
    assert dangerous(cleaned) == []
    assert not has_bad_characters(cleaned)
    # Idempotent: cleaning what is stored changes nothing (the presenters clean again on the way out).
    assert clean_html(cleaned) == cleaned


@pytest.mark.parametrize("payload", HOSTILE, ids=[f"hostile-{i:02d}" for i in range(len(HOSTILE))])
def test_clean_text_rendered_escaped_is_inert(payload):
    cleaned = clean_text(payload)
    assert not has_bad_characters(cleaned)
    assert dangerous(str(escape(cleaned))) == []


def test_the_allow_list_keeps_prose_structure():
    text = (
        "<p>Hello <strong>bold</strong> <em>em</em></p><ul><li>one</li></ul><ol><li>two</li></ol>"
        "<blockquote>quote</blockquote><pre><code>x = 1</code></pre><br>"
    )
    assert clean_html(text) == text


def test_links_get_rel_and_lose_target_and_bad_schemes():
    cleaned = clean_html('<a href="https://example.org" target="_blank" onclick="x()">site</a>')
    assert cleaned == f'<a href="https://example.org" rel="{LINK_REL}">site</a>'
    assert "href" not in clean_html('<a href="javascript:alert(1)">x</a>')
    assert "href" not in clean_html('<a href="data:text/html,hi">x</a>')
    assert 'href="mailto:desk@example.org"' in clean_html('<a href="mailto:desk@example.org">mail</a>')


def test_disallowed_tags_are_removed_and_their_text_escaped():
    assert clean_html('<img src=x onerror="alert(1)">') == ""
    assert clean_html("<div>text</div>") == "text"
    assert clean_html("1 < 2 & 3") == "1 &lt; 2 &amp; 3"


def test_controls_and_bidi_overrides_are_stripped_but_arabic_marks_stay():
    assert clean_text("in\u202evoice\x00.pdf\u2066") == "invoice.pdf"
    assert clean_text("مرحبا\u200f world") == "مرحبا\u200f world"
    assert clean_html("<p>a\x00b</p>") == "<p>ab</p>"


def test_html_to_text_is_plain_and_unescaped():
    assert html_to_text("<p>Tom &amp; Jerry <script>x</script></p>") == "Tom & Jerry x"


def test_a_megabyte_of_text_is_cleaned_quickly():
    started = time.perf_counter()
    cleaned = clean_html("<p>" + "word " * 200_000 + "</p>")
    assert time.perf_counter() - started < 5
    assert re.fullmatch(r"<p>(word ?)+</p>", cleaned)


def test_render_html_escapes_what_is_too_big_or_too_nested_to_parse_cheaply():
    from helpdesk.sanitize import render_html

    assert render_html("<p>fine <script>x</script></p>") == "<p>fine x</p>"
    nested = "<b>" * 6000 + "<script>alert(1)</script>"
    started = time.perf_counter()
    rendered = render_html(nested)
    assert time.perf_counter() - started < 0.5
    assert rendered.startswith("&lt;b&gt;") and dangerous(rendered) == []
    huge = "<img src=x onerror=alert(1)>" + "a" * 200_000
    assert dangerous(render_html(huge)) == [] and len(render_html(huge)) < 100_100


# --- seals: what the services cleaned is shown as stored; anything else is cleaned again -----------------
def test_a_seal_matches_only_the_exact_cleaned_text_under_the_current_key(settings):
    from helpdesk.sanitize import is_sealed, seal

    text = clean_html("<p>Hello <b>there</b></p>")
    stamp = seal(text)
    assert len(stamp) == 64 and is_sealed(text, stamp)
    assert not is_sealed(text + " ", stamp)
    assert not is_sealed(text, "")
    assert seal("") == ""
    from django.utils.crypto import salted_hmac

    from helpdesk.sanitize import _SEAL_SALT

    assert stamp == salted_hmac(_SEAL_SALT, text, algorithm="sha256").hexdigest()
    settings.SECRET_KEY = "another-key-" + "y" * 50
    assert not is_sealed(text, stamp)


def test_render_html_trusts_a_matching_seal_and_cleans_a_forged_or_stale_one(monkeypatch):
    from helpdesk import sanitize

    text = clean_html("<p>Safe words</p>")
    stamp = sanitize.seal(text)
    parses = []
    real_clean = sanitize._cleaner.clean
    monkeypatch.setattr(sanitize._cleaner, "clean", lambda value: parses.append(value) or real_clean(value))
    assert sanitize.render_html(text, sealed_with=stamp) == text
    assert parses == []
    # Text changed in the database after sealing: the seal no longer matches and the text is cleaned.
    tampered = text + '<script>alert(1)</script><img src=x onerror="alert(2)">'
    assert dangerous(sanitize.render_html(tampered, sealed_with=stamp)) == []
    # A seal made for other text, or an invented one, does not vouch for anything either.
    assert dangerous(sanitize.render_html(tampered, sealed_with=sanitize.seal("<p>other</p>"))) == []
    assert dangerous(sanitize.render_html(tampered, sealed_with="0" * 64)) == []
    assert len(parses) == 3


def test_a_policy_change_invalidates_every_seal(monkeypatch):
    from helpdesk import sanitize

    text = clean_html("<p>Words</p>")
    stamp = sanitize.seal(text)
    monkeypatch.setattr(sanitize, "_SEAL_SALT", "helpdesk.sanitize.seal.v2")
    assert not sanitize.is_sealed(text, stamp)


def test_the_scale_seeders_text_is_what_clean_html_returns(monkeypatch):
    """The bulk seeder seals its generated paragraphs without parsing them: they must already be clean."""
    import random

    from devtools.demo import scale
    from helpdesk.sanitize import is_sealed

    rng = random.Random(7)
    for words in (1, 10, 60, 90):
        text, stamp = scale._rich(rng, words)
        assert clean_html(text) == text and is_sealed(text, stamp)


# --- Markdown: what people type in a text box --------------------------------------------------------


@pytest.mark.parametrize("payload", HOSTILE, ids=[f"hostile-{i:02d}" for i in range(len(HOSTILE))])
def test_markdown_leaves_nothing_executable_and_is_what_clean_html_keeps(payload):
    payload = payload[:40_000]  # the forms take 20,000 characters
    rendered = markdown_html(payload)
    assert dangerous(rendered) == []
    assert not has_bad_characters(rendered)
    # The services clean what they store: the Markdown's HTML comes through unchanged, so seals hold.
    assert clean_html(rendered) == rendered


def test_markdown_keeps_paragraphs_line_breaks_lists_and_emphasis():
    text = "Dear hub,\nthank you.\n\n**Important**: *two* points\n\n- first\n- second\n\n1. one\n2. two\n\n> quoted"
    assert markdown_html(text) == (
        "<p>Dear hub,<br>\nthank you.</p>\n<p><strong>Important</strong>: <em>two</em> points</p>\n"
        "<ul>\n<li>first</li>\n<li>second</li>\n</ul>\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"
        "<blockquote>\n<p>quoted</p>\n</blockquote>"
    )


def test_markdown_links_bare_addresses_and_keeps_only_web_and_mail_links():
    rendered = markdown_html(
        "See https://example.org/a?x=1&y=2 and www.example.net.\n\n"
        "[site](https://cities.example) [mail](mailto:hub@example.org) [js](javascript:alert(1)) [path](/admin/)"
    )
    links = re.findall(r"<a [^>]*>", rendered)
    assert links == [
        f'<a href="https://example.org/a?x=1&amp;y=2" rel="{LINK_REL}">',
        f'<a href="http://www.example.net" rel="{LINK_REL}">',
        f'<a href="https://cities.example" rel="{LINK_REL}">',
        f'<a href="mailto:hub@example.org" rel="{LINK_REL}">',
    ]
    assert "[js](javascript:alert(1))" in rendered and "[path](/admin/)" in rendered


def test_markdown_shows_raw_html_and_images_as_the_text_typed():
    rendered = markdown_html("<b>x</b> if a<b and c>d <img src=x onerror=alert(1)> ![logo](https://x.org/a.png)\n# 1")
    assert "<b>" not in rendered and "<img" not in rendered
    assert "&lt;b&gt;x&lt;/b&gt; if a&lt;b and c&gt;d &lt;img src=x onerror=alert(1)&gt;" in rendered
    assert f'!<a href="https://x.org/a.png" rel="{LINK_REL}">logo</a>' in rendered
    assert "# 1" in rendered  # a line starting with "#" is a sentence, not a heading


def test_markdown_does_not_link_inside_code_and_keeps_arabic_marks():
    assert markdown_html("`https://x.org`") == "<p><code>https://x.org</code></p>"
    assert markdown_html("مرحبا\u200f **نعم**\u202e") == "<p>مرحبا\u200f <strong>نعم</strong></p>"


def test_markdown_of_nothing_is_nothing():
    assert markdown_html("") == markdown_html(None) == ""


def test_a_typed_description_is_read_as_markdown_and_shaped_html_is_kept():
    typed = clean_html("Line one\nline two & <b>more</b>\n\n- a\n- b")
    assert render_typed(typed) == (
        "<p>Line one<br>\nline two &amp; &lt;b&gt;more&lt;/b&gt;</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    )
    shaped = clean_html("<p>Written as <strong>HTML</strong></p>\n<p>by an import</p>")
    assert render_typed(shaped) == shaped
    assert render_typed("<p>forged <script>x</script></p>") == "<p>forged x</p>"  # cleaned, as render_html does
    assert dangerous(render_typed("[x](javascript:alert(1)) <img src=x onerror=alert(1)>")) == []


@pytest.mark.parametrize(
    "typed",
    [
        "Plain words.",
        "A **bold** word, an *emphasis* and a [link](https://example.org/guide).",
        "- one\n- two\n\n1. first\n2. second",
        "> A quote from the council.\n\nAfter it.",
        "Two lines\nin one paragraph.",
        "Arabic: **خطة** الوقاية البلدية",
    ],
)
def test_stored_rich_text_comes_back_as_markdown_that_makes_the_same_text(typed):
    stored = markdown_html(typed)
    assert markdown_html(html_to_markdown(stored)) == stored
