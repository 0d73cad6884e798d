from tests.helpers import SHARED  # noqa: F401  (kept for tests that take it from here)
