"""Only the older junjo attribute names are read, so spans of current junjo releases lose their junjo columns.

Models the product's Python backend, which extracts ``junjo.id``, ``junjo.parent_id`` and
``junjo.workflow.graph_structure`` only: current ``junjo`` releases (telemetry contract version 2) send
``junjo.executable_runtime_id``, ``junjo.parent_executable_runtime_id`` and
``junjo.workflow.execution_graph_snapshot`` instead, so their workflow graph, node ids and the link of state
patches to nodes are lost. Breaks policy B11 (every field intact) and contract A6 (accept both).
"""

PROCESS = "backend"
POLICY = "B11"
CAUGHT_BY = ["Junjo Client Workflow Runs Arrive With Node Spans And State Patches"]
FAILS_WITH = r"with wrong fields .*junjo_(id|parent_id) is None, sent"


def apply():
    from sut.backend import span_convert

    def first(attributes, names):
        return attributes.get(names[0])

    span_convert.first_attribute = first
