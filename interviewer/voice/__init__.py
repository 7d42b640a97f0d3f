"""Speech in and out: transcription engines behind one protocol, audio files, streaming.

No Qt here (the window's recorder and speaker live in `interviewer.gui`); NumPy and
faster-whisper are imported lazily, so the app runs without the `voice` extra and says
what to install when a spoken answer is attempted.
"""
