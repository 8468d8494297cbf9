"""medauto: a self-hosted, offline Amazon Comprehend Medical and Bedrock Data Automation."""

__version__ = "0.1.0"
