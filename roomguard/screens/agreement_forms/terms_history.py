"""Read earlier versions of the terms: what each said, what changed, and who consented to it."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from roomguard.core.dates import format_date
from roomguard.core.models import Agreement, Terms
from roomguard.widgets.literal import literal


def changes(before: Terms, after: Terms) -> list[str]:
    """What changed from *before* to *after*, one plain sentence each."""
    out: list[str] = []
    old = {t.id: t for t in before.topics}
    new = {t.id: t for t in after.topics}
    for topic in after.topics:
        if topic.id not in old:
            out.append(f"added private topic {topic.name}")
        elif old[topic.id] != topic:
            was = old[topic.id]
            what = "renamed from " + was.name if was.name != topic.name else "phrases changed"
            out.append(f"private topic {topic.name}: {what}")
    out += [f"removed private topic {t.name}" for t in before.topics if t.id not in new]
    out += [f"now shareable: {c}" for c in after.shareable if c not in before.shareable]
    out += [f"no longer shareable: {c}" for c in before.shareable if c not in after.shareable]
    old_scopes = {s.id: s for s in before.scopes}
    new_ids = {s.id for s in after.scopes}
    for scope in after.scopes:
        if scope.id not in old_scopes:
            out.append("added a scope extension")
        elif old_scopes[scope.id] != scope:
            out.append("changed a scope extension")
    out += ["removed a scope extension" for s in before.scopes if s.id not in new_ids]
    return out


class TermsHistory(ModalScreen[None]):
    """Every version of the terms, newest first; read-only."""

    CSS_PATH = ["../modal.tcss", "forms.tcss"]
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, agreement: Agreement, today: date) -> None:
        super().__init__()
        self.agreement = agreement
        self.today = today
        self.versions = sorted(
            [*agreement.history, agreement.terms], key=lambda t: t.version, reverse=True
        )

    def compose(self) -> ComposeResult:
        current = self.agreement.terms.version
        with Vertical(classes="dialog", id="history-dialog"):
            yield Static("Versions of the terms", classes="title")
            with Horizontal(id="history-panes"):
                yield OptionList(
                    *[
                        Option(
                            f"v{t.version}{' (current)' if t.version == current else ''}  "
                            f"{format_date(t.created_at.date())}",
                            id=str(t.version),
                        )
                        for t in self.versions
                    ],
                    id="versions",
                )
                with VerticalScroll(id="version-detail-scroll"):
                    yield Static("", id="version-detail", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#versions", OptionList).highlighted = 0
        self.show_version(self.versions[0].version)

    @on(OptionList.OptionHighlighted, "#versions")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.show_version(int(event.option.id))

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)

    def detail(self, version: int) -> Text:
        agreement = self.agreement
        terms = agreement.terms_version(version)
        assert terms is not None
        names = {p.id: p.name for p in agreement.participants}
        out = Text(end="")

        def heading(title: str) -> None:
            gap = "\n" if out.plain.endswith("\n") else "\n\n"
            out.append(f"{gap}{title}\n", style="bold")

        status = "current" if version == agreement.terms.version else "replaced"
        out.append(
            f"Version {version} ({status}), set {terms.created_at:%Y-%m-%d %H:%M}", style="bold"
        )
        previous = agreement.terms_version(version - 1)
        if previous is not None:
            heading(f"Changes from version {version - 1}")
            for change in changes(previous, terms) or ["no boundary changes"]:
                out.append("• ")
                out.append_text(literal(change, limit=200))
                out.append("\n")
        heading("Private topics")
        for topic in terms.topics:
            out.append("• ")
            out.append_text(literal(topic.name, style="bold", limit=80))
            out.append(": ")
            out.append_text(literal(", ".join(topic.phrases) or "(no phrases)", limit=300))
            out.append("\n")
        if not terms.topics:
            out.append("none\n", style="dim")
        heading("Shareable")
        out.append_text(literal(", ".join(terms.shareable) or "nothing", limit=300))
        heading("Scope extensions")
        for scope in terms.scopes:
            topics = [terms.topic(t) for t in scope.topic_ids]
            until = f" until {format_date(scope.ends_on)}" if scope.ends_on else ""
            line = (
                f"• {names.get(scope.participant_id, '(removed party)')}: "
                f"{', '.join(t.name for t in topics if t)} "
                f"(from {format_date(scope.starts_on)}{until}; {scope.reason})"
            )
            out.append_text(literal(line, limit=400))
            out.append("\n")
        if not terms.scopes:
            out.append("none\n", style="dim")
        heading("Consented to this version")
        records = [r for r in agreement.consents if r.terms_version == version]
        for record in sorted(records, key=lambda r: r.signed_on):
            line = (
                f"• {names.get(record.participant_id, '(removed party)')}: signed "
                f"{format_date(record.signed_on)} ({record.method.value})"
            )
            if record.revoked_on:
                line += f", revoked {format_date(record.revoked_on)}"
            out.append_text(literal(line, limit=300))
            out.append("\n")
        if not records:
            out.append("nobody\n", style="dim")
        return out

    def show_version(self, version: int) -> None:
        self.query_one("#version-detail", Static).update(self.detail(version))
