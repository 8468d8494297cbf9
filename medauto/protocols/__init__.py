"""AWS wire protocols only: parse requests and serialize responses from botocore's service models.

This package imports nothing project-internal but ``medauto.protocols.messages`` and ``medauto.config``.
"""
