"""Reading Insight exports: encodings, delimiters, date and number formats, zip archives and
their limits, files that cannot be imported, and which report a header means."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile

from insights.imports.jobs import import_job_create
from insights.imports.messages import failure_message
from insights.models import ImportJob
from tests.factories import LineAccountFactory
from tests.insights.conftest import upload_file
from tests.insights.imports.export_files import FRIENDS, current

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "encoding, header",
    [
        ("utf-8", "date,contacts,targetReaches,blocks"),
        ("utf-8-sig", "date,contacts,targetReaches,blocks"),
        ("utf-16", "日付,友だち追加数,ターゲットリーチ,ブロック数"),
        ("utf-16-le", "date,contacts,targetReaches,blocks"),
        ("cp932", "日付,友だち追加数,ターゲットリーチ,ブロック数"),
        ("big5", "日期,好友人數,目標好友數,封鎖人數"),
        ("utf-8", "วันที่,เพื่อน,กลุ่มเป้าหมาย,บล็อก"),
    ],
)
def test_encodings_and_languages(upload, account, encoding, header):
    content = f"{header}\r\n2025/01/01,1000,900,10\r\n2025/01/02,1010,905,12\r\n".encode(encoding)
    job = upload(content)
    assert job.status == "succeeded", (job.failure_code, job.errors)
    assert job.report == "friends"
    assert current(account)["2025-01-02"]["contacts"] == 1010


def test_big5_is_preferred_for_a_taipei_oa_when_both_decode(workspace):
    taipei = LineAccountFactory(workspace=workspace, time_zone="Asia/Taipei")
    content = "日期,好友人數,目標好友數,封鎖人數\n20250101,1,1,0\n".encode("big5")
    job = upload_file(taipei, content)
    assert job.status == "succeeded"
    assert job.encoding == "cp950"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiters(upload, account, delimiter):
    rows = [["date", "contacts", "targetReaches", "blocks"], ["2025-01-01", "1000", "900", "10"]]
    job = upload("\n".join(delimiter.join(r) for r in rows) + "\n")
    assert job.status == "succeeded"
    assert job.delimiter == delimiter
    assert current(account)["2025-01-01"]["blocks"] == 10


@pytest.mark.parametrize("written", ["20250105", "2025-01-05", "2025/01/05", "2025/1/5"])
def test_date_formats(upload, account, written):
    job = upload(f"date,contacts\n{written},5\n")
    assert job.status == "succeeded", job.errors
    assert list(current(account)) == ["2025-01-05"]


def test_thousands_separators_and_full_width_digits(upload, account):
    job = upload(
        'date,contacts,targetReaches\n20250101,"12,345",\uff11\uff12\uff13\n20250102,12 400,130\n'
    )
    assert job.status == "succeeded", job.errors
    rows = current(account)
    assert rows["2025-01-01"]["contacts"] == 12345
    assert rows["2025-01-01"]["target_reaches"] == 123
    assert rows["2025-01-02"]["contacts"] == 12400


def test_percentages_with_and_without_sign(upload, account):
    job = upload("gender,age,percentage\nmale,20-24,12.5%\nfemale,20-24,30\nunknown,unknown,-\n")
    assert job.status == "succeeded", job.errors
    assert job.report == "demographics"
    values = {v["gender"]: v["percentage"] for v in current(account, "demographics").values()}
    assert values == {"male": 12.5, "female": 30.0, "unknown": None}


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\r\n", "empty"),
        (b"date,contacts,targetReaches,blocks\n", "no_rows"),
        (bytes(range(256)) * 40, "binary"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(4000), "binary"),
    ],
    ids=["empty", "bom-only", "header-only", "binary", "png-named-csv"],
)
def test_files_that_cannot_be_imported(account, content, code):
    if not content:
        with pytest.raises(ValidationError) as error:
            upload_file(account, content)
        assert "empty" in str(error.value)
        return
    job = upload_file(account, content, "report.csv")
    assert job.status == "failed"
    assert job.failure_code == code
    assert failure_message(job.failure_code, job.failure_params)


def test_a_row_with_too_many_cells_is_reported(upload):
    job = upload("date,contacts\n20250101,3\n20250102,4,5,6\n")
    assert job.failure_code == "malformed"
    assert "line 3" in failure_message(job.failure_code, job.failure_params)


def test_file_over_the_size_limit_is_refused_with_a_clear_message(account, tmp_path):
    """A real 200 MB upload (sparse on disk): refused before any worker reads it."""
    upload = TemporaryUploadedFile("huge.csv", "text/csv", 0, "utf-8")
    upload.file.truncate(200 * 1024 * 1024)
    upload.size = 200 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        import_job_create(account=account, uploaded_file=upload)
    assert error.value.message_dict["file"] == [
        "The file is 200.0 MB; the limit is 100 MB. Split the export into shorter date ranges."
    ]
    assert ImportJob.unscoped.count() == 0


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_is_refused(account, settings):
    settings.INSIGHT_IMPORT_MAX_UNZIPPED_BYTES = 5 * 1024 * 1024
    bomb = _zip({"chat.csv": b"0" * (50 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    job = upload_file(account, bomb, "backup.zip")
    assert job.failure_code == "zip_too_large"


CHAT = (
    "チャット名,山田花子\n"
    "保存日時,2025/01/10 10:00\n"
    "\n"
    "送信者タイプ,送信者名,送信日,送信時刻,内容\n"
    "User,山田花子,2025/01/09,10:01,こんにちは\n"
    'Account,Hanami Cosmetics,2025/01/09,10:01,"ご連絡ありがとうございます。\n担当者よりご案内します。"\n'
    "User,山田花子,2025/01/09,10:05,ありがとう\n"
)


def test_chat_history_backup_zip(upload, account):
    content = _zip({"山田花子.csv": CHAT.encode("utf-8"), "readme.txt": b"LINE chat backup"})
    job = upload(content, "backup.zip")
    assert job.status == "succeeded", (job.failure_code, job.errors)
    assert job.report == "chat_history"
    assert job.inserted == 3
    assert job.ignored_columns == ["readme.txt"]
    rows = sorted(
        current(account, "chat_history").values(), key=lambda v: (v["sent_at"], v["sender_type"])
    )
    assert rows[0]["sent_at"] == "2025-01-09T10:01:00"
    assert rows[0]["sender_type"] == "Account"
    assert "担当者" in rows[0]["content"]
    assert rows[0]["chat"] == "山田花子"
    again = upload(content, "backup.zip")
    assert (again.inserted, again.unchanged) == (0, 3)


@pytest.mark.parametrize(
    "header, row, report",
    [
        ("date,contacts,targetReaches,blocks", "20250101,1,1,1", "friends"),
        ("gender,age,percentage", "male,20-24,5%", "demographics"),
        (
            "配信日時,タイトル,配信数,開封数,クリック数,クリック率",
            "2025/01/01 12:00,新春セール,1000,500,40,4%",
            "broadcasts",
        ),
        ("日期,收到的訊息,傳送的訊息,自動回覆", "2025-01-01,10,8,3", "chats"),
        ("クーポン名,閲覧数,獲得数,使用数", "10%OFF,100,40,10", "coupons"),
        (
            "name,validCards,issuedCards,storeVisitPoints,WelcomeBonusesAwarded,expiredPoints,vouchersAwarded,vouchersUsed,deleted",
            "Café card,120,150,800,150,20,12,9,3",
            "reward_card_usage",
        ),
        ("point,users", "3,40", "reward_card_points"),
        (
            "Date Time,Customer ID,Point Type,Points",
            "2025/01/01 10:00:00,C001,Store visit,1",
            "reward_card_history",
        ),
        ("วันที่,การดูโปรไฟล์", "2025-01-01,33", "profile_views"),
        (
            "投稿日時,投稿内容,インプレッション,フォロー数",
            "2025/01/01 09:00,新商品,1000,5",
            "voom_posts",
        ),
    ],
)
def test_report_type_is_detected_from_the_header(upload, account, header, row, report):
    job = upload(f"{header}\n{row}\n")
    assert job.status == "succeeded", (job.failure_code, job.errors)
    assert job.report == report
    assert job.inserted == 1


def test_forced_report_type_overrides_detection(upload):
    job = upload("date,views\n20250101,3\n", report="profile_views")
    assert job.report == "profile_views"
    job = upload("date,views\n20250101,3\n", report="friends")
    assert job.status == "needs_mapping"


def test_a_zip_of_other_exports_is_refused_with_advice(upload):
    job = upload(_zip({"friends.csv": FRIENDS.encode()}), "exports.zip")
    assert job.failure_code == "zip_report"
    assert "separate CSV files" in failure_message(job.failure_code, job.failure_params)
    empty = upload(_zip({"notes/": b""}), "empty.zip")
    assert empty.failure_code == "empty_zip"
