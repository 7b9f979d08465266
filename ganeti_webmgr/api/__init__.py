"""GWM's REST API, /api/v1/: the pages' data and actions for scripts and other front
ends, with the web's permissions (permissions.rules) and its action layer."""
