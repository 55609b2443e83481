"""Measuring instruments the checks use on models: probes, filter patterns, Grad-CAM, extraction, scores, NumPy references."""
