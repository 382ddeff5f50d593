"""Each visit photo gains a small copy for the lists; photos already kept get theirs here."""

import io

from django.db import migrations, models

SIDE = 288  # monitoring.photos.THUMBNAIL_SIDE when this was written
QUALITY = 70


def make_thumbnails(apps, schema_editor):
    from PIL import Image

    VisitPhoto = apps.get_model("monitoring", "VisitPhoto")
    for photo in VisitPhoto.objects.filter(thumbnail=b"").only("pk", "content").iterator(chunk_size=50):
        with Image.open(io.BytesIO(bytes(photo.content))) as image:
            image = image.convert("RGB")
            image.thumbnail((SIDE, SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=QUALITY, optimize=True)
        VisitPhoto.objects.filter(pk=photo.pk).update(thumbnail=out.getvalue())


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="visitphoto",
            name="thumbnail",
            field=models.BinaryField(default=b"", verbose_name="gambar kecil"),
        ),
        migrations.RunPython(make_thumbnails, migrations.RunPython.noop),
    ]
