"""Working groups (SPEC §3.3.3): collaborative action networks and the steering committee —
their charter, facilitator, member partners and people, shared measures and cadence."""
