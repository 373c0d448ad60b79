"""Who is asking: sign-in and sign-out, the session behind a cookie or a bearer token, CSRF checks.

- A browser signs in at `/login` and gets an HttpOnly, SameSite=Lax cookie (Secure when the request came over
  TLS, also through a proxy that says so and that uvicorn trusts); Lax, not Strict, so a case link in a Slack
  alert opens the case for someone already signed in. The cookie holds a random token; the database keeps only
  its SHA-256 (`ConsoleSession`), and a session ends after `SESSION_HOURS`, at sign-out, or when the account is
  disabled or its password changed.
- Another system signs in with `POST /api/session` and sends `Authorization: Bearer TOKEN`; a browser never
  sends that header by itself, so such calls need no CSRF token.
- Every form carries the session's CSRF token (`csrf_token`), and a browser's API call sends it as
  `X-CSRF-Token`; the sign-in form, before any session, uses a double-submit cookie.
- Failed sign-ins are limited per account and per address (`ratelimit.LoginLimiter`) and, like every sign-in
  and sign-out, written to the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from monitor.console.context import Console, console, database
from yuqing.audit import audit
from yuqing.records import Body, CaseAssignment
from yuqing.storage.models import Case, ConsoleSession, User
from yuqing.users import Role, find_user, hash_password, needs_rehash, user_bodies, verify_password

COOKIE = "yuqing_session"
LOGIN_CSRF_COOKIE = "yuqing_login_csrf"
SESSION_HOURS = 12
router = APIRouter()


@dataclass(frozen=True)
class Principal:
    """The signed-in account as the routes need it."""

    user_id: int
    username: str
    display_name: str
    role: Role
    bodies: frozenset[Body]
    csrf_token: str
    by_bearer: bool

    def sees(self, case_bodies: list[Body]) -> bool:
        return self.role != Role.DEPARTMENT or not self.bodies.isdisjoint(case_bodies)


class LoginRequired(Exception):
    """No valid session: a page sends the browser to /login, the API answers 401."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _token(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), True
    return request.cookies.get(COOKIE), False


def principal(request: Request, session: Annotated[Session, Depends(database)]) -> Principal:
    """The account behind the request's cookie or bearer token, or LoginRequired."""
    token, by_bearer = _token(request)
    if not token:
        raise LoginRequired
    row = session.execute(
        select(ConsoleSession, User)
        .join(User, User.id == ConsoleSession.user_id)
        .where(ConsoleSession.id == _digest(token), ConsoleSession.expires_at > datetime.now(UTC), User.active)
    ).first()
    if row is None:
        raise LoginRequired
    stored, user = row
    found = Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name or user.username,
        role=Role(user.role),
        bodies=frozenset(user_bodies(user)),
        csrf_token=stored.csrf_token,
        by_bearer=by_bearer,
    )
    request.state.principal = found
    return found


async def checked(request: Request, who: Annotated[Principal, Depends(principal)]) -> Principal:
    """The principal of a request that changes something: a browser's must carry the session's CSRF token."""
    if not who.by_bearer:
        sent = request.headers.get("x-csrf-token")
        if sent is None and "form" in request.headers.get("content-type", ""):
            sent = (await request.form()).get("csrf_token")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, who.csrf_token):
            raise HTTPException(403, "表单已失效（CSRF校验未通过），请刷新页面后重试")
    return who


def requires(*roles: Role):
    """A dependency admitting only these roles (403 for the others: they know the page exists)."""

    def allowed(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if who.role not in roles:
            raise HTTPException(403, "当前账号无权进行此操作")
        return who

    return allowed


def answering(assignment: CaseAssignment) -> list[Body]:
    """Every body with a part in a case: the lead, the responders and the coordinators."""
    named = [assignment.lead, *assignment.responders, *assignment.coordinators]
    return list(dict.fromkeys(body.body() for body in named))


def visible_case(session: Session, who: Principal, case_id: int) -> Case:
    """The case, or 404 when it does not exist or the account may not see it: a department cannot tell another
    department's case from no case at all."""
    case = session.get(Case, case_id)
    if case is None or not who.sees(answering(case.assignment)):
        raise HTTPException(404, "没有这个案件")
    return case


def _start_session(session: Session, user: User, address: str) -> str:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
    session.add(
        ConsoleSession(
            id=_digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            address=address,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    return token


def sign_in(session: Session, app: Console, username: str, password: str, address: str) -> str:
    """A session token for the right password; ValueError with the reason a person may read otherwise."""
    if app.limiter.blocked(username, address):
        audit(session, username, "user.login_blocked", "user", None, address=address)
        session.commit()
        raise PermissionError("登录失败次数过多，请15分钟后再试")
    user = find_user(session, username)
    if user is None or not user.active or not verify_password(user, password):
        app.limiter.failed(username, address)
        audit(session, username, "user.login_failed", "user", user.id if user else None, address=address)
        session.commit()
        raise ValueError("用户名或密码错误")
    app.limiter.succeeded(username)
    if needs_rehash(user):
        user.password_hash = hash_password(password)
    token = _start_session(session, user, address)
    audit(session, user.username, "user.login", "user", user.id, address=address)
    session.commit()
    return token


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(request: Request, app: Console, target: str, error: str | None = None, status_code: int = 200):
    token = secrets.token_urlsafe(32)
    response = app.page(request, "login.html", status_code, csrf=token, next=target, error=error)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request, app: Annotated[Console, Depends(console)], next: str = "/"):
    return _login_page(request, app, _safe_next(next))


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    app: Annotated[Console, Depends(console)],
    session: Annotated[Session, Depends(database)],
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
):
    target = _safe_next(next)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_page(request, app, target, "登录表单已失效，请重新输入", 403)
    try:
        token = sign_in(session, app, username.strip(), password, _address(request))
    except PermissionError as error:
        return _login_page(request, app, target, str(error), 429)
    except ValueError as error:
        return _login_page(request, app, target, str(error), 401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _end(session: Session, request: Request, who: Principal) -> None:
    token, _ = _token(request)
    session.execute(delete(ConsoleSession).where(ConsoleSession.id == _digest(token or "")))
    audit(session, who.username, "user.logout", "user", who.user_id)
    session.commit()


@router.post("/logout", include_in_schema=False)
def logout(
    request: Request, who: Annotated[Principal, Depends(checked)], session: Annotated[Session, Depends(database)]
):
    _end(session, request, who)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


class Credentials(BaseModel):
    username: str
    password: str


class SessionToken(BaseModel):
    token: str
    expires_in: int  # seconds


@router.post("/api/session", tags=["session"], responses={401: {}, 429: {}})
def api_sign_in(
    credentials: Credentials,
    request: Request,
    app: Annotated[Console, Depends(console)],
    session: Annotated[Session, Depends(database)],
) -> SessionToken:
    """Sign in another system: send the token back as `Authorization: Bearer TOKEN`."""
    try:
        token = sign_in(session, app, credentials.username, credentials.password, _address(request))
    except PermissionError as error:
        raise HTTPException(429, str(error)) from error
    except ValueError as error:
        raise HTTPException(401, str(error)) from error
    return SessionToken(token=token, expires_in=SESSION_HOURS * 3600)


@router.delete("/api/session", tags=["session"], status_code=204)
def api_sign_out(
    request: Request, who: Annotated[Principal, Depends(checked)], session: Annotated[Session, Depends(database)]
) -> Response:
    _end(session, request, who)
    return Response(status_code=204)


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
