"""Text for spreadsheet cells that can never run as a formula (SPEC §6, "exports that cannot
inject formulas").

Spreadsheet programs read a CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or carriage return) as a formula: an indicator named ``=HYPERLINK("http://evil", "x")``
would become a live link. Such a text gets a leading single quote, which spreadsheets show as
text (OWASP "CSV injection"). The same starting characters as the XLSX export
(``measurement/exports/xlsx.FORMULA_STARTS``), which uses Excel's quote prefix instead.

Only *text* goes through ``neutralize``: numbers we format ourselves (``-3.5``) stay numbers.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """``'=1+1`` for ``=1+1``; any other text unchanged."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
