"""Console accounts: who may sign in, with which role, for which bodies.

Roles (`Role`): `admin` manages users and reads the configuration; `duty` is the press office and works on every
case; `department` is bound to one or more bodies ("ADCODE:DOMAIN", e.g. `331102:environment`) and sees and acts
only on cases where one of them leads, responds or coordinates (the console enforces it on every page and API
call, `monitor.console.auth`).

Passwords are hashed with argon2id (argon2-cffi's defaults); a hash written by the earlier scrypt scheme still
verifies and is replaced by an argon2 hash at the next sign-in (`needs_rehash`). There is no default account and
no default password: the first account is made with `yuqing users add`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from yuqing import adcodes
from yuqing.audit import audit
from yuqing.records import Body
from yuqing.storage.models import ConsoleSession, User


class Role(StrEnum):
    DUTY = "duty"
    DEPARTMENT = "department"
    ADMIN = "admin"


ROLES = tuple(Role)
ROLE_TEXT = {Role.DUTY: "值班（新闻办）", Role.DEPARTMENT: "责任部门", Role.ADMIN: "管理员"}
MIN_PASSWORD = 10  # characters: the console faces a whole office network
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _verify_scrypt(stored: str, password: str) -> bool:
    """The scheme before argon2: scrypt$n$r$p$salt$digest."""
    _, n, r, p, salt, digest = stored.split("$")
    computed = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(computed.hex(), digest)


def verify_password(user: User, password: str) -> bool:
    """True when the password is the user's; an account without a password never signs in."""
    stored = user.password_hash
    if not stored:
        return False
    if stored.startswith("scrypt$"):
        return _verify_scrypt(stored, password)
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(user: User) -> bool:
    stored = user.password_hash or ""
    return stored.startswith("scrypt$") or _HASHER.check_needs_rehash(stored)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password: {len(password)} characters; expected at least {MIN_PASSWORD}")


def parse_body(text: str, domains: Iterable[str]) -> Body:
    """ "331102:environment" → Body; the message says what is wrong with a bad one."""
    adcode, sep, domain = text.partition(":")
    if not sep or not adcodes.is_adcode(adcode):
        raise ValueError(f"--body {text!r}: expected ADCODE:DOMAIN, e.g. 331102:environment")
    known = set(domains)
    if domain not in known:
        raise ValueError(f"--body {text!r}: unknown domain {domain!r}; expected one of {', '.join(sorted(known))}")
    return Body(adcode=adcode, domain=domain)


def body_key(body: Body) -> str:
    return f"{body.adcode}:{body.domain}"


def user_bodies(user: User) -> set[Body]:
    return {Body(adcode=a, domain=d) for a, _, d in (key.partition(":") for key in user.bodies)}


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def add_user(
    session: Session,
    actor: str,
    username: str,
    role: str,
    password: str,
    bodies: list[Body] | None = None,
    display_name: str = "",
    email: str | None = None,
) -> User:
    """A new account; a department account needs at least one body, the other roles take none."""
    if role not in ROLES:
        raise ValueError(f"--role {role!r}: expected one of {', '.join(ROLES)}")
    bodies = list(dict.fromkeys(bodies or []))
    if role == Role.DEPARTMENT and not bodies:
        raise ValueError("--role department: give the bodies it answers for with --body ADCODE:DOMAIN")
    if role != Role.DEPARTMENT and bodies:
        raise ValueError(f"--body: only department accounts are bound to bodies, not {role}")
    check_password(password)
    if find_user(session, username):
        raise ValueError(f"user {username!r} already exists")
    user = User(
        username=username,
        role=role,
        bodies=[body_key(b) for b in bodies],
        display_name=display_name,
        email=email,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit(session, actor, "user.add", "user", user.id, username=username, role=role, bodies=user.bodies)
    return user


def set_password(session: Session, actor: str, user: User, password: str) -> None:
    check_password(password)
    user.password_hash = hash_password(password)
    audit(session, actor, "user.passwd", "user", user.id, username=user.username)


def end_sessions(session: Session, user: User) -> None:
    """Sign the user out of every browser (a changed password, a disabled account)."""
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
