"""Funding alignment (SPEC §3.3.6): funders' grants mapped to the agenda's strategies, the share
of funder and partner money aligned to the agenda, and leverage (``alignment``); recording grants
(``services``)."""
