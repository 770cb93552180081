"""The audit trail's hash chain: how a row is hashed, and how the whole trail is verified."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery

from helpdesk.models import SupportRequest
from workflows.models import TransitionLog


def canonical(
    *,
    request_id: int,
    seq: int,
    transition: str,
    from_state: str,
    to_state: str,
    actor_id: int | None,
    created_at: datetime,
    comment: str,
    data: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The exact bytes a row's hash covers; stable across databases (sorted keys, UTC microseconds)."""
    content = {
        "request": request_id,
        "seq": seq,
        "transition": transition,
        "from": from_state,
        "to": to_state,
        "actor": actor_id,
        "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "comment": comment,
        "data": data,
        "prev": prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON types, so the hash of what is stored equals the hash of what is read back."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"Not allowed in an audit row: {type(value).__name__}")


def log_append(
    *,
    request_id: int,
    transition: str,
    from_state: str,
    to_state: str,
    actor_id: int | None,
    created_at: datetime,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> TransitionLog:
    """Append a row to the request's chain. Call it with the request's row locked (``transition_perform`` does):
    the unique (request, seq) constraint turns any other concurrent append into an error, never a fork.
    """
    last = TransitionLog.objects.filter(request_id=request_id).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    row = TransitionLog(
        request_id=request_id,
        seq=seq,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor_id=actor_id,
        created_at=created_at,
        comment=comment,
        data=json_safe(data or {}),
        prev_hash=prev_hash,
    )
    row.hash = row_hash(row)
    row.save()
    return row


def log_append_many(
    *, request_ids: Iterable[int], transition: str, actor_id: int | None, created_at: datetime, data: dict[str, Any]
) -> list[TransitionLog]:
    """Append the same line (not a move: the request stays in its state) to several requests' chains in two
    queries: one read of each chain's tail and the request's state, one insert. Call it with the requests' rows
    locked, as ``log_append``; the unique (request, seq) constraint refuses a concurrent append."""
    tail = TransitionLog.objects.filter(request_id=OuterRef("pk")).order_by("-seq")
    heads = SupportRequest.objects.filter(pk__in=list(request_ids)).annotate(
        last_seq=Subquery(tail.values("seq")[:1]), last_hash=Subquery(tail.values("hash")[:1])
    )
    rows = []
    for request_id, state, last_seq, last_hash in heads.values_list("pk", "state", "last_seq", "last_hash"):
        row = TransitionLog(
            request_id=request_id,
            seq=(last_seq or 0) + 1,
            transition=transition,
            from_state=state,
            to_state=state,
            actor_id=actor_id,
            created_at=created_at,
            comment="",
            data=json_safe(data),
            prev_hash=last_hash or "",
        )
        row.hash = row_hash(row)
        rows.append(row)
    return TransitionLog.objects.bulk_create(rows)


def chain_hash(**fields: Any) -> str:
    """The hash of the row ``fields`` describe (``canonical``'s keywords): what a row stores, and what a seeder
    writing rows in bulk stores too, so that ``audit_verify`` accepts them."""
    return hashlib.sha256(canonical(**fields)).hexdigest()


def row_hash(row: TransitionLog) -> str:
    return chain_hash(
        request_id=row.request_id,
        seq=row.seq,
        transition=row.transition,
        from_state=row.from_state,
        to_state=row.to_state,
        actor_id=row.actor_id,
        created_at=row.created_at,
        comment=row.comment,
        data=row.data,
        prev_hash=row.prev_hash,
    )


@dataclass(frozen=True)
class BrokenLink:
    request_id: int
    reference: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.reference or self.request_id} #{self.seq}: {self.problem}"


def _check_chain(rows: Iterable[TransitionLog]) -> Iterator[tuple[TransitionLog, str]]:
    """Yield (row, problem) for one request's rows, given in ``seq`` order."""
    expected_seq, prev_hash = 1, ""
    for row in rows:
        if row.seq != expected_seq:
            yield row, f"sequence jumps from {expected_seq - 1} to {row.seq} (a row was removed or inserted)"
        if row.prev_hash != prev_hash:
            yield row, "does not chain to the previous row (a row was removed, inserted or altered)"
        if row_hash(row) != row.hash:
            yield row, "content does not match its hash (the row was altered)"
        expected_seq, prev_hash = row.seq + 1, row.hash


@dataclass(frozen=True)
class AuditReport:
    rows: int
    chains: int
    broken: list[BrokenLink]

    @property
    def intact(self) -> bool:
        return not self.broken

    @property
    def broken_chains(self) -> list[int]:
        """The requests whose chain is broken, once each, in order."""
        return list(dict.fromkeys(link.request_id for link in self.broken))


_COLUMNS = ("pk", "request_id", "seq", "transition", "from_state", "to_state", "actor_id", "created_at", "comment",
            "data", "prev_hash", "hash")  # fmt: skip


def audit_verify(*, request_ids: Iterable[int] | None = None, chunk_size: int = 2000) -> AuditReport:
    """Walk every chain (or those of ``request_ids``) and report each broken link.

    Reads the trail in one streamed query. Also compares each chain's last row with the request's current
    state, which catches a state changed behind the lifecycle's back and a chain whose tail was cut off.
    """
    rows = TransitionLog.objects.order_by("request_id", "seq").values_list(
        *_COLUMNS, "request__reference", "request__state"
    )
    if request_ids is not None:
        rows = rows.filter(request_id__in=list(request_ids))
    broken: list[BrokenLink] = []
    current: list[TransitionLog] = []
    meta: tuple[str, str] = ("", "")
    counted_rows = chains = 0

    def flush() -> None:
        if not current:
            return
        reference, state = meta
        for row, problem in _check_chain(current):
            broken.append(BrokenLink(row.request_id, reference, row.seq, problem))
        last = current[-1]
        if last.to_state != state:
            problem = f"the request is '{state}' but its trail ends in '{last.to_state}'"
            broken.append(BrokenLink(last.request_id, reference, last.seq, problem))

    for values in rows.iterator(chunk_size=chunk_size):
        *columns, reference, state = values
        row = TransitionLog(**dict(zip(_COLUMNS, columns, strict=True)))
        if current and current[-1].request_id != row.request_id:
            flush()
            current = []
        if not current:
            chains += 1
        meta = (reference, state)
        current.append(row)
        counted_rows += 1
    flush()
    return AuditReport(rows=counted_rows, chains=chains, broken=broken)
