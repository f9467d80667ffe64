"""What a resident sends comes out with only the picture, the sound or the pages: no GPS, no tags,
no second file hidden behind the first; anything not on the list is refused whatever its name."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from community_safety.evidence.cleaning import clean
from community_safety.evidence.kinds import DAMAGED, EMPTY, NOT_TAKEN, EvidenceRefused, identify
from tests.community_safety.evidence import files


def cleaned(data: bytes):
    return clean(data, identify(data))


def test_a_photo_loses_its_gps_and_everything_else_and_is_turned_the_right_way():
    sent = files.photo_with_gps(size=(400, 300), orientation=6)
    assert b"PhoneMaker" in sent and files.MARK.encode() in sent
    kept = cleaned(sent)
    assert kept.content_type == "image/jpeg" and kept.extension == "jpg"
    image = Image.open(io.BytesIO(kept.data))
    assert image.size == (300, 400)  # orientation 6: the pixels turned, the tag gone
    assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    assert b"PhoneMaker" not in kept.data and files.MARK.encode() not in kept.data and b"GPS" not in kept.data
    thumbnail = Image.open(io.BytesIO(kept.thumbnail))
    assert thumbnail.format == "JPEG" and max(thumbnail.size) <= 320


def test_a_transparent_image_stays_png_without_its_text():
    kept = cleaned(files.png_with_text())
    assert kept.content_type == "image/png" and files.MARK.encode() not in kept.data
    assert Image.open(io.BytesIO(kept.data)).mode == "RGBA"


def test_a_heic_photo_from_a_phone_is_taken_and_kept_as_jpeg():
    from pillow_heif import from_pillow

    out = io.BytesIO()
    from_pillow(Image.new("RGB", (64, 48), (10, 120, 200))).save(out, quality=80)
    sent = out.getvalue()
    assert identify(sent).mime in ("image/heic", "image/heif")
    kept = cleaned(sent)
    assert kept.content_type == "image/jpeg" and Image.open(io.BytesIO(kept.data)).size == (64, 48)


def test_a_video_loses_its_location_and_tags(tmp_path):
    sent = files.video_with_location(tmp_path)
    # The place is in a "loci" (location) box, the name in the tags.
    assert b"loci" in sent and files.MARK.encode() in sent
    kept = cleaned(sent)
    assert kept.content_type == "video/mp4"
    assert b"loci" not in kept.data and files.MARK.encode() not in kept.data and b"Flat 4" not in kept.data
    assert identify(kept.data).mime == "video/mp4"


def test_a_voice_note_loses_its_tags(tmp_path):
    sent = files.voice_note(tmp_path)
    assert files.MARK.encode() in sent
    kept = cleaned(sent)
    assert kept.content_type == "audio/ogg" and files.MARK.encode() not in kept.data


def test_a_pdf_loses_its_author():
    sent = files.pdf_with_author()
    kept = cleaned(sent)
    assert kept.content_type == "application/pdf" and files.MARK.encode() not in kept.data
    assert b"Letter from the landlord" not in kept.data


def test_a_pdf_with_a_script_is_refused():
    sent = files.pdf_with_author().replace(b"/Title", b"/JavaScript (app.alert\\(1\\)) /Title", 1)
    with pytest.raises(EvidenceRefused) as refused:
        cleaned(sent)
    assert refused.value.reason == NOT_TAKEN


def test_a_renamed_program_and_a_web_page_are_refused_by_their_bytes():
    program = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
    windows = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
    page = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for sent in (program, windows, page, svg):
        with pytest.raises(EvidenceRefused) as refused:
            identify(sent)
        assert refused.value.reason == NOT_TAKEN


def test_a_polyglot_keeps_only_its_picture():
    # A real JPEG with a zip and a web page after it: the re-encoded copy holds the picture alone.
    sent = files.photo_with_gps() + b"PK\x03\x04" + b"<html><script>alert(1)</script></html>"
    kept = cleaned(sent)
    assert b"PK\x03\x04" not in kept.data and b"<script>" not in kept.data


def test_a_file_that_only_starts_like_a_photo_is_refused():
    with pytest.raises(EvidenceRefused) as refused:
        cleaned(b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"not really a photo" * 10)
    assert refused.value.reason == DAMAGED


def test_an_empty_file_is_refused():
    with pytest.raises(EvidenceRefused) as refused:
        identify(b"")
    assert refused.value.reason == EMPTY


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=4096))
def test_any_bytes_are_kept_cleaned_or_refused_with_a_reason(data):
    try:
        kept = cleaned(data)
    except EvidenceRefused as refused:
        assert refused.reason in (EMPTY, NOT_TAKEN, DAMAGED)
    else:
        assert kept.data and kept.content_type
