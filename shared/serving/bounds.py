"""What one visitor can take of a Space: places in the queue, the size of a request, how long uploads stay.

A queue no one can hog.
Gradio 6.31's queue has one bound, `max_size` requests waiting in all, shared by every event of the app: 66 /teach
requests posted in 3.6 s filled it, and pets, sentiment and recommend answered "Queue is full" to everyone. Gradio
has no per-event bound, so `bound(demo)` (called by `ui.queue`) wraps the queue's `push`, where a request joins:
it is refused, as Gradio refuses a full queue (HTTP 503, with a message saying why), when

- its event already has MAX_WAITING requests waiting (an event's function can ask for fewer: `@waiting(4)` on
  /teach, which runs one lesson at a time), so a flood of one endpoint cannot refuse the others;
- its visitor (the session; on a Space also the address the proxy saw, `x-forwarded-for`) already has PER_VISITOR
  requests waiting anywhere, so one client re-posting cannot take the others' places.

The app-wide `max_size` stays as a last bound on memory (TOTAL), well above one event's share. MCP tool calls all
reach the queue through Gradio's one loopback client (one session), so they are bounded per event only.

A request body of at most MAX_BODY_MB (`BodyLimit`, an ASGI middleware given to the app by `ui.launch`): a 200 MB JSON
body was parsed whole (+631 MB). Uploads go through Gradio's /upload, bounded by launch's max_file_size instead.
Uploads and results expire (`EXPIRE`: Gradio's delete_cache, set by `ui.queue`), and one visitor (address) may
upload at most UPLOAD_QUOTA_MB in that time (`UploadQuota`, beside BodyLimit), so no one fills the Space's disk.
"""
from __future__ import annotations

import asyncio
import os

from shared.serving import i18n
from shared.serving.words import T

MAX_WAITING = 32   # per event (concurrency id): 20 clients x 25 requests on one Space all fit
PER_VISITOR = 8    # per session (and per address on a Space): a page's load events and a few clicks
TOTAL = 256        # the whole app (Gradio's max_size)
MAX_BODY_MB = 16   # a JSON request: a data: URL photo of ~12 MB fits; bigger photos are uploaded (handle_file does)
# every 5 minutes, Gradio deletes the uploads and results older than 30 minutes ($UPLOADS_EXPIRE="every,age" seconds)
EXPIRE = tuple(int(v) for v in os.environ.get("UPLOADS_EXPIRE", "300,1800").split(","))

UPLOAD_QUOTA_MB = int(os.environ.get("UPLOAD_QUOTA_MB", 2048))  # per visitor, per EXPIRE[1] seconds (what stays on disk)


def waiting(n: int):
    "Decorator: at most `n` requests wait for this event (its concurrency id), whoever sends them."
    def mark(fn):
        fn.max_waiting = n
        return fn
    return mark


def visitor(request) -> tuple[str, ...]:
    "The keys a waiting request counts against: its session, and on a Space the client address the proxy saw."
    forwarded = request.headers.get("x-forwarded-for", "") if request is not None and os.environ.get("SPACE_ID") else ""
    return (forwarded.split(",")[0].strip(),) if forwarded else ()


