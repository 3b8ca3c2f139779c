"""Zip bombs (issue 14, defect 8): archive members are streamed, never held whole, and every
limit refuses the upload while it inflates, with a reason the Imports page shows."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from insights.imports.archives import open_zip, zip_members
from insights.imports.messages import failure_message
from insights.imports.parsing import ImportFileError, read_chunks, sniff
from tests.insights.conftest import upload_file

HEADER = "送信者タイプ,送信者名,送信日,送信時刻,内容\n"
ROW = "User,山田花子,2025/01/09,10:01,こんにちは\n"


def _streamed_zip(name: str, megabytes: int, *, line: str = ROW, header: str = HEADER) -> bytes:
    """A zip whose one member unpacks to ``megabytes`` MB, written chunk by chunk: the large
    content never exists, in memory or on disk, only its deflated form (a few hundred KB)."""
    block = (line * (1024 * 1024 // len(line.encode()) + 1)).encode()[: 1024 * 1024]
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        member.write(header.encode())
        for _ in range(megabytes):
            member.write(block)
    return buffer.getvalue()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_296_kb_zip_of_a_290_mb_csv_is_refused_with_bounded_memory(account):
    bomb = _streamed_zip("山田花子.csv", 290)
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        job = upload_file(account, bomb, "backup.zip")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (job.status, job.failure_code) == ("failed", "zip_ratio")
    # Before: the member was read whole (290 MB, twice while joined). Now a few blocks.
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"
    message = failure_message(job.failure_code, job.failure_params)
    assert "山田花子.csv" in message and "100 times" in message
    assert not job.file, "a refused upload is not kept"


def test_the_real_ratio_is_enforced_while_streaming_not_only_as_declared(settings):
    """A directory can lie; the stream guard measures what actually inflates and stops the
    member at the limit (the declared check is off while listing, on while reading)."""
    settings.INSIGHT_IMPORT_MAX_ZIP_RATIO = 0
    with zipfile.ZipFile(io.BytesIO(_streamed_zip("chat.csv", 40))) as archive:
        (member,) = list(zip_members(archive))
        settings.INSIGHT_IMPORT_MAX_ZIP_RATIO = 100
        with member.open() as stream, pytest.raises(ImportFileError) as refused:
            while stream.read(1024 * 1024):
                pass
    assert refused.value.code == "zip_ratio"
    # Stopped at the limit (100 x the packed size, plus one block), not at the 40 MB end.
    assert stream.inflated <= 100 * member.info.compress_size + 256 * 1024 < 40 * 1024 * 1024


def test_the_unpacked_size_limit_holds_across_members_while_streaming(settings, tmp_path):
    settings.INSIGHT_IMPORT_MAX_UNZIPPED_BYTES = 3 * 1024 * 1024
    settings.INSIGHT_IMPORT_MAX_ZIP_RATIO = 0
    path = tmp_path / "two.zip"
    path.write_bytes(_streamed_zip("a.csv", 2))
    with open_zip(path) as archive:
        (member,) = list(zip_members(archive))
        # The budget is the archive's: a second pass over the same member passes the limit.
        with member.open() as stream:
            while stream.read(1024 * 1024):
                pass
        with member.open() as stream, pytest.raises(ImportFileError) as refused:
            while stream.read(1024 * 1024):
                pass
    assert refused.value.code == "zip_too_large"


def test_declared_total_over_the_limit_is_refused_before_inflating(account, settings):
    settings.INSIGHT_IMPORT_MAX_UNZIPPED_BYTES = 5 * 1024 * 1024
    job = upload_file(account, _zip({"chat.csv": b"0" * (6 * 1024 * 1024)}), "backup.zip")
    assert job.failure_code in {"zip_too_large", "zip_ratio"}
    settings.INSIGHT_IMPORT_MAX_ZIP_RATIO = 0
    job = upload_file(account, _zip({"chat.csv": b"0" * (6 * 1024 * 1024)}), "backup.zip")
    assert job.failure_code == "zip_too_large"
    assert "more than 5 MB" in failure_message(job.failure_code, job.failure_params)


def test_too_many_members_are_refused(account, settings):
    settings.INSIGHT_IMPORT_MAX_ZIP_MEMBERS = 3
    job = upload_file(account, _zip({f"{n}.csv": HEADER.encode() for n in range(4)}), "b.zip")
    assert (job.failure_code, job.failure_params) == ("zip_members", {"count": 4, "limit": 3})
    assert "holds 4 files; at most 3" in failure_message(job.failure_code, job.failure_params)


@pytest.mark.parametrize("name", ["inner.zip", "chats.tar.gz", "disguised.csv"])
def test_an_archive_inside_the_zip_is_refused(account, name):
    inner = _zip({"chat.csv": (HEADER + ROW).encode()})
    job = upload_file(account, _zip({"readme.txt": b"backup", name: inner}), "backup.zip")
    assert (job.failure_code, job.failure_params) == ("zip_nested", {"name": name})
    assert f"another archive (“{name}”)" in failure_message(job.failure_code, job.failure_params)


def test_a_normal_backup_streams_through_the_reader(account):
    rows = ROW * 5
    job = upload_file(account, _zip({"山田花子.csv": (HEADER + rows).encode()}), "backup.zip")
    assert job.status == "succeeded", (job.failure_code, job.errors)
    assert job.rows_read == 5


def test_read_chunks_takes_a_guarded_stream(tmp_path):
    path = tmp_path / "ok.zip"
    path.write_bytes(_zip({"c.csv": (HEADER + ROW * 3).encode()}))
    with open_zip(path) as archive:
        (member,) = list(zip_members(archive))
        fmt = sniff(member.sample(), complete=True)
        with member.open() as stream:
            frames = list(read_chunks(stream, fmt))
    assert sum(len(frame) for frame in frames) == 3
