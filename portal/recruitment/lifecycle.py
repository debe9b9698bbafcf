"""Where an application may go from each status, as data: read by the access rules and the services."""

from portal.reference.choices import ApplicationStatus as A

# The statuses the company side may set, from each status. `read` is set by the first opening only.
COMPANY_TRANSITIONS = {
    A.PENDING: (A.INTERVIEW, A.ACCEPTED, A.CANCELLED),
    A.READ: (A.INTERVIEW, A.ACCEPTED, A.CANCELLED),
    A.INTERVIEW: (A.ACCEPTED, A.CANCELLED),
    A.ACCEPTED: (A.CANCELLED,),
    A.CANCELLED: (),
}
# An application still alive: the student may withdraw it, their school may close it.
ALIVE = (A.PENDING, A.READ, A.INTERVIEW, A.ACCEPTED)
# What anybody may ask for (`read` comes by itself).
SETTABLE = (A.INTERVIEW, A.ACCEPTED, A.CANCELLED)
