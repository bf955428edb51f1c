"""The data engine: each dataset served as Parquet with a manifest (served.py), queried in place by DuckDB
(backend.py) through SQL compiled from the typed Query (sql.py)."""
