"""The report card outside the web page: PDF, standalone HTML, CSV and the embeddable snippet.

Every output is drawn from one ``ReportCard`` document (``insight/document.py``): a public card
arrives already suppressed, so no output has to decide again what may be shown — but each one
still blanks a suppressed point's figures itself, so a mistake upstream cannot leak through a
download (SPEC §3.2.7).

* ``pdf``: the print document (``templates/insight/pdf/report_card.html`` + ``print.css``),
  rendered by WeasyPrint with a URL fetcher that refuses the network; the same HTML, saved as
  one self-contained file, is the ``html`` format of ``commonground reportcard``.
* ``charts``: the web page's Vega-Lite specifications (``insight/charts.py``) rendered to SVG
  by vl-convert, so the PDF, the embed and the page draw from one specification.
* ``csv``: one row per indicator × series × period, text cells neutralized (``safe_text``).
* ``embed``: the framable snippet pages and the ``<iframe>`` code partners paste.
"""
