"""Edges that bring registry data in: file importers and the live ClinicalTrials.gov client."""
