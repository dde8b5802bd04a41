import pytest

from gaoxin.demo import generate_zone, write_department_files


@pytest.fixture(scope="session")
def zone():
    return generate_zone()


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """(zone, paths): a fresh zone generated and written (no timing here: speed belongs in bench/)."""
    out = tmp_path_factory.mktemp("demo")
    z = generate_zone()
    return z, write_department_files(z, out)
