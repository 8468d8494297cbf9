"""Registration of the built-in text stages under their versioned names.

Stage modules register themselves with ``@registry.register`` when imported; ``ensure_registered`` imports
them (lazily, so the server starts without loading any model) and adds the few registered from here.
"""

from __future__ import annotations

from functools import cache

from medauto.engines import registry


@cache
def ensure_registered() -> None:
    from medauto.engines.text import (  # noqa: F401  (self-registering)
        attributes,
        crf_ensemble,
        crf_ner,
        lexicon,
        llm_ner,
        relations,
    )
    from medauto.engines.text.context import ContextTraits
    from medauto.engines.text.icd10cm import load_index
    from medauto.engines.text.phi import PhiRecognizer

    registry.register("text.context.v1")(ContextTraits.load)
    registry.register("text.icd10cm.v1")(load_index)
    registry.register("text.phi.rules.v1")(PhiRecognizer.load)
