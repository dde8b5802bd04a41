import time

import pytest

from gaoxin.demo import generate_zone, write_department_files


@pytest.fixture(scope="session")
def zone():
    return generate_zone()


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """(zone, paths, seconds): a fresh zone generated and written, timed end to end."""
    out = tmp_path_factory.mktemp("demo")
    t0 = time.perf_counter()
    z = generate_zone()
    paths = write_department_files(z, out)
    return z, paths, time.perf_counter() - t0
