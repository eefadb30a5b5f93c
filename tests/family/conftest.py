from tests.therapy.conftest import api, missing, new_programme, record  # noqa: F401 (fixtures)
