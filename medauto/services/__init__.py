"""Protocol-agnostic service providers: boto3-shaped dicts in, boto3-shaped dicts out, modeled errors raised."""
