"""The museum collections register: LIDO and CSV import, LIDO/EDM/oai_dc export, OAI-PMH."""
