"""Every test builds its own app, and most of create_app's time (~90 ms of ~100) is werkzeug
compiling two URL builders for each of the ~135 rules: a Python function generated from an AST
per rule. A builder is a pure function of the rule's parsed parts and defaults, and takes the
rule itself as its first argument (it reads the rule's converters through it), so the suite
compiles each one once per process and binds it to every app's rule.

Only the tests install this (tests/conftest.py); the app is unchanged. If werkzeug renames what
this wraps, `install` leaves werkzeug alone and the suite is merely slower."""

from werkzeug.routing import Rule

_builders: dict = {}


def install() -> None:
    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "_council_cached", False):
        return

    def compile_builder(self, append_unknown: bool = True):
        defaults = tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        builder = _builders.get(key)
        if builder is None:
            builder = _builders[key] = original(self, append_unknown)
        return builder

    compile_builder._council_cached = True
    Rule._compile_builder = compile_builder
