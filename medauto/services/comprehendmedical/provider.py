"""Comprehend Medical operations. Each handler is marked with ``@operation("<ModelName>")``.

Operations without a handler answer AWS's ``NotImplemented`` error through the dispatcher.
"""

from __future__ import annotations


class ComprehendMedicalProvider:
    """Sync text analysis and batch jobs arrive with the clinical text engine and the job store."""
