"""The workspace fixtures: a real Assistant and people using it (SQLite and PostgreSQL)."""

from tests.workspace.conftest import alice, assistant, bob, carol, mallory

__all__ = ["alice", "assistant", "bob", "carol", "mallory"]
