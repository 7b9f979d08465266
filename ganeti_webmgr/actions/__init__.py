"""The action layer: the one way from a user's action to a Ganeti job.

Every action (on a VM, a node, a cluster, or creating VMs) is declared once, in
vm.py, node.py, cluster.py or create.py, with its form, when Ganeti would do it,
its description and how it is submitted. Views, bulk actions, the wizard and the
API call service.py; the web request only records the request (a Job row with
status "submitting") and its audit entry; gwm-worker submits it (submission.py)
and follows the job, so no web request ever waits on a cluster.
"""
