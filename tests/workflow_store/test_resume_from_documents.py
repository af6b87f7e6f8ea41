"""补正完毕 follows the documents list: papers ticked off there count, one still required blocks."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.errors import WorkflowError
from desktop.services.cases.workflow import accept_application, get_case, perform
from desktop.services.family.documents import list_documents, set_document_status
from tests.workflow_store.conftest import Offices, new_application

D = date


def test_resume_counts_the_documents_marked_received(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    docs = list_documents(o.store, app_id)
    assert len(docs) >= 2
    case = accept_application(
        o.store, o.clerk, app_id, D(2026, 9, 1), get_case(o.store, app_id).version
    )
    assert case.state == "supplementing"
    set_document_status(o.store, o.clerk, docs[0].id, "received")
    with pytest.raises(WorkflowError, match="尚缺") as still:
        perform(o.store, o.clerk, app_id, "resume", {}, D(2026, 9, 2), case.version)
    assert docs[1].title in str(still.value)
    for doc in docs[1:]:
        set_document_status(o.store, o.clerk, doc.id, "waived", "民政共享数据可查")
    view = perform(o.store, o.clerk, app_id, "resume", {}, D(2026, 9, 2), case.version)
    assert view.state == "accepted"  # nothing typed again: the list on the documents tab decides
