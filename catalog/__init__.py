"""The DCAT-AP catalog and the register of museum collection objects: models, services, search.

Plain Python: no web framework here, so scripts, workers and the portal share one core.
"""
