"""Visit photos: resized on the server, every metadata (GPS above all) stripped, a file
that is not an image refused with a message naming the field, nothing saved."""

import datetime as dt
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from monitoring import photos
from monitoring.models import Visit, VisitPhoto

GPS_TAG = 34853


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def image_bytes(size, fmt="JPEG", exif=None) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (30, 140, 90)).save(out, format=fmt, **kwargs)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    exif[GPS_TAG] = {1: "S", 2: (0.0, 7.0, 30.0), 3: "E", 4: (117.0, 30.0, 0.0)}
    return exif


def test_a_huge_photo_comes_out_at_most_1600_pixels():
    photo = photos.photo_prepare(upload(image_bytes((6000, 4000))))
    with Image.open(io.BytesIO(photo.content)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 1600
        assert image.size == (1600, 1067) == (photo.width, photo.height)


def test_a_photo_with_gps_comes_out_without_any_exif():
    source = image_bytes((800, 600), exif=gps_exif())
    with Image.open(io.BytesIO(source)) as original:
        assert GPS_TAG in original.getexif()  # the test's photo really carries a location
    photo = photos.photo_prepare(upload(source))
    with Image.open(io.BytesIO(photo.content)) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert b"Exif" not in photo.content[:200] and b"KameraUji" not in photo.content


def test_the_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: a portrait photo stored landscape
    photo = photos.photo_prepare(upload(image_bytes((400, 200), exif=exif)))
    assert (photo.width, photo.height) == (200, 400)


def test_a_transparent_png_becomes_a_jpeg():
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, format="PNG")
    photo = photos.photo_prepare(upload(out.getvalue(), name="a.png", content_type="image/png"))
    with Image.open(io.BytesIO(photo.content)) as image:
        assert image.mode == "RGB" and image.getpixel((10, 10)) > (240, 240, 240)


def test_a_text_file_named_jpg_is_refused_with_the_field_named():
    with pytest.raises(ValidationError) as refused:
        photos.photo_prepare(upload(b"bukan foto, hanya teks\n" * 20, name="catatan.jpg"))
    assert refused.value.message_dict == {"photos": [photos.MSG_NOT_IMAGE.format(name="catatan.jpg")]}


def test_a_decompression_bomb_is_refused_before_decoding():
    # A PNG whose header claims 8000 x 6000 pixels (48 MP): refused from the header, never decoded.
    data = png_header_only(8000, 6000)
    with pytest.raises(ValidationError) as refused:
        photos.photo_prepare(upload(data, name="besar.png"))
    assert "megapiksel" in refused.value.message_dict["photos"][0]


def test_a_file_over_15_mb_is_refused():
    big = upload(b"\xff\xd8" + b"0" * (photos.MAX_BYTES + 10), name="besar.jpg")
    with pytest.raises(ValidationError) as refused:
        photos.photo_prepare(big)
    assert refused.value.message_dict == {"photos": [photos.MSG_TOO_LARGE.format(name="besar.jpg", limit=15)]}


@pytest.mark.django_db
def test_the_form_refuses_a_text_file_and_saves_nothing(client_for, facilitator, kube):
    today = timezone.localdate()
    response = client_for(facilitator).post(
        reverse("monitoring:visit_create", kwargs={"pk": kube.pk}),
        {
            "visited_on": today.isoformat(),
            "kind": "pendampingan",
            "photos": [upload(image_bytes((100, 100)), name="baik.jpg"), upload(b"teks", name="palsu.jpg")],
        },
    )
    assert response.status_code == 200
    assert photos.MSG_NOT_IMAGE.format(name="palsu.jpg") in response.context["form"].errors["photos"]
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


@pytest.mark.django_db
def test_the_form_keeps_a_stripped_photo_served_privately(client_for, facilitator, kube):
    client = client_for(facilitator)
    response = client.post(
        reverse("monitoring:visit_create", kwargs={"pk": kube.pk}),
        {
            "visited_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "kind": "pendampingan",
            "photos": [upload(image_bytes((3000, 2000), exif=gps_exif()))],
        },
    )
    assert response.status_code == 302
    photo = VisitPhoto.objects.get()
    served = client.get(reverse("monitoring:visit_photo", kwargs={"pk": kube.pk, "photo_pk": photo.pk}))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"].startswith("private")
    with Image.open(io.BytesIO(served.content)) as image:
        assert max(image.size) == 1600 and GPS_TAG not in image.getexif() and dict(image.getexif()) == {}
    # The list shows the small copy, itself without metadata, a small fraction of the photo's weight.
    small_url = reverse("monitoring:visit_photo_thumbnail", kwargs={"pk": kube.pk, "photo_pk": photo.pk})
    assert f'src="{small_url}"' in client.get(reverse("monitoring:visit_list", kwargs={"pk": kube.pk})).content.decode()
    small = client.get(small_url)
    assert small.status_code == 200 and small["Cache-Control"].startswith("private")
    with Image.open(io.BytesIO(small.content)) as image:
        assert image.format == "JPEG" and max(image.size) == photos.THUMBNAIL_SIDE and dict(image.getexif()) == {}
    assert len(small.content) < len(served.content) / 5
