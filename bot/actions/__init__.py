"""Actions: upgrades and remedial or improvement work, followed until done."""
