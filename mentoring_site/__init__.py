"""mentoring-site: a handbook website and printable worksheets for a mentoring program."""

__version__ = "0.1.0"
