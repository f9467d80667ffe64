"""A clean copy of a file: only the picture, the sound or the pages, nothing that says where or who.

- **Images** are decoded and encoded again (Pillow; HEIC through pillow-heif): the phone's
  orientation applied to the pixels, then EXIF (GPS, camera, time), XMP, ICC and comments all gone.
  Anything after the picture in the file (a polyglot's second half) is not carried over. Photos are
  kept as JPEG, images with transparency as PNG; a small JPEG thumbnail is made for the staff page.
- **Audio and video** are remuxed by ffmpeg (Debian's package) with ``-map_metadata -1``: the
  streams copied as they are (no quality lost, quick), every tag, chapter and location atom
  dropped, and ffmpeg must find a sound or picture stream in them or the file is refused.
- **PDFs** are rewritten page by page (pypdf) without the document information or XMP metadata
  (author, software, dates); one with scripts, launch actions or embedded files is refused.

What can't be removed: faces, voices, what a photo shows or a recording says, text in a document.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from community_safety.evidence.kinds import DAMAGED, NOT_TAKEN, EvidenceRefused, Identified

# A photo from any phone fits; a "decompression bomb" (a small file that decodes to gigapixels) does not.
MAX_PIXELS = 60_000_000
THUMBNAIL_SIZE = (320, 320)
FFMPEG_SECONDS = 120
# Where ffmpeg writes each kind: (format, extension, content type of the stored copy).
REMUXED = {
    "video/mp4": ("mp4", "mp4", "video/mp4"),
    "video/quicktime": ("mov", "mov", "video/quicktime"),
    "video/webm": ("webm", "webm", "video/webm"),
    "audio/ogg": ("ogg", "ogg", "audio/ogg"),
    "audio/mpeg": ("mp3", "mp3", "audio/mpeg"),
    "audio/mp4": ("ipod", "m4a", "audio/mp4"),
    "audio/x-m4a": ("ipod", "m4a", "audio/mp4"),
    "audio/x-wav": ("wav", "wav", "audio/wav"),
    "audio/wav": ("wav", "wav", "audio/wav"),
}
# What a PDF may not carry: it would run or open something when a caseworker opens it.
ACTIVE_PDF = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA", b"/SubmitForm")


@dataclass(frozen=True)
class Cleaned:
    data: bytes
    content_type: str
    extension: str
    thumbnail: bytes | None = None  # JPEG, images only


def clean(data: bytes, identified: Identified) -> Cleaned:
    if identified.kind == "image":
        return clean_image(data)
    if identified.kind in ("audio", "video"):
        return clean_media(data, identified)
    if identified.kind == "document":
        return clean_pdf(data)
    raise EvidenceRefused(NOT_TAKEN, identified.mime)


def _open_image(data: bytes):
    from PIL import Image, ImageOps
    from pillow_heif import register_heif_opener

    register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
            return ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise EvidenceRefused(DAMAGED, type(error).__name__) from None


def clean_image(data: bytes) -> Cleaned:
    from PIL import Image

    image = _open_image(data)
    # A new image from the pixels alone: nothing of the original's info (EXIF, XMP, ICC, comments) comes along.
    transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    pixels = image.convert("RGBA" if transparent else "RGB")
    fresh = Image.new(pixels.mode, pixels.size)
    fresh.paste(pixels)
    out = io.BytesIO()
    if transparent:
        fresh.save(out, "PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        fresh.save(out, "JPEG", quality=90)
        content_type, extension = "image/jpeg", "jpg"
    return Cleaned(out.getvalue(), content_type, extension, thumbnail_of(fresh))


def thumbnail_of(image) -> bytes:
    small = image.convert("RGB")
    small.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if not found:
        raise RuntimeError("ffmpeg is needed to take the metadata out of audio and video: apt-get install ffmpeg")
    return found


def clean_media(data: bytes, identified: Identified) -> Cleaned:
    muxer, extension, content_type = REMUXED[identified.mime]
    wanted = "v" if identified.kind == "video" else "a"
    with tempfile.TemporaryDirectory(prefix="evidence-") as folder:
        source, target = Path(folder) / "received", Path(folder) / f"clean.{extension}"
        source.write_bytes(data)
        command = [
            ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(source),
            # The picture and sound streams only (no data, subtitle or attachment streams), every
            # tag and chapter dropped, and no encoder tag of ffmpeg's own added.
            "-map", "0:v?", "-map", "0:a?", "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy",
            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            "-f", muxer, str(target),
        ]  # fmt: skip
        try:
            result = subprocess.run(command, capture_output=True, timeout=FFMPEG_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise EvidenceRefused(DAMAGED, "took too long to read") from None
        if result.returncode != 0 or not target.is_file() or not target.stat().st_size:
            raise EvidenceRefused(DAMAGED, "ffmpeg could not read it")
        if not _has_stream(target, wanted):
            raise EvidenceRefused(DAMAGED, f"no {'video' if wanted == 'v' else 'audio'} stream")
        return Cleaned(target.read_bytes(), content_type, extension)


def _has_stream(path: Path, selector: str) -> bool:
    probe = shutil.which("ffprobe") or "ffprobe"
    result = subprocess.run(
        [probe, "-v", "error", "-select_streams", selector, "-show_entries", "stream=index", "-of", "csv=p=0"]
        + [str(path)],
        capture_output=True,
        text=True,
        timeout=FFMPEG_SECONDS,
        check=False,
    )
    return result.returncode == 0 and bool(result.stdout.strip())


def clean_pdf(data: bytes) -> Cleaned:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    if any(marker in data for marker in ACTIVE_PDF):
        raise EvidenceRefused(NOT_TAKEN, "a PDF with scripts, actions or files inside")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.metadata = None  # no document information (author, creator, dates)
        if "/Metadata" in writer._root_object:  # no XMP either
            del writer._root_object["/Metadata"]
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise EvidenceRefused(DAMAGED, type(error).__name__) from None
    if not reader.pages:
        raise EvidenceRefused(DAMAGED, "no pages")
    return Cleaned(out.getvalue(), "application/pdf", "pdf")
