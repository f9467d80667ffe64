"""Real files made by the tests: photos with GPS in their EXIF, recordings with tags, PDFs."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from PIL import Image

GPS_LATITUDE = (51.0, 31.0, 22.0)  # Bow, roughly: what a phone writes into a photo taken at home
MARK = "Jane Resident 07700900123"


def photo_with_gps(size=(400, 300), orientation: int = 6, colour=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, colour)
    image.paste((20, 20, 200), (0, 0, size[0] // 2, size[1] // 4))  # so rotation shows
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x013B] = MARK  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", GPS_LATITUDE, "W", (0.0, 1.0, 30.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=MARK.encode())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", MARK)
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 128, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def ffmpeg_made(tmp_path: Path, name: str, *arguments: str) -> bytes:
    target = tmp_path / name
    subprocess.run(
        [shutil.which("ffmpeg") or "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *arguments, str(target)],
        check=True,
        timeout=60,
    )
    return target.read_bytes()


def video_with_location(tmp_path: Path) -> bytes:
    return ffmpeg_made(
        tmp_path, "stairwell.mp4",
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", "1", "-c:v", "mpeg4", "-c:a", "aac",
        "-metadata", "location=+51.5228-000.0210/", "-metadata", f"artist={MARK}", "-metadata", "title=Flat 4",
    )  # fmt: skip


def voice_note(tmp_path: Path) -> bytes:
    return ffmpeg_made(
        tmp_path, "voice.ogg", "-f", "lavfi", "-i", "sine", "-t", "1", "-c:a", "libopus", "-metadata", f"artist={MARK}"
    )


def pdf_with_author(extra: bytes = b"") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": MARK, "/Title": "Letter from the landlord"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue() + extra
