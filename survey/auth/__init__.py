"""Staff accounts: login, logout, roles."""
