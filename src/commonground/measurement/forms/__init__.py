"""Forms of shared measurement, one module per area of work."""
