"""Writers: a report's rows to CSV, XLSX, HTML, JSONL and Vecalign files (and back from JSONL).

Every writer is a function of a report's data; files are written atomically
(:func:`~align.writers.files.atomic_write`) and are deterministic for the same report, apart from
the run date in XLSX/HTML metadata. Every text cell is safe from spreadsheet formula injection.
The report calls its writers (``report.to_csv``); a writer never imports the report at run time
(only for type hints), so the dependency goes one way.
"""
