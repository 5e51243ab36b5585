"""The backbone console and the lists behind its figures: for the backbone (lead, data manager,
facilitator); the data-quality alerts, which show partners' values, for those who review data."""

from tests.permissions import BACKBONE_DATA, Page

CONSOLE = frozenset({"lead", "data_manager", "facilitator"})

PAGES = [
    Page("console", ("alpha",), CONSOLE),
    Page("console_engagement", ("alpha",), CONSOLE),
    Page("console_worsening", ("alpha",), CONSOLE),
    Page("console_charters", ("alpha",), CONSOLE),
    Page("console_data_quality", ("alpha",), BACKBONE_DATA),
]
