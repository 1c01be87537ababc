"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from council import create_app

app = create_app()
