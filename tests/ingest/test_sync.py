"""ClinicalTrials.gov API v2 sync client, against hand-written responses (no network)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from allonav.ingest.study_json import parse_study
from allonav.ingest.sync import (
    CELL_THERAPY_TERM,
    DEFAULT_BASE_URL,
    CtgovClient,
    OfflineError,
    SyncConfig,
    SyncError,
    SyncQuery,
    _retry_after,
    iter_pages,
    probe,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ctgov_api"
BASE = "https://ctgov.test/api/v2/studies"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def json_response(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=fixture(name), headers={"Content-Type": "application/json"})


class Sleeps:
    """Records requested delays instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


def make_client(sleeps: Sleeps, **overrides: Any) -> CtgovClient:
    settings: dict[str, Any] = {"base_url": BASE, "page_size": 2, "backoff_base": 1.0, "max_retries": 3}
    config = SyncConfig(**{**settings, **overrides})
    return CtgovClient(config, sleep=sleeps)


def by_token(pages: dict[str | None, httpx.Response]) -> Callable[[httpx.Request], httpx.Response]:
    def respond(request: httpx.Request) -> httpx.Response:
        return pages[request.url.params.get("pageToken")]

    return respond


def three_pages() -> dict[str | None, httpx.Response]:
    return {
        None: json_response("page1.json"),
        "tok-page-2": json_response("page2.json"),
        "tok-page-3": json_response("page3.json"),
    }


# ---------------------------------------------------------------- paging


def test_pages_follow_next_page_token_until_the_last(router: respx.MockRouter, sleeps: Sleeps) -> None:
    route = router.get(BASE).mock(side_effect=by_token(three_pages()))
    with make_client(sleeps) as api:
        pages = list(api.iter_pages())

    assert [p.number for p in pages] == [1, 2, 3]
    assert [len(p.studies) for p in pages] == [2, 2, 1]
    assert [p.next_page_token for p in pages] == ["tok-page-2", "tok-page-3", None]
    assert [p.page_token for p in pages] == [None, "tok-page-2", "tok-page-3"]
    assert pages[0].total_count == 5
    assert pages[1].total_count is None
    sent = [call.request.url.params for call in route.calls]
    assert [params.get("pageToken") for params in sent] == [None, "tok-page-2", "tok-page-3"]
    for params in sent:
        assert params["query.term"] == CELL_THERAPY_TERM
        assert params["pageSize"] == "2"
        assert params["format"] == "json"
        assert params["countTotal"] == "true"
        assert "filter.advanced" not in params
    assert sleeps.delays == []


def test_paged_studies_map_with_parse_study(router: respx.MockRouter, sleeps: Sleeps) -> None:
    router.get(BASE).mock(side_effect=by_token(three_pages()))
    with make_client(sleeps) as api:
        trials = [parse_study(study, source="api") for study in api.iter_studies()]
    assert [t.nct_id for t in trials] == [f"NCT9000000{i}" for i in range(1, 6)]
    assert trials[0].last_update == date(2024, 5, 2)


def test_empty_result_is_one_empty_page(router: respx.MockRouter, sleeps: Sleeps) -> None:
    router.get(BASE).mock(return_value=json_response("empty.json"))
    with make_client(sleeps) as api:
        pages = list(api.iter_pages())
    assert len(pages) == 1
    assert pages[0].studies == ()
    assert pages[0].total_count == 0


def test_resume_from_a_page_token(router: respx.MockRouter, sleeps: Sleeps) -> None:
    route = router.get(BASE).mock(side_effect=by_token(three_pages()))
    with make_client(sleeps) as api:
        pages = list(api.iter_pages(page_token="tok-page-3"))
    assert len(pages) == 1
    assert route.calls[0].request.url.params["pageToken"] == "tok-page-3"


def test_a_repeated_page_token_stops_instead_of_looping(router: respx.MockRouter, sleeps: Sleeps) -> None:
    looping = json.loads(fixture("page2.json"))
    looping["nextPageToken"] = "tok-page-2"
    router.get(BASE).mock(
        side_effect=by_token(
            {None: json_response("page1.json"), "tok-page-2": httpx.Response(200, json=looping)}
        )
    )
    with make_client(sleeps) as api, pytest.raises(SyncError, match="same next page token"):
        list(api.iter_pages())


def test_module_level_iter_pages_leaves_an_injected_client_open(
    router: respx.MockRouter, sleeps: Sleeps
) -> None:
    router.get(BASE).mock(side_effect=by_token(three_pages()))
    client = httpx.Client()
    pages = list(iter_pages(SyncQuery(), SyncConfig(base_url=BASE), client=client, sleep=sleeps))
    assert sum(len(p.studies) for p in pages) == 5
    assert not client.is_closed
    client.close()


