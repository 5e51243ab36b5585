"""Bulk import of reported values (SPEC §3.1.4, §5.2).

* ``rows`` — ``RawRow``, what every reader yields, and ``ImportFileError``;
* readers: ``values_csv`` and ``values_xlsx`` (the values file, with ``header``), ``dhis2``
  (DHIS2 data value sets); ``readers`` picks one for a file;
* ``checks`` and ``fastpath`` — one row against the validation pipeline;
* ``staging`` — the import's scratch tables and its SQL;
* ``engine`` — ``import_rows``: check everything, then store all or nothing;
* ``report`` — the per-row error report (CSV);
* ``jobs`` — the service functions of the pages and the command (``start_import``,
  ``import_for_real``, ``import_file``, ``run_job``); ``tasks`` — the background task.
"""
