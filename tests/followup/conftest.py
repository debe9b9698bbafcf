import pytest

from tests.followup.fixtures import World, build_world


@pytest.fixture
def world(db) -> World:
    """The people around an internship: the student, the company side, the school staff, and outsiders."""
    return build_world()
