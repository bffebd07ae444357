"""The web portal: Flask app factory, pages, APIs and the ``portal`` command line."""

from portal.app import create_app

__all__ = ["create_app"]
