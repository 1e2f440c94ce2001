"""Linking the world's SLA targets to the OLA's (stage 1) and the contract's (stage 2), as `/slm underpin` does."""
from __future__ import annotations

from bot import cover as coverage
from tests.unit.agreements.world import SM


def link_tree(world) -> None:
    with world.db.session() as s:
        for key in ("T1", "T2"):
            for leg, stage in ((world.ola, 1), (world.uc, 2)):
                coverage.link(s, SM, sla_target_id=world.target(s, world.sla, key).id,
                              leg_target_id=world.target(s, leg, key).id, stage=stage)


def checks(world, s, actor=SM) -> dict:
    return {c.target.key: c for c in coverage.check_agreement(s, world.get(s, world.sla), actor.today(), at=actor.at())}
