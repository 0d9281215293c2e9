"""refresher: quizzes, spaced repetition and live worked examples for Session 14 (RNN & LSTM)."""

__version__ = "0.1.0"
