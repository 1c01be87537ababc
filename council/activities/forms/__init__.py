"""Forms of the activity pages, by page: the activity itself (activity.py), its status
changes (status.py), attendance and RSVP (attendance.py), attachments (attachment.py); the
fields and the schedule inputs they share are in fields.py. Every message is Japanese and sits
next to its field."""
