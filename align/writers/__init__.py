"""Writers: tables to CSV, XLSX, JSONL and Parquet files, HTML views, and the one place where an
output's suffix chooses its writer (``align.writers.dispatch.write``).

Every result (``Report``, ``MultiReport``, ``Corpus``) hands the writers tables
(:class:`~align.writers.table.Table`: typed columns, records, metadata) and plain data for its HTML
view; a writer never imports a result, so the dependency goes one way. Files are written
atomically (:func:`~align.writers.files.atomic_write`) and are deterministic for the same input,
apart from the run date in XLSX/HTML metadata. Every text cell is safe from spreadsheet formula
injection.
"""
