"""Arrow record batches to what a training step takes: tensors where the values allow it, lists elsewhere."""

import io
from typing import Dict, Iterable

import numpy as np
import pyarrow as pa
import torch


def to_tensors(batch: pa.RecordBatch, decode_images: Iterable[str] = ()) -> Dict[str, object]:
    """One batch as a dict of column name to value:

    - numbers, booleans and timestamps (epoch milliseconds) without nulls: a 1-D tensor;
    - lists of numbers of one length (packed token sequences): a 2-D tensor ``[batch, length]``; of varied
      lengths: a list of 1-D tensors;
    - ``values`` of a sensor window (with its ``window_length`` column): ``[batch, window_length, channels]``;
    - binary columns named in ``decode_images``: decoded ``uint8`` tensors ``[batch, height, width, 3]`` when
      all have one size, else a list of ``[height, width, 3]`` tensors (needs Pillow);
    - maps (the sensor table's ``readings``): a list of dicts;
    - strings, bytes and anything with nulls: Python lists.
    """
    decode = set(decode_images)
    out = {}
    for i, name in enumerate(batch.schema.names):
        column = batch.column(i)
        out[name] = _decode(name, column) if name in decode else _convert(column)
    values, lengths = out.get("values"), out.get("window_length")
    if isinstance(values, torch.Tensor) and values.dim() == 2 and isinstance(lengths, torch.Tensor) and len(lengths):
        length = int(lengths[0])
        if length > 0 and bool((lengths == length).all()) and values.shape[1] % length == 0:
            out["values"] = values.reshape(values.shape[0], length, values.shape[1] // length)
    return out


def _numeric(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or pa.types.is_timestamp(t)


def _numpy(column: pa.Array) -> np.ndarray:
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
    # Arrow's buffers are read-only; torch wants memory it may write to, so the values are copied once here.
    return np.array(column.to_numpy(zero_copy_only=False), copy=True)


def _convert(column: pa.Array):
    t = column.type
    if pa.types.is_map(t):
        return [None if m is None else dict(m) for m in column.to_pylist()]
    if _numeric(t):
        return column.to_pylist() if column.null_count else torch.from_numpy(_numpy(column))
    if (pa.types.is_list(t) or pa.types.is_large_list(t)) and _numeric(t.value_type) and column.null_count == 0:
        if column.offset:
            column = pa.concat_arrays([column])  # a sliced list array: offsets rebased to zero
        offsets = column.offsets.to_numpy()
        flat = column.values
        if flat.null_count:
            return column.to_pylist()
        values = _numpy(flat.slice(offsets[0], offsets[-1] - offsets[0]))
        lengths = np.diff(offsets)
        if len(lengths) and (lengths == lengths[0]).all():
            return torch.from_numpy(values.reshape(len(column), int(lengths[0])))
        return [torch.from_numpy(part) for part in np.split(values, np.cumsum(lengths)[:-1])]
    return column.to_pylist()


def _decode(name: str, column: pa.Array):
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(f"decoding column '{name}' needs Pillow: pip install Pillow (or leave decode_images out "
                          f"and decode the bytes yourself)") from e
    if not (pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type)):
        raise TypeError(f"column '{name}' is {column.type}, not encoded image bytes")
    images = []
    for i, data in enumerate(column.to_pylist()):
        if data is None:
            raise ValueError(f"column '{name}' has no image in row {i} of the batch")
        with Image.open(io.BytesIO(data)) as picture:
            images.append(np.asarray(picture.convert("RGB")))
    if images and all(im.shape == images[0].shape for im in images):
        return torch.from_numpy(np.stack(images))
    return [torch.from_numpy(np.array(im)) for im in images]
