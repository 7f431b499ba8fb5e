"""Only the current junjo attribute names are read, so traces of older junjo releases lose their junjo columns.

Models a backend rewritten for telemetry contract version 2 that dropped the older names ``junjo.id``,
``junjo.parent_id`` and ``junjo.workflow.graph_structure``: applications still on an older ``junjo``
release keep sending them, and their workflows show no ids, no graph and no node link. Breaks policy B11
(every field intact) and contract A6 (accept both telemetry formats).
"""

PROCESS = "backend"
POLICY = "B11"
CAUGHT_BY = ["A Trace In The Older Telemetry Format Is Stored With Its Junjo Columns"]
FAILS_WITH = r"with wrong fields .*junjo_\w+ is None, sent"


def apply():
    from sut.backend import span_convert

    def first(attributes, names):
        return attributes.get(names[-1])

    span_convert.first_attribute = first
