from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.webhooks.conftest import line_client, process  # noqa: F401  (fixtures)
