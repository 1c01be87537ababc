"""Login timing: does the response time tell which e-mails have an account?

Times, interleaved, a login with an unknown e-mail and a login with a wrong password for an
existing account, through the Flask test client of one app with the production password
hashing (Argon2id, RFC 9106 low-memory profile). Every attempt uses its own account and its
own address, so the throttle never answers in their place. Prints both medians and their
ratio; the target is a ratio within 1.5× either way.

    .venv/bin/python bench/login_timing.py               # 40 pairs
    .venv/bin/python bench/login_timing.py --pairs 100

Nothing touches instance/: a SQLite file in /tmp, removed afterwards.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# bench/http.py would shadow the standard library's http package (which Werkzeug imports):
# this folder leaves sys.path before anything imports it.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

from council import create_app  # noqa: E402
from council.extensions import db  # noqa: E402

PASSWORD = "timing-Passw0rd-123"
TARGET = 1.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=40)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="council-login-timing-"))
    try:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
                "UPLOAD_FOLDER": str(tmp / "uploads"),
                "PASSWORD_HASH_FAST": False,
                # Both kinds of attempt pay the same CSRF check; leave it out of the figures.
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            from council.accounts.services import create_user

            upgrade()
            for n in range(args.pairs):
                create_user(
                    email=f"user{n}@timing.test", name=f"user {n}", role="hq", password=PASSWORD
                )
            db.session.commit()
            client = app.test_client()

            def attempt(email: str, address: str) -> float:
                start = time.perf_counter()
                response = client.post(
                    "/login",
                    data={"email": email, "password": "wrong-password"},
                    environ_base={"REMOTE_ADDR": address},
                )
                elapsed = time.perf_counter() - start
                assert response.status_code == 401, response.status_code
                return elapsed * 1000

            # One warm-up of each, then the pairs, alternating which goes first.
            attempt("warmup@timing.test", "10.9.9.9")
            unknown, wrong = [], []
            for n in range(args.pairs):
                pair = [
                    (unknown, f"nobody{n}@timing.test", f"10.1.{n // 250}.{n % 250}"),
                    (wrong, f"user{n}@timing.test", f"10.2.{n // 250}.{n % 250}"),
                ]
                if n % 2:
                    pair.reverse()
                for bucket, email, address in pair:
                    bucket.append(attempt(email, address))
            db.engine.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    m_unknown = statistics.median(unknown)
    m_wrong = statistics.median(wrong)
    ratio = max(m_unknown, m_wrong) / min(m_unknown, m_wrong)
    print(f"pairs: {args.pairs} (interleaved, production Argon2id)")
    print(
        f"unknown e-mail:  median {m_unknown:8.1f} ms  (min {min(unknown):.1f}, max {max(unknown):.1f})"
    )
    print(
        f"wrong password:  median {m_wrong:8.1f} ms  (min {min(wrong):.1f}, max {max(wrong):.1f})"
    )
    print(
        f"ratio of medians: {ratio:.2f}x (target <= {TARGET}x): {'OK' if ratio <= TARGET else 'FAIL'}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
