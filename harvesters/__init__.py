"""Harvesters that pull datasets and collection records from other catalogs into the catalog."""
