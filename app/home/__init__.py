"""The learner's front pages: the catalog, a course's page and the dashboard.

Each brings several domains together (courses, search, the learner's progress, their
certificates), so they stand above all of them here, apart from ``catalog``, which holds
the course data every other domain builds on.
"""
