"""The backend reads only the older junjo telemetry (contract version 1: ``junjo.id``, ``junjo.parent_id``,
``junjo.workflow.graph_structure``), as deployments of the Python-backend generation do.

Such a deployment pairs with junjo releases that send version 1. Its profile declares
``junjo_telemetry_versions: [1]``, and the junjo-client test must then not expect the columns that only
version-2 attributes fill (it once failed with ``junjo_id is ''``). On a target that declares version 2, the
same change is the seeded defect ``current_junjo_attributes_ignored``.
"""

PROCESS = "backend"
LEGITIMATE = True


def apply():
    from sut.defects import current_junjo_attributes_ignored

    current_junjo_attributes_ignored.apply()
