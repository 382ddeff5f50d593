"""A visit photo as the register keeps it: a JPEG at most 1600 px a side, upright, with
no metadata at all (no GPS, no camera, no date), so a photo never tells where a member
lives, and a small copy for lists. Pure apart from Pillow: takes the uploaded file,
returns bytes (or refuses)."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
QUALITY = 80
# What the visit list shows (96 CSS px, sharp on a 3x phone screen): a few KB instead of a
# few hundred, which matters on a village's 2G link.
THUMBNAIL_SIDE = 288
THUMBNAIL_QUALITY = 70

MSG_NOT_IMAGE = gettext_noop("Berkas “{name}” bukan foto yang bisa dibuka. Pilih foto JPEG atau PNG.")
MSG_TOO_LARGE = gettext_noop("Foto “{name}” terlalu besar (lebih dari {limit} MB).")
MSG_TOO_MANY_PIXELS = gettext_noop("Foto “{name}” terlalu besar ({pixels} megapiksel; paling banyak {limit}).")


@dataclass(frozen=True)
class Photo:
    content: bytes
    width: int
    height: int
    thumbnail: bytes = b""
    content_type: str = "image/jpeg"


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: the saved file carries no metadata.
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def thumbnail_of(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    return _jpeg(small, THUMBNAIL_QUALITY)


def _refuse(field: str, message: str, **values) -> ValidationError:
    return ValidationError({field: _(message).format(**values)})


def photo_prepare(upload, *, field: str = "photos") -> Photo:
    """The upload as a stripped, resized JPEG; ValidationError naming `field` when it is not
    a usable image (not an image, over 15 MB, over 40 megapixels)."""
    name = getattr(upload, "name", "") or "foto"
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _refuse(field, MSG_TOO_LARGE, name=name, limit=MAX_BYTES // (1024 * 1024))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(field, MSG_TOO_LARGE, name=name, limit=MAX_BYTES // (1024 * 1024))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            # The header's size, before any pixel is decoded: a decompression bomb stops here.
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise _refuse(
                    field, MSG_TOO_MANY_PIXELS, name=name, pixels=width * height // 1_000_000, limit=MAX_PIXELS // 10**6
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            if image.mode != "RGB":
                image = _flatten(image)
            return Photo(
                content=_jpeg(image, QUALITY), width=image.width, height=image.height, thumbnail=thumbnail_of(image)
            )
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _refuse(field, MSG_NOT_IMAGE, name=name) from exc


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: a transparent PNG does not turn black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
