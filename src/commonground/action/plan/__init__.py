"""The action plan (SPEC §3.3.4): partners' activities, their milestones and dependencies, and
the alignment views — the strategies × partners matrix, gaps, overlaps and the dependency picture.

``services`` changes activities; ``health`` says which are stalled, late or blocked; ``graph``
keeps dependencies free of cycles and lays them out; ``alignment`` computes the views.
"""
