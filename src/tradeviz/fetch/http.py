"""The one HTTP client of the fetchers: a timeout per request, a minimum spacing between calls, and retries
with exponential backoff on 429 and 5xx (honouring ``Retry-After`` and Comtrade's "Try again in N seconds").

Plain ``requests`` with ``tenacity`` for the retries.  The clock and the sleep are injectable (tests pass a
fake sleep, so nothing waits).  Secrets (API keys) travel in headers only and are never part of the URL or the
parameters this module reports back, so nothing that records a :class:`Call` can leak them.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
import tenacity

from tradeviz.fetch.errors import (
    AuthError,
    BadResponseError,
    FetchError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)

USER_AGENT = "tradeviz (https://github.com/; research use; contact in CITATION.cff)"
TRY_AGAIN = re.compile(r"try again in (\d+(?:\.\d+)?) seconds?", re.I)


@dataclass
class Policy:
    """How politely to call a service. ``delay``: minimum seconds between two calls (the IMF's limits are
    "very restrictive": 1.5 s, as imfp waits); ``attempts``: tries per request; ``backoff``: first wait of the
    exponential backoff (doubling, capped at ``max_wait``); ``timeout``: seconds per request."""

    delay: float = 1.5
    timeout: float = 60.0
    attempts: int = 5
    backoff: float = 2.0
    max_wait: float = 120.0
    sleep: Callable[[float], None] = field(default=lambda seconds: time.sleep(seconds))
    clock: Callable[[], float] = field(default=lambda: time.monotonic())


@dataclass(frozen=True)
class Response:
    """A successful answer: the body exactly as received, and what the provenance record says about it."""

    url: str
    params: dict[str, str]
    status: int
    body: bytes
    retrieved: str
    attempts: int
    content_type: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


class _Retry(Exception):
    def __init__(self, message: str, wait: float | None, final: FetchError) -> None:
        super().__init__(message)
        self.wait = wait
        self.final = final


def _server_wait(resp: requests.Response) -> float | None:
    """Seconds the server asked us to wait (``Retry-After`` or "Try again in N seconds" in the body)."""
    header = resp.headers.get("Retry-After", "").strip()
    if header.replace(".", "", 1).isdigit():
        return float(header)
    match = TRY_AGAIN.search(resp.text[:2000])
    return float(match.group(1)) if match else None


@dataclass
class Client:
    """GET with the :class:`Policy`; every failure becomes one :class:`~tradeviz.fetch.errors.FetchError`."""

    service: str
    policy: Policy = field(default_factory=Policy)
    session: requests.Session = field(default_factory=requests.Session)
    calls: int = 0
    _last: float | None = None

    def _space(self) -> None:
        if self._last is not None and self.policy.delay > 0:
            left = self.policy.delay - (self.policy.clock() - self._last)
            if left > 0:
                self.policy.sleep(left)
        self._last = self.policy.clock()

    def _once(self, url: str, params: Mapping[str, str], headers: Mapping[str, str]) -> requests.Response:
        self._space()
        self.calls += 1
        where = f"{self.service} ({url})"
        try:
            resp = self.session.get(
                url, params=dict(params), headers={"User-Agent": USER_AGENT, **headers}, timeout=self.policy.timeout
            )
            body = resp.content  # read the whole body here: a connection cut mid-body raises below
        except requests.exceptions.Timeout as exc:
            raise _Retry(
                str(exc), None, NetworkError(f"{where} did not answer within {self.policy.timeout:g} s")
            ) from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise BadResponseError(
                f"{where}: the body was cut off before its end ({exc}); run the fetch again"
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            raise NetworkError(
                f"cannot reach {where}: {exc.__class__.__name__} ({_short(exc)}). Check the internet connection "
                "(and a proxy, if you use one); nothing was written"
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise NetworkError(f"{where}: {exc}") from exc
        status = resp.status_code
        if status in (401, 403):
            raise AuthError(f"{where} refused the request with HTTP {status}: {_body_hint(body)}")
        if status == 404:
            raise NotFoundError(f"{where} answered HTTP 404 (no such dataflow, endpoint or key): {_body_hint(body)}")
        if status == 429:
            raise _Retry(
                "429",
                _server_wait(resp),
                RateLimitedError(
                    f"{where} kept answering HTTP 429 (too many requests) after {self.policy.attempts} attempts; "
                    "wait a while and run the fetch again (it resumes where it stopped)"
                ),
            )
        if status >= 500:
            raise _Retry(
                str(status),
                _server_wait(resp),
                ServerError(
                    f"{where} answered HTTP {status} after {self.policy.attempts} attempts: {_body_hint(body)}; "
                    "try again later (the fetch resumes where it stopped)"
                ),
            )
        if status != 200:
            raise ServerError(f"{where} answered HTTP {status}, not 200: {_body_hint(body)}")
        return resp

    def get(
        self, url: str, params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> Response:
        """The body of a 200 answer; retries 429, 5xx and timeouts; raises a FetchError otherwise."""
        params = dict(params or {})
        headers = dict(headers or {})
        policy = self.policy

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            asked = exc.wait if isinstance(exc, _Retry) else None
            if asked is not None:
                return min(asked, policy.max_wait)
            return min(policy.backoff * 2 ** (state.attempt_number - 1), policy.max_wait)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(policy.attempts),
            wait=wait,
            retry=tenacity.retry_if_exception_type(_Retry),
            sleep=policy.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    resp = self._once(url, params, headers)
                    return Response(
                        url=url,
                        params=params,
                        status=resp.status_code,
                        body=resp.content,
                        retrieved=datetime.now(UTC).isoformat(timespec="seconds"),
                        attempts=attempt.retry_state.attempt_number,
                        content_type=resp.headers.get("Content-Type", ""),
                    )
        except _Retry as exc:
            raise exc.final from None
        raise AssertionError("unreachable")  # pragma: no cover


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "…"


def _body_hint(body: bytes) -> str:
    text = body[:300].decode("utf-8", "replace").strip().replace("\n", " ")
    return text or "(empty body)"
