"""`create_app()`: the ASGI application. Configuration is read here, not at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from allonav import __version__
from allonav.services.context import Context, open_context
from allonav.settings import Settings
from allonav.web import api, api_screen, pages


def create_app(settings: Settings | None = None, *, context: Context | None = None) -> FastAPI:
    """Build the app from settings (the environment by default) or an already open context."""
    ctx = context or open_context(settings or Settings.from_env())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if context is None:
            ctx.close()

    app = FastAPI(
        title="allonav",
        version=__version__,
        description="Catalogue of cell-therapy programmes (allogeneic CAR-T and CAR-NK first). "
        "allonav informs; it never gives medical advice or promises eligibility.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.context = ctx
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="allonav API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )

    app.include_router(api.router)
    app.include_router(api_screen.router)
    app.include_router(pages.router)
    return app
