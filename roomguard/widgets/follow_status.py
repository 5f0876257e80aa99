"""One line saying whether a transcript is being followed, and what the follower is doing."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from roomguard.widgets.literal import literal


class FollowStatus(Widget):
    """``Transcript: waiting for file …`` / ``following …`` / ``off (press f to follow a file)``."""

    DEFAULT_CSS = """
    FollowStatus {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    FollowStatus.-following {
        color: $text;
    }
    FollowStatus.-problem {
        color: $warning;
    }
    """

    status: reactive[str] = reactive("")
    following: reactive[bool] = reactive(False)
    lines: reactive[int] = reactive(0)

    def set_status(self, status: str, *, following: bool) -> None:
        self.following = following
        self.status = status
        problem = following and status.startswith(("cannot", "file removed", "waiting"))
        self.set_class(following and not problem, "-following")
        self.set_class(problem, "-problem")

    def render(self) -> Text:
        line = Text("Transcript: ", style="bold", no_wrap=True, overflow="ellipsis", end="")
        if not self.following:
            line.append("off (press f to follow a transcript file)")
            return line
        line.append_text(literal(self.status or "starting…", limit=300))
        if self.lines:
            line.append(f"  · {self.lines} line{'s' if self.lines != 1 else ''} heard", style="dim")
        return line
