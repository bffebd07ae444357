"""Full-text search over the catalog: one interface (``base.SearchIndex``), several backends."""
