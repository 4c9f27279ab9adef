"""Local stand-ins for the province's source systems, for development, tests and benchmarks.

Everything listens on 127.0.0.1 only. The connectors in ``sources/`` never know they talk to a sandbox.
"""
