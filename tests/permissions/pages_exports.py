"""Export pages: the form, the downloads (every format), the DHIS2 check (Perm.EXPORT_DATA)."""

from tests.permissions import Page

EXPORTERS = frozenset({"lead", "data_manager", "steering"})

PAGES = [
    Page("export_data", ("alpha",), EXPORTERS),
    Page("export_download", ("alpha",), EXPORTERS, data={"format": "csv"}),
    Page("export_download", ("alpha",), EXPORTERS, data={"format": "xlsx"}),
    Page("export_download", ("alpha",), EXPORTERS, data={"format": "dhis2-json"}, ok=302),
    Page(
        "export_download",
        ("alpha",),
        EXPORTERS,
        data={"format": "dhis2-json", "checked": "1"},
    ),
    Page("export_dhis2_check", ("alpha",), EXPORTERS),
]
