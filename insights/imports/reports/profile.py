"""Profile and LINE VOOM reports: profile views and VOOM posts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from insights.imports.reports.spec import DATE_ALIASES, F, Kind, ReportSpec, ReportType

SPECS: tuple[ReportSpec, ...] = (
    ReportSpec(
        ReportType.PROFILE_VIEWS,
        _("Profile views"),
        _("Views of the OA's profile page per day."),
        (
            F("date", Kind.DATE, _("Date"), DATE_ALIASES, required=True),
            F(
                "views",
                Kind.COUNT,
                _("Views"),
                [
                    "views",
                    "profile views",
                    "page views",
                    "プロフィール表示回数",
                    "表示回数",
                    "閲覧数",
                    "個人檔案瀏覽次數",
                    "瀏覽次數",
                    "การดูโปรไฟล์",
                    "การดู",
                ],
                required=True,
            ),
            F(
                "unique_views",
                Kind.COUNT,
                _("Unique viewers"),
                [
                    "unique views",
                    "unique viewers",
                    "unique users",
                    "ユニークユーザー数",
                    "閲覧者数",
                    "不重複瀏覽人數",
                    "瀏覽人數",
                    "ผู้ชมที่ไม่ซ้ำ",
                ],
            ),
        ),
        keys=(("date",),),
        date_field="date",
    ),
    ReportSpec(
        ReportType.VOOM_POSTS,
        _("VOOM posts"),
        _(
            "Per LINE VOOM (timeline) post: impressions, views, follows, profile visits, video views."
        ),
        (
            F(
                "posted_at",
                Kind.DATETIME,
                _("Posted at"),
                [
                    "posted at",
                    "post date",
                    "date",
                    "投稿日時",
                    "投稿日",
                    "發文時間",
                    "貼文日期",
                    "วันที่โพสต์",
                ],
                required=True,
            ),
            F("post_id", Kind.TEXT, _("Post ID"), ["post id", "投稿ID", "貼文ID", "รหัสโพสต์"]),
            F(
                "title",
                Kind.TEXT,
                _("Post"),
                [
                    "post",
                    "content",
                    "title",
                    "投稿内容",
                    "投稿",
                    "貼文內容",
                    "貼文",
                    "เนื้อหาโพสต์",
                    "โพสต์",
                ],
            ),
            F(
                "impressions",
                Kind.COUNT,
                _("Impressions"),
                ["impressions", "インプレッション", "インプレッション数", "曝光次數", "อิมเพรสชัน"],
                required=True,
            ),
            F(
                "explore_views",
                Kind.COUNT,
                _("Explore views"),
                ["explore views", "discover views", "おすすめ表示", "探索瀏覽次數", "การดูจากสำรวจ"],
            ),
            F(
                "timeline_views",
                Kind.COUNT,
                _("Timeline views"),
                ["timeline views", "タイムライン表示", "動態消息瀏覽次數", "การดูจากไทม์ไลน์"],
            ),
            F(
                "follows",
                Kind.COUNT,
                _("Follows"),
                ["follows", "new followers", "フォロー数", "フォロー", "追蹤數", "การติดตาม"],
            ),
            F(
                "profile_visits",
                Kind.COUNT,
                _("Profile visits"),
                ["profile visits", "プロフィール訪問数", "個人檔案造訪次數", "การเยี่ยมชมโปรไฟล์"],
            ),
            F(
                "video_views_3s",
                Kind.COUNT,
                _("Video views (3 s)"),
                [
                    "video views 3s",
                    "3s video views",
                    "video views (3 seconds)",
                    "動画再生数(3秒)",
                    "3秒再生",
                    "影片觀看次數(3秒)",
                    "การดูวิดีโอ 3 วินาที",
                ],
            ),
            F(
                "video_views_completed",
                Kind.COUNT,
                _("Video views (completed)"),
                [
                    "video views completed",
                    "completed video views",
                    "動画完全再生数",
                    "完全再生",
                    "影片完整觀看次數",
                    "การดูวิดีโอจนจบ",
                ],
            ),
        ),
        keys=(("post_id",), ("posted_at", "title"), ("posted_at",)),
        date_field="posted_at",
    ),
)
