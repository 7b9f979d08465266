"""Signals of the inventory, so other apps act on a sync without inventory knowing them."""

from django.dispatch import Signal

# Sent by every sync of a cluster after its writes, inside its transaction (what a
# receiver writes commits or rolls back with them); sender=Cluster, cluster=the
# Cluster, result=the SyncResult.
cluster_synced = Signal()
