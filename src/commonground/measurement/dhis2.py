"""The DHIS2 vocabulary shared by the DHIS2 reader (imports) and writer (exports).

DHIS2 names things by its own codes (usually 11-character UIDs): a *data element* is what is
counted, an *organisation unit* who reports it, a *category option combo* the disaggregation
cell. An initiative maps them to its own codes with ``ExternalCode`` rows (system ``dhis2``),
written in the framework file's ``external_codes`` section (docs/framework-file.md):

* data element → indicator code, or for a rate ``<indicator>.numerator`` /
  ``<indicator>.denominator`` (DHIS2 keeps the two parts of a rate in two data elements);
* organisation unit → partner code;
* category option combo → cell key (``race=black;sex=f``; ``""`` is the total). DHIS2's default
  combo ``HllvX50cXC0`` and an empty combo are the total without any mapping.

Periods are translated both ways (``from_dhis2_period``, ``to_dhis2_period``): DHIS2's yearly
(``2024``), monthly (``202403``), quarterly (``2024Q1``) and financial-year periods
(``2024April``, ``2024July``, ``2024Oct``, ``2024Nov``, and ``2024Feb``, ``2024Aug``, ``2024Sep``
of recent DHIS2 versions). A financial year becomes our ``FY`` or ``SY`` period when it starts in
the initiative's fiscal- or school-year month. Daily, weekly, bi-weekly, bi-monthly, six-monthly
and November-quarter periods have no Commonground equivalent and are refused with the reason.
"""

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from commonground.measurement.cells import CellError, parse_cell_key
from commonground.measurement.models import ExternalCode
from commonground.measurement.periods import Frequency, PeriodError, parse_period_for

SYSTEM = "dhis2"
DEFAULT_COMBO = "HllvX50cXC0"  # DHIS2's "default" category option combo: no disaggregation
PARTS = ("numerator", "denominator")
Kind = ExternalCode.Kind

# DHIS2's financial-year period types: the suffix of the period code → the month it starts in.
FINANCIAL_YEARS = {"Feb": 2, "April": 4, "July": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11}
_FINANCIAL_SUFFIX = {month: suffix for suffix, month in FINANCIAL_YEARS.items()}

_YEARLY = re.compile(r"^(\d{4})$", re.ASCII)
_MONTHLY = re.compile(r"^(\d{4})-?(\d{2})$", re.ASCII)
_QUARTERLY = re.compile(r"^(\d{4})Q([1-4])$", re.ASCII)
_FINANCIAL = re.compile(rf"^(\d{{4}})({'|'.join(FINANCIAL_YEARS)})$", re.ASCII)
# Period types DHIS2 has and Commonground does not (SPEC §4.1), named for the refusal.
_UNSUPPORTED = [
    ("daily", re.compile(r"^\d{8}$", re.ASCII)),
    ("weekly", re.compile(r"^\d{4}(Wed|Thu|Sat|Sun)?W\d{1,2}$", re.ASCII)),
    ("bi-weekly", re.compile(r"^\d{4}BiW\d{1,2}$", re.ASCII)),
    ("bi-monthly", re.compile(r"^\d{6}B$", re.ASCII)),
    ("six-monthly", re.compile(r"^\d{4}(April|Nov)?S[12]$", re.ASCII)),
    ("November-quarterly", re.compile(r"^\d{4}NovQ[1-4]$", re.ASCII)),
]
SUPPORTED_PERIODS = (
    "yearly (2024), monthly (202403), quarterly (2024Q1), financial years (2024July)"
)


class Dhis2Error(ValueError):
    """A DHIS2 code or period that has no Commonground equivalent; the message says why."""


# Targets ----------------------------------------------------------------------------------------


def split_target(target: str) -> tuple[str, str]:
    """``'grad_rate.numerator'`` → ``('grad_rate', 'numerator')``; ``'k'`` → ``('k', '')``."""
    code, dot, part = target.partition(".")
    return (code, part) if dot else (target, "")


def join_target(indicator: str, part: str = "") -> str:
    return f"{indicator}.{part}" if part else indicator


# Periods ----------------------------------------------------------------------------------------


def _month_name(month: int) -> str:
    return calendar.month_name[month]


