"""Amazon Bedrock Data Automation control plane (2023-07-26)."""
