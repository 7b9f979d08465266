"""gwm-worker: keeps GWM's copy of every cluster in step and follows every GWM job."""
