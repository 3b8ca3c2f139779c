"""The data bench/inbox.py reads: one OA with a million friends, 200,000 conversations and 20
million messages with their search grams, generated in bulk SQL and kept between runs.

Message text is encrypted at rest and indexed as keyed hashes, so the text of each message
must be encrypted and hashed in Python. Doing that 20 million times would take most of an
hour; the bench encrypts and hashes a pool of ``POOL`` distinct texts instead and gives
message ``id`` the pool entry ``id * 7919 mod POOL``. Each pool text names a product (one of
``len(PRODUCTS)``, so each is in about 2.5% of the text messages), most a coupon code (one of
``COUPONS``: about 4,000 messages each) and an order number of their own (about 320 messages
each): the frequencies of the search terms are known.

Generating takes a quarter of an hour, so the data is kept in the workspace ``bench-inbox``
and reused by the next run when it has the same shape (``python bench/inbox.py --drop``
removes it). The big tables are loaded the way ``pg_restore`` loads them: their secondary
indexes are dropped, the rows inserted in chunks with triggers off (the rows are consistent
by construction), the indexes built again, the tables analyzed.

Import after ``setup_django()``.
"""

# The messages are Japanese, Chinese and Thai: their full-width punctuation is on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import io
import os
import time

from django.db import connection, transaction

from inbox.models import Conversation, ConversationMessage, MessageSearch
from inbox.services.search_index import gram_hashes, text_grams
from oa_console.fields import encrypt_text
from oa_console.models import LineAccount, Membership, User, Workspace
from oa_console.roles import Role
from segments.models import SendingRules

WORKSPACE_SLUG = "bench-inbox"
FRIENDS = int(os.environ.get("BENCH_INBOX_FRIENDS", 1_000_000))
CONVERSATIONS = int(os.environ.get("BENCH_INBOX_CONVERSATIONS", 200_000))
PER_CONVERSATION = int(os.environ.get("BENCH_INBOX_PER_CONVERSATION", 100))
POOL = 50_000
COUPONS = 2_000
CHUNK_CONVERSATIONS = 10_000
AGENTS = 3

PRODUCTS = [
    *("抹茶ラテ", "ほうじ茶ラテ", "チーズケーキ", "季節のタルト", "ギフトカード"),
    *("ポイントカード", "限定トートバッグ", "春の福袋", "冬の福袋", "定期便"),
    *("珍珠奶茶", "烏龍茶", "芒果冰沙", "會員點數", "禮物卡"),
    *("外送服務", "生日優惠", "預購商品", "限量杯", "門市自取"),
    *("ชาไทย", "กาแฟเย็น", "บัตรสมาชิก", "คูปองส่วนลด", "ขนมปังปิ้ง"),
    *("เค้กช็อกโกแลต", "ส่งฟรี", "แต้มสะสม", "ชุดของขวัญ", "โปรวันเกิด"),
    *("sneakers", "gift card", "tote bag", "coffee beans", "rice cooker"),
    *("yoga mat", "ramen set", "phone case", "rain jacket", "sunscreen"),
]
TEMPLATES = [
    "{product}の在庫はありますか？注文番号 {order} です。クーポン {coupon} は使えますか",
    "注文番号 {order} の{product}がまだ届きません。配送状況を教えてください",
    "{product}を予約したいです。クーポンコード {coupon} を持っています",
    "請問{product}還有貨嗎？訂單編號 {order}，優惠碼 {coupon} 可以用嗎",
    "我的訂單 {order} 的{product}還沒收到，請幫我查一下",
    "มี{product}ไหมคะ หมายเลขคำสั่งซื้อ {order} ใช้คูปอง {coupon} ได้ไหม",
    "สั่ง{product}ไปแล้ว เลขที่ {order} ยังไม่ได้รับของค่ะ",
    "Is the {product} in stock? Order {order}, can I use coupon {coupon}?",
    "Thanks! The {product} arrived today (order {order}).",
]


