"""Console users and the audit trail of what people change."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.storage.models import AuditEntry, User

ROLES = ("analyst", "supervisor", "admin")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def audit(session: Session, actor: str, action: str, entity: str, entity_id: Any, **details: Any) -> None:
    """Record a change in the same transaction as the change itself."""
    session.add(AuditEntry(actor=actor, action=action, entity=entity, entity_id=str(entity_id), details=details))


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