# ---------------------------------------------------------------- query parameters


def test_incremental_sync_sends_last_update_filter(router: respx.MockRouter, sleeps: Sleeps) -> None:
    route = router.get(BASE).mock(return_value=json_response("page3.json"))
    query = SyncQuery(updated_since=date(2024, 1, 1), statuses=("RECRUITING", "not yet recruiting"))
    with make_client(sleeps) as api:
        list(api.iter_pages(query))
    params = route.calls[0].request.url.params
    assert params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-01-01,MAX]"
    assert params["filter.overallStatus"] == "RECRUITING,NOT_YET_RECRUITING"
    assert params["query.term"] == CELL_THERAPY_TERM


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SyncQuery(), {"query.term": CELL_THERAPY_TERM}),
        (SyncQuery(term=None, conditions=("AML",)), {"query.cond": "AML"}),
        (
            SyncQuery(term="", conditions=("acute myeloid leukemia", "MDS"), interventions=("CAR-NK",)),
            {"query.cond": "(acute myeloid leukemia) OR MDS", "query.intr": "CAR-NK"},
        ),
        (
            SyncQuery(term="CAR-T", updated_since=datetime(2025, 3, 4, 12, 0)),
            {"query.term": "CAR-T", "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2025-03-04,MAX]"},
        ),
    ],
)
def test_query_parameters(query: SyncQuery, expected: dict[str, str]) -> None:
    assert query.params() == expected


def test_query_rejects_unknown_status() -> None:
    with pytest.raises(ValueError, match="unknown study status 'OPEN'"):
        SyncQuery(statuses=("OPEN",))


@pytest.mark.parametrize(
    "bad", [{"page_size": 0}, {"page_size": 1001}, {"max_retries": -1}, {"connect_timeout": 0}]
)
def test_config_rejects_nonsense(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SyncConfig(**bad)


def test_default_config_has_a_short_connect_timeout() -> None:
    config = SyncConfig()
    assert config.base_url == DEFAULT_BASE_URL
    assert config.timeout.connect is not None and config.timeout.connect <= 5


# ---------------------------------------------------------------- retries


def test_429_honours_retry_after_then_succeeds(router: respx.MockRouter, sleeps: Sleeps) -> None:
    route = router.get(BASE).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}, text="Too Many Requests"),
            json_response("page3.json"),
        ]
    )
    with make_client(sleeps) as api:
        pages = list(api.iter_pages())
    assert len(pages) == 1
    assert route.call_count == 2
    assert sleeps.delays == [7.0]


def test_retry_after_never_shortens_the_backoff(router: respx.MockRouter, sleeps: Sleeps) -> None:
    router.get(BASE).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "0"}),
            httpx.Response(502),
            httpx.Response(429),
            json_response("page3.json"),
        ]
    )
    with make_client(sleeps, backoff_base=0.5) as api:
        list(api.iter_pages())
    assert sleeps.delays == [0.5, 1.0, 2.0]


def test_retry_after_is_capped_by_max_delay(router: respx.MockRouter, sleeps: Sleeps) -> None:
    router.get(BASE).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "86400"}), json_response("page3.json")]
    )
    with make_client(sleeps, max_delay=30.0) as api:
        list(api.iter_pages())
    assert sleeps.delays == [30.0]


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    when = format_datetime(now + timedelta(seconds=42), usegmt=True)
    response = httpx.Response(429, headers={"Retry-After": when})
    assert _retry_after(response, now) == pytest.approx(42.0)
    assert _retry_after(httpx.Response(429, headers={"Retry-After": "soon"}), now) is None
    assert _retry_after(httpx.Response(429), now) is None


def test_503_exhausted_raises_sync_error(router: respx.MockRouter, sleeps: Sleeps) -> None:
    route = router.get(BASE).mock(return_value=httpx.Response(503, text="Service Unavailable"))
    with make_client(sleeps, max_retries=3) as api, pytest.raises(SyncError) as caught:
        list(api.iter_pages())
    assert not isinstance(caught.value, OfflineError)
    message = str(caught.value)
    assert "failed after 4 attempts" in message
    assert "HTTP 503" in message
    assert "allonav trials import PATH" in message
    assert route.call_count == 4
    assert sleeps.delays == [1.0, 2.0, 4.0]


def test_read_timeout_is_retried(router: respx.MockRouter, sleeps: Sleeps) -> None:
    router.get(BASE).mock(side_effect=[httpx.ReadTimeout("read timed out"), json_response("page3.json")])
    with make_client(sleeps) as api:
        assert len(list(api.iter_pages())) == 1
    assert sleeps.delays == [1.0]


