"""The web console: VNC through an authenticating proxy inside gwm-server."""
