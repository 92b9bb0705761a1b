"""The drill: the daily loop that shows a card, reveals it, and records the grade.

Each grade is one durable transaction (`study.schedule.answering.answer`), committed before
the next card is shown, so a drill killed at any moment loses no answer. The drill itself only
decides what to show next and how: the keys are read by `study.drill.terminal`, the time comes
from an injected clock (tests fix it), and the screen is drawn by `study.drill.screen`. While
the user reads a back, the next card is made ready (`study.drill.ahead`): after the key only
the answer is written and, when the queue takes that card as it was read, its front.

A card in (re)learning is never shown before it is due (unless `learn_ahead` allows it): when
only such cards are left, the drill counts down to the next one on a terminal (any key ends
the drill), or ends and says when it is due.

The queue is read through `study.schedule.queue.Reads`: the store, or (for the first card) the
database file read-only before the store is open, so the first front is drawn without waiting
for SQLModel and fsrs to load (`study.drill.start`). Both read the same rules, the same way.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from study.drill.ahead import Ahead, counts_of, front_of, make_ready, peek
from study.drill.keys import OtherKeys
from study.drill.options import Clock, Options
from study.drill.screen import (
    BUSY,
    Counts,
    Summary,
    countdown,
    print_back,
    print_front,
    write_drawn,
)
from study.drill.summing import sum_up
from study.drill.terminal import ENTER, ESC, KeyReader
from study.drill.typed import show_typed
from study.notes.card import Kind
from study.notes.cardview import back_markdown, format_interval
from study.notes.lookup import resolve_decks
from study.schedule import queue
from study.schedule.answering import Answers, Shown, answer, open_answers, read_card, settings_for
from study.schedule.database import until_written
from study.schedule.due import no_card_tagged, tagged_decks
from study.schedule.rules import day_start, known_decks, select
from study.schedule.scheduler import Foreseen, Settings, make_scheduler, settings_in_force
from study.schedule.schema import State, Status, from_stamp

if TYPE_CHECKING:
    from study.schedule.store import Store

GOOD = 3
ACTION_KEYS = "usb!eq"


class Drill(OtherKeys):
    """One drill session over the cards `study.schedule.queue` says are due.

    Made with a store, `run` does it all. Made without one (`store=None`), `start` builds the
    queue from other `Reads` and `draw_first` shows the first front; `attach` gives the store
    and `run` goes on from that front.
    """

    store: Store  # every answer is written here; read too, once given

    def __init__(
        self,
        store: Store | None,
        reader: KeyReader,
        console: Any,
        clock: Clock,
        options: Options | None = None,
    ) -> None:
        self.reader = reader
        self.console = console
        self.clock = clock
        self.options = options or Options()
        self.reads: queue.Reads | None = None
        self.learn_ahead, self.rollover_hour = timedelta(0), 4  # start() reads the settings
        self.early: tuple[str | None, datetime | None] | None = None  # (card, when drawn)
        self.known: tuple[Shown, Settings] | None = None  # the early card, read and checked
        self.ahead: Ahead | None = None  # the next card made ready (`study.drill.ahead`)
        self.answers: Answers | None = None  # opened at the first read after `attach`
        self.pending: deque[str] = deque()
        self.stage: dict[str, str] = {}  # card id -> new / learning / review, for the counts
        self.learning: list[tuple[datetime, str]] = []  # (re)learning cards due later today
        self.graded: list[str] = []  # for undo, newest last
        # Each card's last review as read or written here (see `_answered_elsewhere`).
        self.versions: dict[str, datetime | None] = {}
        self.left_out: set[str] = set()  # skipped, buried or suspended this session
        self.current: str | None = None
        self.summary = Summary()
        self.new_seen = 0
        self.shown = 0
        self.started = clock()
        if store is not None:
            self.attach(store)

    def attach(self, store: Store) -> None:
        """The store to write the answers to, and to read from from now on."""
        self.store = self.reads = store

    def start(self, reads: queue.Reads) -> None:
        """Reads the global settings (once a session) and builds the queue from `reads`.

        StudyError for a deck that does not exist or a tag no card has."""
        self.reads = reads
        settings = settings_in_force(reads.execute)
        self.learn_ahead = settings.learn_ahead
        self.rollover_hour = settings.rollover_hour
        decks, tags = self.options.decks, self.options.tags
        if decks:
            decks = tuple(resolve_decks(decks, known_decks(reads.execute)))
            self.options = replace(self.options, decks=decks)
        if tags and not tagged_decks(reads.execute, tags):
            raise no_card_tagged(tags)
        self.pending, self.learning, self.stage = deque(), [], {}  # a second start: anew
        start = self.started = self.clock()
        self.pending.extend(self._build(start))
        self.learning = self._learning_later(start)

    def draw_first(self) -> bool:
        """Draws the first card's front from the reads `start` used; False (nothing drawn)
        when no card is to be shown now."""
        card_id = self._next()
        row = None if card_id is None else queue.face(self._reads.execute, card_id)
        if card_id is None or row is None:
            return False
        self.current = card_id
        self._front(row)
        self.current = None
        self.early = (card_id, self.clock())
        return True

    def run(self) -> Summary:
        """Shows cards until none is left today, the limit is reached or the user quits."""
        if self.early is None:
            self.start(self.store)
        start = self.started
        try:
            self._loop()
        except KeyboardInterrupt:  # Ctrl-C ends the drill: every grade is already committed
            self.summary.interrupted = True
            self.console.print()
        finally:
            if self.answers is not None:
                self.answers.close()
                self.answers = None
        if not self.shown:
            self.console.print("Nothing to study now.")
        self.summary.elapsed = self.clock() - start
        self._sum_up(self.clock())
        return self.summary

    def _loop(self) -> None:
        while self._limit_left():
            card_id, drawn = self.early or (self._next(), None)
            self.early = None
            if card_id is None:
                if not self._wait_for_learning():
                    return
                continue
            if self._show(card_id, drawn) == "quit":
                return

    @property
    def _db(self) -> Answers:
        """Where the answers are written, and the cards read (`study.schedule.answering`)."""
        if self.answers is None:
            self.answers = open_answers(self.store)
        return self.answers

    @property
    def _reads(self) -> queue.Reads:
        assert self.reads is not None, "start() first"
        return self.reads

    def _build(self, now: datetime) -> list[str]:
        new_limit = self.options.new_limit
        if new_limit is not None:
            new_limit = max(0, new_limit - self.new_seen)
        # --limit caps the session (see run), never a daily limit; --new replaces the new one.
        execute = self._reads.execute
        picks = select(execute, now, self.options.decks, self.options.tags, new_limit).picks
        if self.options.typed:
            picks = queue.typed_first(execute, picks)
        self._reads.end_read()
        busy = self.left_out | set(self.pending) | {i for _, i in self.learning}
        fresh = [pick for pick in picks if pick.id not in busy]
        self.stage |= {pick.id: pick.part for pick in fresh}
        self.versions |= {pick.id: _moment(pick.version) for pick in fresh}
        return [pick.id for pick in fresh]

    def _learning_later(self, now: datetime) -> list[tuple[datetime, str]]:
        decks, tags = self.options.decks, self.options.tags
        found = queue.learning_later(self._reads.execute, now, self._day_end(now), decks, tags)
        self._reads.end_read()
        self.versions |= {card_id: _moment(version) for _, card_id, version in found}
        return [(due, card_id) for due, card_id, _ in found]

    def _next(self) -> str | None:
        """The next card: a learning card due now, the queue, or one due within learn_ahead."""
        now = self.clock()
        self.learning.sort()
        if self.learning and self.learning[0][0] <= now:
            return self._take_learning()
        if not self.pending:
            self.pending.extend(self._build(now))
        if self.pending:
            return self.pending.popleft()
        if self.learning and self.learning[0][0] <= now + self.learn_ahead:
            return self._take_learning()
        return None

    def _take_learning(self) -> str:
        card_id = self.learning.pop(0)[1]
        self.stage[card_id] = "learning"
        return card_id

    def counts(self) -> Counts:
        """New / learning / review still to come today, the card on screen included."""
        behind = Counter(map(self.stage.get, self.pending))  # in C: thousands, every card
        shown = [] if self.current is None else [self.stage.get(self.current)]
        return counts_of(behind, shown, len(self.learning))

    def _wait_for_learning(self) -> bool:
        """Only (re)learning cards due later are left: count down to the next one (True when it
        is due), or end the drill saying when it comes (False)."""
        if not self.learning:
            return False
        due = self.learning[0][0]
        if not (self.options.wait and self.reader.tty):
            when = due.astimezone().strftime("%H:%M")
            wait = format_interval((due - self.clock()).total_seconds())
            self.console.print(f"The next learning card is due in {wait} ({when}).")
            return False
        return countdown(self.console, self.reader, self.clock, due)

    def _show(self, card_id: str, drawn: datetime | None = None) -> str:
        """One card from front to grade (its front already `drawn` then, if given); returns
        what happened ("quit" ends the drill)."""
        # One read of the card (as stored now: another drill may have answered it meanwhile)
        # and of its deck's settings, for the preview and the grade alike (the grade reads the
        # card once more, inside its write); none when the answer before read it (`known`).
        known, self.known = self.known, None
        row, settings = known or (read_card(self._db.execute, card_id), None)
        if row is None or row.status != Status.ACTIVE or self._answered_elsewhere(row):
            self._db.end_read()
            self.left_out.add(card_id)  # not offered again this session
            return "gone"
        settings = settings or settings_for(self._db, row.deck)
        self.current = card_id
        try:
            return self._ask(row, settings, drawn)
        finally:
            self.current = None

    def _ask(self, row: Shown, settings: Settings, drawn: datetime | None) -> str:
        shown = drawn or self.clock()
        self.shown += 1
        if drawn is None:
            self._front(row)
        proposed = None
        typed = self.options.typed and row.kind == Kind.COMMAND_REVERSE
        if typed:
            answer = self.reader.line("type the command (Enter: show it · Esc: leave): ")
            if answer is None:
                return self._act("q", row)
            proposed = show_typed(self.console, answer, row.back)
        else:
            key = self._wait(" " + ENTER)
            if key not in (" ", ENTER):
                return self._act(key, row)
        foreseen = Foreseen(make_scheduler(settings), row, self.clock())
        self._back(row, foreseen.intervals(), proposed)
        self.ahead = self._make_ready()
        key = self._wait("1234 " + ENTER)
        if key in "1234 " + ENTER:
            rating = int(key) if key.isdigit() else proposed or GOOD
            return self._grade(row, rating, shown, settings, foreseen)
        self.ahead = None
        return self._act(key, row)

    def _answered_elsewhere(self, row: Any) -> bool:
        """Another drill (here or on another machine) answered the card since this one read it:
        its last review is not the one read or written here (not a time: clocks disagree)."""
        if row.id not in self.versions:  # an undone answer: shown again, as it stands
            return False
        return _moment(row.last_review) != self.versions[row.id]

    def _wait(self, wanted: str) -> str:
        """The next key that means something at this stage (`wanted` or an action key)."""
        while True:
            key = self.reader.key()
            if key == ESC:
                return "q"
            if key and (key in wanted or key in ACTION_KEYS):
                return key

    def _front(self, row: Any) -> None:
        place, side, hint = front_of(row, self.options.typed)
        print_front(self.console, place, self.counts(), side, hint)

    def _back(self, row: Any, previews: dict[int, timedelta], proposed: int | None) -> None:
        # A typed answer already showed the command, once.
        side = back_markdown(row.kind, row.back) if proposed is None else None
        print_back(self.console, side, previews, proposed, proposed or GOOD)

    def _grade(
        self, row: Shown, rating: int, shown: datetime, settings: Settings, foreseen: Foreseen
    ) -> str:
        now = self.clock()
        duration = max(0, int((now - shown).total_seconds() * 1000))
        was_new = row.last_review is None
        ahead, self.ahead = self.ahead, None
        following = None if ahead is None else ahead.card.id
        answered = until_written(  # busy: the answer waits in memory, the user is told why
            lambda: answer(self._db, row, rating, now, duration, settings, following, foreseen),
            lambda: self.console.print(BUSY),
            f"the answer to card {row.id[:8]}",
        )
        updated = answered.card
        self.graded.append(row.id)
        self.versions[row.id] = _moment(updated.last_review)
        self.summary.seen += 1
        self.summary.ratings.append(rating)
        self.summary.again += rating == 1
        self.new_seen += was_new
        due = from_stamp(updated.due)
        if updated.state != State.REVIEW and due < self._day_end(now):
            self.learning.append((due, row.id))
        if answered.became_leech:
            return self._leech(row)
        if ahead is not None and self._limit_left() and ahead.card == answered.following:
            self._draw_ready(ahead)
        return "graded"

    def _limit_left(self) -> bool:
        """Whether the session's --limit lets another card be shown."""
        return self.options.limit is None or self.summary.seen < self.options.limit

    def _make_ready(self) -> Ahead | None:
        """The next card made ready while the user reads this back (`study.drill.ahead`):
        None when there is none to make ready, or another drill answered it already."""
        if self.options.limit is not None and self.summary.seen + 1 >= self.options.limit:
            return None
        self.learning.sort()
        found = peek(self.pending, self.learning, self.clock(), self.learn_ahead)
        card = None if found is None else read_card(self._db.execute, found[0])
        if found is None or card is None or self._answered_elsewhere(card):
            self._db.end_read()
            return None
        if card.status != Status.ACTIVE:
            self._db.end_read()
            return None
        settings = settings_for(self._db, card.deck)
        queued = (self.pending, self.stage, len(self.learning))
        return make_ready(self.console, card, settings, queued, found[1], self.options.typed)

    def _draw_ready(self, ahead: Ahead) -> None:
        """Takes the next card from the queue and, when it is the one made ready (and the
        queue behind it as it was then), writes its front drawn ahead; else leaves the card
        for `_show` to read and draw."""
        card_id = self._next()
        self.early = (card_id, None)
        if card_id != ahead.card.id or len(self.pending) != ahead.queued:
            return
        counts = counts_of(ahead.behind, [self.stage.get(card_id)], len(self.learning))
        text = ahead.fronts.get(counts)
        if text is None or self.console.width != ahead.width:
            return
        write_drawn(self.console, text)
        self.early = (card_id, self.clock())
        self.known = (ahead.card, ahead.settings)

    def _day_end(self, now: datetime) -> datetime:
        return day_start(now, self.rollover_hour) + timedelta(days=1)

    def _sum_up(self, now: datetime) -> None:
        later = len(self._learning_later(now))
        sum_up(self.summary, self.store.execute, now, self.options, later)
        self.store.end_read()


def _moment(value: str | datetime | None) -> datetime | None:
    """A last review as read from either kind of row (stamp text or datetime), comparable."""
    return None if value is None else from_stamp(value)
