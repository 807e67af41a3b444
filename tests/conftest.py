"""Every test kind shares one set of fixtures, kept in tests/support/fixtures/."""

pytest_plugins = [
    "tests.support.fixtures.database",
    "tests.support.fixtures.memory_app",
    "tests.support.fixtures.exact",
    "tests.support.fixtures.redis",
    "tests.support.fixtures.vibe",
    "tests.support.fixtures.http",
    "tests.support.fixtures.integration",
]
