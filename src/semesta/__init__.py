"""Semesta: Jaminan Kesehatan Semesta (UHC) for an Indonesian Pemda.

Layers (see docs/architecture.md): ``semesta.core`` is the pure domain (no I/O but its own
packaged data), ``semesta.pipeline`` runs ingestion and analysis on DuckDB, ``semesta.synth``
writes realistic synthetic exports, and ``semesta.cli`` is the one command line.
"""

__version__ = "0.1.0"
