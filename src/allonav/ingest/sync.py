"""Fetch studies from the live ClinicalTrials.gov API v2 (`GET /api/v2/studies`).

Nothing here reads the environment or opens a connection at import time: the caller builds a
`SyncConfig` (base URL, page size, timeouts, retry policy) and a `CtgovClient`, optionally handing
in its own `httpx.Client` and a `sleep` callable (tests record the delays instead of sleeping).

Paging follows the API's `pageToken` / `nextPageToken` cursor. An incremental sync asks only for
studies whose last-update post date is on or after a given day, through
`filter.advanced=AREA[LastUpdatePostDate]RANGE[YYYY-MM-DD,MAX]`.

Failures:

* HTTP 429 and 5xx, and transport errors other than "cannot connect" (read timeouts, dropped
  connections), are retried with exponential backoff (`backoff_base * 2**attempt`, capped at
  `max_delay`); a `Retry-After` header (seconds or an HTTP date) is honoured, within the same cap.
  After `max_retries` retries a `SyncError` says what failed last.
* When the very first request of a client cannot connect at all (DNS failure, refused, connect
  timeout) the machine is taken to be offline and `OfflineError` is raised at once, without
  retries, so that an offline start is quick. A connect failure after the API has answered once is
  retried like any other transport error, and still reported as `OfflineError` when it persists.
* Another 4xx, a body that is not JSON, or JSON of the wrong shape raise `SyncError` at once.

Every `SyncError` carries `page_token`: the cursor of the page that failed (None for the first
page), so that a caller that stored the pages already yielded can resume with
`iter_pages(query, page_token=...)`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import httpx

from allonav.domain.trial import OverallStatus

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2/studies"

CELL_THERAPY_TERM = (
    '"chimeric antigen receptor" OR "CAR-T" OR "CAR T" OR "CAR-NK" OR "CAR NK" OR "CAR-NKT" OR "CAR T-cell"'
)
"""Default `query.term`: CAR-T, CAR-NK and other chimeric-antigen-receptor cell-therapy trials."""

IMPORT_HINT = "import a downloaded file with `allonav trials import PATH` instead"

_RETRY_STATUSES = frozenset({429}) | frozenset(range(500, 600))
_SNIPPET = 200


class SyncError(Exception):
    """The live sync failed; the message says why in words an operator understands.

    `page_token` is the cursor of the page that could not be fetched (None for the first page).
    """

    def __init__(self, message: str, *, page_token: str | None = None) -> None:
        super().__init__(message)
        self.page_token = page_token


class OfflineError(SyncError):
    """ClinicalTrials.gov cannot be reached at all (no network, DNS failure, connection refused)."""


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """How to talk to the API. All values are plain data; nothing is read from the environment."""

    base_url: str = DEFAULT_BASE_URL
    page_size: int = 1000
    connect_timeout: float = 3.0
    read_timeout: float = 60.0
    max_retries: int = 4
    backoff_base: float = 2.0
    max_delay: float = 120.0
    user_agent: str = "allonav (cell-therapy trial catalogue)"

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= 1000:
            raise ValueError(f"page_size must be between 1 and 1000, got {self.page_size}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must not be negative, got {self.max_retries}")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.backoff_base < 0 or self.max_delay < 0:
            raise ValueError("backoff_base and max_delay must not be negative")

    @property
    def timeout(self) -> httpx.Timeout:
        """The httpx timeout: a short connect timeout, a longer one for reading a page."""
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)


def _as_tuple(value: str | Iterable[str], name: str) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(value)
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name} must hold strings, got {type(item).__name__}")
        if item.strip():
            out.append(item.strip())
    return tuple(out)


def _or_terms(items: tuple[str, ...]) -> str:
    """Join search terms with OR; a term of several words is kept together in parentheses."""
    if len(items) == 1:
        return items[0]
    return " OR ".join(f"({item})" if " " in item and not item.startswith('"') else item for item in items)


@dataclass(frozen=True, slots=True)
class SyncQuery:
    """What to ask the API for. `SyncQuery()` is the default cell-therapy query.

    `conditions` and `interventions` are OR-ed within themselves; `statuses` are API
    `overallStatus` values; `updated_since` turns the query into an incremental sync.
    """

    term: str | None = CELL_THERAPY_TERM
    conditions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    updated_since: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "conditions", _as_tuple(self.conditions, "conditions"))
        object.__setattr__(self, "interventions", _as_tuple(self.interventions, "interventions"))
        statuses = _as_tuple(self.statuses, "statuses")
        normalised: list[str] = []
        for status in statuses:
            key = status.strip().upper().replace(" ", "_").replace(",", "")
            try:
                normalised.append(OverallStatus(key).value)
            except ValueError:
                allowed = ", ".join(member.value for member in OverallStatus)
                raise ValueError(f"unknown study status {status!r}; allowed: {allowed}") from None
        object.__setattr__(self, "statuses", tuple(normalised))
        if self.term is not None and not self.term.strip():
            object.__setattr__(self, "term", None)
        if isinstance(self.updated_since, datetime):
            object.__setattr__(self, "updated_since", self.updated_since.date())

    def params(self) -> dict[str, str]:
        """The query's API parameters (without paging, format or page size)."""
        params: dict[str, str] = {}
        if self.term:
            params["query.term"] = self.term
        if self.conditions:
            params["query.cond"] = _or_terms(self.conditions)
        if self.interventions:
            params["query.intr"] = _or_terms(self.interventions)
        if self.statuses:
            params["filter.overallStatus"] = ",".join(self.statuses)
        if self.updated_since is not None:
            params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{self.updated_since.isoformat()},MAX]"
        return params


