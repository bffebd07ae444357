"""Notifications: e-mail to an owner once per incident (a failing harvest, a broken link), and
digests of changes to followed datasets."""
