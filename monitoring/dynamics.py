"""The group-dynamics scale a facilitator picks from at a visit (pure; no database).

Seven aspects (BRIEF: communication, conflict, cohesion, power/leadership, goals,
structure and division of tasks, participation), each observed on a 1-4 scale where
every level has a one-line description: the facilitator picks the sentence that fits,
never a bare number. 1 is the weakest, 4 the strongest.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Aspect:
    field: str  # the Visit field
    column: str  # the kunjungan sheet's column (contract 4)
    label: str
    levels: tuple[str, str, str, str]  # the descriptions of levels 1..4


ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        "communication",
        "komunikasi",
        _("Komunikasi"),
        (
            _("Anggota jarang bertemu; kabar hanya lewat ketua."),
            _("Bertemu bila ada masalah; hanya sebagian yang bicara."),
            _("Pertemuan rutin; sebagian besar anggota menyampaikan pendapat."),
            _("Pertemuan rutin dan terbuka; semua anggota tahu keadaan usaha."),
        ),
    ),
    Aspect(
        "conflict",
        "konflik",
        _("Konflik dan penyelesaiannya"),
        (
            _("Ada perselisihan yang dibiarkan; anggota mulai menjauh."),
            _("Perselisihan diselesaikan pihak luar (pendamping, tokoh)."),
            _("Perselisihan jarang dan diselesaikan ketua."),
            _("Perselisihan diselesaikan bersama dengan musyawarah."),
        ),
    ),
    Aspect(
        "cohesion",
        "kohesi",
        _("Kekompakan"),
        (
            _("Anggota bertahan hanya karena diwajibkan; banyak yang tidak aktif."),
            _("Sebagian anggota aktif; yang lain menunggu hasil."),
            _("Sebagian besar anggota aktif dan saling membantu."),
            _("Semua anggota merasa memiliki kelompok dan saling menjaga."),
        ),
    ),
    Aspect(
        "leadership",
        "kepemimpinan",
        _("Kepemimpinan ketua"),
        (
            _("Ketua tidak berperan; keputusan tidak diambil."),
            _("Ketua memutuskan sendiri tanpa bertanya."),
            _("Ketua memimpin dan mengajak anggota memutuskan."),
            _("Ketua memimpin, membagi peran, dan menyiapkan pengganti."),
        ),
    ),
    Aspect(
        "goal",
        "tujuan",
        _("Tujuan bersama"),
        (
            _("Tidak ada tujuan bersama; anggota mencari bantuan saja."),
            _("Tujuan ada tetapi hanya diketahui pengurus."),
            _("Tujuan diketahui anggota; ada rencana kerja sederhana."),
            _("Tujuan jelas dan tertulis (mis. rencana lima tahun); kemajuan dibahas bersama."),
        ),
    ),
    Aspect(
        "task_structure",
        "struktur_tugas",
        _("Struktur dan pembagian tugas"),
        (
            _("Belum ada pengurus yang menjalankan tugas."),
            _("Ada pengurus, tetapi pekerjaan dikerjakan satu-dua orang."),
            _("Tugas dibagi secara lisan; sebagian anggota ikut bergiliran."),
            _("Ada jadwal piket tertulis; semua anggota bergiliran menjalankannya."),
        ),
    ),
    Aspect(
        "participation",
        "partisipasi",
        _("Partisipasi"),
        (
            _("Kurang dari separuh anggota hadir dan ikut bekerja."),
            _("Sekitar separuh anggota hadir dan ikut bekerja."),
            _("Sebagian besar anggota hadir dan ikut bekerja."),
            _("Hampir semua anggota hadir, bekerja, dan membayar iuran."),
        ),
    ),
)

ASPECT_FIELDS: tuple[str, ...] = tuple(aspect.field for aspect in ASPECTS)
SCALE = range(1, 5)


def level_description(aspect: Aspect, score: int | None) -> str:
    """The sentence of `score` (1-4) for `aspect`; "" when not observed."""
    if score is None:
        return ""
    if score not in SCALE:
        raise ValueError(f"{aspect.field}: {score} is not on the 1-4 scale")
    return str(aspect.levels[score - 1])


def trend(previous: int | None, latest: int | None) -> int:
    """-1 worse, 0 same or unknown, +1 better, between two observations of one aspect."""
    if previous is None or latest is None:
        return 0
    return (latest > previous) - (latest < previous)
