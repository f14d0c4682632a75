"""The peers of the benchmark, one per process so that each is timed and measured alone.

Usage: python bench/peers.py TOOL INPUT.csv OUTPUT
  duckdb    COPY (SELECT * FROM read_csv(INPUT)) TO OUTPUT (FORMAT parquet, COMPRESSION zstd)
  pyarrow   pyarrow.csv.read_csv + pyarrow.parquet.write_table(compression="zstd")
  polars    polars.scan_csv(INPUT).sink_parquet(OUTPUT, compression="zstd")
  polars-eager  polars.read_csv(INPUT).write_parquet(OUTPUT, compression="zstd")
"""
import sys

tool, src, out = sys.argv[1:4]
if tool == "duckdb":
    import duckdb

    duckdb.execute(f"COPY (SELECT * FROM read_csv('{src}')) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
elif tool == "pyarrow":
    import pyarrow.csv as pc
    import pyarrow.parquet as pq

    pq.write_table(pc.read_csv(src), out, compression="zstd")
elif tool == "polars":
    import polars as pl

    pl.scan_csv(src).sink_parquet(out, compression="zstd")
elif tool == "polars-eager":
    import polars as pl

    pl.read_csv(src).write_parquet(out, compression="zstd")
else:
    sys.exit(f"unknown tool {tool}")
