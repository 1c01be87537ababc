"""Flask's signed-cookie session, without its per-request set-up cost.

Flask builds a new signing serializer for every request, and does so even when the request
carries no session cookie at all (the public pages, the feeds and their 304s, a calendar
app's polls). The serializer depends only on the secret key, the salt and the key
derivation, so it is built once per secret key; a request without the cookie gets an empty
session straight away, and an empty, unchanged session is answered before Flask reads the
six cookie settings it would not use. Signing, expiry and everything else stay Flask's own.
"""

from flask.sessions import SecureCookieSessionInterface


class CouncilSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {key: serializer}  # a changed key replaces the old one
        return serializer

    def open_session(self, app, request):
        if not app.secret_key:
            return None
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not session and not session.modified:
            # Nothing to store and nothing to delete: Flask's own answer for this case.
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
