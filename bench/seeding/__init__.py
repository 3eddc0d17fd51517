"""Benchmark data: ``flask bench seed`` fills a database with realistic volumes.

``courses`` builds the course specs (imported through the real importer), ``journeys``
plans what each learner did as plain rows (no database), ``bulk`` writes those rows
in batches (COPY on PostgreSQL), and ``seed`` runs the whole thing with timings.
"""
