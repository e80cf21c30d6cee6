"""pandas.DataFrame <-> toolbridge.v1.Table (the columnar wire message).

Fixed-width columns are whole little-endian buffers (numpy tobytes/frombuffer, no
per-cell loop); null slots are zeroed so Python and TypeScript write the same bytes.
Mapping (docs/values.md): int64/Int64 -> INT64, float64/Float64 -> FLOAT64,
bool/boolean -> BOOL, object of str / string -> STRING, object of bytes -> BYTES,
datetime64[ns](, tz) -> TIMESTAMP. Decoding gives int64 / float64 / bool when the
column has no nulls and Int64 / Float64 / boolean when it has; strings and bytes as
object columns with None for nulls; timestamps as datetime64[ns] with NaT.
"""

from __future__ import annotations

import math
from typing import List, Optional, Tuple

import numpy as np
import pandas as pd
from google.protobuf.message import DecodeError

from toolbridge._codec_wire import PathError, utf8
from toolbridge.v1 import values_pb2

INT64, FLOAT64, BOOL, STRING, TIMESTAMP, BYTES = 1, 2, 3, 4, 5, 6
_INDEX_PREFIX = "__index_level_"
_INT64_MAX = (1 << 63) - 1


def _is_null(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def dataframe_to_table(df: pd.DataFrame) -> bytes:
    frame, index_columns = _with_index_as_columns(df)
    names = list(frame.columns)
    for name in names:
        if not isinstance(name, str):
            raise PathError(f"column name {name!r} is not a string")
    table = values_pb2.Table(num_rows=len(frame), index_columns=index_columns)
    for position, name in enumerate(names):
        try:
            table.columns.append(_column(name, frame.iloc[:, position]))
        except PathError as err:
            err.segments.append(name)
            raise
    return table.SerializeToString()


def _with_index_as_columns(df: pd.DataFrame) -> Tuple[pd.DataFrame, List[str]]:
    index = df.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None:
        return df, []
    names = [n if n is not None else f"{_INDEX_PREFIX}{i}__" for i, n in enumerate(index.names)]
    frame = df.copy(deep=False)
    frame.index = index.set_names(names)
    return frame.reset_index(), [str(n) for n in names]


def _validity(mask: np.ndarray) -> bytes:
    """One byte per row, 1 = valid; empty when nothing is null."""
    return (~mask).astype(np.uint8).tobytes() if mask.any() else b""


def _column(name: str, s: pd.Series) -> values_pb2.Column:
    dtype = s.dtype
    col = values_pb2.Column(name=name)
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        mask = s.isna().to_numpy()
        values = np.asarray(s.array.asi8 if hasattr(s.array, "asi8") else s.to_numpy().view("i8"), dtype="<i8")
        if dtype.kind == "M" and isinstance(dtype, np.dtype) and dtype != np.dtype("M8[ns]"):
            values = s.to_numpy().astype("M8[ns]").view("<i8")
        col.type = TIMESTAMP
        col.data = np.where(mask, 0, values).astype("<i8").tobytes()
        col.validity = _validity(mask)
        if isinstance(dtype, pd.DatetimeTZDtype):
            col.timezone = str(dtype.tz)
        return col
    if pd.api.types.is_bool_dtype(dtype):
        mask = s.isna().to_numpy()
        col.type = BOOL
        col.data = s.to_numpy(dtype=np.uint8, na_value=0).tobytes()
        col.validity = _validity(mask)
        return col
    if pd.api.types.is_integer_dtype(dtype):
        mask = s.isna().to_numpy()
        if str(dtype).lower() == "uint64":
            top = s.max()
            if not _is_null(top) and int(top) > _INT64_MAX:
                raise PathError(f"uint64 value {int(top)} exceeds int64")
        col.type = INT64
        col.data = s.to_numpy(dtype="<i8", na_value=0).tobytes()
        col.validity = _validity(mask)
        return col
    if pd.api.types.is_float_dtype(dtype):
        # Only a nullable Float64 column has nulls distinct from NaN.
        mask = s.isna().to_numpy() if isinstance(dtype, pd.api.extensions.ExtensionDtype) else np.zeros(len(s), bool)
        col.type = FLOAT64
        values = s.to_numpy(dtype="<f8", na_value=0.0) if mask.any() else s.to_numpy(dtype="<f8")
        col.data = np.where(mask, 0.0, values).astype("<f8").tobytes()
        col.validity = _validity(mask)
        return col
    if pd.api.types.is_string_dtype(dtype) or dtype == object:
        return _variable_width(col, s.to_numpy(dtype=object))
    raise PathError(f"unsupported column dtype {dtype}")


def _variable_width(col: values_pb2.Column, values: np.ndarray) -> values_pb2.Column:
    kinds = {type(v) for v in values if not _is_null(v)}
    if kinds <= {str}:
        col.type = STRING
        encode = utf8
    elif kinds <= {bytes, bytearray}:
        col.type = BYTES
        encode = bytes
    else:
        raise PathError(f"object column mixes {', '.join(sorted(k.__name__ for k in kinds))}")
    mask = np.fromiter((_is_null(v) for v in values), dtype=bool, count=len(values))
    pieces = [b"" if null else encode(v) for v, null in zip(values, mask)]
    lengths = np.fromiter((len(p) for p in pieces), dtype="<i8", count=len(pieces))
    offsets = np.zeros(len(pieces) + 1, dtype="<i8")
    np.cumsum(lengths, out=offsets[1:])
    col.data = b"".join(pieces)
    col.offsets = offsets.tobytes()
    col.validity = _validity(mask)
    return col


def table_to_dataframe(payload: bytes) -> pd.DataFrame:
    try:
        table = values_pb2.Table.FromString(payload)
    except DecodeError as err:
        raise PathError(f"corrupt table: {err}") from err
    n = table.num_rows
    if n > 2**31:
        raise PathError(f"table has too many rows ({n})")
    columns = []
    names = []
    for c in table.columns:
        try:
            columns.append(_series(c, n))
        except PathError as err:
            err.segments.append(c.name)
            raise
        names.append(c.name)
    df = pd.DataFrame({i: col for i, col in enumerate(columns)}, index=pd.RangeIndex(n))
    df.columns = pd.Index(names, dtype=object)
    if table.index_columns:
        index_columns = list(table.index_columns)
        missing = [c for c in index_columns if c not in names]
        if missing:
            raise PathError(f"index column {missing[0]!r} is not a column")
        df = df.set_index(index_columns)
        df.index = df.index.set_names(
            [None if str(n).startswith(_INDEX_PREFIX) else n for n in df.index.names]
        )
    return df


def _mask(c: values_pb2.Column, n: int) -> Optional[np.ndarray]:
    """True where the row is null; None when the column has no validity."""
    if not c.validity:
        return None
    if len(c.validity) != n:
        raise PathError(f"validity has {len(c.validity)} bytes for {n} rows")
    v = np.frombuffer(c.validity, dtype=np.uint8)
    if (v > 1).any():
        raise PathError("validity bytes must be 0 or 1")
    return v == 0


def _fixed(c: values_pb2.Column, n: int, dtype: str) -> np.ndarray:
    if len(c.data) != n * 8:
        raise PathError(f"column has {len(c.data)} bytes for {n} rows of 8 bytes")
    return np.frombuffer(c.data, dtype=dtype).copy()


def _series(c: values_pb2.Column, n: int):
    mask = _mask(c, n)
    if c.type == INT64:
        values = _fixed(c, n, "<i8").astype(np.int64, copy=False)
        return values if mask is None else pd.arrays.IntegerArray(values, mask)
    if c.type == FLOAT64:
        values = _fixed(c, n, "<f8").astype(np.float64, copy=False)
        return values if mask is None else pd.arrays.FloatingArray(values, mask)
    if c.type == BOOL:
        if len(c.data) != n:
            raise PathError(f"bool column has {len(c.data)} bytes for {n} rows")
        raw = np.frombuffer(c.data, dtype=np.uint8)
        if (raw > 1).any():
            raise PathError("bool bytes must be 0 or 1")
        values = raw.astype(bool)
        return values if mask is None else pd.arrays.BooleanArray(values, mask)
    if c.type == TIMESTAMP:
        values = _fixed(c, n, "<i8").astype(np.int64, copy=False)
        if mask is not None:
            values[mask] = np.iinfo(np.int64).min  # NaT
        stamps = values.view("M8[ns]")
        if c.timezone:
            try:
                return pd.Series(pd.DatetimeIndex(stamps, tz="UTC").tz_convert(c.timezone))
            except Exception as err:
                raise PathError(f"unknown timezone {c.timezone!r}") from err
        return stamps
    if c.type in (STRING, BYTES):
        return _variable_values(c, n, mask)
    raise PathError(f"unsupported column type {c.type}")


def _variable_values(c: values_pb2.Column, n: int, mask: Optional[np.ndarray]) -> np.ndarray:
    if len(c.offsets) != (n + 1) * 8:
        raise PathError(f"offsets have {len(c.offsets)} bytes for {n} rows")
    offsets = np.frombuffer(c.offsets, dtype="<i8")
    if offsets[0] != 0 or (np.diff(offsets) < 0).any() or offsets[-1] != len(c.data):
        raise PathError("offsets must increase from 0 to the data length")
    data = c.data
    out = np.empty(n, dtype=object)
    is_string = c.type == STRING
    for i in range(n):
        if mask is not None and mask[i]:
            out[i] = None
            continue
        piece = data[offsets[i] : offsets[i + 1]]
        if is_string:
            try:
                out[i] = piece.decode("utf-8")
            except UnicodeDecodeError:
                raise PathError(f"string at row {i} is not valid UTF-8") from None
        else:
            out[i] = piece
    return out
