"""The common agenda and the mutually reinforcing activities (SPEC §3.3).

The agenda (versions, goals, strategies, charter signatures) lives here rather than in
``initiatives`` because everything that hangs off it — activities, grants, signatures listing
activities — is in this app too.
"""

from commonground.action.models.agenda import AgendaVersion, CharterSignature, Goal, Strategy
from commonground.action.models.funding import Grant
from commonground.action.models.improvement import ImprovementProject, PDSACycle, ProjectMeasure
from commonground.action.models.plan import Activity, ActivityDependency, Milestone

__all__ = [
    "Activity",
    "ActivityDependency",
    "AgendaVersion",
    "CharterSignature",
    "Goal",
    "Grant",
    "ImprovementProject",
    "Milestone",
    "PDSACycle",
    "ProjectMeasure",
    "Strategy",
]
