"""The web server: /healthz, and the press-office console with its JSON API (`monitor.console`).

/healthz answers 503 only when the database is unreachable or behind its migrations; a failing job or source
does not make the service unhealthy, it is reported in `jobs` and `sources` for the operators to read, as are the
duty channel and the configured bodies that have no alert channel (`bodies_without_channel`: only the duty
channel hears their alerts until someone gives them one).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from monitor.console import admin, api, auth, briefings, pages, posts, sources, timeliness
from monitor.console.context import HERE, Console, packaged_fonts
from yuqing import __version__
from yuqing.jobs import Job, last_runs
from yuqing.settings import Settings
from yuqing.storage.database import current_revision, head_revision, session_factory
from yuqing.storage.models import Source


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def source_health(source: Source) -> dict[str, Any]:
    """What the crawler last recorded for one source (crawler/health.py writes it after every run)."""
    status = "never_run" if source.last_run_at is None else "failing" if source.consecutive_failures else "ok"
    return {
        "name": source.name,
        "media": source.media,
        "enabled": source.enabled,
        "status": status,
        "last_run_at": _when(source.last_run_at),
        "last_success_at": _when(source.last_success_at),
        "last_items": source.last_items,
        "consecutive_failures": source.consecutive_failures,
        "last_error_kind": source.last_error_kind,
        "last_error": source.last_error,
    }


SECURITY_HEADERS = {
    # Every script, style and image is the console's own (no CDN, no inline script): nothing else may run.
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

HTTP_ERROR_TEXT = {404: "页面不存在", 405: "不支持此操作"}  # Starlette's own errors, in the console's words


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def create_app(settings: Settings, engine: Engine, jobs: list[Job]) -> FastAPI:
    factory = session_factory(engine)
    app = FastAPI(
        title="舆情监测控制台 API",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN; /api/docs is served from static/ instead
        redoc_url=None,
    )
    app.state.console = Console.build(settings, factory)
    alerts = {
        "duty_channel": settings.duty_channels.addresses(),
        "bodies_without_channel": [body.name for body in settings.organisations.bodies_without_channel()],
    }

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        database: dict[str, Any] = {"backend": engine.dialect.name, "head": head_revision()}
        job_state: list[dict[str, Any]] = []
        sources: list[dict[str, Any]] = []
        try:
            database["revision"] = current_revision(engine)
            database["reachable"] = True
            with factory() as session:
                runs = last_runs(session, [job.name for job in jobs])
                sources = [source_health(s) for s in session.scalars(select(Source).order_by(Source.name))]
            for job in jobs:
                run = runs.get(job.name)
                job_state.append(
                    {
                        "name": job.name,
                        "every_seconds": job.every.total_seconds(),
                        "last_run": None
                        if run is None
                        else {
                            "started_at": run.started_at.isoformat(),
                            "finished_at": _when(run.finished_at),
                            "status": run.status,
                            "detail": run.detail,
                        },
                    }
                )
        except SQLAlchemyError as error:
            database.update(reachable=False, error=str(error.__cause__ or error).splitlines()[0])
        database["up_to_date"] = database.get("revision") == database["head"]
        healthy = database["reachable"] and database["up_to_date"]
        body = {
            "status": "ok" if healthy else "unhealthy",
            "version": __version__,
            "database": database,
            "jobs": job_state,
            "sources": sources,
            **alerts,
        }
        return JSONResponse(body, status_code=200 if healthy else 503)

    @app.exception_handler(auth.LoginRequired)
    def login_required(request: Request, _error: auth.LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "请先登录"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return auth.login_redirect(request)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
        message = error.detail if isinstance(error.detail, str) and not error.detail.isascii() else None
        message = message or HTTP_ERROR_TEXT.get(error.status_code, "请求有误")
        return app.state.console.page(request, "error.html", error.status_code, message=message)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request, who: Annotated[auth.Principal, Depends(auth.principal)]) -> Response:
        """The API described from its OpenAPI schema, rendered here: FastAPI's own page loads Swagger UI from a
        CDN, which an office without the internet cannot reach."""
        return app.state.console.page(request, "api_docs.html", paths=app.openapi()["paths"])

    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(api.router)
    for pages_of in (posts, sources, briefings, timeliness, admin):
        app.include_router(pages_of.router)
    app.mount("/static/fonts", StaticFiles(directory=packaged_fonts()), name="fonts")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
