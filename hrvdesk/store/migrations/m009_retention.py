"""Retention that keeps only what the statistics need (issue 18).

A case reduced by retention loses its pseudonym, dates finer than the month, birth year,
country, follow-up log and field-level history; what the statistics still need is kept
coarsened in ``coarse_age_band``, ``coarse_region`` (UN M49 sub-region) and
``coarse_timing`` (the departure timing category). NULL for cases that are not reduced.
A migration is a snapshot of the schema at its version: it uses only its own SQL.
"""

SQL = """
ALTER TABLE abroad_cases ADD COLUMN coarse_age_band TEXT;
ALTER TABLE abroad_cases ADD COLUMN coarse_region TEXT;
ALTER TABLE abroad_cases ADD COLUMN coarse_timing TEXT;
"""
