"""The publishers' dataset editor, framework-free: authorized use cases with a revision per
change, uploaded files, the bundled RÚIAN place list."""