def test_failure_on_a_later_page_carries_its_token(router: respx.MockRouter, sleeps: Sleeps) -> None:
    pages = {None: json_response("page1.json"), "tok-page-2": httpx.Response(500)}
    router.get(BASE).mock(side_effect=by_token(pages))
    got = []
    with make_client(sleeps, max_retries=1) as api, pytest.raises(SyncError) as caught:
        for page in api.iter_pages():
            got.append(page)
    assert len(got) == 1
    assert caught.value.page_token == "tok-page-2"
    assert "page token 'tok-page-2'" in str(caught.value)


def test_client_error_is_not_retried(router: respx.MockRouter, sleeps: Sleeps) -> None:
    router.get(BASE).mock(return_value=httpx.Response(400, text="unknown parameter query.bogus"))
    with make_client(sleeps) as api, pytest.raises(SyncError, match=r"HTTP 400.*unknown parameter"):
        list(api.iter_pages())
    assert sleeps.delays == []


# ---------------------------------------------------------------- offline


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("[Errno -2] Name or service not known"),
        httpx.ConnectTimeout("timed out"),
    ],
)
def test_connect_failure_is_offline_at_once(
    router: respx.MockRouter, sleeps: Sleeps, error: Exception
) -> None:
    route = router.get(BASE).mock(side_effect=error)
    with make_client(sleeps) as api, pytest.raises(OfflineError) as caught:
        list(api.iter_pages())
    message = str(caught.value)
    assert message.startswith("cannot reach ClinicalTrials.gov (")
    assert message.endswith("); import a downloaded file with `allonav trials import PATH` instead")
    assert type(error).__name__ in message
    assert route.call_count == 1
    assert sleeps.delays == []


def test_connect_failure_after_first_answer_is_retried_then_offline(
    router: respx.MockRouter, sleeps: Sleeps
) -> None:
    pages = {None: json_response("page1.json")}

    def respond(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("pageToken")
        if token in pages:
            return pages[token]
        raise httpx.ConnectError("connection refused")

    router.get(BASE).mock(side_effect=respond)
    with make_client(sleeps, max_retries=2) as api, pytest.raises(OfflineError, match="after 3 attempts"):
        list(api.iter_pages())
    assert sleeps.delays == [1.0, 2.0]


# ---------------------------------------------------------------- bad bodies


def test_malformed_json_raises_sync_error(router: respx.MockRouter, sleeps: Sleeps) -> None:
    router.get(BASE).mock(
        return_value=httpx.Response(
            200, content=fixture("not_json.html"), headers={"Content-Type": "text/html"}
        )
    )
    with make_client(sleeps) as api, pytest.raises(SyncError, match=r"not JSON \(text/html") as caught:
        list(api.iter_pages())
    assert "down for maintenance" in str(caught.value)
    assert sleeps.delays == []


def test_truncated_json_raises_sync_error(router: respx.MockRouter, sleeps: Sleeps) -> None:
    router.get(BASE).mock(return_value=httpx.Response(200, content=fixture("page1.json")[:120]))
    with make_client(sleeps) as api, pytest.raises(SyncError, match="not JSON"):
        list(api.iter_pages())


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (fixture("wrong_shape.json"), '"studies" must be a list, got nothing'),
        (b"[1, 2]", "expected a JSON object, got list"),
        (b'{"studies": {"a": 1}}', '"studies" must be a list, got dict'),
        (b'{"studies": ["NCT90000001"]}', "studies\\[0\\] must be an object, got str"),
        (b'{"studies": [], "nextPageToken": 7}', '"nextPageToken" must be a non-empty string'),
        (b'{"studies": [], "totalCount": "many"}', '"totalCount" must be a non-negative integer'),
    ],
)
def test_wrongly_shaped_body_raises_sync_error(
    router: respx.MockRouter, sleeps: Sleeps, body: bytes, reason: str
) -> None:
    router.get(BASE).mock(return_value=httpx.Response(200, content=body))
    with make_client(sleeps) as api, pytest.raises(SyncError, match=f"unexpected response: {reason}"):
        list(api.iter_pages())


# ---------------------------------------------------------------- probe


def test_probe_true_when_the_api_answers(router: respx.MockRouter) -> None:
    route = router.get(BASE).mock(return_value=json_response("page3.json"))
    assert probe(1.0, SyncConfig(base_url=BASE)) is True
    assert route.calls[0].request.url.params["pageSize"] == "1"


@pytest.mark.parametrize(
    "outcome",
    [httpx.ConnectError("[Errno -3] Temporary failure in name resolution"), httpx.Response(503)],
)
def test_probe_false_when_unreachable_or_failing(router: respx.MockRouter, outcome: Any) -> None:
    route = router.get(BASE)
    if isinstance(outcome, Exception):
        route.mock(side_effect=outcome)
    else:
        route.mock(return_value=outcome)
    assert probe(0.5, SyncConfig(base_url=BASE)) is False
    assert route.call_count == 1
