"""A stand-in for the Cisco SMA quarantine REST API, for tests, demos and benchmarks.

Run it with ``python -m sma_simulator``; README.md describes the options, datasets and the
``/_sim/`` admin interface. The collection's plugins never import this package.
"""

__version__ = "0.1.0"
