"""The tagged JSON notation of conformance/values (README.md there) -> Python values.

JSON cannot say int vs float, bytes, timestamps or non-string keys, so those are
tagged: {"$int": "9007199254740993"}, {"$float": "NaN"}, {"$bytes": "<base64>"},
{"$ts": "2024-01-02T03:04:05.123456789Z"}, {"$map": [[key, value], ...]},
{"$ext": {"type": name, "data": "<base64>"}}, {"$table": {...}}. Bare JSON numbers
are rejected: they are ambiguous.
"""

from __future__ import annotations

import base64
import calendar
import datetime as _dt
import re

_TS = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z\Z")
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def parse_ts_ns(s: str) -> int:
    """RFC 3339 UTC ('Z') with up to 9 fraction digits -> nanoseconds since the epoch."""
    m = _TS.match(s)
    if not m:
        raise ValueError(f"bad $ts {s!r}")
    y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
    seconds = calendar.timegm((y, mo, d, h, mi, sec, 0, 0, 0))
    frac = (m.group(7) or "").ljust(9, "0")
    return seconds * 1_000_000_000 + int(frac)


def timestamp(s: str):
    ns = parse_ts_ns(s)
    seconds, nanos = divmod(ns, 1_000_000_000)
    if nanos % 1000 == 0:
        return _EPOCH + _dt.timedelta(seconds=seconds, microseconds=nanos // 1000)
    import pandas as pd

    return pd.Timestamp(ns, unit="ns", tz="UTC")


def _key(k):
    return tuple(_key(x) for x in k) if isinstance(k, list) else k


def from_tagged(v):
    from toolbridge.codec import RawExtension

    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float)):
        raise ValueError(f"bare JSON number {v!r}: use $int or $float")
    if isinstance(v, list):
        return [from_tagged(x) for x in v]
    if len(v) == 1:
        (tag, body), = v.items()
        if tag == "$int":
            return int(body)
        if tag == "$float":
            return float(body)
        if tag == "$bytes":
            return base64.b64decode(body)
        if tag == "$ts":
            return timestamp(body)
        if tag == "$map":
            return {_key(from_tagged(k)): from_tagged(x) for k, x in body}
        if tag == "$ext":
            return RawExtension(body["type"], base64.b64decode(body["data"]))
        if tag == "$table":
            return table(body)
        if tag.startswith("$"):
            raise ValueError(f"unknown tag {tag}")
    return {k: from_tagged(x) for k, x in v.items()}


def table(spec: dict):
    """A DataFrame with the dtypes the codec decodes to (docs/values.md)."""
    import numpy as np
    import pandas as pd

    names = []
    cols = []
    n = 0
    for c in spec["columns"]:
        values = c["values"]
        n = len(values)
        nulls = [x is None for x in values]
        kind = c["type"]
        if kind in ("int64", "float64", "bool"):
            parsed = [None if x is None else from_tagged(x) for x in values]
            if any(nulls):
                dtype = {"int64": "Int64", "float64": "Float64", "bool": "boolean"}[kind]
                col = pd.array(parsed, dtype=dtype)
            else:
                col = np.array(parsed, dtype={"int64": np.int64, "float64": np.float64, "bool": bool}[kind])
        elif kind in ("string", "bytes"):
            col = np.empty(n, dtype=object)
            for i, x in enumerate(values):
                col[i] = None if x is None else (x if kind == "string" else base64.b64decode(x["$bytes"]))
        elif kind == "timestamp":
            ns = np.array([np.iinfo(np.int64).min if x is None else parse_ts_ns(x) for x in values], dtype=np.int64)
            col = ns.view("M8[ns]")
            if c.get("timezone"):
                col = pd.Series(pd.DatetimeIndex(col, tz="UTC").tz_convert(c["timezone"]))
        else:
            raise ValueError(f"unknown column type {kind}")
        names.append(c["name"])
        cols.append(col)
    df = pd.DataFrame({i: col for i, col in enumerate(cols)}, index=pd.RangeIndex(n))
    df.columns = pd.Index(names, dtype=object)
    if spec.get("index"):
        df = df.set_index(spec["index"])
    return df
