"""Audio and video engines: decoding (PyAV), speech recognition (faster-whisper), speakers, topics, shots,
chapters and on-screen text. No AWS shapes: the BDA service formats what these return."""
