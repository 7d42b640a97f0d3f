"""Interviewer: timed, rubric-graded mock interviews for ML engineering roles."""

__version__ = "0.1.0"
