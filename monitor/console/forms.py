"""A posted form, read once by an async dependency so the routes that use it can stay synchronous (their
database work then runs in FastAPI's thread pool instead of blocking the event loop)."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData


async def read_form(request: Request) -> FormData:
    return await request.form()
