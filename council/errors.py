"""The one base class of refused actions. A service raises a DomainError (or a subclass) with a
message in Japanese and, when it concerns one input, the form field it belongs to; the web
layer's `save_form` puts it next to that field (or above the form) and answers with `status`."""


class DomainError(Exception):
    """A rule of the domain refused the action; nothing was written."""

    status = 400
    # The message goes next to its field or above the form; False where the page lists the
    # error's details itself (a refused import file, line by line).
    on_form = True

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.field = field


class Conflict(DomainError):
    """Someone else changed the record after the user loaded it, or its state forbids the change
    now (approved minutes, a submitted year): 409, and the user's text stays in the form."""

    status = 409
