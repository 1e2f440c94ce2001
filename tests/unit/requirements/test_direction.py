"""Requirements build on the service map; agreements and cover build on requirements, never the reverse."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LOADED = "import sys, bot.{0}; print(' '.join(sorted(m for m in sys.modules if m.startswith(('bot.', 'slack', 'handlers', 'messages')))))"


def test_requirements_and_the_service_map_load_no_agreements_cover_or_slack():
    for package in ("requirements", "service_map", "calendars", "benchmarks"):
        loaded = subprocess.run([sys.executable, "-c", LOADED.format(package)], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.split()
        assert f"bot.{package}" in loaded
        assert [m for m in loaded if m.startswith(("bot.agreements", "bot.cover", "slack", "handlers", "messages"))] == []
