"""Timestamps for the value codec: datetime (microseconds) or pandas.Timestamp
(nanoseconds) <-> google.protobuf.Timestamp. Naive datetimes are taken as UTC;
decoding gives timezone-aware UTC values: a datetime when the nanos are whole
microseconds, else a pandas.Timestamp (which keeps them)."""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Tuple

from toolbridge._codec_wire import PathError, Reader, int64

MIN_SECONDS = -62135596800  # 0001-01-01T00:00:00Z
MAX_SECONDS = 253402300799  # 9999-12-31T23:59:59Z
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def check_range(seconds: int, nanos: int) -> None:
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise PathError("timestamp outside 0001-01-01..9999-12-31")
    if not 0 <= nanos <= 999_999_999:
        raise PathError("timestamp nanos outside 0..999999999")


def timestamp_parts(v: _dt.datetime) -> Tuple[int, int]:
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(v, pd.Timestamp):
        ts = v if v.tzinfo is not None else v.tz_localize("UTC")
        total = int(ts.value)  # ns since epoch, UTC
        seconds, nanos = divmod(total, 1_000_000_000)
    else:
        aware = v if v.tzinfo is not None and v.utcoffset() is not None else v.replace(tzinfo=_dt.timezone.utc)
        delta = aware - _EPOCH
        seconds = delta.days * 86400 + delta.seconds
        nanos = delta.microseconds * 1000
    check_range(seconds, nanos)
    return seconds, nanos


def timestamp_body(seconds: int, nanos: int) -> bytearray:
    out = bytearray()
    if seconds:
        out.append(8)
        int64(out, seconds)
    if nanos:
        out.append(16)
        int64(out, nanos)
    return out


def read_timestamp(r: Reader, end: int):
    seconds = 0
    nanos = 0
    while r.pos < end:
        tag = r.tag()
        if tag == 8:
            seconds = r.int64()
        elif tag == 16:
            nanos = r.int64()
        else:
            r.skip_unknown(tag, 0b110)
    check_range(seconds, nanos)
    if nanos % 1000 == 0:
        return _EPOCH + _dt.timedelta(seconds=seconds, microseconds=nanos // 1000)
    import pandas as pd

    try:
        return pd.Timestamp(seconds * 1_000_000_000 + nanos, unit="ns", tz="UTC")
    except (OverflowError, ValueError):
        raise PathError("timestamp with nanoseconds outside pandas' range 1677..2262") from None
