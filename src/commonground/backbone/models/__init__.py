"""Backbone support (SPEC §3.5): self-assessment rounds, the partner network survey and the
evaluation plan. The console itself reads other areas' data and stores nothing."""

from commonground.backbone.models.assessments import (
    AssessmentResponse,
    BenchmarkEvidence,
    Rating,
    Round,
)
from commonground.backbone.models.evaluation import EvaluationPlanItem
from commonground.backbone.models.network import NetworkResponse, Relationship

__all__ = [
    "AssessmentResponse",
    "BenchmarkEvidence",
    "EvaluationPlanItem",
    "NetworkResponse",
    "Rating",
    "Relationship",
    "Round",
]
