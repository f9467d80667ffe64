"""Evidence residents send with a report: photos, videos, voice notes, recordings and documents.

- ``kinds``: what a file is, decided from its bytes (never its name), and whether it is a kind we take;
- ``cleaning``: a new copy with nothing in it but the picture or the sound: images re-encoded
  (orientation applied, EXIF and GPS gone), audio and video remuxed by ffmpeg without metadata,
  PDFs rewritten without their document information; the original is never kept;
- ``storage``: where the cleaned files live: files under ``DATA_DIR`` or S3-compatible object storage;
- ``intake``: receiving one file for a conversation or a report: checked, cleaned, limits, stored
  before the resident is told, recorded with its SHA-256 and size.
"""