def bound(demo) -> None:
    """Wrap `demo`'s queue (after `demo.queue()`) so that joining it checks the bounds above. Idempotent.

    Private patch (Gradio 6.31.0: `Blocks._queue`, `Queue.push(body, request, username)` answering
    (success, message, kind), its `event_queue_per_concurrency_id` of waiting Events with `concurrency_id`,
    `session_hash` and `request`): Gradio has no public per-event or per-visitor bound. tests/test_gradio_private.py
    fails if those change, and checks through a real server that a flood of one event is refused with this message."""
    queue = demo._queue
    if getattr(queue, "_bounded", False):
        return
    push = queue.push
    joining = asyncio.Lock()  # one join at a time: counted and added together, so concurrent joins cannot all fit

    async def bounded_push(body, request, username):
        async with joining:
            return await checked_push(body, request, username)

    async def checked_push(body, request, username):
        fn = demo.fns.get(body.fn_index) if body.fn_index is not None else None
        if fn is None:
            return await push(body, request, username)
        waiting_events = [e for q in queue.event_queue_per_concurrency_id.values() for e in q.queue]
        limit = getattr(fn.fn, "max_waiting", MAX_WAITING)
        if sum(e.concurrency_id == fn.concurrency_id for e in waiting_events) >= limit:
            name = fn.api_name if isinstance(fn.api_name, str) else getattr(fn.fn, "__name__", "this event")
            return False, T.text("queue_event", i18n.lang(request), name=name, limit=limit), "queue_full"
        if request is None or request.headers.get("x-gradio-user") != "mcp":
            keys = set(visitor(request))
            mine = sum(1 for e in waiting_events if body.session_hash and e.session_hash == body.session_hash
                       or keys and keys & set(visitor(e.request)))
            if mine >= PER_VISITOR:
                return False, T.text("queue_visitor", i18n.lang(request), limit=PER_VISITOR), "queue_full"
        return await push(body, request, username)

    queue.push = bounded_push
    queue._bounded = True


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` by its Content-Length gets 413 and a message before anything
    reads it; a body without a Content-Length (chunked) is counted as it streams in and cut at the bound. Gradio's
    /upload (bounded by max_file_size) is left to Gradio."""

    def __init__(self, app, max_bytes: int = MAX_BODY_MB * 2**20):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].rstrip("/").endswith("/upload"):
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.max_bytes:
                return await self.refuse(send, language(scope))
            return await self.app(scope, receive, send)
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:  # what the app gets: the body so far, ended; it answers 400
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        await self.app(scope, counted, send)

    async def refuse(self, send, lang: str = "en"):
        await refuse(send, 413, T.text("body_too_large", lang, mb=self.max_bytes // 2**20))


class UploadQuota:
    """ASGI middleware: Gradio's /upload refused (429, with a message) once the visitor's address has sent
    UPLOAD_QUOTA_MB within the last EXPIRE[1] seconds, as Content-Length says (an upload without one is refused: the
    browser and gradio_client always send it). Uploads expire after that time, so this bounds what one visitor keeps
    on the Space's disk."""

    def __init__(self, app, quota_mb: int | None = None, window: int | None = None):
        self.app = app
        self.quota = (quota_mb if quota_mb is not None else UPLOAD_QUOTA_MB) * 2**20
        self.window = window if window is not None else EXPIRE[1]
        self.sent: dict[str, list[tuple[float, int]]] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope["path"].rstrip("/").endswith("/upload"):
            return await self.app(scope, receive, send)
        import time
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1") if os.environ.get("SPACE_ID") else ""
        who = forwarded.split(",")[0].strip() or (scope.get("client") or ("?",))[0]
        now = time.monotonic()
        recent = [(t, n) for t, n in self.sent.get(who, []) if now - t < self.window]
        used = sum(n for _, n in recent)
        if not length.isdigit() or used + int(length) > self.quota:
            self.sent[who] = recent
            return await refuse(send, 429, T.text("upload_quota", language(scope), used=f"{used / 2**20:,.0f}",
                                                  minutes=self.window // 60, quota=f"{self.quota // 2**20:,}"))
        self.sent[who] = recent + [(now, int(length))]
        for key in [k for k, v in self.sent.items() if not v or now - v[-1][0] >= self.window]:
            del self.sent[key]  # forget visitors whose uploads have all expired
        return await self.app(scope, receive, send)


def language(scope) -> str:
    "The visitor's language ('en' or 'ko') from an ASGI request's headers (i18n.lang: cookie, Accept-Language)."
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
    return i18n.lang(headers)


async def refuse(send, status: int, detail: str):
    "An HTTP error answer with Gradio's JSON shape ({'detail': ...})."
    import json
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
