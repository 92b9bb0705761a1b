"""`study optimize --retention`: what a desired retention costs and keeps, by fsrs-rs-python's
simulator on the user's parameters, deck size and daily limits, over a year.

The value recommended is the library's `optimal_retention`: the one giving the most knowledge
per minute of study (what Anki calls the minimum recommended retention). Nothing changes unless
`--apply` is given; then the desired retention is set and the cards rescheduled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from study.schedule.config import set_setting
from study.schedule.reschedule import reschedule
from study.schedule.scheduler import load_settings
from study.schedule.store import Store, open_store

CANDIDATES = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95)
DAYS = 365
SEED = 42  # the simulation is random; a fixed seed gives the same table every run


@dataclass(frozen=True)
class Outcome:
    retention: float
    reviews_per_day: float
    minutes_per_day: float
    remembered: float  # cards remembered after a year

    @property
    def per_minute(self) -> float:
        minutes = self.minutes_per_day * DAYS
        return self.remembered / minutes if minutes else 0.0


@dataclass
class Plan:
    deck_size: int
    current: float
    best: float
    outcomes: list[Outcome]
    applied: str = ""

    def render(self) -> str:
        lines = [
            f"a year of {self.deck_size} cards, simulated on your parameters:",
            "retention  reviews/day  min/day  remembered  per min",
        ]
        for o in self.outcomes:
            mark = " <- best" if abs(o.retention - self.best) < 1e-9 else ""
            mark += " (now)" if abs(o.retention - self.current) < 1e-9 else ""
            lines.append(
                f"{o.retention:>9.2f}  {o.reviews_per_day:>11.1f}  {o.minutes_per_day:>7.1f}"
                f"  {o.remembered:>10.0f}  {o.per_minute:>7.2f}{mark}"
            )
        lines.append(
            f"most knowledge per minute at {self.best:.2f}"
            + (f"; {self.applied}" if self.applied else "; `--apply` sets it")
        )
        return "\n".join(lines)


def _config(store: Store, deck: str | None, size: int):  # type: ignore[no-untyped-def]
    from fsrs_rs_python import default_simulator_config

    settings = load_settings(store, deck)
    config = default_simulator_config()
    config.deck_size = max(1, size)
    config.learn_span = DAYS
    config.learn_limit = settings.new_per_day
    config.review_limit = settings.reviews_per_day
    config.max_ivl = float(settings.maximum_interval)
    return config


def simulate(weights: list[float], retention: float, config: object) -> Outcome:
    from fsrs_rs_python import simulate as run

    result = run(weights, retention, config, SEED)  # type: ignore[arg-type]
    return Outcome(
        retention=round(retention, 2),
        reviews_per_day=sum(result.review_cnt_per_day) / DAYS,
        minutes_per_day=sum(result.cost_per_day) / 60 / DAYS,
        remembered=result.memorized_cnt_per_day[-1],
    )


def plan_retention(db_path: Path | None, deck: str | None, apply: bool) -> Plan:
    """The table of `study optimize --retention`, and with `apply` the best value set."""
    from fsrs_rs_python import DEFAULT_PARAMETERS, optimal_retention

    with open_store(db_path, create=False) as store:
        name = store.resolve_decks([deck])[0] if deck is not None else None
        settings = load_settings(store, name)
        weights = list(settings.parameters or DEFAULT_PARAMETERS)
        where = "WHERE deck = :deck AND" if name else "WHERE"
        sql = f"SELECT count(*) FROM card {where} status != 'retired'"
        size = int(next(iter(store.execute(sql, {"deck": name})))[0])
        config = _config(store, name, size)
        best = round(optimal_retention(config, weights), 2)
        values = sorted({*CANDIDATES, round(settings.desired_retention, 2), best})
        plan = Plan(size, settings.desired_retention, best, [])
        plan.outcomes = [simulate(weights, value, config) for value in values]
        if apply:
            set_setting(store, "desired_retention", str(best), name)
            moved = reschedule(store, [name] if name else []).render()
            plan.applied = f"desired_retention = {best}; {moved}"
        return plan
