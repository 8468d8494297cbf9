"""A library ingestion job cut off by a server that stopped is reported FAILED, not IN_PROGRESS forever."""

from datetime import UTC, datetime, timedelta

from medauto.services.bda.arns import Kind
from medauto.services.bda.ingestion_jobs import ABANDONED_AFTER, Outcome, finished, job_summary, job_view, new_job
from medauto.services.bda.locate import Target

LIBRARY = Target("arn:aws:bedrock:us-east-1:123456789012:data-automation-library/0123456789ab", "123456789012",
                 "us-east-1", Kind.LIBRARY, "0123456789ab")
PARAMS = {"entityType": "VOCABULARY", "operationType": "UPSERT", "outputConfiguration": {"s3Uri": "s3://out/x"},
          "inputConfiguration": {"inlinePayload": {"upsertEntitiesInfo": []}}}


def test_a_running_job_is_in_progress_and_an_abandoned_one_failed():
    started = datetime.now(UTC)
    running = new_job(LIBRARY, PARAMS, {}, started)
    assert job_view(running)["jobStatus"] == "IN_PROGRESS" and "errorType" not in job_view(running)
    abandoned = new_job(LIBRARY, PARAMS, {}, started - ABANDONED_AFTER - timedelta(seconds=1))
    view = job_view(abandoned)
    assert view["jobStatus"] == "FAILED" and view["errorType"] == "InternalServerException"
    assert "invoke the job again" in view["errorMessage"]
    assert job_summary(abandoned)["jobStatus"] == "FAILED"
    assert abandoned.body["status"] == "IN_PROGRESS"  # reading never rewrites the record


def test_a_finished_job_keeps_its_status_however_old():
    long_ago = datetime.now(UTC) - 10 * ABANDONED_AFTER
    done = finished(new_job(LIBRARY, PARAMS, {}, long_ago), Outcome(), "s3://out/x/r.json", long_ago)
    assert job_view(done)["jobStatus"] == "COMPLETED" and "errorType" not in job_view(done)
