"""亩均 results as a county publishes them: 公示 of an official run, 申诉/复核 cases on the case core (flow
mujun-appeal) tied to the disputed cell, 调档 and 参评/不参评 decisions with a second user's approval, and the
final list (run + approved decisions), its transitions over years. Runs are never edited: every decision
sits beside the run it concerns (store.decisions), an accepted correction is a new batch and a re-run."""

from .rules import Rules, load

__all__ = ["Rules", "load"]
