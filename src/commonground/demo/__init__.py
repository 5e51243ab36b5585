"""The demo initiative, built from real public data (``commonground demo``).

``cradle-to-career.yaml`` is its framework file, ``stepping_stones`` reads the values from the
UVA Equity Center's Stepping Stones data in ``settings.DATA_DIR``, and ``build.build_demo``
puts it all together through the same services people use.
"""
