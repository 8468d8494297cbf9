"""Re-export: the messages live in ``medauto.protocols.messages`` so lower layers can use them."""

from medauto.protocols.messages import HttpRequest, HttpResponse

__all__ = ["HttpRequest", "HttpResponse"]