def pool_text(index: int) -> str:
    """The pool's text ``index``: its order number is its own, product and coupon shared."""
    template = TEMPLATES[index % len(TEMPLATES)]
    return template.format(
        product=PRODUCTS[(index // len(TEMPLATES)) % len(PRODUCTS)],
        order=f"A{index:07d}",
        coupon=coupon_code(index % COUPONS),
    )


def coupon_code(index: int) -> str:
    letters = "BCDFGHJKLMNPQRSTVWXZ"
    return "CP" + "".join(letters[(index // 20**i) % 20] for i in range(4))


def existing(workspace: Workspace | None) -> LineAccount | None:
    """The kept OA when its data has the shape asked for, else None."""
    if workspace is None:
        return None
    account = LineAccount.unscoped.filter(workspace=workspace, slug="inbox").first()
    if account is None:
        return None
    shape = f"{FRIENDS}/{CONVERSATIONS}/{PER_CONVERSATION}/{POOL}"
    return account if account.display_name == f"Bench inbox {shape}" else None


def generate(progress=print) -> tuple[Workspace, LineAccount, list[User]]:
    """The workspace, its OA, agents and every row; ``progress`` is told each step."""
    drop()
    from bench._broadcasts_setup import generate_friends

    started = time.perf_counter()
    workspace = Workspace.objects.create(slug=WORKSPACE_SLUG, name="Inbox bench")
    account = LineAccount.unscoped.create(
        workspace=workspace,
        slug="inbox",
        display_name=f"Bench inbox {FRIENDS}/{CONVERSATIONS}/{PER_CONVERSATION}/{POOL}",
        channel_id="8100000001",
        channel_secret="0" * 32,
        access_token="bench-token",
    )
    SendingRules.unscoped.create(account=account, cap_enabled=False, quiet_enabled=False)
    agents = agents_create(workspace)
    generate_friends(account, FRIENDS, first=1)
    progress(f"{FRIENDS:,} friends in {time.perf_counter() - started:.0f} s")
    _pool_load(account)
    progress(f"pool of {POOL:,} encrypted texts in {time.perf_counter() - started:.0f} s")
    _conversations_insert(account, agents)
    progress(f"{CONVERSATIONS:,} conversations in {time.perf_counter() - started:.0f} s")
    _messages_insert(account, progress)
    progress(f"messages and grams in {time.perf_counter() - started:.0f} s")
    return workspace, account, agents


def agents_create(workspace: Workspace) -> list[User]:
    agents = []
    for number in range(1, AGENTS + 1):
        user = User.objects.create_user(
            username=f"bench-inbox-agent-{number}",
            email=f"bench-inbox-agent-{number}@bench.example",
            password=None,
        )
        Membership.unscoped.create(
            user=user, workspace=workspace, role=Role.AGENT, all_accounts=True
        )
        agents.append(user)
    return agents


def _pool_load(account: LineAccount) -> None:
    """The pool's ciphertexts and hashed grams, by COPY, into ``bench_inbox_pool``."""
    buffer = io.StringIO()
    for index in range(POOL):
        text = pool_text(index)
        grams = gram_hashes(account_id=account.pk, grams=text_grams(text))
        buffer.write(f"{index}\t{encrypt_text(text)}\t{{{','.join(map(str, grams))}}}\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_inbox_pool")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_inbox_pool (i integer PRIMARY KEY, text text, "
            "grams integer[])"
        )
        cursor.copy_expert("COPY bench_inbox_pool FROM STDIN", buffer)


def _conversations_insert(account: LineAccount, agents: list[User]) -> None:
    """The OA's first ``CONVERSATIONS`` friends' conversations: last message within 90 days
    (more of them recent), 1 in 20 new, 3 open, 2 waiting, the rest resolved; 2 in 5 nobody's,
    the rest shared by the agents; the preview from the pool."""
    empty = encrypt_text("")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO inbox_conversation (account_id, friend_id, status, assignee_id,
                unread_count, last_message_at, last_message_type, last_message_direction,
                last_message_preview, last_unanswered_at, reply_token, reply_token_at,
                mark_as_read_token, mark_as_read_sent_token, created_at, updated_at)
            SELECT %(account)s, f.id,
                CASE WHEN f.rn %% 20 = 0 THEN 'new' WHEN f.rn %% 20 < 4 THEN 'open'
                     WHEN f.rn %% 20 < 6 THEN 'waiting' ELSE 'resolved' END,
                CASE WHEN f.rn %% 5 < 2 THEN NULL ELSE (%(agents)s::bigint[])[1 + f.rn %% 3] END,
                CASE WHEN f.rn %% 20 = 0 THEN 1 + f.rn %% 3 ELSE 0 END,
                f.last_at, 'text', 'in', coalesce(p.text, %(empty)s),
                CASE WHEN f.rn %% 20 < 4 THEN f.last_at END, '', NULL, '', '',
                f.last_at - interval '60 days', f.last_at
            FROM (
                SELECT id, row_number() OVER (ORDER BY id) AS rn,
                    now() - interval '90 days' * power(random(), 2) AS last_at
                FROM segments_friend WHERE account_id = %(account)s ORDER BY id LIMIT %(n)s
            ) AS f
            LEFT JOIN bench_inbox_pool p ON p.i = (f.rn * %(per)s * 7919) %% %(pool)s
            """,
            {
                "account": account.pk,
                "agents": [agent.pk for agent in agents],
                "empty": empty,
                "n": CONVERSATIONS,
                "per": PER_CONVERSATION,
                "pool": POOL,
            },
        )
        cursor.execute("ANALYZE inbox_conversation")


def _messages_insert(account: LineAccount, progress) -> None:
    """``PER_CONVERSATION`` messages per conversation, alternating friend and OA, one every 37
    minutes up to its last; 1 in 10 a sticker and 1 in 10 an image, the rest text from the
    pool; 1 in 3 of the OA's answers an auto-reply. Their grams in the same chunks."""
    message_table = ConversationMessage._meta.db_table
    search_table = MessageSearch._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM inbox_conversationmessage")
        offset = cursor.fetchone()[0]
        indexes = _secondary_indexes(cursor, [message_table, search_table])
        for _table, name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        params = {
            "account": account.pk,
            "per": PER_CONVERSATION,
            "pool": POOL,
            "offset": offset,
            "dict": encrypt_text("{}"),
            "sticker": encrypt_text('{"packageId":"446","stickerId":"1988"}'),
            "image": encrypt_text('{"contentProvider":{"type":"line"}}'),
        }
        for low in range(1, CONVERSATIONS + 1, CHUNK_CONVERSATIONS):
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute(
                    _MESSAGES_SQL,
                    {**params, "low": low, "high": low + CHUNK_CONVERSATIONS - 1},
                )
                cursor.execute(
                    _GRAMS_SQL,
                    {**params, "low": low, "high": low + CHUNK_CONVERSATIONS - 1},
                )
            progress(f"  conversations {low:,}..{low + CHUNK_CONVERSATIONS - 1:,} filled")
        cursor.execute("SET maintenance_work_mem = '2GB'")
        for _table, name, definition in indexes:
            started = time.perf_counter()
            cursor.execute(definition)
            progress(f"  index {name} built in {time.perf_counter() - started:.0f} s")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('inbox_conversationmessage', 'id'), "
            "(SELECT max(id) FROM inbox_conversationmessage))"
        )
        for table in (message_table, search_table, "segments_friend"):
            cursor.execute(f"VACUUM ANALYZE {table}")


SESSIONS_PER_CONVERSATION = 5


def ensure_sessions(account: LineAccount, progress=print) -> None:
    """``SESSIONS_PER_CONVERSATION`` sessions per conversation (a friend who came back with a
    new question after the last was resolved), 18 days apart up to its last message: the
    inbox's median first response and resolution read the last 7 and 30 days of them. Answered
    after 1 to 60 minutes, resolved after 1 to 48 hours; the latest of a conversation that is
    not resolved is still open. Added to kept data that lacks them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM inbox_conversationsession WHERE account_id = %s LIMIT 1", [account.pk]
        )
        if cursor.fetchone():
            return
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO inbox_conversationsession (account_id, conversation_id, opened_at,
                first_response_at, resolved_at)
            SELECT c.account_id, c.id, s.opened,
                s.opened + interval '1 minute' * (1 + (c.id + s.n) %% 60),
                CASE WHEN s.n = 0 AND c.status <> 'resolved' THEN NULL
                     ELSE s.opened + interval '1 hour' * (1 + (c.id * 7 + s.n) %% 48) END
            FROM inbox_conversation c,
                LATERAL (SELECT n, c.last_message_at - interval '1 hour'
                                   - interval '18 days' * n AS opened
                         FROM generate_series(0, %s - 1) AS n) AS s
            WHERE c.account_id = %s
            """,
            [SESSIONS_PER_CONVERSATION, account.pk],
        )
        cursor.execute("ANALYZE inbox_conversationsession")
    progress(f"sessions in {time.perf_counter() - started:.0f} s")


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str, str]]:
    """(table, name, CREATE statement) of the tables' indexes that back no constraint."""
    cursor.execute(
        """
        SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [tables],
    )
    return cursor.fetchall()


# The conversations of a chunk by rank (their ids in friend order), their messages numbered.
_CHUNK = """
    WITH c AS (
        SELECT id, last_message_at, row_number() OVER (ORDER BY friend_id) AS rn
        FROM inbox_conversation WHERE account_id = %(account)s
    ), m AS (
        SELECT c.id AS conversation_id, c.last_message_at, k,
            %(offset)s + (c.rn - 1) * %(per)s + k AS id
        FROM c CROSS JOIN generate_series(1, %(per)s) AS k
        WHERE c.rn BETWEEN %(low)s AND %(high)s
    )
"""
_MESSAGES_SQL = (
    _CHUNK
    + """
    INSERT INTO inbox_conversationmessage (id, account_id, conversation_id, direction,
        message_type, line_message_id, event_key, text, payload, sent_by, sent_by_user_id,
        responded_after, auto_reply_rule_id, auto_reply_kind, occurred_at, content_deleted,
        created_at)
    SELECT m.id, %(account)s, m.conversation_id,
        CASE WHEN m.k %% 2 = 1 THEN 'in' ELSE 'out' END,
        CASE WHEN m.k %% 10 = 3 THEN 'sticker' WHEN m.k %% 10 = 7 THEN 'image' ELSE 'text' END,
        m.id::text, CASE WHEN m.k %% 2 = 1 THEN 'bench-' || m.id ELSE '' END,
        CASE WHEN m.k %% 10 IN (3, 7) THEN '' ELSE p.text END,
        CASE WHEN m.k %% 10 = 3 THEN %(sticker)s WHEN m.k %% 10 = 7 THEN %(image)s
             ELSE %(dict)s END,
        CASE WHEN m.k %% 2 = 1 THEN '' WHEN m.k %% 6 = 0 THEN 'auto_reply' ELSE 'manual' END,
        NULL,
        CASE WHEN m.k %% 2 = 0 THEN interval '1 minute' * (m.k %% 30) END,
        NULL, CASE WHEN m.k %% 6 = 0 THEN 'keyword' ELSE '' END,
        m.last_message_at - interval '37 minutes' * (%(per)s - m.k), false, now()
    FROM m JOIN bench_inbox_pool p ON p.i = (m.id * 7919) %% %(pool)s
    """
)
_GRAMS_SQL = (
    _CHUNK
    + """
    INSERT INTO inbox_messagesearch (message_id, account_id, conversation_id, grams)
    SELECT m.id, %(account)s, m.conversation_id, p.grams
    FROM m JOIN bench_inbox_pool p ON p.i = (m.id * 7919) %% %(pool)s
    WHERE m.k %% 10 NOT IN (3, 7)
    """
)

# Children before parents; every table holds the OA's id, so each delete is one statement.
_TABLES = (
    "inbox_messagesearch",
    "inbox_conversationmessage",
    "inbox_conversationsession",
    "inbox_conversation",
    "oa_console_activity",
    "segments_friend",
)


def drop() -> None:
    """Remove the kept workspace (set-based deletes for the big tables) and the pool."""
    workspace = Workspace.objects.filter(slug=WORKSPACE_SLUG).first()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_inbox_pool")
        if workspace is None:
            return
        accounts = list(
            LineAccount.unscoped.filter(workspace=workspace).values_list("pk", flat=True)
        )
        for table in _TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE account_id = ANY(%s)", [accounts])
    Conversation.unscoped.filter(account_id__in=accounts).delete()
    users = list(Membership.unscoped.filter(workspace=workspace).values_list("user", flat=True))
    Workspace.objects.filter(pk=workspace.pk).delete()
    User.objects.filter(pk__in=users, username__startswith="bench-inbox-").delete()


def vacuum_churned() -> None:
    """``VACUUM (ANALYZE)`` what earlier live runs changed, as autovacuum (on by default, off
    on this machine's PostgreSQL) would have in production: each run leaves a dead row
    version per message in the conversations, friends and raw events (conversations had
    277,454 dead rows to 214,202 live after ten runs), and its messages' search grams in the
    GIN index's pending list, which every search then reads through (the order-number search
    page's p95 went from 273 to 315 ms). A few seconds a run once the big tables were vacuumed
    after loading."""
    from inbox.models import AutoReplySend, ConversationSession, ReplyTokenUse
    from oa_console.activity.models import Activity, SubscriberCursor
    from segments.models import Friend, Interaction
    from webhooks.models import WebhookEvent

    churned = (
        Conversation,
        ConversationSession,
        ConversationMessage,
        MessageSearch,
        WebhookEvent,
        Friend,
        Interaction,
        Activity,
        SubscriberCursor,
        AutoReplySend,
        ReplyTokenUse,
    )
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in churned)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")
