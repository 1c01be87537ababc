"""The reference point of bench/http.py: a bare Flask "hello", served by gunicorn under the
very same settings as the app (`gunicorn bench.bare_app:app`)."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
