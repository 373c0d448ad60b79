"""Posts: search by words, category, priority, region, source and date range, page by page; a post's page with
its labels and their explanation, where a duty officer raises it to a case or corrects its labels.

A post's labels here are its current ones: the latest correction, else the model's latest label (what
grouping and training read). Words are matched in the title and the simplified text through the bigram index
of `yuqing.storage.search`, which serves two-character Chinese words on SQLite and PostgreSQL alike. Posts are
the press office's material: `duty` and `admin` only; a department reaches the posts of its cases through the
case page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlalchemy import String, cast, exists, func, select
from sqlalchemy.orm import Session, aliased
from starlette.datastructures import FormData

from monitor.console.auth import Principal, answering, checked, requires
from monitor.console.context import Console, console, database
from monitor.console.forms import read_form
from responder.cases import Responder
from responder.lifecycle import CaseError, correct_post, raise_to_case
from yuqing.caseview import case_posts
from yuqing.divisions import name_of
from yuqing.settings import Settings
from yuqing.storage.models import Case, EventPost, Label, LabelCorrection, Post, Source
from yuqing.storage.search import containing
from yuqing.users import Role
from yuqing.vocabulary import PRIORITY_TEXT, Category, Handling, Priority, case_number, severity_label

PAGE_SIZE = 50
EXCERPT = 80  # characters of a post without a title shown in the list
router = APIRouter(include_in_schema=False)
Staff = Annotated[Principal, Depends(requires(Role.DUTY, Role.ADMIN))]
App = Annotated[Console, Depends(console)]
Db = Annotated[Session, Depends(database)]


class PostFilters(BaseModel):
    """A search; empty fields do not narrow it. `region` is a division code (posts naming it or a place in it),
    `start` and `end` local dates (both included)."""

    q: str = ""
    category: str = ""
    priority: str = ""
    region: str = ""
    source: str = ""
    start: date | None = None
    end: date | None = None
    page: int = 1


@dataclass
class PostRow:
    id: int
    title: str
    excerpt: str
    source: str
    published_at: datetime | None
    category_text: str
    priority_text: str
    regions: str


def _newest(label: type[Label]):
    """`label` is its post's latest model label (no later one): an anti-join on both databases, instead of an
    aggregate per post (corrections are read on the post's page)."""
    later = aliased(Label, name="later_label")
    return ~exists().where(later.post_id == label.post_id, later.id > label.id)


def _region_pattern(code: str) -> str:
    """A code and every code inside it, as they appear in a label's JSON list: 331100 → `"3311`."""
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return f'%"{prefix}%'


def _labels(session: Session, post_ids: list[int]) -> dict[int, Label]:
    """The latest model label of each of these posts."""
    label = aliased(Label, name="current_label")
    rows = session.scalars(select(label).where(label.post_id.in_(post_ids), _newest(label)))
    return {row.post_id: row for row in rows}


def search(session: Session, settings: Settings, filters: PostFilters) -> tuple[list[PostRow], bool]:
    """One page of posts, newest first, and whether another page follows. The page is chosen first (the posts'
    publication-time index walks back until it is full; filters on labels are one semi-join), then the page's
    labels are read, so a search never joins every post to its labels."""
    query = (
        select(
            Post.id,
            Post.title,
            func.substr(Post.text, 1, EXCERPT).label("excerpt"),
            Post.media,
            Post.published_at,
            Source.name.label("source"),
        )
        .select_from(Post)
        .outerjoin(Source, Source.id == Post.source_id)
        .order_by(Post.published_at.desc().nulls_last(), Post.id.desc())
    )
    if filters.q.strip():
        query = query.where(containing(session.get_bind().dialect.name, filters.q.split()))
    label = aliased(Label, name="current_label")
    on_label = []
    if filters.category:
        on_label.append(label.category == filters.category)
    if filters.priority:
        on_label.append(label.priority == filters.priority)
    if filters.region:
        on_label.append(cast(label.regions, String).like(_region_pattern(filters.region)))
    if on_label:
        query = query.where(Post.id.in_(select(label.post_id).where(_newest(label), *on_label)))
    if filters.source:
        query = query.where(Source.name == filters.source)
    zone = settings.timezone
    if filters.start:
        query = query.where(Post.published_at >= datetime.combine(filters.start, time(), zone))
    if filters.end:
        query = query.where(Post.published_at < datetime.combine(filters.end + timedelta(days=1), time(), zone))
    page = max(filters.page, 1)
    found = session.execute(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    labels = _labels(session, [row.id for row in found[:PAGE_SIZE]])
    names = settings.categories.categories
    rows = []
    for row in found[:PAGE_SIZE]:
        labelled = labels.get(row.id)
        rows.append(
            PostRow(
                id=row.id,
                title=row.title,
                excerpt=row.excerpt,
                source=row.source or row.media,
                published_at=row.published_at,
                category_text=names[labelled.category].name if labelled else "未分类",
                priority_text=PRIORITY_TEXT[labelled.priority] if labelled else "-",
                regions="、".join(name_of(code) for code in labelled.regions) if labelled else "",
            )
        )
    return rows, len(found) > PAGE_SIZE


@router.get("/posts")
def posts_page(request: Request, who: Staff, app: App, session: Db, filters: Annotated[PostFilters, Query()]):
    rows, more = search(session, app.settings, filters)
    sources = list(session.scalars(select(Source.name).order_by(Source.name)))
    query = {k: v for k, v in request.query_params.items() if k != "page"}
    return app.page(
        request,
        "posts.html",
        rows=rows,
        more=more,
        filters=filters,
        query=query,
        sources=sources,
        categories={c: app.settings.categories.categories[c].name for c in Category},
        priorities={p: PRIORITY_TEXT[p] for p in reversed(Priority)},
    )


def _post_or_404(session: Session, post_id: int) -> Post:
    post = session.get(Post, post_id)
    if post is None:
        raise HTTPException(404, "没有这条帖文")
    return post


@router.get("/posts/{post_id}")
def post_page(post_id: int, request: Request, who: Staff, app: App, session: Db):
    return _post_page(request, who, app, session, post_id)


def _post_page(request: Request, who: Principal, app: Console, session: Session, post_id: int, error: str = ""):
    post = _post_or_404(session, post_id)
    settings = app.settings
    label = session.scalar(select(Label).where(Label.post_id == post.id).order_by(Label.id.desc()).limit(1))
    corrections = list(
        session.scalars(select(LabelCorrection).where(LabelCorrection.post_id == post.id).order_by(LabelCorrection.id))
    )
    event_id = session.scalar(select(EventPost.event_id).where(EventPost.post_id == post.id))
    case = None if event_id is None else session.scalar(select(Case).where(Case.event_id == event_id))
    source = session.get(Source, post.source_id) if post.source_id else None
    copies = 0 if event_id is None else len([p for p in case_posts(session, event_id) if p.duplicate_of == post.id])
    return app.page(
        request,
        "post.html",
        400 if error else 200,
        post=post,
        source=source.name if source else None,
        label=label,
        corrections=corrections,
        case=case,
        case_name=case_number(case.id) if case and who.sees(answering(case.assignment)) else None,
        copies=copies,
        error=error,
        names=settings.categories.categories,
        handlings={h: t.name for h, t in settings.categories.handling.items()},
        priority_text=PRIORITY_TEXT,
        severity_label=severity_label,
        domains={d: info.name for d, info in settings.organisations.domains.items()},
        can_act=who.role == Role.DUTY,
        categories={c: settings.categories.categories[c].name for c in Category},
    )


def _duty(who: Principal) -> None:
    if who.role != Role.DUTY:
        raise HTTPException(403, "当前账号无权进行此操作")


@router.post("/posts/{post_id}/raise")
def raise_post(post_id: int, request: Request, who: Annotated[Principal, Depends(checked)], app: App, session: Db):
    _duty(who)
    _post_or_404(session, post_id)
    try:
        case = raise_to_case(session, Responder(app.settings), post_id, who.username, datetime.now(UTC))
        session.commit()
    except CaseError as error:
        session.rollback()
        return _post_page(request, who, app, session, post_id, str(error))
    return RedirectResponse(f"/cases/{case.id}?done=raise", status_code=303)


@router.post("/posts/{post_id}/correct")
def correct_post_labels(
    post_id: int,
    request: Request,
    who: Annotated[Principal, Depends(checked)],
    app: App,
    session: Db,
    form: Annotated[FormData, Depends(read_form)],
):
    _duty(who)
    _post_or_404(session, post_id)
    try:
        category = Category(str(form.get("category", "")))
        handling = Handling(str(form["handling"])) if form.get("handling") else None
    except ValueError:
        return _post_page(request, who, app, session, post_id, "类别或处置类型填写有误")
    try:
        correct_post(
            session,
            Responder(app.settings),
            post_id,
            who.username,
            who.user_id,
            category,
            handling,
            str(form.get("reason", "")),
        )
        session.commit()
    except CaseError as error:
        session.rollback()
        return _post_page(request, who, app, session, post_id, str(error))
    return RedirectResponse(f"/posts/{post_id}?corrected=1", status_code=303)
