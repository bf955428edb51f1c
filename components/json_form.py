"""A layout's JSON form, as Dash sends it (dicts, lists, strings and numbers), written by orjson in one pass: what
the layout cache keeps and what the static islands are cut from (components/statique.py)."""
from __future__ import annotations


def plain(layout):
    """The layout as Dash sends it (its JSON form: dicts, lists, strings and numbers): what is kept is read back
    in a millisecond, where a plotly Figure is validated again, property by property, when it is unpickled.
    Written by orjson in one pass (`json_form` for what JSON lacks), where plotly's encoder first copies the
    whole tree in Python when it holds components."""
    import orjson

    return orjson.loads(orjson.dumps(layout, default=json_form,
                                     option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY))


def json_form(value):
    """orjson's fallback: a component or a figure as its JSON form, pandas and numpy values as plotly writes them
    (missing values as null, dates as ISO text)."""
    import decimal

    import numpy as np
    import pandas as pd

    if value is pd.NaT or value is pd.NA:
        return None
    to_json = getattr(value, "to_plotly_json", None)
    if to_json is not None:
        return to_json()
    if isinstance(value, pd.Series) and value.dtype.kind == "M":
        return [None if v is pd.NaT else v.isoformat() for v in value.dt.to_pydatetime()]
    if isinstance(value, (pd.Series, pd.Index)):
        value = value.to_numpy()
    if isinstance(value, np.ndarray) and value.dtype.kind == "M":
        return np.datetime_as_string(value).tolist()
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    tolist = getattr(value, "tolist", None)  # numpy arrays of objects, numpy scalars
    if tolist is not None:
        return tolist()
    raise TypeError(f"{type(value).__name__} n'a pas de forme JSON")
