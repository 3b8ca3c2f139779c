from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
