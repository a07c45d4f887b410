"""tradeviz: China–Central Asia trade, sourced and reproducible."""

__version__ = "0.1.0"
