"""Amazon Bedrock Data Automation runtime (2024-06-13)."""
