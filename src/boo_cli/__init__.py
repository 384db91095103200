"""boo: a local-first command line for people who run a business alone."""

__version__ = "0.1.0"
