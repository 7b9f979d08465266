"""Every write of Node, NodeGroup, VirtualMachine and network rows from Ganeti's data:
the sync of a cluster, the refresh of a finished job's targets, the import tools' list."""
