"""The command palette's provider: every action of the app and of its panes, found by fuzzy search."""

from __future__ import annotations

from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


class OutreachCommands(Provider):
    """Panes, markets, import, dedupe, reload, theme, help and each pane's own actions."""

    def _commands(self) -> list[tuple[str, str, Any]]:
        """The app's current list (it grows once the workspace is open)."""
        app: Any = self.app
        return list(app.palette_commands()) if hasattr(app, "palette_commands") else []

    async def discover(self) -> Hits:
        """Everything, before anything is typed."""
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches what was typed, best first."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
