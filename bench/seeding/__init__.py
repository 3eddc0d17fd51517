"""Benchmark data: ``flask bench seed`` fills a database with realistic volumes.

``courses`` builds the course specs (imported through the real importer), ``journeys``
plans what each learner did as plain rows (no database), ``bulk`` writes those rows
in batches (COPY on PostgreSQL), ``credentials`` derives each signing account's password
from a per-seed secret kept beside the data, and ``seed`` runs the whole thing with
timings. ``cli`` holds the ``flask bench`` commands, which only ``bench/wsgi_bench.py``
registers: the application package and its production CLI know nothing of bench data.
"""
