"""The domain: named types for trials, cases, criteria and verdicts.

This package imports nothing from the rest of allonav; engines and edges import it.
"""
