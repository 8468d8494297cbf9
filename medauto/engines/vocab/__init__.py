"""Local RxNorm and SNOMED CT vocabularies: SQLite stores imported from official releases, and their linker.

``manage`` imports releases (``import_release``, ``ensure_demo``, ``store_path``), ``linker.VocabLinker`` links
mentions to concepts. Nothing here is imported at server start; stores load on first use.
"""
