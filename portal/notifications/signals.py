"""A recorded notification is announced once its transaction commits; the delivery task listens (tasks.py)."""

from django.dispatch import Signal

# Sent with `notification_ids` after the transaction that recorded those notifications commits.
recorded = Signal()
