"""gaoxin 高新 — evidence platform for China's high-tech zones."""

__version__ = "0.1.0"
