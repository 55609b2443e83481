"""Judging what a check measured: the evidence it records, and statistics over seeds against a band."""
