from tests.accounts.conftest import fresh_login_per_request  # noqa: F401  (autouse)