@dataclass(frozen=True, slots=True)
class SyncPage:
    """One page of results: the raw API v2 study objects, the cursor to the next page, the total."""

    studies: tuple[dict[str, Any], ...]
    next_page_token: str | None
    total_count: int | None
    number: int = 1
    page_token: str | None = field(default=None, compare=False)


def _retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds the server asks us to wait, from `Retry-After` (delta-seconds or HTTP date)."""
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[:_SNIPPET] + "…"


def _describe_transport(exc: httpx.TransportError) -> str:
    kind = type(exc).__name__
    detail = str(exc).strip()
    return f"{kind}: {detail}" if detail else kind


class CtgovClient:
    """A ClinicalTrials.gov API v2 client with paging, retries and an offline check.

    Use as a context manager (or call `close`) when it created its own `httpx.Client`; a client
    handed in is left open for its owner.
    """

    def __init__(
        self,
        config: SyncConfig | None = None,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config or SyncConfig()
        self._sleep = sleep
        self._owns_client = client is None
        self._client = client or httpx.Client(
            timeout=self.config.timeout,
            headers={"User-Agent": self.config.user_agent, "Accept": "application/json"},
            follow_redirects=True,
        )
        self._reached = False

    def close(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def probe(self, timeout: float = 3.0) -> bool:
        """Whether the API answers a one-study request within `timeout` seconds (no retries)."""
        try:
            response = self._client.get(
                self.config.base_url,
                params={"pageSize": "1", "format": "json", "fields": "NCTId"},
                timeout=httpx.Timeout(timeout),
            )
        except httpx.HTTPError:
            return False
        return response.is_success

    def iter_pages(
        self, query: SyncQuery | None = None, *, page_token: str | None = None
    ) -> Iterator[SyncPage]:
        """Yield the result pages of `query` (default: the cell-therapy query) until the last one.

        `page_token` resumes from a cursor (e.g. `SyncError.page_token` of an interrupted sync).
        Raises `OfflineError` when the API cannot be reached, `SyncError` for any other failure.
        """
        query = query or SyncQuery()
        base_params = query.params()
        base_params.update({"format": "json", "pageSize": str(self.config.page_size), "countTotal": "true"})
        token = page_token
        seen: set[str] = set()
        number = 0
        while True:
            number += 1
            params = dict(base_params)
            if token is not None:
                params["pageToken"] = token
            payload = self._get_json(params, token)
            page = self._page(payload, token, number)
            yield page
            token = page.next_page_token
            if token is None:
                return
            if token in seen:
                raise SyncError(
                    f"ClinicalTrials.gov returned the same next page token twice ({token!r}); stopping "
                    "rather than looping",
                    page_token=token,
                )
            seen.add(token)

    def iter_studies(self, query: SyncQuery | None = None) -> Iterator[dict[str, Any]]:
        """Yield the raw study objects of every page of `query`."""
        for page in self.iter_pages(query):
            yield from page.studies

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        delay = self.config.backoff_base * (2.0**attempt)
        if response is not None:
            asked = _retry_after(response)
            if asked is not None:
                delay = max(delay, asked)
        return min(delay, self.config.max_delay)

    def _get_json(self, params: Mapping[str, str], token: str | None) -> Any:
        attempts = self.config.max_retries + 1
        where = "the first page" if token is None else f"page token {token!r}"
        last = ""
        connect_failed = False
        for attempt in range(attempts):
            response: httpx.Response | None = None
            try:
                response = self._client.get(self.config.base_url, params=params, timeout=self.config.timeout)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                last = _describe_transport(exc)
                connect_failed = True
                if not self._reached:
                    raise OfflineError(
                        f"cannot reach ClinicalTrials.gov ({last}); {IMPORT_HINT}", page_token=token
                    ) from exc
            except httpx.TransportError as exc:
                last = _describe_transport(exc)
                connect_failed = False
            else:
                self._reached = True
                connect_failed = False
                if response.is_success:
                    return self._decode(response, token)
                if response.status_code not in _RETRY_STATUSES:
                    raise SyncError(
                        f"ClinicalTrials.gov refused the request for {where}: HTTP {response.status_code} "
                        f"{response.reason_phrase}: {_snippet(response.text)!r}",
                        page_token=token,
                    )
                last = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
            if attempt + 1 < attempts:
                self._sleep(self._delay(attempt, response))
        if connect_failed:
            raise OfflineError(
                f"cannot reach ClinicalTrials.gov ({last}, after {attempts} attempts); {IMPORT_HINT}",
                page_token=token,
            )
        raise SyncError(
            f"ClinicalTrials.gov request for {where} failed after {attempts} attempts (last: {last}); "
            f"try again later, or {IMPORT_HINT}",
            page_token=token,
        )

    @staticmethod
    def _decode(response: httpx.Response, token: str | None) -> Any:
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError) as exc:
            kind = response.headers.get("Content-Type", "no content type")
            raise SyncError(
                f"ClinicalTrials.gov sent a response that is not JSON ({kind}; {exc}): "
                f"{_snippet(response.text)!r}",
                page_token=token,
            ) from None

    @staticmethod
    def _page(payload: Any, token: str | None, number: int) -> SyncPage:
        def bad(reason: str) -> SyncError:
            return SyncError(f"ClinicalTrials.gov sent an unexpected response: {reason}", page_token=token)

        if not isinstance(payload, dict):
            raise bad(f"expected a JSON object, got {type(payload).__name__}")
        studies = payload.get("studies")
        if not isinstance(studies, list):
            got = "nothing" if studies is None else type(studies).__name__
            raise bad(f'"studies" must be a list, got {got}')
        for index, study in enumerate(studies):
            if not isinstance(study, dict):
                raise bad(f"studies[{index}] must be an object, got {type(study).__name__}")
        next_token = payload.get("nextPageToken")
        if next_token is not None and (not isinstance(next_token, str) or not next_token):
            raise bad(f'"nextPageToken" must be a non-empty string, got {next_token!r}')
        total = payload.get("totalCount")
        if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
            raise bad(f'"totalCount" must be a non-negative integer, got {total!r}')
        return SyncPage(
            studies=tuple(studies),
            next_page_token=next_token,
            total_count=total,
            number=number,
            page_token=token,
        )


def iter_pages(
    query: SyncQuery | None = None,
    config: SyncConfig | None = None,
    *,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    page_token: str | None = None,
) -> Iterator[SyncPage]:
    """Yield the result pages of `query` with a one-off `CtgovClient` (see `CtgovClient.iter_pages`)."""
    with CtgovClient(config, client=client, sleep=sleep) as api:
        yield from api.iter_pages(query, page_token=page_token)


def probe(
    timeout: float = 3.0,
    config: SyncConfig | None = None,
    *,
    client: httpx.Client | None = None,
) -> bool:
    """Whether ClinicalTrials.gov answers within `timeout` seconds; never raises for network errors."""
    with CtgovClient(config, client=client) as api:
        return api.probe(timeout)
