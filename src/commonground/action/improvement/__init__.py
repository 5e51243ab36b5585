"""Improvement projects and their Plan-Do-Study-Act cycles (SPEC §3.3.5): the services that
change them (``services``) and the run chart of a project's measure with its cycles marked
(``chart``)."""
