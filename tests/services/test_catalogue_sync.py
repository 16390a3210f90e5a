"""Live sync through the service, against recorded API pages (respx: no network)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import respx

from allonav.services import catalogue_sync
from allonav.services.context import Context
from allonav.store.trials import count_trials

API = Path(__file__).resolve().parents[1] / "fixtures" / "ctgov_api"
STUDIES = Path(__file__).resolve().parents[1] / "fixtures" / "studies"
PAGES = {None: "page1.json", "tok-page-2": "page2.json", "tok-page-3": "page3.json"}


def _page(request: httpx.Request) -> httpx.Response:
    if request.url.params.get("pageSize") == "1":  # the reachability probe
        return httpx.Response(200, json={"studies": []})
    name = PAGES[request.url.params.get("pageToken")]
    return httpx.Response(200, json=json.loads((API / name).read_text()))


@pytest.fixture
def api(ctx: Context) -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True) as router:
        yield router


def _no_sleep(_seconds: float) -> None:
    return None


def test_sync_imports_every_page_and_is_idempotent(ctx: Context, api: respx.MockRouter) -> None:
    api.get(ctx.settings.ctgov_url).mock(side_effect=_page)
    first = catalogue_sync.sync(ctx, sleep=_no_sleep)
    assert first.summary["imported"] == 5
    second = catalogue_sync.sync(ctx, sleep=_no_sleep)
    assert second.summary["imported"] == 0 and second.summary["unchanged"] == 5


def test_failure_mid_sync_keeps_the_pages_already_fetched(ctx: Context, api: respx.MockRouter) -> None:
    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("pageToken"):
            return httpx.Response(503, text="maintenance")
        return _page(request)

    api.get(ctx.settings.ctgov_url).mock(side_effect=flaky)
    with pytest.raises(catalogue_sync.SyncFailed, match="kept what was fetched before: 2 new"):
        catalogue_sync.sync(ctx, sleep=_no_sleep)
    with ctx.sessions() as session:
        assert count_trials(session) == 2


def test_unknown_status_is_refused(ctx: Context) -> None:
    with pytest.raises(catalogue_sync.SyncFailed, match="unknown study status"):
        catalogue_sync.sync(ctx, statuses=("OPEN-ISH",), sleep=_no_sleep)


def test_first_run_fills_from_the_live_api_when_reachable(ctx: Context, api: respx.MockRouter) -> None:
    api.get(ctx.settings.ctgov_url).mock(side_effect=_page)
    message = catalogue_sync.fill_if_empty(ctx, offline=False, log=lambda _: None, sleep=_no_sleep)
    assert "filled from ClinicalTrials.gov: 5 programmes" in message


def test_first_run_falls_back_to_the_snapshot_when_offline(ctx: Context, api: respx.MockRouter) -> None:
    api.get(ctx.settings.ctgov_url).mock(side_effect=httpx.ConnectError("no route to host"))
    ctx.settings = replace(ctx.settings, snapshot=STUDIES)
    lines: list[str] = []
    message = catalogue_sync.fill_if_empty(ctx, offline=False, log=lines.append, sleep=_no_sleep)
    assert "not reachable" in lines[0]
    assert "filled from" in message and "6 programmes" in message
