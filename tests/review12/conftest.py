from tests.imports.conftest import api  # noqa: F401
