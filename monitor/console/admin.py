"""Administration (`admin` only): the accounts — add one, set its password, disable it, through the same
functions as `yuqing users …` and audited under the admin's name — and the configuration as the service
validated it. The configuration holds no secret (config files name environment variables, never their values);
the database address is shown without its password."""

from __future__ import annotations

from typing import Annotated

import yaml
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from monitor.console.auth import Principal, checked, requires
from monitor.console.context import Console, console, database
from monitor.console.forms import read_form
from yuqing.audit import audit
from yuqing.settings import Settings
from yuqing.storage.models import User
from yuqing.users import ROLE_TEXT, Role, add_user, end_sessions, parse_body, set_password

CONFIG_FILES = ("service", "sources", "schemes", "categories", "organisations", "timers", "notifications", "briefing")
router = APIRouter(prefix="/admin", include_in_schema=False)
Admin = Annotated[Principal, Depends(requires(Role.ADMIN))]
App = Annotated[Console, Depends(console)]
Db = Annotated[Session, Depends(database)]


def _acting_admin(who: Annotated[Principal, Depends(checked)]) -> Principal:
    if who.role != Role.ADMIN:
        raise HTTPException(403, "当前账号无权进行此操作")
    return who


Acting = Annotated[Principal, Depends(_acting_admin)]
Form = Annotated[FormData, Depends(read_form)]


def _users_page(request: Request, app: Console, session: Session, error: str = "", done: str = ""):
    users = list(session.scalars(select(User).order_by(User.username)))
    domains = {d: info.name for d, info in app.settings.organisations.domains.items()}
    return app.page(
        request,
        "users.html",
        400 if error else 200,
        users=users,
        error=error,
        done=done,
        roles=ROLE_TEXT,
        domains=domains,
    )


@router.get("/users")
def users_page(request: Request, who: Admin, app: App, session: Db):
    return _users_page(request, app, session, done="已保存" if request.query_params.get("done") else "")


@router.post("/users")
def add_account(request: Request, who: Acting, app: App, session: Db, form: Form):
    bodies_text = [line.strip() for line in str(form.get("bodies", "")).split() if line.strip()]
    try:
        bodies = [parse_body(text, app.settings.organisations.domains) for text in bodies_text]
        add_user(
            session,
            who.username,
            str(form.get("username", "")).strip(),
            str(form.get("role", "")),
            str(form.get("password", "")),
            bodies,
            str(form.get("display_name", "")).strip(),
        )
        session.commit()
    except ValueError as error:
        session.rollback()
        return _users_page(request, app, session, error=str(error))
    return RedirectResponse("/admin/users?done=1", status_code=303)


def _account(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise HTTPException(404, "没有这个账号")
    return user


@router.post("/users/{username}/password")
def set_account_password(username: str, request: Request, who: Acting, app: App, session: Db, form: Form):
    user = _account(session, username)
    try:
        set_password(session, who.username, user, str(form.get("password", "")))
        end_sessions(session, user)
        session.commit()
    except ValueError as error:
        session.rollback()
        return _users_page(request, app, session, error=str(error))
    return RedirectResponse("/admin/users?done=1", status_code=303)


@router.post("/users/{username}/disable")
def disable_account(username: str, who: Acting, session: Db):
    user = _account(session, username)
    if user.id == who.user_id:
        raise HTTPException(400, "不能停用自己的账号")
    user.active = False
    end_sessions(session, user)
    audit(session, who.username, "user.disable", "user", user.id, username=username)
    session.commit()
    return RedirectResponse("/admin/users?done=1", status_code=303)


def config_text(settings: Settings) -> list[tuple[str, str]]:
    """Each config file's validated content as YAML, and the database address without its password."""
    files = [(f"{name}.yaml", getattr(settings, name).model_dump(mode="json")) for name in CONFIG_FILES]
    shown = [(name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)) for name, data in files]
    database_url = make_url(settings.database_url).render_as_string(hide_password=True)
    return [("数据库", database_url), ("配置目录", str(settings.config_dir)), *shown]


@router.get("/config")
def config_page(request: Request, who: Admin, app: App):
    return app.page(request, "config.html", sections=config_text(app.settings))
