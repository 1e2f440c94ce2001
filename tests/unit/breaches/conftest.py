from tests.unit.agreements.world import unit_db, world  # noqa: F401  (fixtures)
