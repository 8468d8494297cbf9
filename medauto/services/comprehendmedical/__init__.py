"""Amazon Comprehend Medical (2018-10-30)."""
