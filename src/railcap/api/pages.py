"""The pages: plain HTML and one script, served from the package (no CDN); plotly.js from the installed
plotly package. Data comes from the API with the token the sign-in page keeps in the browser session."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).with_name("static")
PAGES = {"signin": "Sign in", "map": "Network map", "plan": "Path request", "diagram": "Space–time diagram",
         "allocations": "Allocations", "capacity": "Capacity", "movement": "Movements", "studies": "Resilience studies",
         "portfolio": "Portfolio"}


@lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode()


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/map")


@router.get("/static/plotly.min.js")
def plotly_js() -> Response:
    return Response(_plotly_js(), media_type="application/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise HTTPException(404)
    return FileResponse(path)


def _page(name: str) -> str:
    body = (STATIC / f"{name}.html").read_text(encoding="utf-8")
    nav = "".join(f'<a href="/{k}" class="{"here" if k == name else ""}">{v}</a>'
                  for k, v in PAGES.items() if k != "signin")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>railcap · {PAGES[name]}</title><link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js"></script><script src="/static/views.js"></script></head><body data-page="{name}">
<header><b>railcap</b><nav>{nav}</nav><span id="who"></span><a href="/signin" id="signout">sign out</a></header>
<main>{body}</main></body></html>"""


def _route(name: str):
    def page() -> HTMLResponse:
        return HTMLResponse(_page(name))
    page.__name__ = f"page_{name}"
    return page


for _name in PAGES:
    router.get(f"/{_name}")(_route(_name))
