"""The categories the coach may discuss with the other parties (scheduling, logistics, …)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Static, TextArea

from roomguard.core.models import DEFAULT_SHAREABLE
from roomguard.core.text import fold
from roomguard.screens.agreement_forms.base import AgreementForm, lines_of, sentence


class ShareableForm(AgreementForm[list[str]]):
    """Returns the new list of shareable categories."""

    FIELDS = ("categories",)
    DISCARD_QUESTION = "Discard your changes to the shareable categories?"

    def __init__(
        self,
        on_save: Callable[[list[str]], bool],
        *,
        categories: Sequence[str],
        topic_names: Sequence[str],
    ) -> None:
        super().__init__(on_save)
        self.categories = list(categories)
        self.topic_names = list(topic_names)

    def heading(self) -> str:
        return "Shareable categories"

    def body(self) -> ComposeResult:
        yield Static(
            "What the coach may discuss with the other parties, one category per line. "
            "Everything else stays between client and coach.",
            classes="hint",
            markup=False,
        )
        yield TextArea("\n".join(self.categories), id="categories", soft_wrap=True)
        yield self.error_label("categories")
        yield Button("Restore the defaults", id="defaults")

    @on(Button.Pressed, "#defaults")
    def _defaults(self) -> None:
        self.query_one("#categories", TextArea).text = "\n".join(DEFAULT_SHAREABLE)

    def errors(self) -> dict[str, str]:
        seen: set[str] = set()
        topics = {fold(name): name for name in self.topic_names}
        for category in lines_of(self.query_one("#categories", TextArea).text):
            key = fold(category)
            if key in seen:
                return {"categories": sentence(f'"{category}" is listed twice')}
            if key in topics:
                return {
                    "categories": sentence(
                        f'"{category}" is a private topic; it cannot also be shareable'
                    )
                }
            seen.add(key)
        return {}

    def result(self) -> list[str]:
        return lines_of(self.query_one("#categories", TextArea).text)
