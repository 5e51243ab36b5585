"""The common agenda and the partner charter (SPEC §3.3.1–2).

``services`` holds every state change (drafts, goals and strategies, proposals, adoption,
signatures); ``content`` what a version says; ``diff`` the difference between two versions;
``charter`` who signed what; ``rules`` when goals and strategies may change.
"""
