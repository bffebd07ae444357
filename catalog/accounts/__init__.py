"""Accounts of the portal's people: users, their sign-in identities, memberships of
organisations (publishers, institutions) and the audit log. Framework-free."""
