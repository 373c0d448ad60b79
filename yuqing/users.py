"""Console users."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.audit import audit
from yuqing.storage.models import User

ROLES = ("analyst", "supervisor", "admin")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def add_user(
    session: Session,
    actor: str,
    username: str,
    role: str,
    display_name: str = "",
    email: str | None = None,
    password: str | None = None,
) -> User:
    if role not in ROLES:
        raise ValueError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if find_user(session, username):
        raise ValueError(f"user {username!r} already exists")
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        email=email,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    audit(session, actor, "user.add", "user", user.id, username=username, role=role)
    return user
