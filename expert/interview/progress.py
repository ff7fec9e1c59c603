"""What the interview shows of how much is left: a bar that only moves forward, and the
planner's estimate of the questions left, never a number higher than one already shown.

The planner's estimate can rise after an answer (a theme's check answered "not quite"
becomes one question per point; a verdict that now calls for a letter needs the facts the
letter states). Showing it as it is would move the progress backwards; so the bar keeps
what it showed and moves on by a share of what is left, and a count higher than the last
one shown is not said at all until the estimate comes back down to it. When the questions
are over the bar is shown full, however late the estimate rose (a verdict that turned into
a letter at the last question), so that it always reaches its end.
"""

from __future__ import annotations

from dataclasses import dataclass

CELLS = 10


@dataclass
class Progress:
    share: float = 0.0          # the part of the bar filled, from 0 to 1 (1 only once done)
    said: int | None = None     # the last count of questions left that was shown
    shown: bool = False

    def show(self, answered: int, left: int) -> tuple:
        """(filled cells, the count to say or None) before a new question. `answered`: the
        questions answered so far; `left`: the planner's estimate, this question included."""
        left = max(1, left)
        fair = answered / (answered + left)
        # Each new question moves the bar on by at least one of the `left` + 1 parts of what
        # remains: forward even when the estimate rose, never full while a question is asked.
        onwards = self.share + (1 - self.share) / (left + 1) if self.shown else 0.0
        self.share, self.shown = max(self.share, fair, onwards), True
        said = left if self.said is None or left <= self.said else None
        if said is not None:
            self.said = said
        return int(self.share * CELLS), said

    def finish(self) -> bool:
        """The questions are over: the bar is full (and stays full if the user goes back, so
        that it never moves backwards). False when there is nothing new to show: no bar was
        shown, or it is full already."""
        if not self.shown or self.share >= 1:
            return False
        self.share = 1.0
        return True
