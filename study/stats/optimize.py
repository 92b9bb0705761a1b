"""`study optimize`: fit the FSRS parameters to the user's own reviews with fsrs-rs-python (the
Rust FSRS that Anki uses), and show what the fit gains before storing it.

The training items are each card's review history (`study.schedule.history`). The figures are
measured on held-out reviews: the items are split by time, the later fifth kept out of a first
fit, and log loss and RMSE of the parameters in use and of that fit are both measured on it.
The parameters stored are then fitted on every item. fsrs-rs-python is imported only here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from study.errors import StudyError
from study.schedule.config import set_setting
from study.schedule.history import card_histories, training_items
from study.schedule.reschedule import reschedule
from study.schedule.settings import format_parameters, parse_parameters, read_stored
from study.schedule.store import open_store

MIN_ITEMS = 400  # reviews a day or more after the one before; fewer fit noise, not the user
HELD_OUT = 0.2  # the later share of the items a first fit never sees


@dataclass
class Fit:
    """What `study optimize` found: the figures before and after, and the parameters."""

    items: int
    before: tuple[float, float]  # (log loss, RMSE) of the parameters in use, held-out items
    after: tuple[float, float]  # the same for parameters fitted without the held-out items
    parameters: list[float]
    stored: bool
    moved: int = 0  # cards rescheduled

    @property
    def worse(self) -> bool:
        """A fit losing to the parameters in use on held-out reviews is not stored (as Anki)."""
        return self.after[0] > self.before[0]

    def render(self, where: str) -> str:
        (loss0, rmse0), (loss1, rmse1) = self.before, self.after
        lines = [
            f"fitted on {self.items} reviews; on the later {HELD_OUT:.0%} held out:",
            f"  log loss {loss0:.4f} -> {loss1:.4f}",
            f"  RMSE     {rmse0:.4f} -> {rmse1:.4f}",
            f"parameters: {format_parameters(self.parameters)}",
        ]
        if self.worse:
            lines.append("the fit does no better on held-out reviews: kept the parameters in use")
        elif self.stored:
            lines.append(
                f"stored {where}; cards rescheduled from their history, {self.moved} moved"
            )
        else:
            lines.append("dry run: nothing stored")
        return "\n".join(lines)


def collect_items(histories: Iterable[tuple[str, Sequence[Any]]]) -> list[tuple[datetime, Any]]:
    """(time of the review it predicts, item) for every training item, oldest first."""
    items: list[tuple[datetime, Any]] = []
    for _, answers in histories:
        predicted = [a.at for i, a in enumerate(answers) if i and a.day > answers[i - 1].day]
        items += zip(predicted, training_items(answers), strict=True)
    items.sort(key=lambda pair: pair[0])
    return items


def _too_few(
    histories: Sequence[tuple[str, Sequence[Any]]], usable: int, decks: Sequence[str]
) -> StudyError:
    """FSRS learns from a card's answers on days after its first: say what it had and needs."""
    logged = sum(len(answers) for _, answers in histories)
    where = f" in {decks[0]}" if decks else ""
    return StudyError(
        f"{logged} reviews logged{where}, {usable} of them on a later day than a card's first "
        f"(what FSRS learns from); optimizing needs {MIN_ITEMS}, {MIN_ITEMS - usable} more "
        "(nothing changed)"
    )


def fit(items: Sequence[Any], current: Sequence[float] | None) -> Fit:
    """Fit on the earlier items, measure both parameter sets on the later ones, then fit on
    all; `current` None means fsrs' defaults."""
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

    cut = int(len(items) * (1 - HELD_OUT))
    trainer = FSRS(list(DEFAULT_PARAMETERS))
    early = trainer.compute_parameters(items[:cut])
    held = list(items[cut:])
    before = FSRS(list(current or DEFAULT_PARAMETERS)).evaluate(held)
    after = FSRS(early).evaluate(held)
    final = trainer.compute_parameters(list(items))
    return Fit(
        items=len(items),
        before=(before.log_loss, before.rmse_bins),
        after=(after.log_loss, after.rmse_bins),
        parameters=[round(weight, 4) for weight in final],
        stored=False,
    )


def optimize(db_path: Path | None, deck: str | None, dry_run: bool) -> Fit:
    """`study optimize [--deck D] [--dry-run]`: fit, report, and (unless a dry run) store the
    parameters (the deck's own with `--deck`) and reschedule the cards they govern."""
    with open_store(db_path, create=False) as store:
        decks = store.resolve_decks([deck]) if deck is not None else []
        histories = list(card_histories(store.execute, decks))
        items = collect_items(histories)
        if len(items) < MIN_ITEMS:
            raise _too_few(histories, len(items), decks)
        name = decks[0] if decks else None
        current = parse_parameters(read_stored(store.execute).values(name)["parameters"])
        result = fit([item for _, item in items], current)
        if not dry_run and not result.worse:
            set_setting(store, "parameters", format_parameters(result.parameters), name)
            result.stored = True
            result.moved = reschedule(store, decks).moved
        return result


def run_optimize(
    db_path: Path | None, deck: str | None, dry_run: bool, retention: bool, apply: bool
) -> str:
    """`study optimize`: the fit, or with `retention` the simulated retentions; the report."""
    if apply and not retention:
        raise StudyError("--apply goes with --retention (the fit is stored unless --dry-run)")
    if retention:
        if dry_run:
            raise StudyError("--retention changes nothing unless --apply: drop --dry-run")
        from study.stats.retention import plan_retention

        return plan_retention(db_path, deck, apply).render()
    where = f"for {deck}" if deck else "globally"
    return optimize(db_path, deck, dry_run).render(where)