def from_dhis2_period(code: str, initiative, frequency: str | None = None) -> str:
    """Our period code for DHIS2's ``code``; ``Dhis2Error`` naming why there is none.

    A twelve-month period can be several of ours (``2024July`` is ``FY2024`` and ``SY2024-25``
    when both years start in July): the indicator's ``frequency`` chooses, if given; otherwise
    a calendar year comes first, then the fiscal year, then the school year.
    """
    code = (code or "").strip()
    if match := _MONTHLY.match(code):
        year, month = match.groups()
        if not 1 <= int(month) <= 12:
            raise Dhis2Error(
                _("DHIS2 period '%(code)s' has no month %(month)s.")
                % {"code": code, "month": int(month)}
            )
        return f"{year}-{month}"
    if match := _QUARTERLY.match(code):
        return code
    if match := _YEARLY.match(code):
        year, month = int(match.group(1)), 1
    elif match := _FINANCIAL.match(code):
        year, month = int(match.group(1)), FINANCIAL_YEARS[match.group(2)]
    else:
        for name, pattern in _UNSUPPORTED:
            if pattern.match(code):
                raise Dhis2Error(
                    _(
                        "DHIS2 period '%(code)s' is %(kind)s, and Commonground has no %(kind)s "
                        "periods (it reads %(supported)s)."
                    )
                    % {"code": code, "kind": name, "supported": SUPPORTED_PERIODS}
                )
        raise Dhis2Error(
            _("'%(code)s' is not a DHIS2 period (expected %(supported)s).")
            % {"code": code, "supported": SUPPORTED_PERIODS}
        )
    candidates = []  # (frequency, our code), in order of preference
    if month == 1:
        candidates.append((Frequency.ANNUAL, f"{year:04d}"))
    if initiative.fiscal_year_start_month == month:
        candidates.append((Frequency.FISCAL_YEAR, f"FY{year:04d}"))
    if initiative.school_year_start_month == month:
        candidates.append((Frequency.SCHOOL_YEAR, f"SY{year:04d}-{(year + 1) % 100:02d}"))
    if not candidates:
        raise Dhis2Error(
            _(
                "DHIS2 period '%(code)s' is a financial year starting in %(month)s; this "
                "initiative's fiscal year starts in %(fiscal)s and its school year in %(school)s."
            )
            % {
                "code": code,
                "month": _month_name(month),
                "fiscal": _month_name(initiative.fiscal_year_start_month),
                "school": _month_name(initiative.school_year_start_month),
            }
        )
    for candidate_frequency, ours in candidates:
        if candidate_frequency == frequency:
            return ours
    return candidates[0][1]


def to_dhis2_period(code: str, initiative) -> str:
    """DHIS2's code for our period ``code``; ``Dhis2Error`` if DHIS2 has no such period."""
    try:
        period = parse_period_for(initiative, code)
    except PeriodError as error:
        raise Dhis2Error(str(error)) from None
    if period.frequency in (Frequency.ANNUAL, Frequency.QUARTERLY):
        return period.code
    if period.frequency == Frequency.MONTHLY:
        return period.code.replace("-", "")
    month, year = period.start.month, period.start.year
    if month == 1:
        return f"{year:04d}"
    if month in _FINANCIAL_SUFFIX:
        return f"{year:04d}{_FINANCIAL_SUFFIX[month]}"
    raise Dhis2Error(
        _(
            "DHIS2 has no financial year starting in %(month)s, so %(code)s cannot be written as "
            "a DHIS2 period."
        )
        % {"month": _month_name(month), "code": code}
    )


# The mapping ------------------------------------------------------------------------------------


@dataclass
class Mapping:
    """An initiative's DHIS2 codes, both ways.

    ``data_elements``: DHIS2 code → (indicator code, part) with part ``""``, ``numerator`` or
    ``denominator``; ``org_units``: code → partner code; ``combos``: code → cell key.
    The reverse maps hold every DHIS2 code of a target, sorted: more than one means the target
    is ambiguous and cannot be exported.
    """

    data_elements: dict[str, tuple[str, str]] = field(default_factory=dict)
    org_units: dict[str, str] = field(default_factory=dict)
    combos: dict[str, str] = field(default_factory=dict)
    reverse: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {kind: defaultdict(list) for kind in Kind.values}
    )

    def add(self, kind: str, code: str, target: str) -> None:
        if kind == Kind.DATA_ELEMENT:
            self.data_elements[code] = split_target(target)
        elif kind == Kind.ORG_UNIT:
            self.org_units[code] = target
        else:
            self.combos[code] = target
        self.reverse[kind][target].append(code)

    def combo_cell(self, code: str) -> str | None:
        """The cell key of a category option combo; ``None`` if it is not mapped."""
        code = (code or "").strip()
        if code in self.combos:
            return self.combos[code]
        if code in ("", DEFAULT_COMBO):
            return ""
        return None

    def dhis2_code(self, kind: str, target: str) -> str:
        """The one DHIS2 code of ``target``; ``Dhis2Error`` if there is none or several."""
        codes = self.reverse[kind].get(target, [])
        if len(codes) == 1:
            return codes[0]
        what = {
            Kind.DATA_ELEMENT: _("indicator %(code)s") % {"code": target},
            Kind.ORG_UNIT: _("partner %(code)s") % {"code": target},
            Kind.CATEGORY_OPTION_COMBO: _("cell %(code)s") % {"code": target or _("total")},
        }[kind]
        if not codes:
            label = {
                Kind.DATA_ELEMENT: _("data element"),
                Kind.ORG_UNIT: _("organisation unit"),
                Kind.CATEGORY_OPTION_COMBO: _("category option combo"),
            }[kind]
            raise Dhis2Error(
                _("The %(what)s has no DHIS2 %(label)s: add it under external_codes.")
                % {"what": what, "label": label}
            )
        raise Dhis2Error(
            _("The %(what)s is mapped from several DHIS2 codes (%(codes)s): keep one.")
            % {"what": what, "codes": ", ".join(sorted(codes))}
        )


def load_mapping(initiative) -> Mapping:
    """The initiative's DHIS2 mapping, in one query."""
    mapping = Mapping()
    rows = ExternalCode.objects.filter(initiative=initiative, system=SYSTEM).order_by("code")
    for kind, code, target in rows.values_list("kind", "code", "target"):
        mapping.add(kind, code, target)
    return mapping


def cell_pairs(key: str) -> dict[str, str]:
    """The (dimension, value) pairs of a stored cell key; ``Dhis2Error`` if it is malformed."""
    try:
        return parse_cell_key(key)
    except CellError as error:
        raise Dhis2Error(str(error)) from None
