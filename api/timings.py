"""Wall-clock marks of one CLI command, for the benchmarks (``transfernet analyze --timings FILE``).

A command marks the end of each of its phases (`Timings.mark`); the file written is
``{"started": epoch, "marks": [[phase, epoch seconds, peak RSS bytes so far], ...]}``, in
order.  The epoch times let a parent process that started the command
(``benchmarks/analyze_suite.py``) add what happened before the first mark (the
interpreter's start) and after the last (its exit); the peak resident memory at each mark
(``getrusage``'s ``ru_maxrss``) tells in which phase the process reached its peak.

Examples
--------
>>> t = Timings(started=100.0)
>>> t.mark("imports", at=101.5)
>>> t.mark("store open", at=102.0)
>>> t.phases()
{'imports': 1.5, 'store open': 0.5}
>>> Timings.phases_of([["a", 10.0, 0], ["b", 12.25, 0]], started=9.0)
{'a': 1.0, 'b': 2.25}
>>> t.marks[-1][2] > 0  # the peak resident memory so far, in bytes
True
>>> t.note("write beside the phases", 0.25); t.notes
{'write beside the phases': 0.25}
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Timings"]


@dataclass(slots=True)
class Timings:
    """The end of each phase of a command, in epoch seconds.

    Parameters
    ----------
    started : float
        When the first phase started (epoch seconds; default now).
    """

    started: float = field(default_factory=time.time)
    marks: list[tuple[str, float, int]] = field(default_factory=list)
    #: seconds of work done beside the phases (in a thread), by name
    notes: dict[str, float] = field(default_factory=dict)

    def mark(self, phase: str, *, at: float | None = None) -> None:
        """Record that `phase` ended now (or `at`), with the peak resident memory so far."""
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        self.marks.append((phase, time.time() if at is None else at, peak))

    def note(self, name: str, seconds: float) -> None:
        """Record `seconds` of work done beside the phases (in another thread), as `name`."""
        self.notes[name] = round(self.notes.get(name, 0.0) + seconds, 6)

    def phases(self) -> dict[str, float]:
        """Seconds of each phase (a phase marked twice adds up)."""
        return self.phases_of(self.marks, started=self.started)

    @staticmethod
    def phases_of(marks: Sequence[Sequence[object]], *, started: float) -> dict[str, float]:
        """Seconds of each phase of ``[[phase, epoch, ...], ...]`` marks that follow `started`."""
        out: dict[str, float] = {}
        last = started
        for phase, at, *_ in marks:
            end = float(at)  # type: ignore[arg-type]
            out[str(phase)] = round(out.get(str(phase), 0.0) + end - last, 6)
            last = end
        return out

    def write(self, path: str | Path) -> Path:
        """Write ``{"started": epoch, "marks": [[phase, epoch, peak RSS], ...], "notes": {name:
        seconds}}`` to `path`."""
        target = Path(path)
        marks = [list(m) for m in self.marks]
        target.write_text(json.dumps({"started": self.started, "marks": marks, "notes": self.notes}))
        return target
