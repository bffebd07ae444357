"""Metadata quality of the catalog: MQA-style scores per dataset and publisher, link checks."""
