"""Blueprint field extraction: schema parsing, offline key-value extraction, classification and splitting.

No AWS shapes here: the BDA runtime formats :class:`~medauto.engines.extraction.result.ExtractionResult` into
custom output.
"""
