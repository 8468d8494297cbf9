"""Clinical text analysis: tokens, spans, entity recognizers, traits, attributes, PHI, ontology linking.

Engines speak their own typed vocabulary (``Span``, ``Mention``); services translate to AWS shapes.
"""
