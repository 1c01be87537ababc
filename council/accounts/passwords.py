"""Password hashing with Argon2id (argon2-cffi), rehashed on login when parameters change."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# RFC 9106 low-memory profile, above OWASP's minimum for Argon2id.
_PRODUCTION = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)
# Tests create many users; the hash format is the same, only cheaper.
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _FAST if current_app.config.get("PASSWORD_HASH_FAST") else _PRODUCTION


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hashes: dict[int, str] = {}


def verify_dummy(password: str) -> None:
    """Spend the time of one verification when there is no hash to check (an unknown e-mail),
    so that the response time does not tell which e-mails have an account."""
    hasher = _hasher()
    dummy = _dummy_hashes.get(id(hasher))
    if dummy is None:
        dummy = _dummy_hashes.setdefault(id(hasher), hasher.hash("not-a-password"))
    verify_password(dummy, password)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
